// compiler/src/analysis/calls.hpp - the calls pass: internal and external calls, contract and
// array creation, conversions, struct construction and the built-in functions.
#pragma once

#include "analysis/expressions.hpp"

namespace trainchain::compiler::analysis {

/// `callee(arguments)`; an invalid item (reported) on error.
Item call(Context& cx, Item callee, const ast::call_postfix& c, Location where);
/// The arguments of `c` converted to `params`; fewer than `params` (reported) on error. Named
/// arguments (`f({b: 2, a: 1})`) are matched to `names` and taken in the declaration's order.
std::vector<ExprPtr> call_arguments(Context& cx, const ast::call_postfix& c,
                                    const std::vector<const Type*>& params, const std::string& what,
                                    Location where, const std::vector<std::string>* names = nullptr);
/// Reports named call arguments (`f({a: 1})`) where they cannot be used; true if there were.
bool rejected_named_arguments(Context& cx, const ast::call_postfix& c);

}  // namespace trainchain::compiler::analysis
