// tests/unit/vm/precompile_vectors.hpp - what the curve precompiles' tests share: hex literals and
// the published test vectors under tests/golden/precompiles/ (see the README there).
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "trainchain/vm/hex.hpp"

namespace trainchain::test {

/// The bytes of a hex literal (the test fails on a malformed one).
inline vm::bytes hex(std::string_view text) {
    auto r = vm::from_hex(text);
    REQUIRE(r);
    return *r.value;
}

/// One vector file of tests/golden/precompiles/, parsed.
inline nlohmann::json load_vectors(const std::string& name) {
    std::ifstream in(std::string(TRAINCHAIN_PRECOMPILE_VECTORS) + "/" + name);
    REQUIRE(in);
    return nlohmann::json::parse(in);
}

}  // namespace trainchain::test
