// cli/vm_commands.cpp - `trainchain asm`, `disasm`, `exec` and `vmtest`.
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "trainchain/vm/assembler.hpp"
#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/vmtest.hpp"

namespace trainchain::cli {
namespace {

using namespace trainchain::vm;

/// Bad input: printed as one line, exit code 2.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string read_text(const std::string& path) {
    if (path == "-") return {std::istreambuf_iterator<char>(std::cin), {}};
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError(fmt::format("{}: error: is a directory", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: error: cannot read file: {}", path, std::strerror(errno)));
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string where(const std::string& origin, const Diagnostic& d) {
    return fmt::format("{}:{}:{}: error: {}", origin, d.line, d.column, d.message);
}

bytes parse_hex(const std::string& origin, std::string_view text) {
    auto r = from_hex(text);
    if (!r) throw InputError(where(origin, r.error));
    return std::move(*r.value);
}

/// Code given as inline hex, a file of hex, or an assembly file (*.asm).
bytes load_code(const std::string& arg) {
    std::error_code ec;
    if (!std::filesystem::exists(arg, ec)) {
        if (arg.find('/') != std::string::npos || arg.ends_with(".asm") || arg.ends_with(".hex"))
            throw InputError(fmt::format("{}: error: cannot read file: no such file", arg));
        return parse_hex("--code", arg);
    }
    const std::string text = read_text(arg);
    if (arg.ends_with(".asm")) {
        auto r = assemble(text);
        if (!r) throw InputError(where(arg, r.error));
        return std::move(*r.value);
    }
    return parse_hex(arg, text);
}

Fork parse_fork_option(const std::string& name) {
    const auto f = parse_fork(name);
    if (!f) throw InputError(fmt::format("--fork: error: unknown fork '{}'", name));
    if (*f > latest_supported_fork)
        throw InputError(
            fmt::format("--fork: error: fork '{}' is not supported yet (the interpreter implements "
                        "Frontier and Homestead exactly)",
                        name));
    return *f;
}

/// Runs `body`, turning InputError into a one-line message and exit code 2.
template <class F>
std::function<void()> guarded(int& exit_code, F body) {
    return [&exit_code, body] {
        try {
            exit_code = body();
        } catch (const InputError& e) {
            fmt::print(stderr, "{}\n", e.what());
            exit_code = exit_bad_input;
        } catch (const std::exception& e) {  // e.g. a file system error while reading input
            fmt::print(stderr, "trainchain: error: {}\n", e.what());
            exit_code = exit_bad_input;
        }
    };
}

// ---- asm / disasm -------------------------------------------------------------------------------

int run_asm(const std::string& file) {
    auto r = assemble(read_text(file));
    if (!r) throw InputError(where(file, r.error));
    fmt::print("{}\n", to_hex(*r.value));
    return 0;
}

int run_disasm(const std::string& file) {
    const bytes code = parse_hex(file, read_text(file));
    fmt::print("{}", disassemble(code));
    return 0;
}

// ---- exec ---------------------------------------------------------------------------------------

struct ExecOptions {
    std::string code;
    std::string calldata;
    std::string value = "0";
    std::string gas = "10000000";
    std::string fork = "Frontier";
    bool json = false;
};

int run_exec(const ExecOptions& o) {
    const Fork fork = parse_fork_option(o.fork);
    int64_t gas = 0;
    if (const auto [end, ec] = std::from_chars(o.gas.data(), o.gas.data() + o.gas.size(), gas);
        ec != std::errc{} || end != o.gas.data() + o.gas.size() || gas < 0)
        throw InputError(fmt::format("--gas: error: '{}' is not a gas amount (0 to {})", o.gas, INT64_MAX));
    const bytes code = load_code(o.code);
    const bytes calldata = parse_hex("--calldata", o.calldata);
    const auto value = uint256::parse(o.value);
    if (!value) throw InputError(fmt::format("--value: error: invalid number '{}'", o.value));

    const address self = *address::parse("0x00000000000000000000000000000000c0dec0de");
    const address caller = *address::parse("0x000000000000000000000000000000000000ca11");
    TxContext ctx;
    ctx.origin = caller;
    ctx.number = 1;
    ctx.timestamp = 1;
    ctx.gas_limit = gas;
    InMemoryHost host(fork, ctx);
    host.accounts[self].code = code;
    host.accounts[caller].balance = *value;  // the caller can afford the value it sends
    host.begin_transaction(caller, &self);
    Message msg;
    msg.gas = gas;
    msg.recipient = msg.code_address = self;
    msg.sender = caller;
    msg.value = *value;
    msg.input = calldata;
    // Through the host, as a message call: the value moves, and a frame that fails leaves the
    // state as it was.
    const Result r = host.call(msg);
    host.finalize();

    const int64_t gas_used = gas - r.gas_left;
    if (o.json) {
        nlohmann::ordered_json j;
        j["status"] = status_name(r.status);
        j["gas_used"] = gas_used;
        j["gas_left"] = r.gas_left;
        j["gas_refund"] = r.gas_refund;
        j["output"] = "0x" + to_hex(r.output);
        j["logs"] = nlohmann::json::array();
        for (const auto& l : host.logs) {
            nlohmann::ordered_json lj;
            lj["address"] = l.addr.to_hex();
            lj["topics"] = nlohmann::json::array();
            for (const auto& t : l.topics) lj["topics"].push_back(t.to_hex());
            lj["data"] = "0x" + to_hex(l.data);
            j["logs"].push_back(lj);
        }
        j["storage"] = nlohmann::json::object();
        if (const auto it = host.accounts.find(self); it != host.accounts.end())
            for (const auto& [k, v] : it->second.storage) j["storage"][k.to_hex()] = v.to_hex();
        fmt::print("{}\n", j.dump(2));
    } else {
        fmt::print("status:   {}\n", status_name(r.status));
        fmt::print("gas used: {}\ngas left: {}\nrefund:   {}\n", gas_used, r.gas_left, r.gas_refund);
        fmt::print("output:   0x{}\n", to_hex(r.output));
        fmt::print("logs:     {}\n", host.logs.size());
        for (const auto& l : host.logs) {
            fmt::print("  {} data=0x{}", l.addr.to_hex(), to_hex(l.data));
            for (const auto& t : l.topics) fmt::print(" topic={}", t.to_hex());
            fmt::print("\n");
        }
        const auto it = host.accounts.find(self);
        const size_t slots = it == host.accounts.end() ? 0 : it->second.storage.size();
        fmt::print("storage:  {} slot(s)\n", slots);
        if (slots != 0)
            for (const auto& [k, v] : it->second.storage) fmt::print("  {} = {}\n", k.to_hex(), v.to_hex());
    }
    return r.status == Status::Success ? 0 : 1;
}

// ---- vmtest -------------------------------------------------------------------------------------

int run_vmtest(const std::vector<std::string>& paths, const std::string& fork_name_arg) {
    const Fork fork = parse_fork_option(fork_name_arg);
    const std::vector<std::filesystem::path> ps(paths.begin(), paths.end());
    const VmTestReport report = run_vmtests(ps, fork);
    for (const auto& e : report.errors) {
        const std::string where = e.location.empty() ? e.file : e.file + ":" + e.location;
        if (e.test.empty())
            fmt::print(stderr, "{}: error: {}\n", where, e.reason);
        else
            fmt::print(stderr, "{}: error: test '{}': {}\n", where, e.test, e.reason);
    }
    for (const auto& f : report.failures) fmt::print("FAIL {} [{}]: {}\n", f.file, f.test, f.reason);
    fmt::print("{} passed, {} failed\n", report.passed, report.failed);
    if (!report.errors.empty()) return exit_bad_input;
    return report.failed == 0 ? 0 : 1;
}

}  // namespace

void add_vm_commands(CLI::App& app, int& exit_code) {
    auto* as = app.add_subcommand("asm", "Assemble a text file to bytecode (printed as hex)");
    auto as_file = std::make_shared<std::string>();
    as->add_option("FILE", *as_file, "assembly source, or - for standard input")->required();
    as->callback(guarded(exit_code, [as_file] { return run_asm(*as_file); }));

    auto* dis = app.add_subcommand("disasm", "Disassemble a file of hex bytecode");
    auto dis_file = std::make_shared<std::string>();
    dis->add_option("FILE", *dis_file, "hex bytecode, or - for standard input")->required();
    dis->callback(guarded(exit_code, [dis_file] { return run_disasm(*dis_file); }));

    auto* ex = app.add_subcommand("exec", "Run bytecode against an empty in-memory state");
    auto eo = std::make_shared<ExecOptions>();
    ex->add_option("--code", eo->code, "hex bytecode, a file of hex, or an assembly file (*.asm)")
        ->required();
    ex->add_option("--calldata", eo->calldata, "calldata as hex");
    ex->add_option("--value", eo->value, "call value in wei (decimal or 0x hex)");
    ex->add_option("--gas", eo->gas, "gas limit")->capture_default_str();
    ex->add_option("--fork", eo->fork, "fork whose rules apply")->capture_default_str();
    ex->add_flag("--json", eo->json, "print JSON (status, gas_used, gas_left, output, logs, storage)");
    ex->callback(guarded(exit_code, [eo] { return run_exec(*eo); }));

    auto* vt = app.add_subcommand("vmtest", "Run Ethereum legacy VMTests JSON files or folders");
    auto vt_paths = std::make_shared<std::vector<std::string>>();
    auto vt_fork = std::make_shared<std::string>("Frontier");
    vt->add_option("PATH", *vt_paths, "test files or folders")->required();
    vt->add_option("--fork", *vt_fork, "fork whose rules apply")->capture_default_str();
    vt->callback(guarded(exit_code, [vt_paths, vt_fork] { return run_vmtest(*vt_paths, *vt_fork); }));
}

}  // namespace trainchain::cli
