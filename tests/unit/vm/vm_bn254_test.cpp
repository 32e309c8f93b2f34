// tests/unit/vm/vm_bn254_test.cpp - the alt_bn128 precompiles (EIPs 196 and 197): go-ethereum's
// precompile vectors (tests/golden/precompiles/, see the README there), the generator's known
// multiples, invalid inputs, and the pairing's bilinearity checked through the precompile itself.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <nlohmann/json.hpp>

#include "bn254.hpp"
#include "bn254_params.hpp"
#include "precompile_vectors.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/precompiles.hpp"

using namespace trainchain::vm;
using namespace trainchain::vm::ec;
using P = bn254::Params;
using F = Fp<P>;
using F2 = Fp2<P>;
using F12 = Fp12<P>;
using G1 = Jacobian<F>;
using G2 = Jacobian<F2>;

namespace {

using trainchain::test::hex;

nlohmann::json load(const std::string& name) { return trainchain::test::load_vectors(name); }

/// 32 big-endian bytes of a small number.
bytes word(uint64_t v) {
    bytes out(32, 0);
    for (int i = 0; i < 8; ++i) out[31 - i] = static_cast<uint8_t>(v >> (8 * i));
    return out;
}

bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

bytes fp_bytes(const F& x) {
    bytes out(32);
    x.to_be(out.data());
    return out;
}

bytes g1_bytes(const G1& p) {
    const auto [x, y] = p.to_affine();
    return cat({fp_bytes(x), fp_bytes(y)});
}

/// EIP-197 order: x_imag, x_real, y_imag, y_real.
bytes g2_bytes(const G2& q) {
    const auto [x, y] = q.to_affine();
    return cat({fp_bytes(x.c1), fp_bytes(x.c0), fp_bytes(y.c1), fp_bytes(y.c0)});
}

const G1 g1 = G1::from_affine(F::from_u64(1), F::from_u64(2));

G2 g2() {
    const bytes b =
        hex("198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
            "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
            "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
            "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa");
    const auto f = [&](size_t i) { return *F::from_be(b.data() + 32 * i); };
    return G2::from_affine(F2{f(1), f(0)}, F2{f(3), f(2)});
}

limbs<4> scalar(uint64_t v) { return limbs<4>{v, 0, 0, 0}; }

bytes result_word(uint8_t v) {
    bytes out(32, 0);
    out[31] = v;
    return out;
}

}  // namespace

TEST_CASE("bn254 field: Montgomery round trip, inverses, the twist constant and the Frobenius map") {
    const F a = F::from_u64(123456789);
    CHECK(a.to_limbs() == scalar(123456789));
    CHECK(a * a.inverse() == F::one());
    CHECK((a - a).is_zero());
    CHECK(-F::one() + F::one() == F::zero());
    // p - 1 squared is 1.
    const F m1 = F::from_limbs_unchecked(sub_small(P::modulus, 1));
    CHECK(m1 * m1 == F::one());
    CHECK(m1 + F::from_u64(2) == F::one());

    // b' = 3 / (9 + u), the well-known twist constant.
    const F2& b = bn254::twist_b();
    CHECK(b * F2{F::from_u64(9), F::one()} == F2{F::from_u64(3), F::zero()});
    bytes b0(32), b1(32);
    b.c0.to_be(b0.data());
    b.c1.to_be(b1.data());
    CHECK(to_hex(b0) == "2b149d40ceb8aaae81be18991be06ac3b5b4c5e559dbefa33267e6dc24a138e5");
    CHECK(to_hex(b1) == "009713b03af0fed4cd2cafadeed8fdf4a74fa084e52d1852e4a2bd0685c315d2");

    // Fp12: inverse, and the Frobenius map has order 12 and agrees with x^p.
    F12 x;
    for (int k = 0; k < 6; ++k)
        x.coeff(k) =
            F2{F::from_u64(static_cast<uint64_t>(3 * k + 1)), F::from_u64(static_cast<uint64_t>(k + 7))};
    CHECK(x * x.inverse() == F12::one());
    F12 y = x;
    for (int i = 0; i < 12; ++i) y = frobenius(y);
    CHECK(y == x);
    CHECK(!(frobenius(x) == x));
    F12 xp = F12::one();
    for (size_t i = bit_length(P::modulus); i-- > 0;) {
        xp = xp.sqr();
        if (bit(P::modulus, i)) xp *= x;
    }
    CHECK(xp == frobenius(x));

    // The sparse line product equals the full one, for both twist types.
    const Line<P> l{F2{F::from_u64(3), F::from_u64(4)}, F2{F::from_u64(5), F::from_u64(6)},
                    F2{F::from_u64(7), F::from_u64(8)}};
    F12 d = x, m = x;
    mul_by_line<P, Twist::D>(d, l);
    mul_by_line<P, Twist::M>(m, l);
    CHECK(d == x * line_to_fp12<P, Twist::D>(l));
    CHECK(m == x * line_to_fp12<P, Twist::M>(l));
    CHECK(!(d == m));

    // Fp2 square roots.
    const F2 s{F::from_u64(5), F::from_u64(11)};
    const auto root = s.sqr().sqrt();
    REQUIRE(root);
    CHECK(root->sqr() == s.sqr());
}

TEST_CASE("bn254 ECADD: go-ethereum's vectors") {
    const auto vectors = load("bn256Add.json");
    REQUIRE(vectors.size() >= 10);
    for (const auto& v : vectors) {
        CAPTURE(v["Name"].get<std::string>());
        const auto out = bn254::add(hex(v["Input"].get<std::string>()));
        REQUIRE(out);
        CHECK(to_hex(*out) == v["Expected"].get<std::string>());
    }
}

TEST_CASE("bn254 ECMUL: go-ethereum's vectors") {
    const auto vectors = load("bn256ScalarMul.json");
    REQUIRE(vectors.size() >= 10);
    for (const auto& v : vectors) {
        CAPTURE(v["Name"].get<std::string>());
        const auto out = bn254::mul(hex(v["Input"].get<std::string>()));
        REQUIRE(out);
        CHECK(to_hex(*out) == v["Expected"].get<std::string>());
    }
}

TEST_CASE("bn254 pairing: go-ethereum's vectors, true and false") {
    const auto vectors = load("bn256Pairing.json");
    REQUIRE(vectors.size() >= 10);
    int ones = 0, zeros = 0;
    for (const auto& v : vectors) {
        CAPTURE(v["Name"].get<std::string>());
        const auto out = bn254::pairing(hex(v["Input"].get<std::string>()));
        REQUIRE(out);
        const std::string expected = v["Expected"].get<std::string>();
        CHECK(to_hex(*out) == expected);
        (expected.back() == '1' ? ones : zeros)++;
    }
    CHECK(ones > 0);
    CHECK(zeros > 0);
}

TEST_CASE("bn254 ECADD and ECMUL: the generator's multiples") {
    const bytes g = g1_bytes(g1);
    CHECK(to_hex(g) == to_hex(cat({word(1), word(2)})));
    const std::string two_g =
        "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
        "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4";
    CHECK(to_hex(*bn254::add(cat({g, g}))) == two_g);
    CHECK(to_hex(*bn254::mul(cat({g, word(2)}))) == two_g);
    // 3G both ways.
    const bytes g3 = *bn254::mul(cat({g, word(3)}));
    CHECK(*bn254::add(cat({hex(two_g), g})) == g3);
    // G + (-G) = O, r G = O, (r + 1) G = G, 0 G = O.
    bytes neg_y(32);
    (-F::from_u64(2)).to_be(neg_y.data());
    const bytes zero64(64, 0);
    CHECK(*bn254::add(cat({g, word(1), neg_y})) == zero64);
    bytes r(32), r1(32);
    limbs_to_be<4>(P::order, r.data());
    limbs_to_be<4>(add_small(P::order, 1), r1.data());
    CHECK(*bn254::mul(cat({g, r})) == zero64);
    CHECK(*bn254::mul(cat({g, r1})) == g);
    CHECK(*bn254::mul(cat({g, word(0)})) == zero64);
    // Short inputs are zero-padded; extra bytes are ignored.
    CHECK(*bn254::mul(g) == zero64);
    CHECK(*bn254::add(g) == g);
    CHECK(*bn254::add(cat({g, g, bytes(40, 0xff)})) == hex(two_g));
}

TEST_CASE("bn254 ECADD and ECMUL: invalid points fail") {
    const bytes g = g1_bytes(g1);
    // (1, 3) is not on the curve; neither is (0, 1) nor (1, 0).
    CHECK_FALSE(bn254::add(cat({word(1), word(3), g})));
    CHECK_FALSE(bn254::add(cat({g, word(0), word(1)})));
    CHECK_FALSE(bn254::mul(cat({word(1), word(0), word(5)})));
    // A coordinate equal to p (x = p + 1 would be 1 mod p and on the curve).
    bytes p1(32);
    limbs_to_be<4>(add_small(P::modulus, 1), p1.data());
    CHECK_FALSE(bn254::add(cat({p1, word(2), g})));
    CHECK_FALSE(bn254::mul(cat({p1, word(2), word(1)})));
    bytes y_plus_p(32);
    limbs_to_be<4>(add_small(P::modulus, 2), y_plus_p.data());
    CHECK_FALSE(bn254::mul(cat({word(1), y_plus_p, word(1)})));
}

TEST_CASE("bn254 pairing: bilinearity through the precompile") {
    const G2 q = g2();
    REQUIRE(q.mul(P::order).is_infinity());
    const bytes gq = g2_bytes(q);
    const G1 neg_g = g1.neg();

    // e(P, Q) e(-P, Q) = 1, e(P, Q) alone is not 1, and e(P, Q) e(P, Q) is not 1.
    CHECK(*bn254::pairing(cat({g1_bytes(g1), gq, g1_bytes(neg_g), gq})) == result_word(1));
    CHECK(*bn254::pairing(cat({g1_bytes(g1), gq})) == result_word(0));
    CHECK(*bn254::pairing(cat({g1_bytes(g1), gq, g1_bytes(g1), gq})) == result_word(0));

    // e(aP, bQ) = e(abP, Q): e(aP, bQ) e(-abP, Q) = 1, and not with ab + 1.
    const uint64_t a = 0x1234567, b = 0xabcdef987;
    const bytes ap = g1_bytes(g1.mul(scalar(a)));
    const bytes bq = g2_bytes(q.mul(scalar(b)));
    const limbs<4> ab = scalar(a * b);
    CHECK(*bn254::pairing(cat({ap, bq, g1_bytes(neg_g.mul(ab)), gq})) == result_word(1));
    CHECK(*bn254::pairing(cat({ap, bq, g1_bytes(neg_g.mul(add_small(ab, 1))), gq})) == result_word(0));
    // e(aP, bQ) = e(P, abQ), with the G2 side negated.
    CHECK(*bn254::pairing(cat({ap, bq, g1_bytes(g1), g2_bytes(q.neg().mul(ab))})) == result_word(1));

    // Pairs with a point at infinity contribute 1.
    const bytes inf_g1(64, 0), inf_g2(128, 0);
    CHECK(*bn254::pairing(cat({inf_g1, gq})) == result_word(1));
    CHECK(*bn254::pairing(cat({g1_bytes(g1), inf_g2})) == result_word(1));
    CHECK(*bn254::pairing(cat({inf_g1, gq, g1_bytes(g1), gq, inf_g1, inf_g2})) == result_word(0));
    CHECK(*bn254::pairing({}) == result_word(1));

    // More pairs than one Miller loop chunk: 9 x e(P, Q) e(-P, Q) in one check, then one extra.
    bytes many;
    for (int i = 0; i < 9; ++i) many = cat({many, g1_bytes(g1), gq, g1_bytes(neg_g), gq});
    CHECK(*bn254::pairing(many) == result_word(1));
    CHECK(*bn254::pairing(cat({many, g1_bytes(g1), gq})) == result_word(0));
}

TEST_CASE("bn254 pairing: invalid input fails") {
    const bytes gq = g2_bytes(g2());
    const bytes g = g1_bytes(g1);
    // Lengths that are not a multiple of 192.
    CHECK_FALSE(bn254::pairing(bytes(1, 0)));
    CHECK_FALSE(bn254::pairing(bytes(191, 0)));
    CHECK_FALSE(bn254::pairing(bytes(193, 0)));
    CHECK_FALSE(bn254::pairing(cat({g, gq, bytes(32, 0)})));
    // G1 not on the curve.
    CHECK_FALSE(bn254::pairing(cat({word(1), word(3), gq})));
    // G2 with swapped (real, imaginary) order is not on the twist.
    const bytes swapped = cat({bytes(gq.begin() + 32, gq.begin() + 64), bytes(gq.begin(), gq.begin() + 32),
                               bytes(gq.begin() + 96, gq.end()), bytes(gq.begin() + 64, gq.begin() + 96)});
    CHECK_FALSE(bn254::pairing(cat({g, swapped})));
    // A G2 coordinate not below p.
    bytes bad = gq;
    limbs_to_be<4>(P::modulus, bad.data());
    CHECK_FALSE(bn254::pairing(cat({g, bad})));

    // A point on the twist outside the order-r subgroup (the twist has order r (2p - r)).
    std::optional<G2> outside;
    for (uint64_t i = 1; i < 100 && !outside; ++i) {
        const F2 x{F::from_u64(i), F::one()};
        if (const auto y = (x.sqr() * x + bn254::twist_b()).sqrt()) outside = G2::from_affine(x, *y);
    }
    REQUIRE(outside);
    REQUIRE_FALSE(outside->mul(P::order).is_infinity());
    CHECK_FALSE(bn254::pairing(cat({g, g2_bytes(*outside)})));
    // Also when its G1 partner is the point at infinity (the pair is still validated).
    CHECK_FALSE(bn254::pairing(cat({bytes(64, 0), g2_bytes(*outside)})));
    // A flipped bit in a valid vector's G2 point.
    bytes flipped = cat({g, gq});
    flipped[64 + 40] ^= 0x04;
    CHECK_FALSE(bn254::pairing(flipped));
}

TEST_CASE("bn254 internals: the fast subgroup check and final exponentiation agree with the definitions") {
    // Twist points (x, y) with x = i + u: as found (almost never in G2) and with the cofactor
    // 2p - r cleared (always in G2); psi(Q) = [6x^2] Q must agree with [r] Q = O on every one.
    limbs<4> cofactor{};
    add_carry(cofactor, P::modulus, P::modulus);
    sub_borrow(cofactor, cofactor, P::order);
    int inside = 0, outside = 0;
    for (uint64_t i = 1; i < 30; ++i) {
        const F2 x{F::from_u64(i), F::one()};
        const auto y = (x.sqr() * x + bn254::twist_b()).sqrt();
        if (!y) continue;
        for (const G2& q : {G2::from_affine(x, *y), G2::from_affine(x, *y).mul(cofactor)}) {
            const bool by_order = q.mul(P::order).is_infinity();
            CHECK(bn254::in_g2_subgroup(q) == by_order);
            (by_order ? inside : outside)++;
        }
    }
    CHECK(inside >= 5);
    CHECK(outside >= 5);
    // Random points almost never land in the cofactor's small subgroups, so test those directly:
    // 2p - r = 10069 * 5864401 * 1875725156269 * q (q prime, 177 bits); for each prime factor l,
    // S = [r (2p - r) / l] R has order l, and neither S nor G2 + S is in G2.
    std::optional<G2> random_point;
    for (uint64_t i = 3; i < 60 && !random_point; ++i) {
        const F2 x{F::from_u64(i), F::from_u64(7)};
        if (const auto y = (x.sqr() * x + bn254::twist_b()).sqrt()) random_point = G2::from_affine(x, *y);
    }
    REQUIRE(random_point);
    const BigNat<4> h = BigNat<4>::from(cofactor);
    for (const char* factor :
         {"10069", "5864401", "1875725156269", "197620364512881247228717050342013327560683201906968909"}) {
        CAPTURE(factor);
        const auto l = uint256::parse(factor);
        REQUIRE(l);
        BigNat<4> rem;
        const BigNat<4> quotient = BigNat<4>::divide(h, BigNat<4>::from(l->w), rem);
        REQUIRE(bit_length(rem.w) == 0);
        const G2 small = random_point->mul(P::order).mul(quotient.w);  // [r (2p - r) / l] R
        REQUIRE_FALSE(small.is_infinity());
        REQUIRE(small.mul(l->w).is_infinity());
        CHECK_FALSE(bn254::in_g2_subgroup(small));
        CHECK_FALSE(bn254::in_g2_subgroup(small + g2()));
        CHECK_FALSE((small + g2()).mul(P::order).is_infinity());
    }
    CHECK(bn254::in_g2_subgroup(g2()));
    CHECK(bn254::in_g2_subgroup(G2::infinity()));

    // Cyclotomic squaring agrees with squaring on the image of the easy part (and only there).
    {
        F12 f;
        for (int k = 0; k < 6; ++k)
            f.coeff(k) =
                F2{F::from_u64(static_cast<uint64_t>(11 * k + 2)), F::from_u64(static_cast<uint64_t>(k))};
        F12 t = f.conj() * f.inverse();
        t = frobenius(frobenius(t)) * t;
        CHECK(t.cyclotomic_sqr() == t.sqr());
        CHECK(t.cyclotomic_sqr().cyclotomic_sqr() == t.sqr().sqr());
        CHECK_FALSE(f.cyclotomic_sqr() == f.sqr());
    }

    // The BN chain for the hard part against plain exponentiation by (p^4 - p^2 + 1) / r.
    const HardExponent<P> hard;
    CHECK(hard.exact);
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        F12 f;
        for (int k = 0; k < 6; ++k)
            f.coeff(k) = F2{F::from_u64(seed * 1000 + static_cast<uint64_t>(k)), F::from_u64(seed + 17)};
        const F12 fast = bn254::final_exponentiation(f);
        CHECK(fast == ec::final_exponentiation(f));
        CHECK(!(fast == F12::one()));
    }
}

TEST_CASE("bn254: the entry points fit the precompile table's adapter") {
    // from_optional<fn> is how vm/src/precompiles.cpp's table takes an implementation.
    const bytes g = g1_bytes(g1);
    const PrecompileResult ok = from_optional<bn254::add>(cat({g, g}));
    CHECK(ok.status == PrecompileResult::Status::Success);
    CHECK(ok.output == *bn254::mul(cat({g, word(2)})));
    CHECK(from_optional<bn254::mul>(cat({word(1), word(3), word(1)})).status ==
          PrecompileResult::Status::Failure);
    CHECK(from_optional<bn254::pairing>({}).output == result_word(1));
    CHECK(from_optional<bn254::pairing>(bytes(1, 0)).status == PrecompileResult::Status::Failure);
}
