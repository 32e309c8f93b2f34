// compiler/src/analysis/context.hpp - the state the analysis passes share: the program being
// built, the symbol tables of the file and of the contract being checked, and the scopes of the
// body being typed.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ast.hpp"
#include "ir.hpp"
#include "sema.hpp"
#include "source.hpp"

namespace trainchain::compiler::analysis {

/// The local variables one block declares.
struct Scope {
    std::map<std::string, VarInfo*> vars;
    /// Names of declarations that were rejected: their uses are no further error.
    std::set<std::string> rejected;
};

/// What every pass reads and writes: diagnostics, the program and the names in scope.
struct Context {
    Context(Diagnostics& d, Program& p) : diags{d}, prog{p}, types{p.types} {}

    Diagnostics& diags;
    Program& prog;
    Types& types;

    // ---- the file -------------------------------------------------------------------------
    std::map<std::string, ContractInfo*> contracts;
    std::map<std::string, const ast::contract_definition*> contract_defs;
    std::map<std::string, StructInfo*> file_structs;
    std::map<std::string, EnumInfo*> file_enums;
    std::map<std::string, EventInfo*> file_events;
    std::map<std::string, ErrorInfo*> file_errors;
    /// Every member name each contract declares, whether its declaration was accepted or not: a use
    /// of a rejected one (`string public s;`, a function with a bad parameter) is no further error.
    std::map<const ContractInfo*, std::set<std::string>> member_names;

    // ---- the contract being declared or checked --------------------------------------------
    ContractInfo* contract = nullptr;
    std::map<std::string, StructInfo*> structs;
    std::map<std::string, EnumInfo*> enums;
    std::map<std::string, EventInfo*> events;
    std::map<std::string, ErrorInfo*> errors;
    /// The functions a name denotes here: one per parameter list (overloads), each the most derived
    /// override of the contract being checked.
    std::map<std::string, std::vector<FunctionInfo*>> functions;
    std::map<std::string, ModifierInfo*> modifiers;
    std::map<std::string, VarInfo*> state;
    std::set<std::string> resolving_structs;

    /// The contract whose member is being checked: the contract itself or one of its bases (it decides
    /// what `super` means and which private members are visible).
    const ContractInfo* origin = nullptr;
    /// File-level `using … for` directives: they apply in every contract.
    std::vector<const ast::using_directive*> file_usings;
    /// Import aliases (`import {A as B} from "x";`): B names A.
    std::map<std::string, std::string> aliases;

    /// The functions named `name` visible from `origin`: the most derived override of each overload
    /// that `origin` or its bases declare (a private one only in its own contract).
    std::vector<const FunctionInfo*> visible_functions(const std::string& name) const;

    // ---- the body being typed ---------------------------------------------------------------
    FunctionInfo* function = nullptr;
    ModifierInfo* modifier = nullptr;
    std::vector<Scope> scopes;
    std::vector<VarInfo*> declared_locals;
    bool unchecked = false;
    size_t next_local = 0;

    /// A struct, event or error visible here: the contract's own first, then the file's.
    const StructInfo* find_struct(const std::string& name) const;
    const EnumInfo* find_enum(const std::string& name) const;
    const EventInfo* find_event(const std::string& name) const;
    const ErrorInfo* find_error(const std::string& name) const;
    /// A local variable or parameter in scope, innermost first; null when there is none.
    VarInfo* find_var(const std::string& name);

    /// Where a syntax-tree node starts.
    Location at(const x3::position_tagged& node) const { return diags.location_of(node); }
    void error(Location where, std::string message) { diags.error(where, std::move(message)); }
};

}  // namespace trainchain::compiler::analysis
