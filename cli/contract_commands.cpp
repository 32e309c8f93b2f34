// cli/contract_commands.cpp - `trainchain compile`, and `exec --deploy FILE.sol --call SIG ARGS`.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "trainchain/compiler/abi.hpp"
#include "trainchain/compiler/compiler.hpp"
#include "trainchain/runtime/block.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/transaction.hpp"

namespace trainchain::cli {
namespace {

using namespace trainchain::vm;
namespace abi = trainchain::compiler::abi;

/// Compiles a file, printing its diagnostics to stderr; throws when it has errors.
compiler::CompileResult compile_file(const std::string& path, bool optimize, const ImportPaths& paths = {}) {
    const std::string source = read_text(path);
    compiler::Options options;
    options.optimize = optimize;
    options.base_path = paths.base_path;
    options.include_paths = paths.include_paths;
    auto result = compiler::compile(source, path == "-" ? "<stdin>" : path, options);
    for (const auto& d : result.diagnostics) fmt::print(stderr, "{}", d.format());
    if (!result.ok()) {
        size_t errors = 0;
        for (const auto& d : result.diagnostics)
            if (d.severity == compiler::Diagnostic::Severity::Error) ++errors;
        throw InputError(fmt::format("{}: {} error{}", path, errors, errors == 1 ? "" : "s"));
    }
    return result;
}

int run_compile(const std::string& file, const std::string& out_dir, bool abi_only, bool asm_listing, bool o0,
                const ImportPaths& paths) {
    const auto result = compile_file(file, !o0, paths);
    if (!out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(out_dir, ec);
        if (ec)
            throw InputError(fmt::format("{}: error: cannot create directory: {}", out_dir, ec.message()));
        for (const auto& c : result.contracts) {
            const auto base = std::filesystem::path(out_dir) / c.name;
            auto write = [&](const std::string& ext, const std::string& text) {
                std::ofstream f(base.string() + ext, std::ios::binary);
                if (!(f << text))
                    throw InputError(fmt::format("{}{}: error: cannot write file", base.string(), ext));
            };
            write(".bin", to_hex(c.init_code) + "\n");
            write(".bin-runtime", to_hex(c.runtime_code) + "\n");
            write(".abi", nlohmann::json::parse(c.abi_json).dump(2) + "\n");
            if (asm_listing) write(".asm", c.assembly);
        }
        return 0;
    }
    for (const auto& c : result.contracts) {
        fmt::print("======= {}:{} =======\n", file, c.name);
        if (abi_only || asm_listing) {
            if (abi_only) fmt::print("Contract JSON ABI\n{}\n", c.abi_json);
            if (asm_listing) fmt::print("EVM assembly:\n{}", c.assembly);
            continue;
        }
        fmt::print("Binary:\n{}\nBinary of the runtime part:\n{}\n", to_hex(c.init_code),
                   to_hex(c.runtime_code));
    }
    return 0;
}

/// The ABI output types of the function `name` in `abi_json` (empty when it has none).
/// `types` with every string (also inside arrays) read as bytes.
std::vector<abi::Type> strings_as_bytes(std::vector<abi::Type> types) {
    for (auto& t : types) {
        if (t.kind == abi::Type::Kind::String) t.kind = abi::Type::Kind::Bytes;
        if (t.kind == abi::Type::Kind::Array && t.element)
            t.element = std::make_shared<const abi::Type>(strings_as_bytes({*t.element}).front());
        if (t.kind == abi::Type::Kind::Tuple) t.components = strings_as_bytes(t.components);
    }
    return types;
}

/// The canonical type of an ABI JSON parameter: a struct (`tuple`, `tuple[]`) as the tuple of its
/// components' types.
std::string canonical_type(const nlohmann::json& p, int depth = 0) {
    const std::string t = p.value("type", "");
    if (!t.starts_with("tuple") || depth > 32 || !p.contains("components")) return t;
    std::string out = "(";
    for (size_t i = 0; i < p["components"].size(); ++i)
        out += (i ? "," : "") + canonical_type(p["components"][i], depth + 1);
    return out + ")" + t.substr(5);
}

std::vector<abi::Type> outputs_of(const std::string& abi_json, const abi::Signature& sig) {
    const auto j = nlohmann::json::parse(abi_json);
    for (const auto& e : j) {
        if (e.value("type", "") != "function" || e.value("name", "") != sig.name) continue;
        std::vector<abi::Type> inputs;
        bool known = true;
        for (const auto& i : e["inputs"]) {
            auto t = abi::parse_type(canonical_type(i));
            if (t)
                inputs.push_back(*t.value);
            else
                known = false;
        }
        if (!known) continue;
        if (abi::Signature{sig.name, inputs}.canonical() != sig.canonical()) continue;
        std::vector<abi::Type> out;
        for (const auto& o : e["outputs"]) {
            auto t = abi::parse_type(canonical_type(o));
            if (t) out.push_back(*t.value);
        }
        return out;
    }
    throw InputError(fmt::format("--call: error: the contract has no function {}", sig.canonical()));
}

/// Revert data as a reader wants it: Error(string) and Panic(uint256) decoded.
std::string describe_revert(const bytes& data) {
    if (data.size() >= 4) {
        const bytes_view rest(data.data() + 4, data.size() - 4);
        const uint32_t sel =
            (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3];
        if (sel == 0x08c379a0) {
            auto d = abi::decode({*abi::parse_type("string").value}, rest);
            if (d) return "Error(" + (*d.value)[0] + ")";
        } else if (sel == 0x4e487b71) {
            auto d = abi::decode({*abi::parse_type("uint256").value}, rest);
            if (d) return "Panic(" + (*d.value)[0] + ")";
        }
    }
    return "0x" + to_hex(data);
}

}  // namespace

int run_deploy(const DeployOptions& o) {
    const auto fork = parse_fork(o.fork);
    if (!fork) throw InputError(fmt::format("--fork: error: unknown fork '{}'", o.fork));
    const auto result = compile_file(o.source, true);
    const compiler::CompiledContract* contract = nullptr;
    if (o.contract.empty()) {
        if (result.contracts.empty()) throw InputError(o.source + ": error: no contract to deploy");
        contract = &result.contracts.back();
    } else {
        contract = result.find(o.contract);
        if (!contract) throw InputError(fmt::format("--contract: error: no contract named '{}'", o.contract));
    }
    // Constructor arguments, when the call signature is absent the positional values go here.
    std::vector<abi::Type> ctor_types;
    for (const auto& e : nlohmann::json::parse(contract->abi_json))
        if (e.value("type", "") == "constructor")
            for (const auto& i : e["inputs"])
                ctor_types.push_back(*abi::parse_type(i["type"].get<std::string>()).value);
    bytes init = contract->init_code;
    if (!o.ctor_args.empty() || !ctor_types.empty()) {
        auto enc = abi::encode(ctor_types, o.ctor_args);
        if (!enc) throw InputError("--ctor-args: error: " + enc.error);
        init.insert(init.end(), enc.value->begin(), enc.value->end());
    }
    const address caller = *address::parse("0x000000000000000000000000000000000000ca11");
    TxContext ctx;
    ctx.origin = caller;
    ctx.number = 1;
    ctx.timestamp = 1;
    ctx.gas_limit = o.gas;
    InMemoryHost host(*fork, ctx);
    host.accounts[caller].balance = uint256::max() >> uint256{1};
    Transaction deploy;
    deploy.sender = caller;
    deploy.data = init;
    deploy.gas_limit = o.gas;
    const auto created = execute_transaction(host, deploy);
    if (!created.receipt) throw InputError("--deploy: error: invalid transaction: " + created.error);
    nlohmann::ordered_json report;
    report["contract"] = contract->name;
    report["deploy"] = {{"status", status_name(created.receipt->status)},
                        {"gas_used", created.receipt->gas_used}};
    int exit = created.receipt->status == Status::Success ? 0 : 1;
    if (created.receipt->status != Status::Success)
        report["deploy"]["revert"] = describe_revert(created.receipt->output);
    if (exit == 0 && !o.call.empty()) {
        auto sig = abi::parse_signature(o.call);
        if (!sig) throw InputError("--call: error: " + sig.error);
        const auto outputs = outputs_of(contract->abi_json, *sig.value);
        auto args = abi::encode(sig.value->params, o.args);
        if (!args) throw InputError("--call: error: " + args.error);
        const auto sel = sig.value->selector();
        Transaction call;
        call.sender = caller;
        call.to = created.receipt->created;
        call.data.assign(sel.begin(), sel.end());
        call.data.insert(call.data.end(), args.value->begin(), args.value->end());
        call.gas_limit = o.gas;
        const auto uv = uint256::parse(o.value);
        if (!uv) throw InputError(fmt::format("--value: error: invalid number '{}'", o.value));
        call.value = *uv;
        const auto out = execute_transaction(host, call);
        if (!out.receipt) throw InputError("--call: error: invalid transaction: " + out.error);
        const auto& rc = *out.receipt;
        nlohmann::ordered_json cj;
        cj["signature"] = sig.value->canonical();
        cj["status"] = status_name(rc.status);
        cj["gas_used"] = rc.gas_used;
        if (rc.status == Status::Success) {
            auto decoded = abi::decode(outputs, rc.output);
            if (decoded) {
                // A returned string that is not UTF-8 is shown as its bytes in hex (0x...): string
                // and bytes share one encoding, so the same data decodes as bytes.
                const auto as_bytes = abi::decode(strings_as_bytes(outputs), rc.output);
                for (size_t i = 0; i < decoded.value->size(); ++i)
                    if (!runtime::valid_utf8((*decoded.value)[i]) && as_bytes)
                        (*decoded.value)[i] = (*as_bytes.value)[i];
                cj["returns"] = *decoded.value;
            } else {
                cj["output"] = "0x" + to_hex(rc.output);
            }
        } else {
            cj["revert"] = describe_revert(rc.output);
            exit = 1;
        }
        cj["logs"] = nlohmann::json::array();
        for (const auto& l : rc.logs) {
            nlohmann::ordered_json lj;
            lj["topics"] = nlohmann::json::array();
            for (const auto& t : l.topics) lj["topics"].push_back(t.to_hex());
            lj["data"] = "0x" + to_hex(l.data);
            cj["logs"].push_back(lj);
        }
        report["call"] = cj;
    }
    // Whatever else a contract returns (a revert reason, say) cannot make the report fail.
    fmt::print("{}\n", report.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    return exit;
}

void add_contract_commands(CLI::App& app, int& exit_code) {
    auto* c = app.add_subcommand("compile", "Compile a contract source (a subset of Solidity 0.8)");
    auto file = std::make_shared<std::string>();
    auto out_dir = std::make_shared<std::string>();
    auto abi_only = std::make_shared<bool>(false);
    auto asm_listing = std::make_shared<bool>(false);
    auto level = std::make_shared<int>(1);
    auto paths = std::make_shared<ImportPaths>();
    c->add_option("FILE", *file, "source file (.sol), or - for standard input")->required();
    c->add_option("--base-path", paths->base_path,
                  "where imports are looked up first, as solc's --base-path (default: the current folder)");
    c->add_option("--include-path", paths->include_paths,
                  "further folders for imports, tried in order after the base path (repeatable), as solc's");
    c->add_option("-o,--output-dir", *out_dir,
                  "write NAME.bin, NAME.bin-runtime, NAME.abi (and NAME.asm) here");
    c->add_flag("--abi", *abi_only, "print the ABI JSON");
    c->add_flag("--asm", *asm_listing, "print the assembly listing with source positions");
    c->add_option("-O", *level, "optimization: -O0 turns the peephole optimizer off, -O1 (default) on")
        ->check(CLI::Range(0, 1));
    c->callback(guarded(exit_code, [file, out_dir, abi_only, asm_listing, level, paths] {
        return run_compile(*file, *out_dir, *abi_only, *asm_listing, *level == 0, *paths);
    }));
}

}  // namespace trainchain::cli
