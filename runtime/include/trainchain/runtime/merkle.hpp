// runtime/include/trainchain/runtime/merkle.hpp - binary SHA-256 Merkle trees: the tagged tree of
// RFC 6962 (segment commitments: a root, proofs of one leaf, their check) and the untagged tree a
// block's payload root has always used.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "trainchain/runtime/crypto.hpp"

namespace trainchain::runtime {

/// The root of the tagged tree over `leaves` (RFC 6962 style): a leaf's node is
/// SHA-256(0x00 || leaf), an inner node SHA-256(0x01 || left || right), and an odd last node of a
/// level is promoted to the next level as it is (never paired with itself). The tags keep a leaf
/// from passing for an inner node; promotion keeps two lists of leaves from sharing a root. The
/// leaf count is not part of the root: whoever checks a proof must know it (a segment commitment
/// records it). Throws std::invalid_argument for no leaves.
[[nodiscard]] Hash merkle_root(std::span<const Hash> leaves);

/// The proof that leaf `index` belongs to merkle_root(leaves): the siblings of the path from the
/// leaf up to the root, lowest first (a promoted node has none at its level, so a proof has at most
/// ceil(log2(count)) hashes). Throws std::invalid_argument for no leaves or an index past the last.
[[nodiscard]] std::vector<Hash> merkle_proof(std::span<const Hash> leaves, uint64_t index);

/// True when `proof` (merkle_proof's) shows that `leaf` is leaf `index` of a tree of `count` leaves
/// whose root (merkle_root's) is `root`. False for count 0, an index past the last, a proof of
/// another length than the path needs, or any hash that does not match.
[[nodiscard]] bool merkle_verify(const Hash& leaf, uint64_t index, uint64_t count,
                                 std::span<const Hash> proof, const Hash& root) noexcept;

/// The root of the untagged tree a payload root is (Payload::root): `leaves` are the nodes of the
/// first level as given (no leaf tag), pairs are hashed as SHA-256(left || right) and an odd last
/// node is paired with itself. Kept byte for byte for the payload roots already in chains; not for
/// new commitments (a duplicated last node makes two leaf lists share a root). Throws
/// std::invalid_argument for no leaves.
[[nodiscard]] Hash legacy_merkle_root(std::span<const Hash> leaves);

}  // namespace trainchain::runtime
