// tests/unit/training/training_recovery_policy_test.cpp - the recovery policy (detect, count against
// the rollback limit, roll back) on hand-made chains, and the rollback note it writes: JSON with
// its kind as a field, older text notes still read as before.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "trainchain/runtime/epoch_note.hpp"
#include "trainchain/training/recovery_policy.hpp"

using namespace trainchain;
using namespace trainchain::training;
using runtime::Block;
using runtime::BlockKind;
using runtime::RollbackKind;

namespace {

/// A chain under construction: genesis, then epoch and rollback blocks.
struct Blocks {
    std::vector<Block> blocks;

    Blocks() {
        blocks.resize(1);
        blocks[0].payload.kind = BlockKind::Genesis;
    }

    uint64_t epoch(uint64_t number, double accuracy, double test_loss, double loss = 0.5) {
        Block b;
        b.header.height = blocks.size();
        b.payload.kind = BlockKind::Epoch;
        b.payload.epoch = number;
        b.payload.accuracy = accuracy;
        b.payload.loss = loss;
        runtime::EpochNote n;
        n.test_loss = test_loss;
        b.payload.note = runtime::write_epoch_note(n);
        blocks.push_back(b);
        return b.header.height;
    }
    void rollback(uint64_t target, std::string note) {
        Block b;
        b.header.height = blocks.size();
        b.payload.kind = BlockKind::Rollback;
        b.payload.target_height = target;
        b.payload.epoch = blocks[target].payload.epoch;
        b.payload.note = std::move(note);
        blocks.push_back(b);
    }
};

const DetectionConfig rules{};

}  // namespace

TEST_CASE("recovery: no rule fires, the run continues") {
    Blocks c;
    c.epoch(1, 0.5, 1.0);
    const uint64_t h = c.epoch(2, 0.6, 0.9);
    const auto d = decide_recovery(rules, {}, c.blocks, h);
    CHECK(d.action == RecoveryAction::Continue);
    CHECK_FALSE(d.detection);
    CHECK(d.epoch == 2);
    CHECK(d.failing == h);
    // Not an epoch block (genesis, or past the end): nothing to judge.
    CHECK(decide_recovery(rules, {}, c.blocks, 0).action == RecoveryAction::Continue);
    CHECK(decide_recovery(rules, {}, c.blocks, 99).action == RecoveryAction::Continue);
}

TEST_CASE("recovery: a rule fires, the policy rolls back with a detected note") {
    Blocks c;
    c.epoch(1, 0.5, 1.0);
    const uint64_t h = c.epoch(2, 0.6, NAN);
    const auto d = decide_recovery(rules, {}, c.blocks, h);
    REQUIRE(d.action == RecoveryAction::RollBack);
    REQUIRE(d.detection);
    CHECK(d.detection->rule == "non_finite_loss");
    CHECK(d.detection->message == "loss is not finite (train 0.500000, test nan)");
    CHECK(d.failing == h);
    CHECK(d.rollbacks == 0);
    CHECK(d.max_rollbacks == 3);
    CHECK(d.note.kind == RollbackKind::Detected);
    CHECK(d.note.epoch == 2u);
    CHECK(d.note.rule == "non_finite_loss");
    CHECK(d.note.reason == "epoch 2: loss is not finite (train 0.500000, test nan)");

    // The note the rollback block carries: JSON with the kind as a field, read back equal.
    const std::string text = runtime::write_rollback_note(d.note);
    CHECK(
        text ==
        R"x({"epoch":2,"kind":"detected","reason":"epoch 2: loss is not finite (train 0.500000, test nan)",)x"
        R"x("rule":"non_finite_loss"})x");
    const auto back = runtime::parse_rollback_note(text);
    CHECK(back.json);
    CHECK(back.kind == RollbackKind::Detected);
    CHECK(back.epoch == 2u);
    CHECK(back.rule == "non_finite_loss");
    CHECK(back.reason == d.note.reason);
}

TEST_CASE("recovery: each rule is named by its setting") {
    Blocks c;
    c.epoch(1, 0.9, 1.0);
    const uint64_t drop = c.epoch(2, 0.5, 0.9);
    CHECK(decide_recovery(rules, {}, c.blocks, drop).detection->rule == "accuracy_drop");

    Blocks o;
    o.epoch(1, 0.5, 1.0);
    o.epoch(2, 0.5, 1.1);
    o.epoch(3, 0.5, 1.2);
    const uint64_t h = o.epoch(4, 0.5, 1.3);
    const auto d = decide_recovery(rules, {}, o.blocks, h);
    CHECK(d.detection->rule == "overtraining");
    CHECK(d.note.reason == "epoch 4: test loss rose in each of the last 3 epoch(s) (over-training)");
    DetectionConfig off;
    off.overtraining = false;
    CHECK(decide_recovery(off, {}, o.blocks, h).action == RecoveryAction::Continue);
}

TEST_CASE("recovery: auto_rollback off, then the limit, then no earlier state, in that order") {
    Blocks c;
    const uint64_t first = c.epoch(1, 0.5, NAN);
    // The first epoch failing has nothing before it.
    CHECK(decide_recovery(rules, {}, c.blocks, first).action == RecoveryAction::NoEarlierState);
    RecoveryPolicy off;
    off.auto_rollback = false;
    CHECK(decide_recovery(rules, off, c.blocks, first).action == RecoveryAction::Disabled);
    RecoveryPolicy none;
    none.max_rollbacks = 0;
    const auto d = decide_recovery(rules, none, c.blocks, first);
    CHECK(d.action == RecoveryAction::LimitReached);
    CHECK(d.rollbacks == 0);
    CHECK(d.max_rollbacks == 0);
    CHECK(d.detection->rule == "non_finite_loss");
}

TEST_CASE("recovery: the limit counts detected rollbacks from the note's kind field") {
    Blocks c;
    const uint64_t one = c.epoch(1, 0.5, 1.0);
    const uint64_t two = c.epoch(2, 0.6, NAN);
    c.rollback(one, runtime::write_rollback_note(runtime::detected_rollback(2, "non_finite_loss", "x")));
    c.rollback(one, runtime::write_rollback_note(runtime::requested_rollback("requested: by hand")));
    // A requested rollback whose reason reads like a detector's is still requested: the field decides.
    c.rollback(one, runtime::write_rollback_note(runtime::requested_rollback("detected at epoch 2: no")));
    const uint64_t again = c.epoch(2, 0.6, NAN);
    (void)two;

    RecoveryPolicy policy;
    policy.max_rollbacks = 2;
    CHECK(counted_rollbacks(policy, c.blocks) == 1);
    auto d = decide_recovery(rules, policy, c.blocks, again);
    CHECK(d.action == RecoveryAction::RollBack);
    CHECK(d.rollbacks == 1);
    // train counts every rollback (count_requested).
    policy.count_requested = true;
    CHECK(counted_rollbacks(policy, c.blocks) == 3);
    d = decide_recovery(rules, policy, c.blocks, again);
    CHECK(d.action == RecoveryAction::LimitReached);
    CHECK(d.rollbacks == 3);
}

TEST_CASE("recovery: older chains' text notes are read as before") {
    // The API's detector wrote "detected at epoch E: ", train "epoch E: "; both were automatic.
    const auto api =
        runtime::parse_rollback_note("detected at epoch 7: loss is not finite (train nan, test 1)");
    CHECK_FALSE(api.json);
    CHECK(api.kind == RollbackKind::Detected);
    CHECK(api.epoch == 7u);
    CHECK(api.reason == "detected at epoch 7: loss is not finite (train nan, test 1)");
    const auto train =
        runtime::parse_rollback_note("epoch 12: accuracy 0.1 fell more than 0.1 below the best 0.9");
    CHECK(train.kind == RollbackKind::Detected);
    CHECK(train.epoch == 12u);
    // Anything else was asked for: the API's "requested: ", the CLI's --reason, no text at all.
    for (const char* text : {"requested: try again", "requested from the command line", "epoch 3 looked bad",
                             "epoch x: no number", "", "{not json", R"({"test_loss":1})"}) {
        CAPTURE(text);
        const auto n = runtime::parse_rollback_note(text);
        CHECK(n.kind == RollbackKind::Requested);
        CHECK_FALSE(n.epoch);
        CHECK(n.reason == text);
    }

    Blocks c;
    const uint64_t one = c.epoch(1, 0.5, 1.0);
    c.epoch(2, 0.6, NAN);
    c.rollback(one, "detected at epoch 2: loss is not finite (train 0.5, test nan)");
    c.rollback(one, "requested: by hand");
    c.rollback(one, "epoch 2: loss is not finite (train 0.5, test nan)");
    CHECK(counted_rollbacks({}, c.blocks) == 2);
}

TEST_CASE("recovery: a requested note and contract-safe reasons") {
    const auto n = runtime::requested_rollback("requested: try \"again\"\\\n");
    CHECK(n.kind == RollbackKind::Requested);
    CHECK(n.reason == "requested: try ?again???");
    CHECK(runtime::write_rollback_note(n) == R"({"kind":"requested","reason":"requested: try ?again???"})");
    CHECK(runtime::contract_text(std::string(300, 'a')).size() == 200);
    const auto back = runtime::parse_rollback_note(runtime::write_rollback_note(n));
    CHECK(back.json);
    CHECK(back.kind == RollbackKind::Requested);
    CHECK(back.reason == n.reason);
    CHECK(back.rule.empty());
}

TEST_CASE("epoch note: the writer's JSON reads back, keys in the order the chain always had") {
    runtime::EpochNote n;
    n.test_loss = 0.41;
    n.lr = 0.001;
    n.rollbacks = 1;
    n.inject = "nan@3";
    CHECK(runtime::write_epoch_note(n) == R"({"inject":"nan@3","lr":0.001,"rollbacks":1,"test_loss":0.41})");
    const auto back = runtime::parse_epoch_note(runtime::write_epoch_note(n));
    CHECK(back.test_loss == 0.41);
    CHECK(back.lr == 0.001);
    CHECK(back.rollbacks == 1);
    CHECK(back.inject == "nan@3");
    runtime::EpochNote api;
    api.test_loss = -INFINITY;
    api.source = "api";
    CHECK(runtime::write_epoch_note(api) == R"({"source":"api","test_loss":"-inf"})");
    CHECK(runtime::parse_epoch_note(runtime::write_epoch_note(api)).source == "api");
    api.test_loss = NAN;
    CHECK(std::isnan(*runtime::parse_epoch_note(runtime::write_epoch_note(api)).test_loss));
}
