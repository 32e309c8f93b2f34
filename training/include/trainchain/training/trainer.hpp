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

/// Called while an epoch trains: batches done, batches in the epoch.
using ProgressFn = std::function<void(size_t done, size_t total)>;

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

    /// Test loss and accuracy of the current weights.
    [[nodiscard]] EpochMetrics evaluate() const;

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
