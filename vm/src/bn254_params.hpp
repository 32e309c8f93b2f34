// vm/src/bn254_params.hpp - the bn254 (alt_bn128) parameters for the pairing field templates,
// shared by bn254.cpp and its unit test.
#pragma once

#include "pairing_field.hpp"

namespace trainchain::vm::bn254 {

/// The bn254 base field, group order and tower constant.
struct Params {
    static constexpr size_t N = 4;
    /// p = 21888242871839275222246405745257275088696311157297823662689037894645226208583.
    static constexpr ec::limbs<4> modulus = {0x3c208c16d87cfd47, 0x97816a916871ca8d, 0xb85045b68181585d,
                                             0x30644e72e131a029};
    /// r = 21888242871839275222246405745257275088548364400416034343698204186575808495617.
    static constexpr ec::limbs<4> order = {0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d,
                                           0x30644e72e131a029};
    /// xi = 9 + u.
    static constexpr uint64_t xi0 = 9;
    /// The BN parameter x (p and r are polynomials in it).
    static constexpr uint64_t x = 4965661367192848881;
};

/// The twist's constant b' = 3 / xi.
const ec::Fp2<Params>& twist_b() noexcept;

/// The endomorphism psi (untwist, Frobenius, twist) on affine twist coordinates:
/// (conj(x) gamma_2, conj(y) gamma_3).
std::pair<ec::Fp2<Params>, ec::Fp2<Params>> twist_frobenius(const ec::Fp2<Params>& x,
                                                            const ec::Fp2<Params>& y) noexcept;

/// True when a point of the twist lies in the order-r subgroup G2.
bool in_g2_subgroup(const ec::Jacobian<ec::Fp2<Params>>& q) noexcept;

/// The final exponentiation f^((p^12 - 1) / r), its hard part by the BN-specific chain in x.
ec::Fp12<Params> final_exponentiation(const ec::Fp12<Params>& f) noexcept;

}  // namespace trainchain::vm::bn254
