// vm/include/trainchain/vm/keccak.hpp - Keccak-256 (the original Keccak padding, as Ethereum uses).
#pragma once

#include "trainchain/vm/host.hpp"

namespace trainchain::vm {

/// Keccak-256 of `data`: the original Keccak padding, as Ethereum uses it (not FIPS SHA3-256's).
bytes32 keccak256(bytes_view data) noexcept;

}  // namespace trainchain::vm
