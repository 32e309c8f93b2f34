// compiler/src/analysis/operators.hpp - binary and unary operators, assignments and lvalues:
// operands brought to a common type, checked or unchecked arithmetic decided.
#pragma once

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

/// A flat chain of binary operators, nested by precedence.
ExprPtr chain(Context& cx, const ast::binary_chain& c);
/// A unary operator (including ++, -- and delete) applied to its operand.
ExprPtr unary(Context& cx, const ast::unary& u);
/// An assignment or compound assignment (`e.assignment` is set).
ExprPtr assignment(Context& cx, const ast::expression& e);
/// True for <, >, <=, >=, == and !=.
bool is_comparison(BinaryOp op);
/// True if `e` can be assigned to.
bool is_lvalue(const Expr& e);
/// Rejects writes to immutables outside the constructor.
void check_lvalue(Context& cx, const Expr& e);

}  // namespace trainchain::compiler::analysis
