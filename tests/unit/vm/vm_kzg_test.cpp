// tests/unit/vm/vm_kzg_test.cpp - BLS12-381 and the EIP-4844 point evaluation precompile: the
// consensus-spec verify_kzg_proof vectors as c-kzg-4844 ships them and go-ethereum's precompile
// vector (tests/golden/precompiles/, see the README there), the curve's known points, point
// decoding, and the pairing's bilinearity.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include "bls12_381.hpp"
#include "kzg.hpp"
#include "precompile_vectors.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/precompiles.hpp"

using namespace trainchain::vm;
using namespace trainchain::vm::bls12_381;
using P = bls12_381::Params;

namespace {

using trainchain::test::hex;

nlohmann::json load(const std::string& name) { return trainchain::test::load_vectors(name); }

bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

std::string fp_hex(const Fp& x) {
    bytes out(48);
    x.to_be(out.data());
    return to_hex(out);
}

bytes versioned_hash(const bytes& commitment) {
    bytes h(32);
    SHA256(commitment.data(), commitment.size(), h.data());
    h[0] = 0x01;
    return h;
}

/// For namespace-scope constants (no doctest assertion outside a test case).
bytes constant(std::string_view text) { return from_hex(text).value.value(); }

bytes compressed(const G1& p) {
    bytes out(48);
    compress_g1(p, out.data());
    return out;
}

const bytes g1_compressed = constant(
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb");
const bytes g2_compressed = constant(
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
    "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8");

const std::string expected_output =
    "0000000000000000000000000000000000000000000000000000000000001000"
    "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

}  // namespace

TEST_CASE("bls12_381: the generators decode to their published coordinates") {
    const auto g1 = decompress_g1(g1_compressed.data());
    REQUIRE(g1);
    const auto [x, y] = g1->to_affine();
    CHECK(fp_hex(x) ==
          "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb");
    CHECK(fp_hex(y) ==
          "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1");
    CHECK(compressed(*g1) == g1_compressed);

    const auto g2 = decompress_g2(g2_compressed.data());
    REQUIRE(g2);
    const auto [qx, qy] = g2->to_affine();
    CHECK(fp_hex(qx.c0) ==
          "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8");
    CHECK(fp_hex(qx.c1) ==
          "13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e");
    CHECK(fp_hex(qy.c0) ==
          "0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801");
    CHECK(fp_hex(qy.c1) ==
          "0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be");

    // The hard part of the final exponent divides exactly.
    CHECK(ec::HardExponent<P>{}.exact);
}

TEST_CASE("bls12_381: the fast final exponentiation is the plain one cubed") {
    for (uint64_t seed = 1; seed <= 2; ++seed) {
        Fp12 f;
        for (int k = 0; k < 6; ++k)
            f.coeff(k) = Fp2{Fp::from_u64(seed * 100 + static_cast<uint64_t>(k)), Fp::from_u64(seed + 3)};
        const Fp12 plain = ec::final_exponentiation(f);
        CHECK(bls12_381::final_exponentiation(f) == plain.sqr() * plain);
        CHECK(!(plain == Fp12::one()));
    }
}

TEST_CASE("bls12_381: the G1 membership test by the endomorphism agrees with [r] P = O") {
    const Fp& beta = cube_root_of_unity();
    CHECK(!(beta == Fp::one()));
    CHECK(beta.sqr() * beta == Fp::one());
    // Points (x, y) for x = 1, 2, ... as found (almost never in G1) and with the cofactor
    // (x - 1)^2 / 3 cleared (always in G1).
    const uint128 h = (static_cast<uint128>(P::x_abs + 1) * (P::x_abs + 1)) / 3;
    const ec::limbs<2> cofactor{static_cast<uint64_t>(h), static_cast<uint64_t>(h >> 64)};
    int inside = 0, outside = 0;
    for (uint64_t i = 1; i < 40; ++i) {
        const Fp x = Fp::from_u64(i);
        const auto y = (x.sqr() * x + Fp::from_u64(4)).sqrt();
        if (!y) continue;
        for (const G1& p : {G1::from_affine(x, *y), G1::from_affine(x, *y).mul(cofactor)}) {
            const bool by_order = p.mul(P::order).is_infinity();
            CHECK(in_g1_subgroup(p) == by_order);
            (by_order ? inside : outside)++;
        }
    }
    CHECK(inside >= 5);
    CHECK(outside >= 5);

    // The cofactor's small subgroups, which random points almost never land in: the cofactor is
    // 3 * 11^2 * 10177^2 * 859267^2 * 52437899^2; for each prime power l^e, S = [r h / l^e] R is
    // R's l-part, and neither S nor G1 + S is in G1 (for several R, as an l-part may be trivial).
    const G1 g1 = *decompress_g1(g1_compressed.data());
    int tested = 0;
    for (uint64_t i = 1; i < 30; ++i) {
        const Fp x = Fp::from_u64(i);
        const auto y = (x.sqr() * x + Fp::from_u64(4)).sqrt();
        if (!y) continue;
        const G1 r_times = G1::from_affine(x, *y).mul(P::order);
        for (const uint64_t l :
             {3ULL, 11ULL * 11, 10177ULL * 10177, 859267ULL * 859267, 52437899ULL * 52437899}) {
            CAPTURE(l);
            const uint128 q = h / l;
            const G1 part =
                r_times.mul(ec::limbs<2>{static_cast<uint64_t>(q), static_cast<uint64_t>(q >> 64)});
            REQUIRE(part.mul(ec::limbs<1>{l}).is_infinity());
            if (part.is_infinity()) continue;
            ++tested;
            CHECK_FALSE(in_g1_subgroup(part));
            CHECK_FALSE(in_g1_subgroup(part + g1));
        }
    }
    CHECK(tested >= 10);
}

TEST_CASE("bls12_381: compressed point decoding rejects bad encodings") {
    // No compression flag.
    bytes b = g1_compressed;
    b[0] &= 0x7f;
    CHECK_FALSE(decompress_g1(b.data()));
    // The infinity flag with other bits set, and the proper infinity.
    bytes inf(48, 0);
    inf[0] = 0xc0;
    CHECK(decompress_g1(inf.data())->is_infinity());
    inf[47] = 1;
    CHECK_FALSE(decompress_g1(inf.data()));
    inf[47] = 0;
    inf[0] = 0xe0;  // infinity with the sign flag
    CHECK_FALSE(decompress_g1(inf.data()));
    // x = p (not a field element).
    bytes px(48);
    ec::limbs_to_be<6>(P::modulus, px.data());
    px[0] |= 0x80;
    CHECK_FALSE(decompress_g1(px.data()));
    // The other sign gives the negated point.
    b = g1_compressed;
    b[0] ^= 0x20;
    const auto neg = decompress_g1(b.data());
    REQUIRE(neg);
    CHECK(same(*neg, decompress_g1(g1_compressed.data())->neg()));
    // A point on the curve outside G1 (the curve's cofactor is large): found by trying x = 1, 2, ...
    bool found = false;
    for (uint64_t i = 1; i < 50 && !found; ++i) {
        const Fp x = Fp::from_u64(i);
        const auto y = (x.sqr() * x + Fp::from_u64(4)).sqrt();
        if (!y) continue;
        const G1 p = G1::from_affine(x, *y);
        REQUIRE_FALSE(p.mul(P::order).is_infinity());
        bytes enc(48);
        x.to_be(enc.data());
        enc[0] |= 0x80;
        CHECK_FALSE(decompress_g1(enc.data()));
        found = true;
    }
    CHECK(found);
    // G2: a flipped bit of the generator's x is (almost surely) off the twist or outside G2.
    bytes g2 = g2_compressed;
    g2[60] ^= 0x01;
    CHECK_FALSE(decompress_g2(g2.data()));
}

TEST_CASE("bls12_381: pairing bilinearity") {
    const G1 g1 = *decompress_g1(g1_compressed.data());
    const G2 g2 = *decompress_g2(g2_compressed.data());
    const ec::limbs<4> a{0x1234567890abcdef, 0, 0, 0};
    const ec::limbs<4> b{0xfedcba987, 0, 0, 0};
    const uint128 ab128 = static_cast<uint128>(a[0]) * b[0];
    const ec::limbs<4> ab{static_cast<uint64_t>(ab128), static_cast<uint64_t>(ab128 >> 64), 0, 0};
    const std::array<std::pair<G1, G2>, 2> good{{{g1.mul(a), g2.mul(b)}, {g1.mul(ab).neg(), g2}}};
    CHECK(pairing_check(good));
    const std::array<std::pair<G1, G2>, 2> bad{{{g1.mul(a), g2.mul(b)}, {g1.mul(ab), g2}}};
    CHECK_FALSE(pairing_check(bad));
    const std::array<std::pair<G1, G2>, 1> single{{{g1, g2}}};
    CHECK_FALSE(pairing_check(single));
    const std::array<std::pair<G1, G2>, 1> with_infinity{{{G1::infinity(), g2}}};
    CHECK(pairing_check(with_infinity));

    // The same checks with prepared G2 points.
    const PreparedG2 pg2 = prepare(g2), pbg2 = prepare(g2.mul(b)), pinf = prepare(G2::infinity());
    const std::array<std::pair<G1, const PreparedG2*>, 2> good_p{
        {{g1.mul(a), &pbg2}, {g1.mul(ab).neg(), &pg2}}};
    CHECK(pairing_check(good_p));
    const std::array<std::pair<G1, const PreparedG2*>, 2> bad_p{{{g1.mul(a), &pbg2}, {g1.mul(ab), &pg2}}};
    CHECK_FALSE(pairing_check(bad_p));
    const std::array<std::pair<G1, const PreparedG2*>, 2> inf_p{{{g1, &pinf}, {G1::infinity(), &pg2}}};
    CHECK(pairing_check(inf_p));
    // Five pairs (more than one chunk): e(aP, bQ) e(-abP, Q) twice, and e(P, Q) once more or not.
    const std::array<std::pair<G1, const PreparedG2*>, 5> five{{{g1.mul(a), &pbg2},
                                                                {g1.mul(ab).neg(), &pg2},
                                                                {g1, &pg2},
                                                                {g1.mul(a), &pbg2},
                                                                {g1.mul(ab).neg(), &pg2}}};
    CHECK_FALSE(pairing_check(five));
    const std::array<std::pair<G1, const PreparedG2*>, 6> six{{{g1.mul(a), &pbg2},
                                                               {g1.mul(ab).neg(), &pg2},
                                                               {g1, &pg2},
                                                               {g1.mul(a), &pbg2},
                                                               {g1.mul(ab).neg(), &pg2},
                                                               {g1.neg(), &pg2}}};
    CHECK(pairing_check(six));
}

TEST_CASE("kzg verify_kzg_proof: the consensus-spec vectors (c-kzg-4844)") {
    const auto vectors = load("verify_kzg_proof.json");
    REQUIRE(vectors.size() >= 100);
    int verified = 0, rejected = 0, malformed = 0;
    for (const auto& v : vectors) {
        CAPTURE(v["name"].get<std::string>());
        const bytes commitment = hex(v["commitment"].get<std::string>());
        const bytes z = hex(v["z"].get<std::string>());
        const bytes y = hex(v["y"].get<std::string>());
        const bytes proof = hex(v["proof"].get<std::string>());
        const auto& expected = v["output"];
        if (commitment.size() != 48 || z.size() != 32 || y.size() != 32 || proof.size() != 48) {
            CHECK(expected.is_null());  // wrong lengths: the precompile's fixed layout cannot carry them
            ++malformed;
            continue;
        }
        const auto got = kzg::verify_kzg_proof(commitment.data(), z.data(), y.data(), proof.data());
        if (expected.is_null()) {
            CHECK_FALSE(got.has_value());
            ++malformed;
        } else {
            REQUIRE(got.has_value());
            CHECK(*got == expected.get<bool>());
            ++(*got ? verified : rejected);
        }
        // The precompile agrees: success exactly for a verified proof.
        const bytes input = cat({versioned_hash(commitment), z, y, commitment, proof});
        const auto out = kzg::point_evaluation(input);
        CHECK(out.has_value() == (expected.is_boolean() && expected.get<bool>()));
        if (out) CHECK(to_hex(*out) == expected_output);
    }
    CHECK(verified > 0);
    CHECK(rejected > 0);
    CHECK(malformed > 0);
}

TEST_CASE("kzg point evaluation precompile: go-ethereum's vector and bad input") {
    const auto vectors = load("pointEvaluation.json");
    REQUIRE(vectors.size() >= 1);
    const bytes input = hex(vectors[0]["Input"].get<std::string>());
    const auto out = kzg::point_evaluation(input);
    REQUIRE(out);
    CHECK(to_hex(*out) == vectors[0]["Expected"].get<std::string>());
    CHECK(to_hex(*out) == expected_output);
    // Through the precompile table's adapter.
    const PrecompileResult r = from_optional<kzg::point_evaluation>(input);
    CHECK(r.status == PrecompileResult::Status::Success);
    CHECK(r.output == *out);

    // Wrong lengths.
    CHECK_FALSE(kzg::point_evaluation(bytes(input.begin(), input.end() - 1)));
    CHECK_FALSE(kzg::point_evaluation(cat({input, bytes(1, 0)})));
    CHECK_FALSE(kzg::point_evaluation({}));
    // A wrong version byte, and a hash that does not match the commitment.
    bytes bad = input;
    bad[0] = 0x02;
    CHECK_FALSE(kzg::point_evaluation(bad));
    bad = input;
    bad[31] ^= 1;
    CHECK_FALSE(kzg::point_evaluation(bad));
    // A different y (the proof no longer verifies).
    bad = input;
    bad[95] ^= 1;
    CHECK_FALSE(kzg::point_evaluation(bad));
    // z = BLS_MODULUS.
    bad = input;
    ec::limbs_to_be<4>(P::order, bad.data() + 32);
    CHECK_FALSE(kzg::point_evaluation(bad));
}
