// tests/unit/compiler/compiler_corpus_test.cpp - the compiler's semantic corpus: every
// tests/golden/contracts/*.sol is compiled (with and without the optimizer), its contract deployed on the VM,
// and the calls of its expectation lines run in order against the same state, each checked for its return
// values or revert data and for the logs it emits.
//
// The expectations follow the `// ----` line at the end of a file, one per line:
//
//   // constructor(uint256,address): 5, 0x000000000000000000000000000000000000beef ->
//   // f(uint256,bool): 1, true -> 5, false
//   // g(): {value: 100} ->
//   // h() -> REVERT | REVERT Error("message") | PANIC 0x11 | REVERT MyError(uint256): 42 | REVERT 0x..
//   // ~ emit Transfer(address,address,uint256): #0x..01, #0x..02, 7
//   // ~ anonymous emit Note(uint256): #1
//   // ~ from 0x<40 hex digits> emit Added(uint256): 5   (a log of another contract)
//   // f(uint8): calldata 0x00..0100 -> REVERT     (raw bytes after the selector)
//   // receive(): {value: 5} ->                     (empty calldata)
//   // fallback(): calldata 0x12345678 ->           (raw calldata, no selector)
//   // fallback(): calldata 0x01 -> 0x0101          (raw return data, for fallback(bytes) returns (bytes))
//
// Values are written as compiler::abi::encode reads them; expected return values are compared as
// their exact ABI encoding (so `5` and `0x05` are the same uint256). A `~` line lists a log of the
// call above it: all logs of a call are listed, in order; `#` marks an indexed value; logs come
// from the called contract unless `from` names another account. The deployed contract is the last
// of the file, or the one a `// contract: Name` line names.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"
#include "trainchain/compiler/abi.hpp"
#include "trainchain/compiler/compiler.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/transaction.hpp"

namespace fs = std::filesystem;
namespace abi = trainchain::compiler::abi;
namespace compiler = trainchain::compiler;
using namespace trainchain::vm;

namespace {

// ---- the harness's world -----------------------------------------------------------------------

const address caller = *address::parse("0x000000000000000000000000000000000000ca11");
constexpr int64_t tx_gas = 30'000'000;

/// The block the corpus runs in: number 1, timestamp 1000, chain 1; gas price and base fee zero.
TxContext corpus_context() {
    TxContext ctx;
    ctx.origin = caller;
    ctx.number = 1;
    ctx.timestamp = 1000;
    ctx.gas_limit = tx_gas;
    ctx.chain_id = uint256{1};
    return ctx;
}

/// The caller's starting balance: 10^24 wei (a million ether).
uint256 caller_balance() { return *uint256::parse("1000000000000000000000000"); }

// ---- text helpers ------------------------------------------------------------------------------

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
    return std::string(s.substr(b, e - b));
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// Splits at the commas outside quotes, brackets and parentheses; empty input gives no items.
std::vector<std::string> split_top(std::string_view s) {
    std::vector<std::string> out;
    if (trim(s).empty()) return out;
    int depth = 0;
    bool quoted = false;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"')
            quoted = true;
        else if (c == '[' || c == '(' || c == '{')
            ++depth;
        else if (c == ']' || c == ')' || c == '}')
            --depth;
        else if (c == ',' && depth == 0) {
            out.push_back(trim(s.substr(start, i - start)));
            start = i + 1;
        }
    }
    out.push_back(trim(s.substr(start)));
    return out;
}

/// Position of `token` outside quotes, or npos.
size_t find_top(std::string_view s, std::string_view token) {
    bool quoted = false;
    for (size_t i = 0; i < s.size(); ++i) {
        if (quoted) {
            if (s[i] == '\\')
                ++i;
            else if (s[i] == '"')
                quoted = false;
            continue;
        }
        if (s[i] == '"')
            quoted = true;
        else if (s.substr(i, token.size()) == token)
            return i;
    }
    return std::string_view::npos;
}

/// End (one past) of a leading `name(...)`: the parenthesis that closes the first one.
size_t signature_end(std::string_view s) {
    const size_t open = s.find('(');
    if (open == std::string_view::npos) return open;
    int depth = 0;
    for (size_t i = open; i < s.size(); ++i) {
        if (s[i] == '(') ++depth;
        if (s[i] == ')' && --depth == 0) return i + 1;
    }
    return std::string_view::npos;
}

std::string hex(bytes_view b) { return "0x" + to_hex(b); }

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out;
}

// ---- expectations ------------------------------------------------------------------------------

/// Thrown for a malformed expectation line.
struct ParseError {
    std::string message;
};

/// How a call must end: successfully with this exact return data, or reverting with this data.
struct Outcome {
    bool success = true;
    std::vector<std::string> values;  ///< success: the expected return values, as written
    bytes revert_data;                ///< revert: the exact revert data
    std::string text;                 ///< as written, for messages
};

/// One expected log.
struct ExpectedLog {
    size_t line = 0;
    std::string text;
    std::optional<address> from;  ///< the emitting account; the called contract when not given
    std::vector<bytes32> topics;
    bytes data;
};

/// One expectation line (a constructor or a function call) and the logs listed under it.
struct Step {
    size_t line = 0;
    std::string text;
    bool constructor = false;
    abi::Signature sig;
    std::vector<std::string> args;
    bytes calldata;  ///< what follows the selector (none for receive() and fallback())
    uint256 value;
    Outcome outcome;
    std::vector<ExpectedLog> logs;
};

abi::Signature signature_of(std::string_view text) {
    auto sig = abi::parse_signature(text);
    if (!sig) throw ParseError{sig.error};
    return *sig.value;
}

bytes encode_or_throw(const std::vector<abi::Type>& types, const std::vector<std::string>& values,
                      const std::string& what) {
    auto enc = abi::encode(types, values);
    if (!enc) throw ParseError{what + ": " + enc.error};
    return *enc.value;
}

bytes with_selector(std::array<uint8_t, 4> sel, const bytes& body) {
    bytes out(sel.begin(), sel.end());
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Outcome parse_outcome(const std::string& text) {
    Outcome o;
    o.text = text;
    if (text.empty()) return o;
    if (starts_with(text, "PANIC")) {
        o.success = false;
        const std::string code = trim(std::string_view(text).substr(5));
        o.revert_data = with_selector(abi::selector("Panic(uint256)"),
                                      encode_or_throw({*abi::parse_type("uint256").value}, {code}, "PANIC"));
        return o;
    }
    if (starts_with(text, "REVERT")) {
        o.success = false;
        const std::string rest = trim(std::string_view(text).substr(6));
        if (rest.empty()) return o;
        if (starts_with(rest, "0x")) {
            auto raw = from_hex(rest);
            if (!raw) throw ParseError{"REVERT: '" + rest + "' is not hex"};
            o.revert_data = *raw.value;
            return o;
        }
        if (starts_with(rest, "Error(\"")) {
            if (rest.back() != ')') throw ParseError{"REVERT Error(\"message\") must end with ')'"};
            const std::string message = rest.substr(6, rest.size() - 7);
            o.revert_data =
                with_selector(abi::selector("Error(string)"),
                              encode_or_throw({*abi::parse_type("string").value}, {message}, "Error"));
            return o;
        }
        const size_t end = signature_end(rest);
        if (end == std::string::npos)
            throw ParseError{"REVERT: expected Name(types): values, got '" + rest + "'"};
        const abi::Signature sig = signature_of(rest.substr(0, end));
        std::string values = trim(std::string_view(rest).substr(end));
        if (!values.empty()) {
            if (values[0] != ':')
                throw ParseError{"REVERT " + sig.canonical() + ": expected ':' before the values"};
            values = trim(std::string_view(values).substr(1));
        }
        const auto items = split_top(values);
        o.revert_data =
            with_selector(sig.selector(), encode_or_throw(sig.params, items, "REVERT " + sig.canonical()));
        return o;
    }
    o.values = split_top(text);
    return o;
}

/// The topic of an indexed value: its ABI word, or the hash of the content for string and bytes.
bytes32 topic_of(const abi::Type& t, const std::string& value, const std::string& what) {
    const bytes enc = encode_or_throw({t}, {value}, what);
    bytes32 topic;
    if (t.kind == abi::Type::Kind::String || t.kind == abi::Type::Kind::Bytes) {
        // The encoding is the offset word, the length word, then the content.
        size_t n = 0;
        for (size_t i = 32; i < 64; ++i) n = (n << 8) | enc[i];
        return keccak256(bytes_view(enc.data() + 64, n));
    }
    if (t.dynamic()) throw ParseError{what + ": indexed arrays are not supported by the corpus"};
    std::copy(enc.begin(), enc.begin() + 32, topic.bytes.begin());
    return topic;
}

ExpectedLog parse_log(const std::string& body, size_t line) {
    ExpectedLog log;
    log.line = line;
    log.text = body;
    std::string rest = body;
    if (starts_with(rest, "from ")) {
        const std::string who = trim(std::string_view(rest).substr(5, 43));
        log.from = address::parse(who);
        if (who.size() != 42 || !log.from) throw ParseError{"from: '" + who + "' is not an address"};
        rest = trim(std::string_view(rest).substr(5 + 42));
    }
    bool anonymous = false;
    if (starts_with(rest, "anonymous ")) {
        anonymous = true;
        rest = trim(std::string_view(rest).substr(10));
    }
    if (!starts_with(rest, "emit ")) throw ParseError{"a '~' line must read '~ emit Name(types): values'"};
    rest = trim(std::string_view(rest).substr(5));
    const size_t end = signature_end(rest);
    if (end == std::string::npos) throw ParseError{"emit: expected Name(types), got '" + rest + "'"};
    const abi::Signature sig = signature_of(rest.substr(0, end));
    std::string values = trim(std::string_view(rest).substr(end));
    if (!values.empty()) {
        if (values[0] != ':')
            throw ParseError{"emit " + sig.canonical() + ": expected ':' before the values"};
        values = trim(std::string_view(values).substr(1));
    }
    const auto items = split_top(values);
    if (items.size() != sig.params.size())
        throw ParseError{"emit " + sig.canonical() + ": " + std::to_string(items.size()) + " values for " +
                         std::to_string(sig.params.size()) + " parameters"};
    if (!anonymous) {
        const auto h =
            keccak256({reinterpret_cast<const uint8_t*>(sig.canonical().data()), sig.canonical().size()});
        log.topics.push_back(h);
    }
    std::vector<abi::Type> data_types;
    std::vector<std::string> data_values;
    for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].empty() && items[i][0] == '#') {
            log.topics.push_back(topic_of(sig.params[i], trim(std::string_view(items[i]).substr(1)),
                                          "emit " + sig.canonical() + " value " + std::to_string(i + 1)));
        } else {
            data_types.push_back(sig.params[i]);
            data_values.push_back(items[i]);
        }
    }
    if (log.topics.size() > 4) throw ParseError{"emit " + sig.canonical() + ": more than four topics"};
    log.data = encode_or_throw(data_types, data_values, "emit " + sig.canonical());
    return log;
}

Step parse_call(const std::string& body, size_t line) {
    Step st;
    st.line = line;
    st.text = body;
    const size_t arrow = find_top(body, "->");
    if (arrow == std::string::npos) throw ParseError{"expected '->' (an empty result means no return data)"};
    const std::string head = trim(std::string_view(body).substr(0, arrow));
    st.outcome = parse_outcome(trim(std::string_view(body).substr(arrow + 2)));
    const size_t end = signature_end(head);
    if (end == std::string::npos) throw ParseError{"expected a signature name(types), got '" + head + "'"};
    st.sig = signature_of(head.substr(0, end));
    st.constructor = st.sig.name == "constructor";
    std::string rest = trim(std::string_view(head).substr(end));
    if (!rest.empty()) {
        if (rest[0] != ':') throw ParseError{"expected ':' between the signature and the arguments"};
        rest = trim(std::string_view(rest).substr(1));
    }
    if (starts_with(rest, "{")) {
        const size_t close = rest.find('}');
        if (close == std::string::npos) throw ParseError{"unterminated call options '{'"};
        const std::string inner = trim(std::string_view(rest).substr(1, close - 1));
        if (!starts_with(inner, "value:")) throw ParseError{"the only call option is {value: N}"};
        const auto v = uint256::parse(trim(std::string_view(inner).substr(6)));
        if (!v) throw ParseError{"bad value in '" + inner + "'"};
        st.value = *v;
        rest = trim(std::string_view(rest).substr(close + 1));
        if (!rest.empty()) {
            if (rest[0] != ',') throw ParseError{"expected ',' after the call options"};
            rest = trim(std::string_view(rest).substr(1));
        }
    }
    const bool special = st.sig.name == "receive" || st.sig.name == "fallback";
    if (special && !st.sig.params.empty()) throw ParseError{st.sig.name + "() takes no parameters"};
    if (starts_with(rest, "calldata ")) {
        // Raw bytes instead of encoded arguments: for malformed input, and for fallback().
        if (st.constructor || st.sig.name == "receive") throw ParseError{"no raw calldata here"};
        const std::string raw = trim(std::string_view(rest).substr(9));
        auto b = from_hex(raw);
        if (!starts_with(raw, "0x") || !b) throw ParseError{"calldata: '" + raw + "' is not 0x-prefixed hex"};
        st.calldata = *b.value;
    } else {
        st.args = split_top(rest);
        if (st.args.size() != st.sig.params.size())
            throw ParseError{st.sig.canonical() + ": " + std::to_string(st.args.size()) + " arguments for " +
                             std::to_string(st.sig.params.size()) + " parameters"};
        st.calldata = encode_or_throw(st.sig.params, st.args, "arguments");
    }
    if (!special && !st.constructor) st.calldata = with_selector(st.sig.selector(), st.calldata);
    if (st.constructor && !st.outcome.values.empty()) throw ParseError{"a constructor returns no values"};
    return st;
}

/// A corpus file: its source, the contract to deploy, and the expectations.
struct CorpusFile {
    std::string path;
    std::string source;
    std::string contract;  ///< empty: the last contract of the file
    std::vector<Step> steps;
    std::vector<std::pair<size_t, std::string>> errors;  ///< malformed lines: line and message
};

CorpusFile read_corpus_file(const fs::path& path) {
    CorpusFile f;
    f.path = path.string();
    std::ifstream in(path, std::ios::binary);
    f.source.assign(std::istreambuf_iterator<char>(in), {});
    std::istringstream lines(f.source);
    std::string raw;
    size_t n = 0;
    bool expectations = false;
    while (std::getline(lines, raw)) {
        ++n;
        const std::string t = trim(raw);
        if (!expectations) {
            if (t == "// ----")
                expectations = true;
            else if (starts_with(t, "// contract:"))
                f.contract = trim(std::string_view(t).substr(12));
            continue;
        }
        if (t.empty()) continue;
        try {
            if (!starts_with(t, "//")) throw ParseError{"expectation lines start with '//'"};
            const std::string body = trim(std::string_view(t).substr(2));
            if (body.empty()) continue;
            if (body[0] == '~') {
                if (f.steps.empty()) throw ParseError{"a log line must follow a call"};
                if (f.steps.back().outcome.success == false)
                    throw ParseError{"a reverting call emits no logs"};
                f.steps.back().logs.push_back(parse_log(trim(std::string_view(body).substr(1)), n));
                continue;
            }
            Step st = parse_call(body, n);
            if (st.constructor && !f.steps.empty()) throw ParseError{"the constructor line must come first"};
            if (!f.steps.empty() && f.steps.front().constructor && !f.steps.front().outcome.success)
                throw ParseError{"no calls can follow a reverting constructor"};
            f.steps.push_back(std::move(st));
        } catch (const ParseError& e) {
            f.errors.emplace_back(n, e.message);
        }
    }
    if (!expectations)
        f.errors.emplace_back(n, "no '// ----' line: the file has no expectations");
    else if (f.steps.empty() && f.errors.empty())
        f.errors.emplace_back(n, "no expectation lines after '// ----'");
    return f;
}

// ---- running -----------------------------------------------------------------------------------

/// Records a failed check at `file:line` (not at this source line).
void fail_at(const char* file, size_t line, const std::string& message) {
    ADD_FAIL_CHECK_AT(file, static_cast<int>(line), message);
}

/// File names outlive the doctest messages that point at them.
const char* stable(const std::string& s) {
    static std::deque<std::string> names;
    names.push_back(s);
    return names.back().c_str();
}

/// The canonical type of an ABI JSON parameter: a struct (`tuple`, `tuple[]`) as the tuple of its
/// components' types, `(uint256,string)[]`.
std::string canonical_type(const nlohmann::json& p) {
    const std::string t = p.value("type", "");
    if (!t.starts_with("tuple")) return t;
    std::string out = "(";
    for (size_t i = 0; i < p["components"].size(); ++i)
        out += (i ? "," : "") + canonical_type(p["components"][i]);
    return out + ")" + t.substr(5);
}

/// The output types of `sig` in the contract's ABI, or nullopt when the ABI has no such function.
std::optional<std::vector<abi::Type>> outputs_of(const std::string& abi_json, const abi::Signature& sig) {
    for (const auto& e : nlohmann::json::parse(abi_json)) {
        if (e.value("type", "") != "function" || e.value("name", "") != sig.name) continue;
        std::vector<abi::Type> inputs;
        for (const auto& i : e["inputs"]) {
            auto t = abi::parse_type(canonical_type(i));
            if (!t) return std::nullopt;
            inputs.push_back(*t.value);
        }
        if (abi::Signature{sig.name, inputs}.canonical() != sig.canonical()) continue;
        std::vector<abi::Type> out;
        for (const auto& o : e["outputs"]) {
            auto t = abi::parse_type(canonical_type(o));
            if (!t) return std::nullopt;
            out.push_back(*t.value);
        }
        return out;
    }
    return std::nullopt;
}

/// Revert data as a reader wants it: Error(string) and Panic(uint256) decoded.
std::string describe_revert(const bytes& data) {
    if (data.empty()) return "REVERT";
    if (data.size() >= 4) {
        const bytes_view rest(data.data() + 4, data.size() - 4);
        const auto error_sel = abi::selector("Error(string)");
        const auto panic_sel = abi::selector("Panic(uint256)");
        if (std::equal(error_sel.begin(), error_sel.end(), data.begin())) {
            auto d = abi::decode({*abi::parse_type("string").value}, rest);
            if (d) return "REVERT Error(" + (*d.value)[0] + ")";
        } else if (std::equal(panic_sel.begin(), panic_sel.end(), data.begin())) {
            auto d = abi::decode({*abi::parse_type("uint256").value}, rest);
            if (d) return "PANIC " + (*d.value)[0];
        }
    }
    return "REVERT " + hex(data);
}

std::string describe_log(const LogRecord& l) {
    std::string s = "log from " + l.addr.to_hex() + " topics [";
    for (size_t i = 0; i < l.topics.size(); ++i) s += (i ? ", " : "") + l.topics[i].to_hex();
    return s + "] data " + hex(l.data);
}

class Runner {
public:
    Runner(const CorpusFile& file, bool optimize)
        : path_{stable(file.path)}, level_{optimize ? "[optimized] " : "[not optimized] "}, file_{file} {}

    /// Deploys `contract` and runs the calls; every expectation line becomes one check.
    void run(const compiler::CompiledContract& contract) {
        host_.accounts[caller].balance = caller_balance();
        const Step* ctor =
            !file_.steps.empty() && file_.steps.front().constructor ? &file_.steps.front() : nullptr;
        Transaction deploy;
        deploy.sender = caller;
        deploy.data = contract.init_code;
        deploy.gas_limit = tx_gas;
        if (ctor) {
            deploy.data.insert(deploy.data.end(), ctor->calldata.begin(), ctor->calldata.end());
            deploy.value = ctor->value;
        }
        const TxOutcome out = execute_transaction(host_, deploy);
        const size_t line = ctor ? ctor->line : 1;
        if (!out.receipt) {
            record(line, "deployment of " + contract.name + " is an invalid transaction: " + out.error);
            return;
        }
        const Receipt& r = *out.receipt;
        if (r.created) contract_address_ = *r.created;
        if (ctor) {
            record(line, check_outcome(*ctor, r, contract));
            check_logs(*ctor, r);
            if (!ctor->outcome.success) return;
        }
        if (r.status != Status::Success || !r.created) {
            if (!ctor) record(line, "deployment of " + contract.name + " failed: " + describe(r));
            return;
        }
        for (size_t i = ctor ? 1 : 0; i < file_.steps.size(); ++i) call(file_.steps[i], contract);
    }

private:
    /// One check at `path:line`: passes when `failure` is empty.
    void record(size_t line, const std::string& failure) {
        if (failure.empty())
            CHECK(failure.empty());
        else
            fail_at(path_, line, level_ + failure);
    }

    static std::string describe(const Receipt& r) {
        if (r.status == Status::Revert) return describe_revert(r.output);
        if (r.status != Status::Success) return "failure (" + std::string(status_name(r.status)) + ")";
        return "success with output " + (r.output.empty() ? std::string("(none)") : hex(r.output));
    }

    void call(const Step& st, const compiler::CompiledContract& contract) {
        Transaction tx;
        tx.sender = caller;
        tx.to = contract_address_;
        tx.value = st.value;
        tx.gas_limit = tx_gas;
        tx.data = st.calldata;
        const TxOutcome out = execute_transaction(host_, tx);
        if (!out.receipt) {
            record(st.line, st.text + ": invalid transaction: " + out.error);
            return;
        }
        record(st.line, check_outcome(st, *out.receipt, contract));
        check_logs(st, *out.receipt);
    }

    /// Why the receipt does not end as the step says, or "".
    static std::string check_outcome(const Step& st, const Receipt& r,
                                     const compiler::CompiledContract& contract) {
        const Outcome& want = st.outcome;
        const std::string what = st.sig.canonical() + ": expected ";
        if (!want.success) {
            if (r.status != Status::Revert || r.output != want.revert_data)
                return what + want.text + ", got " + describe(r);
            return {};
        }
        if (r.status != Status::Success) return what + "success, got " + describe(r);
        if (st.constructor) return {};
        if (want.values.empty()) {
            if (!r.output.empty()) return what + "no return data, got " + hex(r.output);
            return {};
        }
        if (st.sig.name == "fallback") {
            // A fallback's output is raw return data: one 0x-hex value, compared byte for byte.
            const std::string text = want.values.size() == 1 ? want.values[0] : std::string();
            const auto raw = from_hex(text);
            if (!starts_with(text, "0x") || !raw)
                return what + "one 0x-hex value as the raw return data of fallback()";
            if (*raw.value == r.output) return {};
            return what + want.values[0] + ", got " + hex(r.output);
        }
        const auto types = outputs_of(contract.abi_json, st.sig);
        if (!types) return st.sig.canonical() + ": the ABI has no such function to read return types from";
        auto expected = abi::encode(*types, want.values);
        if (!expected) return st.sig.canonical() + ": the expected values do not encode: " + expected.error;
        if (*expected.value == r.output) return {};
        auto got = abi::decode(*types, r.output);
        return what + join(want.values) + ", got " +
               (got ? join(*got.value) + " (" + hex(r.output) + ")" : hex(r.output));
    }

    /// One check per expected log; logs nobody expected fail at the call's line.
    void check_logs(const Step& st, const Receipt& r) {
        const std::vector<LogRecord> none;
        const auto& logs = r.status == Status::Success ? r.logs : none;
        for (size_t i = 0; i < st.logs.size(); ++i) {
            const ExpectedLog& want = st.logs[i];
            const std::string what = "log " + std::to_string(i + 1) + " of " + st.sig.canonical() +
                                     ": expected emit " + want.text + ", got ";
            if (i >= logs.size()) {
                record(want.line, what + "no log");
                continue;
            }
            const LogRecord& got = logs[i];
            const address from = want.from ? *want.from : contract_address_;
            const bool same = got.topics == want.topics && got.data == want.data && got.addr == from;
            record(want.line, same ? std::string{} : what + describe_log(got));
        }
        for (size_t i = st.logs.size(); i < logs.size(); ++i)
            record(st.line, st.sig.canonical() + " emitted an unexpected " + describe_log(logs[i]));
    }

    const char* path_;
    std::string level_;
    const CorpusFile& file_;
    InMemoryHost host_{Fork::Shanghai, corpus_context()};
    address contract_address_;  ///< the deployed contract: it must emit the logs
};

void run_corpus_file(const CorpusFile& f, bool optimize) {
    const char* path = stable(f.path);
    if (!f.errors.empty()) {
        for (const auto& [line, message] : f.errors) fail_at(path, line, "bad expectation line: " + message);
        return;
    }
    compiler::Options options;
    options.optimize = optimize;
    const auto result = compiler::compile(f.source, f.path, options);
    if (!result.ok()) {
        for (const auto& d : result.diagnostics)
            if (d.severity == compiler::Diagnostic::Severity::Error)
                fail_at(path, d.line,
                        (optimize ? "[optimized] " : "[not optimized] ") + std::string("does not compile: ") +
                            d.format());
        return;
    }
    const compiler::CompiledContract* contract = nullptr;
    if (f.contract.empty()) {
        if (!result.contracts.empty()) contract = &result.contracts.back();
    } else {
        contract = result.find(f.contract);
    }
    if (!contract) {
        fail_at(path, 1, "no contract '" + f.contract + "' to deploy");
        return;
    }
    Runner(f, optimize).run(*contract);
}

/// The corpus: TRAINCHAIN_CORPUS_DIR, or the directory the environment variable of that name gives
/// (to try out a few files without touching the corpus).
std::vector<fs::path> corpus_files() {
    const char* dir = std::getenv("TRAINCHAIN_CORPUS_DIR");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir && *dir ? dir : TRAINCHAIN_CORPUS_DIR))
        if (e.is_regular_file() && e.path().extension() == ".sol") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

TEST_CASE("the harness computes selectors, topics and revert data as Solidity does") {
    // Known values: ERC-20's transfer selector and Transfer topic, Error(string) and Panic(uint256).
    CHECK(hex(with_selector(abi::selector("transfer(address,uint256)"), {})) == "0xa9059cbb");
    const ExpectedLog t = parse_log(
        "emit Transfer(address,address,uint256): #0x000000000000000000000000000000000000ca11, "
        "#0x0000000000000000000000000000000000000001, 5",
        1);
    REQUIRE(t.topics.size() == 3);
    CHECK(t.topics[0].to_hex() == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    CHECK(t.topics[1].to_hex() == "0x000000000000000000000000000000000000000000000000000000000000ca11");
    CHECK(hex(t.data) == "0x" + std::string(63, '0') + "5");
    CHECK(hex(parse_outcome("PANIC 0x11").revert_data) == "0x4e487b71" + std::string(62, '0') + "11");
    CHECK(hex(parse_outcome("REVERT Error(\"no\")").revert_data) == "0x08c379a0" + std::string(62, '0') +
                                                                        "20" + std::string(63, '0') + "2" +
                                                                        "6e6f" + std::string(60, '0'));
    const ExpectedLog s = parse_log("anonymous emit N(string): #\"abc\"", 1);
    REQUIRE(s.topics.size() == 1);  // keccak256("abc")
    CHECK(s.topics[0].to_hex() == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    CHECK(split_top("1, \"a, b\", [1,[2,3]], 0x01") ==
          std::vector<std::string>{"1", "\"a, b\"", "[1,[2,3]]", "0x01"});
}

TEST_CASE("compiler corpus: tests/golden/contracts/*.sol, optimized and not") {
    const auto files = corpus_files();
    REQUIRE(!files.empty());
    for (const auto& path : files) {
        for (const bool optimize : {true, false}) {
            const std::string name =
                path.filename().string() + (optimize ? " (optimized)" : " (not optimized)");
            SUBCASE(name.c_str()) { run_corpus_file(read_corpus_file(path), optimize); }
        }
    }
}
