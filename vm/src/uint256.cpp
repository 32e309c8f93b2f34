// vm/src/uint256.cpp - division, modular arithmetic, EXP and text conversion for uint256.
//
// Division is Knuth's algorithm D (TAOCP vol. 2, 4.3.1) on 64-bit limbs with 128-bit
// intermediates, its quotient limbs estimated with Moller-Granlund reciprocals instead of hardware
// division; ADDMOD and MULMOD divide a 5- or 8-limb numerator so no precision is lost.
#include "trainchain/vm/uint256.hpp"

#include <algorithm>

namespace trainchain::vm {
namespace {

using u128 = uint128;

int significant_limbs(const uint64_t* x, int n) noexcept {
    while (n > 0 && x[n - 1] == 0) --n;
    return n;
}

/// The reciprocal of a normalized divisor d (top bit set): floor((2^128 - 1) / d) - 2^64
/// (Moller and Granlund, "Improved division by invariant integers", 2011).
/// Computed as (~d : ~0) / d, which equals it for a normalized d and keeps the high half below d,
/// so the 128-bit division takes its single-step path.
uint64_t reciprocal(uint64_t d) noexcept {
    return static_cast<uint64_t>(((u128{~d} << 64) | ~uint64_t{0}) / d);
}

/// The reciprocal of a normalized two-limb divisor (d1:d0): floor((2^192 - 1) / (d1:d0)) - 2^64,
/// refined from d1's reciprocal (their Algorithm 6).
uint64_t reciprocal_3by2(uint64_t d1, uint64_t d0) noexcept {
    uint64_t v = reciprocal(d1);
    uint64_t p = d1 * v + d0;
    if (p < d0) {
        --v;
        if (p >= d1) {
            --v;
            p -= d1;
        }
        p -= d1;
    }
    const u128 t = u128{v} * d0;
    const auto t1 = static_cast<uint64_t>(t >> 64);
    const auto t0 = static_cast<uint64_t>(t);
    p += t1;
    if (p < t1) {
        --v;
        if (p > d1 || (p == d1 && t0 >= d0)) --v;
    }
    return v;
}

/// (u1:u0) / d for a normalized d and u1 < d, with d's reciprocal `v`: two multiplications and
/// at most two corrections instead of a hardware division (their Algorithm 4).
inline uint64_t div_2by1(uint64_t u1, uint64_t u0, uint64_t d, uint64_t v, uint64_t& rem) noexcept {
    u128 q = u128{v} * u1;
    q += (u128{u1} << 64) | u0;
    auto q1 = static_cast<uint64_t>(q >> 64) + 1;
    const auto q0 = static_cast<uint64_t>(q);
    uint64_t r = u0 - q1 * d;
    if (r > q0) {
        --q1;
        r += d;
    }
    if (r >= d) {
        ++q1;
        r -= d;
    }
    rem = r;
    return q1;
}

/// (u2:u1:u0) / (d1:d0) for a normalized divisor and (u2:u1) < (d1:d0), with the divisor's
/// 3-by-2 reciprocal `v` (their Algorithm 5). The quotient fits one limb; the remainder is
/// returned in `rem`.
inline uint64_t div_3by2(uint64_t u2, uint64_t u1, uint64_t u0, uint64_t d1, uint64_t d0, uint64_t v,
                         u128& rem) noexcept {
    const u128 d = (u128{d1} << 64) | d0;
    u128 q = u128{v} * u2;
    q += (u128{u2} << 64) | u1;
    auto q1 = static_cast<uint64_t>(q >> 64);
    const auto q0 = static_cast<uint64_t>(q);
    const uint64_t r1 = u1 - q1 * d1;
    u128 r = ((u128{r1} << 64) | u0) - u128{d0} * q1 - d;
    ++q1;
    if (static_cast<uint64_t>(r >> 64) >= q0) {
        --q1;
        r += d;
    }
    if (r >= d) [[unlikely]] {
        ++q1;
        r -= d;
    }
    rem = r;
    return q1;
}

/// Subtracts q * v (n limbs) from u (n + 1 limbs); returns true when the result went negative
/// (q was one too large), in which case u holds it modulo 2^(64(n+1)).
inline bool submul(uint64_t* u, const uint64_t* v, int n, uint64_t q) noexcept {
    uint64_t k = 0;  // carry of the product plus the borrow of the subtraction
    for (int i = 0; i < n; ++i) {
        const u128 p = u128{q} * v[i] + k;
        const auto lo = static_cast<uint64_t>(p);
        k = static_cast<uint64_t>(p >> 64);
        const uint64_t t = u[i] - lo;
        k += t > u[i];
        u[i] = t;
    }
    const uint64_t t = u[n] - k;
    const bool negative = t > u[n];
    u[n] = t;
    return negative;
}

/// Adds v (n limbs) back to u (n + 1 limbs), ignoring the final carry: undoes one step of submul.
inline void addback(uint64_t* u, const uint64_t* v, int n) noexcept {
    uint64_t carry = 0;
    for (int i = 0; i < n; ++i) {
        const u128 s = u128{u[i]} + v[i] + carry;
        u[i] = static_cast<uint64_t>(s);
        carry = static_cast<uint64_t>(s >> 64);
    }
    u[n] += carry;
}

/// Divides u (m limbs) by v (n limbs, v[n-1] != 0, m >= n). Writes m-n+1 quotient limbs to q
/// (may be null) and n remainder limbs to r.
///
/// Knuth's algorithm D, with each quotient limb estimated from the top three limbs of the running
/// remainder by a 3-by-2 division: the estimate is exact or one too large, so no correction loop
/// is needed before the multiply-and-subtract.
void knuth_divrem(uint64_t* q, uint64_t* r, const uint64_t* u, int m, const uint64_t* v, int n) noexcept {
    // Normalize: shift so the divisor's top limb has its top bit set.
    const int s = __builtin_clzll(v[n - 1]);
    uint64_t vn[8];
    uint64_t un[9];
    for (int i = n - 1; i > 0; --i) vn[i] = (v[i] << s) | (s ? v[i - 1] >> (64 - s) : 0);
    vn[0] = v[0] << s;
    un[m] = s ? u[m - 1] >> (64 - s) : 0;
    for (int i = m - 1; i > 0; --i) un[i] = (u[i] << s) | (s ? u[i - 1] >> (64 - s) : 0);
    un[0] = u[0] << s;

    if (n == 1) {
        const uint64_t recip = reciprocal(vn[0]);
        uint64_t rem = un[m];  // < vn[0]: at most s < 64 bits shifted out of a normalized divisor
        for (int i = m - 1; i >= 0; --i) {
            const uint64_t qi = div_2by1(rem, un[i], vn[0], recip, rem);
            if (q != nullptr) q[i] = qi;
        }
        r[0] = rem >> s;
        return;
    }

    const uint64_t d1 = vn[n - 1], d0 = vn[n - 2];
    const uint64_t recip = reciprocal_3by2(d1, d0);
    for (int j = m - n; j >= 0; --j) {
        // The running remainder's top two limbs are at most the divisor's; when equal the
        // quotient limb is 2^64 - 1 (the 3-by-2 division needs them strictly smaller).
        const uint64_t u2 = un[j + n], u1 = un[j + n - 1];
        uint64_t qhat;
        if (u2 == d1 && u1 == d0) {
            qhat = ~uint64_t{0};
        } else {
            u128 rem;
            qhat = div_3by2(u2, u1, un[j + n - 2], d1, d0, recip, rem);
        }
        if (submul(un + j, vn, n, qhat)) {
            --qhat;
            addback(un + j, vn, n);
        }
        if (q != nullptr) q[j] = qhat;
    }
    for (int i = 0; i < n; ++i) r[i] = (un[i] >> s) | (s ? un[i + 1] << (64 - s) : 0);
}

/// Remainder of a wide numerator (up to 8 limbs) by a 256-bit modulus (non-zero).
uint256 wide_mod(const uint64_t* u, int ulen, const uint256& m) noexcept {
    const int n = significant_limbs(m.w.data(), 4);
    const int len = significant_limbs(u, ulen);
    uint256 r;
    if (len < n) {
        std::copy(u, u + len, r.w.begin());
        return r;
    }
    knuth_divrem(nullptr, r.w.data(), u, len, m.w.data(), n);
    return r;
}

}  // namespace

div_result udivrem(const uint256& u, const uint256& v) noexcept {
    const int n = significant_limbs(v.w.data(), 4);
    if (n == 0) return {};
    const int m = significant_limbs(u.w.data(), 4);
    if (m < n || u < v) return {{}, u};
    div_result res;
    knuth_divrem(res.quot.w.data(), res.rem.w.data(), u.w.data(), m, v.w.data(), n);
    return res;
}

uint256 sdiv(const uint256& a, const uint256& b) noexcept {
    const bool na = is_negative(a), nb = is_negative(b);
    const uint256 q = (na ? -a : a) / (nb ? -b : b);
    return na != nb ? -q : q;
}

uint256 smod(const uint256& a, const uint256& b) noexcept {
    const bool na = is_negative(a);
    const uint256 r = (na ? -a : a) % (is_negative(b) ? -b : b);
    return na ? -r : r;
}

uint256 addmod(const uint256& a, const uint256& b, const uint256& m) noexcept {
    if (!m) return {};
    uint64_t s[5];
    u128 carry = 0;
    for (size_t i = 0; i < 4; ++i) {
        carry += u128{a.w[i]} + b.w[i];
        s[i] = static_cast<uint64_t>(carry);
        carry >>= 64;
    }
    s[4] = static_cast<uint64_t>(carry);
    return wide_mod(s, 5, m);
}

uint256 mulmod(const uint256& a, const uint256& b, const uint256& m) noexcept {
    if (!m) return {};
    uint64_t p[8] = {};
    for (size_t i = 0; i < 4; ++i) {
        uint64_t carry = 0;
        for (size_t j = 0; j < 4; ++j) {
            const u128 t = u128{a.w[i]} * b.w[j] + p[i + j] + carry;
            p[i + j] = static_cast<uint64_t>(t);
            carry = static_cast<uint64_t>(t >> 64);
        }
        p[i + 4] = carry;
    }
    return wide_mod(p, 8, m);
}

uint256 exp(uint256 base, uint256 exponent) noexcept {
    if (base == uint256{2}) return exponent < uint256{256} ? shl(uint256{1}, exponent.w[0]) : uint256{};
    // Square-and-multiply over the exponent's bits, least significant first, limb by limb.
    uint256 result{1};
    const unsigned bits = 256 - clz(exponent);
    for (unsigned i = 0; i < bits; ++i) {
        if ((exponent.w[i / 64] >> (i % 64)) & 1) result = result * base;
        if (i + 1 < bits) base = base * base;
    }
    return result;
}

uint256 signextend(const uint256& b, const uint256& x) noexcept {
    if (!(b < uint256{31})) return x;
    const unsigned bit = static_cast<unsigned>(b.w[0]) * 8 + 7;
    const uint256 mask = shl(uint256{1}, bit) - uint256{1};  // bits below the sign bit
    const bool sign = (shr(x, bit).w[0] & 1) != 0;
    return sign ? (x | ~mask) : (x & mask);
}

uint256 byte(const uint256& i, const uint256& x) noexcept {
    if (!(i < uint256{32})) return {};
    const unsigned shift = (31 - static_cast<unsigned>(i.w[0])) * 8;
    return {shr(x, shift).w[0] & 0xff};
}

std::optional<uint256> uint256::parse(std::string_view text) noexcept {
    if (text.empty()) return std::nullopt;
    uint256 r;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
        if (text.size() > 64) return std::nullopt;
        for (const char c : text) {
            unsigned d;
            if (c >= '0' && c <= '9')
                d = static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = static_cast<unsigned>(c - 'A' + 10);
            else
                return std::nullopt;
            r = shl(r, 4) | uint256{d};
        }
        return r;
    }
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<uint64_t>(c - '0');
        constexpr uint256 limit{0x9999999999999999ULL, 0x9999999999999999ULL, 0x9999999999999999ULL,
                                0x1999999999999999ULL};
        // limit = floor((2^256 - 1) / 10); 2^256 - 1 ends in the digit 5.
        if (limit < r || (r == limit && d > 5)) return std::nullopt;
        r = r * uint256{10} + uint256{d};
    }
    return r;
}

std::string uint256::to_hex() const {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (int i = 63; i >= 0; --i) {
        const unsigned d = static_cast<unsigned>(w[static_cast<size_t>(i) / 16] >> ((i % 16) * 4)) & 0xf;
        if (d != 0 || !s.empty()) s.push_back(digits[d]);
    }
    return "0x" + (s.empty() ? std::string("0") : s);
}

std::string uint256::to_dec() const {
    if (!*this) return "0";
    std::string s;
    uint256 v = *this;
    while (v) {
        const auto [q, r] = udivrem(v, uint256{10});
        s.push_back(static_cast<char>('0' + r.w[0]));
        v = q;
    }
    return {s.rbegin(), s.rend()};
}

}  // namespace trainchain::vm
