// training/src/recovery_policy.cpp - the recovery policy: detect, count against the limit, roll back.
#include "trainchain/training/recovery_policy.hpp"

#include "trainchain/runtime/node.hpp"

namespace trainchain::training {
using runtime::Block;
using runtime::BlockKind;

uint32_t counted_rollbacks(const RecoveryPolicy& policy, const std::vector<Block>& blocks) {
    uint32_t n = 0;
    for (const Block& b : blocks)
        if (b.payload.kind == BlockKind::Rollback &&
            (policy.count_requested ||
             runtime::parse_rollback_note(b.payload.note).kind == runtime::RollbackKind::Detected))
            ++n;
    return n;
}

RecoveryDecision decide_recovery(const DetectionConfig& detection, const RecoveryPolicy& policy,
                                 const std::vector<Block>& blocks, uint64_t height, const EpochMetrics& m,
                                 const std::vector<LineageEntry>& lineage) {
    RecoveryDecision d;
    d.failing = height;
    d.epoch = height < blocks.size() ? blocks[height].payload.epoch : 0;
    d.max_rollbacks = policy.max_rollbacks;
    d.detection = detect(detection, m, best_along(lineage, 1), lineage);
    if (!d.detection) return d;
    d.rollbacks = counted_rollbacks(policy, blocks);
    if (!policy.auto_rollback)
        d.action = RecoveryAction::Disabled;
    else if (d.rollbacks >= policy.max_rollbacks)
        d.action = RecoveryAction::LimitReached;
    else if (!runtime::previous_state(blocks, height))
        d.action = RecoveryAction::NoEarlierState;
    else {
        d.action = RecoveryAction::RollBack;
        d.note = runtime::detected_rollback(d.epoch, d.detection->rule, d.detection->message);
    }
    return d;
}

RecoveryDecision decide_recovery(const DetectionConfig& detection, const RecoveryPolicy& policy,
                                 const std::vector<Block>& blocks, uint64_t height) {
    if (height >= blocks.size() || blocks[height].payload.kind != BlockKind::Epoch) return {};
    return decide_recovery(detection, policy, blocks, height, recorded_metrics(blocks[height]),
                           lineage_to(blocks, height));
}

}  // namespace trainchain::training
