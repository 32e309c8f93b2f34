// compiler/src/analysis/statements.hpp - statements and bodies: the modifiers and functions of a
// contract typed into checked statements, with their local scopes.
#pragma once

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

/// Types the bodies of the modifiers and functions of `c` (declared before).
void check_bodies(Context& cx, ContractInfo& c);

}  // namespace trainchain::compiler::analysis
