// compiler/src/analysis/typing.hpp - the types pass: type names resolved to types, and the
// implicit and explicit conversions between types (with literals taking their mobile type).
#pragma once

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

/// An elementary type by name (`uint8`, `address payable`, `bytes32`); null for other names.
const Type* elementary(Context& cx, const std::string& name);
/// The type a type name denotes; null (reported) when it denotes none.
const Type* resolve_type(Context& cx, const ast::type_name& t);

/// `e` as the smallest type holding it: literals become uintN/intN and string literals `string memory`.
ExprPtr mobile(Context& cx, ExprPtr e);
/// `e` implicitly converted to `to`, or null (reported at `where`, after `context`).
ExprPtr implicit(Context& cx, ExprPtr e, const Type* to, Location where, const char* context = nullptr);
/// `e` as a memory value: a storage string, bytes or struct becomes a copy (CopyToMemory); anything
/// else is returned as it is.
ExprPtr to_memory(ExprPtr e);
/// The explicit conversion `to(e)`, or null (reported).
ExprPtr conversion(Context& cx, const Type* to, ExprPtr e, Location where);

}  // namespace trainchain::compiler::analysis
