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

#include "bn254.hpp"
#include "kzg.hpp"
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

/// The elliptic-curve precompiles called directly: go-ethereum's "jeff1" pairing check (2 pairs) and
/// "chfast1" of ECMUL.
void register_bn254() {
    static const bytes pairing_input = *from_hex(
                                            "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59"
                                            "3034dd2920f673e204fee2811c678745"
                                            "fc819b55d3e9d294e45c9b03a76aef41209dd15ebff5d46c4bd888e51a93cf99"
                                            "a7329636c63514396b4a452003a35bf7"
                                            "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678"
                                            "2bb8324af6cfc93537a2ad1a445cfd0c"
                                            "a2a71acd7ac41fadbf933c2a51be344d120a2a4cf30c1bf9845f20c6fe39e07e"
                                            "a2cce61f0c9bb048165fe5e4de877550"
                                            "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
                                            "2032c61a830e3c17286de9462bf242fc"
                                            "a2883585b93870a73853face6a6bf411198e9393920d483a7260bfb731fb5d25"
                                            "f1aa493335a9e71297e485b7aef312c2"
                                            "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
                                            "090689d0585ff075ec9e99ad690c3395"
                                            "bc4b313370b38ef355acdadcd122975b12c85ea5db8c6deb4aab71808dcb408f"
                                            "e3d1e7690c43d37b4ce6cc0166fa7daa")
                                            .value;
    static const bytes mul_input = *from_hex(
                                        "2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb7"
                                        "21611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb204"
                                        "00000000000000000000000000000000000000000000000011138ce750fa15c2")
                                        .value;
    benchmark::RegisterBenchmark("precompile/bn254_pairing_2_pairs", [](benchmark::State& st) {
        for (auto _ : st) benchmark::DoNotOptimize(bn254::pairing(pairing_input));
    })->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("precompile/bn254_mul", [](benchmark::State& st) {
        for (auto _ : st) benchmark::DoNotOptimize(bn254::mul(mul_input));
    })->Unit(benchmark::kMicrosecond);
    // go-ethereum's "pointEvaluation1".
    static const bytes kzg_input = *from_hex(
                                        "01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b564c"
                                        "0a11a0f704f4fc3e8acfe0f8245f"
                                        "0ad1347b378fbf96e206da11a5d3630624d25032e67a7e6a4910df5834b8fe70e6bc"
                                        "feeac0352434196bdf4b2485d5a1"
                                        "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26"
                                        "936857bc3a7c2539ea8ec3a952b7"
                                        "873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbea"
                                        "fdad446cbc7bcdbdcd780af2c16a")
                                        .value;
    benchmark::RegisterBenchmark("precompile/kzg_point_evaluation", [](benchmark::State& st) {
        for (auto _ : st) benchmark::DoNotOptimize(kzg::point_evaluation(kzg_input));
    })->Unit(benchmark::kMicrosecond);
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
    register_bn254();
    int n = static_cast<int>(rest.size());
    benchmark::Initialize(&n, rest.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
