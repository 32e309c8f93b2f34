// vm/include/trainchain/vm/uint256.hpp - the VM's 256-bit word.
//
// `uint256` is four 64-bit limbs, least significant first. Every EVM arithmetic opcode maps to one
// function here; all of them are total (no UB, division by zero yields 0 as the EVM defines) and
// wrap modulo 2^256. Signed operations read the word as two's complement.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace trainchain::vm {

/// 128-bit integers (a GCC/Clang extension) for limb products and carries.
__extension__ typedef unsigned __int128 uint128;
__extension__ typedef __int128 int128;

/// An unsigned 256-bit integer with wrapping arithmetic; the EVM's stack word.
struct uint256 {
    std::array<uint64_t, 4> w{};  ///< limbs, w[0] least significant

    constexpr uint256() noexcept = default;
    /// Zero-extends a 64-bit value.
    constexpr uint256(uint64_t v) noexcept : w{v, 0, 0, 0} {}  // NOLINT: implicit by design
    /// Builds a word from its limbs, least significant first.
    constexpr uint256(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3) noexcept : w{w0, w1, w2, w3} {}

    constexpr uint256(const uint256&) noexcept = default;
    /// Limb-by-limb assignment: lets GCC keep a freshly computed word in registers instead of
    /// staging it in a stack temporary for a vector block copy (a store-forwarding stall on every
    /// stack write in the interpreter).
    constexpr uint256& operator=(const uint256& o) noexcept {
        w[0] = o.w[0];
        w[1] = o.w[1];
        w[2] = o.w[2];
        w[3] = o.w[3];
        return *this;
    }

    constexpr uint64_t& operator[](size_t i) noexcept { return w[i]; }
    constexpr const uint64_t& operator[](size_t i) const noexcept { return w[i]; }

    /// True when the value is not zero.
    constexpr explicit operator bool() const noexcept { return (w[0] | w[1] | w[2] | w[3]) != 0; }

    /// True when the value fits in 64 bits.
    [[nodiscard]] constexpr bool fits_u64() const noexcept { return (w[1] | w[2] | w[3]) == 0; }

    /// Branch-free equality.
    friend constexpr bool operator==(const uint256& a, const uint256& b) noexcept {
        return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3])) == 0;
    }

    /// The largest value, 2^256 - 1.
    static constexpr uint256 max() noexcept { return {~0ULL, ~0ULL, ~0ULL, ~0ULL}; }

    /// Reads up to 32 big-endian bytes (fewer are left-padded with zeros).
    static uint256 from_be(const uint8_t* data, size_t size) noexcept {
        if (size > 32) size = 32;
        uint8_t buf[32] = {};
        __builtin_memcpy(buf + 32 - size, data, size);
        uint256 r;
#pragma GCC unroll 4
        for (size_t i = 0; i < 4; ++i) {
            uint64_t limb;
            __builtin_memcpy(&limb, buf + 8 * (3 - i), 8);
            r.w[i] = __builtin_bswap64(limb);
        }
        return r;
    }
    /// Writes the value as 32 big-endian bytes.
    void to_be(uint8_t* out32) const noexcept {
#pragma GCC unroll 4
        for (size_t i = 0; i < 4; ++i) {
            const uint64_t limb = __builtin_bswap64(w[3 - i]);
            __builtin_memcpy(out32 + 8 * i, &limb, 8);
        }
    }
    /// Parses "0x..." hex (up to 64 digits) or decimal; std::nullopt on bad input or overflow.
    static std::optional<uint256> parse(std::string_view text) noexcept;
    /// Minimal lowercase hex with a 0x prefix ("0x0" for zero).
    [[nodiscard]] std::string to_hex() const;
    /// Decimal representation.
    [[nodiscard]] std::string to_dec() const;
};

// ---- comparison ---------------------------------------------------------------------------------

/// Unsigned less-than: the borrow out of a - b, computed without branches.
constexpr bool operator<(const uint256& a, const uint256& b) noexcept {
#if defined(__x86_64__)
    if (!std::is_constant_evaluated()) {
        // The borrow out of a sub/sbb chain, in registers.
        uint64_t t0 = a.w[0], t1 = a.w[1], t2 = a.w[2], t3 = a.w[3];
        bool borrow;
        __asm__("subq %[b0], %[t0]\n\tsbbq %[b1], %[t1]\n\tsbbq %[b2], %[t2]\n\tsbbq %[b3], %[t3]"
                : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), "=@ccc"(borrow)
                : [b0] "rm"(b.w[0]), [b1] "rm"(b.w[1]), [b2] "rm"(b.w[2]), [b3] "rm"(b.w[3]));
        return borrow;
    }
#endif
    uint64_t borrow = 0;
#pragma GCC unroll 4
    for (size_t i = 0; i < 4; ++i) {
        const uint64_t d = a.w[i] - b.w[i];
        borrow = (a.w[i] < b.w[i]) | (d < borrow);
    }
    return borrow != 0;
}
constexpr bool operator>(const uint256& a, const uint256& b) noexcept { return b < a; }
constexpr bool operator<=(const uint256& a, const uint256& b) noexcept { return !(b < a); }
constexpr bool operator>=(const uint256& a, const uint256& b) noexcept { return !(a < b); }

/// True when the two's complement sign bit is set.
constexpr bool is_negative(const uint256& a) noexcept { return (a.w[3] >> 63) != 0; }

/// Signed (two's complement) less-than.
constexpr bool slt(const uint256& a, const uint256& b) noexcept {
    const bool na = is_negative(a), nb = is_negative(b);
    return na != nb ? na : a < b;
}

// ---- bitwise ------------------------------------------------------------------------------------

constexpr uint256 operator&(const uint256& a, const uint256& b) noexcept {
    return {a.w[0] & b.w[0], a.w[1] & b.w[1], a.w[2] & b.w[2], a.w[3] & b.w[3]};
}
constexpr uint256 operator|(const uint256& a, const uint256& b) noexcept {
    return {a.w[0] | b.w[0], a.w[1] | b.w[1], a.w[2] | b.w[2], a.w[3] | b.w[3]};
}
constexpr uint256 operator^(const uint256& a, const uint256& b) noexcept {
    return {a.w[0] ^ b.w[0], a.w[1] ^ b.w[1], a.w[2] ^ b.w[2], a.w[3] ^ b.w[3]};
}
constexpr uint256 operator~(const uint256& a) noexcept { return {~a.w[0], ~a.w[1], ~a.w[2], ~a.w[3]}; }

/// Logical left shift; shifts of 256 or more give zero.
constexpr uint256 shl(const uint256& a, uint64_t n) noexcept {
    if (n >= 256) return {};
    uint256 r;
    const size_t limbs = n / 64;
    const unsigned bits = n % 64;
    for (size_t i = 3 + 1; i-- > limbs;) {
        uint64_t v = a.w[i - limbs] << bits;
        if (bits != 0 && i - limbs > 0) v |= a.w[i - limbs - 1] >> (64 - bits);
        r.w[i] = v;
    }
    return r;
}

/// Logical right shift; shifts of 256 or more give zero.
constexpr uint256 shr(const uint256& a, uint64_t n) noexcept {
    if (n >= 256) return {};
    uint256 r;
    const size_t limbs = n / 64;
    const unsigned bits = n % 64;
    for (size_t i = 0; i + limbs < 4; ++i) {
        uint64_t v = a.w[i + limbs] >> bits;
        if (bits != 0 && i + limbs + 1 < 4) v |= a.w[i + limbs + 1] << (64 - bits);
        r.w[i] = v;
    }
    return r;
}

/// Shift amount from a full word: anything that does not fit in 64 bits saturates.
constexpr uint64_t shift_amount(const uint256& n) noexcept { return n.fits_u64() ? n.w[0] : ~0ULL; }

constexpr uint256 operator<<(const uint256& a, const uint256& n) noexcept { return shl(a, shift_amount(n)); }
constexpr uint256 operator>>(const uint256& a, const uint256& n) noexcept { return shr(a, shift_amount(n)); }

/// Arithmetic right shift (SAR).
constexpr uint256 sar(const uint256& a, const uint256& n) noexcept {
    if (!is_negative(a)) return a >> n;
    // For negative a: ~((~a) >> n) fills with ones.
    return ~(~a >> n);
}

/// Number of leading zero bits (256 for zero).
constexpr unsigned clz(const uint256& a) noexcept {
    for (int i = 3; i >= 0; --i)
        if (a.w[i] != 0) return static_cast<unsigned>((3 - i) * 64 + __builtin_clzll(a.w[i]));
    return 256;
}

/// Number of bytes needed to represent the value (0 for zero); EXP's dynamic gas uses it.
constexpr unsigned significant_bytes(const uint256& a) noexcept { return (256 - clz(a) + 7) / 8; }

// ---- arithmetic ---------------------------------------------------------------------------------

constexpr uint256 operator+(const uint256& a, const uint256& b) noexcept {
    uint256 r;
#if defined(__x86_64__)
    if (!std::is_constant_evaluated()) {
        // One add/adc chain in registers (the intrinsics made GCC spill each limb).
        uint64_t r0 = a.w[0], r1 = a.w[1], r2 = a.w[2], r3 = a.w[3];
        __asm__("addq %[b0], %[r0]\n\tadcq %[b1], %[r1]\n\tadcq %[b2], %[r2]\n\tadcq %[b3], %[r3]"
                : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3)
                : [b0] "rm"(b.w[0]), [b1] "rm"(b.w[1]), [b2] "rm"(b.w[2]), [b3] "rm"(b.w[3])
                : "cc");
        return {r0, r1, r2, r3};
    }
#endif
    uint64_t carry = 0;
#pragma GCC unroll 4
    for (size_t i = 0; i < 4; ++i) {
        const uint64_t s = a.w[i] + b.w[i];
        const uint64_t c1 = s < a.w[i];
        r.w[i] = s + carry;
        carry = c1 | (r.w[i] < carry);
    }
    return r;
}

constexpr uint256 operator-(const uint256& a, const uint256& b) noexcept {
    uint256 r;
#if defined(__x86_64__)
    if (!std::is_constant_evaluated()) {
        uint64_t r0 = a.w[0], r1 = a.w[1], r2 = a.w[2], r3 = a.w[3];
        __asm__("subq %[b0], %[r0]\n\tsbbq %[b1], %[r1]\n\tsbbq %[b2], %[r2]\n\tsbbq %[b3], %[r3]"
                : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3)
                : [b0] "rm"(b.w[0]), [b1] "rm"(b.w[1]), [b2] "rm"(b.w[2]), [b3] "rm"(b.w[3])
                : "cc");
        return {r0, r1, r2, r3};
    }
#endif
    uint64_t borrow = 0;
#pragma GCC unroll 4
    for (size_t i = 0; i < 4; ++i) {
        const uint64_t d = a.w[i] - b.w[i];
        const uint64_t b1 = a.w[i] < b.w[i];
        r.w[i] = d - borrow;
        borrow = b1 | (d < borrow);
    }
    return r;
}

constexpr uint256 operator-(const uint256& a) noexcept { return uint256{} - a; }

constexpr uint256& operator+=(uint256& a, const uint256& b) noexcept { return a = a + b; }
constexpr uint256& operator-=(uint256& a, const uint256& b) noexcept { return a = a - b; }

/// Truncating 256 x 256 -> 256-bit product.
constexpr uint256 operator*(const uint256& a, const uint256& b) noexcept {
    uint256 r;
#pragma GCC unroll 4
    for (size_t i = 0; i < 4; ++i) {
        uint64_t carry = 0;
#pragma GCC unroll 4
        for (size_t j = 0; i + j < 4; ++j) {
            const uint128 t = static_cast<uint128>(a.w[i]) * b.w[j] + r.w[i + j] + carry;
            r.w[i + j] = static_cast<uint64_t>(t);
            carry = static_cast<uint64_t>(t >> 64);
        }
    }
    return r;
}

/// Quotient and remainder of an unsigned division.
struct div_result {
    uint256 quot;  ///< quotient
    uint256 rem;   ///< remainder
};

/// Unsigned division; a zero divisor yields {0, 0} as the EVM defines.
div_result udivrem(const uint256& u, const uint256& v) noexcept;

inline uint256 operator/(const uint256& a, const uint256& b) noexcept {
    if (a.fits_u64() && b.fits_u64()) return b.w[0] == 0 ? uint256{} : uint256{a.w[0] / b.w[0]};
    return udivrem(a, b).quot;
}
inline uint256 operator%(const uint256& a, const uint256& b) noexcept {
    if (a.fits_u64() && b.fits_u64()) return b.w[0] == 0 ? uint256{} : uint256{a.w[0] % b.w[0]};
    return udivrem(a, b).rem;
}

/// Signed division (SDIV); truncates toward zero, x / 0 = 0, -2^255 / -1 = -2^255.
uint256 sdiv(const uint256& a, const uint256& b) noexcept;
/// Signed remainder (SMOD); the sign follows the dividend, x % 0 = 0.
uint256 smod(const uint256& a, const uint256& b) noexcept;
/// (a + b) mod m with a 257-bit intermediate; m = 0 yields 0.
uint256 addmod(const uint256& a, const uint256& b, const uint256& m) noexcept;
/// (a * b) mod m with a 512-bit intermediate; m = 0 yields 0.
uint256 mulmod(const uint256& a, const uint256& b, const uint256& m) noexcept;
/// base^exponent mod 2^256.
uint256 exp(uint256 base, uint256 exponent) noexcept;
/// SIGNEXTEND: extends the sign of byte `b` (0 = least significant) of x; b >= 31 leaves x.
uint256 signextend(const uint256& b, const uint256& x) noexcept;
/// BYTE: the i-th byte of x counting from the most significant (0); i >= 32 yields 0.
uint256 byte(const uint256& i, const uint256& x) noexcept;

}  // namespace trainchain::vm
