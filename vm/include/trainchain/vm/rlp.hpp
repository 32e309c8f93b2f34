// vm/include/trainchain/vm/rlp.hpp - Ethereum's Recursive Length Prefix encoding (the parts the
// VM needs: CREATE addresses and the conformance tests' log hashes).
#pragma once

#include <span>

#include "trainchain/vm/host.hpp"

namespace trainchain::vm::rlp {

/// Encodes a byte string.
bytes encode(bytes_view data);
/// Encodes an unsigned integer as its minimal big-endian byte string.
bytes encode(const uint256& value);
/// Wraps already-encoded items in a list.
bytes encode_list(std::span<const bytes> items);

}  // namespace trainchain::vm::rlp
