// training/include/trainchain/training/server.hpp - the Deep Learning Server: trains epoch
// by epoch, records each epoch through the chain (Results Queue, block creation, consensus),
// detects training gone wrong, rolls back by the nodes' vote and continues; plus replay
// verification of recorded epochs.
#pragma once

#include <cstdint>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/training/config.hpp"
#include "trainchain/training/segments.hpp"
#include "trainchain/training/trainer.hpp"

namespace trainchain::training {

/// The file of a run directory that holds the run's configuration (TOML); the chain records its
/// text too (runtime::meta_key::run_config), from which `chain rebuild` restores it.
inline constexpr const char* run_config_file = "run.toml";

/// How a run is started.
struct ServerOptions {
    std::filesystem::path dir;    ///< the run's directory: the chain store plus run.toml
    bool resume = false;          ///< continue the run stored in `dir` instead of creating it
    unsigned mining_threads = 0;  ///< proof-of-work threads (0: all cores)
    std::optional<uint32_t>
        forge_epoch;  ///< tests: perturb the weights after training this epoch, before posting
    /// Tests: train this epoch with a forged stretch (the first try only), committing the states
    /// it really produced.
    std::optional<std::pair<uint32_t, Forgery>> forge_segment;
    std::map<uint32_t, runtime::Fault> faults;      ///< faulty user nodes, for demonstrations (node -> fault)
    std::shared_ptr<runtime::Transport> transport;  ///< how the nodes are reached (null: in-process)
    std::vector<runtime::PublicKey> node_keys;      ///< a new run's external nodes (their public keys)
    /// The run's private key files (runtime::ChainOptions); empty: beside `dir`, in `dir`.keys.
    std::filesystem::path server_key_file, node_key_file;
    /// Set (from any thread) to end the run cleanly: the epoch in training and its block finish,
    /// published to the nodes, and no further epoch starts. Null: runs to its end.
    const std::atomic<bool>* stop = nullptr;
};

/// What one epoch did, for monitoring.
struct EpochEvent {
    EpochPlan plan;
    EpochMetrics metrics;
    double train_ms = 0;
    runtime::AppendReport append;        ///< the block (accepted or not) and where its time went
    double replay_ms = 0;                ///< replay verification by the chosen nodes
    std::vector<uint32_t> replay_nodes;  ///< the nodes that replayed (sampled: drawn from the block hash)
    std::vector<uint32_t> sampled;       ///< sampled replay: the segments re-run, over all replaying nodes
    uint64_t replay_steps = 0;           ///< optimizer steps re-run by the replaying nodes
    double commit_ms = 0;                ///< sampled replay: waiting for the committed states to be stored
    bool replay_ok = true;
    std::optional<std::string> error;  ///< the detection rule that fired, if any
};

/// What a rollback did.
struct RollbackEvent {
    std::string reason;
    runtime::RollbackReport report;
    double restored_accuracy = 0;  ///< re-measured on the test set after restoring
    uint32_t restored_epoch = 0;
    double next_lr = 0;
};

/// Receives the server's events; every method has a do-nothing default.
class Monitor {
public:
    virtual ~Monitor() = default;
    virtual void started(const std::string& /*description*/) {}
    virtual void progress(uint32_t /*epoch*/, size_t /*done*/, size_t /*total*/) {}
    virtual void epoch(const EpochEvent& /*event*/) {}
    virtual void rollback(const RollbackEvent& /*event*/) {}
};

/// How a run ended.
struct RunSummary {
    bool finished = false;        ///< reached the configured epochs (else stopped)
    std::string status;           ///< "finished" or why it stopped
    uint32_t epochs_trained = 0;  ///< in this process, including retrained ones
    uint32_t rollbacks = 0;       ///< in the whole run
    uint32_t rejected = 0;        ///< candidate blocks rejected by replay verification
    uint64_t blocks = 0;          ///< chain length at the end
    uint64_t state_height = 0;    ///< the block holding the final training state
    uint32_t final_epoch = 0;
    double final_accuracy = 0;
    double best_accuracy = 0;
    double training_ms = 0, chain_ms = 0, mining_ms = 0, replay_ms = 0;
};

/// Runs (or resumes) a training run to its end. Throws ConfigError, DataError, CheckpointError or
/// runtime::ChainError/StoreError on bad input or a damaged run directory.
RunSummary run_training(const TrainConfig& config, const ServerOptions& options, Monitor& monitor);

/// Loads the data a configuration names (train/test split, limits applied).
std::shared_ptr<const DataSplit> load_data(const DataConfig& config, uint64_t seed);

/// The block whose checkpoint was the training state before a block (runtime/node.hpp).
using runtime::previous_state;

/// The outcome of replaying recorded epochs.
struct ReplayReport {
    bool ok = true;
    size_t replayed = 0;
    uint64_t segments = 0;  ///< sampled: segments re-run
    uint64_t steps = 0;     ///< optimizer steps re-run
    /// sampled: drawn replaying nodes with no accepting vote stored with the block, by height
    /// (their draws could not be repeated: they did not vote, or voted against the block); a
    /// block none of whose drawn nodes' draws could be repeated is not counted in `replayed`
    std::map<uint64_t, std::vector<uint32_t>> unchecked;
    std::optional<uint64_t> bad_height;
    std::string reason;
};

/// How replay_verify checks each epoch.
struct ReplayMode {
    /// 0: re-run whole epochs. Otherwise the sampled check (check_epoch_segments) with this many
    /// segments per draw, for each replaying node's draw (its stored vote signature and the block
    /// hash) or, with a salt, one draw of the auditor's own.
    uint32_t sample = 0;
    std::optional<std::string> salt;
};

/// Replays every epoch block with height in [from, to] from its previous state with the recorded
/// plan and compares the resulting checkpoint's digest with the recorded one (Proof-of-Learning
/// style); or, sampled, checks each block's segment commitment and re-runs sampled segments. The
/// run's configuration comes from `dir`/run.toml and must match the digest recorded in the
/// checkpoints.
ReplayReport replay_verify(const std::filesystem::path& dir, uint64_t from, uint64_t to,
                           const std::function<void(uint64_t height, bool ok)>& each = {},
                           const ReplayMode& mode = {});

/// SHA-256 (hex) of a configuration's TOML text: what checkpoints record.
std::string config_digest(const TrainConfig& config);

}  // namespace trainchain::training
