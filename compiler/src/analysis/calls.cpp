// compiler/src/analysis/calls.cpp - the calls pass: calls of functions, built-ins, conversions and
// creations.
#include "analysis/calls.hpp"

#include "analysis/constants.hpp"
#include "analysis/typing.hpp"
#include "trainchain/vm/keccak.hpp"

namespace trainchain::compiler::analysis {

std::vector<ExprPtr> call_arguments(Context& cx, const ast::call_postfix& c,
                                    const std::vector<const Type*>& params, const std::string& what,
                                    Location where) {
    std::vector<ExprPtr> out;
    if (rejected_named_arguments(cx, c)) return out;
    if (!c.options.empty()) cx.error(where, "call options are not allowed here");
    if (c.arguments.size() != params.size()) {
        cx.error(where, "wrong argument count for " + what + ": " + std::to_string(c.arguments.size()) +
                            " arguments given but expected " + std::to_string(params.size()));
        return out;
    }
    for (size_t i = 0; i < params.size(); ++i) {
        auto e = expected_value(cx, c.arguments[i].get(), params[i]);
        if (!e) return {};
        out.push_back(std::move(e));
    }
    return out;
}

bool rejected_named_arguments(Context& cx, const ast::call_postfix& c) {
    if (!c.named) return false;
    cx.error(cx.at(*c.named), "named call arguments are not supported; pass the arguments in order");
    return true;
}

namespace {

/// The invalid item a failed call leaves (its error is reported).
Item invalid(Location where) {
    Item it;
    it.loc = where;
    return it;
}

/// `e` as the value of a call at `where`; invalid for null.
Item value_item(Location where, ExprPtr e) {
    Item v;
    if (!e) return v;
    v.kind = Item::Kind::Value;
    v.loc = where;
    v.expr = std::move(e);
    return v;
}

/// What a call of `f` returns: nothing, its one value or a tuple.
const Type* returns_type(Context& cx, const FunctionInfo& f) {
    if (f.returns.empty()) return cx.types.void_type();
    if (f.returns.size() == 1) return f.returns[0]->type;
    std::vector<const Type*> members;
    for (auto* r : f.returns) members.push_back(r->type);
    return cx.types.tuple(members);
}

std::vector<const Type*> params_of(const FunctionInfo& f) {
    std::vector<const Type*> out;
    for (auto* p : f.params) out.push_back(p->type);
    return out;
}

/// Checks that `c` passes `n` arguments and no options (reported otherwise).
bool plain_args(Context& cx, const ast::call_postfix& c, Location where, size_t n, const std::string& what) {
    if (!c.options.empty()) {
        cx.error(where, "call options are not allowed here");
        return false;
    }
    if (c.arguments.size() != n) {
        cx.error(where, "wrong argument count for " + what + ": " + std::to_string(c.arguments.size()) +
                            " arguments given but expected " + std::to_string(n));
        return false;
    }
    return true;
}

Item internal_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    const FunctionInfo& f = *callee.function;
    if (f.visibility == Visibility::External) {
        cx.error(callee.loc, "external function '" + f.name + "' cannot be called internally; use this." +
                                 f.name + "(...)");
        return invalid(where);
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::InternalCall;
    e->function = &f;
    e->loc = where;
    e->type = returns_type(cx, f);
    if (callee.bound) {
        // `x.f(a)` with `using L for T`: x is f's first argument.
        auto params = params_of(f);
        params.erase(params.begin());
        auto self = implicit(cx, std::move(callee.expr), f.params[0]->type, where);
        if (!self) return invalid(where);
        auto rest = call_arguments(cx, c, params, "function call", where);
        if (rest.size() != params.size()) return invalid(where);
        e->args.push_back(std::move(self));
        for (auto& a : rest) e->args.push_back(std::move(a));
    } else {
        e->args = call_arguments(cx, c, params_of(f), "function call", where);
    }
    if (e->args.size() != f.params.size()) return invalid(where);
    for (size_t i = 0; i < f.params.size(); ++i) {
        if (f.params[i]->location == DataLocation::Memory) e->args[i] = to_memory(std::move(e->args[i]));
        if (f.params[i]->location != DataLocation::None && e->args[i]->location != f.params[i]->location) {
            cx.error(e->args[i]->loc,
                     std::string("passing a ") +
                         (e->args[i]->location == DataLocation::Storage ? "storage" : "memory") +
                         " value to a " +
                         (f.params[i]->location == DataLocation::Storage ? "storage" : "memory") +
                         " parameter is not supported");
            return invalid(where);
        }
    }
    if (e->type->kind == Type::Kind::Void || e->type->kind == Type::Kind::Tuple) {
    } else if (f.returns.size() == 1) {
        e->location = f.returns[0]->location;
    }
    return value_item(where, std::move(e));
}

Item external_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    const FunctionInfo& f = *callee.function;
    for (auto* p : f.params)
        if (!p->type->is_value()) {
            cx.error(where,
                     "external calls with parameters of type '" + p->type->name() + "' are not supported");
            return invalid(where);
        }
    for (auto* r : f.returns)
        if (!r->type->is_value()) {
            cx.error(where, "external calls returning '" + r->type->name() + "' are not supported");
            return invalid(where);
        }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::ExternalCall;
    e->function = &f;
    e->loc = where;
    e->type = returns_type(cx, f);
    for (const auto& [name, opt] : c.options) {
        if (name != "value") {
            cx.error(where, "call option '" + name + "' is not supported");
            return invalid(where);
        }
        if (f.mutability != Mutability::Payable) {
            cx.error(where, "cannot set option \"value\" on a non-payable function");
            return invalid(where);
        }
        e->args_value = expected_value(cx, opt.get(), cx.types.uint(256));
        if (!e->args_value) return invalid(where);
    }
    e->args.push_back(std::move(callee.expr));
    ast::call_postfix bare = c;
    bare.options.clear();
    auto args = call_arguments(cx, bare, params_of(f), "function call", where);
    if (args.size() != f.params.size()) return invalid(where);
    for (auto& a : args) e->args.push_back(std::move(a));
    return value_item(where, std::move(e));
}

Item type_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    const Type* t = callee.type;
    if (t->kind == Type::Kind::Struct) {
        std::vector<const Type*> members;
        for (const auto& m : t->struct_info->members) members.push_back(m.type);
        auto e = std::make_unique<Expr>();
        e->kind = Expr::Kind::StructConstruct;
        e->type = t;
        e->location = DataLocation::Memory;
        e->loc = where;
        for (const auto* m : members)
            if (!m->is_value() && !m->is_byte_array()) {
                cx.error(where, "constructing structs with struct members is not supported");
                return invalid(where);
            }
        e->args = call_arguments(cx, c, members, "struct constructor", where);
        if (e->args.size() != members.size()) return invalid(where);
        return value_item(where, std::move(e));
    }
    if (!plain_args(cx, c, where, 1, "type conversion")) return invalid(where);
    auto arg = expression(cx, c.arguments[0].get());
    if (!arg) return invalid(where);
    if (callee.name == "payable" || t->kind == Type::Kind::Address) {
    }
    return value_item(where, conversion(cx, t, std::move(arg), where));
}

Item require_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!c.options.empty() || c.arguments.empty() || c.arguments.size() > 2) {
        cx.error(where, "require takes a condition and an optional message");
        return invalid(where);
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Require;
    e->type = cx.types.void_type();
    e->loc = where;
    auto cond = expected_value(cx, c.arguments[0].get(), cx.types.boolean());
    if (!cond) return invalid(where);
    e->args.push_back(std::move(cond));
    if (c.arguments.size() == 2) {
        auto msg = expected_value(cx, c.arguments[1].get(), cx.types.string_type());
        if (!msg) return invalid(where);
        e->args.push_back(std::move(msg));
    }
    return value_item(where, std::move(e));
}

Item assert_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 1, "assert")) return invalid(where);
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Assert;
    e->type = cx.types.void_type();
    e->loc = where;
    auto cond = expected_value(cx, c.arguments[0].get(), cx.types.boolean());
    if (!cond) return invalid(where);
    e->args.push_back(std::move(cond));
    return value_item(where, std::move(e));
}

Item revert_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!c.options.empty() || c.arguments.size() > 1) {
        cx.error(where, "revert takes an optional message");
        return invalid(where);
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Revert;
    e->type = cx.types.void_type();
    e->loc = where;
    if (c.arguments.size() == 1) {
        auto msg = expected_value(cx, c.arguments[0].get(), cx.types.string_type());
        if (!msg) return invalid(where);
        e->args.push_back(std::move(msg));
    }
    return value_item(where, std::move(e));
}

Item hash_call(Context& cx, const Item& callee, const ast::call_postfix& c, Location where) {
    const std::string& n = callee.name;
    if (!plain_args(cx, c, where, 1, n)) return invalid(where);
    auto arg = expression(cx, c.arguments[0].get());
    if (!arg) return invalid(where);
    if (arg->type->kind == Type::Kind::StringLiteral && n == "keccak256") {
        // Folded at compile time, as solc does for constants.
        const auto h = vm::keccak256({reinterpret_cast<const uint8_t*>(arg->text.data()), arg->text.size()});
        cpp_int v = 0;
        for (uint8_t b : h.bytes) v = (v << 8) | b;
        return value_item(where, constant(cx, v, cx.types.fixed_bytes(32), where));
    }
    arg = to_memory(implicit(cx, std::move(arg), cx.types.bytes_type(), cx.at(c.arguments[0].get())));
    if (!arg) return invalid(where);
    if (arg->location != DataLocation::Memory) {
        cx.error(where, n + " of a storage value is not supported; hash a memory copy");
        return invalid(where);
    }
    auto e = std::make_unique<Expr>();
    e->kind = n == "keccak256" ? Expr::Kind::Keccak256 : Expr::Kind::Sha256;
    e->type = cx.types.fixed_bytes(32);
    e->loc = where;
    e->args.push_back(std::move(arg));
    return value_item(where, std::move(e));
}

Item gasleft_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 0, "gasleft")) return invalid(where);
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::BuiltinValue;
    e->builtin = Builtin::GasLeft;
    e->type = cx.types.uint(256);
    e->loc = where;
    return value_item(where, std::move(e));
}

Item blockhash_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 1, "blockhash")) return invalid(where);
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::BuiltinValue;
    e->builtin = Builtin::Blockhash;
    e->type = cx.types.fixed_bytes(32);
    e->loc = where;
    auto arg = expected_value(cx, c.arguments[0].get(), cx.types.uint(256));
    if (!arg) return invalid(where);
    e->args.push_back(std::move(arg));
    return value_item(where, std::move(e));
}

Item payable_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 1, "payable")) return invalid(where);
    auto arg = expression(cx, c.arguments[0].get());
    if (!arg) return invalid(where);
    if (arg->type->kind != Type::Kind::Address && arg->type->kind != Type::Kind::Contract &&
        arg->type->kind != Type::Kind::IntLiteral) {
        cx.error(where, "explicit type conversion not allowed from \"" + arg->type->name() +
                            "\" to \"address payable\"");
        return invalid(where);
    }
    return value_item(where, conversion(cx, cx.types.address(true), std::move(arg), where));
}

/// require, assert, revert, keccak256, sha256, gasleft, blockhash and payable.
Item global_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    const std::string& n = callee.name;
    if (n == "require") return require_call(cx, c, where);
    if (n == "assert") return assert_call(cx, c, where);
    if (n == "revert") return revert_call(cx, c, where);
    if (n == "keccak256" || n == "sha256") return hash_call(cx, callee, c, where);
    if (n == "gasleft") return gasleft_call(cx, c, where);
    if (n == "blockhash") return blockhash_call(cx, c, where);
    if (n == "payable") return payable_call(cx, c, where);
    cx.error(where, "'" + n + "' is not callable");
    return invalid(where);
}

Item abi_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    if (!c.options.empty()) {
        cx.error(where, "call options are not allowed here");
        return invalid(where);
    }
    auto e = std::make_unique<Expr>();
    e->kind = callee.name == "encode" ? Expr::Kind::AbiEncode : Expr::Kind::AbiEncodePacked;
    e->type = cx.types.bytes_type();
    e->location = DataLocation::Memory;
    e->loc = where;
    for (const auto& a : c.arguments) {
        auto v = expression(cx, a.get());
        if (!v) return invalid(where);
        if (v->type->kind == Type::Kind::IntLiteral && e->kind == Expr::Kind::AbiEncodePacked) {
            cx.error(v->loc,
                     "cannot perform packed encoding for a literal; convert it to an explicit type first");
            return invalid(where);
        }
        v = mobile(cx, std::move(v));
        if (!v) return invalid(where);
        if (v->type->is_byte_array()) v = to_memory(std::move(v));
        if (!v->type->is_value() && !(v->type->is_byte_array() && v->location == DataLocation::Memory)) {
            cx.error(v->loc, "abi." + callee.name + " of type '" + v->type->name() + "' is not supported");
            return invalid(where);
        }
        e->args.push_back(std::move(v));
    }
    return value_item(where, std::move(e));
}

Item type_operator(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 1, "type")) return invalid(where);
    // The argument must name a type.
    const auto& arg = c.arguments[0].get();
    const ast::identifier* id = nullptr;
    if (arg.chain.rest.empty() && !arg.conditional && !arg.assignment) {
        id = boost::get<ast::identifier>(&arg.chain.first.get());
        if (!id)
            if (const auto* pf = boost::get<x3::forward_ast<ast::postfix_expression>>(&arg.chain.first.get()))
                if (pf->get().ops.empty()) id = boost::get<ast::identifier>(&pf->get().primary.get());
    }
    const Type* t = id ? elementary(cx, id->name) : nullptr;
    if (!t || !t->is_integer()) {
        cx.error(where, "type(...) is supported for integer types only");
        return invalid(where);
    }
    Item ti;
    ti.kind = Item::Kind::TypeInfo;
    ti.type = t;
    ti.loc = where;
    ti.name = "type(" + t->name() + ")";
    return ti;
}

Item array_member_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    auto e = std::make_unique<Expr>();
    e->loc = where;
    const Type* arr = callee.expr->type;
    // A storage bytes holds bytes1 elements; push() of one appends a zero byte and names nothing.
    const Type* element = arr->kind == Type::Kind::Bytes ? cx.types.fixed_bytes(1) : arr->element;
    e->args.push_back(std::move(callee.expr));
    if (callee.name == "push") {
        e->kind = Expr::Kind::ArrayPush;
        if (c.arguments.size() > 1 || !c.options.empty()) {
            cx.error(where, "push takes at most one argument");
            return invalid(where);
        }
        if (c.arguments.size() == 1) {
            auto v = expected_value(cx, c.arguments[0].get(), element);
            if (!v) return invalid(where);
            if (!element->is_value()) v = to_memory(std::move(v));  // copied in from memory
            e->args.push_back(std::move(v));
            e->type = cx.types.void_type();
        } else if (arr->kind == Type::Kind::Bytes) {
            e->type = cx.types.void_type();
        } else {
            e->type = arr->element;
            e->location = DataLocation::Storage;
        }
    } else {
        if (!plain_args(cx, c, where, 0, "pop")) return invalid(where);
        e->kind = Expr::Kind::ArrayPop;
        e->type = cx.types.void_type();
    }
    return value_item(where, std::move(e));
}

Item new_contract(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    const ContractInfo* target = callee.type->contract;
    if (target == cx.contract) {
        cx.error(where,
                 "circular reference for contract creation (cannot create instance of derived or same "
                 "contract)");
        return invalid(where);
    }
    cx.contract->creates.push_back(target);
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Create;
    e->contract = target;
    e->type = callee.type;
    e->loc = where;
    std::vector<const Type*> params;
    const FunctionInfo* ctor = target->constructor;
    if (ctor)
        for (auto* p : ctor->params) {
            if (!p->type->is_value()) {
                cx.error(where, "creating contracts whose constructor takes '" + p->type->name() +
                                    "' is not supported");
                return invalid(where);
            }
            params.push_back(p->type);
        }
    for (const auto& [name, opt] : c.options) {
        if (name != "value") {
            cx.error(where, "call option '" + name + "' is not supported");
            return invalid(where);
        }
        if (!ctor || ctor->mutability != Mutability::Payable) {
            cx.error(where,
                     "cannot set option \"value\": the constructor of " + target->name + " is not payable");
            return invalid(where);
        }
        e->args_value = expected_value(cx, opt.get(), cx.types.uint(256));
        if (!e->args_value) return invalid(where);
    }
    ast::call_postfix bare = c;
    bare.options.clear();
    e->args = call_arguments(cx, bare, params, "constructor of " + target->name, where);
    if (e->args.size() != params.size()) return invalid(where);
    return value_item(where, std::move(e));
}

Item new_array(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 1, "array creation")) return invalid(where);
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::NewArray;
    e->type = callee.type;
    e->location = DataLocation::Memory;
    e->loc = where;
    auto n = expected_value(cx, c.arguments[0].get(), cx.types.uint(256));
    if (!n) return invalid(where);
    e->args.push_back(std::move(n));
    return value_item(where, std::move(e));
}

/// Picks the overload of `callee` that the arguments of `c` fit, as solc's argument-dependent lookup:
/// by count first, then the one overload every argument converts to implicitly. False (reported) when
/// none or several fit.
bool select_overload(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    if (callee.overloads.size() <= 1) return true;
    const size_t skip = callee.bound ? 1 : 0;  // the bound first parameter
    std::vector<const FunctionInfo*> fits;
    for (const FunctionInfo* f : callee.overloads)
        if (f->params.size() == c.arguments.size() + skip) fits.push_back(f);
    if (fits.size() > 1) {
        std::vector<const FunctionInfo*> typed;
        for (const FunctionInfo* f : fits) {
            const size_t mark = cx.diags.checkpoint();
            const size_t errors = cx.diags.error_count();
            std::vector<ExprPtr> args;
            for (size_t i = skip; i < f->params.size(); ++i)
                if (auto e = expected_value(cx, c.arguments[i - skip].get(), f->params[i]->type))
                    args.push_back(std::move(e));
            const bool ok = args.size() + skip == f->params.size() && cx.diags.error_count() == errors;
            cx.diags.rollback(mark);
            if (ok) typed.push_back(f);
        }
        fits = std::move(typed);
    }
    if (fits.size() != 1) {
        cx.error(where, std::string(fits.empty() ? "no matching" : "no unique") + " declaration of '" +
                            callee.overloads.front()->name + "' found after argument-dependent lookup");
        return false;
    }
    callee.function = fits.front();
    return true;
}

}  // namespace

Item call(Context& cx, Item callee, const ast::call_postfix& c, Location where) {
    if (rejected_named_arguments(cx, c)) return invalid(where);
    if ((callee.kind == Item::Kind::Function || callee.kind == Item::Kind::ExternalFunction) &&
        !select_overload(cx, callee, c, where))
        return invalid(where);
    switch (callee.kind) {
        case Item::Kind::Invalid:
            return invalid(where);
        case Item::Kind::Value:
            cx.error(where, "type " + callee.expr->type->name() + " is not callable");
            return invalid(where);
        case Item::Kind::Function:
            return internal_call(cx, callee, c, where);
        case Item::Kind::ExternalFunction:
            return external_call(cx, callee, c, where);
        case Item::Kind::TypeName:
            return type_call(cx, callee, c, where);
        case Item::Kind::Global:
            return global_call(cx, callee, c, where);
        case Item::Kind::AbiFunction:
            return abi_call(cx, callee, c, where);
        case Item::Kind::TypeOperator:
            return type_operator(cx, c, where);
        case Item::Kind::ArrayMember:
            return array_member_call(cx, callee, c, where);
        case Item::Kind::NewContract:
            return new_contract(cx, callee, c, where);
        case Item::Kind::NewArray:
            return new_array(cx, callee, c, where);
        case Item::Kind::Event:
            cx.error(callee.loc, "event invocations have to be prefixed by \"emit\"");
            return invalid(where);
        case Item::Kind::Error:
            cx.error(callee.loc,
                     "errors can only be used with revert statements: \"revert " + callee.name + "(...);\"");
            return invalid(where);
        default:
            break;
    }
    cx.error(where, "'" + callee.name + "' is not callable");
    return invalid(where);
}

}  // namespace trainchain::compiler::analysis
