// compiler/src/analysis/constants.hpp - the constants pass: exact values of literals, constant
// folding of literal and constant arithmetic, and the values of constant state variables.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <optional>

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

using boost::multiprecision::cpp_int;

/// 1, for shifts that build powers of two.
inline const cpp_int one = 1;

/// `v` modulo 2^256 as a word (two's complement for negative numbers).
vm::uint256 word_of(const cpp_int& v);
/// The number a word holds, read as signed when `is_signed`.
cpp_int int_of(const vm::uint256& w, bool is_signed);
/// Bits needed for |v|.
size_t msb_bits(const cpp_int& v);
/// The low `bits` bits set.
vm::uint256 low_word(unsigned bits);
/// True if `v` is a value of the integer type `t`.
bool fits(const cpp_int& v, const Type* t);

/// An integer literal of value `v` (exact: its digits are kept in `text`).
ExprPtr literal(Context& cx, const cpp_int& v, Location where);
/// A constant `v` of type `t`.
ExprPtr constant(Context& cx, const cpp_int& v, const Type* t, Location where);
/// A string literal.
ExprPtr string_constant(Context& cx, std::string text, Location where);
/// The value a number literal spells (with its unit); null (reported) when it is not one.
std::optional<cpp_int> number(Context& cx, const ast::number_literal& n);
/// The exact value of an integer literal.
std::optional<cpp_int> literal_value(const Expr& e);

/// Reports that `op_text` does not apply to the operands' types; returns null.
ExprPtr incompatible_operands(Context& cx, const std::string& op_text, const Expr& lhs, const Expr& rhs,
                              Location where);
/// `lhs op rhs` of two integer literals, computed exactly; null (reported) when it has no value.
ExprPtr fold_literals(Context& cx, BinaryOp op, const std::string& op_text, ExprPtr& lhs, ExprPtr& rhs,
                      Location where);
/// `lhs op rhs` of two constants of one integer type when the result fits the type; else null
/// (nothing reported: the operation then stays for run time).
ExprPtr fold_constants(Context& cx, BinaryOp op, ExprPtr& lhs, ExprPtr& rhs, Location where);

/// Types the state variable initialisers of `c` (constants must fold to a value) and gives the
/// getters of public constants their values.
void check_initializers(Context& cx, const ast::contract_definition& def, ContractInfo& c);

}  // namespace trainchain::compiler::analysis
