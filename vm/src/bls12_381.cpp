// vm/src/bls12_381.cpp - BLS12-381: compressed point decoding and the optimal ate pairing check.
//
// E: y^2 = x^3 + 4 over Fp; G2 lives on the M-type sextic twist E': y^2 = x^3 + 4 (1 + u) over
// Fp2. The Miller loop runs over the bits of |x| (x = -0xd201000000010000, so the result is
// conjugated), with no Frobenius lines; all pairs share the loop's squarings and one final
// exponentiation.
#include "bls12_381.hpp"

#include <array>
#include <cstring>

namespace trainchain::vm::bls12_381 {
namespace {

using namespace trainchain::vm::ec;

constexpr uint8_t flag_compressed = 0x80;
constexpr uint8_t flag_infinity = 0x40;
constexpr uint8_t flag_sign = 0x20;

/// Reads a 48-byte field element whose first byte carries the flags (masked off here).
std::optional<Fp> read_flagged(const uint8_t* in48) noexcept {
    std::array<uint8_t, 48> buf{};
    std::memcpy(buf.data(), in48, 48);
    buf[0] &= 0x1f;
    return Fp::from_be(buf.data());
}

/// The point at infinity's encoding: the compression and infinity flags, every other bit zero.
bool is_infinity_encoding(const uint8_t* in, size_t size) noexcept {
    if (in[0] != (flag_compressed | flag_infinity)) return false;
    for (size_t i = 1; i < size; ++i)
        if (in[i] != 0) return false;
    return true;
}

/// The larger of y and -y, as the encodings' sign flag means it (Fp2: by the imaginary part
/// unless it is zero).
bool is_upper(const Fp& y) noexcept { return y.is_upper_half(); }
bool is_upper(const Fp2& y) noexcept { return y.c1.is_zero() ? y.c0.is_upper_half() : y.c1.is_upper_half(); }

}  // namespace

Fp2 twist_b() noexcept { return {Fp::from_u64(4), Fp::from_u64(4)}; }

std::optional<G1> decompress_g1(const uint8_t* in48) noexcept {
    if ((in48[0] & flag_compressed) == 0) return std::nullopt;
    if ((in48[0] & flag_infinity) != 0) {
        if (!is_infinity_encoding(in48, 48)) return std::nullopt;
        return G1::infinity();
    }
    const auto x = read_flagged(in48);
    if (!x) return std::nullopt;
    auto y = (x->sqr() * *x + Fp::from_u64(4)).sqrt();
    if (!y) return std::nullopt;
    if (is_upper(*y) != ((in48[0] & flag_sign) != 0)) *y = -*y;
    const G1 p = G1::from_affine(*x, *y);
    if (!p.mul(Params::order).is_infinity()) return std::nullopt;
    return p;
}

std::optional<G2> decompress_g2(const uint8_t* in96) noexcept {
    if ((in96[0] & flag_compressed) == 0) return std::nullopt;
    if ((in96[0] & flag_infinity) != 0) {
        if (!is_infinity_encoding(in96, 96)) return std::nullopt;
        return G2::infinity();
    }
    const auto x1 = read_flagged(in96);
    const auto x0 = Fp::from_be(in96 + 48);
    if (!x1 || !x0) return std::nullopt;
    const Fp2 x{*x0, *x1};
    auto y = (x.sqr() * x + twist_b()).sqrt();
    if (!y) return std::nullopt;
    if (is_upper(*y) != ((in96[0] & flag_sign) != 0)) *y = -*y;
    const G2 q = G2::from_affine(x, *y);
    if (!q.mul(Params::order).is_infinity()) return std::nullopt;
    return q;
}

void compress_g1(const G1& p, uint8_t* out48) noexcept {
    if (p.is_infinity()) {
        std::memset(out48, 0, 48);
        out48[0] = flag_compressed | flag_infinity;
        return;
    }
    const auto [x, y] = p.to_affine();
    x.to_be(out48);
    out48[0] |= flag_compressed;
    if (is_upper(y)) out48[0] |= flag_sign;
}

namespace {
/// f^x for x = -|x|, on the cyclotomic subgroup (where the inverse is the conjugate).
Fp12 pow_x(const Fp12& f) noexcept {
    static_assert(Params::x_abs >> 63 == 1);
    Fp12 r = f;  // the top bit, 63
    for (int i = 62; i >= 0; --i) {
        r = r.cyclotomic_sqr();
        if ((Params::x_abs >> i) & 1) r *= f;
    }
    return r.conj();
}
}  // namespace

Fp12 final_exponentiation(const Fp12& f) noexcept {
    // Easy part: f^((p^6 - 1)(p^2 + 1)); the result is unitary, so its inverse is its conjugate.
    Fp12 t = f.conj() * f.inverse();
    t = frobenius(frobenius(t)) * t;
    // Hard part, times 3: 3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3 (Hayashida,
    // Hayasaka, Teruya, "Efficient final exponentiation via cyclotomic structure for pairings over
    // families of elliptic curves", 2020). 3 is prime to r, so f^e = 1 exactly when f^(3e) = 1.
    Fp12 a = pow_x(t) * t.conj();                              // t^(x - 1)
    a = pow_x(a) * a.conj();                                   // t^((x - 1)^2)
    a = pow_x(a) * frobenius(a);                               // ^(x + p)
    a = pow_x(pow_x(a)) * frobenius(frobenius(a)) * a.conj();  // ^(x^2 + p^2 - 1)
    return a * t.sqr() * t;                                    // * t^3
}

bool pairing_check(std::span<const std::pair<G1, G2>> pairs) noexcept {
    struct Pair {
        Fp xp, yp;
        Fp2 xq, yq;
        G2 t;
    };
    constexpr size_t chunk = 4;  // pairs per shared Miller loop
    std::array<Pair, chunk> ps{};
    Fp12 product = Fp12::one();
    const auto loop = [&](size_t count) {
        Fp12 f = Fp12::one();
        for (size_t i = 0; i < count; ++i) ps[i].t = G2::from_affine(ps[i].xq, ps[i].yq);
        for (int bit = 62; bit >= 0; --bit) {  // the top bit (63) of |x| is the starting point
            f = f.sqr();
            for (size_t i = 0; i < count; ++i) {
                Pair& pr = ps[i];
                mul_by_line<Params, Twist::M>(f, double_step(pr.t, pr.xp, pr.yp));
                if ((Params::x_abs >> bit) & 1)
                    mul_by_line<Params, Twist::M>(f, add_step(pr.t, pr.xq, pr.yq, pr.xp, pr.yp));
            }
        }
        product *= f.conj();  // x < 0
    };
    size_t count = 0;
    for (const auto& [p, q] : pairs) {
        if (p.is_infinity() || q.is_infinity()) continue;
        const auto [xp, yp] = p.to_affine();
        const auto [xq, yq] = q.to_affine();
        ps[count] = {xp, yp, xq, yq, {}};
        if (++count == chunk) {
            loop(count);
            count = 0;
        }
    }
    if (count != 0) loop(count);
    return final_exponentiation(product) == Fp12::one();
}

}  // namespace trainchain::vm::bls12_381
