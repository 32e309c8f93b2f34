// bench/vm_bench.cpp - interpreter throughput on the VMTests' vmPerformance programs, the same
// programs ../shared/ANCHORS.md measures evmone's baseline interpreter on (Frontier rules).
//
//   build/release/bin/trainchain_bench --conformance ../shared/conformance/vmtests
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <nlohmann/json.hpp>

#include "trainchain/vm/assembler.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/state.hpp"

namespace {

using namespace trainchain::vm;

struct Program {
    std::string name;
    bytes code;
    bytes input;
    int64_t gas;
    Fork fork = Fork::Frontier;
    bool fresh_state = false;  ///< reset storage and warm sets before each run
    bytes callee_code;         ///< code of the account `callee` below, if any
};

/// The account the call-heavy program calls.
const address callee = address::from_word(uint256{0xca11ee});

/// The project's own programs, in assembly: what the chain's contracts lean on.
std::vector<Program> own_programs() {
    struct Source {
        const char* name;
        const char* text;
    };
    const Source sources[] = {
        // 10,000 SSTOREs to distinct slots, then 10,000 SLOADs of them (storage-heavy).
        {"own/storage-10k", R"(
            PUSH2 10000
            w: JUMPDEST DUP1 DUP1 SSTORE PUSH1 1 SWAP1 SUB DUP1 PUSH @w JUMPI POP
            PUSH2 10000
            r: JUMPDEST DUP1 SLOAD POP PUSH1 1 SWAP1 SUB DUP1 PUSH @r JUMPI STOP)"},
        // 100,000 KECCAK256 of 64 bytes, each hashing the previous digest (keccak-heavy).
        {"own/keccak64-100k", R"(
            PUSH3 100000
            l: JUMPDEST PUSH1 64 PUSH1 0 KECCAK256 PUSH1 0 MSTORE PUSH1 1 SWAP1 SUB DUP1 PUSH @l JUMPI STOP)"},
        // 10,000 CALLs to the identity precompile with 32 bytes (call-heavy).
        {"own/call-identity-10k", R"(
            PUSH2 10000
            l: JUMPDEST PUSH1 32 PUSH1 0 PUSH1 32 PUSH1 0 PUSH1 0 PUSH1 4 GAS CALL POP
               PUSH1 1 SWAP1 SUB DUP1 PUSH @l JUMPI STOP)"},
        // 10,000 CALLs to a contract that returns its 32-byte input plus one: a frame each (the
        // per-call setup: code analysis, operand stack, memory).
        {"own/call-contract-10k", R"(
            PUSH2 10000
            l: JUMPDEST DUP1 PUSH1 0 MSTORE
               PUSH1 32 PUSH1 0 PUSH1 32 PUSH1 0 PUSH1 0 PUSH3 0xca11ee GAS CALL POP
               PUSH1 1 SWAP1 SUB DUP1 PUSH @l JUMPI STOP)"},
    };
    const auto callee_code =
        assemble("PUSH1 0 CALLDATALOAD PUSH1 1 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN");
    if (!callee_code) {
        std::cerr << "callee: " << callee_code.error.message << "\n";
        std::exit(2);
    }
    std::vector<Program> out;
    for (const auto& src : sources) {
        auto code = assemble(src.text);
        if (!code) {
            std::cerr << src.name << ":" << code.error.line << ":" << code.error.column << ": "
                      << code.error.message << "\n";
            std::exit(2);
        }
        out.push_back({src.name, *code.value, {}, 1'000'000'000, Fork::Petersburg, true, {}});
        if (std::string_view{src.name} == "own/call-contract-10k")
            out.back().callee_code = *callee_code.value;
    }
    return out;
}

void run_program(benchmark::State& st, const Program& p) {
    InMemoryHost host(p.fork);
    const address self = address::from_word(uint256{0xc0de});
    host.accounts[self].code = p.code;
    if (!p.callee_code.empty()) host.accounts[callee].code = p.callee_code;
    Message msg;
    msg.gas = p.gas;
    msg.recipient = msg.code_address = self;
    msg.input = p.input;
    int64_t gas_used = 0;
    for (auto _ : st) {
        if (p.fresh_state) {  // a fresh transaction each time: cold slots, no earlier writes
            st.PauseTiming();
            host.finalize();
            host.accounts[self].storage.clear();
            st.ResumeTiming();
        }
        const Result r = host.call(msg);
        gas_used = p.gas - r.gas_left;  // exceptional halts included (ackermann33 runs out of gas)
        benchmark::DoNotOptimize(r.output.data());
    }
    st.counters["gas_used"] = static_cast<double>(gas_used);
    st.counters["gas_rate"] = benchmark::Counter(
        static_cast<double>(gas_used) * static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
}

std::vector<Program> load(const std::filesystem::path& dir) {
    std::vector<Program> out;
    if (!std::filesystem::is_directory(dir)) return out;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const auto doc = nlohmann::json::parse(std::ifstream(f));
        for (const auto& [name, t] : doc.items()) {
            const auto& exec = t.at("exec");
            Program p;
            p.name = name;
            p.code = *from_hex(exec.at("code").get<std::string>()).value;
            p.input = *from_hex(exec.at("data").get<std::string>()).value;
            p.gas = static_cast<int64_t>(uint256::parse(exec.at("gas").get<std::string>())->w[0]);
            out.push_back(std::move(p));
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::string conformance = "../shared/conformance/vmtests";
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--conformance" && i + 1 < argc)
            conformance = argv[++i];
        else if (a.starts_with("--conformance="))
            conformance = a.substr(14);
        else
            rest.push_back(argv[i]);
    }
    auto programs = load(std::filesystem::path(conformance) / "vmPerformance");
    if (programs.empty()) {
        std::cerr << "trainchain_bench: no vmPerformance programs under " << conformance << "\n";
        return 2;
    }
    for (auto& p : own_programs()) programs.push_back(std::move(p));
    for (const auto& p : programs)
        benchmark::RegisterBenchmark(("vm/" + p.name).c_str(), [p](benchmark::State& st) {
            run_program(st, p);
        })->Unit(benchmark::kMicrosecond);
    int n = static_cast<int>(rest.size());
    benchmark::Initialize(&n, rest.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
