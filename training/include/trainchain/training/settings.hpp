// training/include/trainchain/training/settings.hpp - the run configuration's schema, in the
// style of an opcode table: one row per setting (name, member pointer, which gives the type,
// help, bounds; the default is the struct's own initializer). Reading and writing TOML
// (config.cpp), reading and writing JSON (the API's run settings) and the range checks are all
// generated from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "trainchain/training/config.hpp"

namespace trainchain::training::settings {

/// The bounds of a numeric setting. Integers use [min, max]; max = unbounded leaves only the
/// type's (and TOML's: a signed 64-bit integer) range. Floats use lo and hi, each closed or open;
/// hi = infinity means "finite". A NaN is never within bounds.
struct Bounds {
    static constexpr uint64_t unbounded = std::numeric_limits<uint64_t>::max();
    uint64_t min = 0;
    uint64_t max = unbounded;
    double lo = -std::numeric_limits<double>::infinity();
    bool lo_open = false;
    double hi = std::numeric_limits<double>::infinity();
    bool hi_open = true;
    std::string_view subject{};  ///< said before the range: "a width" gives "a width must be 1..65536"
    std::string_view note{};     ///< said after it: "more than half of the nodes" gives " (...)"
};

/// Integer bounds [lo, hi].
constexpr Bounds integers(uint64_t lo, uint64_t hi = Bounds::unbounded, std::string_view subject = {},
                          std::string_view note = {}) {
    return Bounds{.min = lo, .max = hi, .subject = subject, .note = note};
}

/// Float bounds between lo and hi, each end open or closed (hi = infinity: finite).
constexpr Bounds reals(double lo, bool lo_open, double hi, bool hi_open) {
    return Bounds{.lo = lo, .lo_open = lo_open, .hi = hi, .hi_open = hi_open};
}

/// A value out of range or a rule broken: the dotted key it belongs to (e.g. "optimizer.lr",
/// "model.hidden[2]"), a key to point at instead when that one was not written (e.g. "data.source"
/// for a missing "data.labels"), and the message.
struct Problem {
    std::string key;
    std::string anchor;
    std::string message;
};

/// A rule beyond a row's bounds (combinations such as data.source = 'idx' needing data.labels),
/// checked right after the row.
using Check = std::optional<Problem> (*)(const TrainConfig&);

/// Where a setting lives in its table's struct S; the alternative is the setting's type.
template <class S>
using Member =
    std::variant<bool S::*, uint32_t S::*, uint64_t S::*, double S::*, std::string S::*,
                 std::filesystem::path S::*, std::vector<int64_t> S::*, std::vector<Injection> S::*>;

/// One setting.
template <class S>
struct Field {
    std::string_view name;  ///< its key within its table
    Member<S> member;
    std::string_view help;
    Bounds bounds{};                              ///< numbers (and each entry of an integer list)
    std::span<const std::string_view> choices{};  ///< strings: the accepted values (empty: any)
    Check check = nullptr;
};

/// One table of settings: [name] in TOML (the top level has no name), the member of TrainConfig
/// holding it (none for the top level) and its rows, in the order they are written.
template <class S>
struct Section {
    std::string_view name;
    S TrainConfig::*member;
    std::span<const Field<S>> fields;
};

/// Every table, in the order to_toml writes them.
using Sections =
    std::tuple<Section<TrainConfig>, Section<DataConfig>, Section<ModelConfig>, Section<OptimizerConfig>,
               Section<DetectionConfig>, Section<RecoveryConfig>, Section<ChainSettings>>;

/// The schema.
const Sections& sections();

/// The struct a section's settings live in, within a configuration.
template <class S, class C>
auto& part(const Section<S>& section, C& config) {
    if constexpr (std::is_same_v<S, TrainConfig>)
        return config;
    else
        return config.*(section.member);
}

/// The dotted key of a setting: "epochs", "detection.patience".
template <class S>
std::string key_of(const Section<S>& section, const Field<S>& field) {
    return section.name.empty() ? std::string(field.name)
                                : std::string(section.name) + "." + std::string(field.name);
}

/// The whole configuration as JSON: top-level settings and one object per table.
nlohmann::json to_json(const TrainConfig& config);

/// A configuration from to_json's form (missing keys keep `base`'s values), checked like a TOML
/// file; throws ConfigError naming the key.
TrainConfig config_from_json(const nlohmann::json& j, const TrainConfig& base = {});

/// The five detection settings as JSON (what the API stores and answers).
nlohmann::json to_json(const DetectionConfig& detection);

/// The detection settings from JSON over `base`, checked; throws ConfigError naming the key
/// ("detection.patience = 0 is out of range: must be 1..100000").
DetectionConfig detection_from_json(const nlohmann::json& j, const DetectionConfig& base = {});

}  // namespace trainchain::training::settings
