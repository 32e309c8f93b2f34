// vm/src/host.cpp - address and bytes32 conversions, and Keccak-256: the original Keccak padding
// (0x01, not SHA-3's 0x06) over Nettle's Keccak-f[1600] permutation.
#include <nettle/sha3.h>

#include <cstring>

#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/host.hpp"
#include "trainchain/vm/keccak.hpp"

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

namespace {

/// The sponge's rate for a 256-bit digest: 1600 - 2 * 256 bits.
constexpr size_t keccak256_rate = 136;

/// XORs one rate-sized block into the state (lanes are little-endian) and permutes.
void keccak_absorb(sha3_state& state, const uint8_t* block) noexcept {
    for (size_t i = 0; i < keccak256_rate / 8; ++i) {
        uint64_t lane = 0;
        for (size_t b = 0; b < 8; ++b) lane |= uint64_t{block[8 * i + b]} << (8 * b);
        state.a[i] ^= lane;
    }
    sha3_permute(&state);
}

}  // namespace

bytes32 keccak256(bytes_view data) noexcept {
    sha3_state state{};
    const uint8_t* p = data.data();
    size_t left = data.size();
    for (; left >= keccak256_rate; p += keccak256_rate, left -= keccak256_rate) keccak_absorb(state, p);
    uint8_t last[keccak256_rate] = {};
    if (left != 0) std::memcpy(last, p, left);
    last[left] ^= 0x01;
    last[keccak256_rate - 1] ^= 0x80;
    keccak_absorb(state, last);
    bytes32 out;
    for (size_t i = 0; i < 32; ++i) out.bytes[i] = static_cast<uint8_t>(state.a[i / 8] >> (8 * (i % 8)));
    return out;
}

}  // namespace trainchain::vm
