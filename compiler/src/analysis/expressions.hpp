// compiler/src/analysis/expressions.hpp - the expressions pass: names, operands, member access
// and indexing typed into checked expressions (calls are in calls.hpp, operators in operators.hpp).
#pragma once

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

/// What a name or a partial postfix chain denotes before it becomes a value.
struct Item {
    enum class Kind {
        Value,             ///< expr
        TypeName,          ///< type (elementary, struct or contract): conversion or construction
        Function,          ///< internal function `function`
        ExternalFunction,  ///< expr (address) . function
        Global,        ///< `name`: require, assert, revert, keccak256, sha256, ripemd160, ecrecover, gasleft,
                       ///< blockhash, payable
        Magic,         ///< `name`: msg, block, tx, abi
        AbiFunction,   ///< `name`: encode, encodePacked, encodeWithSelector/-Signature, encodeCall, decode
        AddrMember,    ///< expr (address) . name: call, staticcall, delegatecall, transfer, send
        TypeOperator,  ///< `type`
        TypeInfo,      ///< type(T): type
        ArrayMember,   ///< expr . name (push, pop)
        NewContract,   ///< new C: type
        NewArray,      ///< new T[]: type
        Super,         ///< `super`: its members are the next bases' functions
        Event,         ///< event
        Error,         ///< error
        BalanceOwner,  ///< never built: placeholder
        Invalid,       ///< already reported
    };
    Kind kind = Kind::Invalid;
    ExprPtr expr;
    const Type* type = nullptr;
    const FunctionInfo* function = nullptr;
    /// Function and ExternalFunction: every overload of the name (`function` is the first); the
    /// call picks the one its arguments fit.
    std::vector<const FunctionInfo*> overloads;
    /// Function: `expr` is the first argument, bound by `using … for` (`x.f(a)` calls `f(x, a)`).
    bool bound = false;
    const EventInfo* event = nullptr;
    const ErrorInfo* error = nullptr;
    std::string name;
    Location loc;
    ExprPtr call_value;  ///< {value: ...} given before the call
};

/// The checked expression `e` (typed towards `expected` where literals need a type); null when
/// it has an error (reported).
ExprPtr expression(Context& cx, const ast::expression& e, const Type* expected = nullptr);
/// `e` as one value implicitly converted to `expected`.
ExprPtr expected_value(Context& cx, const ast::expression& e, const Type* expected);
/// The value of an operand.
ExprPtr operand(Context& cx, const ast::operand& o);
/// What a plain operand expression (no operators) denotes: a value, a type, a function, ...; a
/// value for any other expression.
Item expression_item(Context& cx, const ast::expression& e);
/// The value an item denotes; null (reported) when it is no value (a type, a function, ...).
ExprPtr value_of(Context& cx, Item item);

}  // namespace trainchain::compiler::analysis
