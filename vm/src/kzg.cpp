// vm/src/kzg.cpp - KZG proof verification for the EIP-4844 point evaluation precompile:
// e(C - [y] G1, -G2) e(proof, [tau] G2 - [z] G2) = 1, computed as
// e(C - [y] G1 + [z] proof, -G2) e(proof, [tau] G2) = 1 (no scalar multiplication in G2).
//
// [tau] G2 is the second G2 point of the KZG ceremony's trusted setup (the `trusted_setup.txt` of
// github.com/ethereum/c-kzg-4844, src/trusted_setup.txt line 4100, commit 37140215cd6f of
// 2024-07-18; the line before it is the G2 generator, also kept here and checked by the tests).
#include "kzg.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <openssl/sha.h>

#include "bls12_381.hpp"

namespace trainchain::vm::kzg {
namespace {

using namespace trainchain::vm::bls12_381;

constexpr uint8_t versioned_hash_version = 0x01;
constexpr uint64_t field_elements_per_blob = 4096;

/// Compressed [tau^0] G2 and [tau^1] G2 of the trusted setup.
constexpr const char* setup_g2_hex[2] = {
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
    "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8",
    "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72"
    "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2",
};
/// The compressed G1 generator.
constexpr const char* g1_generator_hex =
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";

template <size_t Size>
constexpr std::array<uint8_t, Size> unhex(const char* text) noexcept {
    std::array<uint8_t, Size> out{};
    const auto digit = [](char c) -> uint8_t {
        return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    };
    for (size_t i = 0; i < Size; ++i)
        out[i] = static_cast<uint8_t>(digit(text[2 * i]) << 4 | digit(text[2 * i + 1]));
    return out;
}

/// The decoded setup points, built in place in static storage (the prepared lines are ~20 KB
/// each); `ok` is false only if the constants were corrupted.
struct Setup {
    G1 g1;
    G2 g2;
    G2 tau_g2;
    PreparedG2 neg_g2;  ///< the Miller loop lines of -G2
    PreparedG2 tau;     ///< and of [tau] G2
    bool ok = false;

    Setup() noexcept {
        const auto gen1 = decompress_g1(unhex<48>(g1_generator_hex).data());
        const auto gen2 = decompress_g2(unhex<96>(setup_g2_hex[0]).data());
        const auto tau2 = decompress_g2(unhex<96>(setup_g2_hex[1]).data());
        if (!gen1 || !gen2 || !tau2) return;
        g1 = *gen1;
        g2 = *gen2;
        tau_g2 = *tau2;
        neg_g2 = prepare(g2.neg());
        tau = prepare(tau_g2);
        ok = true;
    }
};

/// The setup, decoded once.
const Setup& setup() noexcept {
    static const Setup s;
    return s;
}

/// A 32-byte big-endian scalar below BLS_MODULUS.
std::optional<ec::limbs<4>> read_scalar(const uint8_t* in32) noexcept {
    const ec::limbs<4> v = ec::limbs_from_be<4>(in32);
    if (!ec::less(v, Params::order)) return std::nullopt;
    return v;
}

/// [a] P + [b] Q for affine P and Q in one double-and-add pass (Shamir's trick).
G1 double_mul(const G1& p, const ec::limbs<4>& a, const G1& q, const ec::limbs<4>& b) noexcept {
    const G1 pq = p + q;
    G1 r = G1::infinity();
    for (size_t i = std::max(ec::bit_length(a), ec::bit_length(b)); i-- > 0;) {
        r = r.dbl();
        const bool ba = ec::bit(a, i);
        const bool bb = ec::bit(b, i);
        if (ba && bb)
            r = r + pq;
        else if (ba)
            r = p.is_infinity() ? r : r.add_affine(p.x, p.y);
        else if (bb)
            r = q.is_infinity() ? r : r.add_affine(q.x, q.y);
    }
    return r;
}

}  // namespace

std::optional<bool> verify_kzg_proof(const uint8_t* commitment48, const uint8_t* z32, const uint8_t* y32,
                                     const uint8_t* proof48) noexcept {
    const auto z = read_scalar(z32);
    const auto y = read_scalar(y32);
    const auto commitment = decompress_g1(commitment48);
    const auto proof = decompress_g1(proof48);
    if (!z || !y || !commitment || !proof) return std::nullopt;
    const Setup& s = setup();
    if (!s.ok) return std::nullopt;
    // e(C - [y] G1, -G2) e(proof, [tau] G2 - [z] G2) = 1, with the [z] moved to the G1 side
    // (e(proof, -[z] G2) = e([z] proof, -G2)): e(C - [y] G1 + [z] proof, -G2) e(proof, [tau] G2) = 1.
    const std::array<std::pair<G1, const PreparedG2*>, 2> pairs{{
        {*commitment + double_mul(s.g1.neg(), *y, *proof, *z), &s.neg_g2},
        {*proof, &s.tau},
    }};
    return pairing_check(pairs);
}

std::optional<bytes> point_evaluation(bytes_view input) noexcept {
    if (input.size() != 192) return std::nullopt;
    const uint8_t* versioned_hash = input.data();
    const uint8_t* z = input.data() + 32;
    const uint8_t* y = input.data() + 64;
    const uint8_t* commitment = input.data() + 96;
    const uint8_t* proof = input.data() + 144;

    std::array<uint8_t, 32> digest{};
    SHA256(commitment, 48, digest.data());
    digest[0] = versioned_hash_version;
    if (std::memcmp(digest.data(), versioned_hash, 32) != 0) return std::nullopt;

    const auto ok = verify_kzg_proof(commitment, z, y, proof);
    if (!ok || !*ok) return std::nullopt;

    bytes out(64, 0);
    ec::limbs_to_be<4>(ec::limbs<4>{field_elements_per_blob, 0, 0, 0}, out.data());
    ec::limbs_to_be<4>(Params::order, out.data() + 32);
    return out;
}

}  // namespace trainchain::vm::kzg
