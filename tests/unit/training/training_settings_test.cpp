// tests/unit/training/training_settings_test.cpp - the run configuration's schema table: every
// row round-trips through TOML and JSON, every bounded row rejects values just outside its bounds
// naming the setting (validate(), TOML, JSON), and the API's detection settings from JSON.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "trainchain/training/settings.hpp"

using namespace trainchain::training;
namespace st = trainchain::training::settings;
using nlohmann::json;

namespace {

/// Calls f(section, field) for every row of the schema.
template <class F>
void each_row(F&& f) {
    std::apply(
        [&](const auto&... section) {
            (
                [&](const auto& s) {
                    for (const auto& field : s.fields) f(s, field);
                }(section),
                ...);
        },
        st::sections());
}

/// Values to try in place of `v` for a row: each differs from v.
template <class T>
std::vector<T> candidates(const T& v, const st::Bounds& b, std::span<const std::string_view> choices) {
    std::vector<T> out;
    if constexpr (std::is_same_v<T, bool>) {
        out = {!v};
    } else if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>) {
        for (const uint64_t c : {uint64_t{v} + 1, uint64_t{v} - 1, b.min, b.min + 1})
            if (c != v && c >= b.min && c <= b.max && static_cast<uint64_t>(static_cast<T>(c)) == c)
                out.push_back(static_cast<T>(c));
    } else if constexpr (std::is_same_v<T, double>) {
        out = {std::isfinite(b.hi) ? (v + b.hi) / 2 : v + 0.25, (v + std::max(b.lo, 0.0)) / 2};
    } else if constexpr (std::is_same_v<T, std::string>) {
        for (const auto c : choices) out.emplace_back(c);
        out.emplace_back("Berlin");
    } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
        out = {"/tmp/a \"changed\" path"};
    } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
        out.push_back(v);
        out[0].push_back(7);
    } else {
        out.push_back(std::vector<Injection>{Injection::parse("nan@2")});
    }
    if constexpr (!std::is_same_v<T, std::vector<Injection>>)
        std::erase_if(out, [&](const T& c) { return c == v; });
    return out;
}

template <class T>
bool same(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, std::vector<Injection>>) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (a[i].to_string() != b[i].to_string()) return false;
        return true;
    } else {
        return a == b;
    }
}

bool valid(const TrainConfig& c) {
    try {
        c.validate();
        return true;
    } catch (const ConfigError&) {
        return false;
    }
}

/// The default configuration, and one that uses every data file setting.
std::vector<TrainConfig> bases() {
    TrainConfig idx;
    idx.data.source = "idx";
    idx.data.path = "/d/train-images.gz";
    idx.data.labels = "/d/train-labels.gz";
    idx.data.test_path = "/d/test-images.gz";
    idx.data.test_labels = "/d/test-labels.gz";
    return {TrainConfig{}, idx};
}

/// The message of the ConfigError `f` throws, or "(no error)".
template <class F>
std::string error_of(F&& f) {
    std::string message = "(no error)";
    try {
        f();
    } catch (const ConfigError& e) {
        message = e.what();
    }
    return message;
}

}  // namespace

TEST_CASE("settings: the schema names every setting once, in to_toml's order") {
    std::set<std::string> keys;
    std::vector<std::string> order;
    each_row([&](const auto& section, const auto& field) {
        const std::string key = st::key_of(section, field);
        CHECK_MESSAGE(keys.insert(key).second, key);
        CHECK_MESSAGE(!field.help.empty(), key);
        order.push_back(key);
    });
    CHECK(keys.size() == 41);
    // Every key appears in to_toml's text, in the table's order.
    const std::string text = to_toml(TrainConfig{});
    size_t at = 0;
    std::string table;
    for (const std::string& key : order) {
        const size_t dot = key.find('.');
        const std::string name = dot == std::string::npos ? key : key.substr(dot + 1);
        const std::string want = "\n" + name + " = ";
        const size_t found = text.find(want, at);
        CHECK_MESSAGE(found != std::string::npos, key);
        if (found != std::string::npos) at = found;
    }
}

TEST_CASE("settings: every row round-trips through TOML and JSON") {
    size_t rows = 0;
    each_row([&](const auto& section, const auto& field) {
        const std::string key = st::key_of(section, field);
        CAPTURE(key);
        ++rows;
        std::visit(
            [&](auto m) {
                bool tried = false;
                for (const TrainConfig& base : bases()) {
                    const auto& value = st::part(section, base).*m;
                    using T = std::decay_t<decltype(value)>;
                    for (const T& candidate : candidates(value, field.bounds, field.choices)) {
                        TrainConfig c = base;
                        st::part(section, c).*m = candidate;
                        if (!valid(c)) continue;
                        tried = true;
                        // TOML: written, read back equal, written again the same.
                        const std::string text = to_toml(c);
                        CHECK(text != to_toml(base));
                        const TrainConfig back = parse_config(text, "row.toml");
                        CHECK(same(st::part(section, back).*m, candidate));
                        CHECK(to_toml(back) == text);
                        // JSON: the same.
                        const json j = st::to_json(c);
                        const TrainConfig from_json = st::config_from_json(j);
                        CHECK(same(st::part(section, from_json).*m, candidate));
                        CHECK(to_toml(from_json) == text);
                        CHECK(st::to_json(from_json) == j);
                        break;
                    }
                    if (tried) break;
                }
                CHECK(tried);
            },
            field.member);
    });
    CHECK(rows == 41);
}

TEST_CASE("settings: values just outside a row's bounds are rejected, naming the setting") {
    size_t checked = 0;
    each_row([&](const auto& section, const auto& field) {
        const std::string key = st::key_of(section, field);
        std::visit(
            [&](auto m) {
                using T = std::decay_t<decltype(st::part(section, std::declval<TrainConfig&>()).*m)>;
                std::vector<T> bad;
                const st::Bounds& b = field.bounds;
                if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>) {
                    if (b.min > 0) bad.push_back(static_cast<T>(b.min - 1));
                    if (b.max < std::numeric_limits<T>::max()) bad.push_back(static_cast<T>(b.max + 1));
                } else if constexpr (std::is_same_v<T, double>) {
                    bad.push_back(b.lo_open ? b.lo : b.lo - 1e-9);
                    bad.push_back(b.hi_open ? b.hi : std::nextafter(b.hi, INFINITY));
                    bad.push_back(NAN);
                } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
                    bad.push_back({static_cast<int64_t>(b.min) - 1});
                    bad.push_back({static_cast<int64_t>(b.max) + 1});
                } else if constexpr (std::is_same_v<T, std::string>) {
                    if (!field.choices.empty()) bad.push_back("no-such-" + std::string(field.name));
                }
                for (const T& v : bad) {
                    TrainConfig c;
                    st::part(section, c).*m = v;
                    CAPTURE(key);
                    const std::string named =
                        std::is_same_v<T, std::vector<int64_t>> ? key + "[0] = " : key + " = ";
                    CHECK(error_of([&] { c.validate(); }).rfind("error: " + named, 0) == 0);
                    // The same value written to TOML is refused at the value, naming it.
                    const std::string toml_error =
                        error_of([&] { (void)parse_config(to_toml(c), "bad.toml"); });
                    CHECK(toml_error.find(": error: " + named) != std::string::npos);
                    if constexpr (!std::is_same_v<T, double>) {
                        // JSON has no NaN or infinity; the finite values are refused the same way.
                        CHECK(error_of([&] { (void)st::config_from_json(st::to_json(c)); }).rfind(named, 0) ==
                              0);
                    } else if (std::isfinite(v)) {
                        CHECK(error_of([&] { (void)st::config_from_json(st::to_json(c)); }).rfind(named, 0) ==
                              0);
                    }
                    ++checked;
                }
            },
            field.member);
    });
    CHECK(checked == 53);
}

TEST_CASE("settings: the API's detection settings from and to JSON") {
    DetectionConfig d;
    d.non_finite_loss = false;
    d.max_accuracy_drop = 0.25;
    d.patience = 7;
    const json j = st::to_json(d);
    CHECK(j == json{{"non_finite_loss", false},
                    {"accuracy_drop", true},
                    {"max_accuracy_drop", 0.25},
                    {"overtraining", true},
                    {"patience", 7}});
    const DetectionConfig back = st::detection_from_json(j);
    CHECK(back.non_finite_loss == false);
    CHECK(back.max_accuracy_drop == 0.25);
    CHECK(back.patience == 7);
    // Keys left out keep the base's values.
    CHECK(st::detection_from_json(json{{"patience", 2}}, d).max_accuracy_drop == 0.25);
    CHECK(error_of([] {
              (void)st::detection_from_json(json{{"patience", 0}});
          }) == "detection.patience = 0 is out of range: must be 1..100000");
    CHECK(error_of([] {
              (void)st::detection_from_json(json{{"max_accuracy_drop", 1.5}});
          }) == "detection.max_accuracy_drop = 1.5 is out of range: must be in (0, 1]");
    CHECK(error_of([] {
              (void)st::detection_from_json(json{{"overtrain", true}});
          }) == "detection: unknown key 'overtrain'");
    CHECK(error_of([] {
              (void)st::detection_from_json(json{{"patience", "3"}});
          }) == "detection.patience must be an integer, not a string");
    CHECK(error_of([] {
              (void)st::detection_from_json(json{{"overtraining", 1}});
          }) == "detection.overtraining must be a boolean (true or false), not an integer");
    CHECK(error_of([] {
              (void)st::detection_from_json(json{{"patience", -1}});
          }) == "detection.patience = -1 is out of range: must be 0..4294967295");
    CHECK(error_of([] { (void)st::detection_from_json(json::array()); }) == "detection must be an object");
    CHECK(error_of([] {
              (void)st::config_from_json(json{{"chain", {{"nodez", 1}}}});
          }) == "chain: unknown key 'nodez'");
    CHECK(error_of([] {
              (void)st::config_from_json(json{{"epoch", 1}});
          }) == "the configuration: unknown key 'epoch'");
}

TEST_CASE("settings: to_toml writes the text recorded runs were digested over") {
    // config_digest() hashes this text and every checkpoint records the digest: the table must
    // write exactly what the hand-written writer before it did, or no run could be resumed.
    CHECK(to_toml(TrainConfig{}) == R"(# trainchain training configuration
epochs = 10
seed = 1
threads = 1
inject = []

[data]
source = "digits"
path = ""
labels = ""
test_path = ""
test_labels = ""
test_fraction = 0.2
train_limit = 0
test_limit = 0

[model]
kind = "mlp"
hidden = [128, 64]
channels = [8, 16]

[optimizer]
kind = "adam"
lr = 0.001
momentum = 0.9
weight_decay = 0.0
schedule = "constant"
step_epochs = 10
gamma = 0.5
batch_size = 64

[detection]
non_finite_loss = true
accuracy_drop = true
max_accuracy_drop = 0.1
overtraining = true
patience = 3

[recovery]
lr_factor = 0.5
max_rollbacks = 3

[chain]
nodes = 100
difficulty_bits = 16
fork = "Petersburg"
quorum_percent = 51
replay_nodes = 1
replay = "sampled"
segment_steps = 6
sample_segments = 3
sample_test_chunks = 1
keep_segments = "sampled"
replay_wait_seconds = 120
)");
}
