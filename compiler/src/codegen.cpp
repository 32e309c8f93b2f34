// compiler/src/codegen.cpp - code generation for one contract: runtime code, then init code (which
// embeds it), each assembled and optimised. The generator itself is in codegen/.
#include "codegen.hpp"

#include "codegen/gen.hpp"

namespace trainchain::compiler {

using codegen::Gen;

bool generate(const ContractInfo& contract, const Options& options,
              const std::map<const ContractInfo*, vm::bytes>& creation_code,
              const std::map<const ContractInfo*, vm::bytes>& runtime_code, Diagnostics& diags,
              ContractCode& out) {
    const size_t errors_before = diags.error_count();
    Gen rt(contract, diags, creation_code, runtime_code, false);
    rt.runtime();
    if (options.optimize) optimize(rt.assembly);
    Assembled runtime;
    std::string error;
    if (!assemble(rt.assembly, contract.immutables.size(), diags.file().name(), runtime, error)) {
        diags.error(contract.loc, "contract '" + contract.name + "': " + error);
        return false;
    }
    Gen in(contract, diags, creation_code, runtime_code, true);
    in.init(runtime.code, runtime.immutable_offsets);
    if (options.optimize) optimize(in.assembly);
    Assembled init;
    if (!assemble(in.assembly, 0, diags.file().name(), init, error)) {
        diags.error(contract.loc, "contract '" + contract.name + "': " + error);
        return false;
    }
    if (runtime.code.size() > 24576)
        diags.warning(contract.loc,
                      "contract code size of " + std::to_string(runtime.code.size()) +
                          " bytes exceeds 24576 bytes (EIP-170); it cannot be deployed on forks from "
                          "SpuriousDragon on");
    out.runtime = std::move(runtime.code);
    out.init = std::move(init.code);
    out.listing = "=== " + contract.name + " init ===\n" + init.listing + "=== " + contract.name +
                  " runtime ===\n" + runtime.listing;
    return diags.error_count() == errors_before;
}

}  // namespace trainchain::compiler
