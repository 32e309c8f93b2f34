// vm/src/pairing_field.hpp - prime fields and the Fp2/Fp6/Fp12 tower for pairing-friendly curves.
//
// One implementation serves both curves the precompiles need (bn254 for EIPs 196/197, BLS12-381
// for the EIP-4844 point evaluation): a prime field in Montgomery form on N 64-bit limbs, and the
// tower Fp2 = Fp[u]/(u^2 + 1), Fp6 = Fp2[v]/(v^3 - xi), Fp12 = Fp6[w]/(w^2 - v) with
// xi = xi0 + u for a small integer xi0 (9 for bn254, 1 for BLS12-381). The parameter struct `P`
// gives N, the modulus (limbs, least significant first) and xi0; everything else is derived.
//
// Values are kept fully reduced (< p), so equality is limb equality. Nothing here is constant
// time: the precompiles only handle public data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <utility>

#include "trainchain/vm/uint256.hpp"

namespace trainchain::vm::ec {

/// N little-endian 64-bit limbs.
template <size_t N>
using limbs = std::array<uint64_t, N>;

/// r = a + b; returns the carry out.
template <size_t N>
constexpr uint64_t add_carry(limbs<N>& r, const limbs<N>& a, const limbs<N>& b) noexcept {
    uint64_t carry = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < N; ++i) {
        const uint128 s = static_cast<uint128>(a[i]) + b[i] + carry;
        r[i] = static_cast<uint64_t>(s);
        carry = static_cast<uint64_t>(s >> 64);
    }
    return carry;
}

/// r = a - b; returns the borrow out (1 when a < b).
template <size_t N>
constexpr uint64_t sub_borrow(limbs<N>& r, const limbs<N>& a, const limbs<N>& b) noexcept {
    uint64_t borrow = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < N; ++i) {
        const uint128 d = static_cast<uint128>(a[i]) - b[i] - borrow;
        r[i] = static_cast<uint64_t>(d);
        borrow = static_cast<uint64_t>(d >> 64) & 1;
    }
    return borrow;
}

/// a < b.
template <size_t N>
constexpr bool less(const limbs<N>& a, const limbs<N>& b) noexcept {
    limbs<N> t{};
    return sub_borrow(t, a, b) != 0;
}

/// Bit `i` of a (false past the end).
template <size_t N>
constexpr bool bit(const limbs<N>& a, size_t i) noexcept {
    return i < 64 * N && ((a[i / 64] >> (i % 64)) & 1) != 0;
}

/// Number of significant bits.
template <size_t N>
constexpr size_t bit_length(const limbs<N>& a) noexcept {
    for (size_t i = N; i-- > 0;)
        if (a[i] != 0) return 64 * i + 64 - static_cast<size_t>(__builtin_clzll(a[i]));
    return 0;
}

/// a / d for a small divisor d (the remainder is dropped).
template <size_t N>
constexpr limbs<N> div_small(const limbs<N>& a, uint64_t d) noexcept {
    limbs<N> q{};
    uint128 rem = 0;
    for (size_t i = N; i-- > 0;) {
        const uint128 cur = (rem << 64) | a[i];
        q[i] = static_cast<uint64_t>(cur / d);
        rem = cur % d;
    }
    return q;
}

/// a + k for a small k (no overflow expected).
template <size_t N>
constexpr limbs<N> add_small(const limbs<N>& a, uint64_t k) noexcept {
    limbs<N> b{};
    b[0] = k;
    limbs<N> r{};
    add_carry(r, a, b);
    return r;
}

/// a - k for a small k <= a.
template <size_t N>
constexpr limbs<N> sub_small(const limbs<N>& a, uint64_t k) noexcept {
    limbs<N> b{};
    b[0] = k;
    limbs<N> r{};
    sub_borrow(r, a, b);
    return r;
}

/// Reads 8N big-endian bytes into limbs.
template <size_t N>
constexpr limbs<N> limbs_from_be(const uint8_t* data) noexcept {
    limbs<N> r{};
    for (size_t i = 0; i < N; ++i) {
        uint64_t limb = 0;
        for (size_t j = 0; j < 8; ++j) limb = (limb << 8) | data[8 * (N - 1 - i) + j];
        r[i] = limb;
    }
    return r;
}

/// Writes limbs as 8N big-endian bytes.
template <size_t N>
constexpr void limbs_to_be(const limbs<N>& a, uint8_t* out) noexcept {
    for (size_t i = 0; i < N; ++i)
        for (size_t j = 0; j < 8; ++j) out[8 * (N - 1 - i) + j] = static_cast<uint8_t>(a[i] >> (56 - 8 * j));
}

/// An element of the prime field given by P, in Montgomery form (value * 2^(64N) mod p).
template <class P>
struct Fp {
    static constexpr size_t N = P::N;          ///< limbs
    static constexpr limbs<N> p = P::modulus;  ///< the modulus

    limbs<N> v{};  ///< Montgomery representation, < p

private:
    static constexpr uint64_t compute_inv() noexcept {
        uint64_t x = 1;
        for (int i = 0; i < 7; ++i) x *= 2 - p[0] * x;  // Newton: x = p[0]^-1 mod 2^64
        return ~x + 1;                                  // -p^-1
    }
    static constexpr limbs<N> compute_r2() noexcept {
        limbs<N> r{};
        r[0] = 1;
        for (size_t i = 0; i < 128 * N; ++i) {  // 2^(128N) mod p by doubling
            const uint64_t carry = add_carry(r, r, r);
            limbs<N> t{};
            if (carry != 0 || !less(r, p)) {
                sub_borrow(t, r, p);
                r = t;
            }
        }
        return r;
    }

public:
    static constexpr uint64_t inv = compute_inv();  ///< -p^-1 mod 2^64
    static constexpr limbs<N> r2 = compute_r2();    ///< 2^(128N) mod p

    /// Montgomery product a * b / 2^(64N) mod p (CIOS).
    static constexpr limbs<N> mont_mul(const limbs<N>& a, const limbs<N>& b) noexcept {
        if constexpr (p[N - 1] < 0x7fffffffffffffff) return mont_mul_no_carry(a, b);
        uint64_t t[N + 2] = {};
#pragma GCC unroll 8
        for (size_t i = 0; i < N; ++i) {
            uint64_t c = 0;
#pragma GCC unroll 8
            for (size_t j = 0; j < N; ++j) {
                const uint128 s = static_cast<uint128>(a[j]) * b[i] + t[j] + c;
                t[j] = static_cast<uint64_t>(s);
                c = static_cast<uint64_t>(s >> 64);
            }
            uint128 s = static_cast<uint128>(t[N]) + c;
            t[N] = static_cast<uint64_t>(s);
            t[N + 1] = static_cast<uint64_t>(s >> 64);
            const uint64_t m = t[0] * inv;
            s = static_cast<uint128>(m) * p[0] + t[0];
            c = static_cast<uint64_t>(s >> 64);
#pragma GCC unroll 8
            for (size_t j = 1; j < N; ++j) {
                s = static_cast<uint128>(m) * p[j] + t[j] + c;
                t[j - 1] = static_cast<uint64_t>(s);
                c = static_cast<uint64_t>(s >> 64);
            }
            s = static_cast<uint128>(t[N]) + c;
            t[N - 1] = static_cast<uint64_t>(s);
            t[N] = t[N + 1] + static_cast<uint64_t>(s >> 64);
        }
        limbs<N> r{};
        for (size_t i = 0; i < N; ++i) r[i] = t[i];
        limbs<N> d{};
        const uint64_t borrow = sub_borrow(d, r, p);
        if (t[N] != 0 || borrow == 0) return d;
        return r;
    }

    /// CIOS without the extra carry words, valid when the top limb of p leaves the top bit free
    /// (both curves here): the running value stays below 2p < 2^(64N).
    static constexpr limbs<N> mont_mul_no_carry(const limbs<N>& a, const limbs<N>& b) noexcept {
        limbs<N> t{};
#pragma GCC unroll 8
        for (size_t i = 0; i < N; ++i) {
            uint128 s = static_cast<uint128>(a[0]) * b[i] + t[0];
            uint64_t carry_a = static_cast<uint64_t>(s >> 64);
            const uint64_t t0 = static_cast<uint64_t>(s);
            const uint64_t m = t0 * inv;
            s = static_cast<uint128>(m) * p[0] + t0;
            uint64_t carry_c = static_cast<uint64_t>(s >> 64);
#pragma GCC unroll 8
            for (size_t j = 1; j < N; ++j) {
                s = static_cast<uint128>(a[j]) * b[i] + t[j] + carry_a;
                carry_a = static_cast<uint64_t>(s >> 64);
                s = static_cast<uint128>(m) * p[j] + static_cast<uint64_t>(s) + carry_c;
                carry_c = static_cast<uint64_t>(s >> 64);
                t[j - 1] = static_cast<uint64_t>(s);
            }
            t[N - 1] = carry_a + carry_c;
        }
        limbs<N> d{};
        if (sub_borrow(d, t, p) == 0) return d;
        return t;
    }

    /// Zero.
    static constexpr Fp zero() noexcept { return {}; }
    /// One.
    static constexpr Fp one() noexcept { return from_limbs_unchecked(limbs<N>{1}); }
    /// A small integer.
    static constexpr Fp from_u64(uint64_t x) noexcept { return from_limbs_unchecked(limbs<N>{x}); }
    /// An integer already known to be < p.
    static constexpr Fp from_limbs_unchecked(const limbs<N>& x) noexcept { return Fp{mont_mul(x, r2)}; }
    /// Reads 8N big-endian bytes; nullopt when the value is not below p.
    static constexpr std::optional<Fp> from_be(const uint8_t* data) noexcept {
        const limbs<N> x = limbs_from_be<N>(data);
        if (!less(x, p)) return std::nullopt;
        return from_limbs_unchecked(x);
    }
    /// The canonical integer (out of Montgomery form).
    [[nodiscard]] constexpr limbs<N> to_limbs() const noexcept { return mont_mul(v, limbs<N>{1}); }
    /// Writes the canonical value as 8N big-endian bytes.
    constexpr void to_be(uint8_t* out) const noexcept { limbs_to_be<N>(to_limbs(), out); }

    /// True for zero.
    [[nodiscard]] constexpr bool is_zero() const noexcept {
        uint64_t acc = 0;
        for (const uint64_t x : v) acc |= x;
        return acc == 0;
    }
    /// Equality (values are fully reduced).
    friend constexpr bool operator==(const Fp& a, const Fp& b) noexcept { return a.v == b.v; }

    /// Field arithmetic mod p (the operators below).
    friend constexpr Fp operator+(const Fp& a, const Fp& b) noexcept {
        Fp r;
        const uint64_t carry = add_carry(r.v, a.v, b.v);
        limbs<N> d{};
        const uint64_t borrow = sub_borrow(d, r.v, p);
        if (carry != 0 || borrow == 0) r.v = d;
        return r;
    }
    friend constexpr Fp operator-(const Fp& a, const Fp& b) noexcept {
        Fp r;
        if (sub_borrow(r.v, a.v, b.v) != 0) add_carry(r.v, r.v, p);
        return r;
    }
    friend constexpr Fp operator-(const Fp& a) noexcept { return zero() - a; }
    friend constexpr Fp operator*(const Fp& a, const Fp& b) noexcept { return Fp{mont_mul(a.v, b.v)}; }
    constexpr Fp& operator+=(const Fp& b) noexcept { return *this = *this + b; }
    constexpr Fp& operator-=(const Fp& b) noexcept { return *this = *this - b; }
    constexpr Fp& operator*=(const Fp& b) noexcept { return *this = *this * b; }
    /// 2 * this.
    [[nodiscard]] constexpr Fp dbl() const noexcept { return *this + *this; }
    /// this^2.
    [[nodiscard]] constexpr Fp sqr() const noexcept { return *this * *this; }
    /// K * this for a small constant K (double and add, unrolled).
    template <uint64_t K>
    [[nodiscard]] constexpr Fp mul_const() const noexcept {
        if constexpr (K == 0) {
            return zero();
        } else if constexpr (K == 1) {
            return *this;
        } else if constexpr (K % 2 == 0) {
            return mul_const<K / 2>().dbl();
        } else {
            return mul_const<K - 1>() + *this;
        }
    }
    /// k * this for a small k (double and add).
    [[nodiscard]] constexpr Fp mul_small(uint64_t k) const noexcept {
        Fp r, base = *this;
        for (; k != 0; k >>= 1) {
            if (k & 1) r += base;
            base = base.dbl();
        }
        return r;
    }

    /// this^e.
    template <size_t M>
    [[nodiscard]] constexpr Fp pow(const limbs<M>& e) const noexcept {
        Fp r = one();
        for (size_t i = bit_length(e); i-- > 0;) {
            r = r.sqr();
            if (bit(e, i)) r *= *this;
        }
        return r;
    }
    /// The inverse (Fermat); zero maps to zero.
    [[nodiscard]] constexpr Fp inverse() const noexcept { return pow(sub_small(p, 2)); }
    /// A square root, for p = 3 mod 4; nullopt when there is none.
    [[nodiscard]] constexpr std::optional<Fp> sqrt() const noexcept {
        static_assert((P::modulus[0] & 3) == 3);
        const Fp s = pow(div_small(add_small(p, 1), 4));
        if (!(s.sqr() == *this)) return std::nullopt;
        return s;
    }
    /// The canonical value is greater than (p - 1) / 2 (the "lexicographically largest" root).
    [[nodiscard]] constexpr bool is_upper_half() const noexcept {
        return less(div_small(sub_small(p, 1), 2), to_limbs());
    }
};

/// Fp2 = Fp[u] / (u^2 + 1).
template <class P>
struct Fp2 {
    using F = Fp<P>;
    F c0, c1;  ///< c0 + c1 u

    /// Zero.
    static constexpr Fp2 zero() noexcept { return {}; }
    /// One.
    static constexpr Fp2 one() noexcept { return {F::one(), F::zero()}; }
    /// True for zero.
    [[nodiscard]] constexpr bool is_zero() const noexcept { return c0.is_zero() && c1.is_zero(); }
    /// Equality.
    friend constexpr bool operator==(const Fp2& a, const Fp2& b) noexcept {
        return a.c0 == b.c0 && a.c1 == b.c1;
    }

    /// Field arithmetic in Fp2 (the operators below; products by Karatsuba, 3 Fp products).
    friend constexpr Fp2 operator+(const Fp2& a, const Fp2& b) noexcept { return {a.c0 + b.c0, a.c1 + b.c1}; }
    friend constexpr Fp2 operator-(const Fp2& a, const Fp2& b) noexcept { return {a.c0 - b.c0, a.c1 - b.c1}; }
    friend constexpr Fp2 operator-(const Fp2& a) noexcept { return {-a.c0, -a.c1}; }
    friend constexpr Fp2 operator*(const Fp2& a, const Fp2& b) noexcept {
        const F t0 = a.c0 * b.c0;
        const F t1 = a.c1 * b.c1;
        return {t0 - t1, (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
    }
    /// Multiplication by an element of the base field.
    friend constexpr Fp2 operator*(const Fp2& a, const F& s) noexcept { return {a.c0 * s, a.c1 * s}; }
    constexpr Fp2& operator+=(const Fp2& b) noexcept { return *this = *this + b; }
    constexpr Fp2& operator-=(const Fp2& b) noexcept { return *this = *this - b; }
    constexpr Fp2& operator*=(const Fp2& b) noexcept { return *this = *this * b; }
    /// 2 * this.
    [[nodiscard]] constexpr Fp2 dbl() const noexcept { return *this + *this; }
    /// this^2 (2 Fp products).
    [[nodiscard]] constexpr Fp2 sqr() const noexcept { return {(c0 + c1) * (c0 - c1), (c0 * c1).dbl()}; }
    /// k * this for a small k.
    [[nodiscard]] constexpr Fp2 mul_small(uint64_t k) const noexcept {
        return {c0.mul_small(k), c1.mul_small(k)};
    }
    /// The conjugate c0 - c1 u, which is also the Frobenius map x -> x^p.
    [[nodiscard]] constexpr Fp2 conj() const noexcept { return {c0, -c1}; }
    /// Multiplication by xi = xi0 + u.
    [[nodiscard]] constexpr Fp2 mul_by_xi() const noexcept {
        return {c0.template mul_const<P::xi0>() - c1, c1.template mul_const<P::xi0>() + c0};
    }
    /// The inverse; zero maps to zero.
    [[nodiscard]] constexpr Fp2 inverse() const noexcept {
        const F t = (c0.sqr() + c1.sqr()).inverse();
        return {c0 * t, -(c1 * t)};
    }
    /// this^e.
    template <size_t M>
    [[nodiscard]] constexpr Fp2 pow(const limbs<M>& e) const noexcept {
        Fp2 r = one();
        for (size_t i = bit_length(e); i-- > 0;) {
            r = r.sqr();
            if (bit(e, i)) r *= *this;
        }
        return r;
    }
    /// A square root, for p = 3 mod 4; nullopt when there is none. Any root is returned.
    [[nodiscard]] constexpr std::optional<Fp2> sqrt() const noexcept {
        if (is_zero()) return zero();
        // a = c0 + c1 u; |a| = c0^2 + c1^2 is a square in Fp when a is a square in Fp2.
        const auto norm = (c0.sqr() + c1.sqr()).sqrt();
        if (!norm) return std::nullopt;
        const F half = F::from_u64(2).inverse();
        for (const F n : {*norm, -*norm}) {
            // x^2 = (c0 + n) / 2, y = c1 / (2x).
            const auto x = ((c0 + n) * half).sqrt();
            if (!x || x->is_zero()) continue;
            const Fp2 r{*x, c1 * (x->dbl()).inverse()};
            if (r.sqr() == *this) return r;
        }
        // c1 == 0 and c0 a non-square in Fp: the root is sqrt(-c0) u.
        if (const auto y = (-c0).sqrt()) {
            const Fp2 r{F::zero(), *y};
            if (r.sqr() == *this) return r;
        }
        return std::nullopt;
    }
};

/// Fp6 = Fp2[v] / (v^3 - xi).
template <class P>
struct Fp6 {
    using E = Fp2<P>;
    E c0, c1, c2;  ///< c0 + c1 v + c2 v^2

    /// Zero.
    static constexpr Fp6 zero() noexcept { return {}; }
    /// One.
    static constexpr Fp6 one() noexcept { return {E::one(), E::zero(), E::zero()}; }
    /// True for zero.
    [[nodiscard]] constexpr bool is_zero() const noexcept {
        return c0.is_zero() && c1.is_zero() && c2.is_zero();
    }
    /// Equality.
    friend constexpr bool operator==(const Fp6& a, const Fp6& b) noexcept {
        return a.c0 == b.c0 && a.c1 == b.c1 && a.c2 == b.c2;
    }
    /// Field arithmetic in Fp6 (the operators below; products by Karatsuba, 6 Fp2 products).
    friend constexpr Fp6 operator+(const Fp6& a, const Fp6& b) noexcept {
        return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2};
    }
    friend constexpr Fp6 operator-(const Fp6& a, const Fp6& b) noexcept {
        return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2};
    }
    friend constexpr Fp6 operator-(const Fp6& a) noexcept { return {-a.c0, -a.c1, -a.c2}; }
    friend constexpr Fp6 operator*(const Fp6& a, const Fp6& b) noexcept {
        const E t0 = a.c0 * b.c0;
        const E t1 = a.c1 * b.c1;
        const E t2 = a.c2 * b.c2;
        return {t0 + ((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mul_by_xi(),
                (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mul_by_xi(),
                (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1};
    }
    constexpr Fp6& operator*=(const Fp6& b) noexcept { return *this = *this * b; }
    [[nodiscard]] constexpr Fp6 sqr() const noexcept { return *this * *this; }
    /// Multiplication by (b0, 0, 0).
    [[nodiscard]] constexpr Fp6 mul_by_0(const E& b0) const noexcept { return {c0 * b0, c1 * b0, c2 * b0}; }
    /// Multiplication by (0, b1, 0).
    [[nodiscard]] constexpr Fp6 mul_by_1(const E& b1) const noexcept {
        return {(c2 * b1).mul_by_xi(), c0 * b1, c1 * b1};
    }
    /// Multiplication by (b0, b1, 0) (Karatsuba, 5 Fp2 products).
    [[nodiscard]] constexpr Fp6 mul_by_01(const E& b0, const E& b1) const noexcept {
        const E t0 = c0 * b0;
        const E t1 = c1 * b1;
        return {t0 + (c2 * b1).mul_by_xi(), (c0 + c1) * (b0 + b1) - t0 - t1, c2 * b0 + t1};
    }
    /// Multiplication by v: (c0, c1, c2) -> (xi c2, c0, c1).
    [[nodiscard]] constexpr Fp6 mul_by_v() const noexcept { return {c2.mul_by_xi(), c0, c1}; }
    [[nodiscard]] constexpr Fp6 inverse() const noexcept {
        const E a = c0.sqr() - (c1 * c2).mul_by_xi();
        const E b = c2.sqr().mul_by_xi() - c0 * c1;
        const E c = c1.sqr() - c0 * c2;
        const E f = (c0 * a + (c2 * b + c1 * c).mul_by_xi()).inverse();
        return {a * f, b * f, c * f};
    }
};

/// Fp12 = Fp6[w] / (w^2 - v); w^6 = xi.
template <class P>
struct Fp12 {
    using E2 = Fp2<P>;
    using E6 = Fp6<P>;
    E6 c0, c1;  ///< c0 + c1 w

    /// One.
    static constexpr Fp12 one() noexcept { return {E6::one(), E6::zero()}; }
    /// Equality.
    friend constexpr bool operator==(const Fp12& a, const Fp12& b) noexcept {
        return a.c0 == b.c0 && a.c1 == b.c1;
    }
    /// Product (Karatsuba, 3 Fp6 products).
    friend constexpr Fp12 operator*(const Fp12& a, const Fp12& b) noexcept {
        const E6 t0 = a.c0 * b.c0;
        const E6 t1 = a.c1 * b.c1;
        return {t0 + t1.mul_by_v(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
    }
    /// In-place product.
    constexpr Fp12& operator*=(const Fp12& b) noexcept { return *this = *this * b; }
    /// this^2 (2 Fp6 products).
    [[nodiscard]] constexpr Fp12 sqr() const noexcept {
        // (a + b w)^2 = a^2 + b^2 v + 2ab w, with a^2 + b^2 v = (a + b)(a + b v) - ab - ab v.
        const E6 ab = c0 * c1;
        return {(c0 + c1) * (c0 + c1.mul_by_v()) - ab - ab.mul_by_v(), ab + ab};
    }
    /// this^2 for an element of the cyclotomic subgroup (norm 1 over Fp6 and Fp4, as after the
    /// easy part of the final exponentiation): Granger and Scott, "Faster squaring in the
    /// cyclotomic subgroup of sixth degree extensions" (2010), 6 Fp2 products. Viewing the
    /// element as three Fp4 = Fp2[y]/(y^2 - xi) values (z0, z1), (z2, z3), (z4, z5), it squares
    /// each and recombines.
    [[nodiscard]] constexpr Fp12 cyclotomic_sqr() const noexcept {
        const E2& z0 = c0.c0;
        const E2& z4 = c0.c1;
        const E2& z3 = c0.c2;
        const E2& z2 = c1.c0;
        const E2& z1 = c1.c1;
        const E2& z5 = c1.c2;
        // (a + b y)^2 = (a^2 + xi b^2) + 2ab y, with a^2 + xi b^2 = (a + b)(a + xi b) - ab - xi ab.
        const auto fp4_sqr = [](const E2& a, const E2& b, E2& r0, E2& r1) {
            const E2 ab = a * b;
            r0 = (a + b) * (a + b.mul_by_xi()) - ab - ab.mul_by_xi();
            r1 = ab.dbl();
        };
        E2 t0, t1, t2, t3, t4, t5;
        fp4_sqr(z0, z1, t0, t1);
        fp4_sqr(z2, z3, t2, t3);
        fp4_sqr(z4, z5, t4, t5);
        const E2 xt5 = t5.mul_by_xi();
        Fp12 r;
        r.c0.c0 = (t0 - z0).dbl() + t0;    // 3 t0 - 2 z0
        r.c1.c1 = (t1 + z1).dbl() + t1;    // 3 t1 + 2 z1
        r.c1.c0 = (xt5 + z2).dbl() + xt5;  // 3 xi t5 + 2 z2
        r.c0.c2 = (t4 - z3).dbl() + t4;    // 3 t4 - 2 z3
        r.c0.c1 = (t2 - z4).dbl() + t2;    // 3 t2 - 2 z4
        r.c1.c2 = (t3 + z5).dbl() + t3;    // 3 t3 + 2 z5
        return r;
    }
    /// The conjugate c0 - c1 w, which is x -> x^(p^6).
    [[nodiscard]] constexpr Fp12 conj() const noexcept { return {c0, -c1}; }
    /// The inverse.
    [[nodiscard]] constexpr Fp12 inverse() const noexcept {
        const E6 t = (c0.sqr() - c1.sqr().mul_by_v()).inverse();
        return {c0 * t, -(c1 * t)};
    }
    /// Coefficient k of the basis 1, w, w^2 = v, w^3 = vw, w^4 = v^2, w^5 = v^2 w.
    [[nodiscard]] constexpr const E2& coeff(int k) const noexcept {
        const E6& half = (k % 2 == 0) ? c0 : c1;
        return k / 2 == 0 ? half.c0 : (k / 2 == 1 ? half.c1 : half.c2);
    }
    /// Coefficient k, writable.
    constexpr E2& coeff(int k) noexcept {
        E6& half = (k % 2 == 0) ? c0 : c1;
        return k / 2 == 0 ? half.c0 : (k / 2 == 1 ? half.c1 : half.c2);
    }
};

/// f^e for an element f of the cyclotomic subgroup and e > 0: square-and-multiply from e's top
/// bit with cyclotomic squarings (each curve's hard part raises to its parameter x this way).
template <class P>
constexpr Fp12<P> cyclotomic_pow(const Fp12<P>& f, uint64_t e) noexcept {
    Fp12<P> r = f;  // e's top bit
    for (int i = 62 - __builtin_clzll(e); i >= 0; --i) {
        r = r.cyclotomic_sqr();
        if ((e >> i) & 1) r *= f;
    }
    return r;
}

/// Frobenius constants gamma_k = xi^(k (p - 1) / 6), k = 0..5 (computed once).
template <class P>
const std::array<Fp2<P>, 6>& frobenius_gammas() noexcept {
    static const std::array<Fp2<P>, 6> gammas = [] {
        using E = Fp2<P>;
        const E xi{Fp<P>::from_u64(P::xi0), Fp<P>::one()};
        const E g1 = xi.pow(div_small(sub_small(P::modulus, 1), 6));
        std::array<E, 6> g{};
        g[0] = E::one();
        for (size_t k = 1; k < 6; ++k) g[k] = g[k - 1] * g1;
        return g;
    }();
    return gammas;
}

/// x -> x^p on Fp12: (c w^k)^p = conj(c) gamma_k w^k.
template <class P>
Fp12<P> frobenius(const Fp12<P>& a) noexcept {
    const auto& g = frobenius_gammas<P>();
    Fp12<P> r;
    for (int k = 0; k < 6; ++k) r.coeff(k) = a.coeff(k).conj() * g[static_cast<size_t>(k)];
    return r;
}

/// A point on y^2 = x^3 + b over F (Fp or Fp2), in Jacobian coordinates (x = X/Z^2, y = Y/Z^3);
/// Z = 0 is the point at infinity.
template <class F>
struct Jacobian {
    F x, y, z;  ///< x = X / Z^2, y = Y / Z^3

    /// The point at infinity.
    static constexpr Jacobian infinity() noexcept { return {F::one(), F::one(), F::zero()}; }
    /// The affine point (ax, ay).
    static constexpr Jacobian from_affine(const F& ax, const F& ay) noexcept { return {ax, ay, F::one()}; }
    /// True for the point at infinity.
    [[nodiscard]] constexpr bool is_infinity() const noexcept { return z.is_zero(); }

    /// 2 * this (a = 0 curves).
    [[nodiscard]] constexpr Jacobian dbl() const noexcept {
        if (is_infinity() || y.is_zero()) return infinity();
        const F xx = x.sqr();
        const F yy = y.sqr();
        const F s = (x * yy).dbl().dbl();
        const F m = xx.dbl() + xx;
        const F x3 = m.sqr() - s.dbl();
        return {x3, m * (s - x3) - yy.sqr().dbl().dbl().dbl(), (y * z).dbl()};
    }
    /// The sum, with the doubling and inverse cases handled.
    friend constexpr Jacobian operator+(const Jacobian& a, const Jacobian& b) noexcept {
        if (a.is_infinity()) return b;
        if (b.is_infinity()) return a;
        const F z1z1 = a.z.sqr();
        const F z2z2 = b.z.sqr();
        const F u1 = a.x * z2z2;
        const F u2 = b.x * z1z1;
        const F s1 = a.y * b.z * z2z2;
        const F s2 = b.y * a.z * z1z1;
        if (u1 == u2) return s1 == s2 ? a.dbl() : infinity();
        const F h = u2 - u1;
        const F r = s2 - s1;
        const F hh = h.sqr();
        const F hhh = hh * h;
        const F v = u1 * hh;
        const F x3 = r.sqr() - hhh - v.dbl();
        return {x3, r * (v - x3) - s1 * hhh, a.z * b.z * h};
    }
    /// this + (ax, ay) for an affine, finite second point (mixed addition).
    [[nodiscard]] constexpr Jacobian add_affine(const F& ax, const F& ay) const noexcept {
        if (is_infinity()) return from_affine(ax, ay);
        const F z1z1 = z.sqr();
        const F h = ax * z1z1 - x;
        const F r = ay * z * z1z1 - y;
        if (h.is_zero()) return r.is_zero() ? dbl() : infinity();
        const F hh = h.sqr();
        const F hhh = hh * h;
        const F v = x * hh;
        const F x3 = r.sqr() - hhh - v.dbl();
        return {x3, r * (v - x3) - y * hhh, z * h};
    }
    /// -this.
    [[nodiscard]] constexpr Jacobian neg() const noexcept { return {x, -y, z}; }
    /// k * this (double and add from the top bit; mixed additions when this is affine).
    template <size_t M>
    [[nodiscard]] constexpr Jacobian mul(const limbs<M>& k) const noexcept {
        Jacobian r = infinity();
        if (is_infinity()) return r;
        const bool affine = z == F::one();
        for (size_t i = bit_length(k); i-- > 0;) {
            r = r.dbl();
            if (bit(k, i)) r = affine ? r.add_affine(x, y) : r + *this;
        }
        return r;
    }
    /// Affine coordinates (x, y); (0, 0) for infinity.
    [[nodiscard]] constexpr std::pair<F, F> to_affine() const noexcept {
        if (is_infinity()) return {F::zero(), F::zero()};
        if (z == F::one()) return {x, y};
        const F zi = z.inverse();
        const F zi2 = zi.sqr();
        return {x * zi2, y * zi2 * zi};
    }
    /// Same point (projective equality).
    friend constexpr bool same(const Jacobian& a, const Jacobian& b) noexcept {
        if (a.is_infinity() || b.is_infinity()) return a.is_infinity() && b.is_infinity();
        const F z1z1 = a.z.sqr();
        const F z2z2 = b.z.sqr();
        return a.x * z2z2 == b.x * z1z1 && a.y * b.z * z2z2 == b.y * a.z * z1z1;
    }
};

/// How the sextic twist E' over Fp2 maps into E over Fp12: D-type (bn254, b' = b / xi,
/// psi(x, y) = (x w^2, y w^3)) or M-type (BLS12-381, b' = b xi, psi(x, y) = (x / w^2, y / w^3)).
enum class Twist { D, M };

/// A line through points of the twist, scaled by a factor in Fp2 (which the final exponentiation
/// removes): at P = (xp, yp) in E(Fp) it is yc * yp + xc * xp + k, placed in Fp12 by the twist
/// type. The Miller loop steps return the coefficients; `evaluate` folds in P.
template <class P>
struct Line {
    Fp2<P> yc, xc, k;  ///< the coefficients of yp, of xp, and the constant
};

/// The line's coefficients with P folded in: {yc yp, xc xp, k}.
template <class P>
Line<P> evaluate(const Line<P>& l, const Fp<P>& xp, const Fp<P>& yp) noexcept {
    return {l.yc * yp, l.xc * xp, l.k};
}

/// The line as an Fp12 element. D-type: yp + xc w + k w^3; M-type (times w^3): k + xc v + yp v w.
template <class P, Twist T>
Fp12<P> line_to_fp12(const Line<P>& l) noexcept {
    Fp12<P> r{};
    if constexpr (T == Twist::D) {
        r.c0.c0 = l.yc;
        r.c1.c0 = l.xc;
        r.c1.c1 = l.k;
    } else {
        r.c0.c0 = l.k;
        r.c0.c1 = l.xc;
        r.c1.c1 = l.yc;
    }
    return r;
}

/// f * line without forming the line's Fp12 element (13 Fp2 products instead of 18).
template <class P, Twist T>
void mul_by_line(Fp12<P>& f, const Line<P>& l) noexcept {
    using E6 = Fp6<P>;
    E6 t0, t1, sum;
    if constexpr (T == Twist::D) {  // (yc, 0, 0) + (xc, k, 0) w
        t0 = f.c0.mul_by_0(l.yc);
        t1 = f.c1.mul_by_01(l.xc, l.k);
        sum = (f.c0 + f.c1).mul_by_01(l.yc + l.xc, l.k);
    } else {  // (k, xc, 0) + (0, yc, 0) w
        t0 = f.c0.mul_by_01(l.k, l.xc);
        t1 = f.c1.mul_by_1(l.yc);
        sum = (f.c0 + f.c1).mul_by_01(l.k, l.xc + l.yc);
    }
    f = {t0 + t1.mul_by_v(), sum - t0 - t1};
}

/// The tangent at t (Jacobian on the twist); t becomes 2t. With slope 3X^2 / (2YZ), the line
/// scaled by 2YZ^3 is yp 2YZ^3 - 3X^2 Z^2 xp + (3X^3 - 2Y^2).
template <class P>
Line<P> double_step(Jacobian<Fp2<P>>& t) noexcept {
    using E = Fp2<P>;
    const E xx = t.x.sqr();
    const E yy = t.y.sqr();
    const E zz = t.z.sqr();
    const E xx3 = xx.dbl() + xx;
    const E z3 = (t.y * t.z).dbl();
    Line<P> l{z3 * zz, -(xx3 * zz), xx3 * t.x - yy.dbl()};
    const E s = (t.x * yy).dbl().dbl();
    const E x3 = xx3.sqr() - s.dbl();
    t = {x3, xx3 * (s - x3) - yy.sqr().dbl().dbl().dbl(), z3};
    return l;
}

/// The line through t and the affine q = (qx, qy); t becomes t + q. With H = qx Z^2 - X,
/// R = qy Z^3 - Y, the slope is R / (ZH); scaled by ZH the line is yp ZH - R xp + (R qx - qy ZH).
/// Requires t != +-q (true inside the Miller loops).
template <class P>
Line<P> add_step(Jacobian<Fp2<P>>& t, const Fp2<P>& qx, const Fp2<P>& qy) noexcept {
    using E = Fp2<P>;
    const E zz = t.z.sqr();
    const E h = qx * zz - t.x;
    const E r = qy * zz * t.z - t.y;
    const E z3 = t.z * h;
    Line<P> l{z3, -r, r * qx - qy * z3};
    const E hh = h.sqr();
    const E hhh = hh * h;
    const E v = t.x * hh;
    const E x3 = r.sqr() - hhh - v.dbl();
    t = {x3, r * (v - x3) - t.y * hhh, z3};
    return l;
}

/// Fixed-size natural numbers for the one-time computation of the final exponent.
template <size_t K>
struct BigNat {
    limbs<K> w{};  ///< little-endian limbs

    /// Widens (or truncates) a limb array.
    template <size_t N>
    static constexpr BigNat from(const limbs<N>& a) noexcept {
        BigNat r;
        for (size_t i = 0; i < N && i < K; ++i) r.w[i] = a[i];
        return r;
    }
    /// Arithmetic mod 2^(64K) (the operators below).
    friend constexpr BigNat operator*(const BigNat& a, const BigNat& b) noexcept {
        BigNat r;
        for (size_t i = 0; i < K; ++i) {
            uint64_t c = 0;
            for (size_t j = 0; i + j < K; ++j) {
                const uint128 s = static_cast<uint128>(a.w[i]) * b.w[j] + r.w[i + j] + c;
                r.w[i + j] = static_cast<uint64_t>(s);
                c = static_cast<uint64_t>(s >> 64);
            }
        }
        return r;
    }
    friend constexpr BigNat operator+(const BigNat& a, const BigNat& b) noexcept {
        BigNat r;
        add_carry(r.w, a.w, b.w);
        return r;
    }
    friend constexpr BigNat operator-(const BigNat& a, const BigNat& b) noexcept {
        BigNat r;
        sub_borrow(r.w, a.w, b.w);
        return r;
    }
    /// Quotient by shift and subtract (the remainder in `rem`).
    static constexpr BigNat divide(const BigNat& a, const BigNat& d, BigNat& rem) noexcept {
        BigNat q;
        rem = {};
        for (size_t i = bit_length(a.w); i-- > 0;) {
            // rem = 2 rem + bit
            uint64_t carry = bit(a.w, i) ? 1 : 0;
            for (size_t j = 0; j < K; ++j) {
                const uint64_t top = rem.w[j] >> 63;
                rem.w[j] = (rem.w[j] << 1) | carry;
                carry = top;
            }
            if (!less(rem.w, d.w)) {
                sub_borrow(rem.w, rem.w, d.w);
                q.w[i / 64] |= uint64_t{1} << (i % 64);
            }
        }
        return q;
    }
};

/// The hard part of the final exponent of an embedding degree 12 curve, (p^4 - p^2 + 1) / r,
/// computed once; `exact` is false if r does not divide it (a wrong parameter set).
template <class P, size_t K = 4 * P::N + 1>
struct HardExponent {
    limbs<K> e{};        ///< the quotient
    bool exact = false;  ///< the division left no remainder

    /// Computes the quotient.
    HardExponent() noexcept {
        using B = BigNat<K>;
        const B p = B::from(P::modulus);
        const B p2 = p * p;
        B one;
        one.w[0] = 1;
        const B num = p2 * p2 - p2 + one;
        B rem;
        e = B::divide(num, B::from(P::order), rem).w;
        exact = bit_length(rem.w) == 0;
    }
};

/// The final exponentiation f^((p^12 - 1) / r).
template <class P>
Fp12<P> final_exponentiation(const Fp12<P>& f) noexcept {
    static const HardExponent<P> hard;
    Fp12<P> t = f.conj() * f.inverse();  // f^(p^6 - 1)
    t = frobenius(frobenius(t)) * t;     // ^(p^2 + 1)
    Fp12<P> r = Fp12<P>::one();
    for (size_t i = bit_length(hard.e); i-- > 0;) {
        r = r.sqr();
        if (bit(hard.e, i)) r *= t;
    }
    return r;
}

}  // namespace trainchain::vm::ec
