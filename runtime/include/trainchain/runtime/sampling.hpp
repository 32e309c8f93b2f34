// runtime/include/trainchain/runtime/sampling.hpp - reproducible draws from a seed: which
// committed training segments a node replays, and which nodes replay an epoch block. Each draw is
// unknown before the block is mined (and, for a node's segments, before the node signs) and anyone
// can repeat it from the stored block and vote.
#pragma once

#include <cstdint>
#include <vector>

#include "trainchain/runtime/crypto.hpp"

namespace trainchain::runtime {

/// min(q, n) distinct indices in [0, n), in the order they are drawn: a partial Fisher-Yates
/// shuffle of 0..n-1 whose draws are uniform (rejection sampling, no modulo bias) over 32-bit
/// big-endian words of SHA-256(seed || counter), the counter 8 bytes big-endian from 0. The first
/// k indices of a draw of q > k are the draw of k.
[[nodiscard]] std::vector<uint32_t> sample_indices(const Hash& seed, uint32_t n, uint32_t q);

/// The seed of the segments a replaying node checks in the epoch block `block_hash`:
/// SHA-256("trainchain/sample/v1" || block_hash || accept_signature), where accept_signature is the
/// node's Ed25519 signature of vote_message(block_hash, true) (deterministic, so one per node and
/// block; the trainer cannot know it when it commits, and the stored vote lets anyone repeat it).
[[nodiscard]] Hash segment_sample_seed(const Hash& block_hash, const Signature& accept_signature);

/// The `count` nodes (of `nodes`, clamped to it) that replay segments of the block `block_hash`:
/// sample_indices(SHA-256("trainchain/replayers/v1" || block_hash), nodes, count).
[[nodiscard]] std::vector<uint32_t> replaying_nodes(const Hash& block_hash, uint32_t nodes, uint32_t count);

}  // namespace trainchain::runtime
