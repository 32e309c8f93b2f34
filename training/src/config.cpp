// training/src/config.cpp - the run configuration: reading it from TOML (toml++) with
// positioned errors, range checks, fault injections, and writing it back as TOML.
#include "trainchain/training/config.hpp"

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
#include <sstream>
#include <string_view>
#include <type_traits>
#include <vector>

namespace trainchain::training {
namespace {

constexpr std::array<std::string_view, 4> data_sources = {"fashion-mnist", "digits", "csv", "idx"};
constexpr std::array<std::string_view, 2> model_kinds = {"mlp", "cnn"};
constexpr std::array<std::string_view, 2> optimizer_kinds = {"adam", "sgd"};
constexpr std::array<std::string_view, 2> schedules = {"constant", "step"};
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

template <size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
    std::string s;
    for (size_t i = 0; i < N; ++i) s += (i ? (i + 1 == N ? " or " : ", ") : "") + std::string(names[i]);
    return s;
}

template <size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view s) {
    return std::find(names.begin(), names.end(), s) != names.end();
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

/// The first value out of range: the dotted key it belongs to (e.g. "optimizer.lr", "inject[2]"),
/// a key to point at instead when that one was not written (e.g. "data.source" for a missing
/// "data.labels"), and the message.
struct Problem {
    std::string key;
    std::string anchor;
    std::string message;
};

/// Every range and combination rule of a configuration, in a fixed order; nullopt when all hold.
std::optional<Problem> find_problem(const TrainConfig& c) {
    const auto out_of = [](const std::string& key, auto value, const std::string& range) {
        std::string v;
        if constexpr (std::is_floating_point_v<decltype(value)>)
            v = format_double(value);
        else
            v = std::to_string(value);
        return Problem{key, "", key + " = " + v + " is out of range: " + range};
    };
    const auto in = [](auto v, auto lo, auto hi) { return v >= lo && v <= hi; };

    // [data]
    const DataConfig& d = c.data;
    if (!contains(data_sources, d.source))
        return Problem{"data.source", "",
                       "data.source = " + in_quotes(d.source) + " is not " + one_of(data_sources)};
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
    if (!(d.test_fraction > 0 && d.test_fraction < 1))
        return out_of("data.test_fraction", d.test_fraction, "must be in (0, 1)");
    if (d.train_limit > max_toml_integer)
        return out_of("data.train_limit", d.train_limit, "at most " + std::to_string(max_toml_integer));
    if (d.test_limit > max_toml_integer)
        return out_of("data.test_limit", d.test_limit, "at most " + std::to_string(max_toml_integer));

    // [model]
    const ModelConfig& m = c.model;
    if (!contains(model_kinds, m.kind))
        return Problem{"model.kind", "",
                       "model.kind = " + in_quotes(m.kind) + " is not " + one_of(model_kinds)};
    for (size_t i = 0; i < m.hidden.size(); ++i)
        if (!in(m.hidden[i], 1, 65536))
            return out_of("model.hidden[" + std::to_string(i) + "]", m.hidden[i], "a width must be 1..65536");
    for (size_t i = 0; i < m.channels.size(); ++i)
        if (!in(m.channels[i], 1, 65536))
            return out_of("model.channels[" + std::to_string(i) + "]", m.channels[i],
                          "a count must be 1..65536");
    if (m.kind == "cnn" && m.channels.empty())
        return Problem{"model.channels", "model.kind",
                       "model.kind = 'cnn' needs at least one entry in model.channels"};

    // [optimizer]
    const OptimizerConfig& o = c.optimizer;
    if (!contains(optimizer_kinds, o.kind))
        return Problem{"optimizer.kind", "",
                       "optimizer.kind = " + in_quotes(o.kind) + " is not " + one_of(optimizer_kinds)};
    if (!(o.lr > 0 && std::isfinite(o.lr))) return out_of("optimizer.lr", o.lr, "must be > 0 and finite");
    if (!(o.momentum >= 0 && o.momentum < 1))
        return out_of("optimizer.momentum", o.momentum, "must be in [0, 1)");
    if (!(o.weight_decay >= 0 && std::isfinite(o.weight_decay)))
        return out_of("optimizer.weight_decay", o.weight_decay, "must be >= 0 and finite");
    if (!contains(schedules, o.schedule))
        return Problem{"optimizer.schedule", "",
                       "optimizer.schedule = " + in_quotes(o.schedule) + " is not " + one_of(schedules)};
    if (o.step_epochs < 1) return out_of("optimizer.step_epochs", o.step_epochs, "must be >= 1");
    if (!(o.gamma > 0 && o.gamma <= 1)) return out_of("optimizer.gamma", o.gamma, "must be in (0, 1]");
    if (o.batch_size < 1) return out_of("optimizer.batch_size", o.batch_size, "must be >= 1");

    // Top level.
    if (!in(c.epochs, runtime::min_epochs, runtime::max_epochs))
        return out_of("epochs", c.epochs, range_text(runtime::min_epochs, runtime::max_epochs));
    if (c.seed > max_toml_integer)
        return out_of("seed", c.seed, "at most " + std::to_string(max_toml_integer));
    if (!in(c.threads, 1u, 256u)) return out_of("threads", c.threads, "must be 1..256");

    // [detection], [recovery]
    if (!(c.detection.max_accuracy_drop > 0 && c.detection.max_accuracy_drop <= 1))
        return out_of("detection.max_accuracy_drop", c.detection.max_accuracy_drop, "must be in (0, 1]");
    if (!in(c.detection.patience, runtime::min_patience, runtime::max_patience))
        return out_of("detection.patience", c.detection.patience,
                      range_text(runtime::min_patience, runtime::max_patience));
    if (!(c.recovery.lr_factor > 0 && c.recovery.lr_factor <= 1))
        return out_of("recovery.lr_factor", c.recovery.lr_factor, "must be in (0, 1]");
    if (c.recovery.max_rollbacks > runtime::max_rollback_limit)
        return out_of("recovery.max_rollbacks", c.recovery.max_rollbacks,
                      range_text(0u, runtime::max_rollback_limit));

    // [chain]
    const ChainSettings& ch = c.chain;
    if (!in(ch.nodes, runtime::min_nodes, runtime::max_nodes))
        return out_of("chain.nodes", ch.nodes, range_text(runtime::min_nodes, runtime::max_nodes));
    static_assert(runtime::min_difficulty_bits == 0, "difficulty_bits is unsigned");
    if (ch.difficulty_bits > runtime::max_difficulty_bits)
        return out_of("chain.difficulty_bits", ch.difficulty_bits,
                      range_text(runtime::min_difficulty_bits, runtime::max_difficulty_bits));
    if (!vm::parse_fork(ch.fork))
        return Problem{"chain.fork", "",
                       "chain.fork = " + in_quotes(ch.fork) + " is not a known fork (" + fork_list() + ")"};
    if (!in(ch.quorum_percent, runtime::min_quorum_percent, runtime::max_quorum_percent))
        return out_of("chain.quorum_percent", ch.quorum_percent,
                      range_text(runtime::min_quorum_percent, runtime::max_quorum_percent) +
                          " (more than half of the nodes)");
    if (ch.replay_nodes > ch.nodes)
        return out_of("chain.replay_nodes", ch.replay_nodes,
                      "must be 0..chain.nodes (" + std::to_string(ch.nodes) + ")");

    // inject
    for (size_t i = 0; i < c.inject.size(); ++i)
        if (!in(c.inject[i].epoch, 1u, c.epochs))
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

}  // namespace

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
    toml::table root;
    try {
        root = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        r.fail(e.source(), std::string(e.description()));
    }

    TrainConfig c;
    DataConfig& d = c.data;
    ModelConfig& m = c.model;
    OptimizerConfig& o = c.optimizer;
    DetectionConfig& det = c.detection;
    RecoveryConfig& rec = c.recovery;
    ChainSettings& ch = c.chain;
    using K = const std::string&;
    using N = const toml::node&;
    r.read_table(
        root, "",
        {
            {"epochs", [&](N n, K k) { c.epochs = r.integer<uint32_t>(n, k); }},
            {"seed", [&](N n, K k) { c.seed = r.integer<uint64_t>(n, k); }},
            {"threads", [&](N n, K k) { c.threads = r.integer<uint32_t>(n, k); }},
            {"inject", [&](N n, K k) { c.inject = r.injections(n, k); }},
            {"data",
             [&](N n, K k) {
                 r.read_table(
                     r.table(n, k), k,
                     {
                         {"source", [&](N v, K kk) { d.source = r.string(v, kk); }},
                         {"path", [&](N v, K kk) { d.path = r.string(v, kk); }},
                         {"labels", [&](N v, K kk) { d.labels = r.string(v, kk); }},
                         {"test_path", [&](N v, K kk) { d.test_path = r.string(v, kk); }},
                         {"test_labels", [&](N v, K kk) { d.test_labels = r.string(v, kk); }},
                         {"test_fraction", [&](N v, K kk) { d.test_fraction = r.number(v, kk); }},
                         {"train_limit", [&](N v, K kk) { d.train_limit = r.integer<uint64_t>(v, kk); }},
                         {"test_limit", [&](N v, K kk) { d.test_limit = r.integer<uint64_t>(v, kk); }},
                     });
             }},
            {"model",
             [&](N n, K k) {
                 r.read_table(r.table(n, k), k,
                              {
                                  {"kind", [&](N v, K kk) { m.kind = r.string(v, kk); }},
                                  {"hidden", [&](N v, K kk) { m.hidden = r.integers(v, kk); }},
                                  {"channels", [&](N v, K kk) { m.channels = r.integers(v, kk); }},
                              });
             }},
            {"optimizer",
             [&](N n, K k) {
                 r.read_table(
                     r.table(n, k), k,
                     {
                         {"kind", [&](N v, K kk) { o.kind = r.string(v, kk); }},
                         {"lr", [&](N v, K kk) { o.lr = r.number(v, kk); }},
                         {"momentum", [&](N v, K kk) { o.momentum = r.number(v, kk); }},
                         {"weight_decay", [&](N v, K kk) { o.weight_decay = r.number(v, kk); }},
                         {"schedule", [&](N v, K kk) { o.schedule = r.string(v, kk); }},
                         {"step_epochs", [&](N v, K kk) { o.step_epochs = r.integer<uint32_t>(v, kk); }},
                         {"gamma", [&](N v, K kk) { o.gamma = r.number(v, kk); }},
                         {"batch_size", [&](N v, K kk) { o.batch_size = r.integer<uint32_t>(v, kk); }},
                     });
             }},
            {"detection",
             [&](N n, K k) {
                 r.read_table(
                     r.table(n, k), k,
                     {
                         {"non_finite_loss", [&](N v, K kk) { det.non_finite_loss = r.boolean(v, kk); }},
                         {"accuracy_drop", [&](N v, K kk) { det.accuracy_drop = r.boolean(v, kk); }},
                         {"max_accuracy_drop", [&](N v, K kk) { det.max_accuracy_drop = r.number(v, kk); }},
                         {"overtraining", [&](N v, K kk) { det.overtraining = r.boolean(v, kk); }},
                         {"patience", [&](N v, K kk) { det.patience = r.integer<uint32_t>(v, kk); }},
                     });
             }},
            {"recovery",
             [&](N n, K k) {
                 r.read_table(r.table(n, k), k,
                              {
                                  {"lr_factor", [&](N v, K kk) { rec.lr_factor = r.number(v, kk); }},
                                  {"max_rollbacks",
                                   [&](N v, K kk) { rec.max_rollbacks = r.integer<uint32_t>(v, kk); }},
                              });
             }},
            {"chain",
             [&](N n, K k) {
                 r.read_table(
                     r.table(n, k), k,
                     {
                         {"nodes", [&](N v, K kk) { ch.nodes = r.integer<uint32_t>(v, kk); }},
                         {"difficulty_bits",
                          [&](N v, K kk) { ch.difficulty_bits = r.integer<uint32_t>(v, kk); }},
                         {"fork", [&](N v, K kk) { ch.fork = r.string(v, kk); }},
                         {"quorum_percent",
                          [&](N v, K kk) { ch.quorum_percent = r.integer<uint32_t>(v, kk); }},
                         {"replay_nodes", [&](N v, K kk) { ch.replay_nodes = r.integer<uint32_t>(v, kk); }},
                     });
             }},
        });

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
    out << "epochs = " << c.epochs << "\n";
    out << "seed = " << c.seed << "\n";
    out << "threads = " << c.threads << "\n";
    out << "inject = [";
    for (size_t i = 0; i < c.inject.size(); ++i)
        out << (i ? ", " : "") << '"' << c.inject[i].to_string() << '"';
    out << "]\n";

    out << "\n[data]\n";
    write_string(out, "source", c.data.source);
    write_string(out, "path", c.data.path.string());
    write_string(out, "labels", c.data.labels.string());
    write_string(out, "test_path", c.data.test_path.string());
    write_string(out, "test_labels", c.data.test_labels.string());
    out << "test_fraction = " << format_double(c.data.test_fraction) << "\n";
    out << "train_limit = " << c.data.train_limit << "\n";
    out << "test_limit = " << c.data.test_limit << "\n";

    out << "\n[model]\n";
    write_string(out, "kind", c.model.kind);
    write_integers(out, "hidden", c.model.hidden);
    write_integers(out, "channels", c.model.channels);

    out << "\n[optimizer]\n";
    write_string(out, "kind", c.optimizer.kind);
    out << "lr = " << format_double(c.optimizer.lr) << "\n";
    out << "momentum = " << format_double(c.optimizer.momentum) << "\n";
    out << "weight_decay = " << format_double(c.optimizer.weight_decay) << "\n";
    write_string(out, "schedule", c.optimizer.schedule);
    out << "step_epochs = " << c.optimizer.step_epochs << "\n";
    out << "gamma = " << format_double(c.optimizer.gamma) << "\n";
    out << "batch_size = " << c.optimizer.batch_size << "\n";

    out << "\n[detection]\n";
    out << "non_finite_loss = " << (c.detection.non_finite_loss ? "true" : "false") << "\n";
    out << "accuracy_drop = " << (c.detection.accuracy_drop ? "true" : "false") << "\n";
    out << "max_accuracy_drop = " << format_double(c.detection.max_accuracy_drop) << "\n";
    out << "overtraining = " << (c.detection.overtraining ? "true" : "false") << "\n";
    out << "patience = " << c.detection.patience << "\n";

    out << "\n[recovery]\n";
    out << "lr_factor = " << format_double(c.recovery.lr_factor) << "\n";
    out << "max_rollbacks = " << c.recovery.max_rollbacks << "\n";

    out << "\n[chain]\n";
    out << "nodes = " << c.chain.nodes << "\n";
    out << "difficulty_bits = " << c.chain.difficulty_bits << "\n";
    write_string(out, "fork", c.chain.fork);
    out << "quorum_percent = " << c.chain.quorum_percent << "\n";
    out << "replay_nodes = " << c.chain.replay_nodes << "\n";
    return out.str();
}

}  // namespace trainchain::training
