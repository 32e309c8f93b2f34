// tests/unit/training/training_trainer_test.cpp - the Deep Learning Tool on sklearn's digits: deterministic
// training, exact resume from a checkpoint (adam and sgd with momentum, mlp and cnn), the restore
// round trip, damaged and mismatched checkpoints, the learning-rate plan and epoch seeds, and the
// fault injections.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "trainchain/training/server.hpp"
#include "trainchain/training/trainer.hpp"
#include "training_digits.hpp"

namespace fs = std::filesystem;
using namespace trainchain::training;
using namespace trainchain::training::test;

namespace {

/// The plan the server would make for `epoch` after `rollbacks` rollbacks.
EpochPlan plan_for(const TrainConfig& c, uint32_t epoch, uint32_t rollbacks = 0,
                   std::optional<Injection::Kind> inject = std::nullopt) {
    EpochPlan p;
    p.epoch = epoch;
    p.rollbacks = rollbacks;
    p.lr = planned_lr(c, epoch, rollbacks);
    p.seed = epoch_seed(c.seed, epoch, rollbacks);
    p.inject = inject;
    return p;
}

CheckpointInfo info_for(const TrainConfig& c, const EpochPlan& plan, const EpochMetrics& m) {
    return {plan, m, c.threads, config_digest(c)};
}

/// Trains epochs [first, last] on `t`; returns the checkpoint after each.
std::vector<Bytes> train_epochs(Trainer& t, const TrainConfig& c, uint32_t first, uint32_t last) {
    std::vector<Bytes> out;
    for (uint32_t e = first; e <= last; ++e) {
        const EpochPlan plan = plan_for(c, e);
        const EpochMetrics m = t.train_epoch(plan);
        out.push_back(t.checkpoint(info_for(c, plan, m)));
    }
    return out;
}

uint64_t le(const Bytes& b, size_t at, size_t width) {
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= uint64_t{b.at(at + i)} << (8 * i);
    return v;
}

/// The checkpoint with its optimizer state removed (every parameter's "present" flag 0), read
/// with the layout documented in trainer.cpp: what a restore that kept only the weights would see.
Bytes without_optimizer_state(const Bytes& ckpt) {
    size_t pos = 8;
    pos += 4 + le(ckpt, pos, 4);
    const uint64_t count = le(ckpt, pos, 4);
    pos += 4;
    for (uint64_t i = 0; i < count; ++i) {
        pos += 2 + le(ckpt, pos, 2);
        pos += 8 + 4 * le(ckpt, pos, 8);
    }
    Bytes out(ckpt.begin(), ckpt.begin() + static_cast<std::ptrdiff_t>(pos + 1));  // + optimizer kind
    out.resize(out.size() + count, 0);
    return out;
}

/// Expects `f` to throw CheckpointError whose message starts with "checkpoint: error:"; any other
/// exception fails the check.
template <class F>
void check_checkpoint_error(F&& f, const std::string& context, const std::string& needle = "") {
    INFO(context);
    std::string message;
    bool thrown = false;
    try {
        f();
    } catch (const CheckpointError& e) {
        thrown = true;
        message = e.what();
    }
    INFO("message: " << message);
    REQUIRE(thrown);
    CHECK(message.rfind("checkpoint: error:", 0) == 0);
    if (!needle.empty()) CHECK(message.find(needle) != std::string::npos);
}

}  // namespace

TEST_CASE("trainer: two trainers from one configuration train to identical checkpoints") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    const auto data = data_for(c);
    Trainer a(c, data), b(c, data);
    CHECK(a.describe() == "mlp 64-128-64-10");
    CHECK(a.parameter_count() == 64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
    CHECK(a.checkpoint({}) == b.checkpoint({}));
    for (uint32_t e = 1; e <= 3; ++e) {
        INFO("epoch " << e);
        const EpochPlan plan = plan_for(c, e);
        size_t calls = 0, last_done = 0, last_total = 0;
        const EpochMetrics ma = a.train_epoch(plan, [&](size_t done, size_t total) {
            ++calls;
            CHECK(done == last_done + 1);
            last_done = done;
            last_total = total;
        });
        const EpochMetrics mb = b.train_epoch(plan);
        CHECK(calls == (400 + 31) / 32);
        CHECK(last_done == last_total);
        CHECK(ma.train_loss == mb.train_loss);
        CHECK(ma.test_loss == mb.test_loss);
        CHECK(ma.test_accuracy == mb.test_accuracy);
        CHECK(std::isfinite(ma.train_loss));
        CHECK(a.checkpoint(info_for(c, plan, ma)) == b.checkpoint(info_for(c, plan, mb)));
    }
    // Training learns something on digits in three epochs.
    CHECK(a.evaluate().test_accuracy > 0.5);

    // Another run seed: other initial weights and so other bytes after every epoch.
    const TrainConfig other = small_config("mlp", "adam", 8);
    Trainer o(other, data);
    Trainer same(c, data);
    CHECK(o.checkpoint({}) != same.checkpoint({}));
    const auto os = train_epochs(o, other, 1, 3);
    const auto ss = train_epochs(same, c, 1, 3);
    for (size_t i = 0; i < 3; ++i) {
        INFO("epoch " << i + 1);
        CHECK(os[i] != ss[i]);
    }
}

TEST_CASE("trainer: resuming from a checkpoint in a new trainer continues exactly") {
    if (!have_digits()) return;
    const std::pair<const char*, const char*> setups[] = {{"mlp", "adam"}, {"mlp", "sgd"}, {"cnn", "adam"}};
    for (const auto& [model, optimizer] : setups) {
        CAPTURE(model);
        CAPTURE(optimizer);
        const TrainConfig c = small_config(model, optimizer);
        const auto data = data_for(c);
        std::vector<Bytes> straight;
        {
            Trainer t(c, data);
            if (std::string(model) == "cnn") CHECK(t.describe() == "cnn 1x8x8 conv8 conv16-128-64-10");
            straight = train_epochs(t, c, 1, 3);
        }
        Bytes after_two;
        {
            Trainer t(c, data);
            const auto two = train_epochs(t, c, 1, 2);
            CHECK(two[0] == straight[0]);
            CHECK(two[1] == straight[1]);
            after_two = two[1];
        }
        Trainer resumed(c, data);
        const CheckpointInfo info = resumed.restore(after_two);
        CHECK(info.plan.epoch == 2);
        const auto third = train_epochs(resumed, c, 3, 3);
        CHECK(third[0] == straight[2]);

        // The optimizer state matters: the weights alone do not continue exactly, so the
        // comparison above would catch a restore that dropped it.
        Trainer weights_only(c, data);
        weights_only.restore(without_optimizer_state(after_two));
        CHECK(train_epochs(weights_only, c, 3, 3)[0] != straight[2]);
    }
}

TEST_CASE("trainer: a restored checkpoint gives the same bytes and the recorded metrics") {
    if (!have_digits()) return;
    for (const char* optimizer : {"adam", "sgd"}) {
        CAPTURE(optimizer);
        const TrainConfig c = small_config("mlp", optimizer);
        const auto data = data_for(c);
        Trainer t(c, data);
        EpochMetrics m;
        EpochPlan plan;
        for (uint32_t e = 1; e <= 2; ++e) m = t.train_epoch(plan = plan_for(c, e));
        const CheckpointInfo written = info_for(c, plan, m);
        const Bytes ckpt = t.checkpoint(written);

        Trainer fresh(c, data);
        CHECK(fresh.checkpoint(written) != ckpt);
        const CheckpointInfo info = fresh.restore(ckpt);
        CHECK(fresh.checkpoint(info) == ckpt);
        CHECK(fresh.checkpoint(written) == ckpt);
        const EpochMetrics again = fresh.evaluate();
        CHECK(again.test_accuracy == m.test_accuracy);
        CHECK(again.test_loss == m.test_loss);
        CHECK(info.metrics.test_accuracy == m.test_accuracy);

        // The info reads back field by field, with and without restoring.
        for (const CheckpointInfo& got : {info, Trainer::read_info(ckpt)}) {
            CHECK(got.plan.epoch == 2);
            CHECK(got.plan.lr == plan.lr);
            CHECK(got.plan.seed == plan.seed);
            CHECK(!got.plan.inject.has_value());
            CHECK(got.plan.rollbacks == 0);
            CHECK(got.metrics.train_loss == m.train_loss);
            CHECK(got.metrics.test_loss == m.test_loss);
            CHECK(got.metrics.test_accuracy == m.test_accuracy);
            CHECK(got.threads == 1);
            CHECK(got.config_digest == config_digest(c));
        }

        // Restoring over a trainer that has moved on also gives the state back exactly.
        t.train_epoch(plan_for(c, 3));
        CHECK(t.checkpoint(written) != ckpt);
        t.restore(ckpt);
        CHECK(t.checkpoint(written) == ckpt);

        // An untrained trainer's checkpoint (no optimizer state yet) round-trips too.
        const Bytes initial = Trainer(c, data).checkpoint({});
        fresh.restore(initial);
        CHECK(fresh.checkpoint({}) == initial);
    }
}

TEST_CASE("trainer: damaged and mismatched checkpoints are CheckpointErrors, never crashes") {
    if (!have_digits()) return;
    // A small model keeps every prefix cheap to try.
    TrainConfig c = small_config();
    c.model.hidden = {6};
    const auto data = data_for(c);
    Trainer t(c, data);
    const EpochPlan plan = plan_for(c, 1);
    const EpochMetrics m = t.train_epoch(plan);
    const Bytes ckpt = t.checkpoint(info_for(c, plan, m));
    REQUIRE(ckpt.size() > 1000);

    const size_t info_end = 12 + le(ckpt, 8, 4);

    Trainer victim(c, data);
    SUBCASE("every truncation") {
        for (size_t n = 0; n < ckpt.size(); ++n) {
            const std::span<const uint8_t> prefix(ckpt.data(), n);
            check_checkpoint_error([&] { victim.restore(prefix); },
                                   "prefix of " + std::to_string(n) + " bytes", n < 8 ? "truncated" : "");
            if (n < info_end)
                check_checkpoint_error([&] { Trainer::read_info(prefix); }, "read_info prefix");
            else
                CHECK(Trainer::read_info(prefix).plan.seed == plan.seed);
        }
        // After all that, the real checkpoint still restores to exactly its state.
        victim.restore(ckpt);
        CHECK(victim.checkpoint(Trainer::read_info(ckpt)) == ckpt);
    }
    SUBCASE("truncations of a full-size model's checkpoint") {
        const TrainConfig big = small_config();
        Trainer bt(big, data);
        const EpochPlan p = plan_for(big, 1);
        const EpochMetrics bm = bt.train_epoch(p);
        const Bytes full = bt.checkpoint(info_for(big, p, bm));
        Trainer bv(big, data);
        for (size_t n = 0; n < full.size(); n += n < 512 ? 1 : 997)
            check_checkpoint_error([&] { bv.restore(std::span(full.data(), n)); },
                                   "prefix of " + std::to_string(n) + " bytes");
        for (size_t n = full.size() - 64; n < full.size(); ++n)
            check_checkpoint_error([&] { bv.restore(std::span(full.data(), n)); },
                                   "prefix of " + std::to_string(n) + " bytes");
        bv.restore(full);
        CHECK(bv.checkpoint(Trainer::read_info(full)) == full);
    }
    SUBCASE("bad magic, bad info, trailing bytes") {
        Bytes bad = ckpt;
        bad[0] ^= 0x20;
        check_checkpoint_error([&] { victim.restore(bad); }, "bad magic", "magic");
        check_checkpoint_error([&] { Trainer::read_info(bad); }, "bad magic (read_info)", "magic");
        bad = ckpt;
        bad[7] = '2';  // "TCCKPT02"
        check_checkpoint_error([&] { victim.restore(bad); }, "other version", "magic");

        // The info length pointing far beyond the end.
        bad = ckpt;
        bad[8] = bad[9] = bad[10] = bad[11] = 0xff;
        check_checkpoint_error([&] { victim.restore(bad); }, "huge info length", "truncated");

        // The info JSON damaged: its first byte, a key, a value of the wrong type.
        const auto n = static_cast<size_t>(le(ckpt, 8, 4));
        const std::string json(ckpt.begin() + 12, ckpt.begin() + 12 + n);
        const auto with_json = [&](const std::string& text) {
            Bytes b(ckpt.begin(), ckpt.begin() + 8);
            for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(text.size() >> (8 * i)));
            b.insert(b.end(), text.begin(), text.end());
            b.insert(b.end(), ckpt.begin() + 12 + n, ckpt.end());
            return b;
        };
        CHECK_NOTHROW(victim.restore(with_json(json)));
        check_checkpoint_error([&] { victim.restore(with_json("[" + json.substr(1))); }, "not an object",
                               "bad info");
        check_checkpoint_error([&] { victim.restore(with_json("{" + json)); }, "not JSON", "bad info");
        std::string renamed = json;
        renamed.replace(renamed.find("\"epoch\""), 7, "\"epoxh\"");
        check_checkpoint_error([&] { victim.restore(with_json(renamed)); }, "missing key", "bad info");
        std::string wrong_type = json;
        wrong_type.replace(wrong_type.find("\"lr\":"), 5, "\"lr\":\"fast\",\"_\":");
        check_checkpoint_error([&] { victim.restore(with_json(wrong_type)); }, "lr a string", "bad info");
        std::string bad_inject = json;
        bad_inject.replace(bad_inject.find("\"inject\":\"\""), 11, "\"inject\":\"bogus\"");
        check_checkpoint_error([&] { victim.restore(with_json(bad_inject)); }, "unknown injection",
                               "bad info");
        std::string bad_loss = json;
        bad_loss.replace(bad_loss.find("\"train_loss\":"), 13, "\"train_loss\":\"x\",\"_\":");
        check_checkpoint_error([&] { victim.restore(with_json(bad_loss)); }, "loss not a number", "bad info");

        Bytes longer = ckpt;
        longer.push_back(0);
        check_checkpoint_error([&] { victim.restore(longer); }, "a byte too many", "unexpected bytes");

        // Every single byte of the header and metadata altered: an error or a valid state, never
        // another exception (the weights after the first name are plain floats and always load).
        for (size_t i = 0; i < 12 + n + 40 && i < ckpt.size(); ++i) {
            for (const uint8_t x : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
                Bytes b = ckpt;
                b[i] ^= x;
                try {
                    victim.restore(b);
                } catch (const CheckpointError& e) {
                    INFO("byte " << i << " ^ " << int{x} << ": " << e.what());
                    CHECK(std::string(e.what()).rfind("checkpoint: error:", 0) == 0);
                }
            }
        }
        victim.restore(ckpt);
        CHECK(victim.checkpoint(Trainer::read_info(ckpt)) == ckpt);
    }
    SUBCASE("a checkpoint of another model or optimizer") {
        TrainConfig wider = c;
        wider.model.hidden = {7};
        Trainer w(wider, data);
        check_checkpoint_error([&] { w.restore(ckpt); }, "hidden 6 into hidden 7",
                               "does not match the model");
        TrainConfig deeper = c;
        deeper.model.hidden = {6, 6};
        Trainer d(deeper, data);
        check_checkpoint_error([&] { d.restore(ckpt); }, "one hidden layer into two", "parameter count");
        TrainConfig cnn = small_config("cnn");
        Trainer cn(cnn, data);
        check_checkpoint_error([&] { cn.restore(ckpt); }, "mlp into cnn");

        TrainConfig sgd = c;
        sgd.optimizer.kind = "sgd";
        Trainer s(sgd, data);
        check_checkpoint_error([&] { s.restore(ckpt); }, "adam into sgd", "optimizer kind");
        check_checkpoint_error([&] { s.restore(t.checkpoint({})); }, "untrained adam into sgd",
                               "optimizer kind");
        const EpochPlan sp = plan_for(sgd, 1);
        const EpochMetrics sm = s.train_epoch(sp);
        const Bytes sgd_ckpt = s.checkpoint(info_for(sgd, sp, sm));
        check_checkpoint_error([&] { victim.restore(sgd_ckpt); }, "sgd into adam", "optimizer kind");
        // The failed restores leave trainers that still restore their own kind exactly.
        s.restore(sgd_ckpt);
        CHECK(s.checkpoint(Trainer::read_info(sgd_ckpt)) == sgd_ckpt);
        CHECK_NOTHROW(w.restore(w.checkpoint({})));
    }
}

TEST_CASE("planned_lr: the schedule and the rollback factor, exactly") {
    TrainConfig c;
    c.optimizer.lr = 0.001;
    c.optimizer.schedule = "constant";
    c.optimizer.step_epochs = 1;  // ignored by the constant schedule
    c.optimizer.gamma = 0.25;
    c.recovery.lr_factor = 0.5;
    for (uint32_t e : {1U, 2U, 10U, 1000U}) {
        CAPTURE(e);
        CHECK(planned_lr(c, e, 0) == 0.001);
        CHECK(planned_lr(c, e, 1) == 0.0005);
        CHECK(planned_lr(c, e, 3) == 0.001 * 0.125);
    }

    c.optimizer.schedule = "step";
    c.optimizer.step_epochs = 3;
    c.optimizer.gamma = 0.25;
    const double expected[] = {0.001, 0.001, 0.001, 0.00025, 0.00025, 0.00025, 0.001 / 16, 0.001 / 16};
    for (uint32_t e = 1; e <= 8; ++e) {
        CAPTURE(e);
        CHECK(planned_lr(c, e, 0) == expected[e - 1]);
        CHECK(planned_lr(c, e, 2) == expected[e - 1] * 0.25);
    }
    c.optimizer.step_epochs = 1;
    CHECK(planned_lr(c, 1, 0) == 0.001);
    CHECK(planned_lr(c, 2, 0) == 0.00025);
    CHECK(planned_lr(c, 4, 1) == 0.001 / 64 / 2);

    // Factors that are not powers of two: the same values to rounding.
    c.optimizer.lr = 0.1;
    c.optimizer.step_epochs = 2;
    c.optimizer.gamma = 0.3;
    c.recovery.lr_factor = 0.7;
    CHECK(planned_lr(c, 5, 2) == doctest::Approx(0.1 * 0.09 * 0.49).epsilon(1e-12));
    c.recovery.lr_factor = 1.0;
    CHECK(planned_lr(c, 2, 5) == 0.1);
}

TEST_CASE("epoch_seed: differs by epoch, by rollbacks and by run seed; same inputs, same seed") {
    std::set<uint64_t> seen;
    for (uint32_t e = 1; e <= 200; ++e)
        for (uint32_t r = 0; r <= 5; ++r) CHECK(seen.insert(epoch_seed(1, e, r)).second);
    CHECK(seen.size() == 200 * 6);
    for (uint32_t e = 1; e <= 200; ++e) CHECK(seen.count(epoch_seed(2, e, 0)) == 0);
    CHECK(epoch_seed(1, 3, 1) == epoch_seed(1, 3, 1));
    CHECK(epoch_seed(0, 1, 0) != epoch_seed(0, 2, 0));
    CHECK(epoch_seed(0, 1, 0) != epoch_seed(0, 1, 1));
    // The epoch and the rollback count are not interchangeable.
    CHECK(epoch_seed(5, 1, 2) != epoch_seed(5, 2, 1));

    // A different seed changes the batch order and so the result of the epoch.
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    const auto data = data_for(c);
    Trainer a(c, data), b(c, data);
    EpochPlan pa = plan_for(c, 1), pb = plan_for(c, 1, 1);
    pb.lr = pa.lr;
    pb.rollbacks = 0;
    a.train_epoch(pa);
    b.train_epoch(pb);
    CHECK(a.checkpoint({}) != b.checkpoint({}));
}

TEST_CASE("injections: nan, lr-spike and label-noise spoil the epoch they are injected in") {
    if (!have_digits()) return;
    const TrainConfig c = small_config();
    const auto data = data_for(c);
    Trainer t(c, data);
    const auto before = train_epochs(t, c, 1, 3);
    const Bytes& state = before.back();

    const EpochPlan clean_plan = plan_for(c, 4);
    t.restore(state);
    const EpochMetrics clean = t.train_epoch(clean_plan);
    const Bytes clean_ckpt = t.checkpoint(info_for(c, clean_plan, clean));
    REQUIRE(std::isfinite(clean.train_loss));
    REQUIRE(clean.test_accuracy > 0.6);
    INFO("clean accuracy " << clean.test_accuracy);

    SUBCASE("nan") {
        t.restore(state);
        const EpochPlan plan = plan_for(c, 4, 0, Injection::Kind::Nan);
        const EpochMetrics m = t.train_epoch(plan);
        CHECK(std::isnan(m.train_loss));
        CHECK(!std::isfinite(m.test_loss));
        // The NaN state checkpoints, reads back as NaN, and replays to the same bytes.
        const Bytes ckpt = t.checkpoint(info_for(c, plan, m));
        const CheckpointInfo info = Trainer::read_info(ckpt);
        CHECK(std::isnan(info.metrics.train_loss));
        CHECK(info.plan.inject == Injection::Kind::Nan);
        Trainer r(c, data);
        r.restore(state);
        const EpochMetrics again = r.train_epoch(info.plan);
        CHECK(r.checkpoint(info_for(c, info.plan, again)) == ckpt);
    }
    SUBCASE("lr-spike") {
        t.restore(state);
        const EpochPlan plan = plan_for(c, 4, 0, Injection::Kind::LrSpike);
        const EpochMetrics m = t.train_epoch(plan);
        INFO("spiked accuracy " << m.test_accuracy);
        CHECK(m.test_accuracy < clean.test_accuracy - 0.15);
        CHECK(Trainer::read_info(t.checkpoint(info_for(c, plan, m))).plan.inject == Injection::Kind::LrSpike);
    }
    SUBCASE("label-noise") {
        t.restore(state);
        const EpochPlan plan = plan_for(c, 4, 0, Injection::Kind::LabelNoise);
        const EpochMetrics m = t.train_epoch(plan);
        INFO("noisy accuracy " << m.test_accuracy);
        CHECK(m.test_accuracy < clean.test_accuracy - 0.15);
        CHECK(Trainer::read_info(t.checkpoint(info_for(c, plan, m))).plan.inject ==
              Injection::Kind::LabelNoise);
    }
    SUBCASE("corrupt_weights without NaN changes the state slightly") {
        t.restore(clean_ckpt);
        t.corrupt_weights(false);
        CHECK(t.checkpoint(info_for(c, clean_plan, clean)) != clean_ckpt);
        CHECK(t.checkpoint(info_for(c, clean_plan, clean)).size() == clean_ckpt.size());
    }
    // Restoring after an injected epoch gives the clean epoch back exactly.
    t.restore(state);
    const EpochMetrics again = t.train_epoch(clean_plan);
    CHECK(t.checkpoint(info_for(c, clean_plan, again)) == clean_ckpt);
}
