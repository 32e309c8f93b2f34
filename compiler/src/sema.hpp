// compiler/src/sema.hpp - semantic analysis: names, scopes, types, mutability and reachability,
// from the syntax tree to the checked tree of ir.hpp.
#pragma once

#include <memory>
#include <vector>

#include "ast.hpp"
#include "ir.hpp"

namespace trainchain::compiler {

/// Everything analysis produced for one source file.
struct Program {
    Types types;
    std::vector<std::unique_ptr<ContractInfo>> contracts;  ///< in source order
    // File-level definitions, shared by the contracts.
    std::vector<std::unique_ptr<StructInfo>> structs;
    std::vector<std::unique_ptr<EnumInfo>> enums;
    std::vector<std::unique_ptr<EventInfo>> events;
    std::vector<std::unique_ptr<ErrorInfo>> errors;
};

/// Checks `unit` and builds `program`. Problems go to `diags`; returns false on any error.
bool analyze(const ast::source_unit& unit, Diagnostics& diags, Program& program);

}  // namespace trainchain::compiler
