// compiler/include/trainchain/compiler/compiler.hpp - compiles contract-language sources (a
// subset of Solidity 0.8) to EVM bytecode, ABI JSON and an assembly listing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trainchain/compiler/diagnostic.hpp"
#include "trainchain/vm/host.hpp"

namespace trainchain::compiler {

/// What the compiler produced for one contract of the source.
struct CompiledContract {
    std::string name;
    vm::bytes init_code;     ///< deployable: runs the constructor and returns the runtime code
    vm::bytes runtime_code;  ///< what the account holds after deployment
    std::string abi_json;    ///< the ABI as solc emits it (a JSON array)
    std::string assembly;    ///< listing of init and runtime code with source positions
};

/// Compiler switches.
struct Options {
    bool optimize = true;  ///< the peephole optimizer (`-O0` turns it off)
    /// Where imports are looked up, as solc's `--base-path` and `--include-path`: a non-relative
    /// import path is tried under the base path, then under each include path in order; a relative one
    /// (`./x`, `../x`) is resolved against the importing file's path first.
    std::string base_path;
    std::vector<std::string> include_paths;
};

/// The contracts of a source unit, or why there are none. Warnings may accompany success.
struct CompileResult {
    std::vector<CompiledContract> contracts;
    std::vector<Diagnostic> diagnostics;  ///< in source order; errors and warnings

    /// True when no diagnostic is an error.
    [[nodiscard]] bool ok() const noexcept;
    /// The contract named `name`, or nullptr.
    [[nodiscard]] const CompiledContract* find(std::string_view name) const noexcept;
};

/// Compiles one source file. `file` names it in diagnostics. Never throws on bad input: every
/// problem becomes a diagnostic.
CompileResult compile(std::string_view source, const std::string& file, const Options& options = {});

}  // namespace trainchain::compiler
