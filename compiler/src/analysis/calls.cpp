// compiler/src/analysis/calls.cpp - the calls pass: calls of functions, built-ins, conversions and
// creations.
#include "analysis/calls.hpp"

#include <algorithm>

#include "analysis/constants.hpp"
#include "analysis/typing.hpp"
#include "trainchain/vm/keccak.hpp"

namespace trainchain::compiler::analysis {

std::vector<const ast::expression*> ordered_arguments(Context& cx, const ast::call_postfix& c,
                                                      const std::vector<std::string>* names,
                                                      const std::string& what, Location where, bool& ok) {
    ok = true;
    std::vector<const ast::expression*> out;
    if (!c.named) {
        for (const auto& a : c.arguments) out.push_back(&a.get());
        return out;
    }
    if (!names || !c.arguments.empty()) {
        cx.error(cx.at(*c.named), names ? "named and positional arguments cannot be mixed"
                                        : "named arguments cannot be used for " + what);
        ok = false;
        return out;
    }
    const auto& items = c.named->items;
    if (items.size() != names->size()) {
        cx.error(where, "wrong argument count for " + what + ": " + std::to_string(items.size()) +
                            " arguments given but expected " + std::to_string(names->size()));
        ok = false;
        return out;
    }
    for (size_t i = 0; i < items.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (items[i].first == items[j].first) {
                cx.error(cx.at(items[i].second.get()), "duplicate named argument \"" + items[i].first + "\"");
                ok = false;
                return out;
            }
    // Evaluated in the order of the declaration, as solc does.
    for (const auto& n : *names) {
        const ast::expression* found = nullptr;
        for (const auto& [name, value] : items)
            if (name == n) found = &value.get();
        if (!found) {
            for (const auto& [name, value] : items)
                if (std::find(names->begin(), names->end(), name) == names->end()) {
                    cx.error(cx.at(value.get()),
                             "named argument \"" + name + "\" does not match function declaration");
                    break;
                }
            ok = false;
            return {};
        }
        out.push_back(found);
    }
    return out;
}

std::vector<ExprPtr> call_arguments(Context& cx, const ast::call_postfix& c,
                                    const std::vector<const Type*>& params, const std::string& what,
                                    Location where, const std::vector<std::string>* names) {
    std::vector<ExprPtr> out;
    bool ok = true;
    const auto args = ordered_arguments(cx, c, names, what, where, ok);
    if (!ok) return out;
    if (!c.options.empty()) cx.error(where, "call options are not allowed here");
    if (args.size() != params.size()) {
        cx.error(where, "wrong argument count for " + what + ": " + std::to_string(args.size()) +
                            " arguments given but expected " + std::to_string(params.size()));
        return out;
    }
    for (size_t i = 0; i < params.size(); ++i) {
        auto e = expected_value(cx, *args[i], params[i]);
        if (!e) return {};
        out.push_back(std::move(e));
    }
    return out;
}

bool rejected_named_arguments(Context& cx, const ast::call_postfix& c) {
    if (!c.named) return false;
    cx.error(cx.at(*c.named), "named arguments cannot be used here; pass the arguments in order");
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

std::vector<std::string> param_names(const FunctionInfo& f) {
    std::vector<std::string> out;
    for (auto* p : f.params) out.push_back(p->name);
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
        auto names = param_names(f);
        names.erase(names.begin());
        auto rest = call_arguments(cx, c, params, "function call", where, &names);
        if (rest.size() != params.size()) return invalid(where);
        e->args.push_back(std::move(self));
        for (auto& a : rest) e->args.push_back(std::move(a));
    } else {
        const auto names = param_names(f);
        e->args = call_arguments(cx, c, params_of(f), "function call", where, &names);
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
    if (!callee.expr) {
        cx.error(callee.loc, "cannot call function via contract type name");
        return invalid(where);
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::ExternalCall;
    e->function = &f;
    e->loc = where;
    e->type = returns_type(cx, f);
    if (f.returns.size() == 1 && f.returns[0]->type->is_reference()) e->location = DataLocation::Memory;
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
    const auto names = param_names(f);
    auto args = call_arguments(cx, bare, params_of(f), "function call", where, &names);
    if (args.size() != f.params.size()) return invalid(where);
    for (auto& a : args)
        e->args.push_back(to_memory(std::move(a)));  // storage values are encoded from copies
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
        std::vector<std::string> names;
        for (const auto& m : t->struct_info->members) names.push_back(m.name);
        e->args = call_arguments(cx, c, members, "struct constructor", where, &names);
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
    e->kind = n == "keccak256" ? Expr::Kind::Keccak256
              : n == "sha256"  ? Expr::Kind::Sha256
                               : Expr::Kind::Ripemd160;
    e->type = cx.types.fixed_bytes(n == "ripemd160" ? 20 : 32);
    e->loc = where;
    e->args.push_back(std::move(arg));
    return value_item(where, std::move(e));
}

/// ecrecover(bytes32 hash, uint8 v, bytes32 r, bytes32 s) returns (address): the signer, or zero
/// for an invalid signature.
Item ecrecover_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 4, "ecrecover")) return invalid(where);
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Ecrecover;
    e->type = cx.types.address(false);
    e->loc = where;
    const Type* params[] = {cx.types.fixed_bytes(32), cx.types.uint(8), cx.types.fixed_bytes(32),
                            cx.types.fixed_bytes(32)};
    for (size_t i = 0; i < 4; ++i) {
        auto arg = expected_value(cx, c.arguments[i].get(), params[i]);
        if (!arg) return invalid(where);
        e->args.push_back(std::move(arg));
    }
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

/// require, assert, revert, keccak256, sha256, ripemd160, ecrecover, gasleft, blockhash and payable.
Item global_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    const std::string& n = callee.name;
    if (n == "require") return require_call(cx, c, where);
    if (n == "assert") return assert_call(cx, c, where);
    if (n == "revert") return revert_call(cx, c, where);
    if (n == "keccak256" || n == "sha256" || n == "ripemd160") return hash_call(cx, callee, c, where);
    if (n == "ecrecover") return ecrecover_call(cx, c, where);
    if (n == "gasleft") return gasleft_call(cx, c, where);
    if (n == "blockhash") return blockhash_call(cx, c, where);
    if (n == "payable") return payable_call(cx, c, where);
    cx.error(where, "'" + n + "' is not callable");
    return invalid(where);
}

/// One argument of abi.encode*: a value type or a memory `string`/`bytes` (mobile type), or for the
/// standard encoding a value of any type but mappings (storage values copied to memory).
ExprPtr abi_argument(Context& cx, const ast::expression& a, const std::string& fn, bool packed) {
    auto v = expression(cx, a);
    if (!v) return nullptr;
    if (v->type->kind == Type::Kind::IntLiteral && packed) {
        cx.error(v->loc,
                 "cannot perform packed encoding for a literal; convert it to an explicit type first");
        return nullptr;
    }
    v = mobile(cx, std::move(v));
    if (!v) return nullptr;
    if (v->type->is_byte_array() || !packed) v = to_memory(std::move(v));
    const bool encodable = v->type->is_byte_array() || (!packed && v->type->kind != Type::Kind::Mapping);
    if (!v->type->is_value() && !(encodable && v->location == DataLocation::Memory)) {
        cx.error(v->loc, "abi." + fn + " of type '" + v->type->name() + "' is not supported");
        return nullptr;
    }
    return v;
}

/// The components of a parenthesised list `(a, b)`; a lone expression is one component.
std::vector<const ast::expression*> tuple_components(const ast::expression& e, bool& ok) {
    ok = true;
    std::vector<const ast::expression*> out;
    const ast::operand* first = &e.chain.first;
    if (const auto* pf = boost::get<x3::forward_ast<ast::postfix_expression>>(&first->get()))
        if (pf->get().ops.empty()) first = &pf->get().primary;
    if (e.chain.rest.empty() && !e.conditional && !e.assignment)
        if (const auto* t = boost::get<x3::forward_ast<ast::tuple_expression>>(&first->get())) {
            for (const auto& c : t->get().components) {
                if (!c) {
                    ok = false;
                    return out;
                }
                out.push_back(&c->get());
            }
            return out;
        }
    out.push_back(&e);
    return out;
}

/// The type a type expression of abi.decode denotes (`uint8`, `bytes`, `uint256[]`, `C`); null
/// (reported) otherwise.
const Type* type_expression(Context& cx, const ast::expression& e) {
    const ast::postfix_expression* pf = nullptr;
    if (e.chain.rest.empty() && !e.conditional && !e.assignment)
        if (const auto* p = boost::get<x3::forward_ast<ast::postfix_expression>>(&e.chain.first.get()))
            pf = &p->get();
    size_t dims = 0;
    std::vector<const ast::index_postfix*> indices;
    if (pf && !pf->ops.empty()) {
        for (const auto& o : pf->ops) {
            const auto* ix = boost::get<ast::index_postfix>(&o.get());
            if (!ix) {
                dims = 0;
                pf = nullptr;
                break;
            }
            indices.push_back(ix);
            ++dims;
        }
    }
    Item base;
    if (pf && dims) {
        ast::operand primary = pf->primary;
        ast::expression inner;
        inner.chain.first = primary;
        base = expression_item(cx, inner);
    } else {
        base = expression_item(cx, e);
    }
    if (base.kind == Item::Kind::Invalid) return nullptr;
    if (base.kind != Item::Kind::TypeName) {
        cx.error(cx.at(e), "the second argument to \"abi.decode\" has to be a tuple of types");
        return nullptr;
    }
    const Type* t = base.type;
    for (size_t i = 0; i < dims; ++i) {
        std::optional<uint64_t> length;
        if (indices[i]->index) {
            // `T[k]`: k a literal (or constant) length.
            auto k = expression(cx, indices[i]->index->get());
            if (!k) return nullptr;
            const auto v = literal_value(*k);
            if (!v || *v <= 0 || *v >= 1000000000) {
                cx.error(k->loc, "array length must be a positive decimal number below 10^9");
                return nullptr;
            }
            length = static_cast<uint64_t>(*v);
        }
        t = cx.types.array(t, length);
    }
    return t;
}

Item abi_decode(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 2, "abi.decode")) return invalid(where);
    auto data = expected_value(cx, c.arguments[0].get(), cx.types.bytes_type());
    if (!data) return invalid(where);
    if (data->location != DataLocation::Memory) {
        cx.error(data->loc, "abi.decode of a storage value is not supported");
        return invalid(where);
    }
    bool ok = true;
    const auto comps = tuple_components(c.arguments[1].get(), ok);
    if (!ok) {
        cx.error(cx.at(c.arguments[1].get()),
                 "the second argument to \"abi.decode\" has to be a tuple of types");
        return invalid(where);
    }
    std::vector<const Type*> types;
    for (const auto* comp : comps) {
        const Type* t = type_expression(cx, *comp);
        if (!t) return invalid(where);
        if (t->kind == Type::Kind::Mapping) {
            cx.error(cx.at(*comp), "abi.decode of type '" + t->name() + "' is not supported");
            return invalid(where);
        }
        types.push_back(t);
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::AbiDecode;
    e->loc = where;
    if (types.size() == 1) {
        e->type = types[0];
        if (types[0]->is_reference()) e->location = DataLocation::Memory;
    } else {
        e->type = cx.types.tuple(types);
    }
    e->args.push_back(std::move(data));
    return value_item(where, std::move(e));
}

/// abi.encodeCall(C.f, (args)): the selector of f and its arguments, checked against its parameters.
Item abi_encode_call(Context& cx, const ast::call_postfix& c, Location where) {
    if (!plain_args(cx, c, where, 2, "abi.encodeCall")) return invalid(where);
    Item fn = expression_item(cx, c.arguments[0].get());
    if (fn.kind == Item::Kind::Invalid) return invalid(where);
    if (fn.kind != Item::Kind::ExternalFunction) {
        cx.error(cx.at(c.arguments[0].get()),
                 "expected first argument to be a function pointer, not \"" +
                     (fn.kind == Item::Kind::Value ? fn.expr->type->name() : fn.name) + "\"");
        return invalid(where);
    }
    const FunctionInfo& f = *fn.function;
    bool ok = true;
    const auto comps = tuple_components(c.arguments[1].get(), ok);
    if (!ok) {
        cx.error(cx.at(c.arguments[1].get()), "empty tuple components are not allowed here");
        return invalid(where);
    }
    if (comps.size() != f.params.size()) {
        cx.error(cx.at(c.arguments[1].get()),
                 "wrong argument count for function call: " + std::to_string(comps.size()) +
                     " arguments given but expected " + std::to_string(f.params.size()));
        return invalid(where);
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::AbiEncodeSel;
    e->type = cx.types.bytes_type();
    e->location = DataLocation::Memory;
    e->loc = where;
    e->args.push_back(constant(cx, cpp_int(f.selector) << 224, cx.types.fixed_bytes(4), where));
    for (size_t i = 0; i < comps.size(); ++i) {
        auto v = expected_value(cx, *comps[i], f.params[i]->type);
        if (!v) return invalid(where);
        e->args.push_back(to_memory(std::move(v)));
    }
    return value_item(where, std::move(e));
}

Item abi_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    if (!c.options.empty()) {
        cx.error(where, "call options are not allowed here");
        return invalid(where);
    }
    const std::string& fn = callee.name;
    if (fn == "decode") return abi_decode(cx, c, where);
    if (fn == "encodeCall") return abi_encode_call(cx, c, where);
    auto e = std::make_unique<Expr>();
    e->type = cx.types.bytes_type();
    e->location = DataLocation::Memory;
    e->loc = where;
    size_t first = 0;
    if (fn == "encodeWithSelector" || fn == "encodeWithSignature") {
        e->kind = Expr::Kind::AbiEncodeSel;
        if (c.arguments.empty()) {
            cx.error(where, "need at least 1 arguments for \"abi." + fn + "\"");
            return invalid(where);
        }
        first = 1;
        if (fn == "encodeWithSelector") {
            auto sel = expected_value(cx, c.arguments[0].get(), cx.types.fixed_bytes(4));
            if (!sel) return invalid(where);
            e->args.push_back(std::move(sel));
        } else {
            auto sig = expected_value(cx, c.arguments[0].get(), cx.types.string_type());
            if (!sig) return invalid(where);
            const Location at = sig->loc;
            if (sig->kind == Expr::Kind::StringConstant ||
                (sig->kind == Expr::Kind::Convert && sig->args[0]->kind == Expr::Kind::StringConstant)) {
                const std::string& text =
                    sig->kind == Expr::Kind::StringConstant ? sig->text : sig->args[0]->text;
                const auto h = vm::keccak256({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
                cpp_int v = 0;
                for (size_t i = 0; i < 4; ++i) v = (v << 8) | h.bytes[i];
                e->args.push_back(constant(cx, v << 224, cx.types.fixed_bytes(4), at));
            } else {
                if (sig->location != DataLocation::Memory) {
                    cx.error(at, "abi.encodeWithSignature of a storage string is not supported");
                    return invalid(where);
                }
                auto h = std::make_unique<Expr>();
                h->kind = Expr::Kind::Keccak256;
                h->type = cx.types.fixed_bytes(32);
                h->loc = at;
                h->args.push_back(std::move(sig));
                auto sel = conversion(cx, cx.types.fixed_bytes(4), std::move(h), at);
                if (!sel) return invalid(where);
                e->args.push_back(std::move(sel));
            }
        }
    } else {
        e->kind = fn == "encode" ? Expr::Kind::AbiEncode : Expr::Kind::AbiEncodePacked;
    }
    for (size_t i = first; i < c.arguments.size(); ++i) {
        auto v = abi_argument(cx, c.arguments[i].get(), fn, e->kind == Expr::Kind::AbiEncodePacked);
        if (!v) return invalid(where);
        e->args.push_back(std::move(v));
    }
    return value_item(where, std::move(e));
}

/// address.call/staticcall/delegatecall(data), address payable.transfer/send(value).
Item address_member_call(Context& cx, Item& callee, const ast::call_postfix& c, Location where) {
    const std::string& n = callee.name;
    auto e = std::make_unique<Expr>();
    e->loc = where;
    e->args.push_back(std::move(callee.expr));
    if (n == "transfer" || n == "send") {
        if (!plain_args(cx, c, where, 1, n)) return invalid(where);
        auto v = expected_value(cx, c.arguments[0].get(), cx.types.uint(256));
        if (!v) return invalid(where);
        e->kind = n == "transfer" ? Expr::Kind::Transfer : Expr::Kind::Send;
        e->type = n == "transfer" ? cx.types.void_type() : cx.types.boolean();
        e->args.push_back(std::move(v));
        return value_item(where, std::move(e));
    }
    e->kind = Expr::Kind::LowLevelCall;
    e->text = n;
    e->type = cx.types.tuple({cx.types.boolean(), cx.types.bytes_type()});
    for (const auto& [name, opt] : c.options) {
        if (name == "value" && n != "call") {
            cx.error(where, "cannot set option \"value\" for " + n + ".");
            return invalid(where);
        }
        if (name != "value" && name != "gas") {
            cx.error(where, "unknown call option \"" + name +
                                "\"; valid options are \"salt\", \"value\" and \"gas\"");
            return invalid(where);
        }
        ExprPtr& slot = name == "value" ? e->args_value : e->args_gas;
        if (slot) {
            cx.error(where, "option \"" + name + "\" has already been set");
            return invalid(where);
        }
        slot = expected_value(cx, opt.get(), cx.types.uint(256));
        if (!slot) return invalid(where);
        e->option_order.push_back(name == "value" ? 0 : 1);
    }
    if (c.arguments.size() != 1) {
        cx.error(where,
                 "wrong argument count for function call: " + std::to_string(c.arguments.size()) +
                     " arguments given but expected 1; this function requires a single bytes argument, use "
                     "\"\" for empty data");
        return invalid(where);
    }
    auto data = expected_value(cx, c.arguments[0].get(), cx.types.bytes_type());
    if (!data) return invalid(where);
    if (data->location != DataLocation::Memory) {
        cx.error(data->loc, "low-level calls with storage data are not supported");
        return invalid(where);
    }
    e->args.push_back(std::move(data));
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
    if (!t && id)
        if (auto ci = cx.contracts.find(id->name); ci != cx.contracts.end())
            t = cx.types.contract(ci->second);
    if (!t && id)
        if (const EnumInfo* en = cx.find_enum(id->name)) t = cx.types.enum_type(en);
    if (!t || !(t->is_integer() || t->kind == Type::Kind::Contract || t->kind == Type::Kind::Enum)) {
        cx.error(where, "type(...) is supported for integer, enum and contract types only");
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
        for (auto* p : ctor->params) params.push_back(p->type);
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
    std::vector<std::string> names;
    if (ctor) names = param_names(*ctor);
    e->args = call_arguments(cx, bare, params, "constructor of " + target->name, where, &names);
    if (e->args.size() != params.size()) return invalid(where);
    for (auto& a : e->args) a = to_memory(std::move(a));
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
    const bool named_ok = callee.kind == Item::Kind::Function ||
                          callee.kind == Item::Kind::ExternalFunction ||
                          callee.kind == Item::Kind::NewContract ||
                          (callee.kind == Item::Kind::TypeName && callee.type->kind == Type::Kind::Struct);
    if (!named_ok && rejected_named_arguments(cx, c)) return invalid(where);
    if ((callee.kind == Item::Kind::Function || callee.kind == Item::Kind::ExternalFunction) &&
        !select_overload(cx, callee, c, where))
        return invalid(where);
    switch (callee.kind) {
        case Item::Kind::Invalid:
            return invalid(where);
        case Item::Kind::Value: {
            const Type* ft = callee.expr->type;
            if (ft->kind != Type::Kind::Function) {
                cx.error(where, "type " + ft->name() + " is not callable");
                return invalid(where);
            }
            // A call through an internal function value: args[0] is the function, then the arguments.
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::PointerCall;
            e->loc = where;
            e->type = ft->returns.empty()       ? cx.types.void_type()
                      : ft->returns.size() == 1 ? ft->returns[0]
                                                : cx.types.tuple(ft->returns);
            auto args = call_arguments(cx, c, ft->members, "function call", where, nullptr);
            if (args.size() != ft->members.size()) return invalid(where);
            e->args.push_back(std::move(callee.expr));
            for (auto& a : args) e->args.push_back(std::move(a));
            return value_item(where, std::move(e));
        }
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
        case Item::Kind::AddrMember:
            return address_member_call(cx, callee, c, where);
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
