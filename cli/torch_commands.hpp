// cli/torch_commands.hpp - the commands that run libtorch (`train`, `verify --replay`, `report
// recovery`, `report forgery`, `node run --replay`): their flags, and the functions that run them.
//
// Loading libtorch costs a process about half a second and 150 MiB before `main` runs, so
// `build/bin/trainchain` does not link it. Its definitions of the functions below
// (torch_handoff.cpp) replace the process with the companion `trainchain-torch`
// (libexec/trainchain/, next to bin/), passing the same command line; the companion is built from
// the same sources with the real definitions (torch_commands.cpp). The user sees one program: the
// same options, help, exit codes, process id and signals. Every other command runs without torch.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "trainchain/reports/forgery.hpp"
#include "trainchain/reports/recovery.hpp"

namespace trainchain::cli {

/// `train`'s command-line settings, which override the configuration file.
struct TrainFlags {
    std::string config;
    std::string dir;
    std::string resume;
    std::optional<uint32_t> epochs, threads, batch_size, nodes, difficulty, replay_nodes, max_rollbacks;
    std::optional<uint64_t> seed, train_limit, test_limit;
    std::optional<double> lr, lr_factor;
    std::optional<std::string> optimizer, model, data, data_path;
    std::vector<std::string> inject;
    std::vector<std::string> faults;
    unsigned mining_threads = 0;
    std::string transport, node_keys;
    StreamFlags streams;
    std::optional<uint32_t> forge_epoch;
    std::optional<std::string> forge_segment;
    std::optional<std::string> replay, keep_segments;
    std::optional<uint32_t> segment_steps, sample_segments;
    KeyFlags keys;
    bool quiet = false, json = false;
};

/// `verify --replay`'s settings.
struct ReplayFlags {
    std::string dir;
    uint64_t from = 0;
    uint64_t to = std::numeric_limits<uint64_t>::max();
    uint32_t sample = 0;              ///< --sample Q: the sampled check (0: whole epochs)
    std::optional<std::string> salt;  ///< --salt: the auditor's own draw
};

/// `report recovery`'s settings.
struct RecoveryFlags {
    reports::RecoveryOptions options;
    std::string out;
    std::string format = "md";
    bool quiet = false;
};

/// `report forgery`'s settings.
struct ForgeryFlags {
    reports::ForgeryOptions options;
    std::string out;
    std::string format = "md";
    bool quiet = false;
};

/// `node run --replay`'s settings.
struct ReplayNodeFlags {
    std::string config;  ///< --config FILE: the run's configuration, when the replica records none
};

/// Makes `node run --replay`'s node a replaying node: `options.epoch_check` re-runs sampled segments
/// of the epochs the node is drawn for (training::check_epoch_segments with the run's
/// configuration, recorded in the replica, its data, and the states the node fetches from the
/// server). `trainchain` hands the process over to the companion here, before the node starts.
void make_replaying_node(nats::NodeOptions& options, const ReplayNodeFlags& flags);

/// Runs `train`; returns the exit code.
int run_train(const TrainFlags& flags);

/// Runs `verify --replay`: the chain's checks, then every epoch re-run; returns the exit code.
int run_verify_replay(const ReplayFlags& flags);

/// Runs `report recovery`; returns the exit code.
int run_recovery(const RecoveryFlags& flags);

/// Runs `report forgery` (sampled replay's detection of forged epochs); returns the exit code.
int run_forgery(const ForgeryFlags& flags);

/// Keeps the process's command line for the hand-over to the companion (call first in `main`).
void keep_command_line(int argc, char** argv);

}  // namespace trainchain::cli
