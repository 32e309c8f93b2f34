// examples/embed/vm_only.cpp - runs hand-written bytecode on trainchain::vm alone (no compiler);
// prints `2 + 3 = 5`.
#include <cstdio>

#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/state.hpp"

int main() {
    using namespace trainchain::vm;
    // PUSH1 2, PUSH1 3, ADD, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
    const bytes code{0x60, 0x02, 0x60, 0x03, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
    InMemoryHost host{Fork::Shanghai};
    Message msg;
    msg.gas = 100'000;
    const Result result = execute(host, Fork::Shanghai, msg, code);
    if (result.status != Status::Success || result.output.size() != 32) {
        std::fprintf(stderr, "the code did not return a word\n");
        return 1;
    }
    std::printf("2 + 3 = %u (gas left %lld)\n", static_cast<unsigned>(result.output[31]),
                static_cast<long long>(result.gas_left));
    return 0;
}
