// training/include/trainchain/training/segments.hpp - sampled replay (Proof-of-Learning with
// committed segments): the trainer's commitment to the training states along an epoch, and a
// replaying node's check of a few of its segments, drawn from the block's hash and the node's own
// vote signature, which the trainer cannot know when it commits.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/store.hpp"
#include "trainchain/runtime/validation.hpp"
#include "trainchain/training/trainer.hpp"

namespace trainchain::training {

/// Collects the states an epoch's trainer hands out (EpochRun::on_state) and commits to them: each
/// state goes to `keep` (which stores it and returns its SHA-256, e.g. Store::put_segment_state) on
/// a worker thread, so that hashing and compression do not hold up training; finish() waits for the
/// worker and gives the commitment and its leaves, the state digests in step order.
class SegmentCommitter {
public:
    using Keep = std::function<runtime::Hash(std::span<const uint8_t> state)>;
    SegmentCommitter(uint32_t segment_steps, Keep keep);
    ~SegmentCommitter();
    SegmentCommitter(const SegmentCommitter&) = delete;
    SegmentCommitter& operator=(const SegmentCommitter&) = delete;

    /// The sink to put in EpochRun::on_state (valid while this object lives).
    [[nodiscard]] StateSink sink();

    /// Adds the epoch's evaluation record (Trainer::evaluation_record) as the last leaf and gives
    /// the commitment (s, n segments, Merkle root of the n + 2 leaves: the n + 1 states, then the
    /// evaluation record) and the leaves. Throws what `keep` threw.
    std::pair<runtime::SegmentCommitment, std::vector<runtime::Hash>> finish(Bytes evaluation_record);

private:
    void work();
    uint32_t steps_;
    Keep keep_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Bytes> queue_;
    std::vector<runtime::Hash> leaves_;
    std::exception_ptr error_;
    bool closing_ = false;
    std::thread worker_;
};

/// What a replaying node fetches leaves and states from (runtime/store.hpp).
using SegmentSource = runtime::SegmentSource;

/// What a replaying node's check of an epoch block found.
struct SegmentCheck {
    runtime::ValidationState state;     ///< ok, or the first thing that failed (a Training reject)
    std::vector<uint32_t> sampled;      ///< the segments drawn, in draw order
    std::vector<uint32_t> test_chunks;  ///< the test chunks re-measured
    uint64_t steps_replayed = 0;
    /// Where the time went, in milliseconds: the first and last states (fetching, restoring,
    /// comparing), the evaluation of the recorded weights, and the sampled segments.
    double ends_ms = 0, evaluate_ms = 0, segments_ms = 0;
};

/// A replaying node's check of an epoch block that carries a segment commitment:
///  - the commitment has as many segments as the configuration's epoch makes at its s;
///  - leaf 0 is the state that `previous` (the checkpoint before the epoch) and the recorded plan
///    give (bad-segment-commitment otherwise);
///  - the last state holds exactly the recorded checkpoint's weights and optimizer state and the
///    loss sum that gives its train loss (bad-segment-commitment);
///  - the evaluation record (the last leaf) adds up to the recorded test loss and accuracy, and
///    `test_chunks` test chunks drawn from the seed, re-measured on the recorded weights, give
///    exactly what it records (bad-segment-commitment);
///  - for each of `q` segments drawn from `sample_seed` (runtime::segment_sample_seed): its start
///    state matches its leaf's Merkle proof (bad-segment-proof), and re-running s steps from it
///    reaches the state of the next leaf, itself checked by its proof (bad-segment-replay, naming
///    the segment and its steps).
/// A leaf or state the source cannot give is segment-missing. `trainer` is the node's own trainer
/// of the run's configuration; its state is replaced.
SegmentCheck check_epoch_segments(Trainer& trainer, std::span<const uint8_t> previous,
                                  std::span<const uint8_t> recorded, const runtime::Payload& payload,
                                  const runtime::Hash& sample_seed, uint32_t q, const SegmentSource& source,
                                  uint32_t test_chunks = 1);

/// A SegmentSource reading a store's kept states (the server's own, or a replica that has them).
SegmentSource store_segments(const runtime::Store& store);

}  // namespace trainchain::training
