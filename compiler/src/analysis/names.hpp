// compiler/src/analysis/names.hpp - the declarations pass: every contract, struct, event, error,
// state variable, function and modifier of the file gets its entry (solc's NameAndTypeResolver and
// DeclarationContainer), with storage layout, selectors and public getters.
#pragma once

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

/// Declares everything in `unit`: file-level definitions, then the contracts' names (they may use
/// each other as types), then each contract's members.
void declare(Context& cx, const ast::source_unit& unit);

/// Makes the lookup tables of `c` (structs, events, errors, functions, modifiers, state) current.
void enter_contract(Context& cx, ContractInfo& c);

/// A new parameter or local variable of the current contract.
VarInfo* new_local(Context& cx, const std::string& name, const Type* type, DataLocation loc, Location where);

}  // namespace trainchain::compiler::analysis
