// compiler/src/sema.cpp - semantic analysis: the driver that runs the analysis passes of
// src/analysis/ in order over one source file, producing the checked tree (ir.hpp).
//
// Messages follow solc's wording where a Solidity programmer would recognise it ("undeclared
// identifier", "type uint256 is not implicitly convertible to expected type uint8"), and every
// construct outside the subset is named: "... is not supported".
#include "sema.hpp"

#include "analysis/constants.hpp"
#include "analysis/context.hpp"
#include "analysis/control_flow.hpp"
#include "analysis/names.hpp"
#include "analysis/statements.hpp"
#include "analysis/view_pure.hpp"

namespace trainchain::compiler {

bool analyze(const ast::source_unit& unit, Diagnostics& diags, Program& program) {
    analysis::Context cx{diags, program};
    // Declarations and names: every contract and member, with storage layout and selectors.
    analysis::declare(cx, unit);
    // Types, expressions and calls, contract by contract: constants and state variable
    // initialisers first (functions use the constants' values), then the bodies.
    // Libraries first: the contracts that use them read their constants.
    std::vector<ContractInfo*> order;
    for (auto& c : program.contracts)
        if (c->kind == ContractInfo::Kind::Library) order.push_back(c.get());
    for (auto& c : program.contracts)
        if (c->kind != ContractInfo::Kind::Library) order.push_back(c.get());
    for (ContractInfo* c : order) {
        analysis::enter_contract(cx, *c);
        // The bases' initialisers first (most basic first), as solc's constructor runs them.
        for (auto it = c->linearization.rbegin(); it != c->linearization.rend(); ++it) {
            cx.origin = *it;
            analysis::check_initializers(cx, *cx.contract_defs[(*it)->name], *c);
        }
        cx.origin = c;
        analysis::check_bodies(cx, *c);
        cx.contract = nullptr;
        cx.origin = nullptr;
    }
    // The passes over the checked tree.
    analysis::check_view_pure(cx);
    analysis::check_control_flow(cx);
    return !diags.has_errors();
}

}  // namespace trainchain::compiler
