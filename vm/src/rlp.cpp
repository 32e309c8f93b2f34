// vm/src/rlp.cpp - RLP encoding (Ethereum Yellow Paper, appendix B).
#include "trainchain/vm/rlp.hpp"

namespace trainchain::vm::rlp {
namespace {

/// Prefix for a payload of `length` bytes: `short_base` + length below 56 bytes, else
/// `short_base` + 55 + length-of-length followed by the big-endian length.
bytes prefix(uint8_t short_base, size_t length) {
    if (length < 56) return {static_cast<uint8_t>(short_base + length)};
    bytes len_be;
    for (size_t v = length; v != 0; v >>= 8) len_be.insert(len_be.begin(), static_cast<uint8_t>(v));
    bytes out{static_cast<uint8_t>(short_base + 55 + len_be.size())};
    out.insert(out.end(), len_be.begin(), len_be.end());
    return out;
}

}  // namespace

bytes encode(bytes_view data) {
    if (data.size() == 1 && data[0] < 0x80) return {data[0]};
    bytes out = prefix(0x80, data.size());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

bytes encode(const uint256& value) {
    uint8_t be[32];
    value.to_be(be);
    const size_t skip = 32 - significant_bytes(value);
    return encode(bytes_view{be + skip, 32 - skip});
}

bytes encode_list(std::span<const bytes> items) {
    size_t total = 0;
    for (const auto& i : items) total += i.size();
    bytes out = prefix(0xc0, total);
    for (const auto& i : items) out.insert(out.end(), i.begin(), i.end());
    return out;
}

}  // namespace trainchain::vm::rlp
