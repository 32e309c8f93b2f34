// tests/unit/runtime/runtime_merkle_test.cpp - the Merkle trees: the tagged tree (RFC 6962 style)
// against a recursive reference, its proofs for every leaf of trees of 1 to 33 leaves and what
// merkle_verify refuses, and the untagged tree of payload roots, byte for byte as before.
#include <doctest/doctest.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "runtime_support.hpp"
#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/merkle.hpp"

using namespace trainchain::runtime;

namespace {

/// Leaves that differ: SHA-256 of "leaf" and the index.
std::vector<Hash> leaves_of(size_t count, uint8_t salt = 0) {
    std::vector<Hash> out;
    for (size_t i = 0; i < count; ++i)
        out.push_back(sha256(Bytes{'l', 'e', 'a', 'f', salt, static_cast<uint8_t>(i)}));
    return out;
}

Hash tagged(uint8_t tag, std::span<const uint8_t> a, std::span<const uint8_t> b = {}) {
    Bytes m{tag};
    m.insert(m.end(), a.begin(), a.end());
    m.insert(m.end(), b.begin(), b.end());
    return sha256(m);
}

/// RFC 6962's MTH, as the RFC defines it: split at the largest power of two below the count.
Hash reference_root(std::span<const Hash> d) {
    if (d.size() == 1) return tagged(0x00, d[0]);
    size_t k = 1;
    while (k * 2 < d.size()) k *= 2;
    return tagged(0x01, reference_root(d.first(k)), reference_root(d.subspan(k)));
}

/// How leaf `index` of `count` goes up the tree: per level, 'l' (a left child with a sibling), 'r'
/// (a right child) or 'p' (the odd last node, promoted); empty past the last leaf.
std::string path_shape(uint64_t index, uint64_t count) {
    std::string shape;
    if (index >= count) return "out of range";
    for (; count > 1; index /= 2, count = (count + 1) / 2)
        shape += index % 2 ? 'r' : index + 1 < count ? 'l' : 'p';
    return shape;
}

/// A rollback payload with every field set (three proposals).
Payload golden_rollback() {
    Payload p;
    p.kind = BlockKind::Rollback;
    p.run_id = 42;
    p.epoch = 3;
    p.accuracy = 0.875;
    p.loss = 0.25;
    for (size_t i = 0; i < 32; ++i) p.checkpoint[i] = static_cast<uint8_t>(0xa0 + i);
    p.checkpoint_size = 123456;
    p.proposer = 9;
    p.target_height = 4;
    p.note = "golden rollback";
    p.failing_height = 6;
    for (uint32_t n = 0; n < 3; ++n) {
        RollbackProposal q;
        q.node = n;
        q.target_height = 4;
        for (size_t i = 0; i < 64; ++i) q.signature[i] = static_cast<uint8_t>(n * 64 + i);
        p.proposals.push_back(q);
    }
    return p;
}

}  // namespace

TEST_CASE("merkle: the payload root is the legacy tree, unchanged (golden roots from before the helper)") {
    // Computed with Payload::root as it was before legacy_merkle_root existed (inline in block.cpp).
    CHECK(hex(golden_rollback().root()) ==
          "be244e7be446551323eee4aebda1a4fcbe250e6f428b8563b6c0c66f7c1c5d74");
    CHECK(hex(Payload{}.root()) == "c3d889c7a412b6391aa11eed5ed5d15cd0c394b6995b5cc4ba3665e7f52adb91");
    // The legacy rule itself: pairs hashed untagged, an odd last node paired with itself.
    const auto l = leaves_of(3);
    auto pair = [](const Hash& a, const Hash& b) {
        uint8_t both[64];
        std::memcpy(both, a.data(), 32);
        std::memcpy(both + 32, b.data(), 32);
        return sha256(both);
    };
    CHECK(legacy_merkle_root(l) == pair(pair(l[0], l[1]), pair(l[2], l[2])));
    CHECK(legacy_merkle_root(std::span(l).first(1)) == l[0]);
    CHECK_THROWS_AS((void)legacy_merkle_root({}), std::invalid_argument);
}

TEST_CASE("merkle: the tagged root is RFC 6962's tree hash, for 1 to 33 leaves") {
    for (size_t n = 1; n <= 33; ++n) {
        INFO(n << " leaves");
        const auto l = leaves_of(n);
        CHECK(merkle_root(l) == reference_root(l));
    }
    CHECK_THROWS_AS((void)merkle_root({}), std::invalid_argument);
}

TEST_CASE("merkle: the tagged tree differs from the legacy one, and no two leaf counts share a root") {
    const auto l = leaves_of(12);
    for (size_t n = 1; n <= 12; ++n) {
        const auto first = std::span<const Hash>(l).first(n);
        CHECK(merkle_root(first) != legacy_merkle_root(first));
    }
    // The legacy tree's weakness (CVE-2012-2459): a list with its odd last leaf repeated has the
    // same root. The tagged tree promotes the odd node instead.
    std::vector<Hash> three = leaves_of(3), four = three;
    four.push_back(three[2]);
    CHECK(legacy_merkle_root(three) == legacy_merkle_root(four));
    CHECK(merkle_root(three) != merkle_root(four));
    // A leaf is never taken for an inner node: the two children's root is not a one-leaf root.
    const auto two = leaves_of(2);
    const Hash inner = merkle_root(two);
    CHECK(merkle_root(std::span(&inner, 1)) != inner);
}

TEST_CASE("merkle: a proof of every leaf verifies, for 1 to 33 leaves; anything changed is refused") {
    for (uint64_t n = 1; n <= 33; ++n) {
        const auto l = leaves_of(n);
        const Hash root = merkle_root(l);
        for (uint64_t i = 0; i < n; ++i) {
            INFO(n << " leaves, leaf " << i);
            const auto proof = merkle_proof(l, i);
            size_t depth = 0;
            while ((uint64_t{1} << depth) < n) ++depth;
            CHECK(proof.size() <= depth);
            REQUIRE(merkle_verify(l[i], i, n, proof, root));
            // Another leaf, another index, another count, another root.
            if (n > 1) {
                CHECK_FALSE(merkle_verify(l[(i + 1) % n], i, n, proof, root));
                CHECK_FALSE(merkle_verify(l[i], (i + 1) % n, n, proof, root));
            }
            Hash flipped = l[i];
            flipped[31] ^= 1;
            CHECK_FALSE(merkle_verify(flipped, i, n, proof, root));
            // Another count: refused unless the leaf's path has the same shape there (the root does
            // not commit to the count: a segment commitment records it beside the root).
            for (uint64_t m = 1; m <= 40; ++m)
                if (m != n)
                    CHECK(merkle_verify(l[i], i, m, proof, root) == (path_shape(i, m) == path_shape(i, n)));
            Hash other_root = root;
            other_root[0] ^= 0x80;
            CHECK_FALSE(merkle_verify(l[i], i, n, proof, other_root));
            // Every sibling matters; a proof one hash short or long is refused.
            for (size_t k = 0; k < proof.size(); ++k) {
                auto bad = proof;
                bad[k][5] ^= 1;
                CHECK_FALSE(merkle_verify(l[i], i, n, bad, root));
            }
            if (!proof.empty())
                CHECK_FALSE(merkle_verify(l[i], i, n, std::span(proof).first(proof.size() - 1), root));
            auto longer = proof;
            longer.push_back(root);
            CHECK_FALSE(merkle_verify(l[i], i, n, longer, root));
        }
        // Out of range.
        CHECK_FALSE(merkle_verify(l[0], n, n, merkle_proof(l, 0), root));
        CHECK_THROWS_AS((void)merkle_proof(l, n), std::invalid_argument);
    }
    // A count that moves the last leaf's path: refused.
    const auto five = leaves_of(5);
    const auto proof4 = merkle_proof(five, 4);
    CHECK(merkle_verify(five[4], 4, 5, proof4, merkle_root(five)));
    CHECK_FALSE(merkle_verify(five[4], 4, 4, proof4, merkle_root(five)));
    CHECK_FALSE(merkle_verify(five[4], 4, 6, proof4, merkle_root(five)));
    const auto one = leaves_of(1);
    CHECK_FALSE(merkle_verify(one[0], 0, 0, {}, merkle_root(one)));
    CHECK(merkle_verify(one[0], 0, 1, {}, merkle_root(one)));
    CHECK_THROWS_AS((void)merkle_proof({}, 0), std::invalid_argument);
}
