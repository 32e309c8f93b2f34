// runtime/include/trainchain/runtime/limits.hpp - the bounds of a chain and of a training run
// recorded in it, in one place: Chain::init, Store, the CLI, the TOML run configuration and the
// HTTP API all check against these constants and print them in their help and error texts.
#pragma once

#include <cstdint>

namespace trainchain::runtime {

/// The fewest user nodes a chain may have.
inline constexpr uint32_t min_nodes = 1;
/// The most user nodes a chain may have: every block is broadcast to each of them and collects
/// up to one vote per node, so this bounds a block's work.
inline constexpr uint32_t max_nodes = 10000;

/// The easiest proof of work: no leading zero bits (every hash passes).
inline constexpr uint32_t min_difficulty_bits = 0;
/// The hardest proof of work a chain is made with: 40 leading zero bits take about 2^40
/// (10^12) hashes per block, already hours on a machine's cores. A stored chain claiming more
/// could never have been mined, so the store refuses it too.
inline constexpr uint32_t max_difficulty_bits = 40;

/// The smallest quorum a chain may have, in percent of its nodes: more than half, so that a
/// minority of the nodes can never accept a block.
inline constexpr uint32_t min_quorum_percent = 51;
/// The largest quorum: every node.
inline constexpr uint32_t max_quorum_percent = 100;

/// The epochs a training run may ask for.
inline constexpr uint32_t min_epochs = 1;
inline constexpr uint32_t max_epochs = 100000;

/// Over-training detection: how many epochs in a row the test loss must rise. More than the
/// longest run could never fire.
inline constexpr uint32_t min_patience = 1;
inline constexpr uint32_t max_patience = max_epochs;

/// The most automatic rollbacks a run may allow before it stops (0: none).
inline constexpr uint32_t max_rollback_limit = 1000000;

/// A NATS run's streams (`--replicas`): how many JetStream servers hold each of them. JetStream
/// allows 1 to 5; more than 1 needs a cluster of at least that many servers (3 is the usual
/// production setup: one server may fail without losing a message).
inline constexpr uint32_t min_stream_replicas = 1;
inline constexpr uint32_t max_stream_replicas = 5;

/// The checkpoints stream's retention (`--checkpoint-max-age`, `--checkpoint-max-bytes`; 0 keeps
/// every checkpoint). An age is at least a minute (the nodes fetch a checkpoint within seconds of
/// its publication) and at most ten years; a size at least 1 MiB and at most 1 PiB. The nodes keep
/// every checkpoint in their own stores: the stream only serves nodes that were away.
inline constexpr uint64_t min_checkpoint_max_age_seconds = 60;
inline constexpr uint64_t max_checkpoint_max_age_seconds = uint64_t{10} * 366 * 24 * 3600;
inline constexpr uint64_t min_checkpoint_max_bytes = uint64_t{1} << 20;
inline constexpr uint64_t max_checkpoint_max_bytes = uint64_t{1} << 50;

/// The most segments an epoch's segment commitment may have (Payload::segments): its trainer
/// stores count + 1 training states and a node's Merkle proof grows with log2(count); a million
/// segments is far beyond any epoch's steps (the count is at most the epoch's optimiser steps).
inline constexpr uint32_t max_segments = 1000000;

/// The HTTP API's stricter caps for a run created over the network: a public server must not let
/// one request register thousands of nodes or ask for hours of proof of work per block, so it
/// accepts at most 1000 nodes (also the most node keys a request may carry) and 24 bits (about
/// 1.7e7 hashes per block, a fraction of a second to seconds).
inline constexpr uint32_t api_max_nodes = 1000;
inline constexpr uint32_t api_max_difficulty_bits = 24;
static_assert(api_max_nodes >= min_nodes && api_max_nodes <= max_nodes);
static_assert(api_max_difficulty_bits <= max_difficulty_bits);

}  // namespace trainchain::runtime
