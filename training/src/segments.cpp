// training/src/segments.cpp - sampled replay: committing to an epoch's training states on a worker
// thread, and a replaying node's check of an epoch block's commitment and of sampled segments.
#include "trainchain/training/segments.hpp"

#include <chrono>
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

std::pair<runtime::SegmentCommitment, std::vector<Hash>> SegmentCommitter::finish(Bytes evaluation_record) {
    sink()(0, std::move(evaluation_record));
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return queue_.empty(); });
    if (error_) std::rethrow_exception(error_);
    if (leaves_.size() < 3) throw std::logic_error("segment commitment: an epoch gives at least two states");
    runtime::SegmentCommitment c;
    c.steps = steps_;
    c.count = static_cast<uint32_t>(leaves_.size() - 2);
    c.root = runtime::merkle_root(leaves_);
    return {c, std::move(leaves_)};
}

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

/// A leaf of the commitment, checked against its proof; with its state when asked (checked against
/// the leaf). The failure, when there is one, in `why`.
std::optional<runtime::SegmentOpening> open_checked(const SegmentSource& source,
                                                    const runtime::SegmentCommitment& c, uint32_t index,
                                                    bool with_state, ValidationState& why) {
    auto o = source(c.root, index, with_state);
    const std::string name = "leaf " + std::to_string(index) + " of " + std::to_string(c.count + 2);
    if (!o || (with_state && o->state.empty())) {
        why = ValidationState::invalid(Reject::SegmentMissing,
                                       name + (with_state ? " (its state)" : "") + " could not be fetched");
        return std::nullopt;
    }
    if (!runtime::merkle_verify(o->leaf, index, c.count + 2, o->proof, c.root)) {
        why = ValidationState::invalid(Reject::SegmentProof,
                                       name + ": its Merkle proof does not lead to the committed root");
        return std::nullopt;
    }
    if (with_state && runtime::sha256(o->state) != o->leaf) {
        why = ValidationState::invalid(Reject::SegmentProof,
                                       name + ": the state fetched is not the committed one");
        return std::nullopt;
    }
    return o;
}

}  // namespace

SegmentCheck check_epoch_segments(Trainer& trainer, std::span<const uint8_t> previous,
                                  std::span<const uint8_t> recorded, const runtime::Payload& payload,
                                  const Hash& sample_seed, uint32_t q, const SegmentSource& source,
                                  uint32_t test_chunks) {
    SegmentCheck out;
    const auto fail = [&](Reject code, std::string detail) {
        out.state = ValidationState::invalid(
            code, "epoch " + std::to_string(payload.epoch) + ": " + std::move(detail));
        return out;
    };
    if (!payload.segments) return fail(Reject::SegmentCommitment, "the block carries no segment commitment");
    const runtime::SegmentCommitment& c = *payload.segments;
    const uint64_t steps = trainer.steps_per_epoch();
    if (c.steps == 0 || c.count != (steps + c.steps - 1) / c.steps)
        return fail(Reject::SegmentCommitment, "the commitment has " + std::to_string(c.count) +
                                                   " segments of " + std::to_string(c.steps) +
                                                   " steps; the epoch has " + std::to_string(steps) +
                                                   " steps");
    CheckpointInfo info;
    try {
        info = Trainer::read_info(recorded);
        trainer.restore(previous);
    } catch (const CheckpointError& e) {
        return fail(Reject::SegmentCommitment, e.what());
    }
    const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    if (!same(payload.accuracy, info.metrics.test_accuracy) || !same(payload.loss, info.metrics.train_loss))
        return fail(Reject::SegmentCommitment, "the block's accuracy or loss is not the checkpoint's");
    ValidationState why;
    auto t = std::chrono::steady_clock::now();
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
            return fail(Reject::SegmentCommitment,
                        "the last state does not hold the recorded checkpoint's weights");
        const double rows = static_cast<double>(trainer.train_rows());
        if (!same(at.loss_sum / rows, info.metrics.train_loss))
            return fail(Reject::SegmentCommitment,
                        "the recorded train loss is not the committed states' loss");
        out.ends_ms = ms_since(t);
    }
    // The evaluation: its record adds up to the recorded metrics, and sampled chunks re-measure.
    {
        t = std::chrono::steady_clock::now();
        const auto o = open_checked(source, c, c.count + 1, true, why);
        if (!o) return fail(why.code, why.detail);
        const auto chunks = Trainer::read_evaluation_record(o->state);
        if (!chunks || chunks->size() != trainer.eval_chunks())
            return fail(Reject::SegmentCommitment,
                        "the last leaf is not an evaluation record of this test set");
        double loss_sum = 0;
        int64_t correct = 0;
        for (const auto& [l, k] : *chunks) {
            loss_sum += l;
            correct += k;
        }
        const double rows = static_cast<double>(trainer.test_rows());
        if (!same(loss_sum / rows, info.metrics.test_loss) ||
            !same(static_cast<double>(correct) / rows, info.metrics.test_accuracy))
            return fail(Reject::SegmentCommitment,
                        "the evaluation record does not add up to the recorded test metrics");
        try {
            trainer.restore(recorded);
        } catch (const CheckpointError& e) {
            return fail(Reject::SegmentCommitment, e.what());
        }
        runtime::Sha256Stream tagged;
        const std::string tag = "trainchain/test-chunks/v1";
        tagged.update({reinterpret_cast<const uint8_t*>(tag.data()), tag.size()});
        tagged.update(sample_seed);
        out.test_chunks =
            runtime::sample_indices(tagged.finish(), static_cast<uint32_t>(chunks->size()), test_chunks);
        for (const uint32_t k : out.test_chunks) {
            const auto [l, n] = trainer.evaluate_chunk(k);
            if (!same(l, (*chunks)[k].first) || n != (*chunks)[k].second)
                return fail(Reject::SegmentCommitment,
                            "test chunk " + std::to_string(k) +
                                " of the recorded weights does not measure what the "
                                "evaluation record says");
        }
        out.evaluate_ms = ms_since(t);
    }
    // The sampled segments.
    t = std::chrono::steady_clock::now();
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
                return fail(
                    Reject::SegmentCommitment,
                    "segment " + std::to_string(i) + " does not start at step " + std::to_string(first));
            reached = trainer.replay_segment(start->state, c.steps);
        } catch (const CheckpointError& e) {
            return fail(Reject::SegmentCommitment, "segment " + std::to_string(i) + ": " + e.what());
        }
        out.steps_replayed += last - first;
        if (runtime::sha256(reached) != end->leaf)
            return fail(Reject::SegmentReplay, "segment " + std::to_string(i) + " (steps " +
                                                   std::to_string(first) + ".." + std::to_string(last) +
                                                   ") does not replay to its committed end state");
    }
    out.segments_ms = ms_since(t);
    return out;
}

SegmentSource store_segments(const runtime::Store& store) {
    return [&store](const Hash& root, uint32_t index, bool with_state) {
        return runtime::open_segment(store, root, index, with_state);
    };
}

}  // namespace trainchain::training
