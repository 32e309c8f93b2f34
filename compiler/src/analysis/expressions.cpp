// compiler/src/analysis/expressions.cpp - the expressions pass: names, literals, tuples, member
// access and indexing.
#include "analysis/expressions.hpp"

#include <algorithm>
#include <set>

#include "analysis/calls.hpp"
#include "analysis/constants.hpp"
#include "analysis/operators.hpp"
#include "analysis/typing.hpp"

namespace trainchain::compiler::analysis {

namespace {

Item identifier_item(Context& cx, const ast::identifier& id);
Item postfix_item(Context& cx, const ast::postfix_expression& p);

/// A constant known from the type of `from` alone (`from` is kept with it; see Expr::folded).
ExprPtr folded_constant(Context& cx, const cpp_int& v, const Type* t, Location where, ExprPtr from) {
    auto c = constant(cx, v, t, where);
    c->folded.push_back(std::move(from));
    return c;
}

Item operand_item(Context& cx, const ast::operand& o) {
    struct Visitor {
        Context& cx;
        using result_type = Item;
        Item value(ExprPtr e) const {
            Item it;
            if (!e) return it;
            it.kind = Item::Kind::Value;
            it.loc = e->loc;
            it.expr = std::move(e);
            return it;
        }
        Item operator()(const ast::nil&) const { return {}; }
        Item operator()(const ast::number_literal& n) const {
            auto v = number(cx, n);
            if (!v) return {};
            auto e = literal(cx, *v, cx.at(n));
            std::string digits;
            for (char ch : n.text)
                if (ch != '_') digits += ch;
            if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') &&
                digits.size() % 2 == 0)
                e->hex_bytes = (digits.size() - 2) / 2;
            return value(std::move(e));
        }
        Item operator()(const ast::bool_literal& b) const {
            return value(constant(cx, b.value ? 1 : 0, cx.types.boolean(), cx.at(b)));
        }
        Item operator()(const ast::string_literal& s) const {
            auto e = string_constant(cx, s.value, cx.at(s));
            if (s.is_hex) {
                e->type = cx.types.bytes_type();
                e->location = DataLocation::Memory;
            }
            return value(std::move(e));
        }
        Item operator()(const ast::identifier& id) const { return identifier_item(cx, id); }
        Item operator()(const x3::forward_ast<ast::tuple_expression>& t) const {
            const auto& tuple = t.get();
            if (tuple.components.size() == 1 && tuple.components[0])
                return value(expression(cx, tuple.components[0]->get()));
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::Tuple;
            e->loc = cx.at(tuple);
            std::vector<const Type*> members;
            for (const auto& c : tuple.components) {
                if (!c) {
                    auto empty = std::make_unique<Expr>();
                    empty->kind = Expr::Kind::Empty;
                    empty->type = cx.types.void_type();
                    empty->loc = e->loc;
                    members.push_back(empty->type);
                    e->args.push_back(std::move(empty));
                    continue;
                }
                auto v = expression(cx, c->get());
                if (!v) return {};
                members.push_back(v->type);
                e->args.push_back(std::move(v));
            }
            e->type = cx.types.tuple(members);
            return value(std::move(e));
        }
        Item operator()(const x3::forward_ast<ast::new_expression>& n) const {
            const auto& ne = n.get();
            Item it;
            it.loc = cx.at(ne);
            const Type* t = resolve_type(cx, ne.type);
            if (!t) return {};
            if (t->kind == Type::Kind::Contract) {
                it.kind = Item::Kind::NewContract;
                it.type = t;
                it.name = "new " + t->contract->name;
                return it;
            }
            if (t->kind == Type::Kind::Array && !t->length) {
                it.kind = Item::Kind::NewArray;
                it.type = t;
                it.name = "new " + t->name();
                return it;
            }
            cx.error(it.loc, "'new' of type '" + t->name() + "' is not supported");
            return {};
        }
        Item operator()(const x3::forward_ast<ast::unary>& u) const { return value(unary(cx, u.get())); }
        Item operator()(const x3::forward_ast<ast::postfix_expression>& p) const {
            return postfix_item(cx, p.get());
        }
    };
    return boost::apply_visitor(Visitor{cx}, o.get());
}

Item identifier_item(Context& cx, const ast::identifier& id) {
    Item it;
    it.loc = cx.at(id);
    it.name = id.name;
    const std::string& n = id.name;
    if (VarInfo* v = cx.find_var(n)) {
        v->used = true;
        it.kind = Item::Kind::Value;
        it.expr = std::make_unique<Expr>();
        it.expr->kind = Expr::Kind::Local;
        it.expr->type = v->type;
        it.expr->var = v;
        it.expr->location = v->location;
        it.expr->loc = it.loc;
        return it;
    }
    if (auto s = cx.state.find(n); s != cx.state.end()) {
        VarInfo* v = s->second;
        it.kind = Item::Kind::Value;
        if (v->is_constant) {
            for (const auto& [var, init] : cx.contract->initializers)
                if (var == v) {
                    it.expr = constant(cx, int_of(init->value, v->type->is_signed()), v->type, it.loc);
                    it.expr->var = v;
                    return it;
                }
            cx.error(it.loc, "constant '" + n + "' is used before its value is known");
            return {};
        }
        it.expr = std::make_unique<Expr>();
        it.expr->kind = v->is_immutable ? Expr::Kind::Immutable : Expr::Kind::StateVar;
        it.expr->type = v->type;
        it.expr->var = v;
        it.expr->location = v->location;
        it.expr->loc = it.loc;
        return it;
    }
    if (auto fs = cx.visible_functions(n); !fs.empty()) {
        it.kind = Item::Kind::Function;
        it.function = fs.front();
        it.overloads = std::move(fs);
        return it;
    }
    if (const EventInfo* ev = cx.find_event(n)) {
        it.kind = Item::Kind::Event;
        it.event = ev;
        return it;
    }
    if (const ErrorInfo* er = cx.find_error(n)) {
        it.kind = Item::Kind::Error;
        it.error = er;
        return it;
    }
    if (const StructInfo* s = cx.find_struct(n)) {
        it.kind = Item::Kind::TypeName;
        it.type = cx.types.struct_type(s);
        return it;
    }
    if (const EnumInfo* en = cx.find_enum(n)) {
        it.kind = Item::Kind::TypeName;
        it.type = cx.types.enum_type(en);
        return it;
    }
    if (auto c = cx.contracts.find(n); c != cx.contracts.end()) {
        it.kind = Item::Kind::TypeName;
        it.type = cx.types.contract(c->second);
        return it;
    }
    if (const Type* t = elementary(cx, n)) {
        it.kind = Item::Kind::TypeName;
        it.type = t;
        return it;
    }
    static const std::set<std::string> globals = {"require",   "assert",    "revert",    "keccak256",
                                                  "sha256",    "ripemd160", "ecrecover", "gasleft",
                                                  "blockhash", "payable"};
    static const std::set<std::string> magic = {"msg", "block", "tx", "abi"};
    if (globals.count(n)) {
        it.kind = Item::Kind::Global;
        return it;
    }
    if (magic.count(n)) {
        it.kind = Item::Kind::Magic;
        return it;
    }
    if (n == "type") {
        it.kind = Item::Kind::TypeOperator;
        return it;
    }
    if (n == "this") {
        it.kind = Item::Kind::Value;
        it.expr = std::make_unique<Expr>();
        it.expr->kind = Expr::Kind::BuiltinValue;
        it.expr->builtin = Builtin::This;
        it.expr->type = cx.types.contract(cx.contract);
        it.expr->loc = it.loc;
        return it;
    }
    if (n == "super") {
        it.kind = Item::Kind::Super;
        return it;
    }
    static const std::set<std::string> unsupported = {"selfdestruct", "suicide", "addmod", "mulmod", "now"};
    if (unsupported.count(n)) {
        cx.error(it.loc, "'" + n + "' is not supported");
        return {};
    }
    if (cx.modifiers.count(n)) {
        cx.error(it.loc, "modifier '" + n + "' can only be used in a function header");
        return {};
    }
    // A name whose declaration was rejected: that error was reported already.
    for (const auto& scope : cx.scopes)
        if (scope.rejected.count(n)) return {};
    if (auto names = cx.member_names.find(cx.contract);
        names != cx.member_names.end() && names->second.count(n))
        return {};
    cx.error(it.loc, "undeclared identifier '" + n + "'");
    return {};
}

/// True when a value of `from` converts implicitly to `to`: what binding a library function to a
/// value with `using … for` asks of the function's first parameter.
bool binds(const Type* from, const Type* to) {
    if (from == to) return true;
    if (from->kind == Type::Kind::Uint && to->kind == Type::Kind::Uint) return from->bits <= to->bits;
    if (from->kind == Type::Kind::Int && to->kind == Type::Kind::Int) return from->bits <= to->bits;
    if (from->kind == Type::Kind::Uint && to->kind == Type::Kind::Int) return from->bits < to->bits;
    if (from->kind == Type::Kind::Address && to->kind == Type::Kind::Address) return !to->payable;
    if (from->kind == Type::Kind::Contract && to->kind == Type::Kind::Contract)
        return from->contract->derives_from(to->contract);
    return false;
}

/// `e.name` as a library function bound by a `using … for` directive of the contract being checked
/// (directives are not inherited, as in solc) or of the files: an Invalid item when none is, and
/// `e` is then left alone.
Item bound_function(Context& cx, ExprPtr& e, const std::string& name, Location where) {
    std::vector<const ast::using_directive*> usings = cx.file_usings;
    if (cx.origin)
        for (const auto& m : cx.contract_defs.at(cx.origin->name)->members)
            if (const auto* u = boost::get<ast::using_directive>(&m.get())) usings.push_back(u);
    Item it;
    it.loc = where;
    it.name = name;
    for (const auto* u : usings) {
        if (!u->type.wildcard && resolve_type(cx, u->type.type) != e->type) continue;
        for (const auto& path : u->target.paths) {
            if (path.empty() || (path.size() == 2) != u->target.braced || path.size() > 2) continue;
            if (path.size() == 2 && path[1].name != name) continue;
            std::string lib = path[0].name;
            if (auto al = cx.aliases.find(lib); al != cx.aliases.end()) lib = al->second;
            auto c = cx.contracts.find(lib);
            if (c == cx.contracts.end() || c->second->kind != ContractInfo::Kind::Library) continue;
            for (const auto& f : c->second->functions)
                if (f->kind == FunctionInfo::Kind::Function && f->name == name && !f->params.empty() &&
                    binds(e->type, f->params[0]->type) &&
                    std::find(it.overloads.begin(), it.overloads.end(), f.get()) == it.overloads.end())
                    it.overloads.push_back(f.get());
        }
    }
    if (it.overloads.empty()) return {};
    it.kind = Item::Kind::Function;
    it.function = it.overloads.front();
    it.bound = true;
    it.expr = std::move(e);
    return it;
}

/// `C.name` for a library or a base `C` of the contract being checked: the library's function (or
/// constant), or the base's own version of the function (a call that is not virtual).
Item contract_member(Context& cx, const ContractInfo* target, const std::string& name, Location where) {
    Item it;
    it.loc = where;
    it.name = name;
    const bool library = target->kind == ContractInfo::Kind::Library;
    if (!library && !cx.contract->derives_from(target)) return {};
    const auto& functions = library ? target->functions : cx.contract->functions;
    for (const auto& f : functions)
        if (f->kind == FunctionInfo::Kind::Function && f->name == name && f->origin == target)
            it.overloads.push_back(f.get());
    if (!it.overloads.empty()) {
        it.kind = Item::Kind::Function;
        it.function = it.overloads.front();
        return it;
    }
    if (library)
        for (const auto& [var, init] : target->initializers)
            if (var->is_constant && var->name == name) {
                it.kind = Item::Kind::Value;
                it.expr = constant(cx, int_of(init->value, var->type->is_signed()), var->type, where);
                it.expr->var = var;
                return it;
            }
    return {};
}

/// `super.name`: for each overload of `name`, the function of the first contract after the one being
/// checked in the linearization of the contract being generated that defines it (a static call).
Item super_member(Context& cx, const std::string& name, Location where) {
    Item it;
    it.loc = where;
    it.name = name;
    const auto& lin = cx.contract->linearization;
    const auto self = std::find(lin.begin(), lin.end(), cx.origin);
    std::set<std::string> keys;
    for (auto c = self == lin.end() ? lin.end() : self + 1; c != lin.end(); ++c)
        for (const auto& f : cx.contract->functions)
            if (f->origin == *c && f->name == name && f->kind == FunctionInfo::Kind::Function &&
                f->visibility != Visibility::Private && keys.insert(f->key).second) {
                const auto* def = static_cast<const ast::function_definition*>(f->ast);
                if (def && !def->body) continue;  // unimplemented: not callable through super
                it.overloads.push_back(f.get());
            }
    if (it.overloads.empty()) {
        cx.error(where,
                 "member '" + name + "' not found or not visible after argument-dependent lookup in super");
        return {};
    }
    it.kind = Item::Kind::Function;
    it.function = it.overloads.front();
    return it;
}

/// The type `t` named `name` at `where`, as an item (a conversion, construction or enum member base).
Item type_name_item(const Type* t, const std::string& name, Location where) {
    Item it;
    it.kind = Item::Kind::TypeName;
    it.type = t;
    it.name = name;
    it.loc = where;
    return it;
}

/// `e` as the value a member access at `where` denotes.
Item member_value(Location where, ExprPtr e) {
    Item v;
    v.kind = Item::Kind::Value;
    v.loc = where;
    v.expr = std::move(e);
    return v;
}

/// An environment value (`msg.sender`, `block.number`, ...) of type `t`.
Item builtin_member(Builtin b, const Type* t, Location where) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::BuiltinValue;
    e->builtin = b;
    e->type = t;
    e->loc = where;
    return member_value(where, std::move(e));
}

/// A member of `msg`, `block`, `tx` or `abi`.
Item magic_member(Context& cx, const Item& base, const std::string& name, Location where) {
    auto builtin = [&](Builtin b, const Type* t) { return builtin_member(b, t, where); };
    Item it;
    it.loc = where;
    it.name = name;
    if (base.name == "msg") {
        if (name == "sender") {
            return builtin(Builtin::MsgSender, cx.types.address());
        }
        if (name == "value") {
            return builtin(Builtin::MsgValue, cx.types.uint(256));
        }
        if (name == "data") {
            auto data = builtin(Builtin::MsgData, cx.types.bytes_type());
            data.expr->location = DataLocation::Memory;
            return data;
        }
        if (name == "sig") return builtin(Builtin::MsgSig, cx.types.fixed_bytes(4));
    } else if (base.name == "block") {
        if (name == "number") return builtin(Builtin::BlockNumber, cx.types.uint(256));
        if (name == "timestamp") return builtin(Builtin::BlockTimestamp, cx.types.uint(256));
        if (name == "coinbase") return builtin(Builtin::BlockCoinbase, cx.types.address(true));
        if (name == "prevrandao" || name == "difficulty")
            return builtin(Builtin::BlockPrevrandao, cx.types.uint(256));
        if (name == "gaslimit") return builtin(Builtin::BlockGasLimit, cx.types.uint(256));
        if (name == "chainid") return builtin(Builtin::BlockChainId, cx.types.uint(256));
        if (name == "basefee") return builtin(Builtin::BlockBaseFee, cx.types.uint(256));
    } else if (base.name == "tx") {
        if (name == "origin") return builtin(Builtin::TxOrigin, cx.types.address());
        if (name == "gasprice") return builtin(Builtin::TxGasPrice, cx.types.uint(256));
    } else if (base.name == "abi") {
        if (name == "encode" || name == "encodePacked" || name == "encodeWithSelector" ||
            name == "encodeWithSignature" || name == "encodeCall" || name == "decode") {
            it.kind = Item::Kind::AbiFunction;
            return it;
        }
    }
    cx.error(where, "member '" + name + "' of '" + base.name + "' is not supported");
    return {};
}

/// A member of a value: a struct field, an array's length, push and pop, an address's balance, a
/// contract's external function.
Item value_member(Context& cx, ExprPtr e, const std::string& name, Location where) {
    if (Item b = bound_function(cx, e, name, where); b.kind == Item::Kind::Function) return b;
    auto value = [&](ExprPtr v) { return member_value(where, std::move(v)); };
    Item it;
    it.loc = where;
    it.name = name;
    const Type* t = e->type;
    if (t->kind == Type::Kind::Struct) {
        const auto& members = t->struct_info->members;
        for (size_t i = 0; i < members.size(); ++i)
            if (members[i].name == name) {
                auto me = std::make_unique<Expr>();
                me->kind = Expr::Kind::Member;
                me->type = members[i].type;
                me->member_index = i;
                me->location = e->location;
                me->loc = where;
                me->args.push_back(std::move(e));
                return value(std::move(me));
            }
        cx.error(where, "member '" + name + "' not found in " + t->name());
        return {};
    }
    if (t->kind == Type::Kind::Array || t->is_byte_array()) {
        if (name == "length") {
            if (t->kind == Type::Kind::Array && t->length)
                return value(folded_constant(cx, *t->length, cx.types.uint(256), where, std::move(e)));
            auto le = std::make_unique<Expr>();
            le->kind = Expr::Kind::ArrayLength;
            le->type = cx.types.uint(256);
            le->loc = where;
            le->args.push_back(std::move(e));
            return value(std::move(le));
        }
        if ((name == "push" || name == "pop") &&
            ((t->kind == Type::Kind::Array && !t->length) || t->kind == Type::Kind::Bytes) &&
            e->location == DataLocation::Storage) {
            it.kind = Item::Kind::ArrayMember;
            it.expr = std::move(e);
            return it;
        }
        cx.error(where, "member '" + name + "' not found or not supported on " + t->name() +
                            (e->location == DataLocation::Storage ? " storage" : " memory"));
        return {};
    }
    if (t->kind == Type::Kind::Address) {
        if (name == "balance") {
            auto be = std::make_unique<Expr>();
            be->kind = Expr::Kind::Balance;
            be->type = cx.types.uint(256);
            be->loc = where;
            be->args.push_back(std::move(e));
            return value(std::move(be));
        }
        if (name == "call" || name == "staticcall" || name == "delegatecall" || name == "transfer" ||
            name == "send") {
            if ((name == "transfer" || name == "send") && !t->payable) {
                cx.error(where,
                         "\"send\" and \"transfer\" are only available for objects of type \"address "
                         "payable\", not \"address\"");
                return {};
            }
            it.kind = Item::Kind::AddrMember;
            it.expr = std::move(e);
            return it;
        }
        cx.error(where, "member '" + name + "' of address is not supported");
        return {};
    }
    if (t->kind == Type::Kind::Contract) {
        for (const auto& f : t->contract->functions) {
            if (f->name != name || !f->externally_visible() || f->overridden ||
                f->kind == FunctionInfo::Kind::Constructor)
                continue;
            it.overloads.push_back(f.get());
        }
        if (!it.overloads.empty()) {
            it.kind = Item::Kind::ExternalFunction;
            it.function = it.overloads.front();
            it.expr = std::move(e);
            return it;
        }
        cx.error(where, "member '" + name + "' not found or not visible in " + t->name());
        return {};
    }
    if (t->kind == Type::Kind::FixedBytes && name == "length")
        return value(folded_constant(cx, t->bits / 8, cx.types.uint(8), where, std::move(e)));
    cx.error(where, "member '" + name + "' not found in " + t->name());
    return {};
}

Item member(Context& cx, Item base, const ast::member_postfix& m) {
    const std::string& name = m.member.name;
    const Location where = base.loc.line ? base.loc : cx.at(m.member);
    auto value = [&](ExprPtr e) { return member_value(where, std::move(e)); };
    if (base.kind == Item::Kind::Magic) return magic_member(cx, base, name, where);
    if (base.kind == Item::Kind::Super) return super_member(cx, name, where);
    if (base.kind == Item::Kind::TypeInfo) {
        const Type* t = base.type;
        if ((name == "max" || name == "min") && t->kind == Type::Kind::Enum)
            return value(constant(cx, name == "max" ? cpp_int(t->enum_info->members.size() - 1) : cpp_int(0),
                                  t, where));
        if ((name == "max" || name == "min") && t->is_integer()) {
            const cpp_int maxv = (one << (t->is_signed() ? t->bits - 1 : t->bits)) - 1;
            const cpp_int minv = t->is_signed() ? cpp_int(-(one << (t->bits - 1))) : cpp_int(0);
            return value(constant(cx, name == "max" ? maxv : minv, t, where));
        }
        if (t->kind == Type::Kind::Contract && (name == "creationCode" || name == "runtimeCode")) {
            if (name == "runtimeCode" && !t->contract->immutables.empty()) {
                cx.error(where,
                         "\"runtimeCode\" is not available for contracts containing immutable variables");
                return {};
            }
            if (t->contract == cx.contract) {
                cx.error(where,
                         "circular reference for contract code access (cannot access the code of the same "
                         "contract)");
                return {};
            }
            cx.contract->creates.push_back(t->contract);
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::CreationCode;
            e->text = name;  // "creationCode" or "runtimeCode"
            e->contract = t->contract;
            e->type = cx.types.bytes_type();
            e->location = DataLocation::Memory;
            e->loc = where;
            return value(std::move(e));
        }
        if (t->kind == Type::Kind::Contract && name == "name")
            return value(string_constant(cx, t->contract->name, where));
        if (t->kind == Type::Kind::Contract && name == "interfaceId") {
            // The XOR of the selectors of the interface's own functions (not the inherited ones).
            if (t->contract->kind != ContractInfo::Kind::Interface) {
                cx.error(where, "'interfaceId' is only available for interfaces");
                return {};
            }
            uint32_t id = 0;
            for (const auto& f : t->contract->functions)
                if (f->origin == t->contract && f->kind == FunctionInfo::Kind::Function) id ^= f->selector;
            return value(constant(cx, cpp_int(id) << 224, cx.types.fixed_bytes(4), where));
        }
        cx.error(where, "member '" + name + "' of type(" + t->name() + ") is not supported");
        return {};
    }
    if (base.kind == Item::Kind::TypeName && base.type->kind == Type::Kind::Enum) {
        const auto& members = base.type->enum_info->members;
        const auto pos = std::find(members.begin(), members.end(), name);
        if (pos == members.end()) {
            cx.error(where, "member '" + name + "' not found in " + base.type->name());
            return {};
        }
        return value(constant(cx, cpp_int(pos - members.begin()), base.type, where));
    }
    if (base.kind == Item::Kind::TypeName && base.type->kind == Type::Kind::Contract) {
        Item found = contract_member(cx, base.type->contract, name, where);
        if (found.kind != Item::Kind::Invalid) return found;
        // `C.f`: an external function of C without an address, for abi.encodeCall(C.f, (...)).
        for (const auto& f : base.type->contract->functions) {
            if (f->name != name || !f->externally_visible() || f->overridden ||
                f->kind != FunctionInfo::Kind::Function)
                continue;
            Item it;
            it.kind = Item::Kind::ExternalFunction;
            it.function = f.get();
            it.loc = where;
            it.name = base.type->contract->name + "." + name;
            return it;
        }
        // `C.S` / `C.E`: a struct or enum that C itself defines (solc does not look in C's bases here).
        for (const auto& s : base.type->contract->structs)
            if (s->name == name) return type_name_item(cx.types.struct_type(s.get()), name, where);
        for (const auto& e : base.type->contract->enums)
            if (e->name == name) return type_name_item(cx.types.enum_type(e.get()), name, where);
    }
    if (base.kind == Item::Kind::TypeName) {
        // Members of a type: `string.concat(...)`, `bytes.concat(...)`, `C.f.selector`, ...
        cx.error(where, "'" + base.type->name() + "." + name + "' is not supported");
        return {};
    }
    if (base.kind != Item::Kind::Value) {
        (void)value_of(cx, std::move(base));
        return {};
    }
    return value_member(cx, std::move(base.expr), name, where);
}

Item index(Context& cx, Item base, const ast::index_postfix& ix, Location where) {
    Item result;
    if (base.kind == Item::Kind::TypeName) {
        cx.error(where, "array types are only supported in declarations and 'new' expressions");
        return result;
    }
    auto e = value_of(cx, std::move(base));
    if (!e) return result;
    if (!ix.index) {
        cx.error(where, "index expression cannot be omitted");
        return result;
    }
    const Type* t = e->type;
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Index;
    out->loc = where;
    if (t->kind == Type::Kind::Mapping) {
        auto key = expected_value(cx, ix.index->get(), t->key);
        if (!key) return result;
        out->type = t->element;
        out->location = DataLocation::Storage;
        out->args.push_back(std::move(e));
        out->args.push_back(std::move(key));
    } else if (t->kind == Type::Kind::Array) {
        auto i = expected_value(cx, ix.index->get(), cx.types.uint(256));
        if (!i) return result;
        if (t->length && i->kind == Expr::Kind::Constant && !(i->value < vm::uint256(*t->length))) {
            cx.error(i->loc, "out of bounds array access");
            return result;
        }
        out->type = t->element;
        out->location = e->location;
        out->args.push_back(std::move(e));
        out->args.push_back(std::move(i));
    } else if (t->kind == Type::Kind::FixedBytes || t->kind == Type::Kind::Bytes) {
        // b[i]: one byte, as bytes1.
        auto i = expected_value(cx, ix.index->get(), cx.types.uint(256));
        if (!i) return result;
        if (t->kind == Type::Kind::FixedBytes && i->kind == Expr::Kind::Constant &&
            !(i->value < vm::uint256(t->bits / 8))) {
            cx.error(i->loc, "out of bounds array access");
            return result;
        }
        out->type = cx.types.fixed_bytes(1);
        out->location = t->kind == Type::Kind::Bytes ? e->location : DataLocation::None;
        out->args.push_back(std::move(e));
        out->args.push_back(std::move(i));
    } else {
        cx.error(where, "indexed expression has to be a mapping or an array, not " + t->name());
        return result;
    }
    result.kind = Item::Kind::Value;
    result.loc = where;
    result.expr = std::move(out);
    return result;
}

Item postfix_item(Context& cx, const ast::postfix_expression& p) {
    Item it = operand_item(cx, p.primary);
    // Every step of the chain is an expression that starts where the primary starts: errors
    // point there, as solc's do.
    const Location start = it.kind == Item::Kind::Invalid ? cx.at(p) : it.loc;
    for (const auto& op : p.ops) {
        if (it.kind == Item::Kind::Invalid) return it;
        it.loc = start;
        if (it.expr && it.kind == Item::Kind::Value) it.expr->loc = start;
        if (const auto* m = boost::get<ast::member_postfix>(&op.get())) {
            it = member(cx, std::move(it), *m);
        } else if (const auto* c = boost::get<ast::call_postfix>(&op.get())) {
            it = call(cx, std::move(it), *c, start);
        } else if (const auto* ix = boost::get<ast::index_postfix>(&op.get())) {
            it = index(cx, std::move(it), *ix, start);
        } else if (const auto* inc = boost::get<ast::increment_postfix>(&op.get())) {
            auto target = value_of(cx, std::move(it));
            it = {};
            if (!target) return it;
            if (!is_lvalue(*target) || target->kind == Expr::Kind::Tuple || !target->type->is_integer()) {
                cx.error(cx.at(*inc), "operator " + inc->op + " needs an integer variable");
                return it;
            }
            check_lvalue(cx, *target);
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::IncDec;
            e->type = target->type;
            e->loc = cx.at(*inc);
            e->increment = inc->op == "++";
            e->prefix = false;
            e->checked = !cx.unchecked;
            e->args.push_back(std::move(target));
            it.kind = Item::Kind::Value;
            it.loc = e->loc;
            it.expr = std::move(e);
        }
    }
    return it;
}

}  // namespace

ExprPtr expected_value(Context& cx, const ast::expression& e, const Type* expected) {
    auto v = expression(cx, e, expected);
    if (!v) return nullptr;
    if (v->type->kind == Type::Kind::Tuple || v->type->kind == Type::Kind::Void) {
        if (expected) {
            cx.error(cx.at(e), "expression has no single value to convert to " + expected->name());
            return nullptr;
        }
    }
    return implicit(cx, std::move(v), expected, cx.at(e));
}

ExprPtr expression(Context& cx, const ast::expression& e, const Type* expected) {
    if (e.assignment) return assignment(cx, e);
    auto c = chain(cx, e.chain);
    if (!e.conditional || !c) return c;
    c = implicit(cx, std::move(c), cx.types.boolean(), cx.at(e.chain));
    auto t = expression(cx, e.conditional->if_true.get(), expected);
    auto f = expression(cx, e.conditional->if_false.get(), expected);
    if (!c || !t || !f) return nullptr;
    // A common type: literals adopt the other side's type.
    if (t->type->kind == Type::Kind::IntLiteral && f->type->kind == Type::Kind::IntLiteral) {
        if (expected && expected->is_integer()) {
            t = implicit(cx, std::move(t), expected, cx.at(e.conditional->if_true.get()));
            f = implicit(cx, std::move(f), expected, cx.at(e.conditional->if_false.get()));
        } else {
            t = mobile(cx, std::move(t));
            f = mobile(cx, std::move(f));
            if (t && f && t->type != f->type) {
                const Type* wide = t->type->bits >= f->type->bits ? t->type : f->type;
                t = implicit(cx, std::move(t), wide, cx.at(e.conditional->if_true.get()));
                f = implicit(cx, std::move(f), wide, cx.at(e.conditional->if_false.get()));
            }
        }
    } else if (t->type->kind == Type::Kind::IntLiteral || t->type->kind == Type::Kind::StringLiteral) {
        t = implicit(cx, std::move(t), f->type, cx.at(e.conditional->if_true.get()));
    } else if (f->type->kind == Type::Kind::IntLiteral || f->type->kind == Type::Kind::StringLiteral) {
        f = implicit(cx, std::move(f), t->type, cx.at(e.conditional->if_false.get()));
    } else if (t->type != f->type) {
        // The common type: whichever side the other converts to implicitly.
        auto widens = [](const Type* from, const Type* to) {
            return (from->kind == to->kind && (from->is_integer() || from->kind == Type::Kind::FixedBytes) &&
                    from->bits <= to->bits) ||
                   (from->kind == Type::Kind::Uint && to->kind == Type::Kind::Int && from->bits < to->bits) ||
                   (from->kind == Type::Kind::Address && to->kind == Type::Kind::Address && !to->payable);
        };
        if (widens(t->type, f->type))
            t = implicit(cx, std::move(t), f->type, cx.at(e.conditional->if_true.get()));
        else
            f = implicit(cx, std::move(f), t->type, cx.at(e.conditional->if_false.get()));
        if (!t || !f) return nullptr;
    }
    if (!t || !f) return nullptr;
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Conditional;
    out->type = t->type;
    out->location = t->location;
    out->loc = cx.at(e);
    if (t->type->is_reference() && t->location != f->location) {
        cx.error(cx.at(e), "true and false expressions must live in the same data location");
        return nullptr;
    }
    out->args.push_back(std::move(c));
    out->args.push_back(std::move(t));
    out->args.push_back(std::move(f));
    return out;
}

ExprPtr operand(Context& cx, const ast::operand& o) { return value_of(cx, operand_item(cx, o)); }

Item expression_item(Context& cx, const ast::expression& e) {
    if (e.chain.rest.empty() && !e.conditional && !e.assignment) return operand_item(cx, e.chain.first);
    Item it;
    it.expr = expression(cx, e);
    if (!it.expr) return it;
    it.kind = Item::Kind::Value;
    it.loc = it.expr->loc;
    return it;
}

ExprPtr value_of(Context& cx, Item item) {
    switch (item.kind) {
        case Item::Kind::Value:
            return std::move(item.expr);
        case Item::Kind::Invalid:
            return nullptr;
        case Item::Kind::Function:
            if (item.overloads.size() <= 1 && !item.bound && item.function &&
                item.function->kind == FunctionInfo::Kind::Function &&
                item.function->visibility != Visibility::External) {
                // An internal function as a value of an internal function type.
                const FunctionInfo& f = *item.function;
                std::vector<const Type*> params, returns;
                for (auto* p : f.params) params.push_back(p->type);
                for (auto* r : f.returns) returns.push_back(r->type);
                bool values = true;
                for (auto* t : params) values = values && t->is_value();
                for (auto* t : returns) values = values && t->is_value();
                if (values) {
                    const int mutability = f.mutability == Mutability::Pure      ? 0
                                           : f.mutability == Mutability::View    ? 1
                                           : f.mutability == Mutability::Payable ? 3
                                                                                 : 2;
                    auto e = std::make_unique<Expr>();
                    e->kind = Expr::Kind::FunctionRef;
                    e->function = &f;
                    e->type = cx.types.function(std::move(params), std::move(returns), mutability);
                    e->loc = item.loc;
                    return e;
                }
            }
            [[fallthrough]];
        case Item::Kind::ExternalFunction:
            cx.error(item.loc,
                     "function '" + item.name + "' must be called; function values are not supported");
            return nullptr;
        case Item::Kind::TypeName:
            cx.error(item.loc, "type '" + item.type->name() +
                                   "' is not a value; did you mean to convert with " + item.name + "(...)?");
            return nullptr;
        case Item::Kind::Event:
        case Item::Kind::Error:
            cx.error(item.loc,
                     "'" + item.name + "' can only be used in " +
                         (item.kind == Item::Kind::Event ? "an emit statement" : "a revert statement"));
            return nullptr;
        default:
            cx.error(item.loc, "'" + item.name + "' is not a value");
            return nullptr;
    }
}

}  // namespace trainchain::compiler::analysis
