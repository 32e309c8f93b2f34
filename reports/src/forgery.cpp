// reports/src/forgery.cpp - the forged-epoch detection experiment of sampled replay: forge, commit,
// check with a replaying node's check, count.
#include "trainchain/reports/forgery.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/merkle.hpp"
#include "trainchain/runtime/sampling.hpp"
#include "trainchain/training/segments.hpp"
#include "trainchain/training/server.hpp"

namespace trainchain::reports {
using runtime::Hash;
using namespace trainchain::training;

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

TrainConfig digits_config(uint64_t seed) {
    TrainConfig c;
    c.data.source = "digits";
    c.model.kind = "mlp";
    c.model.hidden = {32};
    c.optimizer.kind = "adam";
    c.optimizer.lr = 3e-3;
    c.optimizer.batch_size = 8;
    c.seed = seed;
    c.threads = 1;
    c.validate();
    return c;
}

/// SHA-256 of a tag and a counter: the experiment's stand-in for values the trainer cannot know
/// (block hashes, vote signatures) and its own random draws.
Hash draw(const std::string& tag, uint64_t seed, uint64_t counter) {
    runtime::Sha256Stream s;
    s.update({reinterpret_cast<const uint8_t*>(tag.data()), tag.size()});
    uint8_t n[16];
    for (int i = 0; i < 8; ++i) {
        n[i] = static_cast<uint8_t>(seed >> (56 - 8 * i));
        n[8 + i] = static_cast<uint8_t>(counter >> (56 - 8 * i));
    }
    s.update(n);
    return s.finish();
}

uint64_t word(const Hash& h) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | h[static_cast<size_t>(i)];
    return v;
}

/// The Wilson score interval (95 %) of k successes in n trials.
std::pair<double, double> wilson(uint32_t k, uint32_t n) {
    if (n == 0) return {0, 0};
    const double z = 1.959963984540054, nn = static_cast<double>(n), p = static_cast<double>(k) / nn;
    const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace

ForgeryReport measure_forgery(const ForgeryOptions& options,
                              const std::function<void(uint32_t, uint32_t)>& progress) {
    ForgeryReport rep;
    rep.options = options;
    const TrainConfig config = digits_config(options.seed);
    const TrainConfig other = digits_config(options.seed + 1000);  // the run a copy is taken from
    const auto data = load_data(config.data, config.seed);
    Trainer forger(config, data), checker(config, data), donor(other, data);
    rep.model = data->description + "; model " + forger.describe() + ", adam, batches of 8";
    rep.steps = forger.steps_per_epoch();
    const uint32_t s = options.segment_steps;
    rep.segments = static_cast<uint32_t>((rep.steps + s - 1) / s);
    const std::string digest = config_digest(config);

    // One honest epoch: every trial starts from its state (a trained model with optimizer state).
    auto t0 = std::chrono::steady_clock::now();
    forger.train_epoch({1, config.optimizer.lr, epoch_seed(config.seed, 1, 0), std::nullopt, 0});
    const Bytes previous = forger.checkpoint({});
    donor.train_epoch({1, other.optimizer.lr, epoch_seed(other.seed, 1, 0), std::nullopt, 0});
    const Bytes donor_previous = donor.checkpoint({});
    rep.training_ms += ms_since(t0);

    struct Kind {
        const char* name;
        std::optional<Forgery::Kind> kind;
    };
    std::vector<std::pair<Kind, double>> cells{{{"honest", std::nullopt}, 0.0}};
    for (const Kind k : {Kind{"skip", Forgery::Kind::Skip}, Kind{"noise", Forgery::Kind::Noise},
                         Kind{"copy", Forgery::Kind::Copy}})
        for (const double f : options.fractions) cells.push_back({k, f});
    const uint32_t total = static_cast<uint32_t>(cells.size()) * options.epochs;
    uint64_t trial = 0;
    uint32_t done = 0;
    for (const auto& [kind, f] : cells) {
        ForgeryCell cell;
        cell.kind = kind.name;
        cell.fraction = f;
        cell.forged_steps =
            kind.kind ? std::max<uint64_t>(
                            1, static_cast<uint64_t>(std::llround(f * static_cast<double>(rep.steps))))
                      : 0;
        cell.forged_steps = std::min(cell.forged_steps, rep.steps);
        cell.bound = kind.kind ? 1 - std::pow(1 - f, options.sample) : 0;
        std::set<std::string> tokens;
        double touched_sum = 0;
        for (uint32_t e = 0; e < options.epochs; ++e, ++trial) {
            const EpochPlan plan{2, config.optimizer.lr,
                                 epoch_seed(config.seed, 2, static_cast<uint32_t>(trial)), std::nullopt, 0};
            Forgery forgery;
            if (kind.kind) {
                forgery.kind = *kind.kind;
                forgery.first =
                    word(draw("forgery/offset", options.seed, trial)) % (rep.steps - cell.forged_steps + 1);
                forgery.steps = cell.forged_steps;
                forgery.noise_seed = word(draw("forgery/noise", options.seed, trial));
                if (forgery.kind == Forgery::Kind::Copy) {
                    donor.restore(donor_previous);
                    forgery.donor =
                        donor.replay_segment(donor.start_state(plan), forgery.first + forgery.steps);
                }
                const uint64_t first_segment = forgery.first / s,
                               last_segment = (forgery.first + forgery.steps - 1) / s;
                touched_sum +=
                    static_cast<double>(last_segment - first_segment + 1) / static_cast<double>(rep.segments);
            }
            // The forger trains (forging the stretch) and commits the states it produced.
            auto t = std::chrono::steady_clock::now();
            forger.restore(previous);
            std::vector<Bytes> states;
            EpochRun run;
            run.segment_steps = s;
            run.on_state = [&](uint64_t, Bytes state) { states.push_back(std::move(state)); };
            run.forgery = kind.kind ? &forgery : nullptr;
            const EpochMetrics m = forger.train_epoch(plan, run);
            const Bytes recorded = forger.checkpoint({plan, m, config.threads, digest});
            states.push_back(forger.evaluation_record());
            std::vector<Hash> leaves;
            for (const Bytes& st : states) leaves.push_back(runtime::sha256(st));
            runtime::Payload payload;
            payload.epoch = plan.epoch;
            payload.accuracy = m.test_accuracy;
            payload.loss = m.train_loss;
            payload.segments = runtime::SegmentCommitment{s, static_cast<uint32_t>(leaves.size() - 2),
                                                          runtime::merkle_root(leaves)};
            rep.training_ms += ms_since(t);
            // A replaying node checks, its draw seeded by a block hash and signature the forger
            // did not know.
            t = std::chrono::steady_clock::now();
            const Hash block = draw("forgery/block", options.seed, trial);
            runtime::Signature signature{};
            const Hash sig = draw("forgery/signature", options.seed, trial);
            std::copy(sig.begin(), sig.end(), signature.begin());
            const SegmentSource source = [&](const Hash& root, uint32_t index,
                                             bool with_state) -> std::optional<runtime::SegmentOpening> {
                if (root != payload.segments->root || index >= leaves.size()) return std::nullopt;
                runtime::SegmentOpening o;
                o.leaf = leaves[index];
                o.proof = runtime::merkle_proof(leaves, index);
                if (with_state) o.state = states[index];
                return o;
            };
            const SegmentCheck r =
                check_epoch_segments(checker, previous, recorded, payload,
                                     runtime::segment_sample_seed(block, signature), options.sample, source);
            rep.checking_ms += ms_since(t);
            if (!r.state.ok()) {
                ++cell.detected;
                tokens.insert(std::string(r.state.token()));
            }
            ++cell.epochs;
            if (progress) progress(++done, total);
        }
        cell.rate = cell.epochs ? static_cast<double>(cell.detected) / static_cast<double>(cell.epochs) : 0;
        std::tie(cell.low, cell.high) = wilson(cell.detected, cell.epochs);
        cell.touched = cell.epochs ? touched_sum / static_cast<double>(cell.epochs) : 0;
        cell.tokens.assign(tokens.begin(), tokens.end());
        rep.cells.push_back(std::move(cell));
    }
    return rep;
}

std::string forgery_csv(const ForgeryReport& r) {
    std::string out =
        "kind,fraction,forged_steps,epochs,detected,rate,wilson_low,wilson_high,bound,touched\n";
    for (const ForgeryCell& c : r.cells)
        out += fmt::format("{},{},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f}\n", c.kind, c.fraction,
                           c.forged_steps, c.epochs, c.detected, c.rate, c.low, c.high, c.bound, c.touched);
    return out;
}

std::string forgery_markdown(const ForgeryReport& r) {
    std::string out = "# Sampled replay: detection of forged epochs\n\n";
    out += fmt::format(
        "{}. {} steps per epoch, committed every s = {} steps: n = {} segments. Each check re-runs Q = {} "
        "sampled segments and checks the first and last states. {} epochs per cell.\n\n",
        r.model, r.steps, r.options.segment_steps, r.segments, r.options.sample, r.options.epochs);
    out += "| forgery | f | steps forged | detected | rate | Wilson 95 % | 1-(1-f)^Q | segments touched |\n";
    out += "|---|---:|---:|---:|---:|---|---:|---:|\n";
    for (const ForgeryCell& c : r.cells)
        out += fmt::format(
            "| {} | {:.0f} % | {} | {}/{} | {:.1f} % | {:.1f}-{:.1f} % | {} | {:.1f} % |\n", c.kind,
            100 * c.fraction, c.forged_steps, c.detected, c.epochs, 100 * c.rate, 100 * c.low, 100 * c.high,
            c.kind == "honest" ? std::string("-") : fmt::format("{:.1f} %", 100 * c.bound), 100 * c.touched);
    out += fmt::format("\nTime: training and committing {:.1f} s, checking {:.1f} s.\n", r.training_ms / 1000,
                       r.checking_ms / 1000);
    return out;
}

std::string forgery_json(const ForgeryReport& r) {
    nlohmann::json cells = nlohmann::json::array();
    for (const ForgeryCell& c : r.cells)
        cells.push_back({{"kind", c.kind},
                         {"fraction", c.fraction},
                         {"forged_steps", c.forged_steps},
                         {"epochs", c.epochs},
                         {"detected", c.detected},
                         {"rate", c.rate},
                         {"wilson_low", c.low},
                         {"wilson_high", c.high},
                         {"bound", c.bound},
                         {"touched", c.touched},
                         {"tokens", c.tokens}});
    return nlohmann::json{{"model", r.model},
                          {"steps", r.steps},
                          {"segment_steps", r.options.segment_steps},
                          {"segments", r.segments},
                          {"sample", r.options.sample},
                          {"epochs_per_cell", r.options.epochs},
                          {"seed", r.options.seed},
                          {"cells", cells},
                          {"training_ms", r.training_ms},
                          {"checking_ms", r.checking_ms}}
               .dump(2) +
           "\n";
}

}  // namespace trainchain::reports
