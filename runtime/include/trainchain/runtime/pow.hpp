// runtime/include/trainchain/runtime/pow.hpp - proof of work: SHA-256 of the block header below
// a target of leading zero bits. Free functions over a parameters struct, after Bitcoin Core's
// pow.h; no global state.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "trainchain/runtime/block.hpp"

namespace trainchain::runtime {

/// Mining parameters.
struct PowParams {
    unsigned difficulty_bits = 16;  ///< leading zero bits a block hash needs
    unsigned threads = 0;           ///< worker threads; 0 = one per hardware thread
};

/// Leading zero bits of a hash read as a big-endian number.
unsigned leading_zero_bits(const Hash& hash) noexcept;

/// True when `hash` has at least `bits` leading zero bits.
bool check_proof_of_work(const Hash& hash, unsigned bits) noexcept;

/// The largest passing hash as a big-endian number: 2^(256 - bits) - 1.
Hash target_of(unsigned bits) noexcept;

/// A found nonce.
struct MiningResult {
    uint64_t nonce = 0;
    Hash hash{};
    uint64_t tries = 0;  ///< hashes computed by all workers until the stop
};

/// Hashes a header with the SHA-256 state of its first 64 bytes precomputed, so that each nonce
/// costs one compression. Build it once per candidate, then try nonces.
class Miner {
public:
    explicit Miner(const BlockHeader& header) noexcept;
    /// The hash of the header with `nonce`.
    [[nodiscard]] Hash hash(uint64_t nonce) const noexcept;

private:
    uint32_t midstate_[8];
    uint8_t tail_[64];  ///< the second block: bytes 64..91, padding and length
};

/// Tries nonces start, start + stride, ... until one passes, `stop` is set, or `max_tries` are
/// spent. Sets `tries` to the count of hashes computed.
std::optional<MiningResult> mine_range(const BlockHeader& header, unsigned bits, uint64_t start,
                                       uint64_t stride, const std::atomic<bool>& stop, uint64_t max_tries,
                                       uint64_t& tries) noexcept;

/// The race: `params.threads` workers over disjoint nonce spaces (worker t tries t, t + T, ...);
/// the first passing nonce found wins and stops the others. Returns nullopt only when the whole
/// 64-bit nonce space fails, which no practical difficulty reaches.
std::optional<MiningResult> mine(const BlockHeader& header, const PowParams& params);

}  // namespace trainchain::runtime
