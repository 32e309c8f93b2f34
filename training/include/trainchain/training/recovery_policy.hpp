// training/include/trainchain/training/recovery_policy.hpp - the one recovery policy of a run: after an
// epoch is recorded, run the detection rules, count the run's rollbacks against its limit, and
// say whether to roll back (with the rollback block's note) or why not. Used by `train`
// (training/src/server.cpp) and `serve` (api/src/server.cpp); no torch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/epoch_note.hpp"
#include "trainchain/training/config.hpp"
#include "trainchain/training/detection.hpp"

namespace trainchain::training {

/// How a run answers a detection.
struct RecoveryPolicy {
    bool auto_rollback = true;   ///< false: report what fired, never roll back on its own
    uint32_t max_rollbacks = 3;  ///< rollbacks counted before the run stops rolling back
    /// Whether rollbacks asked for (RollbackKind::Requested) count against max_rollbacks too:
    /// `train` counts every rollback of its run (its learning-rate schedule does as well), `serve`
    /// only those its detector made.
    bool count_requested = false;
};

/// What to do after an epoch.
enum class RecoveryAction {
    Continue,        ///< no rule fired
    RollBack,        ///< roll back by the nodes' vote (Chain::rollback with `note` and `failing`)
    Disabled,        ///< a rule fired; the run does not roll back on its own
    LimitReached,    ///< a rule fired; `rollbacks` already reached the limit
    NoEarlierState,  ///< a rule fired; no earlier epoch is on the line to roll back to
};

/// The policy's answer for one epoch block.
struct RecoveryDecision {
    RecoveryAction action = RecoveryAction::Continue;
    std::optional<Detection> detection;  ///< the rule that fired (all but Continue)
    uint64_t epoch = 0;                  ///< the epoch judged
    uint64_t failing = 0;                ///< its block's height: Chain::rollback's `failing`
    uint32_t rollbacks = 0;              ///< rollbacks counted against the limit so far
    uint32_t max_rollbacks = 0;          ///< the limit
    runtime::RollbackNote note;          ///< RollBack: the rollback block's note (kind Detected)
};

/// The rollbacks in `blocks` that count against `policy.max_rollbacks`, read from each rollback
/// block's note kind (parse_rollback_note; older text notes are read as before).
uint32_t counted_rollbacks(const RecoveryPolicy& policy, const std::vector<runtime::Block>& blocks);

/// The policy for the epoch block at `height` in `blocks` whose metrics are `m` and whose line of
/// training is `lineage` (ending with it): detect(), then in order auto_rollback, the limit, an
/// earlier state to restore; RollBack when all allow it.
RecoveryDecision decide_recovery(const DetectionConfig& detection, const RecoveryPolicy& policy,
                                 const std::vector<runtime::Block>& blocks, uint64_t height,
                                 const EpochMetrics& m, const std::vector<LineageEntry>& lineage);

/// decide_recovery() from what the chain recorded for the epoch block at `height`: its metrics
/// (recorded_metrics) and the line of training that led to it (lineage_to). Continue for a
/// height that is not an epoch block.
RecoveryDecision decide_recovery(const DetectionConfig& detection, const RecoveryPolicy& policy,
                                 const std::vector<runtime::Block>& blocks, uint64_t height);

}  // namespace trainchain::training
