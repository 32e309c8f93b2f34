// tests/unit/runtime/runtime_sampling_test.cpp - the reproducible draws of sampled replay: distinct
// indices in range, clamped to the population, the prefix property, the SHA-256 word stream they
// come from, reproducible from the block and vote, different block to block, roughly uniform.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "runtime_support.hpp"
#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/sampling.hpp"

using namespace trainchain::runtime;

namespace {

Hash hash_of(uint32_t i) { return sha256(Bytes{'h', static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)}); }

}  // namespace

TEST_CASE("sampling: distinct indices in range, as many as asked, clamped to the population") {
    for (uint32_t n : {1u, 2u, 3u, 7u, 40u, 1000u, 1000000u}) {
        for (uint32_t q : {0u, 1u, 3u, 8u, 50u}) {
            INFO("n " << n << ", q " << q);
            const auto s = sample_indices(hash_of(n + q), n, q);
            CHECK(s.size() == std::min(n, q));
            CHECK(std::set<uint32_t>(s.begin(), s.end()).size() == s.size());
            for (const uint32_t i : s) CHECK(i < n);
        }
    }
    CHECK(sample_indices(hash_of(1), 0, 5).empty());
    // q >= n: every index once (a permutation).
    const auto all = sample_indices(hash_of(2), 9, 100);
    CHECK(std::set<uint32_t>(all.begin(), all.end()) == std::set<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("sampling: the first k of a longer draw are the draw of k (prefix property), and reproducible") {
    for (uint32_t seed = 0; seed < 20; ++seed) {
        const auto longest = sample_indices(hash_of(seed), 37, 37);
        for (uint32_t k = 0; k <= 37; ++k) {
            const auto shorter = sample_indices(hash_of(seed), 37, k);
            CHECK(shorter == std::vector<uint32_t>(longest.begin(), longest.begin() + k));
        }
        CHECK(sample_indices(hash_of(seed), 37, 5) == sample_indices(hash_of(seed), 37, 5));
    }
}

TEST_CASE("sampling: the first index is the first SHA-256 word of seed || 0 below the rejection limit") {
    // The stream, by its definition: SHA-256(seed || counter as 8 bytes big-endian), 32-bit words
    // big-endian; a word at or above 2^32 - 2^32 mod n is drawn again.
    for (uint32_t s = 0; s < 50; ++s) {
        const Hash seed = hash_of(s);
        Bytes input(seed.begin(), seed.end());
        input.resize(40, 0);  // counter 0
        const Hash block = sha256(input);
        const uint32_t word = (uint32_t{block[0]} << 24) | (uint32_t{block[1]} << 16) |
                              (uint32_t{block[2]} << 8) | uint32_t{block[3]};
        for (uint32_t n : {10u, 313u, 1000u}) {
            const uint64_t limit = (uint64_t{1} << 32) - (uint64_t{1} << 32) % n;
            if (word < limit) CHECK(sample_indices(seed, n, 1).at(0) == word % n);
        }
    }
    // A bound that is a power of two never rejects: the first index is the first word mod 16.
    for (uint32_t s = 0; s < 50; ++s) {
        const Hash seed = hash_of(1000 + s);
        Bytes input(seed.begin(), seed.end());
        input.resize(40, 0);
        const Hash block = sha256(input);
        const uint32_t word = (uint32_t{block[0]} << 24) | (uint32_t{block[1]} << 16) |
                              (uint32_t{block[2]} << 8) | uint32_t{block[3]};
        CHECK(sample_indices(seed, 16, 1).at(0) == word % 16);
    }
}

TEST_CASE("sampling: the segments differ block to block and are reproducible from the block and the vote") {
    const KeyPair key = KeyPair::generate();
    std::set<std::vector<uint32_t>> draws;
    for (uint32_t b = 0; b < 100; ++b) {
        const Hash block = hash_of(b);
        const Signature sig = key.sign(vote_message(block, true));
        // Ed25519 signs deterministically: the node's seed is the same whenever it is computed.
        CHECK(key.sign(vote_message(block, true)) == sig);
        const Hash seed = segment_sample_seed(block, sig);
        CHECK(seed == segment_sample_seed(block, key.sign(vote_message(block, true))));
        draws.insert(sample_indices(seed, 40, 3));
    }
    // 40 * 39 * 38 = 59280 ordered draws: 100 blocks give (almost surely) 100 different ones.
    CHECK(draws.size() >= 95);
    // The seed's parts: another node's signature, another block, another tag give other seeds.
    const Hash block = hash_of(7);
    const Signature mine = key.sign(vote_message(block, true));
    const Signature theirs = KeyPair::generate().sign(vote_message(block, true));
    CHECK(segment_sample_seed(block, mine) != segment_sample_seed(block, theirs));
    CHECK(segment_sample_seed(block, mine) != segment_sample_seed(hash_of(8), mine));
    Bytes m{'t', 'r', 'a', 'i', 'n', 'c', 'h', 'a', 'i', 'n',
            '/', 's', 'a', 'm', 'p', 'l', 'e', '/', 'v', '1'};
    m.insert(m.end(), block.begin(), block.end());
    m.insert(m.end(), mine.begin(), mine.end());
    CHECK(segment_sample_seed(block, mine) == sha256(m));
}

TEST_CASE("sampling: replaying nodes are distinct, reproducible, and the draw of the replayers' tag") {
    for (uint32_t b = 0; b < 50; ++b) {
        const auto r = replaying_nodes(hash_of(b), 100, 5);
        CHECK(r.size() == 5);
        CHECK(std::set<uint32_t>(r.begin(), r.end()).size() == 5);
        for (const uint32_t node : r) CHECK(node < 100);
        CHECK(r == replaying_nodes(hash_of(b), 100, 5));
        std::string tag = "trainchain/replayers/v1";
        Bytes m(tag.begin(), tag.end());
        const Hash h = hash_of(b);
        m.insert(m.end(), h.begin(), h.end());
        CHECK(r == sample_indices(sha256(m), 100, 5));
    }
    CHECK(replaying_nodes(hash_of(1), 3, 10).size() == 3);
}

TEST_CASE("sampling: roughly uniform (each index, and each position of a draw)") {
    // 6000 draws of 3 of 10: each index is expected 1800 times (sd about 35), each index first 600
    // times (sd about 23). The bounds are loose (about 7 sd): they catch a biased sampler, not noise.
    std::map<uint32_t, int> any, first;
    for (uint32_t s = 0; s < 6000; ++s) {
        const auto d = sample_indices(hash_of(s), 10, 3);
        for (const uint32_t i : d) ++any[i];
        ++first[d.at(0)];
    }
    for (uint32_t i = 0; i < 10; ++i) {
        INFO("index " << i);
        CHECK(any[i] > 1550);
        CHECK(any[i] < 2050);
        CHECK(first[i] > 450);
        CHECK(first[i] < 750);
    }
}
