// training/src/segments.cpp - sampled replay: committing to an epoch's training states on a worker
// thread, and a replaying node's check of an epoch block's commitment and of sampled segments.
#include "trainchain/training/segments.hpp"

#include <cmath>

#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/merkle.hpp"
#include "trainchain/runtime/sampling.hpp"

namespace trainchain::training {
using runtime::Hash;
using runtime::Reject;
using runtime::ValidationState;

SegmentCommitter::SegmentCommitter(uint32_t segment_steps, Keep keep)
    : steps_(segment_steps), keep_(std::move(keep)), worker_([this] { work(); }) {}

SegmentCommitter::~SegmentCommitter() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    ready_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void SegmentCommitter::work() {
    for (;;) {
        Bytes state;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
            if (queue_.empty()) return;
            state = std::move(queue_.front());
        }
        Hash leaf{};
        std::exception_ptr error;
        try {
            if (!error_) leaf = keep_(state);
        } catch (...) {
            error = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            queue_.pop_front();
            if (error && !error_) error_ = error;
            leaves_.push_back(leaf);
        }
        ready_.notify_all();
    }
}

StateSink SegmentCommitter::sink() {
    return [this](uint64_t /*step*/, Bytes state) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(state));
        }
        ready_.notify_all();
    };
}

std::pair<runtime::SegmentCommitment, std::vector<Hash>> SegmentCommitter::finish() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return queue_.empty(); });
    if (error_) std::rethrow_exception(error_);
    if (leaves_.size() < 2) throw std::logic_error("segment commitment: an epoch gives at least two states");
    runtime::SegmentCommitment c;
    c.steps = steps_;
    c.count = static_cast<uint32_t>(leaves_.size() - 1);
    c.root = runtime::merkle_root(leaves_);
    return {c, std::move(leaves_)};
}

namespace {

/// A leaf of the commitment, checked against its proof; with its state when asked (checked against
/// the leaf). The failure, when there is one, in `why`.
std::optional<runtime::SegmentOpening> open_checked(const SegmentSource& source, const runtime::SegmentCommitment& c,
                                                    uint32_t index, bool with_state, ValidationState& why) {
    auto o = source(c.root, index, with_state);
    const std::string name = "leaf " + std::to_string(index) + " of " + std::to_string(c.count + 1);
    if (!o || (with_state && o->state.empty())) {
        why = ValidationState::invalid(Reject::SegmentMissing, name + (with_state ? " (its state)" : "") +
                                                                   " could not be fetched");
        return std::nullopt;
    }
    if (!runtime::merkle_verify(o->leaf, index, c.count + 1, o->proof, c.root)) {
        why = ValidationState::invalid(Reject::SegmentProof, name + ": its Merkle proof does not lead to the committed root");
        return std::nullopt;
    }
    if (with_state && runtime::sha256(o->state) != o->leaf) {
        why = ValidationState::invalid(Reject::SegmentProof, name + ": the state fetched is not the committed one");
        return std::nullopt;
    }
    return o;
}

}  // namespace

SegmentCheck check_epoch_segments(Trainer& trainer, std::span<const uint8_t> previous,
                                  std::span<const uint8_t> recorded, const runtime::Payload& payload,
                                  const Hash& sample_seed, uint32_t q, const SegmentSource& source) {
    SegmentCheck out;
    const auto fail = [&](Reject code, std::string detail) {
        out.state = ValidationState::invalid(code, "epoch " + std::to_string(payload.epoch) + ": " + std::move(detail));
        return out;
    };
    if (!payload.segments) return fail(Reject::SegmentCommitment, "the block carries no segment commitment");
    const runtime::SegmentCommitment& c = *payload.segments;
    const uint64_t steps = trainer.steps_per_epoch();
    if (c.steps == 0 || c.count != (steps + c.steps - 1) / c.steps)
        return fail(Reject::SegmentCommitment, "the commitment has " + std::to_string(c.count) + " segments of " +
                                                   std::to_string(c.steps) + " steps; the epoch has " +
                                                   std::to_string(steps) + " steps");
    CheckpointInfo info;
    try {
        info = Trainer::read_info(recorded);
        trainer.restore(previous);
    } catch (const CheckpointError& e) {
        return fail(Reject::SegmentCommitment, e.what());
    }
    ValidationState why;
    // Leaf 0: the epoch starts from the previous state, with the recorded plan.
    {
        const Bytes start = trainer.start_state(info.plan);
        const auto o = open_checked(source, c, 0, false, why);
        if (!o) return fail(why.code, why.detail);
        if (runtime::sha256(start) != o->leaf)
            return fail(Reject::SegmentCommitment,
                        "the first state is not the previous checkpoint's with the recorded plan");
    }
    // The last leaf: the recorded checkpoint and the loss the block records.
    {
        const auto o = open_checked(source, c, c.count, true, why);
        if (!o) return fail(why.code, why.detail);
        StatePosition at;
        try {
            at = Trainer::read_state_position(o->state);
        } catch (const CheckpointError& e) {
            return fail(Reject::SegmentCommitment, std::string("the last state: ") + e.what());
        }
        if (at.step != steps || !Trainer::same_weights(o->state, recorded))
            return fail(Reject::SegmentCommitment, "the last state does not hold the recorded checkpoint's weights");
        const double rows = static_cast<double>(trainer.train_rows());
        if (at.loss_sum / rows != info.metrics.train_loss && !(std::isnan(at.loss_sum) && std::isnan(info.metrics.train_loss)))
            return fail(Reject::SegmentCommitment, "the recorded train loss is not the committed states' loss");
        try {
            trainer.restore(recorded);
        } catch (const CheckpointError& e) {
            return fail(Reject::SegmentCommitment, e.what());
        }
        const EpochMetrics m = trainer.evaluate();
        const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
        if (!same(m.test_loss, info.metrics.test_loss) || !same(m.test_accuracy, info.metrics.test_accuracy))
            return fail(Reject::SegmentCommitment, "the recorded test metrics are not those of the recorded weights");
    }
    // The sampled segments.
    out.sampled = runtime::sample_indices(sample_seed, c.count, q);
    for (const uint32_t i : out.sampled) {
        const auto start = open_checked(source, c, i, true, why);
        if (!start) return fail(why.code, "segment " + std::to_string(i) + ": " + why.detail);
        const auto end = open_checked(source, c, i + 1, false, why);
        if (!end) return fail(why.code, "segment " + std::to_string(i) + ": " + why.detail);
        const uint64_t first = uint64_t{i} * c.steps, last = std::min(steps, first + c.steps);
        Bytes reached;
        try {
            if (Trainer::read_state_position(start->state).step != first)
                return fail(Reject::SegmentCommitment, "segment " + std::to_string(i) + " does not start at step " +
                                                           std::to_string(first));
            reached = trainer.replay_segment(start->state, c.steps);
        } catch (const CheckpointError& e) {
            return fail(Reject::SegmentCommitment, "segment " + std::to_string(i) + ": " + e.what());
        }
        out.steps_replayed += last - first;
        if (runtime::sha256(reached) != end->leaf)
            return fail(Reject::SegmentReplay, "segment " + std::to_string(i) + " (steps " + std::to_string(first) +
                                                   ".." + std::to_string(last) +
                                                   ") does not replay to its committed end state");
    }
    return out;
}

SegmentSource store_segments(const runtime::Store& store) {
    return [&store](const Hash& root, uint32_t index, bool with_state) {
        return runtime::open_segment(store, root, index, with_state);
    };
}

}  // namespace trainchain::training
