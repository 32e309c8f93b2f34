// runtime/include/trainchain/runtime/pow.hpp - proof of work: SHA-256 of the block header below
// a target of leading zero bits. Free functions over a parameters struct, after Bitcoin Core's
// pow.h; no global state. The miner runs its own SHA-256 compression, with the x86 SHA extensions
// (SHA-NI) where the CPU has them and in portable C++ everywhere else (runtime/src/pow.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>

#include "trainchain/runtime/block.hpp"

namespace trainchain::runtime {

/// The SHA-256 compressions the miner can run.
enum class Sha256Engine : uint8_t {
    Portable,  ///< plain C++ after FIPS 180-4, on any CPU
    ShaNi,     ///< the x86 SHA extensions (sha256rnds2, sha256msg1, sha256msg2)
};

/// The engine's name: "portable" or "sha-ni".
const char* engine_name(Sha256Engine engine) noexcept;

/// Whether this CPU can run `engine` (ShaNi needs SHA, SSE4.1 and SSSE3, read with cpuid).
bool engine_supported(Sha256Engine engine) noexcept;

/// The fastest engine this CPU supports: ShaNi where it can run, otherwise Portable.
Sha256Engine best_engine() noexcept;

/// Mining parameters.
struct PowParams {
    unsigned difficulty_bits = 16;        ///< leading zero bits a block hash needs
    unsigned threads = 0;                 ///< worker threads; 0 = one per hardware thread
    Sha256Engine engine = best_engine();  ///< the compression the workers run
};

/// Leading zero bits of a hash read as a big-endian number.
unsigned leading_zero_bits(const Hash& hash) noexcept;

/// True when `hash` has at least `bits` leading zero bits.
bool check_proof_of_work(const Hash& hash, unsigned bits) noexcept;

/// The largest passing hash as a big-endian number: 2^(256 - bits) - 1.
Hash target_of(unsigned bits) noexcept;

/// The miner's difficulty test on the first 64 bits of a hash (its first two SHA-256 state
/// words, big-endian), so that a try needs no 32-byte Hash: `head` passes when its top
/// min(bits, 64) bits are zero. Up to 64 bits this is exactly check_proof_of_work; above, a
/// passing head is only a candidate whose full hash decides.
class HeadCheck {
public:
    explicit HeadCheck(unsigned bits) noexcept
        : mask_(bits == 0    ? 0
                : bits >= 64 ? ~uint64_t{0}
                             : ~uint64_t{0} << (64 - bits)),
          exact_(bits <= 64) {}
    /// Whether the head `h0 << 32 | h1` passes.
    [[nodiscard]] bool passes(uint64_t head) const noexcept { return (head & mask_) == 0; }
    /// Whether a passing head is a passing hash (bits <= 64).
    [[nodiscard]] bool exact() const noexcept { return exact_; }

private:
    uint64_t mask_;
    bool exact_;
};

/// A found nonce.
struct MiningResult {
    uint64_t nonce = 0;
    Hash hash{};
    uint64_t tries = 0;  ///< hashes computed by all workers until the stop
};

/// Hashes a header with the SHA-256 state of its first 64 bytes precomputed, so that each nonce
/// costs one compression of the second block, less its first rounds: the nonce is the block's
/// words 5 (high half) and 6 (low half), so rounds 0-3 and the schedule words that need no nonce
/// are computed once here, and rounds 4-5 once per high half. Build it once per candidate, then
/// try nonces.
class Miner {
public:
    /// Throws std::invalid_argument when this CPU cannot run `engine`.
    explicit Miner(const BlockHeader& header, Sha256Engine engine = best_engine());
    /// The engine the tries run on.
    [[nodiscard]] Sha256Engine engine() const noexcept { return engine_; }
    /// The hash of the header with `nonce`: one plain compression after the midstate.
    [[nodiscard]] Hash hash(uint64_t nonce) const noexcept;
    /// The hashes of nonces start, start + stride, ... (out.size() of them, modulo 2^64) through the
    /// per-try path `find` runs, with its precomputed rounds.
    void hashes(uint64_t start, uint64_t stride, std::span<Hash> out) const noexcept;
    /// Tries nonces start, start + stride, ... (`count` of them, modulo 2^64) in order and returns
    /// the index of the first whose hash has `bits` leading zero bits.
    [[nodiscard]] std::optional<uint64_t> find(uint64_t start, uint64_t stride, uint64_t count,
                                               unsigned bits) const noexcept;

    /// What the engines start a try from (filled by the constructor).
    struct Prepared {
        uint32_t midstate[8];  ///< the SHA-256 state after the header's first 64 bytes
        uint32_t round4[8];    ///< the state after rounds 0-3 of the second block
        uint32_t w[20];        ///< the second block's schedule words 0-19, words 5 and 6 (the nonce) zero
    };

private:
    Sha256Engine engine_;
    Prepared prepared_;
};

/// Tries nonces start, start + stride, ... until one passes, `stop` is set (read every 1024 tries),
/// `max_tries` are spent, or the next nonce would pass 2^64 - 1. Sets `tries` to the count of hashes
/// computed. Throws std::invalid_argument when this CPU cannot run `engine`.
std::optional<MiningResult> mine_range(const BlockHeader& header, unsigned bits, uint64_t start,
                                       uint64_t stride, const std::atomic<bool>& stop, uint64_t max_tries,
                                       uint64_t& tries, Sha256Engine engine = best_engine());

/// The race: `params.threads` workers over disjoint nonce spaces (worker t tries t, t + T, ...);
/// the first passing nonce found wins and stops the others; of passing nonces found in the same
/// instant the smallest wins. Returns nullopt only when the whole 64-bit nonce space fails, which
/// no practical difficulty reaches. Throws std::invalid_argument when this CPU cannot run
/// `params.engine`.
std::optional<MiningResult> mine(const BlockHeader& header, const PowParams& params);

}  // namespace trainchain::runtime
