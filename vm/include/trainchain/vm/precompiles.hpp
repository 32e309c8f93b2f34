// vm/include/trainchain/vm/precompiles.hpp - the precompiled contracts 0x01..0x0a: one table (number,
// name, first fork, gas rule, implementation), the only place that says which fork has which.
//
// A call to a precompile is priced first (`precompile_gas`, which reads only the lengths and
// headers it needs and allocates nothing), and run (`run_precompile`) only once that gas is paid:
// modexp's declared lengths can be up to 2^256, and only the gas check keeps them small.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/host.hpp"

namespace trainchain::vm {

/// What running a precompile gave.
struct PrecompileResult {
    /// How the run ended.
    enum class Status : uint8_t {
        Success,      ///< `output` is the return data
        Failure,      ///< invalid input: the call fails and consumes all its gas
        Unsupported,  ///< this build has no implementation of the precompile: the call fails
    };
    Status status = Status::Failure;  ///< how the run ended
    bytes output;                     ///< the return data (empty unless Success)
};

/// A precompile's gas rule: the cost of a call with `input` under `fork`, saturated at INT64_MAX.
/// Reads only what the price depends on (for modexp: the three lengths and the exponent's first
/// 32 bytes); never allocates according to the input.
using PrecompileGasFn = int64_t (*)(bytes_view input, Fork fork) noexcept;

/// A precompile's implementation. Called only after its gas has been paid.
using PrecompileExecuteFn = PrecompileResult (*)(bytes_view input);

/// One row of the precompile table.
struct PrecompileInfo {
    uint8_t number = 0;                     ///< the address' last byte, 0x01..0x0a
    std::string_view name;                  ///< e.g. "ecrecover"
    Fork since = Fork::Frontier;            ///< the first fork that has it
    PrecompileGasFn gas = nullptr;          ///< its price
    PrecompileExecuteFn execute = nullptr;  ///< its implementation
    std::string_view library;               ///< what implements it, e.g. "libsecp256k1"; "" if unsupported
};

/// The highest precompile number any fork defines (0x0a, point evaluation, Cancun).
inline constexpr uint8_t max_precompile = 0x0a;

/// The table, in number order: element `i` is precompile `i + 1`.
[[nodiscard]] std::span<const PrecompileInfo> precompile_table() noexcept;

/// The table row of precompile `number`, or nullptr outside 0x01..0x0a.
[[nodiscard]] const PrecompileInfo* find_precompile(uint8_t number) noexcept;

/// The precompile number of `addr` if it is a precompile in `fork` (an address 0x00..0n with n in
/// the fork's set), else nullopt.
[[nodiscard]] std::optional<uint8_t> precompile_id(const address& addr, Fork fork) noexcept;

/// True when `addr` is a precompiled contract in `fork`.
[[nodiscard]] bool is_precompile(const address& addr, Fork fork) noexcept;

/// The highest precompile number `fork` defines: 0x04 Frontier, 0x08 Byzantium, 0x09 Istanbul,
/// 0x0a Cancun. (The set is always 0x01 up to it; EIP-2929 warms all of them.)
[[nodiscard]] uint8_t last_precompile(Fork fork) noexcept;

/// The gas a call to precompile `number` with `input` costs in `fork` (INT64_MAX when it cannot
/// be paid, or for an unknown number).
[[nodiscard]] int64_t precompile_gas(uint8_t number, bytes_view input, Fork fork) noexcept;

/// Runs precompile `number` on `input`; call it only once `precompile_gas` has been paid. An
/// unknown number gives Unsupported.
[[nodiscard]] PrecompileResult run_precompile(uint8_t number, bytes_view input);

/// Adapts an implementation of the shape `std::optional<bytes> fn(bytes_view)` (nullopt: invalid
/// input) to a table entry: `from_optional<bn254::add>`.
template <std::optional<bytes> (*Fn)(bytes_view)>
PrecompileResult from_optional(bytes_view input) {
    std::optional<bytes> out = Fn(input);
    if (!out) return {PrecompileResult::Status::Failure, {}};
    return {PrecompileResult::Status::Success, std::move(*out)};
}

/// The BLAKE2b compression function F (RFC 7693, section 3.2) with `rounds` rounds, as EIP-152
/// exposes it: updates `h` in place from the message block `m`, the offset counters `t` and the
/// final-block flag `last`.
void blake2b_compress(uint32_t rounds, uint64_t h[8], const uint64_t m[16], const uint64_t t[2],
                      bool last) noexcept;

}  // namespace trainchain::vm
