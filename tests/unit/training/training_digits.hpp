// tests/unit/training/training_digits.hpp - what the trainer tests share: sklearn's digits (skipped
// with a message when python3-sklearn is missing), a small fast configuration on them, and their
// data loaded once per configuration.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "trainchain/training/server.hpp"

namespace trainchain::training::test {

/// Whether sklearn's digits CSV is installed; every test here trains on it.
inline bool have_digits() {
    if (std::filesystem::exists(default_digits_csv)) return true;
    MESSAGE("skipped: " << default_digits_csv.string() << " is not installed (python3-sklearn)");
    return false;
}

/// A small, fast run on digits: 400 training rows, 100 test rows, one thread.
inline TrainConfig small_config(const std::string& model = "mlp", const std::string& optimizer = "adam",
                                uint64_t seed = 7) {
    TrainConfig c;
    c.data.source = "digits";
    c.data.train_limit = 400;
    c.data.test_limit = 100;
    c.model.kind = model;
    c.optimizer.kind = optimizer;
    c.optimizer.lr = optimizer == "sgd" ? 0.05 : 3e-3;
    c.optimizer.momentum = 0.9;
    c.optimizer.batch_size = 32;
    c.seed = seed;
    c.threads = 1;
    c.validate();
    return c;
}

/// The data of a configuration, loaded once per (limits, seed).
inline std::shared_ptr<const DataSplit> data_for(const TrainConfig& c) {
    static std::map<std::pair<uint64_t, uint64_t>, std::shared_ptr<const DataSplit>> cache;
    auto& d = cache[{c.data.train_limit * 1000003 + c.data.test_limit, c.seed}];
    if (!d) d = load_data(c.data, c.seed);
    return d;
}

}  // namespace trainchain::training::test
