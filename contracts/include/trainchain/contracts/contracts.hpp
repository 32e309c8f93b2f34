// contracts/include/trainchain/contracts/contracts.hpp - the paper's smart contracts, compiled
// from contracts/*.sol by our compiler at build time and embedded in the binary.
#pragma once

#include <span>
#include <string_view>

namespace trainchain::contracts {

/// One compiled contract.
struct Artifact {
    std::string_view name;                ///< contract name, e.g. "Consensus"
    std::string_view source_file;         ///< the .sol file it comes from
    std::span<const unsigned char> init;  ///< deployable init code (constructor arguments follow)
    std::span<const unsigned char> runtime;
    std::string_view abi_json;  ///< the ABI as solc emits it
};

/// Every embedded contract, in a fixed order.
std::span<const Artifact> all() noexcept;

/// The contract named `name`, or nullptr.
const Artifact* find(std::string_view name) noexcept;

}  // namespace trainchain::contracts
