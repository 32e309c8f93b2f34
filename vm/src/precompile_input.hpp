// vm/src/precompile_input.hpp - how the precompiles read their input: Ethereum's precompiles see it
// as "infinitely right-padded with zeros", so a fixed-size read past its end reads zeros. Shared by
// the precompile table (vm/src/precompiles.cpp) and the curves (vm/src/bn254.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

#include "trainchain/vm/host.hpp"

namespace trainchain::vm {

/// Copies `out.size()` bytes of `input` from `offset` into `out`, reading zeros past its end.
/// `Offset` may be wider than size_t (modexp's declared lengths are up to 2^256).
template <typename Offset>
void read_padded(bytes_view input, Offset offset, std::span<uint8_t> out) noexcept {
    std::fill(out.begin(), out.end(), uint8_t{0});
    if (offset >= static_cast<Offset>(input.size())) return;
    const auto start = static_cast<size_t>(offset);
    const size_t n = std::min(out.size(), input.size() - start);
    if (n != 0) std::memcpy(out.data(), input.data() + start, n);
}

}  // namespace trainchain::vm
