// compiler/src/analysis/operators.cpp - binary and unary operators, assignments and lvalues.
#include "analysis/operators.hpp"

#include <functional>
#include <map>

#include "analysis/constants.hpp"
#include "analysis/expressions.hpp"
#include "analysis/typing.hpp"

namespace trainchain::compiler::analysis {

namespace {

/// Solidity's binding strength of binary operators (higher binds tighter).
int precedence(const std::string& op) {
    if (op == "**") return 10;
    if (op == "*" || op == "/" || op == "%") return 9;
    if (op == "+" || op == "-") return 8;
    if (op == "<<" || op == ">>") return 7;
    if (op == "&") return 6;
    if (op == "^") return 5;
    if (op == "|") return 4;
    if (op == "<" || op == ">" || op == "<=" || op == ">=") return 3;
    if (op == "==" || op == "!=") return 2;
    if (op == "&&") return 1;
    return 0;  // ||
}

std::optional<BinaryOp> binary_op_of(const std::string& op) {
    static const std::map<std::string, BinaryOp> ops = {
        {"+", BinaryOp::Add},    {"-", BinaryOp::Sub},   {"*", BinaryOp::Mul},    {"/", BinaryOp::Div},
        {"%", BinaryOp::Mod},    {"**", BinaryOp::Exp},  {"<<", BinaryOp::Shl},   {">>", BinaryOp::Shr},
        {"&", BinaryOp::BitAnd}, {"|", BinaryOp::BitOr}, {"^", BinaryOp::BitXor}, {"<", BinaryOp::Lt},
        {">", BinaryOp::Gt},     {"<=", BinaryOp::Le},   {">=", BinaryOp::Ge},    {"==", BinaryOp::Eq},
        {"!=", BinaryOp::Ne},    {"&&", BinaryOp::And},  {"||", BinaryOp::Or}};
    auto it = ops.find(op);
    if (it == ops.end()) return std::nullopt;
    return it->second;
}

ExprPtr binary(Context& cx, const std::string& op_text, ExprPtr lhs, ExprPtr rhs, Location) {
    const auto op = binary_op_of(op_text);
    if (!op || !lhs || !rhs) return nullptr;
    const Location where = lhs->loc;  // a binary expression starts where its left operand does
    auto incompatible = [&]() { return incompatible_operands(cx, op_text, *lhs, *rhs, where); };
    // Both literal: fold exactly.
    const auto lv = literal_value(*lhs);
    const auto rv = literal_value(*rhs);
    if (lv && rv) return fold_literals(cx, *op, op_text, lhs, rhs, where);
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Binary;
    out->binary_op = *op;
    out->loc = where;
    out->checked = !cx.unchecked;
    if (*op == BinaryOp::And || *op == BinaryOp::Or) {
        if (lhs->type->kind != Type::Kind::Bool || rhs->type->kind != Type::Kind::Bool) return incompatible();
        out->type = cx.types.boolean();
    } else if (*op == BinaryOp::Shl || *op == BinaryOp::Shr || *op == BinaryOp::Exp) {
        // A literal base or shifted value takes uint256 (int256 when negative), as in solc 0.8.
        if (lv) lhs = implicit(cx, std::move(lhs), *lv < 0 ? cx.types.sint(256) : cx.types.uint(256), where);
        if (rv) rhs = mobile(cx, std::move(rhs));
        if (!lhs || !rhs) return nullptr;
        if (rhs->type->kind != Type::Kind::Uint) return incompatible();
        const bool base_ok =
            lhs->type->is_integer() || (*op != BinaryOp::Exp && lhs->type->kind == Type::Kind::FixedBytes);
        if (!base_ok) return incompatible();
        if (*op == BinaryOp::Exp && lhs->type->is_signed()) {
            cx.error(where, "exponentiation of signed integers is not supported");
            return nullptr;
        }
        out->type = lhs->type;
    } else {
        // Operands get a common type: a literal adopts the other side's, when the operator can
        // apply to that type at all.
        auto numeric = [](const Type* t) {
            return t->is_integer() || t->kind == Type::Kind::FixedBytes || t->kind == Type::Kind::Address;
        };
        if ((lv && !numeric(rhs->type)) || (rv && !numeric(lhs->type))) return incompatible();
        if (lv)
            lhs = implicit(cx, std::move(lhs), rhs->type, where);
        else if (rv)
            rhs = implicit(cx, std::move(rhs), lhs->type, where);
        if (!lhs || !rhs) return nullptr;
        if (lhs->type->kind == Type::Kind::IntLiteral || rhs->type->kind == Type::Kind::IntLiteral)
            return incompatible();
        if (lhs->type != rhs->type) {
            const Type* lt = lhs->type;
            const Type* rt = rhs->type;
            auto widens = [](const Type* from, const Type* to) {
                return (from->kind == to->kind &&
                        (from->is_integer() || from->kind == Type::Kind::FixedBytes) &&
                        from->bits <= to->bits) ||
                       (from->kind == Type::Kind::Uint && to->kind == Type::Kind::Int &&
                        from->bits < to->bits) ||
                       (from->kind == Type::Kind::Address && to->kind == Type::Kind::Address);
            };
            if (widens(lt, rt))
                lhs = implicit(cx, std::move(lhs), rt->kind == Type::Kind::Address ? cx.types.address() : rt,
                               where);
            else if (widens(rt, lt))
                rhs = implicit(cx, std::move(rhs), lt->kind == Type::Kind::Address ? cx.types.address() : lt,
                               where);
            else
                return incompatible();
            if (lt->kind == Type::Kind::Address && rt->kind == Type::Kind::Address) {
                if (lhs && lhs->type != cx.types.address())
                    lhs = implicit(cx, std::move(lhs), cx.types.address(), where);
                if (rhs && rhs->type != cx.types.address())
                    rhs = implicit(cx, std::move(rhs), cx.types.address(), where);
            }
            if (!lhs || !rhs) return nullptr;
        }
        const Type* t = lhs->type;
        if (is_comparison(*op)) {
            const bool ordered = t->is_integer() || t->kind == Type::Kind::FixedBytes ||
                                 t->kind == Type::Kind::Address || t->kind == Type::Kind::Enum;
            const bool equal = ordered || t->kind == Type::Kind::Bool || t->kind == Type::Kind::Contract;
            if (!(*op == BinaryOp::Eq || *op == BinaryOp::Ne ? equal : ordered)) return incompatible();
            out->type = cx.types.boolean();
        } else if (*op == BinaryOp::BitAnd || *op == BinaryOp::BitOr || *op == BinaryOp::BitXor) {
            if (!t->is_integer() && t->kind != Type::Kind::FixedBytes) return incompatible();
            out->type = t;
        } else {
            if (!t->is_integer()) return incompatible();
            out->type = t;
        }
    }
    // Constants of one integer type fold when the result fits (constant initialisers built from
    // other constants); otherwise the checked operation stays for run time, as solc inlines it.
    if (auto folded = fold_constants(cx, *op, lhs, rhs, where)) return folded;
    out->loc = where;
    out->args.push_back(std::move(lhs));
    out->args.push_back(std::move(rhs));
    return out;
}

/// `(a, b) = rhs`: the components convert one by one.
ExprPtr tuple_assignment(Context& cx, const ast::assignment_tail& tail, ExprPtr lhs, ExprPtr out) {
    auto rhs = expression(cx, tail.rhs.get());
    if (!rhs) return nullptr;
    const size_t n = lhs->args.size();
    if (rhs->type->kind != Type::Kind::Tuple || rhs->type->members.size() != n) {
        cx.error(cx.at(tail.rhs.get()), "different number of components on the left hand side (" +
                                            std::to_string(n) + ") than on the right hand side");
        return nullptr;
    }
    if (rhs->kind == Expr::Kind::Tuple) {
        std::vector<const Type*> members;
        for (size_t i = 0; i < n; ++i) {
            const Type* target = lhs->args[i]->kind == Expr::Kind::Empty ? nullptr : lhs->args[i]->type;
            rhs->args[i] = target ? implicit(cx, std::move(rhs->args[i]), target, cx.at(tail.rhs.get()))
                                  : mobile(cx, std::move(rhs->args[i]));
            if (!rhs->args[i]) return nullptr;
            if (!rhs->args[i]->type->is_value()) {
                cx.error(cx.at(tail.rhs.get()), "tuple assignment of reference types is not supported");
                return nullptr;
            }
            members.push_back(rhs->args[i]->type);
        }
        rhs->type = cx.types.tuple(members);
    } else {
        for (size_t i = 0; i < n; ++i)
            if (lhs->args[i]->kind != Expr::Kind::Empty && rhs->type->members[i] != lhs->args[i]->type) {
                cx.error(cx.at(tail.rhs.get()), "type " + rhs->type->members[i]->name() +
                                                    " is not implicitly convertible to expected type " +
                                                    lhs->args[i]->type->name());
                return nullptr;
            }
    }
    out->type = cx.types.tuple({});
    out->args.push_back(std::move(lhs));
    out->args.push_back(std::move(rhs));
    return out;
}

}  // namespace

bool is_comparison(BinaryOp op) {
    return op == BinaryOp::Lt || op == BinaryOp::Gt || op == BinaryOp::Le || op == BinaryOp::Ge ||
           op == BinaryOp::Eq || op == BinaryOp::Ne;
}

bool is_lvalue(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::Index:
            return e.args[0]->type->kind != Type::Kind::FixedBytes;
        case Expr::Kind::Local:
        case Expr::Kind::StateVar:
        case Expr::Kind::Member:
        case Expr::Kind::Immutable:
        case Expr::Kind::Empty:
            return true;
        case Expr::Kind::ArrayPush:
            return e.args.size() == 1;  // push() names the new element
        case Expr::Kind::Tuple:
            for (const auto& a : e.args)
                if (!is_lvalue(*a)) return false;
            return true;
        default:
            return false;
    }
}

void check_lvalue(Context& cx, const Expr& e) {
    if (e.kind == Expr::Kind::Immutable &&
        (!cx.function || cx.function->kind != FunctionInfo::Kind::Constructor))
        cx.error(e.loc,
                 "cannot write to immutable here: immutable variables can only be initialized inline or "
                 "assigned directly in the constructor");
    if (e.kind == Expr::Kind::Tuple)
        for (const auto& a : e.args) check_lvalue(cx, *a);
}

ExprPtr assignment(Context& cx, const ast::expression& e) {
    ast::expression lhs_only = e;
    lhs_only.assignment.reset();
    const auto& tail = *e.assignment;
    auto lhs = expression(cx, lhs_only);
    if (!lhs) return nullptr;
    if (lhs->kind == Expr::Kind::Constant && lhs->var && lhs->var->is_constant) {
        cx.error(lhs->loc, "cannot assign to a constant variable");
        return nullptr;
    }
    if (!is_lvalue(*lhs) || lhs->type->kind == Type::Kind::Void) {
        cx.error(cx.at(e), "expression has to be an lvalue");
        return nullptr;
    }
    if (lhs->kind == Expr::Kind::Local && lhs->var) lhs->var->used = true;
    check_lvalue(cx, *lhs);
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Assign;
    out->loc = cx.at(tail);
    if (tail.op == "=") {
        if (lhs->kind == Expr::Kind::Tuple) return tuple_assignment(cx, tail, std::move(lhs), std::move(out));
        auto rhs = expected_value(cx, tail.rhs.get(), lhs->type);
        if (!rhs) return nullptr;
        if (lhs->type->is_reference()) {
            const bool lhs_storage = lhs->location == DataLocation::Storage;
            // A local, or a string/bytes member of a memory struct: the pointer is assigned.
            // A local, or a reference held by a memory struct or array: the pointer is assigned.
            const bool pointer = lhs->kind == Expr::Kind::Local || lhs->location == DataLocation::Memory;
            if (lhs->type->kind == Type::Kind::Mapping) {
                cx.error(out->loc, "mappings cannot be assigned to");
                return nullptr;
            }
            if (!pointer && lhs_storage && rhs->location == DataLocation::Memory &&
                lhs->type->kind == Type::Kind::Array) {
                const Type* el = lhs->type->element;
                while (el->kind == Type::Kind::Array) el = el->element;
                if (el->kind == Type::Kind::Struct) {  // as solc's legacy code generator
                    cx.error(out->loc,
                             "copying of type " + lhs->type->name() +
                                 " memory to storage is not supported; push the elements one by one");
                    return nullptr;
                }
            }
            if (pointer && lhs->location == DataLocation::Memory) rhs = to_memory(std::move(rhs));
            if (!pointer && lhs_storage &&
                (lhs->type->is_byte_array() || lhs->type->kind == Type::Kind::Array))
                rhs = to_memory(std::move(rhs));  // storage to storage goes through memory
            if (pointer && lhs->location != rhs->location) {
                cx.error(out->loc, "type " + rhs->type->name() +
                                       (rhs->location == DataLocation::Storage ? " storage" : " memory") +
                                       " is not implicitly convertible to expected type " +
                                       lhs->type->name() + (lhs_storage ? " storage pointer" : " memory"));
                return nullptr;
            }
            if (!pointer &&
                !(lhs_storage && (lhs->type->kind == Type::Kind::Struct || lhs->type->is_byte_array() ||
                                  lhs->type->kind == Type::Kind::Array))) {
                cx.error(out->loc,
                         "assigning whole values of type '" + lhs->type->name() + "' is not supported");
                return nullptr;
            }
        }
        out->type = lhs->type;
        out->args.push_back(std::move(lhs));
        out->args.push_back(std::move(rhs));
        return out;
    }
    // Compound assignment: lhs op= rhs.
    const auto op = binary_op_of(tail.op.substr(0, tail.op.size() - 1));
    if (!op || !lhs->type->is_value() || lhs->kind == Expr::Kind::Tuple) {
        cx.error(out->loc, "operator " + tail.op + " not compatible with type " + lhs->type->name());
        return nullptr;
    }
    auto rhs = expression(cx, tail.rhs.get());
    if (!rhs) return nullptr;
    if (*op == BinaryOp::Shl || *op == BinaryOp::Shr) {
        rhs = rhs->type->kind == Type::Kind::IntLiteral ? mobile(cx, std::move(rhs)) : std::move(rhs);
        if (!rhs) return nullptr;
        if (rhs->type->kind != Type::Kind::Uint) {
            cx.error(cx.at(tail.rhs.get()), "the shift amount must be an unsigned integer");
            return nullptr;
        }
    } else {
        rhs = implicit(cx, std::move(rhs), lhs->type, cx.at(tail.rhs.get()));
        if (!rhs) return nullptr;
    }
    const bool integer_op = *op != BinaryOp::BitAnd && *op != BinaryOp::BitOr && *op != BinaryOp::BitXor &&
                            *op != BinaryOp::Shl && *op != BinaryOp::Shr;
    if ((integer_op && !lhs->type->is_integer()) ||
        (!integer_op && !lhs->type->is_integer() && lhs->type->kind != Type::Kind::FixedBytes)) {
        cx.error(out->loc, "operator " + tail.op + " not compatible with type " + lhs->type->name());
        return nullptr;
    }
    out->compound = true;
    out->binary_op = *op;
    out->checked = !cx.unchecked;
    out->type = lhs->type;
    out->args.push_back(std::move(lhs));
    out->args.push_back(std::move(rhs));
    return out;
}

ExprPtr chain(Context& cx, const ast::binary_chain& c) {
    std::vector<ExprPtr> operands;
    operands.push_back(operand(cx, c.first));
    for (const auto& op : c.rest) operands.push_back(operand(cx, op.operand_));
    for (const auto& o : operands)
        if (!o) return nullptr;
    if (c.rest.empty()) return std::move(operands[0]);
    // Precedence climbing over the flat chain; ** is right associative.
    size_t next_operand = 1, next_op = 0;
    std::function<ExprPtr(int)> climb = [&](int min_prec) -> ExprPtr {
        ExprPtr lhs = std::move(operands[next_operand - 1]);
        while (lhs && next_op < c.rest.size() && precedence(c.rest[next_op].op) >= min_prec) {
            const auto& link = c.rest[next_op++];
            const int prec = precedence(link.op);
            ++next_operand;
            ExprPtr rhs = climb(link.op == "**" ? prec : prec + 1);
            if (!rhs) return nullptr;
            lhs = binary(cx, link.op, std::move(lhs), std::move(rhs), cx.at(link));
        }
        return lhs;
    };
    return climb(0);
}

ExprPtr unary(Context& cx, const ast::unary& u) {
    const Location where = cx.at(u);
    auto e = operand(cx, u.operand_);
    if (!e) return nullptr;
    if (u.op == "-") {
        if (auto v = literal_value(*e)) return literal(cx, -*v, where);
        if (!e->type->is_signed()) {
            cx.error(where, "unary negation is only allowed for signed integers, not " + e->type->name());
            return nullptr;
        }
    } else if (u.op == "!") {
        if (e->type->kind != Type::Kind::Bool) {
            cx.error(where, "unary operator ! cannot be applied to type " + e->type->name());
            return nullptr;
        }
    } else if (u.op == "~") {
        if (auto v = literal_value(*e)) return literal(cx, -*v - 1, where);  // as solc: ~x == -x - 1
        if (!e->type->is_integer() && e->type->kind != Type::Kind::FixedBytes) {
            cx.error(where, "unary operator ~ cannot be applied to type " + e->type->name());
            return nullptr;
        }
    } else if (u.op == "++" || u.op == "--") {
        if (!is_lvalue(*e) || e->kind == Expr::Kind::Tuple || !e->type->is_integer()) {
            cx.error(where, "operator " + u.op + " needs an integer variable");
            return nullptr;
        }
        check_lvalue(cx, *e);
        auto out = std::make_unique<Expr>();
        out->kind = Expr::Kind::IncDec;
        out->type = e->type;
        out->loc = where;
        out->increment = u.op == "++";
        out->prefix = true;
        out->checked = !cx.unchecked;
        out->args.push_back(std::move(e));
        return out;
    } else if (u.op == "delete") {
        if (!is_lvalue(*e) || e->kind == Expr::Kind::Tuple) {
            cx.error(where, "expression has to be an lvalue");
            return nullptr;
        }
        if (e->type->kind == Type::Kind::Mapping) {
            cx.error(where, "delete of '" + e->type->name() + "' is not supported");
            return nullptr;
        }
        check_lvalue(cx, *e);
        auto out = std::make_unique<Expr>();
        out->kind = Expr::Kind::Delete;
        out->type = cx.types.void_type();
        out->loc = where;
        out->args.push_back(std::move(e));
        return out;
    }
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Unary;
    out->unary_op = u.op == "-" ? UnaryOp::Neg : u.op == "!" ? UnaryOp::Not : UnaryOp::BitNot;
    out->type = e->type;
    out->loc = where;
    out->checked = !cx.unchecked;
    out->args.push_back(std::move(e));
    return out;
}

}  // namespace trainchain::compiler::analysis
