// vm/src/keccak.cpp - Keccak-256 as Ethereum uses it: the Keccak-f[1600] permutation and the sponge
// with rate 1088 bits and the original Keccak padding (pad10*1 after a 0x01 byte; FIPS 202's SHA3-256
// is the same sponge with 0x06).
//
// Written from FIPS 202 (sections 3.2 and 5.1): the step mappings theta, rho, pi, chi and iota over
// 25 64-bit lanes, the rho offsets and the iota round constants computed at compile time by the
// standard's own algorithms 2 and 5. Why an own implementation: Debian 12 has no faster one to call.
// Crypto++'s Keccak_256 takes about 600-900 ns per 64-byte digest here, Nettle's `sha3_permute`
// slightly more, OpenSSL 3.0 offers SHA3-256 but not the Keccak padding, and libsodium has no
// Keccak. This one keeps the 25 lanes in locals that the compiler unrolls into registers; see
// docs/performance.md for the figures. tests/unit/vm/vm_keccak_random_test.cpp checks it against
// Crypto++ on random inputs of every length around the rate.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "trainchain/vm/keccak.hpp"

namespace trainchain::vm {
namespace {

constexpr uint64_t rotl(uint64_t v, unsigned n) noexcept { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

/// rho's rotation offsets, lane x + 5y (FIPS 202, Algorithm 2).
constexpr std::array<unsigned, 25> rho_offsets = [] {
    std::array<unsigned, 25> r{};
    unsigned x = 1, y = 0;
    for (unsigned t = 0; t < 24; ++t) {
        r[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        const unsigned nx = y, ny = (2 * x + 3 * y) % 5;
        x = nx;
        y = ny;
    }
    return r;
}();

/// rc(t): the output bit of the degree-8 LFSR (FIPS 202, Algorithm 5).
constexpr bool rc_bit(unsigned t) noexcept {
    if (t % 255 == 0) return true;
    unsigned r = 0x80;  // R = 10000000, R[0] the most significant of these 8 bits
    for (unsigned i = 1; i <= t % 255; ++i) {
        // R = 0 || R; R[0] ^= R[8]; R[4] ^= R[8]; R[5] ^= R[8]; R[6] ^= R[8]; R = Trunc8(R)
        const unsigned r8 = r & 1;  // R[8] after the shift is the old R[7], the lowest bit here
        r >>= 1;
        if (r8 != 0) r ^= 0x80 | 0x08 | 0x04 | 0x02;
    }
    return (r & 0x80) != 0;
}

/// iota's round constants for the 24 rounds (FIPS 202, Algorithm 6 with l = 6).
constexpr std::array<uint64_t, 24> round_constants = [] {
    std::array<uint64_t, 24> rc{};
    for (unsigned ir = 0; ir < 24; ++ir)
        for (unsigned j = 0; j <= 6; ++j)
            if (rc_bit(j + 7 * ir)) rc[ir] |= uint64_t{1} << ((1u << j) - 1);
    return rc;
}();
static_assert(round_constants[0] == 1 && round_constants[1] == 0x8082 &&
              round_constants[23] == 0x8000000080008008);
static_assert(rho_offsets[1] == 1 && rho_offsets[2] == 62 && rho_offsets[24] == 14);

/// One round from lanes a[x + 5y] into e: theta, then rho and pi lane by lane into one row of B at a
/// time, chi over that row, and iota. pi moves lane (x, y) to (y, 2x + 3y), so row y of B takes its
/// lane x from a[(x + 3y) mod 5, x].
[[gnu::always_inline]] inline void keccak_round(const uint64_t (&a)[25], uint64_t (&e)[25],
                                                uint64_t round_constant) noexcept {
    uint64_t c[5], d[5];
#pragma GCC unroll 5
    for (unsigned x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
    for (unsigned x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
#pragma GCC unroll 5
    for (unsigned y = 0; y < 5; ++y) {
        uint64_t b[5];
#pragma GCC unroll 5
        for (unsigned x = 0; x < 5; ++x) {
            const unsigned from = (x + 3 * y) % 5 + 5 * x;
            b[x] = rotl(a[from] ^ d[(x + 3 * y) % 5], rho_offsets[from]);
        }
#pragma GCC unroll 5
        for (unsigned x = 0; x < 5; ++x) e[x + 5 * y] = b[x] ^ (~b[(x + 1) % 5] & b[(x + 2) % 5]);
    }
    e[0] ^= round_constant;
}

/// Keccak-f[1600] on lanes state[x + 5y]: 24 rounds, two per step so that the lanes move between
/// two local arrays the compiler keeps in registers and stack slots. Built twice, chosen when the
/// program loads: for x86-64-v3 processors (BMI's and-not and BMI2's rotate without flags) and
/// for any x86-64.
[[gnu::target_clones("arch=x86-64-v3", "default")]] void keccak_f1600(uint64_t (&state)[25]) noexcept {
    uint64_t a[25], e[25];
    std::memcpy(a, state, sizeof a);
    for (unsigned round = 0; round < 24; round += 2) {
        keccak_round(a, e, round_constants[round]);
        keccak_round(e, a, round_constants[round + 1]);
    }
    std::memcpy(state, a, sizeof a);
}

/// The sponge's rate for a 256-bit digest: 1600 - 2 * 256 bits, in bytes.
constexpr size_t rate = 136;

/// XORs one rate-sized block into the state (lanes are little-endian byte strings).
void absorb(uint64_t (&a)[25], const uint8_t* block) noexcept {
    for (size_t i = 0; i < rate / 8; ++i) {
        uint64_t lane;
        std::memcpy(&lane, block + 8 * i, 8);
        if constexpr (std::endian::native == std::endian::big) lane = __builtin_bswap64(lane);
        a[i] ^= lane;
    }
    keccak_f1600(a);
}

}  // namespace

bytes32 keccak256(bytes_view data) noexcept {
    uint64_t a[25] = {};
    const uint8_t* p = data.data();
    size_t left = data.size();
    for (; left >= rate; p += rate, left -= rate) absorb(a, p);
    uint8_t last[rate] = {};
    if (left != 0) std::memcpy(last, p, left);
    last[left] ^= 0x01;  // Keccak's padding: 0x01, zeros, 0x80 (SHA-3 would start with 0x06)
    last[rate - 1] ^= 0x80;
    absorb(a, last);
    bytes32 out;
    for (size_t i = 0; i < 32; ++i) out.bytes[i] = static_cast<uint8_t>(a[i / 8] >> (8 * (i % 8)));
    return out;
}

}  // namespace trainchain::vm
