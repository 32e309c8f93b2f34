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

const Fp& cube_root_of_unity() noexcept {
    static const Fp beta = [] {
        // A primitive cube root of unity g^((p - 1) / 3), then whichever of it and its square
        // makes phi act as [-x^2] on the generator.
        Fp b = Fp::one();
        for (uint64_t g = 2; b == Fp::one(); ++g)
            b = Fp::from_u64(g).pow(div_small(sub_small(Params::modulus, 1), 3));
        const G1 gen = G1::from_affine(
            Fp::from_limbs_unchecked({0xfb3af00adb22c6bb, 0x6c55e83ff97a1aef, 0xa14e3a3f171bac58,
                                      0xc3688c4f9774b905, 0x2695638c4fa9ac0f, 0x17f1d3a73197d794}),
            Fp::from_limbs_unchecked({0x0caa232946c5e7e1, 0xd03cc744a2888ae4, 0x00db18cb2c04b3ed,
                                      0xfcf5e095d5d00af6, 0xa09e30ed741d8ae4, 0x08b3f481e3aaa0f1}));
        const uint128 x2 = static_cast<uint128>(Params::x_abs) * Params::x_abs;
        const G1 expected =
            gen.mul(limbs<2>{static_cast<uint64_t>(x2), static_cast<uint64_t>(x2 >> 64)}).neg();
        return same(G1::from_affine(gen.x * b, gen.y), expected) ? b : b.sqr();
    }();
    return beta;
}

bool in_g1_subgroup(const G1& p) noexcept {
    if (p.is_infinity()) return true;
    // phi(x, y) = (beta x, y) acts on G1 as [-x^2] (a root of l^2 + l + 1 mod r); on BLS12-381 the
    // equality phi(P) = [-x^2] P holds exactly for the points of G1 (Scott, "A note on group
    // membership tests for G1, G2 and GT on BLS pairing-friendly curves", 2021).
    const auto [x, y] = p.to_affine();
    const uint128 x2 = static_cast<uint128>(Params::x_abs) * Params::x_abs;
    const G1 q = G1::from_affine(x, y);
    return same(G1::from_affine(x * cube_root_of_unity(), y),
                q.mul(limbs<2>{static_cast<uint64_t>(x2), static_cast<uint64_t>(x2 >> 64)}).neg());
}

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
    if (!in_g1_subgroup(p)) return std::nullopt;
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
Fp12 pow_x(const Fp12& f) noexcept { return cyclotomic_pow(f, Params::x_abs).conj(); }
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
                mul_by_line<Params, Twist::M>(f, evaluate(double_step(pr.t), pr.xp, pr.yp));
                if ((Params::x_abs >> bit) & 1)
                    mul_by_line<Params, Twist::M>(f, evaluate(add_step(pr.t, pr.xq, pr.yq), pr.xp, pr.yp));
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

PreparedG2 prepare(const G2& q) noexcept {
    PreparedG2 r{};
    r.infinity = q.is_infinity();
    if (r.infinity) return r;
    const auto [xq, yq] = q.to_affine();
    G2 t = G2::from_affine(xq, yq);
    size_t n = 0;
    for (int bit = 62; bit >= 0; --bit) {
        r.lines[n++] = double_step(t);
        if ((Params::x_abs >> bit) & 1) r.lines[n++] = add_step(t, xq, yq);
    }
    return r;
}

bool pairing_check(std::span<const std::pair<G1, const PreparedG2*>> pairs) noexcept {
    Fp12 f = Fp12::one();
    std::array<std::pair<Fp, Fp>, 4> ps{};
    std::array<const PreparedG2*, 4> qs{};
    Fp12 product = Fp12::one();
    size_t count = 0;
    const auto loop = [&] {
        f = Fp12::one();
        size_t n = 0;
        for (int bit = 62; bit >= 0; --bit) {
            f = f.sqr();
            const bool add = ((Params::x_abs >> bit) & 1) != 0;
            for (size_t i = 0; i < count; ++i) {
                const auto& [xp, yp] = ps[i];
                mul_by_line<Params, Twist::M>(f, evaluate(qs[i]->lines[n], xp, yp));
                if (add) mul_by_line<Params, Twist::M>(f, evaluate(qs[i]->lines[n + 1], xp, yp));
            }
            n += add ? 2 : 1;
        }
        product *= f.conj();  // x < 0
        count = 0;
    };
    for (const auto& [p, q] : pairs) {
        if (p.is_infinity() || q->infinity) continue;
        ps[count] = p.to_affine();
        qs[count] = q;
        if (++count == ps.size()) loop();
    }
    if (count != 0) loop();
    return final_exponentiation(product) == Fp12::one();
}

}  // namespace trainchain::vm::bls12_381
