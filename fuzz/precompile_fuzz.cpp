// fuzz/precompile_fuzz.cpp - libFuzzer target: arbitrary input to every precompiled contract,
// under every fork, directly and through the in-memory host.
//
// Input layout: byte 0 picks the precompile (mod 10, plus 1), byte 1 the fork (mod the number of
// forks); the rest is the precompile's input. Checked on every input: the price is never
// negative; a call is run only if its price fits the budget (as the host would: modexp's declared
// lengths must not allocate before); each implementation's output has its shape (32 bytes for
// the hashes, a left-padded address or nothing for ecrecover, the input for identity, the
// modulus length for modexp, 64 bytes or a failure exactly for malformed input for BLAKE2b F, a
// point or a 0/1 word for bn254, the blob constants for the point evaluation);
// running twice gives the same result; and a call through InMemoryHost with exactly the price
// succeeds or fails as the direct run did, with one gas less it runs out of gas.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "trainchain/vm/precompiles.hpp"
#include "trainchain/vm/state.hpp"

using namespace trainchain::vm;

namespace {

/// Calls priced above this are not run (BLAKE2b F takes one round per gas).
constexpr int64_t budget = 2'000'000;

void require(bool ok) {
    if (!ok) std::abort();
}

/// Reads a 32-byte big-endian length of the modexp input, or UINT64_MAX if it does not fit.
uint64_t modexp_length(bytes_view in, size_t offset) {
    uint64_t v = 0;
    for (size_t i = 0; i < 32; ++i) {
        const uint8_t b = offset + i < in.size() ? in[offset + i] : 0;
        if (i < 24 && b != 0) return UINT64_MAX;
        if (i >= 24) v = (v << 8) | b;
    }
    return v;
}

void check_shape(uint8_t number, bytes_view in, const PrecompileResult& r) {
    using S = PrecompileResult::Status;
    switch (number) {
        case 0x01:  // ecrecover: never fails; empty, or an address left-padded to 32 bytes
            require(r.status == S::Success);
            require(r.output.empty() || r.output.size() == 32);
            for (size_t i = 0; i < 12 && i < r.output.size(); ++i) require(r.output[i] == 0);
            break;
        case 0x02:  // SHA-256
            require(r.status == S::Success && r.output.size() == 32);
            break;
        case 0x03:  // RIPEMD-160, left-padded
            require(r.status == S::Success && r.output.size() == 32);
            for (size_t i = 0; i < 12; ++i) require(r.output[i] == 0);
            break;
        case 0x04:  // identity
            require(r.status == S::Success && r.output.size() == in.size());
            for (size_t i = 0; i < in.size(); ++i) require(r.output[i] == in[i]);
            break;
        case 0x05:  // modexp: as long as the modulus
            require(r.status == S::Success && r.output.size() == modexp_length(in, 64));
            break;
        case 0x09: {  // BLAKE2b F: fails exactly on a wrong length or final flag
            const bool valid = in.size() == 213 && in[212] <= 1;
            require(r.status == (valid ? S::Success : S::Failure));
            require(r.output.size() == (valid ? 64U : 0U));
            break;
        }
        case 0x06:  // bn254 add and mul: a point, or a failure (curve_fuzz checks the algebra)
        case 0x07:
            require(r.status == S::Success ? r.output.size() == 64 : r.output.empty());
            break;
        case 0x08:  // bn254 pairing: a 0/1 word, or a failure; a length not a multiple of 192 fails
            if (in.size() % 192 != 0) require(r.status == S::Failure);
            require(r.status == S::Success ? r.output.size() == 32 && r.output[31] <= 1 : r.output.empty());
            break;
        case 0x0a:  // point evaluation: the blob constants, or a failure; exactly 192 bytes
            if (in.size() != 192) require(r.status == S::Failure);
            require(r.status == S::Success ? r.output.size() == 64 : r.output.empty());
            break;
        default:  // every number 0x01..0x0a has an implementation
            std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const auto number = static_cast<uint8_t>(data[0] % max_precompile + 1);
    const auto fork = static_cast<Fork>(data[1] % num_forks);
    const bytes_view input{data + 2, size - 2};

    const int64_t cost = precompile_gas(number, input, fork);
    require(cost >= 0);
    if (cost > budget) return 0;

    const PrecompileResult r = run_precompile(number, input);
    check_shape(number, input, r);
    const PrecompileResult again = run_precompile(number, input);
    require(again.status == r.status && again.output == r.output);

    // Through the host, where the fork has it (else its address is an empty account).
    address to;
    to.bytes.back() = number;
    if (!is_precompile(to, fork)) return 0;
    const auto host_call = [&](int64_t gas) {
        InMemoryHost host(fork);
        Message msg;
        msg.gas = gas;
        msg.recipient = msg.code_address = to;
        msg.input = input;
        return host.call(msg);
    };
    const Result exact = host_call(cost);
    if (r.status == PrecompileResult::Status::Success) {
        require(exact.status == Status::Success && exact.gas_left == 0 && exact.output == r.output);
    } else {
        require(exact.status == Status::Failure && exact.gas_left == 0 && exact.output.empty());
    }
    if (cost > 0) {
        const Result shy = host_call(cost - 1);
        require(shy.status == Status::OutOfGas && shy.gas_left == 0 && shy.output.empty());
    }
    return 0;
}
