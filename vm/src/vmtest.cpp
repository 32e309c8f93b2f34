// vm/src/vmtest.cpp - the legacy VMTests runner.
#include "trainchain/vm/vmtest.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "conformance_json.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/logs.hpp"
#include "trainchain/vm/state.hpp"

namespace trainchain::vm {
namespace {

using namespace conformance;

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

}  // namespace

VmTestReport run_vmtests(const std::vector<std::filesystem::path>& paths, Fork fork) {
    VmTestReport report;
    for (const auto& file : collect(paths, report.errors)) {
        const auto doc = read_test_file(file, report.errors);
        if (!doc) continue;
        for (const auto& [name, test] : doc->items()) {
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
