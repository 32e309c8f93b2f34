// training/src/detection.cpp - the detection rules over the recorded line of training.
#include "trainchain/training/detection.hpp"

#include <algorithm>
#include <cmath>

#include "trainchain/runtime/epoch_note.hpp"
#include "trainchain/runtime/node.hpp"

namespace trainchain::training {
using runtime::Block;
using runtime::BlockKind;

double note_test_loss(const Block& b) {
    return runtime::parse_epoch_note(b.payload.note).test_loss.value_or(std::nan(""));
}

double best_along(const std::vector<LineageEntry>& lineage, size_t skip) {
    double best = 0;
    for (size_t i = 0; i + skip < lineage.size(); ++i)
        if (lineage[i].finite) best = std::max(best, lineage[i].accuracy);
    return best;
}

std::vector<LineageEntry> lineage_to(const std::vector<Block>& blocks, std::optional<uint64_t> state) {
    std::vector<LineageEntry> path;
    while (state && *state < blocks.size() && blocks[*state].payload.kind == BlockKind::Epoch) {
        const Block& b = blocks[*state];
        const double test_loss = note_test_loss(b);
        path.push_back({*state, test_loss, b.payload.accuracy,
                        std::isfinite(test_loss) && std::isfinite(b.payload.loss)});
        state = runtime::previous_state(blocks, *state);
    }
    return {path.rbegin(), path.rend()};
}

std::optional<Detection> detect(const DetectionConfig& d, const EpochMetrics& m, double best_accuracy,
                                const std::vector<LineageEntry>& lineage) {
    if (d.non_finite_loss && (!std::isfinite(m.train_loss) || !std::isfinite(m.test_loss)))
        return Detection{"non_finite_loss", "loss is not finite (train " + std::to_string(m.train_loss) +
                                                ", test " + std::to_string(m.test_loss) + ")"};
    if (d.accuracy_drop && m.test_accuracy < best_accuracy - d.max_accuracy_drop)
        return Detection{"accuracy_drop", "accuracy " + std::to_string(m.test_accuracy) + " fell more than " +
                                              std::to_string(d.max_accuracy_drop) + " below the best " +
                                              std::to_string(best_accuracy)};
    if (d.overtraining && lineage.size() > d.patience) {
        // lineage ends with this epoch: the last patience+1 test losses must each rise.
        bool rising = true;
        for (size_t i = lineage.size() - d.patience; i < lineage.size(); ++i)
            rising = rising && lineage[i].test_loss > lineage[i - 1].test_loss;
        if (rising)
            return Detection{"overtraining", "test loss rose in each of the last " +
                                                 std::to_string(d.patience) + " epoch(s) (over-training)"};
    }
    return std::nullopt;
}

EpochMetrics recorded_metrics(const Block& b) {
    return {b.payload.loss, note_test_loss(b), b.payload.accuracy};
}

}  // namespace trainchain::training
