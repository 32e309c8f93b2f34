// tests/support/bytecode.hpp - a small bytecode builder for tests, after evmone's test utilities:
// `push(1) + push(2) + OP_ADD + ret_top()` reads as the program it builds.
#pragma once

#include <initializer_list>
#include <string>

#include "trainchain/vm/host.hpp"
#include "trainchain/vm/opcodes.hpp"

namespace trainchain::test {

using vm::bytes;
using vm::Opcode;
using vm::uint256;

/// Bytecode under construction; concatenates with + and with opcodes.
struct bytecode {
    bytes code;
    bytecode() = default;
    bytecode(Opcode op) : code{static_cast<uint8_t>(op)} {}  // NOLINT: implicit by design
    explicit bytecode(bytes b) : code{std::move(b)} {}
    friend bytecode operator+(bytecode a, const bytecode& b) {
        a.code.insert(a.code.end(), b.code.begin(), b.code.end());
        return a;
    }
    friend bytecode operator+(bytecode a, Opcode op) { return a + bytecode{op}; }
    friend bytecode operator+(Opcode op, const bytecode& b) { return bytecode{op} + b; }
    /// The code repeated n times.
    friend bytecode operator*(int n, const bytecode& b) {
        bytecode r;
        for (int i = 0; i < n; ++i) r = r + b;
        return r;
    }
};

/// PUSHn with the minimal width (PUSH1 for zero).
inline bytecode push(const uint256& v) {
    const size_t n = std::max<size_t>(1, vm::significant_bytes(v));
    uint8_t be[32];
    v.to_be(be);
    bytes b{static_cast<uint8_t>(0x60 + n - 1)};
    b.insert(b.end(), be + 32 - n, be + 32);
    return bytecode{b};
}

/// PUSHn with an explicit width.
inline bytecode push(size_t width, const uint256& v) {
    uint8_t be[32];
    v.to_be(be);
    bytes b{static_cast<uint8_t>(0x60 + width - 1)};
    b.insert(b.end(), be + 32 - width, be + 32);
    return bytecode{b};
}

/// MSTORE the top of the stack at 0 and RETURN those 32 bytes.
inline bytecode ret_top() { return push(0) + Opcode::MSTORE + push(32) + push(0) + Opcode::RETURN; }

/// SSTORE(key, value) with both pushed first.
inline bytecode sstore(const uint256& key, const bytecode& value) {
    return value + push(key) + Opcode::SSTORE;
}

}  // namespace trainchain::test
