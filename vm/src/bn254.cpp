// vm/src/bn254.cpp - the alt_bn128 (bn254) curve: point arithmetic for ECADD/ECMUL and the
// optimal ate pairing check of EIP-197.
//
// E: y^2 = x^3 + 3 over Fp; G2 lives on the D-type sextic twist E': y^2 = x^3 + 3 / xi over
// Fp2 with xi = 9 + u. The Miller loop runs over the NAF of 6x + 2 (x = 4965661367192848881)
// followed by the two Frobenius lines; all pairs of one check share the loop's squarings and one
// final exponentiation.
#include "bn254.hpp"

#include <algorithm>
#include <array>

#include "bn254_params.hpp"
#include "precompile_input.hpp"

namespace trainchain::vm::bn254 {
namespace {

using namespace trainchain::vm::ec;
using F = Fp<Params>;
using F2 = Fp2<Params>;
using F12 = Fp12<Params>;
using G1 = Jacobian<F>;
using G2 = Jacobian<F2>;

constexpr size_t word = 32;

/// Reads one 32-byte coordinate of the padded input.
std::optional<F> read_fp(const uint8_t* data) noexcept { return F::from_be(data); }

/// Reads a G1 point (64 bytes); (0, 0) is the point at infinity.
std::optional<G1> read_g1(const uint8_t* data) noexcept {
    const auto x = read_fp(data);
    const auto y = read_fp(data + word);
    if (!x || !y) return std::nullopt;
    if (x->is_zero() && y->is_zero()) return G1::infinity();
    if (!(y->sqr() == x->sqr() * *x + F::from_u64(3))) return std::nullopt;
    return G1::from_affine(*x, *y);
}

/// Reads a G2 point (128 bytes: x_imag, x_real, y_imag, y_real); all zero is infinity. The
/// point must lie on the twist and in the order-r subgroup.
std::optional<G2> read_g2(const uint8_t* data) noexcept {
    const auto x1 = read_fp(data);
    const auto x0 = read_fp(data + word);
    const auto y1 = read_fp(data + 2 * word);
    const auto y0 = read_fp(data + 3 * word);
    if (!x0 || !x1 || !y0 || !y1) return std::nullopt;
    const F2 x{*x0, *x1};
    const F2 y{*y0, *y1};
    if (x.is_zero() && y.is_zero()) return G2::infinity();
    if (!(y.sqr() == x.sqr() * x + twist_b())) return std::nullopt;
    const G2 q = G2::from_affine(x, y);
    if (!in_g2_subgroup(q)) return std::nullopt;
    return q;
}

/// The padded (or truncated) copy of the input the fixed-size precompiles read.
template <size_t Size>
std::array<uint8_t, Size> padded(bytes_view input) noexcept {
    std::array<uint8_t, Size> buf;
    read_padded(input, size_t{0}, buf);
    return buf;
}

/// The 64-byte (x, y) output; (0, 0) for infinity.
bytes encode_g1(const G1& p) {
    bytes out(2 * word, 0);
    const auto [x, y] = p.to_affine();
    x.to_be(out.data());
    y.to_be(out.data() + word);
    return out;
}

/// Digits (least significant first) of the non-adjacent form of 6x + 2.
struct Naf {
    std::array<int8_t, 80> d{};
    size_t size = 0;
    constexpr Naf() noexcept {
        uint128 n = static_cast<uint128>(6) * Params::x + 2;
        while (n != 0) {
            int8_t digit = 0;
            if (n & 1) {
                digit = (n & 3) == 1 ? 1 : -1;
                n = digit == 1 ? n - 1 : n + 1;
            }
            d[size++] = digit;
            n >>= 1;
        }
    }
};
constexpr Naf ate_naf{};

/// One pair of the check, both points affine and finite.
struct Pair {
    F xp, yp;
    F2 xq, yq;
    G2 t;
};

/// The product of the Miller loops of up to `count` pairs (sharing the squarings).
F12 miller_loop(Pair* pairs, size_t count) noexcept {
    F12 f = F12::one();
    for (size_t i = 0; i < count; ++i) pairs[i].t = G2::from_affine(pairs[i].xq, pairs[i].yq);
    for (size_t bit = ate_naf.size - 1; bit-- > 0;) {
        f = f.sqr();
        for (size_t i = 0; i < count; ++i) {
            Pair& pr = pairs[i];
            mul_by_line<Params, Twist::D>(f, evaluate(double_step(pr.t), pr.xp, pr.yp));
            const int digit = ate_naf.d[bit];
            if (digit != 0) {
                const F2 qy = digit > 0 ? pr.yq : -pr.yq;
                mul_by_line<Params, Twist::D>(f, evaluate(add_step(pr.t, pr.xq, qy), pr.xp, pr.yp));
            }
        }
    }
    for (size_t i = 0; i < count; ++i) {
        Pair& pr = pairs[i];
        const auto [x1, y1] = twist_frobenius(pr.xq, pr.yq);
        const auto [x2, y2] = twist_frobenius(x1, y1);
        mul_by_line<Params, Twist::D>(f, evaluate(add_step(pr.t, x1, y1), pr.xp, pr.yp));
        mul_by_line<Params, Twist::D>(f, evaluate(add_step(pr.t, x2, -y2), pr.xp, pr.yp));
    }
    return f;
}

}  // namespace

const F2& twist_b() noexcept {
    static const F2 b = F2{F::from_u64(Params::xi0), F::one()}.inverse() * F::from_u64(3);
    return b;
}

std::pair<F2, F2> twist_frobenius(const F2& x, const F2& y) noexcept {
    const auto& g = frobenius_gammas<Params>();
    return {x.conj() * g[2], y.conj() * g[3]};
}

namespace {
/// psi on Jacobian coordinates (the Frobenius map is a field automorphism, so it commutes with
/// the projective scaling): (conj(X) gamma_2, conj(Y) gamma_3, conj(Z)).
G2 psi(const G2& p) noexcept {
    const auto& g = frobenius_gammas<Params>();
    return {p.x.conj() * g[2], p.y.conj() * g[3], p.z.conj()};
}
}  // namespace

bool in_g2_subgroup(const G2& q) noexcept {
    if (q.is_infinity()) return true;
    // [x + 1] Q + psi([x] Q) + psi^2([x] Q) = psi^3([2x] Q) exactly on the order-r subgroup of a
    // BN curve's twist (Scott, "A note on group membership tests for G1, G2 and GT on BLS
    // pairing-friendly curves", 2021, which also treats BN curves): one 63-bit multiplication.
    const G2 xq = q.mul(limbs<1>{Params::x});
    const G2 psi_xq = psi(xq);
    const G2 lhs = xq + q + psi_xq + psi(psi_xq);
    return same(lhs, psi(psi(psi_xq.dbl())));
}

namespace {
/// f^x for the (positive) BN parameter x.
F12 pow_x(const F12& f) noexcept { return cyclotomic_pow(f, Params::x); }
}  // namespace

F12 final_exponentiation(const F12& f) noexcept {
    // Easy part: f^((p^6 - 1)(p^2 + 1)); the result is unitary, so its inverse is its conjugate.
    F12 t = f.conj() * f.inverse();
    t = frobenius(frobenius(t)) * t;
    // Hard part (p^4 - p^2 + 1) / r as a polynomial in p and x (Scott et al., "On the final
    // exponentiation for calculating pairings on ordinary elliptic curves", 2009).
    const F12 fp = frobenius(t);
    const F12 fp2 = frobenius(fp);
    const F12 fp3 = frobenius(fp2);
    const F12 fu = pow_x(t);
    const F12 fu2 = pow_x(fu);
    const F12 fu3 = pow_x(fu2);
    const F12 y0 = fp * fp2 * fp3;
    const F12 y1 = t.conj();
    const F12 y2 = frobenius(frobenius(fu2));
    const F12 y3 = frobenius(fu).conj();
    const F12 y4 = (fu * frobenius(fu2)).conj();
    const F12 y5 = fu2.conj();
    const F12 y6 = (fu3 * frobenius(fu3)).conj();
    F12 t0 = y6.sqr() * y4 * y5;
    F12 t1 = y3 * y5 * t0;
    t0 *= y2;
    t1 = (t1.sqr() * t0).sqr();
    t0 = t1 * y1;
    t1 *= y0;
    return t0.sqr() * t1;
}

std::optional<bytes> add(bytes_view input) noexcept {
    const auto buf = padded<4 * word>(input);
    const auto a = read_g1(buf.data());
    const auto b = read_g1(buf.data() + 2 * word);
    if (!a || !b) return std::nullopt;
    return encode_g1(*a + *b);
}

std::optional<bytes> mul(bytes_view input) noexcept {
    const auto buf = padded<3 * word>(input);
    const auto a = read_g1(buf.data());
    if (!a) return std::nullopt;
    return encode_g1(a->mul(limbs_from_be<4>(buf.data() + 2 * word)));
}

std::optional<bytes> pairing(bytes_view input) noexcept {
    constexpr size_t pair_size = 6 * word;
    if (input.size() % pair_size != 0) return std::nullopt;
    constexpr size_t chunk = 8;  // pairs per shared Miller loop; bounds the working memory
    std::array<Pair, chunk> pairs{};
    size_t count = 0;
    F12 product = F12::one();
    for (size_t off = 0; off < input.size(); off += pair_size) {
        const uint8_t* data = input.data() + off;
        const auto p = read_g1(data);
        const auto q = read_g2(data + 2 * word);
        if (!p || !q) return std::nullopt;
        if (p->is_infinity() || q->is_infinity()) continue;  // e(O, Q) = e(P, O) = 1
        pairs[count].xp = p->x;
        pairs[count].yp = p->y;
        pairs[count].xq = q->x;
        pairs[count].yq = q->y;
        if (++count == chunk) {
            product *= miller_loop(pairs.data(), count);
            count = 0;
        }
    }
    if (count != 0) product *= miller_loop(pairs.data(), count);
    bytes out(word, 0);
    out[word - 1] = bn254::final_exponentiation(product) == F12::one() ? 1 : 0;
    return out;
}

}  // namespace trainchain::vm::bn254
