// training/include/trainchain/training/config.hpp - what a training run is: data, model,
// optimizer, schedule, error detection, recovery policy and chain settings, read from a TOML file
// (toml++) and overridden by command-line flags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "trainchain/runtime/limits.hpp"

namespace trainchain::training {

/// Where the samples come from.
struct DataConfig {
    std::string source = "digits";      ///< "fashion-mnist", "digits", "csv" or "idx"
    std::filesystem::path path;         ///< csv: the file; idx: the images file; fashion-mnist: the directory
    std::filesystem::path labels;       ///< idx: the labels file
    std::filesystem::path test_path;    ///< csv/idx: a separate test file (else split off)
    std::filesystem::path test_labels;  ///< idx: the test labels file
    double test_fraction = 0.2;         ///< when the test set is split off the training data
    uint64_t train_limit = 0;           ///< use only the first N training rows (0: all)
    uint64_t test_limit = 0;            ///< use only the first N test rows (0: all)
};

/// The network.
struct ModelConfig {
    std::string kind = "mlp";                 ///< "mlp" or "cnn"
    std::vector<int64_t> hidden = {128, 64};  ///< mlp: hidden layer widths; cnn: the dense layer(s)
    std::vector<int64_t> channels = {8, 16};  ///< cnn: output channels of each 3x3 conv + 2x2 pool
};

/// How the weights are updated.
struct OptimizerConfig {
    std::string kind = "adam";  ///< "adam" or "sgd"
    double lr = 1e-3;
    double momentum = 0.9;  ///< sgd only
    double weight_decay = 0;
    std::string schedule = "constant";  ///< "constant" or "step": lr * gamma every step_epochs
    uint32_t step_epochs = 10;
    double gamma = 0.5;
    uint32_t batch_size = 64;
};

/// When training counts as gone wrong. Each rule can be switched off.
struct DetectionConfig {
    bool non_finite_loss = true;      ///< training or test loss NaN or infinite
    bool accuracy_drop = true;        ///< test accuracy more than `max_accuracy_drop` below the best
    double max_accuracy_drop = 0.10;  ///< absolute (0.10 = 10 percentage points)
    bool overtraining = true;         ///< test loss rising `patience` epochs in a row
    uint32_t patience = 3;
};

/// What happens after a rollback.
struct RecoveryConfig {
    double lr_factor = 0.5;      ///< the learning rate is multiplied by this after each rollback
    uint32_t max_rollbacks = 3;  ///< the run stops after this many
};

/// The chain the run is recorded in.
struct ChainSettings {
    uint32_t nodes = 100;
    uint32_t difficulty_bits = 16;
    std::string fork = "Petersburg";
    uint32_t quorum_percent =
        runtime::min_quorum_percent;  ///< runtime::min_quorum_percent to runtime::max_quorum_percent
    uint32_t replay_nodes = 1;        ///< nodes that check each epoch by replay before voting
    /// How the replaying nodes check an epoch: "sampled" (they re-run `sample_segments` of the
    /// epoch's committed segments, drawn from the block hash and their vote signature), "full"
    /// (the whole epoch is re-run before its block is made) or "none".
    std::string replay = "sampled";
    uint32_t segment_steps =
        6;  ///< s: the trainer commits to its state every s steps (docs/performance.md: why 6)
    uint32_t sample_segments = 3;     ///< Q: segments each replaying node re-runs per epoch
    uint32_t sample_test_chunks = 1;  ///< test chunks (eval_chunk_rows rows) each replaying node re-measures
    /// Which committed states stay once an epoch's block is decided: "all", "sampled" (the first,
    /// the last and those the replaying nodes opened) or "none".
    std::string keep_segments = "sampled";
    /// Seconds a block waits, once the quorum accepted it, for the votes of replaying nodes that
    /// stay silent (a crashed remote node); then it is appended and they are reported unchecked.
    uint32_t replay_wait_seconds = 120;
};

/// A fault injected on purpose at one epoch, for demonstrations and tests: `lr-spike` trains the
/// epoch at 1000x the learning rate, `nan` overwrites a weight with NaN halfway through the epoch,
/// `label-noise` trains the epoch on labels shifted to the next class. Each applies once per run
/// (an epoch retrained after a rollback runs clean).
struct Injection {
    enum class Kind { LrSpike, Nan, LabelNoise };
    Kind kind = Kind::Nan;
    uint32_t epoch = 0;  ///< 1-based epoch number

    /// "lr-spike@5", "nan@3", "label-noise@4"; throws ConfigError on anything else.
    static Injection parse(const std::string& text);
    [[nodiscard]] std::string to_string() const;
};

/// A whole run.
struct TrainConfig {
    DataConfig data;
    ModelConfig model;
    OptimizerConfig optimizer;
    uint32_t epochs = 10;
    uint64_t seed = 1;
    uint32_t threads = 1;  ///< torch intra-op threads; part of what makes a run reproducible
    DetectionConfig detection;
    RecoveryConfig recovery;
    ChainSettings chain;
    std::vector<Injection> inject;

    /// Checks every value's range and the combinations (e.g. idx needs labels); throws ConfigError.
    void validate() const;
};

/// A bad configuration file or value: "FILE:LINE:COL: error: ..." when it comes from a file.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Reads a TOML file (tables [data], [model], [optimizer], [detection], [recovery], [chain] and
/// top-level epochs, seed, threads, inject = ["nan@3"]). Unknown keys are errors, so a misspelt
/// setting is never silently ignored. Throws ConfigError with the position.
TrainConfig load_config(const std::filesystem::path& path);

/// Parses TOML text (`name` is used in messages).
TrainConfig parse_config(const std::string& text, const std::string& name);

/// The configuration as TOML that parse_config reads back to an equal configuration; stored with
/// a run so that `--resume` continues it with the same settings.
std::string to_toml(const TrainConfig& config);

}  // namespace trainchain::training
