// reports/include/trainchain/reports/recovery.hpp - the paper's recovery-rate experiment
// (section 4.2, Fig. 7), run for real: a model is trained while a keep-last-K checkpoint manager
// and the chain both record every epoch, and after each epoch every earlier epoch is restored from
// each of them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trainchain::reports {

/// The experiment's settings.
struct RecoveryOptions {
    uint32_t max_epochs = 50;       ///< N: epochs trained
    uint32_t keep = 5;              ///< K: the manager's max_to_keep
    uint32_t nodes = 10;            ///< the chain's user nodes (each restore is a voted rollback)
    uint32_t difficulty_bits = 12;  ///< the chain's proof-of-work difficulty (bits)
    uint64_t seed = 1;
    std::filesystem::path dir;  ///< where both stores are written (created; must not exist)
    /// Tests: once epoch E (>= 2) is recorded, its checkpoint file in the chain's store is
    /// overwritten with epoch E - 1's file (a valid file with the wrong bytes), so every later
    /// chain-side restore of E must fail its digest check.
    std::optional<uint32_t> tamper_epoch;
};

/// The outcome after epoch n: every target epoch 1..n attempted from each store.
struct RecoveryPoint {
    uint32_t n = 0;
    uint32_t attempted = 0;         ///< n targets
    uint32_t manager_restored = 0;  ///< restored from the keep-last-K manager with the right digest
    uint32_t chain_restored = 0;    ///< restored by a voted rollback, with the target block's digest
    double paper_stated = 0;        ///< the paper's curve: 100 % up to K epochs, then K/n
    double paper_inequality = 0;    ///< what its condition D_target >= D_end - K counts: (K+1)/n
};

/// The whole experiment.
struct RecoveryReport {
    RecoveryOptions options;
    std::string model;  ///< the trained model and data
    std::vector<RecoveryPoint> points;
    uint64_t rollbacks = 0;        ///< voted rollbacks run (one per chain-side restore)
    uint64_t digest_failures = 0;  ///< chain-side restores whose bytes missed the target's digest
    uint64_t chain_blocks = 0;     ///< blocks on the chain afterwards (epoch and rollback blocks)
    double training_ms = 0, chain_ms = 0, restore_ms = 0;  ///< restore_ms includes the rollbacks
};

/// Runs the experiment: sklearn's digits, MLP 64-128-64-10, Adam, one thread. After each epoch
/// the full checkpoint goes to (a) a manager that behaves as tf.train.CheckpointManager with
/// max_to_keep = K (files ckpt-E plus a `checkpoint` index; older files deleted), and (b) the
/// chain through block creation and consensus. Then every target epoch 1..n is restored from
/// each store: from the manager by reading its file; from the chain by a voted rollback
/// (Chain::rollback: the nodes propose the target's block, the Rollback contract decides, a
/// rollback block is appended through consensus), then reading the checkpoint the decided block
/// names. A restore counts only when the bytes hash to the digest recorded at save time (on the
/// chain: the one the decided block records). Targets go oldest first, so the last rollback of
/// each n returns training to epoch n.
RecoveryReport measure_recovery(const RecoveryOptions& options,
                                const std::function<void(uint32_t epoch)>& progress = {});

/// One row per n: n, attempted, manager and chain restores and rates, the paper's two curves.
std::string recovery_csv(const RecoveryReport& report);
/// A Markdown report: setup, selected rows, and the findings (the off-by-one named).
std::string recovery_markdown(const RecoveryReport& report);
/// The report as JSON (settings, every point, timings).
std::string recovery_json(const RecoveryReport& report);
/// Fig. 7 redrawn as a standalone SVG line chart: the paper's curve, the manager's and the chain's
/// measured rates (polyline.paper, polyline.inequality, polyline.manager, polyline.chain).
std::string recovery_svg(const RecoveryReport& report);

}  // namespace trainchain::reports
