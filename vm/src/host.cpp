// vm/src/host.cpp - address and bytes32 conversions (Keccak-256 is in keccak.cpp).
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/host.hpp"

namespace trainchain::vm {

address address::from_word(const uint256& word) noexcept {
    uint8_t buf[32];
    word.to_be(buf);
    address a;
    std::copy(buf + 12, buf + 32, a.bytes.begin());
    return a;
}

uint256 address::to_word() const noexcept { return uint256::from_be(bytes.data(), bytes.size()); }

std::optional<address> address::parse(std::string_view hex) noexcept {
    if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    if (hex.size() != 40) return std::nullopt;
    const auto word = uint256::parse("0x" + std::string(hex));
    if (!word) return std::nullopt;
    return from_word(*word);
}

std::string address::to_hex() const { return to_hex0x(bytes); }

bytes32 bytes32::from_word(const uint256& word) noexcept {
    bytes32 b;
    word.to_be(b.bytes.data());
    return b;
}

uint256 bytes32::to_word() const noexcept { return uint256::from_be(bytes.data(), bytes.size()); }

std::string bytes32::to_hex() const { return to_hex0x(bytes); }

}  // namespace trainchain::vm
