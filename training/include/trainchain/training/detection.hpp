// training/include/trainchain/training/detection.hpp - the rules that say training went
// wrong (non-finite loss, accuracy collapse, over-training), judged along the line of training
// recorded in the chain. Shared by the Deep Learning Server (`train`) and the API (`serve`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trainchain/runtime/block.hpp"
#include "trainchain/training/config.hpp"
#include "trainchain/training/trainer.hpp"

namespace trainchain::training {

/// One epoch on the path that led to a training state.
struct LineageEntry {
    uint64_t height = 0;
    double test_loss = 0;
    double accuracy = 0;
    bool finite = true;  ///< both losses finite
};

/// The test loss stored in an epoch block's JSON note (NaN when the note has none).
double note_test_loss(const runtime::Block& block);

/// The epoch blocks that led to `state`, oldest first: each block's previous state back to the
/// first epoch (epochs abandoned by rollbacks are not on the line). Empty for no state.
std::vector<LineageEntry> lineage_to(const std::vector<runtime::Block>& blocks,
                                     std::optional<uint64_t> state);

/// The best accuracy along a line of training, over its epochs with finite losses, leaving out
/// the last `skip` entries.
double best_along(const std::vector<LineageEntry>& lineage, size_t skip);

/// A detection rule that fired.
struct Detection {
    std::string rule;     ///< its setting's name: "non_finite_loss", "accuracy_drop" or "overtraining"
    std::string message;  ///< what it saw, e.g. "loss is not finite (train nan, test nan)"
};

/// The first detection rule that fires for an epoch with metrics `m`, or nullopt. `lineage` ends
/// with this epoch; `best_accuracy` is the best before it.
std::optional<Detection> detect(const DetectionConfig& d, const EpochMetrics& m, double best_accuracy,
                                const std::vector<LineageEntry>& lineage);

/// The metrics the chain recorded for the epoch block `b`: its accuracy, its training loss and
/// the test loss in its note.
EpochMetrics recorded_metrics(const runtime::Block& b);

}  // namespace trainchain::training
