// cli/script.cpp - the scenario engine of `trainchain exec --script` (docs/scripting.md): reading
// a script, compiling its sources, running its steps as transactions and checking expectations.
#include "script.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include <fmt/core.h>

#include "trainchain/compiler/abi.hpp"
#include "trainchain/compiler/compiler.hpp"
#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/transaction.hpp"

namespace trainchain::cli::script {
namespace {

using namespace trainchain::vm;
namespace abi = trainchain::compiler::abi;
using json = nlohmann::ordered_json;

/// Where a message points: the script's file and, inside a step, the step.
struct Where {
    std::string file;
    size_t step = 0;  // 0: not in a step

    [[noreturn]] void fail(const std::string& what) const {
        if (step == 0) throw ScriptError(fmt::format("{}: {}", file, what));
        throw ScriptError(fmt::format("{}: step {}: {}", file, step, what));
    }
};

std::string type_name(const json& j) { return j.type_name(); }

/// The JSON value shortened for a message.
std::string shown(const json& j) {
    std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

bool is_identifier(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

void only_keys(const Where& w, const json& object, std::initializer_list<std::string_view> allowed,
               const std::string& what) {
    for (const auto& [key, value] : object.items())
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            w.fail(fmt::format("unknown field '{}' in {}", key, what));
}

const std::string& need_string(const Where& w, const json& j, const std::string& what) {
    if (!j.is_string()) w.fail(fmt::format("'{}' must be a string, not {} {}", what, type_name(j), shown(j)));
    return j.get_ref<const std::string&>();
}

/// A wei amount or another unsigned number: a JSON number or a string in decimal or 0x hex.
uint256 need_amount(const Where& w, const json& j, const std::string& what) {
    if (j.is_number_unsigned()) return uint256{j.get<uint64_t>()};
    if (j.is_number_integer()) w.fail(fmt::format("'{}' must not be negative: {}", what, shown(j)));
    if (j.is_number_float())
        w.fail(
            fmt::format("'{}' is not an integer: {} (write numbers beyond 2^64 as strings)", what, shown(j)));
    if (!j.is_string()) w.fail(fmt::format("'{}' must be a number, not {} {}", what, type_name(j), shown(j)));
    const auto& s = j.get_ref<const std::string&>();
    const auto v = s.empty() ? std::nullopt : uint256::parse(s);
    if (!v) w.fail(fmt::format("'{}' is not a number below 2^256 (decimal or 0x hex): {}", what, shown(j)));
    return *v;
}

/// A non-negative number that fits in int64 (gas, block number, timestamp).
int64_t need_int64(const Where& w, const json& j, const std::string& what) {
    const uint256 v = need_amount(w, j, what);
    if (uint256{static_cast<uint64_t>(INT64_MAX)} < v)
        w.fail(fmt::format("'{}' is too large (at most {}): {}", what, INT64_MAX, shown(j)));
    return static_cast<int64_t>(v.w[0]);
}

bytes need_hex(const Where& w, const json& j, const std::string& what) {
    const std::string& s = need_string(w, j, what);
    if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        w.fail(fmt::format("'{}' must be 0x-prefixed hex: {}", what, shown(j)));
    auto b = parse_hex_digits(std::string_view(s).substr(2));
    if (!b)
        w.fail(fmt::format("'{}' is not hex (an even number of hex digits after 0x): {}", what, shown(j)));
    return std::move(*b);
}

std::string to_hex0x(const bytes& b) { return "0x" + vm::to_hex(b); }

// ---- reading the script --------------------------------------------------------------------------

void check_block(const Where& w, const json& block) {
    if (!block.is_object()) w.fail(fmt::format("'block' must be an object, not {}", type_name(block)));
    only_keys(w, block,
              {"number", "timestamp", "coinbase", "gas_limit", "prevrandao", "base_fee", "chain_id"},
              "'block'");
    for (const auto& key : {"number", "timestamp", "gas_limit"})
        if (block.contains(key)) need_int64(w, block[key], std::string("block.") + key);
    for (const auto& key : {"prevrandao", "base_fee", "chain_id"})
        if (block.contains(key)) need_amount(w, block[key], std::string("block.") + key);
    if (block.contains("coinbase")) need_string(w, block["coinbase"], "block.coinbase");
}

void check_expect(const Where& w, const json& e, Step::Kind kind) {
    if (!e.is_object()) w.fail(fmt::format("'expect' must be an object, not {}", type_name(e)));
    only_keys(w, e, {"status", "returns", "output", "revert", "events", "balances", "gas_used", "address"},
              "'expect'");
    if (e.contains("status")) {
        const auto& s = need_string(w, e["status"], "expect.status");
        if (s != "success" && s != "revert" && s != "failure")
            w.fail(
                fmt::format("expect.status must be \"success\", \"revert\" or \"failure\", not \"{}\"", s));
    }
    if (e.contains("returns")) {
        if (kind == Step::Kind::Deploy) w.fail("expect.returns is for calls (a deployment returns its code)");
        if (!e["returns"].is_array()) w.fail("expect.returns must be an array of values");
    }
    if (e.contains("output")) need_hex(w, e["output"], "expect.output");
    if (e.contains("revert")) {
        const auto& r = e["revert"];
        if (r.is_string()) {
            need_hex(w, r, "expect.revert");
        } else if (r.is_object()) {
            only_keys(w, r, {"error", "args", "reason", "panic"}, "'expect.revert'");
            const int forms = int(r.contains("error")) + int(r.contains("reason")) + int(r.contains("panic"));
            if (forms != 1) w.fail("expect.revert needs exactly one of 'error', 'reason' or 'panic'");
            if (r.contains("error")) need_string(w, r["error"], "expect.revert.error");
            if (r.contains("args") && !r["args"].is_array()) w.fail("expect.revert.args must be an array");
            if (r.contains("args") && !r.contains("error")) w.fail("expect.revert.args goes with 'error'");
            if (r.contains("reason")) need_string(w, r["reason"], "expect.revert.reason");
            if (r.contains("panic")) need_amount(w, r["panic"], "expect.revert.panic");
        } else {
            w.fail("expect.revert must be an object ({error, args}, {reason} or {panic}) or hex");
        }
        if (e.contains("status") && e["status"] != "revert")
            w.fail("expect.revert goes with status \"revert\"");
    }
    if (e.contains("events")) {
        if (!e["events"].is_array()) w.fail("expect.events must be an array");
        for (size_t i = 0; i < e["events"].size(); ++i) {
            const auto& ev = e["events"][i];
            const std::string what = fmt::format("expect.events[{}]", i);
            if (!ev.is_object()) w.fail(what + " must be an object");
            only_keys(w, ev, {"address", "event", "args", "anonymous", "topics", "data"}, "'" + what + "'");
            if (ev.contains("address")) need_string(w, ev["address"], what + ".address");
            if (ev.contains("event")) {
                need_string(w, ev["event"], what + ".event");
                if (ev.contains("topics") || ev.contains("data"))
                    w.fail(what + ": give either 'event' and 'args' or raw 'topics' and 'data'");
                if (ev.contains("args") && !ev["args"].is_array()) w.fail(what + ".args must be an array");
                if (ev.contains("anonymous") && !ev["anonymous"].is_boolean())
                    w.fail(what + ".anonymous must be true or false");
            } else {
                if (ev.contains("args") || ev.contains("anonymous"))
                    w.fail(what + ": 'args' and 'anonymous' go with 'event'");
                if (!ev.contains("topics") || !ev["topics"].is_array())
                    w.fail(what + " needs 'event' (a signature) or 'topics' (an array of 0x hex)");
                if (ev["topics"].size() > 4) w.fail(what + ".topics: a log has at most 4 topics");
                for (const auto& t : ev["topics"])
                    if (need_hex(w, t, what + ".topics").size() != 32)
                        w.fail(what + ".topics: each topic is 32 bytes (64 hex digits): " + shown(t));
                if (ev.contains("data")) need_hex(w, ev["data"], what + ".data");
            }
        }
    }
    if (e.contains("balances")) {
        if (!e["balances"].is_object()) w.fail("expect.balances must be an object {\"@name\": wei}");
        for (const auto& [k, v] : e["balances"].items()) need_amount(w, v, "expect.balances." + k);
    }
    if (e.contains("gas_used")) need_int64(w, e["gas_used"], "expect.gas_used");
    if (e.contains("address")) {
        if (kind != Step::Kind::Deploy) w.fail("expect.address is for deployments");
        const auto& a = need_string(w, e["address"], "expect.address");
        if (!a.starts_with("@") && (a.size() != 42 || !address::parse(a)))
            w.fail("expect.address must be an address (0x and 40 hex digits) or @name: " + a);
    }
}

Step parse_step(const Where& w, const json& j, const std::set<std::string>& account_names,
                std::set<std::string>& names) {
    if (!j.is_object()) w.fail(fmt::format("a step must be an object, not {} {}", type_name(j), shown(j)));
    Step s;
    s.index = w.step;
    if (j.contains("deploy") == j.contains("call")) w.fail("a step needs exactly one of 'deploy' or 'call'");
    s.kind = j.contains("deploy") ? Step::Kind::Deploy : Step::Kind::Call;
    if (s.kind == Step::Kind::Deploy) {
        only_keys(
            w, j,
            {"deploy", "as", "from", "args", "value", "gas", "block", "expect", "reference", "description"},
            "a deploy step");
        s.target = need_string(w, j["deploy"], "deploy");
        if (s.target.empty()) w.fail("'deploy' must name a contract");
        if (j.contains("as")) {
            s.as = need_string(w, j["as"], "as");
            if (s.as.starts_with("@")) s.as.erase(0, 1);
            if (!is_identifier(s.as))
                w.fail(fmt::format("'as' must be a name (letters, digits, _), not '{}'", s.as));
            if (!names.insert(s.as).second)
                w.fail(fmt::format("duplicate name '{}' (an account or an earlier 'as')", s.as));
        }
    } else {
        only_keys(w, j,
                  {"call", "function", "args", "calldata", "from", "value", "gas", "block", "expect",
                   "reference", "description"},
                  "a call step");
        s.target = need_string(w, j["call"], "call");
        if (s.target.starts_with("@")) {
            if (!names.contains(s.target.substr(1)))
                w.fail(fmt::format("unknown account or contract '{}'", s.target));
        } else if (s.target.size() != 42 || !address::parse(s.target)) {
            w.fail(
                fmt::format("'call' must be @name or an address (0x and 40 hex digits), not '{}'", s.target));
        }
        if (j.contains("calldata")) {
            if (j.contains("function") || j.contains("args"))
                w.fail("give either 'calldata' or 'function' and 'args'");
            s.calldata = need_hex(w, j["calldata"], "calldata");
        } else {
            if (!j.contains("function")) w.fail("a call needs 'function' (or 'calldata')");
            s.function = need_string(w, j["function"], "function");
            if (s.function.empty()) w.fail("'function' must not be empty");
        }
    }
    s.args = json::array();
    if (j.contains("args")) {
        if (!j["args"].is_array())
            w.fail(fmt::format("'args' must be an array, not {} {}", type_name(j["args"]), shown(j["args"])));
        s.args = j["args"];
    }
    if (j.contains("from")) {
        s.from = need_string(w, j["from"], "from");
        if (!s.from.starts_with("@") || !account_names.contains(s.from.substr(1)))
            w.fail(
                fmt::format("unknown account '{}' in 'from' (an account of 'accounts', as @name)", s.from));
    }
    if (j.contains("value")) s.value = need_amount(w, j["value"], "value");
    if (j.contains("gas")) s.gas = need_int64(w, j["gas"], "gas");
    if (j.contains("block")) {
        check_block(w, j["block"]);
        s.block = j["block"];
    }
    s.expect = json::object();
    if (j.contains("expect")) {
        check_expect(w, j["expect"], s.kind);
        s.expect = j["expect"];
    }
    if (j.contains("reference")) s.reference = j["reference"];
    if (j.contains("description")) need_string(w, j["description"], "description");
    return s;
}

}  // namespace

Script parse_script(const std::string& text, const std::filesystem::path& file) {
    const Where w{file.string()};
    json doc;
    try {
        doc = json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        std::string what = e.what();
        if (const auto p = what.find("] "); what.starts_with("[json.exception") && p != std::string::npos)
            what.erase(0, p + 2);
        w.fail("malformed JSON: " + what);
    }
    if (!doc.is_object()) w.fail(fmt::format("a script is a JSON object, not {}", type_name(doc)));
    only_keys(w, doc,
              {"sources", "base_path", "include_paths", "fork", "accounts", "block", "steps", "reference",
               "description"},
              "the script");
    Script s;
    s.file = file;
    if (!doc.contains("sources")) w.fail("'sources' is missing (the .sol files to compile)");
    if (!doc["sources"].is_array() || doc["sources"].empty())
        w.fail("'sources' must be a non-empty array of file names");
    for (const auto& src : doc["sources"]) s.sources.push_back(need_string(w, src, "sources"));
    if (doc.contains("base_path")) s.base_path = need_string(w, doc["base_path"], "base_path");
    if (doc.contains("include_paths")) {
        if (!doc["include_paths"].is_array()) w.fail("'include_paths' must be an array of folders");
        for (const auto& p : doc["include_paths"])
            s.include_paths.push_back(need_string(w, p, "include_paths"));
    }
    if (doc.contains("fork")) {
        s.fork = need_string(w, doc["fork"], "fork");
        if (!parse_fork(s.fork)) w.fail(fmt::format("unknown fork '{}'", s.fork));
    }
    std::set<std::string> account_names, names;
    if (doc.contains("accounts")) {
        if (!doc["accounts"].is_object()) w.fail("'accounts' must be an object {\"name\": {...}}");
        for (const auto& [name, a] : doc["accounts"].items()) {
            if (!is_identifier(name))
                w.fail(fmt::format("account name '{}' is not a name (letters, digits, _)", name));
            if (!a.is_object()) w.fail(fmt::format("account '{}' must be an object", name));
            only_keys(w, a, {"balance", "address"}, "account '" + name + "'");
            Account acc{name, {}, uint256{1'000'000'000'000ULL} * uint256{1'000'000'000'000ULL}};
            if (a.contains("balance"))
                acc.balance = need_amount(w, a["balance"], "accounts." + name + ".balance");
            if (a.contains("address")) {
                const auto& hex = need_string(w, a["address"], "accounts." + name + ".address");
                const auto parsed = hex.size() == 42 ? address::parse(hex) : std::nullopt;
                if (!parsed)
                    w.fail(fmt::format("account '{}': address must be 0x and 40 hex digits: {}", name, hex));
                acc.addr = *parsed;
            } else {
                const std::string seed = "trainchain/account/" + name;
                const auto h = keccak256({reinterpret_cast<const uint8_t*>(seed.data()), seed.size()});
                std::copy(h.bytes.begin() + 12, h.bytes.end(), acc.addr.bytes.begin());
            }
            for (const auto& other : s.accounts)
                if (other.addr == acc.addr)
                    w.fail(fmt::format("accounts '{}' and '{}' have the same address", other.name, name));
            account_names.insert(name);
            names.insert(name);
            s.accounts.push_back(std::move(acc));
        }
    }
    if (doc.contains("block")) {
        check_block(w, doc["block"]);
        s.block = doc["block"];
    }
    if (!doc.contains("steps")) w.fail("'steps' is missing");
    if (!doc["steps"].is_array()) w.fail("'steps' must be an array");
    if (!doc["steps"].empty() && s.accounts.empty())
        w.fail("'accounts' names no account: steps are sent from the first account");
    for (size_t i = 0; i < doc["steps"].size(); ++i)
        s.steps.push_back(parse_step(Where{w.file, i + 1}, doc["steps"][i], account_names, names));
    return s;
}

Script load_script(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ScriptError(fmt::format("{}: cannot read the script", file.string()));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ScriptError(fmt::format("{}: cannot read the script", file.string()));
    return parse_script(text, file);
}

// ---- running ----------------------------------------------------------------------------------------

namespace {

/// A compiled contract with its ABI parsed.
struct Contract {
    const compiler::CompiledContract* compiled = nullptr;
    json abi;
};

/// The canonical type name of one ABI JSON parameter: a struct (`tuple`, `tuple[]`, ...) spelt as the
/// tuple of its components' types, `(uint256,string)[]`.
std::string canonical_type(const json& p, int depth = 0) {
    const std::string t = p.value("type", "");
    if (!t.starts_with("tuple") || depth > 32 || !p.contains("components") || !p["components"].is_array())
        return t;
    std::string out = "(";
    for (size_t i = 0; i < p["components"].size(); ++i)
        out += (i ? "," : "") + canonical_type(p["components"][i], depth + 1);
    return out + ")" + t.substr(5);
}

/// The ABI type of one ABI JSON parameter; nullopt for a type abi:: does not know.
std::optional<abi::Type> param_type(const json& p) {
    auto r = abi::parse_type(canonical_type(p));
    return r.value;
}

std::vector<abi::Type> param_types(const Where& w, const json& params, const std::string& of) {
    std::vector<abi::Type> out;
    for (const auto& p : params) {
        auto t = param_type(p);
        if (!t) w.fail(fmt::format("{} has a parameter of a type the script runner cannot encode", of));
        out.push_back(*t);
    }
    return out;
}

/// A signature with `indexed` marks (and optional parameter names): `E(uint256 indexed,string)`.
struct EventSig {
    abi::Signature sig;
    std::vector<bool> indexed;
};

std::optional<EventSig> parse_event(std::string_view text, std::string& error) {
    const auto open = text.find('(');
    if (open == std::string_view::npos || text.empty() || text.back() != ')') {
        error = "must look like Name(type indexed,type)";
        return std::nullopt;
    }
    EventSig e;
    std::string clean = std::string(text.substr(0, open)) + "(";
    const auto inner = text.substr(open + 1, text.size() - open - 2);
    std::vector<std::string> pieces;
    if (inner.find_first_not_of(" \t") != std::string_view::npos) {
        size_t start = 0;
        while (true) {
            const auto comma = inner.find(',', start);
            pieces.emplace_back(
                inner.substr(start, comma == std::string_view::npos ? inner.npos : comma - start));
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
    }
    for (size_t i = 0; i < pieces.size(); ++i) {
        std::istringstream words(pieces[i]);
        std::vector<std::string> tokens{std::istream_iterator<std::string>(words), {}};
        if (tokens.empty() || tokens.size() > 3 || (tokens.size() == 3 && tokens[1] != "indexed")) {
            error = fmt::format("parameter {} '{}' is not 'type', 'type indexed' or 'type [indexed] name'",
                                i + 1, pieces[i]);
            return std::nullopt;
        }
        e.indexed.push_back(tokens.size() >= 2 && tokens[1] == "indexed");
        clean += (i ? "," : "") + tokens[0];
    }
    auto sig = abi::parse_signature(clean + ")");
    if (!sig) {
        error = sig.error;
        return std::nullopt;
    }
    if (std::count(e.indexed.begin(), e.indexed.end(), true) > 4) {
        error = "more than 4 indexed parameters";
        return std::nullopt;
    }
    e.sig = std::move(*sig.value);
    return e;
}

/// Expected values as a reader compares them with decoded ones: `@name`, hex and numbers bare,
/// other strings JSON-quoted (as abi::decode writes strings), arrays in brackets.
std::string show_values(const json& v) {
    if (v.is_array()) {
        std::string out = "[";
        for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + show_values(v[i]);
        return out + "]";
    }
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        const bool number = !s.empty() && s.find_first_not_of("-0123456789") == std::string::npos;
        if (number || s.starts_with("@") || s.starts_with("0x")) return s;
    }
    return shown(v);
}

/// JSON escaping for a string inside an array (abi::encode's text form keeps it whole).
std::string quoted(const std::string& s) { return "\"" + s + "\""; }

/// The state of one run: names, contracts, the host.
class Runner {
public:
    Runner(const Script& script, const RunOptions& options) : script_(script), w_{script.file.string()} {
        compile(options);
        std::string fork_name = !options.fork.empty()  ? options.fork
                                : !script.fork.empty() ? script.fork
                                                       : "Cancun";
        const auto fork = parse_fork(fork_name);
        if (!fork) {
            if (!options.fork.empty()) throw ScriptError(fmt::format("--fork: unknown fork '{}'", fork_name));
            w_.fail(fmt::format("unknown fork '{}'", fork_name));
        }
        ctx_.number = 1;
        ctx_.timestamp = 1;
        ctx_.gas_limit = 30'000'000;
        ctx_.chain_id = uint256{1};
        host_.emplace(*fork, ctx_);
        for (const auto& a : script.accounts) {
            names_[a.name] = a.addr;
            host_->accounts[a.addr].balance = a.balance;
        }
        if (!script.block.is_null()) apply_block(w_, script.block);
        host_->set_tx_context(ctx_);
    }

    std::vector<StepResult> run() {
        std::vector<StepResult> out;
        for (const auto& step : script_.steps) out.push_back(run_step(step));
        return out;
    }

private:
    // ---- compiling ----
    void compile(const RunOptions& options) {
        const auto dir = script_.file.parent_path();
        compiler::Options co;
        co.optimize = options.optimize;
        if (options.base_path)
            co.base_path = *options.base_path;
        else
            co.base_path = (dir / script_.base_path.value_or(".")).lexically_normal().string();
        for (const auto& p : script_.include_paths)
            co.include_paths.push_back((dir / p).lexically_normal().string());
        for (const auto& p : options.include_paths) co.include_paths.push_back(p);
        results_.reserve(script_.sources.size());  // contracts_ points into the results
        for (const auto& src : script_.sources) {
            const auto path = (dir / src).lexically_normal();
            std::ifstream in(path, std::ios::binary);
            if (!in) w_.fail(fmt::format("sources: cannot read '{}'", path.string()));
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            results_.push_back(compiler::compile(text, path.string(), co));
            const auto& r = results_.back();
            if (!r.ok()) {
                std::string diags;
                for (const auto& d : r.diagnostics)
                    if (d.severity == compiler::Diagnostic::Severity::Error) diags += d.format();
                while (!diags.empty() && diags.back() == '\n') diags.pop_back();
                w_.fail(fmt::format("sources: '{}' does not compile:\n{}", path.string(), diags));
            }
            for (const auto& c : r.contracts) {
                const auto it = contracts_.find(c.name);
                if (it != contracts_.end()) {
                    if (it->second.compiled->init_code != c.init_code)
                        w_.fail(fmt::format("sources: two different contracts are named '{}'", c.name));
                    continue;
                }
                contracts_[c.name] = Contract{&c, json::parse(c.abi_json)};
            }
        }
        for (const auto& [name, c] : contracts_)
            for (const auto& e : c.abi)
                if (e.value("type", "") == "error") {
                    std::vector<abi::Type> types;
                    bool ok = true;
                    for (const auto& p : e["inputs"]) {
                        auto t = param_type(p);
                        if (!t)
                            ok = false;
                        else
                            types.push_back(*t);
                    }
                    if (!ok) continue;
                    abi::Signature sig{e["name"].get<std::string>(), types};
                    errors_.emplace(sig.selector(), sig);
                }
    }

    // ---- names and values ----
    address resolve(const Where& w, const std::string& text, const std::string& what) const {
        if (text.starts_with("@")) {
            const auto it = names_.find(text.substr(1));
            if (it == names_.end()) w.fail(fmt::format("unknown account '{}' in {}", text, what));
            return it->second;
        }
        const auto a = text.size() == 42 ? address::parse(text) : std::nullopt;
        if (!a) w.fail(fmt::format("{}: '{}' is not an address (0x and 40 hex digits) or @name", what, text));
        return *a;
    }

    /// A JSON value as abi::encode reads it, for type `t`.
    std::string abi_text(const Where& w, const json& v, const abi::Type& t, const std::string& what,
                         bool nested) const {
        using K = abi::Type::Kind;
        switch (t.kind) {
            case K::Uint:
            case K::Int:
                if (v.is_number_integer()) return v.dump();
                if (v.is_number_float())
                    w.fail(fmt::format("{}: {} is not an integer (write numbers beyond 2^64 as strings)",
                                       what, shown(v)));
                if (v.is_string() && !v.get_ref<const std::string&>().empty()) {
                    const auto& s = v.get_ref<const std::string&>();
                    if (s.find_first_of(",[]\" ") != std::string::npos)
                        w.fail(fmt::format("{}: '{}' is not an integer", what, s));
                    return s;
                }
                break;
            case K::Address:
                if (v.is_string()) return resolve(w, v.get<std::string>(), what).to_hex();
                break;
            case K::Bool:
                if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
                break;
            case K::FixedBytes:
            case K::Bytes:
                if (v.is_string()) return to_hex0x(need_hex(w, v, what));
                break;
            case K::String:
                if (v.is_string()) {
                    const auto& s = v.get_ref<const std::string&>();
                    if (nested && s.find_first_of("\"\\") != std::string::npos)
                        w.fail(
                            fmt::format("{}: a string inside an array cannot hold '\"' or '\\' yet", what));
                    return quoted(s);
                }
                break;
            case K::Array:
                if (v.is_array()) {
                    std::string out = "[";
                    for (size_t i = 0; i < v.size(); ++i)
                        out += (i ? "," : "") +
                               abi_text(w, v[i], *t.element, fmt::format("{}[{}]", what, i), true);
                    return out + "]";
                }
                break;
            case K::Tuple:
                if (v.is_array() && v.size() == t.components.size()) {
                    std::string out = "[";
                    for (size_t i = 0; i < v.size(); ++i)
                        out += (i ? "," : "") +
                               abi_text(w, v[i], t.components[i], fmt::format("{}[{}]", what, i), true);
                    return out + "]";
                }
                break;
        }
        w.fail(fmt::format("{}: {} {} is not a {} value", what, type_name(v), shown(v), t.canonical()));
    }

    bytes encode(const Where& w, const std::vector<abi::Type>& types, const json& values,
                 const std::string& what) const {
        if (!values.is_array()) w.fail(what + " must be an array");
        if (values.size() != types.size())
            w.fail(fmt::format("{}: {} value(s) for {} parameter(s) {}", what, values.size(), types.size(),
                               abi::Signature{"", types}.canonical()));
        std::vector<std::string> texts;
        for (size_t i = 0; i < types.size(); ++i)
            texts.push_back(abi_text(w, values[i], types[i], fmt::format("{}[{}]", what, i), false));
        auto r = abi::encode(types, texts);
        if (!r) w.fail(fmt::format("{}: {}", what, r.error));
        return std::move(*r.value);
    }

    /// Decoded values with known addresses written @name.
    std::string named(std::string text) const {
        for (const auto& [name, a] : names_) {
            const std::string hex = a.to_hex();
            for (size_t p = text.find(hex); p != std::string::npos; p = text.find(hex, p))
                text.replace(p, hex.size(), "@" + name);
        }
        return text;
    }

    std::optional<std::string> decode_list(const std::vector<abi::Type>& types, bytes_view data) const {
        auto d = abi::decode(types, data);
        if (!d) return std::nullopt;
        std::string out = "[";
        for (size_t i = 0; i < d.value->size(); ++i) out += (i ? "," : "") + (*d.value)[i];
        return named(out + "]");
    }

    /// Revert data decoded: Error(string), Panic(uint256) or a custom error of the sources.
    std::string describe_revert(const bytes& data) const {
        if (data.size() >= 4) {
            std::array<uint8_t, 4> sel{data[0], data[1], data[2], data[3]};
            const bytes_view rest(data.data() + 4, data.size() - 4);
            std::optional<abi::Signature> sig;
            if (sel == abi::selector("Error(string)"))
                sig = *abi::parse_signature("Error(string)").value;
            else if (sel == abi::selector("Panic(uint256)"))
                sig = *abi::parse_signature("Panic(uint256)").value;
            else if (const auto it = errors_.find(sel); it != errors_.end())
                sig = it->second;
            if (sig) {
                auto args = decode_list(sig->params, rest);
                if (args) return sig->name + "(" + args->substr(1, args->size() - 2) + ")";
            }
        }
        return data.empty() ? "0x (empty)" : to_hex0x(data);
    }

    // ---- block ----
    void apply_block(const Where& w, const json& block) {
        if (block.contains("number")) ctx_.number = need_int64(w, block["number"], "block.number");
        if (block.contains("timestamp"))
            ctx_.timestamp = need_int64(w, block["timestamp"], "block.timestamp");
        if (block.contains("gas_limit"))
            ctx_.gas_limit = need_int64(w, block["gas_limit"], "block.gas_limit");
        if (block.contains("prevrandao"))
            ctx_.prevrandao = need_amount(w, block["prevrandao"], "block.prevrandao");
        if (block.contains("base_fee")) ctx_.base_fee = need_amount(w, block["base_fee"], "block.base_fee");
        if (block.contains("chain_id")) ctx_.chain_id = need_amount(w, block["chain_id"], "block.chain_id");
        if (block.contains("coinbase"))
            ctx_.coinbase = resolve(w, block["coinbase"].get<std::string>(), "block.coinbase");
    }

    // ---- one step ----
    StepResult run_step(const Step& step) {
        const Where w{w_.file, step.index};
        if (!step.block.is_null()) {
            apply_block(w, step.block);
            host_->set_tx_context(ctx_);
        }
        StepResult r;
        r.index = step.index;
        r.reference = step.reference;
        Transaction tx;
        tx.sender = step.from.empty() ? script_.accounts.front().addr : resolve(w, step.from, "from");
        tx.value = step.value;
        tx.gas_limit = step.gas;
        const Contract* callee = nullptr;               // the called contract, when the script deployed it
        std::optional<std::vector<abi::Type>> outputs;  // the called function's return types
        if (step.kind == Step::Kind::Deploy) {
            const auto it = contracts_.find(step.target);
            if (it == contracts_.end()) {
                std::string known;
                for (const auto& [name, c] : contracts_) known += (known.empty() ? "" : ", ") + name;
                w.fail(fmt::format("unknown contract '{}' (the sources define: {})", step.target,
                                   known.empty() ? "none" : known));
            }
            callee = &it->second;
            r.what = "deploy " + step.target + (step.as.empty() ? "" : " as " + step.as);
            std::vector<abi::Type> ctor;
            for (const auto& e : callee->abi)
                if (e.value("type", "") == "constructor")
                    ctor = param_types(w, e["inputs"], "the constructor of " + step.target);
            tx.data = callee->compiled->init_code;
            const bytes args = encode(w, ctor, step.args, "args");
            tx.data.insert(tx.data.end(), args.begin(), args.end());
        } else {
            tx.to = resolve(w, step.target, "call");
            if (const auto it = deployed_.find(*tx.to); it != deployed_.end()) callee = it->second;
            if (step.calldata) {
                tx.data = *step.calldata;
                r.what = fmt::format("call {} calldata {}", step.target, to_hex0x(*step.calldata));
            } else {
                abi::Signature sig = function_signature(w, step, callee, outputs);
                const auto sel = sig.selector();
                tx.data.assign(sel.begin(), sel.end());
                const bytes args = encode(w, sig.params, step.args, "args");
                tx.data.insert(tx.data.end(), args.begin(), args.end());
                r.what = fmt::format("call {} {}", step.target, sig.canonical());
            }
        }
        const TxOutcome out = execute_transaction(*host_, tx);
        if (!out.receipt) {
            r.status = "invalid";
            r.invalid = out.error;
        } else {
            const Receipt& rc = *out.receipt;
            r.status = std::string(status_name(rc.status));
            r.gas_used = rc.gas_used;
            r.output = rc.output;
            r.logs = rc.logs;
            r.created = rc.created;
            if (rc.created) r.code_size = host_->get_code_size(*rc.created);
            if (rc.status == Status::Revert) r.decoded = describe_revert(rc.output);
            if (rc.status == Status::Success && outputs)
                if (auto d = decode_list(*outputs, rc.output)) r.decoded = *d;
        }
        // The step's own name is known to its expectations (events of a constructor at @token).
        if (step.kind == Step::Kind::Deploy && r.created) {
            deployed_[*r.created] = callee;
            if (!step.as.empty()) names_[step.as] = *r.created;
        }
        check(w, step, r, outputs);
        return r;
    }

    abi::Signature function_signature(const Where& w, const Step& step, const Contract* callee,
                                      std::optional<std::vector<abi::Type>>& outputs) const {
        const bool full = step.function.find('(') != std::string::npos;
        std::optional<abi::Signature> wanted;
        if (full) {
            auto sig = abi::parse_signature(step.function);
            if (!sig) w.fail("function: " + sig.error);
            wanted = *sig.value;
        }
        if (!callee) {
            if (!wanted)
                w.fail(fmt::format(
                    "function '{}': give a signature (name(types)): {} is not a contract this script "
                    "deployed",
                    step.function, step.target));
            return *wanted;
        }
        std::vector<std::pair<abi::Signature, const json*>> found;
        for (const auto& e : callee->abi) {
            if (e.value("type", "") != "function") continue;
            const std::string name = e["name"].get<std::string>();
            if (name != (wanted ? wanted->name : step.function)) continue;
            std::vector<abi::Type> params;
            bool ok = true;
            for (const auto& p : e["inputs"]) {
                auto t = param_type(p);
                if (!t)
                    ok = false;
                else
                    params.push_back(*t);
            }
            abi::Signature sig{name, params};
            if (!ok) {
                if (!wanted)
                    w.fail(fmt::format(
                        "function '{}' has a parameter of a type the script runner cannot encode", name));
                continue;
            }
            if (wanted && sig.canonical() != wanted->canonical()) continue;
            found.emplace_back(sig, &e);
        }
        const std::string contract = callee->compiled->name;
        if (found.empty())
            w.fail(fmt::format("unknown function '{}' of {} ({})",
                               wanted ? wanted->canonical() : step.function, contract, step.target));
        if (found.size() > 1)
            w.fail(fmt::format("{} has several functions named '{}': give the signature", contract,
                               step.function));
        std::vector<abi::Type> outs;
        bool ok = true;
        for (const auto& o : (*found.front().second)["outputs"]) {
            auto t = param_type(o);
            if (!t)
                ok = false;
            else
                outs.push_back(*t);
        }
        if (ok) outputs = outs;
        return found.front().first;
    }

    // ---- expectations ----
    void check(const Where& w, const Step& step, StepResult& r,
               const std::optional<std::vector<abi::Type>>& outputs) const {
        const json& e = step.expect;
        auto miss = [&](std::string what, std::string expected, std::string got) {
            r.mismatches.push_back({std::move(what), std::move(expected), std::move(got)});
        };
        const std::string actual =
            r.status == "success" || r.status == "revert" || r.status == "invalid" ? r.status : "failure";
        const std::string expected = e.contains("status")   ? e["status"].get<std::string>()
                                     : e.contains("revert") ? "revert"
                                                            : "success";
        if (expected != actual) {
            std::string got = actual;
            if (actual == "failure") got += " (" + r.status + ")";
            if (actual == "revert") got += " " + r.decoded;
            if (actual == "invalid") got += " transaction: " + r.invalid;
            miss("status", expected, got);
        }
        if (e.contains("returns")) {
            if (!outputs)
                w.fail(
                    "expect.returns needs the function's ABI: the target is not a contract this "
                    "script deployed, or its outputs have a type the runner cannot decode; use "
                    "expect.output");
            const bytes want = encode(w, *outputs, e["returns"], "expect.returns");
            if (actual == "success" && want != r.output)
                miss("returns", show_values(e["returns"]),
                     r.decoded.empty() ? to_hex0x(r.output) : r.decoded);
        }
        if (e.contains("output")) {
            const bytes want = need_hex(w, e["output"], "expect.output");
            if (want != r.output) miss("output", to_hex0x(want), to_hex0x(r.output));
        }
        if (e.contains("revert")) {
            const json& rv = e["revert"];
            bytes want;
            std::string shown_want;
            if (rv.is_string()) {
                want = need_hex(w, rv, "expect.revert");
                shown_want = describe_revert(want);
            } else if (rv.contains("error")) {
                auto sig = abi::parse_signature(rv["error"].get<std::string>());
                if (!sig) w.fail("expect.revert.error: " + sig.error);
                const auto sel = sig.value->selector();
                want.assign(sel.begin(), sel.end());
                const bytes args =
                    encode(w, sig.value->params, rv.value("args", json::array()), "expect.revert.args");
                want.insert(want.end(), args.begin(), args.end());
                const std::string args_shown = show_values(rv.value("args", json::array()));
                shown_want = sig.value->name + "(" + args_shown.substr(1, args_shown.size() - 2) + ")";
            } else if (rv.contains("reason")) {
                const auto sel = abi::selector("Error(string)");
                want.assign(sel.begin(), sel.end());
                const bytes args = encode(w, {*abi::parse_type("string").value}, json::array({rv["reason"]}),
                                          "expect.revert.reason");
                want.insert(want.end(), args.begin(), args.end());
                shown_want = "Error(" + rv["reason"].dump() + ")";
            } else {
                const uint256 code = need_amount(w, rv["panic"], "expect.revert.panic");
                const auto sel = abi::selector("Panic(uint256)");
                want.assign(sel.begin(), sel.end());
                want.resize(36);
                code.to_be(want.data() + 4);
                shown_want = "Panic(" + code.to_dec() + ")";
            }
            if (actual == "revert" && want != r.output) miss("revert", shown_want, r.decoded);
        }
        if (e.contains("events")) check_events(w, e["events"], r, miss);
        if (e.contains("balances"))
            for (const auto& [k, v] : e["balances"].items()) {
                const address a = resolve(w, k, "expect.balances");
                const uint256 want = need_amount(w, v, "expect.balances." + k);
                const uint256 got = host_->get_balance(a);
                if (want != got) miss("balances." + k, want.to_dec(), got.to_dec());
            }
        if (e.contains("gas_used")) {
            const int64_t want = need_int64(w, e["gas_used"], "expect.gas_used");
            if (want != r.gas_used) miss("gas_used", std::to_string(want), std::to_string(r.gas_used));
        }
        if (e.contains("address")) {
            const address want = resolve(w, e["address"].get<std::string>(), "expect.address");
            const std::string got = r.created ? r.created->to_hex() : "no contract";
            if (!r.created || *r.created != want) miss("address", want.to_hex(), got);
        }
    }

    template <class Miss>
    void check_events(const Where& w, const json& events, const StepResult& r, Miss& miss) const {
        auto raw = [&](const LogRecord& l) {
            std::string s = named(l.addr.to_hex()) + " topics [";
            for (size_t i = 0; i < l.topics.size(); ++i) s += (i ? "," : "") + l.topics[i].to_hex();
            return s + "] data " + to_hex0x(l.data);
        };
        for (size_t i = 0; i < std::max(events.size(), r.logs.size()); ++i) {
            const std::string what = fmt::format("events[{}]", i);
            if (i >= events.size()) {
                miss(what, "no more events", raw(r.logs[i]));
                continue;
            }
            const json& ev = events[i];
            LogRecord want;
            std::string shown_want;
            std::optional<EventSig> typed;
            if (ev.contains("event")) {
                std::string error;
                typed = parse_event(ev["event"].get<std::string>(), error);
                if (!typed) w.fail(fmt::format("expect.{}.event: {}", what, error));
                const json args = ev.value("args", json::array());
                if (args.size() != typed->sig.params.size())
                    w.fail(fmt::format("expect.{}.args: {} value(s) for {} parameter(s)", what, args.size(),
                                       typed->sig.params.size()));
                if (!ev.value("anonymous", false)) {
                    const auto h = keccak256({reinterpret_cast<const uint8_t*>(typed->sig.canonical().data()),
                                              typed->sig.canonical().size()});
                    want.topics.push_back(h);
                }
                std::vector<abi::Type> data_types;
                json data_values = json::array();
                for (size_t p = 0; p < typed->sig.params.size(); ++p) {
                    const auto& t = typed->sig.params[p];
                    const std::string where = fmt::format("expect.{}.args[{}]", what, p);
                    if (!typed->indexed[p]) {
                        data_types.push_back(t);
                        data_values.push_back(args[p]);
                        continue;
                    }
                    if (t.kind == abi::Type::Kind::String || t.kind == abi::Type::Kind::Bytes) {
                        bytes content;
                        if (t.kind == abi::Type::Kind::Bytes)
                            content = need_hex(w, args[p], where);
                        else {
                            const auto& s = need_string(w, args[p], where);
                            content.assign(s.begin(), s.end());
                        }
                        want.topics.push_back(keccak256(content));
                    } else if (t.kind == abi::Type::Kind::Array) {
                        w.fail(where + ": indexed arrays are not supported; give the topic raw");
                    } else {
                        const bytes word = encode(w, {t}, json::array({args[p]}), where);
                        bytes32 topic;
                        std::copy(word.begin(), word.end(), topic.bytes.begin());
                        want.topics.push_back(topic);
                    }
                }
                want.data = encode(w, data_types, data_values, fmt::format("expect.{}.args", what));
                const std::string args_shown = show_values(args);
                shown_want = typed->sig.name + "(" + args_shown.substr(1, args_shown.size() - 2) + ")";
            } else {
                for (const auto& t : ev["topics"]) {
                    bytes32 topic;
                    const bytes b = need_hex(w, t, "expect." + what + ".topics");
                    std::copy(b.begin(), b.end(), topic.bytes.begin());
                    want.topics.push_back(topic);
                }
                if (ev.contains("data")) want.data = need_hex(w, ev["data"], "expect." + what + ".data");
            }
            std::optional<address> want_addr;
            if (ev.contains("address"))
                want_addr = resolve(w, ev["address"].get<std::string>(), "expect." + what + ".address");
            if (want_addr) want.addr = *want_addr;
            if (!typed)
                shown_want = raw(want);
            else if (want_addr)
                shown_want += " at " + named(want_addr->to_hex());
            if (i >= r.logs.size()) {
                miss(what, shown_want, "no event");
                continue;
            }
            const LogRecord& got = r.logs[i];
            if ((want_addr && got.addr != *want_addr) || got.topics != want.topics || got.data != want.data)
                miss(what, shown_want,
                     typed ? describe_log(*typed, ev.value("anonymous", false), got) : raw(got));
        }
    }

    /// A log read with an expected event's types, or raw when it does not fit them.
    std::string describe_log(const EventSig& e, bool anonymous, const LogRecord& l) const {
        std::string raw = named(l.addr.to_hex()) + " topics [";
        for (size_t i = 0; i < l.topics.size(); ++i) raw += (i ? "," : "") + l.topics[i].to_hex();
        raw += "] data " + to_hex0x(l.data);
        const size_t indexed = static_cast<size_t>(std::count(e.indexed.begin(), e.indexed.end(), true));
        if (l.topics.size() != indexed + (anonymous ? 0 : 1)) return raw;
        const std::string canonical = e.sig.canonical();
        if (!anonymous &&
            l.topics[0] != keccak256({reinterpret_cast<const uint8_t*>(canonical.data()), canonical.size()}))
            return raw;
        std::vector<abi::Type> data_types;
        for (size_t p = 0; p < e.sig.params.size(); ++p)
            if (!e.indexed[p]) data_types.push_back(e.sig.params[p]);
        auto data = abi::decode(data_types, l.data);
        if (!data) return raw;
        std::string out = e.sig.name + "(";
        size_t topic = anonymous ? 0 : 1, d = 0;
        for (size_t p = 0; p < e.sig.params.size(); ++p) {
            out += p ? "," : "";
            if (!e.indexed[p]) {
                out += (*data.value)[d++];
                continue;
            }
            const auto& t = e.sig.params[p];
            const bytes word(l.topics[topic].bytes.begin(), l.topics[topic].bytes.end());
            ++topic;
            auto v = t.dynamic() ? std::nullopt : abi::decode({t}, word).value;
            out += v ? v->front() : "keccak " + to_hex0x(word);
        }
        return named(out + ") at " + l.addr.to_hex());
    }

    const Script& script_;
    Where w_;
    std::vector<compiler::CompileResult> results_;  // owns the compiled contracts
    std::map<std::string, Contract> contracts_;
    std::map<std::array<uint8_t, 4>, abi::Signature> errors_;
    std::map<std::string, address> names_;
    std::map<address, const Contract*> deployed_;
    TxContext ctx_;
    std::optional<InMemoryHost> host_;
};

}  // namespace

std::vector<StepResult> run_script(const Script& script, const RunOptions& options) {
    Runner runner(script, options);
    return runner.run();
}

nlohmann::ordered_json results_json(const std::vector<StepResult>& results) {
    json out = json::array();
    for (const auto& r : results) {
        json j;
        j["step"] = r.index;
        j["what"] = r.what;
        j["status"] = r.status;
        if (!r.invalid.empty()) j["invalid"] = r.invalid;
        j["gas_used"] = r.gas_used;
        if (r.created) j["address"] = r.created->to_hex();
        if (r.code_size) j["code_size"] = *r.code_size;
        j["output"] = to_hex0x(r.output);
        if (!r.decoded.empty()) j["decoded"] = r.decoded;
        j["logs"] = json::array();
        for (const auto& l : r.logs) {
            json lj;
            lj["address"] = l.addr.to_hex();
            lj["topics"] = json::array();
            for (const auto& t : l.topics) lj["topics"].push_back(t.to_hex());
            lj["data"] = to_hex0x(l.data);
            j["logs"].push_back(lj);
        }
        if (!r.reference.is_null()) j["reference"] = r.reference;
        j["ok"] = r.mismatches.empty();
        j["failures"] = json::array();
        for (const auto& m : r.mismatches)
            j["failures"].push_back({{"what", m.what}, {"expected", m.expected}, {"got", m.got}});
        out.push_back(j);
    }
    return out;
}

}  // namespace trainchain::cli::script
