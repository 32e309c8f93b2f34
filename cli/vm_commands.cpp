// cli/vm_commands.cpp - `trainchain asm`, `disasm`, `exec`, `vmtest` and `statetest`.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "script.hpp"
#include "trainchain/vm/assembler.hpp"
#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/statetest.hpp"
#include "trainchain/vm/transaction.hpp"
#include "trainchain/vm/vmtest.hpp"

namespace trainchain::cli {
namespace {

using namespace trainchain::vm;

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
    return *f;
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
    std::string gas;   // 10,000,000 for bytecode, 30,000,000 for --deploy
    std::string fork;  // Frontier for bytecode, Shanghai for --deploy
    bool json = false;
    bool tx = false;
    bool create = false;
    DeployOptions deploy;
    std::string script;                      // --script FILE
    int level = 1;                           // -O (compiler optimization, --script)
    std::string base_path;                   // --base-path (--script)
    std::vector<std::string> include_paths;  // --include-path (--script)
};

/// What `exec` reports, whether it ran a message call or a transaction.
struct ExecReport {
    Status status = Status::Failure;
    int64_t gas_used = 0;
    int64_t gas_left = 0;
    int64_t gas_refund = 0;
    std::optional<int64_t> intrinsic_gas;  // transactions only
    std::optional<address> created;        // creations only
    bytes output;
    std::vector<LogRecord> logs;
    std::map<uint256, uint256> storage;  // of the called or created account
};

void print_report(const ExecReport& r, bool json) {
    if (json) {
        nlohmann::ordered_json j;
        j["status"] = status_name(r.status);
        j["gas_used"] = r.gas_used;
        j["gas_left"] = r.gas_left;
        j["gas_refund"] = r.gas_refund;
        if (r.intrinsic_gas) j["intrinsic_gas"] = *r.intrinsic_gas;
        if (r.created) j["created"] = r.created->to_hex();
        j["output"] = "0x" + to_hex(r.output);
        j["logs"] = nlohmann::json::array();
        for (const auto& l : r.logs) {
            nlohmann::ordered_json lj;
            lj["address"] = l.addr.to_hex();
            lj["topics"] = nlohmann::json::array();
            for (const auto& t : l.topics) lj["topics"].push_back(t.to_hex());
            lj["data"] = "0x" + to_hex(l.data);
            j["logs"].push_back(lj);
        }
        j["storage"] = nlohmann::json::object();
        for (const auto& [k, v] : r.storage) j["storage"][k.to_hex()] = v.to_hex();
        fmt::print("{}\n", j.dump(2));
        return;
    }
    fmt::print("status:   {}\n", status_name(r.status));
    if (r.intrinsic_gas) fmt::print("intrinsic gas: {}\n", *r.intrinsic_gas);
    fmt::print("gas used: {}\ngas left: {}\nrefund:   {}\n", r.gas_used, r.gas_left, r.gas_refund);
    if (r.created) fmt::print("created:  {}\n", r.created->to_hex());
    fmt::print("output:   0x{}\n", to_hex(r.output));
    fmt::print("logs:     {}\n", r.logs.size());
    for (const auto& l : r.logs) {
        fmt::print("  {} data=0x{}", l.addr.to_hex(), to_hex(l.data));
        for (const auto& t : l.topics) fmt::print(" topic={}", t.to_hex());
        fmt::print("\n");
    }
    fmt::print("storage:  {} slot(s)\n", r.storage.size());
    for (const auto& [k, v] : r.storage) fmt::print("  {} = {}\n", k.to_hex(), v.to_hex());
}

// ---- exec --script ---------------------------------------------------------------------------------

/// `exec --script FILE`: the script's steps run, one line per step (or --json); exit 0 when every
/// expectation holds, 1 when one does not, 2 for a bad script or source.
int run_script_command(const ExecOptions& o) {
    if (!o.code.empty() || !o.deploy.source.empty() || !o.calldata.empty() || o.tx || o.create ||
        !o.deploy.call.empty() || !o.deploy.args.empty() || !o.gas.empty() || o.value != "0")
        throw InputError(
            "--script: error: a script gives its own code, calls, values and gas: use --script "
            "alone (with --fork, --json, -O, --base-path, --include-path)");
    script::RunOptions options;
    options.fork = o.fork;
    options.optimize = o.level != 0;
    if (!o.base_path.empty()) options.base_path = o.base_path;
    options.include_paths = o.include_paths;
    std::vector<script::StepResult> results;
    try {
        results = script::run_script(script::load_script(o.script), options);
    } catch (const script::ScriptError& e) {
        throw InputError(std::string(e.what()));
    }
    size_t failed = 0;
    for (const auto& r : results) failed += r.mismatches.empty() ? 0 : 1;
    if (o.json) {
        fmt::print("{}\n", script::results_json(results).dump(2, ' ', false,
                                                              nlohmann::json::error_handler_t::replace));
        return failed == 0 ? 0 : 1;
    }
    for (const auto& r : results) {
        std::string reference;
        if (r.reference.is_object() && r.reference.contains("gas_used"))
            reference = " (reference " + r.reference["gas_used"].dump() + ")";
        fmt::print("{:>3}  {:<56} {:<8} gas {}{}{}\n", r.index, r.what, r.status, r.gas_used, reference,
                   r.mismatches.empty() ? "" : "  FAILED");
        for (const auto& m : r.mismatches)
            fmt::print("       {}: expected {} got {}\n", m.what, m.expected, m.got);
    }
    if (failed == 0)
        fmt::print("{} step{}: every expectation met\n", results.size(), results.size() == 1 ? "" : "s");
    else
        fmt::print("{} step{}: {} failed\n", results.size(), results.size() == 1 ? "" : "s", failed);
    return failed == 0 ? 0 : 1;
}

int run_exec(const ExecOptions& o) {
    if (!o.script.empty()) return run_script_command(o);
    if (!o.deploy.source.empty()) {
        if (!o.code.empty()) throw InputError("--code: error: give either --code or --deploy");
        DeployOptions d = o.deploy;
        if (!o.fork.empty()) d.fork = o.fork;
        d.value = o.value;
        if (!o.gas.empty()) {
            if (const auto [end, ec] = std::from_chars(o.gas.data(), o.gas.data() + o.gas.size(), d.gas);
                ec != std::errc{} || end != o.gas.data() + o.gas.size() || d.gas < 0)
                throw InputError(
                    fmt::format("--gas: error: '{}' is not a gas amount (0 to {})", o.gas, INT64_MAX));
        }
        try {
            return run_deploy(d);
        } catch (const std::runtime_error& e) {
            throw InputError(e.what());
        }
    }
    if (!o.deploy.call.empty() || !o.deploy.args.empty())
        throw InputError("--call: error: --call and call arguments need --deploy FILE.sol");
    if (o.code.empty()) throw InputError("exec: error: give --code (bytecode) or --deploy (a .sol file)");
    const Fork fork = parse_fork_option(o.fork.empty() ? "Frontier" : o.fork);
    const std::string gas_text = o.gas.empty() ? "10000000" : o.gas;
    int64_t gas = 0;
    if (const auto [end, ec] = std::from_chars(gas_text.data(), gas_text.data() + gas_text.size(), gas);
        ec != std::errc{} || end != gas_text.data() + gas_text.size() || gas < 0)
        throw InputError(
            fmt::format("--gas: error: '{}' is not a gas amount (0 to {})", gas_text, INT64_MAX));
    const bytes code = load_code(o.code);
    const bytes calldata = parse_hex("--calldata", o.calldata);
    const auto value = uint256::parse(o.value);
    if (!value) throw InputError(fmt::format("--value: error: invalid number '{}'", o.value));
    if (o.create && !calldata.empty()) throw InputError("--calldata: error: a creation takes no calldata");

    const address self = *address::parse("0x00000000000000000000000000000000c0dec0de");
    const address caller = *address::parse("0x000000000000000000000000000000000000ca11");
    TxContext ctx;
    ctx.origin = caller;
    ctx.number = 1;
    ctx.timestamp = 1;
    ctx.gas_limit = gas;
    InMemoryHost host(fork, ctx);
    host.accounts[caller].balance = *value;  // the caller can afford the value it sends
    if (!o.create) host.accounts[self].code = code;

    ExecReport report;
    address target = self;
    if (o.tx || o.create) {
        // A whole transaction: intrinsic gas, nonce, refund cap, receipt.
        Transaction tx;
        tx.sender = caller;
        if (!o.create) tx.to = self;
        tx.value = *value;
        tx.data = o.create ? code : calldata;
        tx.gas_limit = gas;
        const TxOutcome out = execute_transaction(host, tx);
        if (!out.receipt) throw InputError("--tx: error: invalid transaction: " + out.error);
        const Receipt& rc = *out.receipt;
        report = {rc.status,     rc.gas_used,      gas - rc.gas_used,
                  rc.gas_refund, rc.intrinsic_gas, rc.created,
                  rc.output,     rc.logs,          {}};
        if (rc.created) target = *rc.created;
    } else {
        // A message call to the code: the value moves, a frame that fails leaves no trace.
        host.begin_transaction(caller, &self);
        Message msg;
        msg.gas = gas;
        msg.recipient = msg.code_address = self;
        msg.sender = caller;
        msg.value = *value;
        msg.input = calldata;
        const Result r = host.call(msg);
        host.finalize();
        report = {r.status, gas - r.gas_left, r.gas_left, r.gas_refund, std::nullopt, std::nullopt,
                  r.output, host.logs,        {}};
    }
    if (const auto it = host.accounts.find(target); it != host.accounts.end())
        report.storage = it->second.storage;
    print_report(report, o.json);
    return report.status == Status::Success ? 0 : 1;
}

// ---- vmtest -------------------------------------------------------------------------------------

/// A conformance runner's unreadable files and malformed tests, as `file[:line:col]: error: ...`.
void print_errors(const std::vector<VmTestFailure>& errors) {
    for (const auto& e : errors) {
        const std::string where = e.location.empty() ? e.file : e.file + ":" + e.location;
        if (e.test.empty())
            fmt::print(stderr, "{}: error: {}\n", where, e.reason);
        else
            fmt::print(stderr, "{}: error: test '{}': {}\n", where, e.test, e.reason);
    }
}

int run_vmtest(const std::vector<std::string>& paths, const std::string& fork_name_arg) {
    const Fork fork = parse_fork_option(fork_name_arg);
    const std::vector<std::filesystem::path> ps(paths.begin(), paths.end());
    const VmTestReport report = run_vmtests(ps, fork);
    print_errors(report.errors);
    for (const auto& f : report.failures) fmt::print("FAIL {} [{}]: {}\n", f.file, f.test, f.reason);
    fmt::print("{} passed, {} failed\n", report.passed, report.failed);
    if (!report.errors.empty()) return exit_bad_input;
    return report.failed == 0 ? 0 : 1;
}

// ---- statetest ----------------------------------------------------------------------------------

/// `trainchain statetest` options.
struct StateTestArgs {
    std::vector<std::string> paths;
    std::string fork;
    size_t sample = 1;
    bool json = false;
    bool dump = false;
};

/// Which case a line or JSON entry names: file [test] fork #index (data/gas/value indexes).
std::string case_name(const StateTestCase& c) {
    return fmt::format("{} [{}] {} #{} (d{} g{} v{})", c.file, c.test, fork_name(c.fork), c.index, c.data,
                       c.gas, c.value);
}

int run_statetest(const StateTestArgs& a) {
    StateTestOptions options;
    if (!a.fork.empty()) options.fork = parse_fork_option(a.fork);
    options.sample = a.sample;
    const std::vector<std::filesystem::path> ps(a.paths.begin(), a.paths.end());
    const StateTestReport report = run_statetests(ps, options);
    print_errors(report.errors);
    const StateTestTally total = report.total();
    if (a.json) {
        nlohmann::json out;
        out["files"] = report.files;
        out["passed"] = total.passed;
        out["failed"] = total.failed;
        out["skipped"] = total.skipped;
        nlohmann::json forks = nlohmann::json::object();
        for (int f = 0; f < num_forks; ++f) {
            const StateTestTally& t = report.forks[static_cast<size_t>(f)];
            if (t.passed + t.failed + t.skipped != 0)
                forks[std::string(fork_name(static_cast<Fork>(f)))] = {
                    {"passed", t.passed}, {"failed", t.failed}, {"skipped", t.skipped}};
        }
        out["forks"] = std::move(forks);
        const auto cases = [&a](const std::vector<StateTestCase>& list, bool with_post) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& c : list) {
                nlohmann::json j{{"file", c.file},   {"test", c.test},    {"fork", fork_name(c.fork)},
                                 {"index", c.index}, {"data", c.data},    {"gas", c.gas},
                                 {"value", c.value}, {"reason", c.reason}};
                if (with_post && a.dump) j["post"] = nlohmann::json::parse(c.post);
                arr.push_back(std::move(j));
            }
            return arr;
        };
        out["failures"] = cases(report.failures, true);
        out["skipped_cases"] = cases(report.skipped, false);
        fmt::print("{}\n", out.dump(1));
    } else {
        for (const auto& c : report.failures) {
            fmt::print("FAIL {}: {}\n", case_name(c), c.reason);
            if (a.dump) fmt::print("  post-state: {}\n", c.post);
        }
        for (const auto& c : report.skipped) fmt::print("SKIP {}: {}\n", case_name(c), c.reason);
        fmt::print("{:<18} {:>8} {:>8} {:>8}\n", "fork", "passed", "failed", "skipped");
        for (int f = 0; f < num_forks; ++f) {
            const StateTestTally& t = report.forks[static_cast<size_t>(f)];
            if (t.passed + t.failed + t.skipped != 0)
                fmt::print("{:<18} {:>8} {:>8} {:>8}\n", fork_name(static_cast<Fork>(f)), t.passed, t.failed,
                           t.skipped);
        }
        if (total.skipped != 0)
            fmt::print("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped);
        else
            fmt::print("{} passed, {} failed\n", total.passed, total.failed);
    }
    if (!report.errors.empty()) return exit_bad_input;
    return total.failed == 0 ? 0 : 1;
}

/// What command_line puts in front of an exec value written [...] so that CLI11 keeps it whole.
constexpr char whole_list_mark = '\x01';

/// Removes whole_list_mark again (every exec option takes it).
CLI::Validator unmarked() {
    return CLI::Validator(
        [](std::string& value) {
            if (!value.empty() && value.front() == whole_list_mark) value.erase(0, 1);
            return std::string();
        },
        "", "unmarked");
}

}  // namespace

std::vector<std::string> command_line(int argc, char** argv) {
    std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    if (!args.empty() && args.front() == "exec") {
        for (size_t i = 1; i < args.size(); ++i) {
            if (args[i] == "--") break;  // what follows is already positional
            if (args[i] == "--call" && i + 1 < args.size()) {
                if (i + 2 < args.size() && args[i + 2] != "--")
                    args.insert(args.begin() + static_cast<std::ptrdiff_t>(i + 2), "--");
                break;
            }
        }
        for (auto& a : args)
            if (a.size() >= 2 && a.front() == '[' && a.back() == ']') a.insert(a.begin(), whole_list_mark);
    }
    std::reverse(args.begin(), args.end());
    return args;
}

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
    ex->add_option("--code", eo->code, "hex bytecode, a file of hex, or an assembly file (*.asm)");
    ex->add_option("--deploy", eo->deploy.source,
                   "compile this .sol file, deploy it (Shanghai unless --fork)");
    ex->add_option("--contract", eo->deploy.contract, "with --deploy: which contract (default: the last)");
    ex->add_option("--ctor-args", eo->deploy.ctor_args, "with --deploy: constructor arguments");
    ex->add_option("--call", eo->deploy.call,
                   "with --deploy: call this function, e.g. 'f(uint256)'; every argument after it is a "
                   "call argument");
    ex->add_option("ARGS", eo->deploy.args,
                   "with --call: the arguments (42, -1, 0x.., true, text, -text, [1,2], [])")
        ->check(utf8_text());
    ex->add_option("--calldata", eo->calldata, "calldata as hex");
    ex->add_option("--value", eo->value, "call value in wei (decimal or 0x hex)");
    ex->add_option("--gas", eo->gas, "gas limit (default 10,000,000; 30,000,000 with --deploy)");
    ex->add_option("--fork", eo->fork,
                   "fork whose rules apply (default Frontier; Shanghai with --deploy, Cancun with --script)");
    ex->add_flag("--json", eo->json, "print JSON (status, gas_used, gas_left, output, logs, storage)");
    ex->add_flag(
        "--tx", eo->tx,
        "run as a transaction to the code: intrinsic gas, nonce, refund cap (gas_used includes them)");
    ex->add_flag("--create", eo->create, "run the code as the init code of a contract-creating transaction");
    ex->add_option("--script", eo->script,
                   "run a scenario (docs/scripting.md): deploy and call contracts, check expectations "
                   "(Cancun unless --fork)");
    ex->add_option("-O", eo->level, "with --script: -O0 turns the compiler's optimizer off, -O1 (default) on")
        ->check(CLI::Range(0, 1));
    ex->add_option("--base-path", eo->base_path, "with --script: where imports are looked up first");
    ex->add_option("--include-path", eo->include_paths,
                   "with --script: where imports are looked up after the base path (repeatable)")
        ->allow_extra_args(false);
    for (auto* option : ex->get_options())
        if (option->get_items_expected_max() > 0) option->transform(unmarked());
    ex->get_option("--ctor-args")->check(utf8_text());
    ex->callback(guarded(exit_code, [eo] { return run_exec(*eo); }));

    auto* vt = app.add_subcommand("vmtest", "Run Ethereum legacy VMTests JSON files or folders");
    auto vt_paths = std::make_shared<std::vector<std::string>>();
    auto vt_fork = std::make_shared<std::string>("Frontier");
    vt->add_option("PATH", *vt_paths, "test files or folders")->required();
    vt->add_option("--fork", *vt_fork, "fork whose rules apply")->capture_default_str();
    vt->callback(guarded(exit_code, [vt_paths, vt_fork] { return run_vmtest(*vt_paths, *vt_fork); }));

    auto* st = app.add_subcommand("statetest", "Run Ethereum GeneralStateTests JSON files or folders");
    auto sa = std::make_shared<StateTestArgs>();
    st->add_option("PATH", sa->paths, "test files or folders")->required();
    st->add_option("--fork", sa->fork, "only this fork's cases (names as in the files: EIP150, Merge, ...)");
    st->add_option("--sample", sa->sample, "run every N-th file only")
        ->check(CLI::Range(size_t{1}, SIZE_MAX));
    st->add_flag("--json", sa->json, "print the tally, failures and skipped cases as JSON");
    st->add_flag("--dump", sa->dump, "print the post-state the VM produced for each failing case");
    st->callback(guarded(exit_code, [sa] { return run_statetest(*sa); }));
}

}  // namespace trainchain::cli
