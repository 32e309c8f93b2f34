// bench/compiler_bench.cpp - compile speed: a generated contract of about 10,000 lines through
// the whole compiler (parse, analysis, code generation, optimizer, assembler), at -O1 and -O0.
//
// The contract is split into several contracts of 100 functions each (an EVM contract cannot
// hold 10,000 lines of code under the 24,576-byte limit, and solc users split the same way).
// Also: the OpenZeppelin token of tests/golden/scripts/openzeppelin (13 files, ERC20 with five
// extensions, imported unmodified through an include path), whole.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <string>

#include "trainchain/compiler/compiler.hpp"

namespace {

size_t newlines(const std::string& s) {
    size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

/// At least `lines` lines of varied Solidity: state, mappings, structs, events, loops, arithmetic.
std::string generate(size_t lines) {
    std::string s = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n\n";
    size_t contract = 0, fn = 0;
    while (newlines(s) < lines) {
        s += "contract Generated" + std::to_string(contract++) + " {\n";
        s += "    struct Entry {\n        uint128 amount;\n        uint64 time;\n        address owner;\n    "
             "}\n";
        s += "    mapping(uint256 => Entry) public entries;\n    uint256[] public values;\n";
        s += "    uint256 public total;\n    event Stored(uint256 indexed id, uint256 value);\n";
        for (int i = 0; i < 100; ++i, ++fn) {
            const std::string n = std::to_string(fn);
            s += "    function f" + n + "(uint256 a, uint256 b) public returns (uint256 result) {\n";
            s += "        uint256 acc = a * " + std::to_string(fn % 7 + 1) + " + b;\n";
            s += "        for (uint256 i = 0; i < 4; i++) {\n";
            s += "            if (acc % 2 == 0) {\n                acc = acc / 2 + i;\n";
            s += "            } else {\n                acc = acc * 3 + 1;\n            }\n        }\n";
            s += "        entries[acc].amount = uint128(acc);\n";
            s += "        entries[acc].owner = msg.sender;\n";
            s += "        values.push(acc);\n        total += acc;\n";
            s += "        emit Stored(acc, total);\n        result = acc;\n    }\n\n";
        }
        s += "}\n\n";
    }
    return s;
}

void compile_lines(benchmark::State& state, bool optimize) {
    const std::string source = generate(static_cast<size_t>(state.range(0)));
    const size_t lines = newlines(source);
    trainchain::compiler::Options options;
    options.optimize = optimize;
    for (auto _ : state) {
        auto result = trainchain::compiler::compile(source, "generated.sol", options);
        if (!result.ok()) {
            state.SkipWithError(result.diagnostics.front().format().c_str());
            return;
        }
        benchmark::DoNotOptimize(result);
    }
    state.counters["lines"] = static_cast<double>(lines);
    state.counters["lines_per_s"] = benchmark::Counter(
        static_cast<double>(lines) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_compile_O1(benchmark::State& state) { compile_lines(state, true); }
void BM_compile_O0(benchmark::State& state) { compile_lines(state, false); }

/// The OpenZeppelin token: reading its 13 files, parsing, analysis and code generation, at -O1.
void BM_compile_openzeppelin_token(benchmark::State& state) {
    const std::string dir = TRAINCHAIN_SOURCE_DIR "/tests/golden/scripts/openzeppelin";
    std::ifstream in(dir + "/TrainToken.sol");
    const std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    trainchain::compiler::Options options;
    options.include_paths = {dir + "/lib"};
    for (auto _ : state) {
        auto result = trainchain::compiler::compile(source, dir + "/TrainToken.sol", options);
        if (!result.ok()) {
            state.SkipWithError(result.diagnostics.front().format().c_str());
            return;
        }
        benchmark::DoNotOptimize(result);
    }
}

}  // namespace

BENCHMARK(BM_compile_openzeppelin_token)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_compile_O1)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_compile_O0)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
