// tests/unit/runtime/runtime_block_test.cpp - block encodings: the 92-byte header layout and its round trip,
// the payload encoding, its Merkle root and what Payload::decode rejects, and the vote message.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <functional>
#include <limits>

#include "runtime_support.hpp"
#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/limits.hpp"

using namespace trainchain::runtime;
using trainchain::test::from_hex;
using trainchain::test::to_hex;

namespace {

// The reference values below were computed independently with Python's hashlib and struct.
Payload sample_payload() {
    Payload p;
    p.kind = BlockKind::Epoch;
    p.run_id = 0x0102030405060708;
    p.epoch = 7;
    p.accuracy = 0.5;
    p.loss = 1.25;
    for (size_t i = 0; i < 32; ++i) p.checkpoint[i] = static_cast<uint8_t>(i);
    p.checkpoint_size = 1000;
    p.proposer = server_proposer;
    p.target_height = 0;
    p.note = "hi";
    return p;
}
constexpr const char* sample_payload_hex =
    "02010203040506070800000000000000073fe00000000000003ff4000000000000000102030405060708090a0b0c0d0e0f1011"
    "12131415161718191a1b1c1d1e1f00000000000003e8ffffffff000000000000000000000002686900000000000000000000000"
    "0";
constexpr const char* sample_root_hex = "f6b6d4fe1613ca931dc945057cc617bc614af10918d73576c87d470ac94b223d";

// A rollback payload: the sample as kind 3 with target 4, failing block 9 and two proposals
// (node 2 for block 4 signed 0x11 * 64; node 0 for block 3 signed 00 01 .. 3f).
Payload sample_rollback() {
    Payload p = sample_payload();
    p.kind = BlockKind::Rollback;
    p.target_height = 4;
    p.failing_height = 9;
    RollbackProposal a{2, 4, {}}, b{0, 3, {}};
    a.signature.fill(0x11);
    for (size_t i = 0; i < 64; ++i) b.signature[i] = static_cast<uint8_t>(i);
    p.proposals = {a, b};
    return p;
}
constexpr const char* sample_rollback_hex =
    "03010203040506070800000000000000073fe00000000000003ff4000000000000000102030405060708090a0b0c0d0e0f10"
    "1112131415161718191a1b1c1d1e1f00000000000003e8ffffffff0000000000000004000000026869000000000000000900"
    "0000020000000200000000000000041111111111111111111111111111111111111111111111111111111111111111111111"
    "1111111111111111111111111111111111111111111111111111111111000000000000000000000003000102030405060708"
    "090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a"
    "3b3c3d3e3f";
constexpr const char* sample_rollback_root_hex =
    "3564e5ffb6fdfa89726545a13fd9b0d4fef2334d15c67c4dd1610edc91413244";

BlockHeader sample_header() {
    BlockHeader h;
    h.height = 5;
    h.prev.fill(0xaa);
    h.timestamp_ms = 1700000000000;
    h.payload_root = *parse_hash(sample_root_hex);
    h.difficulty_bits = 8;
    h.nonce = 0x1122334455667788;
    return h;
}
constexpr const char* sample_header_hex =
    "0000000000000005aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0000018bcfe56800f6b6d4fe"
    "1613ca931dc945057cc617bc614af10918d73576c87d470ac94b223d000000081122334455667788";
constexpr const char* sample_header_hash_hex =
    "9470c0bc8fadedcdd2f33a7d36084747a7a1879a7a82c6f65a865dea881c18ff";

bool same(const Payload& a, const Payload& b) {
    return a.kind == b.kind && a.run_id == b.run_id && a.epoch == b.epoch &&
           std::bit_cast<uint64_t>(a.accuracy) == std::bit_cast<uint64_t>(b.accuracy) &&
           std::bit_cast<uint64_t>(a.loss) == std::bit_cast<uint64_t>(b.loss) &&
           a.checkpoint == b.checkpoint && a.checkpoint_size == b.checkpoint_size &&
           a.proposer == b.proposer && a.target_height == b.target_height && a.note == b.note &&
           a.failing_height == b.failing_height && a.proposals == b.proposals && a.segments == b.segments;
}

bool same(const BlockHeader& a, const BlockHeader& b) {
    return a.height == b.height && a.prev == b.prev && a.timestamp_ms == b.timestamp_ms &&
           a.payload_root == b.payload_root && a.difficulty_bits == b.difficulty_bits && a.nonce == b.nonce;
}

uint64_t be64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

TEST_CASE("header: 92 bytes, big-endian fields at the documented offsets") {
    static_assert(BlockHeader::encoded_size == 92);
    static_assert(BlockHeader::nonce_offset == 84);
    const BlockHeader h = sample_header();
    const auto e = h.encode();
    CHECK(to_hex(e) == sample_header_hex);

    // Each field at its offset, most significant byte first.
    CHECK(be64(e.data() + 0) == 5);
    CHECK(std::equal(h.prev.begin(), h.prev.end(), e.begin() + 8));
    CHECK(be64(e.data() + 40) == 1700000000000);
    CHECK(std::equal(h.payload_root.begin(), h.payload_root.end(), e.begin() + 48));
    CHECK(e[80] == 0);
    CHECK(e[83] == 8);
    CHECK(e[84] == 0x11);  // the nonce's most significant byte
    CHECK(e[91] == 0x88);
    CHECK(be64(e.data() + BlockHeader::nonce_offset) == h.nonce);

    // Changing only the nonce changes only bytes 84..91: the first 64 bytes are the miner's midstate.
    BlockHeader other = h;
    other.nonce = ~h.nonce;
    const auto f = other.encode();
    for (size_t i = 0; i < BlockHeader::encoded_size; ++i) {
        INFO("byte " << i);
        CHECK((e[i] != f[i]) == (i >= BlockHeader::nonce_offset));
    }
}

TEST_CASE("header: hash is SHA-256 of the encoding, and Block::hash is the header's") {
    const BlockHeader h = sample_header();
    CHECK(hex(h.hash()) == sample_header_hash_hex);
    const auto e = h.encode();
    CHECK(h.hash() == sha256(e));
    Block b;
    b.header = h;
    b.votes.push_back({3, true, Signature{}, std::nullopt});  // votes are not covered by the hash
    CHECK(b.hash() == h.hash());
}

TEST_CASE("header: decode round-trips and rejects a wrong size") {
    const BlockHeader h = sample_header();
    const auto e = h.encode();
    const auto d = BlockHeader::decode(e);
    REQUIRE(d);
    CHECK(same(*d, h));

    BlockHeader extremes;
    extremes.height = std::numeric_limits<uint64_t>::max();
    extremes.prev.fill(0xff);
    extremes.timestamp_ms = std::numeric_limits<uint64_t>::max();
    extremes.payload_root.fill(0x01);
    extremes.difficulty_bits = std::numeric_limits<uint32_t>::max();
    extremes.nonce = std::numeric_limits<uint64_t>::max();
    const auto x = BlockHeader::decode(extremes.encode());
    REQUIRE(x);
    CHECK(same(*x, extremes));
    const auto zero = BlockHeader::decode(BlockHeader{}.encode());
    REQUIRE(zero);
    CHECK(same(*zero, BlockHeader{}));

    Bytes bytes(e.begin(), e.end());
    CHECK_FALSE(BlockHeader::decode(Bytes{}));
    CHECK_FALSE(BlockHeader::decode(std::span<const uint8_t>(bytes.data(), 91)));
    bytes.push_back(0);
    CHECK_FALSE(BlockHeader::decode(bytes));
}

TEST_CASE("payload: canonical encoding and Merkle root match the reference") {
    const Payload p = sample_payload();
    const Bytes e = p.encode();
    CHECK(e.size() == 101 + 2);
    CHECK(to_hex(e) == sample_payload_hex);
    CHECK(hex(p.root()) == sample_root_hex);

    // A rollback's proposals: failing height, count, then node, target and signature each.
    const Payload r = sample_rollback();
    const Bytes re = r.encode();
    CHECK(re.size() == 101 + 2 + 2 * 76);
    CHECK(to_hex(re) == sample_rollback_hex);
    CHECK(hex(r.root()) == sample_rollback_root_hex);
    const auto d = Payload::decode(re);
    REQUIRE(d);
    CHECK(same(*d, r));
}

TEST_CASE("payload: the Merkle root pairs hashes and pairs an odd last node with itself") {
    // Recompute the root from the eleven leaf encodings with sha256 only: 11 -> 6 -> 3 -> 2 -> 1.
    const Bytes e = from_hex(sample_payload_hex);
    const size_t sizes[] = {1, 8, 8, 8, 8, 32, 8, 4, 8, 4 + 2, 8 + 4};
    std::vector<Hash> level;
    size_t at = 0;
    for (size_t s : sizes) {
        level.push_back(sha256(std::span<const uint8_t>(e.data() + at, s)));
        at += s;
    }
    REQUIRE(at == e.size());
    while (level.size() > 1) {
        std::vector<Hash> next;
        for (size_t i = 0; i < level.size(); i += 2) {
            Bytes both(level[i].begin(), level[i].end());
            const Hash& right = i + 1 < level.size() ? level[i + 1] : level[i];
            both.insert(both.end(), right.begin(), right.end());
            next.push_back(sha256(both));
        }
        level = next;
    }
    CHECK(level[0] == sample_payload().root());
}

TEST_CASE("payload: decode round-trips every kind and unusual values bit for bit") {
    std::vector<Payload> cases;
    for (auto kind : {BlockKind::Genesis, BlockKind::Registration, BlockKind::Epoch, BlockKind::Rollback}) {
        Payload p = sample_payload();
        p.kind = kind;
        cases.push_back(p);
    }
    Payload odd = sample_payload();
    odd.accuracy = std::numeric_limits<double>::quiet_NaN();
    odd.loss = -std::numeric_limits<double>::infinity();
    odd.note = std::string(4096, 'x');
    odd.proposer = 0;
    odd.target_height = std::numeric_limits<uint64_t>::max();
    cases.push_back(odd);
    Payload negzero = sample_payload();
    negzero.accuracy = -0.0;
    negzero.loss = std::numeric_limits<double>::denorm_min();
    negzero.note = std::string("\0with\xff nul", 10);
    cases.push_back(negzero);
    cases.push_back(Payload{});
    cases.push_back(sample_rollback());
    Payload many = sample_rollback();
    many.failing_height = std::numeric_limits<uint64_t>::max();
    many.proposals.resize(max_nodes);  // the most a decoder accepts
    for (uint32_t i = 0; i < max_nodes; ++i) many.proposals[i] = {i, uint64_t{i} * 3, {}};
    cases.push_back(many);

    for (const auto& p : cases) {
        const Bytes e = p.encode();
        CHECK(e.size() == 101 + p.note.size() + 76 * p.proposals.size());
        std::string why = "untouched";
        const auto d = Payload::decode(e, &why);
        REQUIRE(d);
        CHECK(same(*d, p));
        CHECK(d->root() == p.root());
        CHECK(d->encode() == e);
    }
}

TEST_CASE("payload: decode rejects malformed input and says why") {
    const Bytes good = sample_payload().encode();
    auto rejects = [](const Bytes& b, const std::string& needle) {
        std::string why;
        const auto d = Payload::decode(b, &why);
        CHECK_FALSE(d);
        CHECK_FALSE(why.empty());
        CHECK_MESSAGE(why.find(needle) != std::string::npos, why);
        CHECK_FALSE(Payload::decode(b));  // without an error pointer too
    };

    SUBCASE("too short") {
        rejects(Bytes{}, "shorter");
        rejects(Bytes(88, 0), "shorter");
        rejects(Bytes(100, 0), "shorter");
        rejects(Bytes(good.begin(), good.begin() + 50), "shorter");
        std::string why;
        CHECK(Payload::decode(Bytes(101, 0), &why));  // the minimum: a genesis payload with no note
    }
    SUBCASE("proposal count does not match the bytes") {
        const Bytes r = sample_rollback().encode();
        Bytes b = r;
        b.push_back(0);  // a byte past the last proposal
        rejects(b, "proposal count");
        b = r;
        b.pop_back();  // the last signature cut short
        rejects(b, "proposal count");
        b = r;
        b[101 + 2 - 1] = 3;  // says 3, holds 2
        rejects(b, "proposal count");
        b = good;
        b.back() = 1;  // one proposal announced, none there
        rejects(b, "proposal count");
    }
    SUBCASE("every prefix of a rollback payload is refused, the whole one decodes") {
        const Bytes r = sample_rollback().encode();
        for (size_t n = 0; n < r.size(); ++n) {
            INFO("prefix of " << n << " bytes");
            CHECK_FALSE(Payload::decode(std::span<const uint8_t>(r.data(), n)));
        }
        CHECK(Payload::decode(r));
    }
    SUBCASE("more proposals than the node limit: refused before anything is allocated") {
        for (uint32_t count : {max_nodes + 1, 0xffffffffu}) {
            Bytes b = good;
            for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<uint8_t>(count >> (24 - 8 * i));
            rejects(b, "node limit");
        }
    }
    SUBCASE("unknown kind") {
        for (uint8_t k : {uint8_t{4}, uint8_t{0x80}, uint8_t{0xff}}) {
            Bytes b = good;
            b[0] = k;
            rejects(b, "kind");
        }
    }
    SUBCASE("note length does not match the bytes") {
        Bytes b = good;
        b.push_back('!');  // one byte more than the note length says
        rejects(b, "note");
        b = good;
        b.pop_back();  // one byte less
        rejects(b, "note");
        b = good;
        b[88] = 3;  // says 3, holds 2
        rejects(b, "note");
    }
    SUBCASE("note longer than 4096 bytes") {
        Payload p = sample_payload();
        p.note = std::string(4097, 'n');
        const Bytes b = p.encode();  // encode does not cap: the decoder must refuse it
        rejects(b, "4096");
        Bytes huge = good;
        huge[85] = 0xff;  // note length 0xff000002
        rejects(huge, "4096");
    }
}

TEST_CASE("payload: the Merkle root changes when any field changes") {
    const Payload base = sample_payload();
    const Hash root = base.root();
    const std::vector<std::pair<const char*, std::function<void(Payload&)>>> edits = {
        {"kind", [](Payload& p) { p.kind = BlockKind::Rollback; }},
        {"run_id", [](Payload& p) { p.run_id ^= 1; }},
        {"epoch", [](Payload& p) { p.epoch += 1; }},
        {"accuracy", [](Payload& p) { p.accuracy = std::nextafter(p.accuracy, 1.0); }},
        {"accuracy sign of zero", [](Payload& p) { p.accuracy = 0.0; }},
        {"loss", [](Payload& p) { p.loss = -p.loss; }},
        {"checkpoint", [](Payload& p) { p.checkpoint[31] ^= 0x80; }},
        {"checkpoint_size", [](Payload& p) { p.checkpoint_size += 1; }},
        {"proposer", [](Payload& p) { p.proposer = 0; }},
        {"target_height", [](Payload& p) { p.target_height = 1; }},
        {"note text", [](Payload& p) { p.note = "hj"; }},
        {"note length", [](Payload& p) { p.note += '\0'; }},
        {"failing_height", [](Payload& p) { p.failing_height = 1; }},
        {"a proposal",
         [](Payload& p) {
             p.proposals.push_back({0, 0, {}});
         }},
    };
    for (const auto& [name, edit] : edits) {
        INFO(name);
        Payload p = base;
        edit(p);
        CHECK(p.root() != root);
        CHECK(p.encode() != base.encode());
    }
    // The zero-accuracy edit is against -0.0 as well: the leaves are the bytes, not the values.
    Payload pz = base, nz = base;
    pz.accuracy = 0.0;
    nz.accuracy = -0.0;
    CHECK(pz.root() != nz.root());
}

TEST_CASE("payload: the Merkle root changes when any part of a rollback's proposals changes") {
    const Payload base = sample_rollback();
    const std::vector<std::pair<const char*, std::function<void(Payload&)>>> edits = {
        {"failing height", [](Payload& p) { p.failing_height += 1; }},
        {"a proposal's node", [](Payload& p) { p.proposals[1].node = 1; }},
        {"a proposal's target", [](Payload& p) { p.proposals[0].target_height = 3; }},
        {"a signature byte", [](Payload& p) { p.proposals[0].signature[63] ^= 1; }},
        {"the order", [](Payload& p) { std::swap(p.proposals[0], p.proposals[1]); }},
        {"one proposal fewer", [](Payload& p) { p.proposals.pop_back(); }},
        {"none", [](Payload& p) { p.proposals.clear(); }},
    };
    for (const auto& [name, edit] : edits) {
        INFO(name);
        Payload p = base;
        edit(p);
        CHECK(p.root() != base.root());
        CHECK(p.encode() != base.encode());
    }
}

TEST_CASE("payload: a segment commitment is a twelfth field of 41 bytes; without one nothing changes") {
    // The reference values were computed independently with Python's hashlib and struct.
    Payload p = sample_payload();
    p.segments = SegmentCommitment{8, 3, {}};
    p.segments->root.fill(0x5c);
    const std::string field =
        "0100000008000000035c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c";
    CHECK(to_hex(p.encode()) == std::string(sample_payload_hex) + field);
    CHECK(hex(p.root()) == "bad06681a1913e59d70a9fda051a274a6c629d36aadb983e7f32c9ce71e6c13c");
    const auto back = Payload::decode(p.encode());
    REQUIRE(back);
    CHECK(same(*back, p));
    CHECK(back->root() == p.root());
    // Without it: the old bytes, the old root, and they decode to no commitment.
    const auto old = Payload::decode(from_hex(sample_payload_hex));
    REQUIRE(old);
    CHECK_FALSE(old->segments);
    CHECK(hex(old->root()) == sample_root_hex);
    const auto rollback = Payload::decode(from_hex(sample_rollback_hex));
    REQUIRE(rollback);
    CHECK_FALSE(rollback->segments);
    CHECK(hex(rollback->root()) == sample_rollback_root_hex);
    // Each part of the commitment changes the root.
    for (int part = 0; part < 3; ++part) {
        Payload q = p;
        if (part == 0) ++q.segments->steps;
        if (part == 1) ++q.segments->count;
        if (part == 2) q.segments->root[31] ^= 1;
        CHECK(q.root() != p.root());
    }
    // Bounds: steps 1, count 1 and max_segments decode.
    for (const auto& [steps, count] : {std::pair<uint32_t, uint32_t>{1, 1}, {0xffffffffu, max_segments}}) {
        Payload q = sample_payload();
        q.segments = SegmentCommitment{steps, count, {}};
        const auto r = Payload::decode(q.encode());
        REQUIRE(r);
        CHECK(r->segments == q.segments);
    }
}

TEST_CASE("payload: decode refuses a segment field of another size, tag or bounds, and says why") {
    Payload p = sample_payload();
    p.segments = SegmentCommitment{8, 3, {}};
    const Bytes good = p.encode();
    const size_t start = from_hex(sample_payload_hex).size();
    auto refused = [](const Bytes& bytes, const std::string& why) {
        std::string error;
        CHECK_FALSE(Payload::decode(bytes, &error));
        INFO(error);
        CHECK(error.find(why) != std::string::npos);
    };
    refused(Bytes(good.begin(), good.end() - 1), "40 bytes follow the proposals");
    Bytes longer = good;
    longer.push_back(0);
    refused(longer, "42 bytes follow the proposals");
    refused(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(start) + 1),
            "1 bytes follow the proposals");
    for (const int tag : {0, 2, 0xff}) {
        Bytes bad = good;
        bad[start] = static_cast<uint8_t>(tag);
        refused(bad, "unknown segment commitment tag " + std::to_string(tag));
    }
    Payload zero_count = p;
    zero_count.segments->count = 0;
    refused(zero_count.encode(), "has 0 segments");
    Payload too_many = p;
    too_many.segments->count = max_segments + 1;
    refused(too_many.encode(), "has " + std::to_string(max_segments + 1) + " segments");
    Payload zero_steps = p;
    zero_steps.segments->steps = 0;
    refused(zero_steps.encode(), "0 steps per segment");
}

TEST_CASE("proposal message: tag, run id, rollback height, failing hash, target height and hash") {
    Hash failing, target;
    failing.fill(0x22);
    target.fill(0x33);
    const Bytes m = proposal_message(0x7e57, 6, failing, 3, target);
    // Computed independently with Python's struct.
    CHECK(to_hex(m) ==
          "747261696e636861696e2f70726f706f73616c2f76310000000000007e5700000000000000062222222222222222222222"
          "22222222222222222222222222222222222222222200000000000000033333333333333333333333333333333333333333"
          "333333333333333333333333");
    CHECK(m.size() == 110);
    CHECK(std::string(m.begin(), m.begin() + 22) == "trainchain/proposal/v1");
    // Each part changes the message.
    Hash other = failing;
    other[31] ^= 1;
    CHECK(proposal_message(0x7e58, 6, failing, 3, target) != m);
    CHECK(proposal_message(0x7e57, 7, failing, 3, target) != m);
    CHECK(proposal_message(0x7e57, 6, other, 3, target) != m);
    CHECK(proposal_message(0x7e57, 6, failing, 4, target) != m);
    CHECK(proposal_message(0x7e57, 6, failing, 3, other) != m);
    // Not a vote: the tags differ.
    CHECK(std::string(m.begin(), m.begin() + 18) != "trainchain/vote/v1");
}

TEST_CASE("vote message: tag, block hash, accept byte") {
    Hash h;
    h.fill(0x11);
    const Bytes yes = vote_message(h, true);
    const Bytes no = vote_message(h, false);
    const std::string tag = "trainchain/vote/v1";
    REQUIRE(yes.size() == tag.size() + 32 + 1);
    CHECK(yes.size() == 51);
    CHECK(std::string(yes.begin(), yes.begin() + 18) == tag);
    CHECK(std::equal(h.begin(), h.end(), yes.begin() + 18));
    CHECK(yes.back() == 1);
    CHECK(no.back() == 0);
    CHECK(std::equal(yes.begin(), yes.end() - 1, no.begin()));
    Hash other = h;
    other[0] ^= 1;
    CHECK(vote_message(other, true) != yes);
}

TEST_CASE("kind names") {
    CHECK(kind_name(BlockKind::Genesis) == "genesis");
    CHECK(kind_name(BlockKind::Registration) == "registration");
    CHECK(kind_name(BlockKind::Epoch) == "epoch");
    CHECK(kind_name(BlockKind::Rollback) == "rollback");
}
