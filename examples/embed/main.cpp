// examples/embed/main.cpp - compiles a contract with trainchain::compiler, deploys it on the VM in
// an in-memory state and calls it; prints `factorial(20) = 2432902008176640000`.
#include <cstdio>
#include <string>

#include "trainchain/compiler/abi.hpp"
#include "trainchain/compiler/compiler.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/transaction.hpp"

namespace {

constexpr const char* source = R"(
pragma solidity ^0.8.0;
contract Maths {
    function factorial(uint256 n) public pure returns (uint256) {
        return n <= 1 ? 1 : n * factorial(n - 1);
    }
}
)";

}  // namespace

int main() {
    namespace abi = trainchain::compiler::abi;
    using namespace trainchain::vm;

    const auto compiled = trainchain::compiler::compile(source, "Maths.sol");
    if (!compiled.ok()) {
        for (const auto& d : compiled.diagnostics) std::fprintf(stderr, "%s\n", d.format().c_str());
        return 1;
    }
    const auto* contract = compiled.find("Maths");
    if (contract == nullptr) return 1;

    InMemoryHost host{Fork::Shanghai};
    const address me = *address::parse("0x000000000000000000000000000000000000ca11");
    host.accounts[me].balance = uint256{1'000'000'000'000'000'000ULL};

    Transaction deploy;
    deploy.sender = me;
    deploy.data = contract->init_code;
    deploy.gas_limit = 10'000'000;
    const TxOutcome deployed = execute_transaction(host, deploy);
    if (!deployed.receipt || !deployed.receipt->created) {
        std::fprintf(stderr, "deployment failed: %s\n", deployed.error.c_str());
        return 1;
    }

    const auto uint256_type = *abi::parse_type("uint256").value;
    const auto argument = abi::encode({uint256_type}, {"20"});
    Transaction call;
    call.sender = me;
    call.to = *deployed.receipt->created;
    const auto selector = abi::selector("factorial(uint256)");
    call.data.assign(selector.begin(), selector.end());
    call.data.insert(call.data.end(), argument.value->begin(), argument.value->end());
    call.gas_limit = 1'000'000;
    const TxOutcome called = execute_transaction(host, call);
    if (!called.receipt || called.receipt->status != Status::Success) {
        std::fprintf(stderr, "the call failed\n");
        return 1;
    }
    const auto result = abi::decode({uint256_type}, called.receipt->output);
    if (!result) return 1;
    std::printf("factorial(20) = %s (gas used %lld)\n", result.value->front().c_str(),
                static_cast<long long>(called.receipt->gas_used));
    return 0;
}
