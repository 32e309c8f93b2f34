// vm/include/trainchain/vm/fork.hpp - the named Ethereum forks (revisions) the VM can follow.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace trainchain::vm {

/// Ethereum protocol revisions in activation order; gas rules and the instruction set depend on
/// them. The numeric order is meaningful: `a < b` means `a` came first.
enum class Fork : uint8_t {
    Frontier,
    Homestead,
    TangerineWhistle,
    SpuriousDragon,
    Byzantium,
    Constantinople,
    Petersburg,
    Istanbul,
    Berlin,
    London,
    Paris,
    Shanghai,
    Cancun,
};

/// Number of forks.
inline constexpr int num_forks = static_cast<int>(Fork::Cancun) + 1;

/// The fork's canonical name, e.g. "Petersburg".
std::string_view fork_name(Fork fork) noexcept;

/// Looks a fork up by name (case-insensitive), also under the names Ethereum's test files use:
/// EIP150, EIP158, ConstantinopleFix, Merge.
std::optional<Fork> parse_fork(std::string_view name) noexcept;

}  // namespace trainchain::vm
