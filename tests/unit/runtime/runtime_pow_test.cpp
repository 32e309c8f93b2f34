// tests/unit/runtime/runtime_pow_test.cpp - proof of work: leading zero bits, targets, the midstate miner
// against the plain header hash, mine() and mine_range() with strides, starts, limits and stops.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <random>
#include <thread>

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

TEST_CASE("Miner::hash equals BlockHeader::hash (midstate correctness)") {
    std::mt19937_64 rng(42);
    for (int header = 0; header < 20; ++header) {
        const BlockHeader h = random_header(rng);
        const Miner miner(h);
        std::vector<uint64_t> nonces = {0,
                                        1,
                                        0xff,
                                        0x100,
                                        0xffffffff,
                                        0x100000000,
                                        std::numeric_limits<uint64_t>::max(),
                                        std::numeric_limits<uint64_t>::max() - 1,
                                        h.nonce};
        for (int i = 0; i < 200; ++i) nonces.push_back(rng());
        for (uint64_t n = 1000; n < 1300; ++n) nonces.push_back(n);
        for (uint64_t n : nonces) {
            INFO("header " << header << " nonce " << n);
            CHECK(miner.hash(n) == hash_of(h, n));
        }
    }
    // The header's own nonce is ignored by the Miner: it hashes the one it is given.
    BlockHeader a = random_header(rng), b = a;
    b.nonce = ~a.nonce;
    CHECK(Miner(a).hash(5) == Miner(b).hash(5));
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
