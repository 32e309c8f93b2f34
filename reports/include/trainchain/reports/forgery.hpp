// reports/include/trainchain/reports/forgery.hpp - the detection experiment of sampled replay:
// forged epochs (a fraction of the steps skipped, replaced by noise, or replaced by a copy of
// another run's state) go through the same check a replaying node runs (check_epoch_segments), and
// the measured detection rate is set beside the analytic bound 1 - (1 - f)^Q.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "trainchain/training/config.hpp"

namespace trainchain::reports {

/// The experiment's settings.
struct ForgeryOptions {
    uint32_t epochs = 200;  ///< forged epochs per (kind, fraction) cell, and honest epochs
    uint32_t segment_steps = training::ChainSettings{}.segment_steps;  ///< s (the runs' default)
    uint32_t sample = training::ChainSettings{}.sample_segments;       ///< Q: segments re-run per check
    std::vector<double> fractions{0.01, 0.05, 0.20, 1.00};  ///< f: share of an epoch's steps forged
    uint64_t seed = 1;
};

/// One cell: a forgery kind at one fraction.
struct ForgeryCell {
    std::string kind;  ///< "skip", "noise", "copy", or "honest" (the control: nothing forged)
    double fraction = 0;
    uint64_t forged_steps = 0;  ///< steps forged per epoch: round(f x steps), at least 1
    uint32_t epochs = 0;
    uint32_t detected = 0;               ///< rejected by the check
    double rate = 0, low = 0, high = 0;  ///< detected / epochs and its Wilson 95 % interval
    double bound = 0;                    ///< 1 - (1 - f)^Q (0 for the control)
    double touched = 0;                  ///< mean share of the segments the forged stretch touched
    std::vector<std::string> tokens;     ///< the reject tokens seen (distinct)
};

/// The whole experiment.
struct ForgeryReport {
    ForgeryOptions options;
    std::string model;      ///< the model and data
    uint64_t steps = 0;     ///< optimizer steps per epoch
    uint32_t segments = 0;  ///< n = ceil(steps / s)
    std::vector<ForgeryCell> cells;
    double training_ms = 0, checking_ms = 0;
};

/// Runs the experiment on sklearn's digits (MLP 64-32-10, Adam, batches of 8, one thread). Each
/// forged epoch starts from one honestly trained state, with its own plan seed; the forged stretch
/// of round(f x steps) steps (at least 1) sits at a uniformly drawn offset; the forger commits the
/// states it really produced. Each check draws its segments from a fresh block hash and vote
/// signature (SHA-256 of the report seed and a counter).
ForgeryReport measure_forgery(const ForgeryOptions& options,
                              const std::function<void(uint32_t done, uint32_t total)>& progress = {});

/// One row per cell.
std::string forgery_csv(const ForgeryReport& report);
/// A Markdown report: setup and the table of measured rates beside the bound.
std::string forgery_markdown(const ForgeryReport& report);
/// The report as JSON.
std::string forgery_json(const ForgeryReport& report);

}  // namespace trainchain::reports
