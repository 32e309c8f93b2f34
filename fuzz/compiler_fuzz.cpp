// fuzz/compiler_fuzz.cpp - libFuzzer target: arbitrary (mostly mutated) contract sources through
// the whole compiler, at both optimisation levels.
//
// Checked on every input: compile() returns (no crash, no hang, no sanitizer report); a result
// without errors has a contract for each name; what compiles deploys on the in-memory VM without
// the VM failing in any way other than an ordinary EVM outcome.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "trainchain/compiler/compiler.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/transaction.hpp"

using namespace trainchain;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 64 * 1024) return 0;
    const std::string_view source(reinterpret_cast<const char*>(data), size);
    for (const bool optimize : {true, false}) {
        compiler::Options options;
        options.optimize = optimize;
        const auto result = compiler::compile(source, "fuzz.sol", options);
        for (const auto& d : result.diagnostics) {
            require(d.line >= 1 && d.column >= 1);
            require(!d.message.empty());
        }
        if (!result.ok()) {
            require(result.contracts.empty());
            continue;
        }
        for (const auto& c : result.contracts) {
            require(!c.init_code.empty() && !c.runtime_code.empty());
            vm::TxContext ctx;
            ctx.gas_limit = 3'000'000;
            vm::InMemoryHost host(vm::Fork::Shanghai, ctx);
            vm::Transaction tx;
            tx.sender = vm::address::from_word(vm::uint256{0xca11});
            tx.data = c.init_code;
            tx.gas_limit = 3'000'000;
            const auto out = vm::execute_transaction(host, tx);
            require(out.receipt.has_value() || !out.error.empty());
        }
    }
    return 0;
}
