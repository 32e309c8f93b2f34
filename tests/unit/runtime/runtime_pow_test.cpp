// tests/unit/runtime/runtime_pow_test.cpp - proof of work: leading zero bits, targets, the head
// check, both SHA-256 engines of the midstate miner against OpenSSL's SHA256() of the encoded header,
// mine() and mine_range() with strides, starts, limits, stops and each engine.
#include <doctest/doctest.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime_support.hpp"
#include "trainchain/runtime/pow.hpp"

using namespace trainchain::runtime;

namespace {

BlockHeader random_header(std::mt19937_64& rng) {
    BlockHeader h;
    h.height = rng();
    for (auto& b : h.prev) b = static_cast<uint8_t>(rng());
    h.timestamp_ms = rng();
    for (auto& b : h.payload_root) b = static_cast<uint8_t>(rng());
    h.difficulty_bits = static_cast<uint32_t>(rng() % 64);
    h.nonce = rng();
    return h;
}

Hash hash_of(BlockHeader h, uint64_t nonce) {
    h.nonce = nonce;
    return h.hash();
}

/// The first passing nonce of start, start + stride, ..., scanned with the plain header hash.
uint64_t first_passing(const BlockHeader& h, unsigned bits, uint64_t start, uint64_t stride) {
    for (uint64_t n = start;; n += stride)
        if (check_proof_of_work(hash_of(h, n), bits)) return n;
}

/// OpenSSL's one-shot SHA256() of the encoded header with `nonce`: the reference for both engines.
Hash openssl_hash(BlockHeader h, uint64_t nonce) {
    h.nonce = nonce;
    const auto bytes = h.encode();
    Hash out;
    SHA256(bytes.data(), bytes.size(), out.data());
    return out;
}

/// The engines this CPU runs: Portable always, ShaNi where the CPU has it.
std::vector<Sha256Engine> engines() {
    std::vector<Sha256Engine> e = {Sha256Engine::Portable};
    if (engine_supported(Sha256Engine::ShaNi))
        e.push_back(Sha256Engine::ShaNi);
    else
        MESSAGE("this CPU has no SHA extensions: only the portable engine is tested");
    return e;
}

/// The first 64 bits of a hash, big-endian: what the miner's head check sees.
uint64_t head_of(const Hash& h) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v = v << 8 | h[i];
    return v;
}

/// Nonces where a byte or word of the nonce carries into the next.
std::vector<uint64_t> boundary_nonces() {
    std::vector<uint64_t> n;
    for (unsigned bit = 0; bit < 64; bit += 8) {
        const uint64_t p = uint64_t{1} << bit;
        n.insert(n.end(), {p - 1, p, p + 1});
    }
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    n.insert(n.end(), {0, max, max - 1, 0xffffffffull, 0x100000000ull, 0xffffffff00000000ull,
                       0x00000000ffffffffull, 0x80000000ull, 0x8000000000000000ull, 0x0123456789abcdefull});
    return n;
}

}  // namespace

TEST_CASE("leading_zero_bits: edge cases") {
    Hash h{};
    CHECK(leading_zero_bits(h) == 256);
    h[31] = 1;
    CHECK(leading_zero_bits(h) == 255);
    h[31] = 0x80;
    CHECK(leading_zero_bits(h) == 248);
    h = Hash{};
    h[0] = 0x80;
    CHECK(leading_zero_bits(h) == 0);
    h[0] = 0xff;
    CHECK(leading_zero_bits(h) == 0);
    h[0] = 0x01;
    CHECK(leading_zero_bits(h) == 7);
    h[0] = 0x00;
    h[1] = 0x40;
    CHECK(leading_zero_bits(h) == 9);
    h[1] = 0x01;
    h[2] = 0xff;  // later bytes do not matter once a one bit is found
    CHECK(leading_zero_bits(h) == 15);
    for (unsigned k = 0; k < 256; ++k) {
        Hash one{};
        one[k / 8] = static_cast<uint8_t>(0x80u >> (k % 8));
        INFO("bit " << k);
        CHECK(leading_zero_bits(one) == k);
        one.back() |= 1;  // a lower bit set as well changes nothing
        CHECK(leading_zero_bits(one) == k);
    }
}

TEST_CASE("check_proof_of_work: at least `bits` leading zero bits") {
    Hash h{};
    h[1] = 0x10;  // 11 leading zero bits
    CHECK(check_proof_of_work(h, 0));
    CHECK(check_proof_of_work(h, 11));
    CHECK_FALSE(check_proof_of_work(h, 12));
    Hash ones;
    ones.fill(0xff);
    CHECK(check_proof_of_work(ones, 0));
    CHECK_FALSE(check_proof_of_work(ones, 1));
    CHECK(check_proof_of_work(Hash{}, 256));
}

TEST_CASE("target_of: 2^(256 - bits) - 1, and a hash passes exactly when it is at most the target") {
    Hash all;
    all.fill(0xff);
    CHECK(target_of(0) == all);
    Hash t8 = all;
    t8[0] = 0;
    CHECK(target_of(8) == t8);
    Hash t12 = all;
    t12[0] = 0;
    t12[1] = 0x0f;
    CHECK(target_of(12) == t12);
    Hash t1 = all;
    t1[0] = 0x7f;
    CHECK(target_of(1) == t1);
    Hash t255{};
    t255[31] = 1;
    CHECK(target_of(255) == t255);
    CHECK(target_of(256) == Hash{});

    std::mt19937_64 rng(7);
    for (int i = 0; i < 2000; ++i) {
        Hash h;
        for (auto& b : h) b = static_cast<uint8_t>(rng());
        // Shift some hashes down so that high difficulties get passing and failing examples.
        const unsigned zeros = static_cast<unsigned>(rng() % 40);
        for (unsigned k = 0; k < zeros; ++k) h[k / 8] = static_cast<uint8_t>(h[k / 8] & ~(0x80u >> (k % 8)));
        for (unsigned bits : {0u, 1u, 7u, 8u, 9u, 12u, 16u, 24u, 33u}) {
            const Hash t = target_of(bits);
            const bool below =
                !std::lexicographical_compare(t.begin(), t.end(), h.begin(), h.end());  // h <= t
            CHECK(below == check_proof_of_work(h, bits));
        }
    }
}

TEST_CASE("engines: detection agrees with the CPU, and an engine the CPU lacks is refused") {
    CHECK(engine_supported(Sha256Engine::Portable));
    CHECK(best_engine() ==
          (engine_supported(Sha256Engine::ShaNi) ? Sha256Engine::ShaNi : Sha256Engine::Portable));
    CHECK(std::string(engine_name(Sha256Engine::Portable)) == "portable");
    CHECK(std::string(engine_name(Sha256Engine::ShaNi)) == "sha-ni");
#if defined(__linux__) && defined(__x86_64__)
    // The kernel's view of the CPU (cpuid leaf 7, EBX bit 29) against ours: if detection broke, the
    // SHA-NI tests below would be skipped silently.
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    bool kernel_says = false;
    while (std::getline(cpuinfo, line))
        if (line.rfind("flags", 0) == 0) {
            kernel_says = (line + " ").find(" sha_ni ") != std::string::npos;
            break;
        }
    CHECK(engine_supported(Sha256Engine::ShaNi) == kernel_says);
#endif
    std::mt19937_64 rng(11);
    const BlockHeader h = random_header(rng);
    if (!engine_supported(Sha256Engine::ShaNi)) {
        CHECK_THROWS_AS(Miner(h, Sha256Engine::ShaNi), std::invalid_argument);
        const std::atomic<bool> go{false};
        uint64_t tries = 0;
        CHECK_THROWS_AS(mine_range(h, 1, 0, 1, go, 10, tries, Sha256Engine::ShaNi), std::invalid_argument);
        CHECK_THROWS_AS(mine(h, {1, 1, Sha256Engine::ShaNi}), std::invalid_argument);
    }
    CHECK(Miner(h).engine() == best_engine());
    CHECK(Miner(h, Sha256Engine::Portable).engine() == Sha256Engine::Portable);
}

TEST_CASE("Miner::hash equals OpenSSL's SHA-256 of the header, on every engine") {
    for (const Sha256Engine engine : engines()) {
        std::mt19937_64 rng(42);
        for (int header = 0; header < 200; ++header) {
            const BlockHeader h = random_header(rng);
            const Miner miner(h, engine);
            std::vector<uint64_t> nonces = boundary_nonces();
            nonces.push_back(h.nonce);
            for (int i = 0; i < 30; ++i) nonces.push_back(rng());
            for (int i = 0; i < 10; ++i) nonces.push_back(rng() >> (rng() % 64));  // short nonces too
            for (uint64_t n : nonces) {
                INFO(engine_name(engine) << " header " << header << " nonce " << n);
                CHECK(miner.hash(n) == openssl_hash(h, n));
            }
        }
        // The header's own nonce is ignored by the Miner: it hashes the one it is given.
        BlockHeader a = random_header(rng), b = a;
        b.nonce = ~a.nonce;
        CHECK(Miner(a, engine).hash(5) == Miner(b, engine).hash(5));
        CHECK(Miner(a, engine).hash(a.nonce) == a.hash());
    }
}

TEST_CASE("Miner::hashes (the per-try path with its precomputed rounds) equals OpenSSL, on every engine") {
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    for (const Sha256Engine engine : engines()) {
        std::mt19937_64 rng(43);
        size_t checked = 0;
        for (int header = 0; header < 60; ++header) {
            const BlockHeader h = random_header(rng);
            const Miner miner(h, engine);
            struct Run {
                uint64_t start, stride;
                size_t count;
            };
            // Runs across a change of the nonce's high half (where rounds 4-5 are redone) at
            // several offsets, strides that change it on every try, the top of the nonce space and
            // wrapping past it, a stride of zero, one try and none.
            std::vector<Run> runs = {{0, 1, 9},
                                     {0xfffffffcull, 1, 8},
                                     {0xfffffffbull, 1, 8},
                                     {0x1fffffffdull, 1, 7},
                                     {rng(), 1, 33},
                                     {rng(), 1 + rng() % 1000, 21},
                                     {rng(), uint64_t{1} << 32, 6},
                                     {rng(), rng(), 11},
                                     {max - 6, 1, 7},
                                     {max - 3, 1, 8},
                                     {rng(), 0, 3},
                                     {rng(), 1, 1},
                                     {rng(), 1, 0}};
            for (uint64_t n : boundary_nonces()) runs.push_back({n, 1, 2});
            for (const Run& r : runs) {
                std::vector<Hash> out(r.count);
                miner.hashes(r.start, r.stride, out);
                for (size_t i = 0; i < r.count; ++i) {
                    const uint64_t n = r.start + i * r.stride;
                    INFO(engine_name(engine) << " header " << header << " start " << r.start << " stride "
                                             << r.stride << " try " << i);
                    CHECK(out[i] == openssl_hash(h, n));
                    ++checked;
                }
            }
        }
        CHECK(checked > 5000);
    }
}

TEST_CASE("HeadCheck: the first 64 bits decide exactly up to 64 bits, and never miss a pass above") {
    std::mt19937_64 rng(44);
    for (unsigned zeros = 0; zeros <= 80; ++zeros) {
        for (int sample = 0; sample < 20; ++sample) {
            // A hash with exactly `zeros` leading zero bits (all 256 when zeros reaches the end) and
            // random bits after the one that ends them.
            Hash h;
            for (auto& b : h) b = static_cast<uint8_t>(rng());
            for (unsigned k = 0; k < zeros; ++k)
                h[k / 8] = static_cast<uint8_t>(h[k / 8] & ~(0x80u >> (k % 8)));
            h[zeros / 8] = static_cast<uint8_t>(h[zeros / 8] | (0x80u >> (zeros % 8)));
            REQUIRE(leading_zero_bits(h) == zeros);
            for (unsigned bits = 0; bits <= 256; ++bits) {
                const HeadCheck check(bits);
                INFO("zeros " << zeros << " bits " << bits);
                CHECK(check.exact() == (bits <= 64));
                if (bits <= 64)
                    CHECK(check.passes(head_of(h)) == check_proof_of_work(h, bits));
                else if (check_proof_of_work(h, bits))
                    CHECK(check.passes(head_of(h)));
            }
        }
    }
    // The boundaries of each bit count from 0 to 40: the largest passing head and the smallest
    // failing one.
    for (unsigned bits = 0; bits <= 40; ++bits) {
        INFO("bits " << bits);
        const HeadCheck check(bits);
        const uint64_t largest_pass = bits == 0 ? ~uint64_t{0} : ~uint64_t{0} >> bits;
        CHECK(check.passes(largest_pass));
        CHECK(check.passes(0));
        if (bits > 0) CHECK_FALSE(check.passes(largest_pass + 1));
    }
}

TEST_CASE("mine_range: every engine finds the first passing nonce, with the same tries") {
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    const std::atomic<bool> go{false};
    std::mt19937_64 rng(45);
    for (int i = 0; i < 24; ++i) {
        const BlockHeader h = random_header(rng);
        const unsigned bits = static_cast<unsigned>(rng() % 13);
        // Starts below a change of the nonce's high half and near the top of the nonce space, too.
        const uint64_t starts[] = {rng() % 1000, 0x100000000ull - rng() % 3000,
                                   max - (uint64_t{1} << 20) + rng() % 1000};
        const uint64_t start = starts[i % 3], stride = 1 + rng() % 5;
        const uint64_t expected = first_passing(h, bits, start, stride);
        for (const Sha256Engine engine : engines()) {
            INFO(engine_name(engine) << " bits " << bits << " start " << start << " stride " << stride);
            uint64_t tries = 0;
            const auto r = mine_range(h, bits, start, stride, go, max, tries, engine);
            REQUIRE(r);
            CHECK(r->nonce == expected);
            CHECK(r->hash == openssl_hash(h, expected));
            CHECK(tries == (expected - start) / stride + 1);
            CHECK(r->tries == tries);
        }
    }
    // A winner at the last try mine_range may spend, and the same search one try short of it.
    for (const Sha256Engine engine : engines()) {
        std::mt19937_64 rng2(46);
        for (int i = 0; i < 40; ++i) {
            const BlockHeader h = random_header(rng2);
            const uint64_t expected = first_passing(h, 6, 0, 1);
            uint64_t tries = 0;
            INFO(engine_name(engine) << " expected " << expected);
            // max_tries of exactly the winner's tries, and one short of it.
            const auto r = mine_range(h, 6, 0, 1, go, expected + 1, tries, engine);
            REQUIRE(r);
            CHECK(r->nonce == expected);
            CHECK_FALSE(mine_range(h, 6, 0, 1, go, expected, tries, engine));
            CHECK(tries == expected);
        }
    }
}

TEST_CASE("mine: one worker finds the same nonce on every engine") {
    std::mt19937_64 rng(47);
    for (unsigned bits : {0u, 4u, 9u, 14u}) {
        const BlockHeader h = random_header(rng);
        const uint64_t expected = first_passing(h, bits, 0, 1);
        for (const Sha256Engine engine : engines()) {
            INFO(engine_name(engine) << " bits " << bits);
            const auto r = mine(h, {bits, 1, engine});
            REQUIRE(r);
            CHECK(r->nonce == expected);
            CHECK(r->tries == expected + 1);
            const auto two = mine(h, {bits, 2, engine});
            REQUIRE(two);
            CHECK(two->hash == openssl_hash(h, two->nonce));
            CHECK(check_proof_of_work(two->hash, bits));
        }
    }
}

TEST_CASE("mine: finds a nonce that meets the difficulty") {
    std::mt19937_64 rng(1);
    for (unsigned bits : {0u, 1u, 8u, 10u, 12u}) {
        for (unsigned threads : {1u, 2u, 3u}) {
            INFO("bits " << bits << " threads " << threads);
            BlockHeader h = random_header(rng);
            h.difficulty_bits = bits;
            const auto r = mine(h, {bits, threads});
            REQUIRE(r);
            CHECK(r->hash == hash_of(h, r->nonce));
            CHECK(check_proof_of_work(r->hash, bits));
            CHECK(r->tries >= 1);
            if (threads == 1) {
                // One worker tries 0, 1, 2, ...: the first passing nonce, after exactly nonce + 1 tries.
                CHECK(r->nonce == first_passing(h, bits, 0, 1));
                CHECK(r->tries == r->nonce + 1);
            }
        }
    }
    // threads = 0 means one per hardware thread; it still finds a valid nonce.
    BlockHeader h = random_header(rng);
    const auto r = mine(h, {10, 0});
    REQUIRE(r);
    CHECK(check_proof_of_work(hash_of(h, r->nonce), 10));
}

TEST_CASE("mine_range: respects start and stride and counts tries") {
    std::mt19937_64 rng(3);
    const std::atomic<bool> go{false};
    for (int i = 0; i < 10; ++i) {
        const BlockHeader h = random_header(rng);
        const uint64_t start = rng() % 1000, stride = 1 + rng() % 7;
        uint64_t tries = 12345;
        const auto r = mine_range(h, 8, start, stride, go, std::numeric_limits<uint64_t>::max(), tries);
        REQUIRE(r);
        INFO("start " << start << " stride " << stride);
        CHECK(r->nonce >= start);
        CHECK((r->nonce - start) % stride == 0);
        CHECK(r->nonce == first_passing(h, 8, start, stride));
        CHECK(tries == (r->nonce - start) / stride + 1);
        CHECK(r->tries == tries);
        CHECK(r->hash == hash_of(h, r->nonce));
    }
}

TEST_CASE("mine_range: stops on the flag, at max_tries, and before the nonce space wraps") {
    std::mt19937_64 rng(4);
    const BlockHeader h = random_header(rng);
    uint64_t tries = 99;

    const std::atomic<bool> stopped{true};
    CHECK_FALSE(mine_range(h, 0, 0, 1, stopped, 1000, tries));
    CHECK(tries == 0);

    // 256 bits can never be met (no SHA-256 of a header is zero): only the limits end the search.
    const std::atomic<bool> go{false};
    CHECK_FALSE(mine_range(h, 256, 0, 1, go, 100, tries));
    CHECK(tries == 100);
    CHECK_FALSE(mine_range(h, 256, 0, 1, go, 0, tries));
    CHECK(tries == 0);

    const uint64_t max = std::numeric_limits<uint64_t>::max();
    CHECK_FALSE(mine_range(h, 256, max - 5, 4, go, 1000, tries));
    CHECK(tries == 2);  // max - 5 and max - 1; the next would wrap
    CHECK_FALSE(mine_range(h, 256, max, 1, go, 1000, tries));
    CHECK(tries == 1);

    // A stop raised from another thread ends a search that could not succeed on its own.
    std::atomic<bool> flag{false};
    uint64_t worker_tries = 0;
    bool found = true;
    std::thread worker([&] { found = mine_range(h, 256, 0, 1, flag, max, worker_tries).has_value(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    flag = true;
    worker.join();
    CHECK_FALSE(found);
    CHECK(worker_tries > 0);
    CHECK(worker_tries < max);
}

TEST_CASE("mine: a passing nonce of 0 is found at once") {
    BlockHeader h;
    const auto r = mine(h, {0, 2});
    REQUIRE(r);
    // Every nonce passes: the first worker to try one wins (a worker that sees the stop flag before
    // its first try does not try at all), so the winner is one of the workers' first nonces.
    CHECK(r->nonce < 2);
    CHECK(check_proof_of_work(r->hash, 0));
}
