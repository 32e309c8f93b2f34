// runtime/src/merkle.cpp - the tagged (RFC 6962 style) Merkle tree with proofs, and the untagged
// tree of payload roots.
#include "trainchain/runtime/merkle.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace trainchain::runtime {
namespace {

Hash leaf_node(const Hash& leaf) noexcept {
    uint8_t buf[1 + 32];
    buf[0] = 0x00;
    std::memcpy(buf + 1, leaf.data(), 32);
    return sha256(buf);
}

Hash inner_node(const Hash& left, const Hash& right) noexcept {
    uint8_t buf[1 + 64];
    buf[0] = 0x01;
    std::memcpy(buf + 1, left.data(), 32);
    std::memcpy(buf + 33, right.data(), 32);
    return sha256(buf);
}

/// The next level of the tagged tree: pairs hashed, an odd last node promoted.
std::vector<Hash> next_level(const std::vector<Hash>& level) {
    std::vector<Hash> next;
    next.reserve((level.size() + 1) / 2);
    for (size_t i = 0; i < level.size(); i += 2)
        next.push_back(i + 1 < level.size() ? inner_node(level[i], level[i + 1]) : level[i]);
    return next;
}

std::vector<Hash> leaf_level(std::span<const Hash> leaves) {
    std::vector<Hash> level;
    level.reserve(leaves.size());
    for (const auto& leaf : leaves) level.push_back(leaf_node(leaf));
    return level;
}

}  // namespace

Hash merkle_root(std::span<const Hash> leaves) {
    if (leaves.empty()) throw std::invalid_argument("merkle_root: a Merkle tree needs at least one leaf");
    auto level = leaf_level(leaves);
    while (level.size() > 1) level = next_level(level);
    return level[0];
}

std::vector<Hash> merkle_proof(std::span<const Hash> leaves, uint64_t index) {
    if (leaves.empty()) throw std::invalid_argument("merkle_proof: a Merkle tree needs at least one leaf");
    if (index >= leaves.size())
        throw std::invalid_argument("merkle_proof: leaf " + std::to_string(index) + " of " +
                                    std::to_string(leaves.size()) + " does not exist");
    std::vector<Hash> proof;
    auto level = leaf_level(leaves);
    uint64_t i = index;
    while (level.size() > 1) {
        const uint64_t sibling = i ^ 1;
        if (sibling < level.size()) proof.push_back(level[sibling]);  // else promoted: nothing to add
        level = next_level(level);
        i >>= 1;
    }
    return proof;
}

bool merkle_verify(const Hash& leaf, uint64_t index, uint64_t count, std::span<const Hash> proof,
                   const Hash& root) noexcept {
    if (count == 0 || index >= count) return false;
    Hash node = leaf_node(leaf);
    size_t used = 0;
    for (uint64_t i = index, size = count; size > 1; i >>= 1, size = size / 2 + size % 2) {
        if ((i & 1) != 0) {  // a right child: its sibling is on the left
            if (used == proof.size()) return false;
            node = inner_node(proof[used++], node);
        } else if (i + 1 < size) {  // a left child with a right sibling
            if (used == proof.size()) return false;
            node = inner_node(node, proof[used++]);
        }  // else: the odd last node, promoted as it is
    }
    return used == proof.size() && node == root;
}

Hash legacy_merkle_root(std::span<const Hash> leaves) {
    if (leaves.empty())
        throw std::invalid_argument("legacy_merkle_root: a Merkle tree needs at least one leaf");
    std::vector<Hash> level(leaves.begin(), leaves.end());
    while (level.size() > 1) {
        std::vector<Hash> next;
        next.reserve((level.size() + 1) / 2);
        for (size_t i = 0; i < level.size(); i += 2) {
            const Hash& a = level[i];
            const Hash& c = i + 1 < level.size() ? level[i + 1] : level[i];
            uint8_t both[64];
            std::memcpy(both, a.data(), 32);
            std::memcpy(both + 32, c.data(), 32);
            next.push_back(sha256(both));
        }
        level = std::move(next);
    }
    return level[0];
}

}  // namespace trainchain::runtime
