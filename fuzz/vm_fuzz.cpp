// fuzz/vm_fuzz.cpp - libFuzzer target: arbitrary bytecode and calldata, under every fork, run
// through the in-memory host as a message call or a contract creation.
//
// Input layout: byte 0 picks the fork (mod the number of forks) and, in its top bit, creation
// instead of a call; byte 1 is the calldata length (taken from the end of the input); the rest is
// the code. Checked on every input: the run ends, gas stays within the limit, an exceptional
// halt leaves no gas, and a traced run (GasProfile) gives the same result with a profile that adds
// up exactly to the gas used.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/tracer.hpp"

using namespace trainchain::vm;

namespace {

constexpr int64_t gas_limit = 1'000'000;

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const auto fork = static_cast<Fork>(data[0] % num_forks);
    const bool create = (data[0] & 0x80) != 0;
    const size_t body = size - 2;
    const size_t input_size = std::min<size_t>(data[1], body);
    const bytes_view code{data + 2, body - input_size};
    const bytes_view input{data + 2 + (body - input_size), input_size};

    const auto run = [&](Tracer* tracer) {
        const address self = address::from_word(uint256{0xc0de});
        const address caller = address::from_word(uint256{0xca11});
        TxContext ctx;
        ctx.origin = caller;
        ctx.number = 1000;
        ctx.gas_limit = gas_limit;
        InMemoryHost host(fork, ctx);
        host.set_tracer(tracer);
        host.accounts[caller].balance = uint256{1'000'000};
        host.accounts[self].balance = uint256{1'000'000};
        host.begin_transaction(caller, create ? nullptr : &self);

        Message msg;
        msg.gas = gas_limit;
        msg.sender = caller;
        msg.value = uint256{static_cast<uint64_t>(data[0] & 0x0f)};
        if (create) {
            msg.kind = CallKind::Create;
            msg.input = code;
        } else {
            host.accounts[self].code.assign(code.begin(), code.end());
            msg.recipient = msg.code_address = self;
            msg.input = input;
        }
        Result r = host.call(msg);
        host.finalize();
        return r;
    };
    const Result r = run(nullptr);
    GasProfile profile;
    const Result traced = run(&profile);
    require(traced.status == r.status && traced.gas_left == r.gas_left && traced.output == r.output &&
            traced.gas_refund == r.gas_refund);
    require(profile.total() == gas_limit - r.gas_left);

    require(r.gas_left >= 0 && r.gas_left <= gas_limit);
    const bool normal = r.status == Status::Success || r.status == Status::Revert;
    require(normal || r.gas_left == 0);
    return 0;
}
