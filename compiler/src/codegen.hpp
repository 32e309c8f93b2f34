// compiler/src/codegen.hpp - code generation: the checked tree of one contract to EVM assembly,
// then to init and runtime bytecode.
#pragma once

#include <map>

#include "assembly.hpp"
#include "ir.hpp"
#include "trainchain/compiler/compiler.hpp"

namespace trainchain::compiler {

/// The generated code of one contract.
struct ContractCode {
    vm::bytes init;
    vm::bytes runtime;
    std::string listing;  ///< init then runtime assembly, with source positions
};

/// Generates `contract`. `creation_code` and `runtime_code` hold the init and runtime code of every
/// contract it creates with `new` or names in `type(C).creationCode`/`runtimeCode` (generated before
/// it). Errors (such as a stack too deep to reach a variable) go to `diags`.
bool generate(const ContractInfo& contract, const Options& options,
              const std::map<const ContractInfo*, vm::bytes>& creation_code,
              const std::map<const ContractInfo*, vm::bytes>& runtime_code, Diagnostics& diags,
              ContractCode& out);

}  // namespace trainchain::compiler
