// vm/src/bn254.hpp - the alt_bn128 (bn254) precompiles: ECADD (0x06), ECMUL (0x07) and the
// pairing check (0x08) of EIPs 196 and 197. Gas is charged by the caller, not here.
#pragma once

#include <optional>

#include "trainchain/vm/host.hpp"

namespace trainchain::vm::bn254 {

/// ECADD: the input is read as 128 bytes (right-padded with zeros or truncated): two G1 points
/// (x, y), 32-byte big-endian coordinates, (0, 0) for the point at infinity. Returns the 64-byte
/// sum, or nullopt when a coordinate is not below p or a point is not on the curve.
std::optional<bytes> add(bytes_view input) noexcept;

/// ECMUL: the input is read as 96 bytes (padded or truncated): a G1 point and a 32-byte scalar.
/// Returns the 64-byte product, or nullopt for an invalid point.
std::optional<bytes> mul(bytes_view input) noexcept;

/// The pairing check: the input is k * 192 bytes, each a G1 point (64 bytes) and a G2 point
/// (128 bytes: x_imag, x_real, y_imag, y_real). Returns a 32-byte word, 1 when the product of
/// the k optimal ate pairings is one (also for k = 0), else 0; nullopt when the length is not a
/// multiple of 192 or a point is invalid (off its curve, or a G2 point outside the order-r
/// subgroup).
std::optional<bytes> pairing(bytes_view input) noexcept;

}  // namespace trainchain::vm::bn254
