// training/src/config.cpp - the run configuration: reading it from TOML (toml++) with
// positioned errors, range checks, fault injections, and writing it back as TOML.
#include "trainchain/training/config.hpp"

#include "trainchain/training/settings.hpp"

#include "trainchain/vm/fork.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

namespace trainchain::training {
namespace {

constexpr std::array<std::string_view, 4> data_sources = {"fashion-mnist", "digits", "csv", "idx"};
constexpr std::array<std::string_view, 2> model_kinds = {"mlp", "cnn"};
constexpr std::array<std::string_view, 2> optimizer_kinds = {"adam", "sgd"};
constexpr std::array<std::string_view, 2> schedules = {"constant", "step"};
constexpr std::array<std::string_view, 3> replay_modes = {"sampled", "full", "none"};
constexpr std::array<std::string_view, 3> keep_modes = {"sampled", "all", "none"};
/// The VM's fork names, in order, from the VM itself.
std::string fork_list() {
    std::string s;
    for (int i = 0; i < vm::num_forks; ++i) {
        if (i != 0) s += i + 1 == vm::num_forks ? " or " : ", ";
        s += vm::fork_name(static_cast<vm::Fork>(i));
    }
    return s;
}

// TOML integers are signed 64-bit, so an unsigned setting must stay below this to be written back.
constexpr uint64_t max_toml_integer = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

/// The shortest decimal text that reads back to exactly `v` (std::to_chars), as a TOML float:
/// ".0" is added when the text would otherwise read as an integer; inf and nan are TOML's spelling.
std::string format_double(double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, ec == std::errc{} ? end : buf);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}

/// "must be LO..HI", the form of every integer range message.
std::string range_text(uint64_t lo, uint64_t hi) {
    return "must be " + std::to_string(lo) + ".." + std::to_string(hi);
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string one_of(std::span<const std::string_view> names) {
    std::string s;
    for (size_t i = 0; i < names.size(); ++i)
        s += (i ? (i + 1 == names.size() ? " or " : ", ") : "") + std::string(names[i]);
    return s;
}

/// Levenshtein distance, for "did you mean" hints on unknown keys.
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

/// "lr-spike@5" and the like; nullopt with `why` set otherwise.
std::optional<Injection> try_parse_injection(std::string_view text, std::string& why) {
    why = "bad injection " + in_quotes(text) + ": expected lr-spike@N, nan@N or label-noise@N with N >= 1";
    const size_t at = text.find('@');
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view kind = text.substr(0, at), number = text.substr(at + 1);
    Injection inj;
    if (kind == "lr-spike")
        inj.kind = Injection::Kind::LrSpike;
    else if (kind == "nan")
        inj.kind = Injection::Kind::Nan;
    else if (kind == "label-noise")
        inj.kind = Injection::Kind::LabelNoise;
    else
        return std::nullopt;
    if (number.empty() ||
        !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), inj.epoch);
    if (ec != std::errc{} || end != number.data() + number.size() || inj.epoch < 1) return std::nullopt;
    return inj;
}

using settings::Bounds;
using settings::Field;
using settings::Problem;
using settings::Section;

/// A value and why it is out of range: "KEY = VALUE is out of range: RANGE".
template <class T>
Problem out_of(const std::string& key, T value, const std::string& range) {
    std::string v;
    if constexpr (std::is_floating_point_v<T>)
        v = format_double(value);
    else
        v = std::to_string(value);
    return Problem{key, "", key + " = " + v + " is out of range: " + range};
}

/// A bound as the messages print it: "0", "1", "0.5".
std::string bound_text(double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ec == std::errc{} ? end : buf);
}

/// What an integer setting must be: "must be 1..256", "must be >= 1", "at most 9223372036854775807".
std::string integer_range(const Bounds& b) {
    std::string s;
    if (b.max != Bounds::unbounded)
        s = range_text(b.min, b.max);
    else if (b.min == 0)
        s = "at most " + std::to_string(max_toml_integer);
    else
        s = "must be >= " + std::to_string(b.min);
    if (!b.subject.empty()) s = std::string(b.subject) + " " + s;
    if (!b.note.empty()) s += " (" + std::string(b.note) + ")";
    return s;
}

/// What a float setting must be: "must be in (0, 1]", "must be > 0 and finite".
std::string real_range(const Bounds& b) {
    if (b.hi == INFINITY)
        return std::string("must be ") + (b.lo_open ? "> " : ">= ") + bound_text(b.lo) + " and finite";
    return std::string("must be in ") + (b.lo_open ? "(" : "[") + bound_text(b.lo) + ", " + bound_text(b.hi) +
           (b.hi_open ? ")" : "]");
}

bool within(const Bounds& b, uint64_t v) { return v >= b.min && v <= std::min(b.max, max_toml_integer); }
bool within(const Bounds& b, double v) {
    return (b.lo_open ? v > b.lo : v >= b.lo) && (b.hi_open ? v < b.hi : v <= b.hi);
}

/// The problem with one value of a row, if any (choices, bounds; the row's check is separate).
std::optional<Problem> check_value(const std::string& key, const Bounds& b,
                                   std::span<const std::string_view> choices, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>) {
        if (!within(b, uint64_t{v})) return out_of(key, v, integer_range(b));
    } else if constexpr (std::is_same_v<T, double>) {
        if (!within(b, v)) return out_of(key, v, real_range(b));
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end())
            return Problem{key, "", key + " = " + in_quotes(v) + " is not " + one_of(choices)};
    } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
        for (size_t i = 0; i < v.size(); ++i)
            if (v[i] < 0 || !within(b, static_cast<uint64_t>(v[i])))
                return out_of(key + "[" + std::to_string(i) + "]", v[i], integer_range(b));
    }
    return std::nullopt;
}

/// The first problem with one section's values: each row's value, then its check, in row order.
template <class S>
std::optional<Problem> check_section(const Section<S>& section, const TrainConfig& c) {
    const S& values = settings::part(section, c);
    for (const Field<S>& f : section.fields) {
        const std::string key = settings::key_of(section, f);
        std::optional<Problem> p =
            std::visit([&](auto m) { return check_value(key, f.bounds, f.choices, values.*m); }, f.member);
        if (!p && f.check) p = f.check(c);
        if (p) return p;
    }
    return std::nullopt;
}

// The checks beyond a row's bounds.

/// data.source's combinations with the file settings.
std::optional<Problem> data_files(const TrainConfig& c) {
    const DataConfig& d = c.data;
    if ((d.source == "csv" || d.source == "idx") && d.path.empty())
        return Problem{"data.path", "data.source",
                       "data.source = " + in_quotes(d.source) + " needs data.path (the " +
                           (d.source == "csv" ? "CSV file)" : "IDX images file)")};
    if (d.source == "idx" && d.labels.empty())
        return Problem{"data.labels", "data.source",
                       "data.source = 'idx' needs data.labels (the IDX label file)"};
    if (d.source != "idx" && !d.labels.empty())
        return Problem{"data.labels", "", "data.labels is only used with data.source = 'idx'"};
    if (d.source != "idx" && !d.test_labels.empty())
        return Problem{"data.test_labels", "", "data.test_labels is only used with data.source = 'idx'"};
    if (d.source != "csv" && d.source != "idx" && !d.test_path.empty())
        return Problem{"data.test_path", "", "data.test_path is only used with data.source = 'csv' or 'idx'"};
    if (d.source == "idx" && !d.test_path.empty() && d.test_labels.empty())
        return Problem{"data.test_labels", "data.test_path",
                       "data.test_path needs data.test_labels with 'idx'"};
    if (d.source == "idx" && d.test_path.empty() && !d.test_labels.empty())
        return Problem{"data.test_path", "data.test_labels", "data.test_labels needs data.test_path"};
    return std::nullopt;
}

std::optional<Problem> cnn_channels(const TrainConfig& c) {
    if (c.model.kind == "cnn" && c.model.channels.empty())
        return Problem{"model.channels", "model.kind",
                       "model.kind = 'cnn' needs at least one entry in model.channels"};
    return std::nullopt;
}

std::optional<Problem> known_fork(const TrainConfig& c) {
    if (!vm::parse_fork(c.chain.fork))
        return Problem{
            "chain.fork", "",
            "chain.fork = " + in_quotes(c.chain.fork) + " is not a known fork (" + fork_list() + ")"};
    return std::nullopt;
}

std::optional<Problem> replay_within_nodes(const TrainConfig& c) {
    if (c.chain.replay_nodes > c.chain.nodes)
        return out_of("chain.replay_nodes", c.chain.replay_nodes,
                      "must be 0..chain.nodes (" + std::to_string(c.chain.nodes) + ")");
    return std::nullopt;
}

// The schema: one row per setting, in the order to_toml writes them.

const Field<TrainConfig> top_fields[] = {
    {"epochs", &TrainConfig::epochs, "epochs to train",
     settings::integers(runtime::min_epochs, runtime::max_epochs)},
    {"seed", &TrainConfig::seed, "run seed (weights, batch order)"},
    {"threads", &TrainConfig::threads, "torch intra-op threads; part of what makes a run reproducible",
     settings::integers(1, 256)},
    {"inject", &TrainConfig::inject,
     "faults injected on purpose: [\"lr-spike@5\", \"nan@3\", \"label-noise@4\"]"},
};

const Field<DataConfig> data_fields[] = {
    {"source", &DataConfig::source, "where the samples come from", {}, data_sources, data_files},
    {"path", &DataConfig::path, "csv: the file; idx: the images file; fashion-mnist: the directory"},
    {"labels", &DataConfig::labels, "idx: the labels file"},
    {"test_path", &DataConfig::test_path, "csv/idx: a separate test file (else split off)"},
    {"test_labels", &DataConfig::test_labels, "idx: the test labels file"},
    {"test_fraction", &DataConfig::test_fraction, "when the test set is split off the training data",
     settings::reals(0, true, 1, true)},
    {"train_limit", &DataConfig::train_limit, "use only the first N training rows (0: all)"},
    {"test_limit", &DataConfig::test_limit, "use only the first N test rows (0: all)"},
};

const Field<ModelConfig> model_fields[] = {
    {"kind", &ModelConfig::kind, "the network", {}, model_kinds},
    {"hidden", &ModelConfig::hidden, "mlp: hidden layer widths; cnn: the dense layer(s)",
     settings::integers(1, 65536, "a width")},
    {"channels",
     &ModelConfig::channels,
     "cnn: output channels of each 3x3 conv + 2x2 pool",
     settings::integers(1, 65536, "a count"),
     {},
     cnn_channels},
};

const Field<OptimizerConfig> optimizer_fields[] = {
    {"kind", &OptimizerConfig::kind, "how the weights are updated", {}, optimizer_kinds},
    {"lr", &OptimizerConfig::lr, "learning rate", settings::reals(0, true, INFINITY, true)},
    {"momentum", &OptimizerConfig::momentum, "sgd only", settings::reals(0, false, 1, true)},
    {"weight_decay", &OptimizerConfig::weight_decay, "L2 penalty", settings::reals(0, false, INFINITY, true)},
    {"schedule",
     &OptimizerConfig::schedule,
     "constant, or step: lr * gamma every step_epochs",
     {},
     schedules},
    {"step_epochs", &OptimizerConfig::step_epochs, "epochs between steps of the schedule",
     settings::integers(1)},
    {"gamma", &OptimizerConfig::gamma, "the step schedule's factor", settings::reals(0, true, 1, false)},
    {"batch_size", &OptimizerConfig::batch_size, "samples per step", settings::integers(1)},
};

const Field<DetectionConfig> detection_fields[] = {
    {"non_finite_loss", &DetectionConfig::non_finite_loss, "training or test loss NaN or infinite"},
    {"accuracy_drop", &DetectionConfig::accuracy_drop,
     "test accuracy more than max_accuracy_drop below the best"},
    {"max_accuracy_drop", &DetectionConfig::max_accuracy_drop, "absolute (0.10 = 10 percentage points)",
     settings::reals(0, true, 1, false)},
    {"overtraining", &DetectionConfig::overtraining, "test loss rising patience epochs in a row"},
    {"patience", &DetectionConfig::patience, "epochs in a row the test loss must rise",
     settings::integers(runtime::min_patience, runtime::max_patience)},
};

const Field<RecoveryConfig> recovery_fields[] = {
    {"lr_factor", &RecoveryConfig::lr_factor, "the learning rate is multiplied by this after each rollback",
     settings::reals(0, true, 1, false)},
    {"max_rollbacks", &RecoveryConfig::max_rollbacks, "the run stops after this many",
     settings::integers(0, runtime::max_rollback_limit)},
};

const Field<ChainSettings> chain_fields[] = {
    {"nodes", &ChainSettings::nodes, "user nodes",
     settings::integers(runtime::min_nodes, runtime::max_nodes)},
    {"difficulty_bits", &ChainSettings::difficulty_bits, "proof-of-work leading zero bits",
     settings::integers(runtime::min_difficulty_bits, runtime::max_difficulty_bits)},
    {"fork", &ChainSettings::fork, "EVM fork whose gas schedule the contracts run under", {}, {}, known_fork},
    {"quorum_percent", &ChainSettings::quorum_percent,
     "percent of the nodes whose accepting votes a block needs",
     settings::integers(runtime::min_quorum_percent, runtime::max_quorum_percent, {},
                        "more than half of the nodes")},
    {"replay_nodes",
     &ChainSettings::replay_nodes,
     "nodes that check each epoch by replay before voting (0: none)",
     {},
     {},
     replay_within_nodes},
    {"replay",
     &ChainSettings::replay,
     "sampled: nodes re-run sample_segments committed segments; full: the whole epoch; none",
     {},
     replay_modes},
    {"segment_steps", &ChainSettings::segment_steps, "s: steps between the committed training states",
     settings::integers(1, 100000)},
    {"sample_segments", &ChainSettings::sample_segments, "Q: segments each replaying node re-runs per epoch",
     settings::integers(1, 256)},
    {"sample_test_chunks", &ChainSettings::sample_test_chunks,
     "test chunks of 1024 rows each replaying node re-measures per epoch", settings::integers(1, 1024)},
    {"keep_segments",
     &ChainSettings::keep_segments,
     "committed states kept once a block is decided: sampled (those checked), all, none",
     {},
     keep_modes},
    {"replay_wait_seconds", &ChainSettings::replay_wait_seconds,
     "once the quorum accepted a block, how long it waits for silent replaying nodes",
     settings::integers(1, 86400)},
};

const settings::Sections schema{
    Section<TrainConfig>{"", nullptr, top_fields},
    Section<DataConfig>{"data", &TrainConfig::data, data_fields},
    Section<ModelConfig>{"model", &TrainConfig::model, model_fields},
    Section<OptimizerConfig>{"optimizer", &TrainConfig::optimizer, optimizer_fields},
    Section<DetectionConfig>{"detection", &TrainConfig::detection, detection_fields},
    Section<RecoveryConfig>{"recovery", &TrainConfig::recovery, recovery_fields},
    Section<ChainSettings>{"chain", &TrainConfig::chain, chain_fields},
};

/// Calls f(section) for each table in the schema's order.
template <class F>
void for_each_section(F&& f) {
    std::apply([&](const auto&... s) { (f(s), ...); }, schema);
}

/// Every range and combination rule of a configuration, in a fixed order; nullopt when all hold.
std::optional<Problem> find_problem(const TrainConfig& c) {
    // [data], [model], [optimizer], the top level, [detection], [recovery], [chain], then inject.
    std::optional<Problem> p;
    const auto check = [&](const auto& section) {
        if (!p) p = check_section(section, c);
    };
    check(std::get<1>(schema));
    check(std::get<2>(schema));
    check(std::get<3>(schema));
    check(std::get<0>(schema));
    check(std::get<4>(schema));
    check(std::get<5>(schema));
    check(std::get<6>(schema));
    if (p) return p;
    for (size_t i = 0; i < c.inject.size(); ++i)
        if (c.inject[i].epoch < 1 || c.inject[i].epoch > c.epochs)
            return Problem{"inject[" + std::to_string(i) + "]", "inject",
                           "inject " + in_quotes(c.inject[i].to_string()) + " is not within epochs 1.." +
                               std::to_string(c.epochs)};
    return std::nullopt;
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        default:
            return "nothing";
    }
}

/// Reads the parsed TOML into a TrainConfig, remembering where each value was written so that a
/// range error found later can point at it.
class Reader {
public:
    explicit Reader(std::string name) : name_{std::move(name)} {}

    /// Where a key's value was written (dotted key, arrays as key[i]).
    std::map<std::string, toml::source_region> where;

    [[noreturn]] void fail(const toml::source_region& at, const std::string& what) const {
        throw ConfigError(name_ + ":" + std::to_string(at.begin.line) + ":" +
                          std::to_string(at.begin.column) + ": error: " + what);
    }
    [[noreturn]] void fail_without_position(const std::string& what) const {
        throw ConfigError(name_ + ": error: " + what);
    }

    using Handler = std::function<void(const toml::node&, const std::string& key)>;
    using Fields = std::vector<std::pair<std::string_view, Handler>>;

    /// Reads each key of `table` with its handler; a key without one is an error, with a hint
    /// when it is close to a known key.
    void read_table(const toml::table& table, const std::string& prefix, const Fields& fields) {
        for (auto&& [k, v] : table) {
            const std::string name(k.str());
            const std::string key = prefix.empty() ? name : prefix + "." + name;
            const auto field =
                std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
            if (field == fields.end()) {
                std::string hint;
                for (const auto& f : fields)
                    if (edit_distance(f.first, name) <= std::max<size_t>(1, f.first.size() / 3)) {
                        hint = " (did you mean '" + std::string(f.first) + "'?)";
                        break;
                    }
                const bool is_table = v.is_table() && prefix.empty();
                fail(k.source(),
                     (is_table ? "unknown table [" + key + "]" : "unknown key '" + key + "'") + hint);
            }
            where[key] = v.source();
            field->second(v, key);
        }
    }

    std::string string(const toml::node& n, const std::string& key) const {
        const auto* v = n.as_string();
        if (!v) fail(n.source(), key + " must be a string, not " + type_name(n));
        return v->get();
    }
    bool boolean(const toml::node& n, const std::string& key) const {
        const auto* v = n.as_boolean();
        if (!v) fail(n.source(), key + " must be a boolean (true or false), not " + type_name(n));
        return v->get();
    }
    /// A float; an integer is taken as its value (so that `weight_decay = 0` is fine).
    double number(const toml::node& n, const std::string& key) const {
        if (const auto* f = n.as_floating_point()) return f->get();
        if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
        fail(n.source(), key + " must be a number, not " + type_name(n));
    }
    /// An integer that must fit T (the finer range is validate()'s).
    template <class T>
    T integer(const toml::node& n, const std::string& key) const {
        const auto* v = n.as_integer();
        if (!v) fail(n.source(), key + " must be an integer, not " + type_name(n));
        const int64_t x = v->get();
        if constexpr (std::is_unsigned_v<T>) {
            // The largest value both T and a TOML integer hold.
            const uint64_t max = std::min<uint64_t>(std::numeric_limits<T>::max(), max_toml_integer);
            if (x < 0 || static_cast<uint64_t>(x) > max)
                fail(n.source(),
                     key + " = " + std::to_string(x) + " is out of range: must be 0.." + std::to_string(max));
        }
        return static_cast<T>(x);
    }
    std::vector<int64_t> integers(const toml::node& n, const std::string& key) {
        const auto* a = n.as_array();
        if (!a) fail(n.source(), key + " must be an array of integers, not " + type_name(n));
        std::vector<int64_t> out;
        for (size_t i = 0; i < a->size(); ++i) {
            const std::string item = key + "[" + std::to_string(i) + "]";
            where[item] = (*a)[i].source();
            out.push_back(integer<int64_t>((*a)[i], item));
        }
        return out;
    }
    std::vector<Injection> injections(const toml::node& n, const std::string& key) {
        const auto* a = n.as_array();
        if (!a)
            fail(n.source(), key + " must be an array of strings such as [\"nan@3\"], not " + type_name(n));
        std::vector<Injection> out;
        for (size_t i = 0; i < a->size(); ++i) {
            const std::string item = key + "[" + std::to_string(i) + "]";
            where[item] = (*a)[i].source();
            std::string why;
            const std::optional<Injection> inj = try_parse_injection(string((*a)[i], item), why);
            if (!inj) fail((*a)[i].source(), why);
            out.push_back(*inj);
        }
        return out;
    }
    const toml::table& table(const toml::node& n, const std::string& key) const {
        const auto* t = n.as_table();
        if (!t) fail(n.source(), key + " must be a table ([" + key + "]), not " + type_name(n));
        return *t;
    }

private:
    std::string name_;
};

void write_string(std::ostringstream& out, std::string_view key, std::string_view s) {
    out << key << " = \"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out << "\\\"";
                break;
            case '\\':
                out << "\\\\";
                break;
            case '\n':
                out << "\\n";
                break;
            case '\t':
                out << "\\t";
                break;
            case '\r':
                out << "\\r";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out << buf;
                } else {
                    out << ch;
                }
        }
    }
    out << "\"\n";
}

void write_integers(std::ostringstream& out, std::string_view key, const std::vector<int64_t>& v) {
    out << key << " = [";
    for (size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
    out << "]\n";
}

/// One setting as a TOML line, by its type.
void write_value(std::ostringstream& out, std::string_view key, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, bool>)
        out << key << " = " << (v ? "true" : "false") << "\n";
    else if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>)
        out << key << " = " << v << "\n";
    else if constexpr (std::is_same_v<T, double>)
        out << key << " = " << format_double(v) << "\n";
    else if constexpr (std::is_same_v<T, std::string>)
        write_string(out, key, v);
    else if constexpr (std::is_same_v<T, std::filesystem::path>)
        write_string(out, key, v.string());
    else if constexpr (std::is_same_v<T, std::vector<int64_t>>)
        write_integers(out, key, v);
    else {
        static_assert(std::is_same_v<T, std::vector<Injection>>);
        out << key << " = [";
        for (size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << '"' << v[i].to_string() << '"';
        out << "]\n";
    }
}

/// One setting from TOML, by its type.
void read_value(Reader& r, const toml::node& n, const std::string& key, auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, bool>)
        v = r.boolean(n, key);
    else if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>)
        v = r.integer<T>(n, key);
    else if constexpr (std::is_same_v<T, double>)
        v = r.number(n, key);
    else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>)
        v = r.string(n, key);
    else if constexpr (std::is_same_v<T, std::vector<int64_t>>)
        v = r.integers(n, key);
    else
        v = r.injections(n, key);
}

/// The reader's handlers for a section's keys, writing into `values`.
template <class S>
Reader::Fields handlers(Reader& r, const Section<S>& section, S& values) {
    Reader::Fields out;
    for (const Field<S>& f : section.fields)
        out.emplace_back(f.name, [&r, &f, &values](const toml::node& n, const std::string& key) {
            std::visit([&](auto m) { read_value(r, n, key, values.*m); }, f.member);
        });
    return out;
}

/// A JSON value's type as messages name it.
std::string json_type_name(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
            return "an integer";
        case nlohmann::json::value_t::number_float:
            return "a float";
        default:
            return "null";
    }
}

/// An integer from JSON that must fit T and a TOML integer (the finer range is check_section's).
template <class T>
T json_integer(const nlohmann::json& j, const std::string& key) {
    if (!j.is_number_integer()) throw ConfigError(key + " must be an integer, not " + json_type_name(j));
    if constexpr (std::is_signed_v<T>) {
        if (j.is_number_unsigned() && j.get<uint64_t>() > max_toml_integer)
            throw ConfigError(key + " = " + std::to_string(j.get<uint64_t>()) + " is out of range: at most " +
                              std::to_string(max_toml_integer));
        return j.get<T>();
    } else {
        // A parsed document holds non-negative integers as unsigned, one built in code as signed.
        const uint64_t max = std::min<uint64_t>(std::numeric_limits<T>::max(), max_toml_integer);
        if ((!j.is_number_unsigned() && j.get<int64_t>() < 0) || j.get<uint64_t>() > max)
            throw ConfigError(key + " = " + j.dump() + " is out of range: must be 0.." + std::to_string(max));
        return static_cast<T>(j.get<uint64_t>());
    }
}

/// One setting from JSON, by its type.
void json_value(const nlohmann::json& j, const std::string& key, auto& v) {
    using T = std::decay_t<decltype(v)>;
    const auto wrong = [&](const std::string& what) {
        throw ConfigError(key + " must be " + what + ", not " + json_type_name(j));
    };
    if constexpr (std::is_same_v<T, bool>) {
        if (!j.is_boolean()) wrong("a boolean (true or false)");
        v = j.get<bool>();
    } else if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>) {
        v = json_integer<T>(j, key);
    } else if constexpr (std::is_same_v<T, double>) {
        if (!j.is_number()) wrong("a number");
        v = j.get<double>();
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>) {
        if (!j.is_string()) wrong("a string");
        v = j.get<std::string>();
    } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
        if (!j.is_array()) wrong("an array of integers");
        v.clear();
        for (size_t i = 0; i < j.size(); ++i)
            v.push_back(json_integer<int64_t>(j[i], key + "[" + std::to_string(i) + "]"));
    } else {
        if (!j.is_array()) wrong("an array of strings such as [\"nan@3\"]");
        v.clear();
        for (size_t i = 0; i < j.size(); ++i) {
            const std::string item = key + "[" + std::to_string(i) + "]";
            if (!j[i].is_string()) throw ConfigError(item + " must be a string, not " + json_type_name(j[i]));
            std::string why;
            const std::optional<Injection> inj = try_parse_injection(j[i].get<std::string>(), why);
            if (!inj) throw ConfigError(why);
            v.push_back(*inj);
        }
    }
}

/// One setting as JSON, by its type.
nlohmann::json json_of(const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::filesystem::path>) {
        return v.string();
    } else if constexpr (std::is_same_v<T, std::vector<Injection>>) {
        nlohmann::json a = nlohmann::json::array();
        for (const Injection& inj : v) a.push_back(inj.to_string());
        return a;
    } else {
        return v;
    }
}

/// A section's settings as a JSON object.
template <class S>
nlohmann::json section_json(const Section<S>& section, const S& values) {
    nlohmann::json j = nlohmann::json::object();
    for (const Field<S>& f : section.fields)
        std::visit([&](auto m) { j[std::string(f.name)] = json_of(values.*m); }, f.member);
    return j;
}

/// The row of a section named `name`, if any.
template <class S>
const Field<S>* field_named(const Section<S>& section, std::string_view name) {
    for (const Field<S>& f : section.fields)
        if (f.name == name) return &f;
    return nullptr;
}

/// Reads a JSON object's keys into a section's settings (keys left out keep their values).
template <class S>
void read_section_json(const Section<S>& section, const nlohmann::json& j, S& values) {
    const std::string where = section.name.empty() ? "the configuration" : std::string(section.name);
    if (!j.is_object()) throw ConfigError(where + " must be an object");
    for (const auto& [k, v] : j.items()) {
        const Field<S>* f = field_named(section, k);
        if (!f) throw ConfigError(where + ": unknown key '" + k + "'");
        std::visit([&](auto m) { json_value(v, settings::key_of(section, *f), values.*m); }, f->member);
    }
}

}  // namespace

namespace settings {

const Sections& sections() { return schema; }

nlohmann::json to_json(const TrainConfig& config) {
    nlohmann::json j = section_json(std::get<0>(schema), config);
    for_each_section([&](const auto& section) {
        if (!section.name.empty())
            j[std::string(section.name)] = section_json(section, settings::part(section, config));
    });
    return j;
}

TrainConfig config_from_json(const nlohmann::json& j, const TrainConfig& base) {
    if (!j.is_object()) throw ConfigError("the configuration must be an object");
    TrainConfig c = base;
    nlohmann::json top = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) {
        bool table = false;
        for_each_section([&](const auto& section) {
            if (section.name.empty() || section.name != k) return;
            read_section_json(section, v, settings::part(section, c));
            table = true;
        });
        if (!table) top[k] = v;
    }
    read_section_json(std::get<0>(schema), top, c);
    if (const std::optional<Problem> p = find_problem(c)) throw ConfigError(p->message);
    return c;
}

nlohmann::json to_json(const DetectionConfig& detection) {
    return section_json(std::get<4>(schema), detection);
}

DetectionConfig detection_from_json(const nlohmann::json& j, const DetectionConfig& base) {
    TrainConfig c;
    c.detection = base;
    read_section_json(std::get<4>(schema), j, c.detection);
    if (const std::optional<Problem> p = check_section(std::get<4>(schema), c)) throw ConfigError(p->message);
    return c.detection;
}

}  // namespace settings

Injection Injection::parse(const std::string& text) {
    std::string why;
    const std::optional<Injection> inj = try_parse_injection(text, why);
    if (!inj) throw ConfigError("error: " + why);
    return *inj;
}

std::string Injection::to_string() const {
    const char* name = kind == Kind::LrSpike ? "lr-spike" : kind == Kind::Nan ? "nan" : "label-noise";
    return std::string(name) + "@" + std::to_string(epoch);
}

void TrainConfig::validate() const {
    if (const std::optional<Problem> p = find_problem(*this)) throw ConfigError("error: " + p->message);
}

TrainConfig parse_config(const std::string& text, const std::string& name) {
    Reader r(name);
    toml::table table;
    try {
        table = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        r.fail(e.source(), std::string(e.description()));
    }

    TrainConfig c;
    // The top level's own keys, then one table per section.
    Reader::Fields root = handlers(r, std::get<0>(schema), c);
    const auto add_table = [&](const auto& section) {
        if (section.name.empty()) return;
        root.emplace_back(section.name, [&r, &section, &c](const toml::node& n, const std::string& key) {
            r.read_table(r.table(n, key), key, handlers(r, section, settings::part(section, c)));
        });
    };
    for_each_section(add_table);
    r.read_table(table, "", root);

    if (const std::optional<Problem> p = find_problem(c)) {
        // Point at the offending value, else at the setting that needs it.
        for (const std::string& key : {p->key, p->anchor})
            if (const auto at = r.where.find(key); !key.empty() && at != r.where.end())
                r.fail(at->second, p->message);
        r.fail_without_position(p->message);
    }
    return c;
}

TrainConfig load_config(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path.string() + ": error: cannot open: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(path.string() + ": error: read error");
    return parse_config(text.str(), path.string());
}

std::string to_toml(const TrainConfig& c) {
    std::ostringstream out;
    out << "# trainchain training configuration\n";
    for_each_section([&](const auto& section) {
        if (!section.name.empty()) out << "\n[" << section.name << "]\n";
        const auto& values = settings::part(section, c);
        for (const auto& f : section.fields)
            std::visit([&](auto m) { write_value(out, f.name, values.*m); }, f.member);
    });
    return out.str();
}

}  // namespace trainchain::training
