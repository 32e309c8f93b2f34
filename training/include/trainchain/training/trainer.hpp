// training/include/trainchain/training/trainer.hpp - the Deep Learning Tool: a model
// (MLP or small CNN) and its optimizer trained with libtorch, one epoch at a time, and the
// checkpoint format that holds the whole training state. libtorch stays behind this header.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "trainchain/training/config.hpp"
#include "trainchain/training/dataset.hpp"

namespace trainchain::training {

using Bytes = std::vector<uint8_t>;

/// What one epoch is asked to do. Everything that influences its result is here, so that a node
/// can replay the epoch from the previous checkpoint and get the same bytes.
struct EpochPlan {
    uint32_t epoch = 1;  ///< 1-based epoch number
    double lr = 1e-3;    ///< the learning rate for this epoch
    uint64_t seed = 0;   ///< seeds the batch order and any injected label noise
    std::optional<Injection::Kind> inject;
    uint32_t rollbacks = 0;  ///< rollbacks before this epoch (recorded, not used by training)
};

/// The result of training one epoch and evaluating it on the test set.
struct EpochMetrics {
    double train_loss = 0;  ///< mean cross-entropy over the epoch's samples
    double test_loss = 0;
    double test_accuracy = 0;  ///< correct / test rows
};

/// What a checkpoint says about itself (stored as JSON inside it).
struct CheckpointInfo {
    EpochPlan plan;  ///< the epoch that produced this state
    EpochMetrics metrics;
    uint32_t threads = 1;
    std::string config_digest;  ///< SHA-256 (hex) of the run's configuration TOML
};

/// A checkpoint that cannot be decoded or does not fit the model.
struct CheckpointError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Rows of the test set evaluated at a time (and the unit a replaying node re-measures).
inline constexpr uint64_t eval_chunk_rows = 1024;

/// Called while an epoch trains: batches done, batches in the epoch.
using ProgressFn = std::function<void(size_t done, size_t total)>;

/// Receives the full training state at a segment boundary of an epoch: its step (0, s, 2s, ...,
/// and the epoch's last) and its bytes (training_state format, below).
using StateSink = std::function<void(uint64_t step, Bytes state)>;

/// A forged stretch of an epoch: what a trainer that skips work might do. Only tests and
/// `report forgery` use it; the forger still commits the states it really produced.
struct Forgery {
    enum class Kind : uint8_t {
        Skip,   ///< the steps are not trained: the weights stay, the position moves on
        Noise,  ///< each step's update is replaced by Gaussian noise of the learning rate's size
        Copy,   ///< the steps are not trained and afterwards another run's state is pasted in
    };
    Kind kind = Kind::Skip;
    uint64_t first = 0;       ///< the first forged step (0-based)
    uint64_t steps = 0;       ///< how many steps are forged
    Bytes donor;              ///< Copy: a training state (another run's) whose weights and optimizer
                              ///< state replace the trainer's after the stretch
    uint64_t noise_seed = 0;  ///< Noise: seeds the noise
};

/// How an epoch is trained beyond its plan.
struct EpochRun {
    ProgressFn progress;               ///< called after every step
    uint32_t segment_steps = 0;        ///< s: the state goes to `on_state` every s steps (0: never)
    StateSink on_state;                ///< receives the segment boundary states
    const Forgery* forgery = nullptr;  ///< tests and the forgery report: a forged stretch
};

/// What a training state (the bytes a StateSink receives) says about its place in an epoch.
struct StatePosition {
    EpochPlan plan;       ///< the epoch being trained
    uint64_t step = 0;    ///< steps done in the epoch
    uint64_t steps = 0;   ///< steps in the whole epoch
    double loss_sum = 0;  ///< sum over the steps done of the batch loss times the batch's rows
};

/// A model, its optimizer and the data, built from a configuration. The initial weights come from
/// torch's generator seeded with the run's seed, so two trainers from one configuration start
/// identical. Not copyable; one thread at a time.
class Trainer {
public:
    Trainer(const TrainConfig& config, std::shared_ptr<const DataSplit> data);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    /// Trains one epoch as planned, then evaluates on the test set.
    EpochMetrics train_epoch(const EpochPlan& plan, const ProgressFn& progress = {});
    /// Trains one epoch as planned, handing out its segment boundary states as `run` asks, then
    /// evaluates on the test set.
    EpochMetrics train_epoch(const EpochPlan& plan, const EpochRun& run);

    /// Optimizer steps (batches) in one epoch.
    [[nodiscard]] uint64_t steps_per_epoch() const;
    /// Rows of the training set (an epoch's train loss is its loss sum over them) and of the test set.
    [[nodiscard]] uint64_t train_rows() const;
    [[nodiscard]] uint64_t test_rows() const;

    /// The training state at step 0 of `plan`, from the current weights and optimizer state: what
    /// an epoch trained from here commits first. Format: "TCSTATE1", the plan (u32 epoch, f64 lr,
    /// u64 seed, u8 injection, u32 rollbacks), u64 step, u64 steps, f64 loss sum, then the
    /// parameters and optimizer state exactly as a checkpoint holds them.
    [[nodiscard]] Bytes start_state(const EpochPlan& plan) const;

    /// Restores a training state, trains up to `steps` further steps of its epoch (fewer at the
    /// epoch's end) and returns the state reached. The replay of one committed segment.
    Bytes replay_segment(std::span<const uint8_t> state, uint64_t steps);

    /// Reads where a training state stands in its epoch; throws CheckpointError when the bytes are
    /// not a training state.
    static StatePosition read_state_position(std::span<const uint8_t> state);

    /// True when a training state holds exactly the weights and optimizer state of a checkpoint.
    static bool same_weights(std::span<const uint8_t> state, std::span<const uint8_t> checkpoint);

    /// Test loss and accuracy of the current weights. The test set is evaluated in chunks of
    /// eval_chunk_rows rows; the per-chunk results are kept for evaluation_record().
    [[nodiscard]] EpochMetrics evaluate() const;

    /// The per-chunk results of the last evaluate(), as bytes: "TCEVAL01", u32 chunk rows, u32
    /// chunks, then per chunk f64 loss sum and u64 correct predictions. Its SHA-256 is the last
    /// leaf of an epoch's segment commitment, so that a replaying node can re-measure a sampled
    /// chunk instead of the whole test set.
    [[nodiscard]] Bytes evaluation_record() const;

    /// The loss sum and correct predictions of test chunk `chunk` (of eval_chunk_rows rows) for the
    /// current weights, as evaluate() computes them.
    [[nodiscard]] std::pair<double, int64_t> evaluate_chunk(uint64_t chunk) const;

    /// Test chunks evaluate() uses: ceil(test rows / eval_chunk_rows).
    [[nodiscard]] uint64_t eval_chunks() const;
    /// Reads an evaluation record (per chunk: loss sum, correct); nullopt when it is not one.
    static std::optional<std::vector<std::pair<double, int64_t>>> read_evaluation_record(
        std::span<const uint8_t> record);

    /// The full training state (weights, optimizer state, and `info`) as bytes. Same state, same
    /// bytes.
    [[nodiscard]] Bytes checkpoint(const CheckpointInfo& info) const;

    /// Replaces the training state with a checkpoint's; returns what it says about itself.
    CheckpointInfo restore(std::span<const uint8_t> checkpoint);

    /// Reads only the info of a checkpoint.
    static CheckpointInfo read_info(std::span<const uint8_t> checkpoint);

    /// Overwrites one weight with NaN (the `nan` injection), or perturbs the weights slightly
    /// (used by tests to forge a checkpoint that no training produced).
    void corrupt_weights(bool with_nan);

    /// Number of trainable parameters; the model's layout as text ("mlp 64-128-64-10").
    [[nodiscard]] int64_t parameter_count() const;
    [[nodiscard]] std::string describe() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The learning rate of an epoch: the configured rate, the schedule's decay for the epoch number,
/// and `lr_factor` once per rollback so far.
double planned_lr(const TrainConfig& config, uint32_t epoch, uint32_t rollbacks);

/// The seed of an epoch's batch order: a mix of the run's seed, the epoch number and the number
/// of rollbacks so far (an epoch retrained after a rollback sees a different order).
uint64_t epoch_seed(uint64_t run_seed, uint32_t epoch, uint32_t rollbacks);

}  // namespace trainchain::training
