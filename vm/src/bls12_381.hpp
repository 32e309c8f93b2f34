// vm/src/bls12_381.hpp - the BLS12-381 curve for the EIP-4844 point evaluation precompile: its
// parameters for the pairing field templates, the compressed point encodings (the ZCash format
// the KZG commitments use) and the pairing product check.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <utility>

#include "pairing_field.hpp"

namespace trainchain::vm::bls12_381 {

/// The BLS12-381 base field, group order and tower constant.
struct Params {
    static constexpr size_t N = 6;
    /// p =
    /// 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab.
    static constexpr ec::limbs<6> modulus = {0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624,
                                             0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a};
    /// r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001.
    static constexpr ec::limbs<4> order = {0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805,
                                           0x73eda753299d7d48};
    /// xi = 1 + u.
    static constexpr uint64_t xi0 = 1;
    /// |x| for the curve parameter x = -0xd201000000010000.
    static constexpr uint64_t x_abs = 0xd201000000010000;
};

using Fp = ec::Fp<Params>;
using Fp2 = ec::Fp2<Params>;
using Fp12 = ec::Fp12<Params>;
using G1 = ec::Jacobian<Fp>;
using G2 = ec::Jacobian<Fp2>;

/// The twist's constant b' = 4 (1 + u) (an M-type twist of y^2 = x^3 + 4).
Fp2 twist_b() noexcept;

/// The cube root of unity beta with phi(x, y) = (beta x, y) equal to [-x^2] on G1.
const Fp& cube_root_of_unity() noexcept;

/// True when a point of the curve lies in the order-r subgroup G1.
bool in_g1_subgroup(const G1& p) noexcept;

/// Decodes a compressed G1 point (48 bytes, flags in the top three bits of the first byte); the
/// point must be on the curve and in the order-r subgroup. nullopt for anything else.
std::optional<G1> decompress_g1(const uint8_t* in48) noexcept;

/// Decodes a compressed G2 point (96 bytes: x_imag with the flags, then x_real); the point must
/// be on the twist and in the order-r subgroup.
std::optional<G2> decompress_g2(const uint8_t* in96) noexcept;

/// The compressed encoding of a G1 point (48 bytes).
void compress_g1(const G1& p, uint8_t* out48) noexcept;

/// True when the product of the pairings e(P_i, Q_i) is one.
bool pairing_check(std::span<const std::pair<G1, G2>> pairs) noexcept;

/// The Miller loop's lines for a fixed G2 point, computed once and reused (the point
/// evaluation's G2 points are constants).
struct PreparedG2 {
    /// One line per doubling (63) and per addition (the set bits of |x| below the top one, 5).
    static constexpr size_t size = 63 + __builtin_popcountll(Params::x_abs) - 1;
    std::array<ec::Line<Params>, size> lines{};  ///< in the Miller loop's order
    bool infinity = true;                        ///< the point at infinity (no lines)
};

/// The lines of q's Miller loop.
PreparedG2 prepare(const G2& q) noexcept;

/// pairing_check with prepared G2 points.
bool pairing_check(std::span<const std::pair<G1, const PreparedG2*>> pairs) noexcept;

/// The final exponentiation cubed, f^(3 (p^12 - 1) / r): as good for a check against one (3 is
/// prime to r) and cheaper to compute.
Fp12 final_exponentiation(const Fp12& f) noexcept;

}  // namespace trainchain::vm::bls12_381
