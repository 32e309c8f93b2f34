// vm/src/kzg.hpp - the EIP-4844 point evaluation precompile (0x0a): a KZG proof that a blob's
// polynomial, committed to on BLS12-381, takes the value y at z. Gas is charged by the caller.
#pragma once

#include <optional>

#include "trainchain/vm/host.hpp"

namespace trainchain::vm::kzg {

/// The point evaluation precompile. The input must be exactly 192 bytes: versioned_hash (32),
/// z (32), y (32), commitment (48, compressed G1), proof (48, compressed G1). Returns
/// FIELD_ELEMENTS_PER_BLOB (4096) and BLS_MODULUS as two 32-byte big-endian words when
/// versioned_hash = 0x01 ++ sha256(commitment)[1:], z and y are below BLS_MODULUS, both points are
/// valid and the proof verifies; nullopt otherwise.
std::optional<bytes> point_evaluation(bytes_view input) noexcept;

/// verify_kzg_proof of the consensus specs: true when the proof shows p(z) = y for the committed
/// polynomial, false when it does not, nullopt when an input is malformed (z or y not below
/// BLS_MODULUS, a point that does not decode or lies outside G1).
std::optional<bool> verify_kzg_proof(const uint8_t* commitment48, const uint8_t* z32, const uint8_t* y32,
                                     const uint8_t* proof48) noexcept;

}  // namespace trainchain::vm::kzg
