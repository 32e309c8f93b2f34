// tests/support/test_support.hpp - what the VM tests share besides the bytecode builder: readable doctest
// failure messages for VM types, and test addresses.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "trainchain/vm/host.hpp"

// doctest finds these through argument-dependent lookup.
namespace trainchain::vm {
inline doctest::String toString(Status s) { return std::string(status_name(s)).c_str(); }
inline doctest::String toString(const uint256& v) { return v.to_hex().c_str(); }
inline doctest::String toString(const address& a) { return a.to_hex().c_str(); }
inline doctest::String toString(const bytes32& b) { return b.to_hex().c_str(); }
}  // namespace trainchain::vm

namespace trainchain::test {

/// An address whose first byte is `tag` and last eight bytes are `low` (all 160 bits matter).
constexpr vm::address make_address(uint8_t tag, uint64_t low) {
    vm::address a;
    a.bytes[0] = tag;
    for (size_t i = 0; i < 8; ++i) a.bytes[19 - i] = static_cast<uint8_t>(low >> (8 * i));
    return a;
}

}  // namespace trainchain::test
