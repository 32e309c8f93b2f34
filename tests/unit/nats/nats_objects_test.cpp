// tests/unit/nats/nats_objects_test.cpp - what the NATS transport sends that can be checked without
// a broker: objects (checkpoint files, the VM state) cut into chunks and put back together, with a
// bad chunk or a bad whole refused; their descriptions; base64; a block's gas records and profiles as
// the block messages carry them; the stream settings' limits.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "link.hpp"  // nats/src: the transport's private header
#include "runtime_support.hpp"

using namespace trainchain;
using namespace trainchain::nats::detail;
using runtime::Bytes;

namespace {

Bytes random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return b;
}

/// The chunks of `bytes` as publish_object cuts them, with the description it sends last.
std::vector<std::string> cut(const Bytes& bytes, uint64_t chunk_size, ObjectInfo& info) {
    info.chunk_size = chunk_size;
    info.bytes = bytes.size();
    info.file_digest = runtime::sha256(bytes);
    std::vector<std::string> chunks;
    for (size_t at = 0; at < bytes.size(); at += chunk_size)
        chunks.emplace_back(reinterpret_cast<const char*>(bytes.data() + at),
                            std::min<size_t>(chunk_size, bytes.size() - at));
    return chunks;
}

}  // namespace

TEST_CASE("objects: chunks in any order give the bytes back") {
    for (const size_t size : {size_t{1}, size_t{1000}, size_t{4096}, size_t{4097}, size_t{1300000}}) {
        INFO("size " << size);
        const Bytes bytes = random_bytes(size, size);
        ObjectInfo info;
        info.digest = runtime::sha256(Bytes{9});
        auto chunks = cut(bytes, 4096, info);
        CHECK(info.chunks() == chunks.size());
        CHECK(info.chunks() == (size + 4095) / 4096);
        // The description survives its JSON form.
        const ObjectInfo back = object_info_from_json(Json::parse(object_info_json(info).dump()));
        CHECK(back.digest == info.digest);
        CHECK(back.file_digest == info.file_digest);
        CHECK(back.bytes == info.bytes);
        CHECK(back.chunk_size == info.chunk_size);
        ObjectAssembly a(back);
        std::vector<size_t> order(chunks.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), std::mt19937_64(size));
        std::string why;
        for (size_t k = 0; k < order.size(); ++k) {
            CHECK_FALSE(a.complete());
            REQUIRE(a.add(order[k], chunks[order[k]], &why));
        }
        CHECK(a.complete());
        const auto out = a.finish(&why);
        REQUIRE(out);
        CHECK(*out == bytes);
    }
}

TEST_CASE("objects: a bad chunk, a missing chunk or a bad whole is refused") {
    const Bytes bytes = random_bytes(10000, 3);
    ObjectInfo info;
    auto chunks = cut(bytes, 4096, info);  // 4096, 4096, 1808
    REQUIRE(chunks.size() == 3);
    std::string why;
    {
        ObjectAssembly a(info);
        CHECK_FALSE(a.add(3, chunks[2], &why));  // past the last chunk
        CHECK(why.find("chunk 3 of an object of 3 chunks") != std::string::npos);
        CHECK_FALSE(a.add(0, chunks[0].substr(1), &why));  // too short
        CHECK(why.find("holds 4095 bytes, not 4096") != std::string::npos);
        CHECK_FALSE(a.add(2, chunks[0], &why));  // the last chunk is shorter
        CHECK(a.add(0, chunks[0], &why));
        CHECK_FALSE(a.add(0, chunks[0], &why));  // twice
        CHECK(why.find("came twice") != std::string::npos);
        CHECK(a.add(1, chunks[1], &why));
        CHECK_FALSE(a.finish(&why));  // one missing
        CHECK(why == "1 of 3 chunks missing");
    }
    {
        // A chunk of the right size with one byte changed: found when the whole is checked.
        ObjectAssembly a(info);
        std::string bad = chunks[1];
        bad[100] = static_cast<char>(bad[100] ^ 1);
        CHECK(a.add(0, chunks[0], &why));
        CHECK(a.add(1, bad, &why));
        CHECK(a.add(2, chunks[2], &why));
        CHECK_FALSE(a.finish(&why));
        CHECK(why.find("SHA-256") != std::string::npos);
    }
    {
        // Chunks of another object with the same sizes.
        const Bytes other = random_bytes(10000, 4);
        ObjectInfo o;
        auto theirs = cut(other, 4096, o);
        ObjectAssembly a(info);
        for (uint64_t i = 0; i < 3; ++i) CHECK(a.add(i, theirs[i], &why));
        CHECK_FALSE(a.finish(&why));
    }
    // An empty object has no chunks and is complete at once.
    ObjectInfo empty;
    auto none = cut(Bytes{}, 4096, empty);
    CHECK(none.empty());
    ObjectAssembly a(empty);
    CHECK(a.complete());
    CHECK(a.finish(&why) == Bytes{});
}

TEST_CASE("objects: malformed descriptions are refused") {
    ObjectInfo info;
    info.bytes = 100;
    info.chunk_size = 10;
    Json j = object_info_json(info);
    CHECK_NOTHROW(object_info_from_json(j));
    j["chunk_size"] = 0;
    CHECK_THROWS_AS(object_info_from_json(j), std::invalid_argument);
    j["chunk_size"] = uint64_t{1} << 40;
    CHECK_THROWS_AS(object_info_from_json(j), std::invalid_argument);
    j["chunk_size"] = 1;
    j["bytes"] = max_object_chunks + 1;
    CHECK_THROWS_AS(object_info_from_json(j), std::invalid_argument);
    j = object_info_json(info);
    j["digest"] = "12";
    CHECK_THROWS(object_info_from_json(j));
    j = object_info_json(info);
    j.erase("file");
    CHECK_THROWS(object_info_from_json(j));
}

TEST_CASE("base64: round trips, RFC 4648 vectors, malformed text") {
    const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                      {"f", "Zg=="},
                                                                      {"fo", "Zm8="},
                                                                      {"foo", "Zm9v"},
                                                                      {"foob", "Zm9vYg=="},
                                                                      {"fooba", "Zm9vYmE="},
                                                                      {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        const Bytes b(plain.begin(), plain.end());
        CHECK(to_base64(b) == encoded);
        CHECK(from_base64(encoded) == b);
    }
    for (size_t n = 0; n < 70; ++n) {
        const Bytes b = random_bytes(n, n + 100);
        CHECK(from_base64(to_base64(b)) == b);
    }
    CHECK_THROWS_AS(from_base64("Zm9"), std::invalid_argument);
    CHECK_THROWS_AS(from_base64("Zm9*"), std::invalid_argument);
    CHECK_THROWS_AS(from_base64("Z==="), std::invalid_argument);
}

TEST_CASE("records: a block's gas records, profiles and state journal row survive the wire") {
    std::vector<runtime::GasRecord> gas = {{5, "Consensus", "vote", 31234, true},
                                           {5, "Consensus", "submitWork", 45000, false}};
    runtime::GasProfileRecord p;
    p.height = 5;
    p.contract = "Consensus";
    p.function = "vote";
    p.calls = 3;
    p.gas_used = 93702;
    p.intrinsic = 63000;
    p.refund = 15;
    p.profile.opcodes[0x55] = {3, 20000};
    p.profile.opcodes[0x01] = {30, 90};
    p.profile.precompiles[2] = {1, 72};
    p.profile.code_deposit = {0, 0};
    p.profile.other = {1, 5};
    // A row: an account's nonce and one slot changed, another account created with code and a slot.
    runtime::StateRecord state;
    runtime::AccountChange a;
    a.address.bytes[19] = 1;
    a.nonce = {{7, 8}};
    a.slots.push_back({vm::uint256{3}, vm::uint256{0}, vm::uint256{0x1234}});
    runtime::AccountChange b;
    b.address.bytes[19] = 2;
    b.existed = false;
    b.code = {{{}, {0x60, 0x00}}};
    b.slots.push_back({vm::uint256{1}, vm::uint256{0}, vm::uint256::max()});
    state.changes.accounts = {a, b};
    state.digest[0] = 0xab;
    const std::string wire = records_to_wire(gas, {p}, state);
    std::vector<runtime::GasRecord> g2;
    std::vector<runtime::GasProfileRecord> p2;
    std::optional<runtime::StateRecord> s2;
    records_from_wire(wire, 5, g2, p2, s2);
    CHECK(s2 == state);
    // Records without a row (a block of a run made before the journal): none comes back.
    records_from_wire(records_to_wire(gas, {p}, std::nullopt), 5, g2, p2, s2);
    CHECK_FALSE(s2);
    REQUIRE(g2.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        CHECK(g2[i].height == 5);
        CHECK(g2[i].contract == gas[i].contract);
        CHECK(g2[i].function == gas[i].function);
        CHECK(g2[i].gas_used == gas[i].gas_used);
        CHECK(g2[i].success == gas[i].success);
    }
    REQUIRE(p2.size() == 1);
    CHECK(p2[0].calls == 3);
    CHECK(p2[0].refund == 15);
    CHECK(p2[0].profile.opcodes[0x55].gas == 20000);
    CHECK(p2[0].profile.opcodes[0x01].count == 30);
    CHECK(p2[0].profile.precompiles.at(2).gas == 72);
    CHECK(p2[0].profile.other.gas == 5);
    CHECK(p2[0].profile.total() == p.profile.total());
    CHECK_THROWS(records_from_wire("not base64!", 5, g2, p2, s2));
    CHECK_THROWS(records_from_wire(to_base64(Bytes{1, 2, 3, 4}), 5, g2, p2, s2));  // not zstd
}

TEST_CASE("stream settings: replicas and retention within runtime/limits.hpp") {
    nats::StreamSettings s;
    CHECK_FALSE(nats::check_stream_settings(s));
    s.replicas = 3;
    s.checkpoint_max_age_seconds = 0;  // keep all
    s.checkpoint_max_bytes = 0;        // no limit
    CHECK_FALSE(nats::check_stream_settings(s));
    s.checkpoint_max_age_seconds = 30 * 86400;
    s.checkpoint_max_bytes = uint64_t{20} << 30;
    CHECK_FALSE(nats::check_stream_settings(s));
    for (const uint32_t bad : {0u, 6u}) {
        nats::StreamSettings r;
        r.replicas = bad;
        const auto why = nats::check_stream_settings(r);
        REQUIRE(why);
        CHECK(why->rfind("--replicas: error:", 0) == 0);
    }
    nats::StreamSettings a;
    a.checkpoint_max_age_seconds = 59;
    CHECK(nats::check_stream_settings(a));
    nats::StreamSettings b;
    b.checkpoint_max_bytes = 1000;
    CHECK(nats::check_stream_settings(b));
}

TEST_CASE("endpoint: one server or several of a cluster, and a run name") {
    std::string why;
    auto e = nats::parse_endpoint("nats://127.0.0.1:4222/run-1", &why);
    REQUIRE(e);
    CHECK(e->server == "nats://127.0.0.1:4222");
    CHECK(e->run == "run-1");
    e = nats::parse_endpoint("nats://a:1,b:2,c.example:4222", &why);
    REQUIRE(e);
    CHECK(e->server == "nats://a:1,nats://b:2,nats://c.example:4222");
    CHECK(e->run == "trainchain");

    std::string many = "nats://h:1";
    for (size_t i = 1; i < nats::max_endpoint_servers; ++i) many += ",h:" + std::to_string(i + 1);
    CHECK(nats::parse_endpoint(many, &why));
    CHECK_FALSE(nats::parse_endpoint(many + ",h:99", &why));
    CHECK(why.find("at most") != std::string::npos);

    // Every malformed shape is refused with the text and a reason.
    for (const char* bad : {"", "nats://", "http://a:1", "nats://a", "nats://a:", "nats://:1", "nats://a:1,",
                            "nats://a:1,,b:2", "nats://a:1,b", "nats://a:x1", "nats://a:1,b:2x/r",
                            "nats://a:1/", "nats://a:1/r.x", "nats://a:1,b:2/has space"}) {
        CAPTURE(bad);
        why.clear();
        CHECK_FALSE(nats::parse_endpoint(bad, &why));
        CHECK(why.find(std::string("'") + bad + "'") == 0);
    }
}
