// vm/src/vmtest.cpp - the legacy VMTests runner.
#include "trainchain/vm/vmtest.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/logs.hpp"
#include "trainchain/vm/state.hpp"

namespace trainchain::vm {
namespace {

using json = nlohmann::json;

/// A field could not be converted; the message names the field.
struct FieldError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

uint256 word_field(const json& obj, const char* key) {
    if (!obj.contains(key) || !obj[key].is_string())
        throw FieldError(std::string("missing field '") + key + "'");
    const auto v = uint256::parse(obj[key].get<std::string>());
    if (!v) throw FieldError(std::string("field '") + key + "' is not a number");
    return *v;
}

int64_t int_field(const json& obj, const char* key) {
    const uint256 v = word_field(obj, key);
    if (!v.fits_u64() || v.w[0] > uint64_t(INT64_MAX))
        throw FieldError(std::string("field '") + key + "' exceeds 2^63-1");
    return static_cast<int64_t>(v.w[0]);
}

bytes bytes_field(const json& obj, const char* key) {
    if (!obj.contains(key) || !obj[key].is_string())
        throw FieldError(std::string("missing field '") + key + "'");
    auto r = from_hex(obj[key].get<std::string>());
    if (!r) throw FieldError(std::string("field '") + key + "': " + r.error.message);
    return std::move(*r.value);
}

address address_field(const json& obj, const char* key) {
    if (!obj.contains(key) || !obj[key].is_string())
        throw FieldError(std::string("missing field '") + key + "'");
    const auto a = address::parse(obj[key].get<std::string>());
    if (!a) throw FieldError(std::string("field '") + key + "' is not an address");
    return *a;
}

std::map<address, Account> read_accounts(const json& obj) {
    std::map<address, Account> out;
    for (const auto& [key, acc] : obj.items()) {
        const auto addr = address::parse(key);
        if (!addr) throw FieldError("bad account address '" + key + "'");
        Account a;
        a.balance = word_field(acc, "balance");
        a.nonce = static_cast<uint64_t>(int_field(acc, "nonce"));
        a.code = bytes_field(acc, "code");
        if (acc.contains("storage")) {
            for (const auto& [k, v] : acc["storage"].items()) {
                const auto kk = uint256::parse(k);
                const auto vv = v.is_string() ? uint256::parse(v.get<std::string>()) : std::nullopt;
                if (!kk || !vv) throw FieldError("bad storage entry '" + k + "'");
                if (*vv) a.storage[*kk] = *vv;
            }
        }
        out.emplace(*addr, std::move(a));
    }
    return out;
}

/// Compares the post-state; returns the first difference or an empty string.
std::string compare_state(const std::map<address, Account>& actual,
                          const std::map<address, Account>& expected) {
    for (const auto& [addr, exp] : expected) {
        const auto it = actual.find(addr);
        if (it == actual.end()) return "account " + addr.to_hex() + " missing";
        const Account& act = it->second;
        if (act.balance != exp.balance)
            return "balance of " + addr.to_hex() + " is " + act.balance.to_hex() + ", expected " +
                   exp.balance.to_hex();
        if (act.nonce != exp.nonce) return "nonce of " + addr.to_hex() + " differs";
        if (act.code != exp.code) return "code of " + addr.to_hex() + " differs";
        for (const auto& [k, v] : exp.storage) {
            const auto s = act.storage.find(k);
            const uint256 got = s == act.storage.end() ? uint256{} : s->second;
            if (got != v)
                return "storage[" + k.to_hex() + "] of " + addr.to_hex() + " is " + got.to_hex() +
                       ", expected " + v.to_hex();
        }
        for (const auto& [k, v] : act.storage)
            if (!exp.storage.contains(k))
                return "unexpected storage[" + k.to_hex() + "] = " + v.to_hex() + " in " + addr.to_hex();
    }
    for (const auto& [addr, acc] : actual)
        if (!expected.contains(addr)) return "unexpected account " + addr.to_hex();
    return {};
}

/// Runs one test; returns an empty string when it passes.
std::string run_one(const json& t, Fork fork) {
    const json& env = t.at("env");
    const json& exec = t.at("exec");
    TxContext ctx;
    ctx.coinbase = address_field(env, "currentCoinbase");
    ctx.prevrandao = word_field(env, "currentDifficulty");
    ctx.gas_limit = int_field(env, "currentGasLimit");
    ctx.number = int_field(env, "currentNumber");
    ctx.timestamp = int_field(env, "currentTimestamp");
    ctx.origin = address_field(exec, "origin");
    ctx.gas_price = word_field(exec, "gasPrice");

    InMemoryHost host(fork, ctx);
    host.accounts = read_accounts(t.at("pre"));
    const bytes code = bytes_field(exec, "code");
    const bytes data = bytes_field(exec, "data");
    Message msg;
    msg.gas = int_field(exec, "gas");
    msg.recipient = msg.code_address = address_field(exec, "address");
    msg.sender = address_field(exec, "caller");
    msg.value = word_field(exec, "value");
    msg.input = data;

    const Result r = execute(host, fork, msg, code);
    host.finalize();

    if (!t.contains("post")) {
        if (r.status == Status::Success || r.status == Status::Revert)
            return "expected an exceptional halt, got " + std::string(status_name(r.status));
        return {};
    }
    if (r.status != Status::Success)
        return "ended in " + std::string(status_name(r.status)) + ", expected success";
    const int64_t expected_gas = int_field(t, "gas");
    if (r.gas_left != expected_gas)
        return "gas left " + std::to_string(r.gas_left) + ", expected " + std::to_string(expected_gas);
    if (const bytes out = bytes_field(t, "out"); out != r.output)
        return "output 0x" + to_hex(r.output) + ", expected 0x" + to_hex(out);
    if (t.contains("logs")) {
        const auto want = bytes_field(t, "logs");
        const bytes32 got = logs_hash(host.logs);
        if (bytes(got.bytes.begin(), got.bytes.end()) != want)
            return "logs hash " + got.to_hex() + ", expected 0x" + to_hex(want);
    }
    return compare_state(host.accounts, read_accounts(t.at("post")));
}

/// An exception's message without nlohmann's "[json.exception.parse_error.101] parse error at
/// line 1, column 13: " prefix, which the diagnostic's own location replaces.
std::string plain_message(const std::exception& e) {
    std::string what = e.what();
    if (const auto tag = what.find("] "); what.starts_with("[json.exception") && tag != std::string::npos)
        what = what.substr(tag + 2);
    if (what.starts_with("parse error"))
        if (const auto col = what.find(", column "); col != std::string::npos)
            if (const auto colon = what.find(": ", col); colon != std::string::npos)
                what = what.substr(colon + 2);
    return what;
}

/// A JSON error as `file:line:col`: nlohmann reports the byte where parsing stopped.
VmTestFailure json_error(const std::filesystem::path& file, const std::string& text,
                         const json::exception& e) {
    const std::string what = plain_message(e);
    std::string where;
    if (const auto* pe = dynamic_cast<const json::parse_error*>(&e); pe != nullptr && pe->byte > 0) {
        size_t line = 1, column = 1;
        for (size_t i = 0; i + 1 < pe->byte && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        where = std::to_string(line) + ":" + std::to_string(column);
    }
    return {file.string(), {}, where, "malformed JSON: " + what};
}

std::vector<std::filesystem::path> collect(const std::vector<std::filesystem::path>& paths,
                                           std::vector<VmTestFailure>& errors) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            const size_t before = files.size();
            for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
                std::error_code file_ec;
                if (it->is_regular_file(file_ec) && it->path().extension() == ".json")
                    files.push_back(it->path());
            }
            if (ec)
                errors.push_back({p.string(), {}, {}, "cannot read directory: " + ec.message()});
            else if (files.size() == before)
                errors.push_back({p.string(), {}, {}, "no .json test files in this directory"});
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            errors.push_back({p.string(), {}, {}, "no such file or directory"});
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

VmTestReport run_vmtests(const std::vector<std::filesystem::path>& paths, Fork fork) {
    VmTestReport report;
    for (const auto& file : collect(paths, report.errors)) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            report.errors.push_back({file.string(), {}, {}, "cannot open file"});
            continue;
        }
        const std::string text{std::istreambuf_iterator<char>(in), {}};
        json doc;
        try {
            doc = json::parse(text);
        } catch (const json::exception& e) {  // syntax errors, and numbers out of range
            report.errors.push_back(json_error(file, text, e));
            continue;
        }
        if (!doc.is_object()) {
            report.errors.push_back({file.string(), {}, {}, "top level is not a JSON object"});
            continue;
        }
        for (const auto& [name, test] : doc.items()) {
            std::string reason;
            try {
                if (!test.is_object()) throw FieldError("is not a JSON object");
                reason = run_one(test, fork);
            } catch (const std::exception& e) {  // FieldError and json's type/out_of_range errors
                report.errors.push_back({file.string(), name, {}, "malformed test: " + plain_message(e)});
                continue;
            }
            if (reason.empty()) {
                ++report.passed;
            } else {
                ++report.failed;
                report.failures.push_back({file.string(), name, {}, std::move(reason)});
            }
        }
    }
    return report;
}

}  // namespace trainchain::vm
