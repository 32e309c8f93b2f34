// tests/unit/training/training_segments_test.cpp - training states inside an epoch, for sampled
// replay: a segment replayed from its committed start state reaches the committed end state bit for
// bit (adam and sgd with momentum, mlp and cnn, and the nan, label-noise and lr-spike epochs); a
// whole epoch's states chain up; forged stretches change the states they touch; the state format
// refuses damaged bytes. And the replaying node's check: an honest epoch passes every draw, a forged
// segment is caught exactly when it is drawn, the Merkle proofs reject wrong start states, and the
// first and last states and the evaluation record are bound to the checkpoints.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/merkle.hpp"
#include "trainchain/runtime/sampling.hpp"
#include "trainchain/training/segments.hpp"
#include "trainchain/training/server.hpp"
#include "trainchain/training/trainer.hpp"
#include "training_digits.hpp"

namespace fs = std::filesystem;
using namespace trainchain::training;
using namespace trainchain::training::test;
using trainchain::runtime::sha256;

namespace {

EpochPlan plan_for(const TrainConfig& c, uint32_t epoch, std::optional<Injection::Kind> inject = {}) {
    EpochPlan p;
    p.epoch = epoch;
    p.lr = planned_lr(c, epoch, 0);
    p.seed = epoch_seed(c.seed, epoch, 0);
    p.inject = inject;
    return p;
}

/// The states an epoch hands out every `s` steps, by step.
std::map<uint64_t, Bytes> train_recording(Trainer& t, const EpochPlan& plan, uint32_t s,
                                          const Forgery* forgery = nullptr, EpochMetrics* metrics = nullptr) {
    std::map<uint64_t, Bytes> states;
    EpochRun run;
    run.segment_steps = s;
    run.on_state = [&](uint64_t step, Bytes state) { states.emplace(step, std::move(state)); };
    run.forgery = forgery;
    const EpochMetrics m = t.train_epoch(plan, run);
    if (metrics != nullptr) *metrics = m;
    return states;
}

}  // namespace

TEST_CASE("every segment of an epoch replays bit for bit from its start state") {
    if (!have_digits()) return;
    struct Case {
        const char* model;
        const char* optimizer;
        std::optional<Injection::Kind> inject;
        uint32_t epoch;
    };
    for (const Case& k : {Case{"mlp", "adam", {}, 1}, Case{"mlp", "adam", {}, 2}, Case{"mlp", "sgd", {}, 2},
                          Case{"cnn", "adam", {}, 2}, Case{"mlp", "adam", Injection::Kind::Nan, 2},
                          Case{"mlp", "adam", Injection::Kind::LabelNoise, 2},
                          Case{"mlp", "sgd", Injection::Kind::LrSpike, 2}}) {
        CAPTURE(k.model);
        CAPTURE(k.optimizer);
        CAPTURE(k.epoch);
        const TrainConfig c = small_config(k.model, k.optimizer);
        Trainer trainer(c, data_for(c)), replayer(c, data_for(c));
        if (k.epoch > 1) trainer.train_epoch(plan_for(c, 1));  // optimizer state exists mid-run
        const EpochPlan plan = plan_for(c, k.epoch, k.inject);
        const Bytes before = trainer.checkpoint({});
        CHECK(trainer.start_state(plan) == [&] {
            replayer.restore(before);
            return replayer.start_state(plan);
        }());
        EpochMetrics m;
        const auto states = train_recording(trainer, plan, 4, nullptr, &m);
        const uint64_t steps = trainer.steps_per_epoch();
        REQUIRE(steps == 13);
        REQUIRE(states.size() == 5);  // steps 0, 4, 8, 12, 13
        CHECK(states.rbegin()->first == steps);
        CHECK(states.begin()->second != trainer.start_state(plan));  // trained since
        // Each segment, replayed in another trainer, reaches the next committed state.
        for (auto it = states.begin(); std::next(it) != states.end(); ++it) {
            const Bytes end = replayer.replay_segment(it->second, 4);
            CHECK(sha256(end) == sha256(std::next(it)->second));
        }
        // The last state holds the checkpoint's weights and the epoch's loss sum.
        const Bytes& last = states.rbegin()->second;
        CHECK(Trainer::same_weights(last, trainer.checkpoint({plan, m, 1, ""})));
        const StatePosition at = Trainer::read_state_position(last);
        CHECK(at.step == steps);
        CHECK(at.plan.seed == plan.seed);
        CHECK(at.plan.inject == plan.inject);
        if (!k.inject) CHECK(at.loss_sum / 400.0 == m.train_loss);
    }
}

TEST_CASE("a replayed segment continues the epoch exactly as the uninterrupted epoch did") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    Trainer a(c, data_for(c)), b(c, data_for(c));
    const EpochPlan plan = plan_for(c, 1);
    const auto states = train_recording(a, plan, 5);  // 0, 5, 10, 13
    // Replaying 0..13 in one go, or in pieces of other lengths, lands on the same last state.
    const Bytes whole = b.replay_segment(b.start_state(plan), 13);
    CHECK(whole == states.at(13));
    Bytes piece = b.replay_segment(states.at(5), 3);  // to step 8
    piece = b.replay_segment(piece, 100);             // to the end, not beyond
    CHECK(piece == states.at(13));
    CHECK(Trainer::read_state_position(piece).step == 13);
}

TEST_CASE("a forged stretch changes the states after it and only those") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    const TrainConfig other = small_config("mlp", "adam", 99);
    Trainer donor(other, data_for(other));
    const EpochPlan plan = plan_for(c, 1);
    Bytes honest_before;
    std::map<uint64_t, Bytes> honest;
    {
        Trainer t(c, data_for(c));
        honest = train_recording(t, plan, 2);  // 0, 2, 4, ..., 12, 13
    }
    for (const Forgery::Kind kind : {Forgery::Kind::Skip, Forgery::Kind::Noise, Forgery::Kind::Copy}) {
        CAPTURE(static_cast<int>(kind));
        Forgery f;
        f.kind = kind;
        f.first = 5;
        f.steps = 2;  // steps 5 and 6: inside segment 2 (steps 4..6) and segment 3 (6..8)
        f.noise_seed = 3;
        if (kind == Forgery::Kind::Copy) f.donor = donor.replay_segment(donor.start_state(plan), 7);
        Trainer t(c, data_for(c)), replayer(c, data_for(c));
        const auto forged = train_recording(t, plan, 2, &f);
        REQUIRE(forged.size() == honest.size());
        CHECK(forged.at(0) == honest.at(0));
        CHECK(forged.at(2) == honest.at(2));
        CHECK(forged.at(4) == honest.at(4));
        CHECK(forged.at(6) != honest.at(6));
        // Honest replay from the forger's own committed states: the segments the stretch touches
        // do not replay, the others do.
        for (auto it = forged.begin(); std::next(it) != forged.end(); ++it) {
            const bool touched = it->first < f.first + f.steps && it->first + 2 > f.first;
            CAPTURE(it->first);
            CHECK((replayer.replay_segment(it->second, 2) == std::next(it)->second) == !touched);
        }
    }
}

TEST_CASE("damaged or foreign training states are refused with a reason") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    Trainer t(c, data_for(c));
    const EpochPlan plan = plan_for(c, 1);
    const Bytes good = t.start_state(plan);
    // Every truncation is refused, never read past the end.
    for (size_t n = 0; n < good.size(); n += 97)
        CHECK_THROWS_AS(t.replay_segment(std::span<const uint8_t>(good).first(n), 1), CheckpointError);
    Bytes bad = good;
    bad[0] = 'X';
    CHECK_THROWS_WITH_AS(t.replay_segment(bad, 1), doctest::Contains("bad magic"), CheckpointError);
    bad = good;
    bad.push_back(0);
    CHECK_THROWS_WITH_AS(t.replay_segment(bad, 1), doctest::Contains("unexpected bytes"), CheckpointError);
    // A checkpoint is not a training state.
    CHECK_THROWS_AS(t.replay_segment(t.checkpoint({}), 1), CheckpointError);
    // A state of another model does not fit.
    TrainConfig cnn = small_config("cnn");
    Trainer other(cnn, data_for(cnn));
    CHECK_THROWS_WITH_AS(t.replay_segment(other.start_state(plan), 1), doctest::Contains("the model (mlp"),
                         CheckpointError);
    // A step past the epoch's end.
    bad = good;
    bad[8 + 4 + 8 + 8 + 1 + 4] = 14;  // step (u64 little-endian) = 14 > 13
    CHECK_THROWS_WITH_AS(t.replay_segment(bad, 1), doctest::Contains("past the epoch"), CheckpointError);
}

// ---- the replaying node's check (check_epoch_segments) ------------------------------------------

namespace {

using trainchain::runtime::Hash;

/// An epoch committed in memory: its states (and evaluation record) by leaf, the payload, the
/// checkpoints before and after.
struct Committed {
    std::vector<Bytes> leaves_bytes;
    std::vector<Hash> leaves;
    trainchain::runtime::Payload payload;
    Bytes previous, recorded;

    /// What a replaying node fetches; `meddle` may change the answer on its way.
    SegmentSource source(
        std::function<void(uint32_t, trainchain::runtime::SegmentOpening&)> meddle = {}) const {
        return [this, meddle](const Hash& root, uint32_t index,
                              bool with_state) -> std::optional<trainchain::runtime::SegmentOpening> {
            if (root != payload.segments->root || index >= leaves.size()) return std::nullopt;
            trainchain::runtime::SegmentOpening o;
            o.leaf = leaves[index];
            o.proof = trainchain::runtime::merkle_proof(leaves, index);
            if (with_state) o.state = leaves_bytes[index];
            if (meddle) meddle(index, o);
            return o;
        };
    }
};

Committed commit_epoch(const TrainConfig& c, uint32_t s, const Forgery* forgery = nullptr) {
    Trainer t(c, data_for(c));
    t.train_epoch(plan_for(c, 1));
    Committed out;
    out.previous = t.checkpoint({});
    const EpochPlan plan = plan_for(c, 2);
    SegmentCommitter committer(s, [&](std::span<const uint8_t> st) {
        out.leaves_bytes.emplace_back(st.begin(), st.end());
        return sha256(st);
    });
    EpochRun run;
    run.segment_steps = s;
    run.on_state = committer.sink();
    run.forgery = forgery;
    const EpochMetrics m = t.train_epoch(plan, run);
    auto [commitment, leaves] = committer.finish(t.evaluation_record());
    out.leaves = leaves;
    out.recorded = t.checkpoint({plan, m, c.threads, config_digest(c)});
    out.payload.epoch = 2;
    out.payload.accuracy = m.test_accuracy;
    out.payload.loss = m.train_loss;
    out.payload.segments = commitment;
    return out;
}

Hash block_hash(uint32_t i) {
    return sha256(Bytes{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 42});
}

Hash seed_of(uint32_t i) {
    return trainchain::runtime::segment_sample_seed(block_hash(i), trainchain::runtime::Signature{});
}

}  // namespace

TEST_CASE("an honest epoch passes every replaying node's check, whatever the draw") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    const Committed e = commit_epoch(c, 4);
    REQUIRE(e.payload.segments->count == 4);
    REQUIRE(e.leaves.size() == 6);  // 5 states, the evaluation record
    Trainer checker(c, data_for(c));
    std::set<std::vector<uint32_t>> draws;
    for (uint32_t i = 0; i < 30; ++i) {
        const SegmentCheck r =
            check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(i), 2, e.source());
        INFO(r.state.detail);
        CHECK(r.state.ok());
        CHECK(r.sampled.size() == 2);
        CHECK(r.test_chunks.size() == 1);
        draws.insert(r.sampled);
        // Reproducible from the block: the same hash and signature draw the same segments.
        CHECK(check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(i), 2, e.source())
                  .sampled == r.sampled);
    }
    CHECK(draws.size() > 3);  // the draw differs block to block
}

TEST_CASE("a forged segment is caught exactly when it is sampled") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    for (const Forgery::Kind kind : {Forgery::Kind::Skip, Forgery::Kind::Noise}) {
        Forgery f;
        f.kind = kind;
        f.first = 5;  // in segment 1 (steps 4..8)
        f.steps = 1;
        f.noise_seed = 9;
        const Committed e = commit_epoch(c, 4, &f);
        Trainer checker(c, data_for(c));
        uint32_t caught = 0, passed = 0;
        for (uint32_t i = 0; i < 24; ++i) {
            const SegmentCheck r =
                check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(i), 1, e.source());
            REQUIRE(r.sampled.size() == 1);
            if (r.sampled[0] == 1) {
                ++caught;
                CHECK(r.state.token() == "bad-segment-replay");
                CHECK(r.state.detail ==
                      "epoch 2: segment 1 (steps 4..8) does not replay to its committed end state");
            } else {
                ++passed;
                CHECK(r.state.ok());
            }
        }
        CHECK(caught > 0);
        CHECK(passed > 0);
    }
}

TEST_CASE("the Merkle proofs reject a wrong start state, and the ends are bound to the checkpoints") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    const Committed e = commit_epoch(c, 4);
    Trainer checker(c, data_for(c));
    const uint32_t q = 4;  // every segment
    // Another segment's state (a valid state, with the right leaf and proof for index 2).
    auto r = check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(0), q,
                                  e.source([&](uint32_t i, auto& o) {
                                      if (i == 2 && !o.state.empty()) o.state = e.leaves_bytes[1];
                                  }));
    CHECK(r.state.token() == "bad-segment-proof");
    // One flipped bit in a state.
    r = check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(0), q,
                             e.source([&](uint32_t i, auto& o) {
                                 if (i == 3 && !o.state.empty()) o.state[o.state.size() / 2] ^= 1;
                             }));
    CHECK(r.state.token() == "bad-segment-proof");
    // A state with its own leaf, offered under another index: its proof does not lead to the root.
    r = check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(0), q,
                             e.source([&](uint32_t i, auto& o) {
                                 if (i == 2) {
                                     o.leaf = e.leaves[1];
                                     if (!o.state.empty()) o.state = e.leaves_bytes[1];
                                 }
                             }));
    CHECK(r.state.token() == "bad-segment-proof");
    // A sibling of the proof changed.
    r = check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(0), q,
                             e.source([&](uint32_t i, auto& o) {
                                 if (i == 1) o.proof.at(0)[0] ^= 1;
                             }));
    CHECK(r.state.token() == "bad-segment-proof");
    // A leaf the server cannot give.
    r = check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(0), q,
                             [&](const Hash&, uint32_t, bool) { return std::nullopt; });
    CHECK(r.state.token() == "segment-missing");
    // Another epoch's previous state: the first state is not the one committed.
    Trainer other(c, data_for(c));
    r = check_epoch_segments(checker, other.checkpoint({}), e.recorded, e.payload, seed_of(0), q, e.source());
    CHECK(r.state.token() == "bad-segment-commitment");
    CHECK(r.state.detail.find("first state") != std::string::npos);
    // A checkpoint whose weights are not the last state's (altered after training).
    {
        Trainer t(c, data_for(c));
        const auto info = t.restore(e.recorded);
        t.corrupt_weights(false);
        r = check_epoch_segments(checker, e.previous, t.checkpoint(info), e.payload, seed_of(0), q,
                                 e.source());
        CHECK(r.state.token() == "bad-segment-commitment");
        CHECK(r.state.detail.find("last state") != std::string::npos);
    }
    // A block claiming another accuracy than its checkpoint's.
    {
        auto p = e.payload;
        p.accuracy += 0.01;
        r = check_epoch_segments(checker, e.previous, e.recorded, p, seed_of(0), q, e.source());
        CHECK(r.state.token() == "bad-segment-commitment");
    }
    // A commitment of another segment count than the epoch makes at its s.
    {
        auto p = e.payload;
        p.segments->count = 3;
        r = check_epoch_segments(checker, e.previous, e.recorded, p, seed_of(0), q, e.source());
        CHECK(r.state.token() == "bad-segment-commitment");
    }
}

TEST_CASE("an evaluation record is bound to the recorded metrics and re-measured where drawn") {
    if (!have_digits()) return;
    // 300 test rows at 1024 a chunk is one chunk: use a larger test set for several.
    TrainConfig c = small_config();
    c.data.test_limit = 0;  // all of the split's test rows (360): still one chunk
    Committed e = commit_epoch(c, 4);
    Trainer checker(c, data_for(c));
    REQUIRE(checker.eval_chunks() == 1);
    // The record adds up (the forger adjusted the totals too) but chunk 0 does not re-measure: the
    // recorded metrics come from the record, so they are forged as well.
    auto chunks = *Trainer::read_evaluation_record(e.leaves_bytes.back());
    chunks[0].second += 1;  // one more correct answer than the weights give
    Bytes forged = e.leaves_bytes.back();
    for (int i = 0; i < 8; ++i)
        forged[forged.size() - 8 + static_cast<size_t>(i)] =
            static_cast<uint8_t>(static_cast<uint64_t>(chunks[0].second) >> (8 * i));
    e.leaves_bytes.back() = forged;
    e.leaves.back() = sha256(forged);
    e.payload.segments->root = trainchain::runtime::merkle_root(e.leaves);
    auto r = check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(0), 1, e.source());
    CHECK(r.state.token() == "bad-segment-commitment");  // the totals no longer match the checkpoint's
    CHECK(r.state.detail.find("does not add up") != std::string::npos);
    // A forger who also records the inflated accuracy in the checkpoint and the block: the drawn
    // chunk, re-measured on the recorded weights, gives the true count.
    Trainer t(c, data_for(c));
    CheckpointInfo info = t.restore(e.recorded);
    info.metrics.test_accuracy = static_cast<double>(chunks[0].second) / static_cast<double>(t.test_rows());
    e.recorded = t.checkpoint(info);
    e.payload.accuracy = info.metrics.test_accuracy;
    r = check_epoch_segments(checker, e.previous, e.recorded, e.payload, seed_of(0), 1, e.source());
    CHECK(r.state.token() == "bad-segment-commitment");
    CHECK(r.state.detail.find("test chunk 0") != std::string::npos);
}
