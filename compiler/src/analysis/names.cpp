// compiler/src/analysis/names.cpp - the declarations pass: file-level definitions, contracts and
// their members, storage layout, selectors and public getters.
#include "analysis/names.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/typing.hpp"
#include "trainchain/compiler/abi.hpp"

namespace trainchain::compiler::analysis {

namespace {

uint32_t selector_word(const std::string& sig) {
    const auto s = abi::selector(sig);
    return (uint32_t{s[0]} << 24) | (uint32_t{s[1]} << 16) | (uint32_t{s[2]} << 8) | s[3];
}

void define_struct(Context& cx, const ast::struct_definition& def, StructInfo& s) {
    cx.resolving_structs.insert(def.name.name);
    std::set<std::string> names;
    uint64_t slot = 0;
    unsigned used = 0;  // bytes used in the current slot
    for (const auto& m : def.members) {
        const Type* t = resolve_type(cx, m.type);
        if (!t) continue;
        if (t->kind == Type::Kind::Mapping) {
            cx.error(cx.at(m.type),
                     "struct members must be value types, string, bytes, arrays or structs, not '" +
                         t->name() + "'");
            continue;
        }
        if (!names.insert(m.name.name).second) {
            cx.error(cx.at(m.name), "identifier '" + m.name.name + "' already declared");
            continue;
        }
        StructMember sm;
        sm.name = m.name.name;
        sm.type = t;
        if (t->is_value()) {
            const unsigned size = t->storage_bytes();
            if (used + size > 32) {
                ++slot;
                used = 0;
            }
            sm.slot = slot;
            sm.offset = used;
            used += size;
        } else {  // nested struct, array, string or bytes: starts and ends a slot
            if (used > 0) ++slot;
            sm.slot = slot;
            slot += t->storage_slots();
            used = 0;
        }
        s.members.push_back(sm);
    }
    s.slots = slot + (used > 0 ? 1 : 0);
    if (s.slots == 0) s.slots = 1;
    if (def.members.empty()) cx.error(cx.at(def.name), "struct '" + def.name.name + "' has no members");
    cx.resolving_structs.erase(def.name.name);
}

/// An enum: at least one and at most 256 members, each named once.
std::unique_ptr<EnumInfo> make_enum(Context& cx, const ast::enum_definition& def) {
    auto info = std::make_unique<EnumInfo>();
    info->name = def.name.name;
    std::set<std::string> seen;
    for (const auto& m : def.members) {
        if (!seen.insert(m.name).second) {
            cx.error(cx.at(m), "identifier '" + m.name + "' already declared");
            return nullptr;
        }
        info->members.push_back(m.name);
    }
    if (info->members.size() > 256) {
        cx.error(cx.at(def.name), "enum with more than 256 members");
        return nullptr;
    }
    return info;
}

EventInfo* make_event(Context& cx, const ast::event_definition& def) {
    auto ev = std::make_unique<EventInfo>();
    ev->name = def.name.name;
    ev->anonymous = def.anonymous;
    std::string sig = ev->name + "(";
    size_t indexed = 0;
    for (const auto& p : def.parameters) {
        const Type* t = resolve_type(cx, p.type);
        if (!t) return nullptr;
        if (t->kind == Type::Kind::Mapping || t->kind == Type::Kind::Struct || t->kind == Type::Kind::Array) {
            cx.error(cx.at(p.type), "event parameters of type '" + t->name() + "' are not supported");
            return nullptr;
        }
        if (p.indexed) ++indexed;
        ev->params.push_back({p.name ? p.name->name : std::string{}, t, p.indexed});
        sig += (ev->params.size() > 1 ? "," : "") + t->abi_name();
    }
    if (indexed > (def.anonymous ? 4u : 3u)) {
        cx.error(cx.at(def.name),
                 "more than " + std::string(def.anonymous ? "4" : "3") + " indexed event parameters");
        return nullptr;
    }
    ev->signature = sig + ")";
    auto* raw = ev.get();
    (cx.contract ? cx.contract->events : cx.prog.events).push_back(std::move(ev));
    return raw;
}

ErrorInfo* make_error(Context& cx, const ast::error_definition& def) {
    auto er = std::make_unique<ErrorInfo>();
    er->name = def.name.name;
    std::string sig = er->name + "(";
    for (const auto& p : def.parameters) {
        const Type* t = resolve_type(cx, p.type);
        if (!t) return nullptr;
        if (!t->is_value() && !t->is_byte_array()) {
            cx.error(cx.at(p.type), "error parameters of type '" + t->name() + "' are not supported");
            return nullptr;
        }
        er->params.push_back({p.name ? p.name->name : std::string{}, t, false});
        sig += (er->params.size() > 1 ? "," : "") + t->abi_name();
    }
    er->signature = sig + ")";
    er->selector = selector_word(er->signature);
    auto* raw = er.get();
    (cx.contract ? cx.contract->errors : cx.prog.errors).push_back(std::move(er));
    return raw;
}

VarInfo* declare_param(Context& cx, const ast::variable_declaration& p, bool is_return, bool external) {
    const Type* t = resolve_type(cx, p.type);
    const Location where = cx.at(p);
    if (!t) return nullptr;
    if (p.indexed) cx.error(where, "'indexed' is only allowed on event parameters");
    DataLocation loc = DataLocation::None;
    if (t->is_reference()) {
        if (p.location.empty()) {
            cx.error(cx.at(p.type), "data location must be \"memory\" or \"calldata\" for " +
                                        std::string(is_return ? "return" : "parameter") + " of type '" +
                                        t->name() + "'");
            return nullptr;
        }
        if (p.location == "storage") {
            if (external) {
                cx.error(where, "storage parameters are only allowed in internal and private functions");
                return nullptr;
            }
            loc = DataLocation::Storage;
        } else {
            loc = DataLocation::Memory;  // calldata values are read into memory
            if (t->kind == Type::Kind::Mapping) {
                cx.error(where, "mappings can only live in storage");
                return nullptr;
            }
        }
    } else if (!p.location.empty()) {
        cx.error(where, "data location can only be given for array, struct, string or bytes types");
    }
    return new_local(cx, p.name ? p.name->name : std::string{}, t, loc, p.name ? cx.at(*p.name) : where);
}

void layout_storage(ContractInfo& c) {
    uint64_t slot = 0;
    unsigned used = 0;
    for (auto& v : c.state_vars) {
        if (v->is_constant) continue;
        if (v->is_immutable) {
            v->immutable_index = c.immutables.size();
            c.immutables.push_back(v.get());
            continue;
        }
        if (v->type->is_value()) {
            const unsigned size = v->type->storage_bytes();
            if (used + size > 32) {
                ++slot;
                used = 0;
            }
            v->slot = slot;
            v->offset = used;
            used += size;
        } else {
            if (used > 0) ++slot;
            v->slot = slot;
            v->offset = 0;
            slot += v->type->storage_slots();
            used = 0;
        }
    }
}

/// `name(type,...)` with the parameters' internal type names: the identity overriding and overloading
/// compare (solc compares parameter types the same way).
std::string function_key(const std::string& name, const std::vector<VarInfo*>& params) {
    std::string key = name + "(";
    for (size_t i = 0; i < params.size(); ++i) key += (i ? "," : "") + params[i]->type->name();
    return key + ")";
}

void declare_function(Context& cx, const ast::function_definition& def, ContractInfo& c) {
    auto f = std::make_unique<FunctionInfo>();
    f->ast = &def;
    f->loc = def.name ? cx.at(*def.name) : cx.at(def);
    if (def.kind == "constructor") {
        f->kind = FunctionInfo::Kind::Constructor;
        f->name = "constructor";
    } else if (def.kind == "receive") {
        f->kind = FunctionInfo::Kind::Receive;
        f->name = "receive";
    } else if (def.kind == "fallback") {
        f->kind = FunctionInfo::Kind::Fallback;
        f->name = "fallback";
    } else {
        f->name = def.name ? def.name->name : std::string{};
    }
    f->origin = cx.origin;
    const bool in_interface = cx.origin && cx.origin->kind == ContractInfo::Kind::Interface;
    f->is_virtual = in_interface;
    bool has_visibility = false;
    for (const auto& a : def.attributes) {
        if (const auto* mi = boost::get<ast::modifier_invocation>(&a.get())) {
            if (mi->name.name == "virtual") f->is_virtual = true;
            if (mi->name.name == "override") f->has_override = true;
        }
        if (const auto* kw = boost::get<std::string>(&a.get())) {
            if (*kw == "public" || *kw == "external" || *kw == "internal" || *kw == "private") {
                if (has_visibility) cx.error(f->loc, "visibility already specified");
                has_visibility = true;
                f->visibility = *kw == "public"     ? Visibility::Public
                                : *kw == "external" ? Visibility::External
                                : *kw == "internal" ? Visibility::Internal
                                                    : Visibility::Private;
            } else if (*kw == "view") {
                f->mutability = Mutability::View;
            } else if (*kw == "pure") {
                f->mutability = Mutability::Pure;
            } else if (*kw == "payable") {
                f->mutability = Mutability::Payable;
            }
        }
    }
    if (f->kind == FunctionInfo::Kind::Function && !has_visibility)
        cx.error(f->loc, "no visibility specified; did you intend to add \"public\"?");
    const bool own = f->origin == &c;
    if (f->kind == FunctionInfo::Kind::Constructor) {
        if (has_visibility && f->visibility != Visibility::Public)
            cx.error(f->loc, "constructor visibility must be public or omitted");
        if (in_interface) cx.error(f->loc, "interfaces cannot have a constructor");
        f->visibility = Visibility::Public;
        if (own) {
            if (c.constructor) cx.error(f->loc, "more than one constructor defined");
            c.constructor = f.get();
        }
    }
    if (f->kind == FunctionInfo::Kind::Receive || f->kind == FunctionInfo::Kind::Fallback) {
        if (f->visibility != Visibility::External)
            cx.error(f->loc, f->name + " function must be defined as \"external\"");
        if (f->kind == FunctionInfo::Kind::Receive && f->mutability != Mutability::Payable)
            cx.error(f->loc, "receive ether function must be payable");
        if (f->kind == FunctionInfo::Kind::Fallback) {
            // `fallback()` or `fallback(bytes calldata input) returns (bytes memory output)`.
            auto is_bytes = [](const std::vector<ast::variable_declaration>& list, const char* location) {
                if (list.size() != 1 || list[0].location != location || !list[0].type.dims.empty())
                    return false;
                const auto* id = boost::get<ast::identifier>(&list[0].type.base);
                return id && id->name == "bytes";
            };
            const bool plain = def.parameters.empty() && def.returns.empty();
            if (!plain && !(is_bytes(def.parameters, "calldata") && is_bytes(def.returns, "memory")))
                cx.error(def.returns.empty() ? f->loc : cx.at(def.returns[0]),
                         "fallback function either has to have the signature \"fallback()\" or "
                         "\"fallback(bytes calldata) returns (bytes memory)\"");
        } else if (!def.parameters.empty() || !def.returns.empty())
            cx.error(f->loc, f->name + " function cannot have parameters or return values");
        auto*& slot = f->kind == FunctionInfo::Kind::Receive ? c.receive : c.fallback;
        if (slot && slot->origin == f->origin)
            cx.error(f->loc, "only one " + f->name + " function is allowed");
        if (slot) const_cast<FunctionInfo*>(slot)->overridden = true;
        slot = f.get();
    }
    if (f->mutability == Mutability::Payable && !f->externally_visible())
        cx.error(f->loc, "internal and private functions cannot be payable");
    if (in_interface && def.body) cx.error(f->loc, "functions in interfaces cannot have an implementation");
    if (cx.origin && cx.origin->kind == ContractInfo::Kind::Library) {
        if (f->kind != FunctionInfo::Kind::Function)
            cx.error(f->loc, "libraries cannot have constructors, receive or fallback functions");
        else if (f->externally_visible())
            cx.error(f->loc,
                     "public and external library functions are not supported (they need a deployed "
                     "library and linking); make '" +
                         f->name + "' internal");
    }
    if (in_interface && f->kind == FunctionInfo::Kind::Function && f->visibility != Visibility::External)
        cx.error(f->loc, "functions in interfaces must be declared external");
    if (!def.body && f->kind == FunctionInfo::Kind::Constructor)
        cx.error(f->loc, "constructor must be implemented if declared");
    if (!def.body && !f->is_virtual && f->kind == FunctionInfo::Kind::Function)
        cx.error(f->loc, "functions without implementation must be marked virtual");

    const bool external = f->externally_visible();
    bool params_ok = true;
    for (const auto& p : def.parameters) {
        auto* v = declare_param(cx, p, false, external);
        if (v)
            f->params.push_back(v);
        else
            params_ok = false;
    }
    for (const auto& p : def.returns) {
        auto* v = declare_param(cx, p, true, external);
        if (v)
            f->returns.push_back(v);
        else
            params_ok = false;
    }
    if (!params_ok) return;
    // What the ABI code of this compiler can decode and encode.
    // Only the parameters of the constructor a deployment runs are decoded from the code's end; a
    // base constructor takes its arguments from the contract deriving from it.
    const bool decoded = f->kind != FunctionInfo::Kind::Constructor || (own && c.deployable());
    if (external && decoded) {
        auto check = [&](const VarInfo* v, bool is_param) {
            const Type* t = v->type;
            const bool ok = t->kind != Type::Kind::Mapping;  // arrays and structs are ABI tuples and arrays
            if (!ok)
                cx.error(v->declared_at,
                         std::string(is_param ? "parameter" : "return value") + " of type '" + t->name() +
                             "' is not supported in " +
                             (f->kind == FunctionInfo::Kind::Constructor ? "a constructor"
                                                                         : "an external or public function"));
        };
        for (auto* v : f->params) check(v, true);
        for (auto* v : f->returns) check(v, false);
    }
    if (external && f->kind == FunctionInfo::Kind::Function) {
        std::string sig = f->name + "(";
        for (size_t i = 0; i < f->params.size(); ++i) sig += (i ? "," : "") + f->params[i]->type->abi_name();
        f->signature = sig + ")";
        f->selector = selector_word(f->signature);
    }
    f->key = function_key(f->name, f->params);
    c.functions.push_back(std::move(f));
}

void make_getter(Context& cx, VarInfo& v, ContractInfo& c, bool has_override) {
    // The getter takes one parameter per mapping key and array index, as solc's does.
    auto f = std::make_unique<FunctionInfo>();
    f->name = v.name;
    f->kind = FunctionInfo::Kind::Getter;
    f->visibility = Visibility::External;
    f->mutability = v.is_constant ? Mutability::Pure : Mutability::View;
    f->loc = v.declared_at;
    f->has_override = has_override;
    ExprPtr e = std::make_unique<Expr>();
    e->kind = v.is_constant ? Expr::Kind::Constant
                            : (v.is_immutable ? Expr::Kind::Immutable : Expr::Kind::StateVar);
    e->type = v.type;
    e->var = &v;
    e->loc = v.declared_at;
    e->location = v.location;
    const Type* t = v.type;
    while (t->kind == Type::Kind::Mapping || t->kind == Type::Kind::Array) {
        const Type* key = t->kind == Type::Kind::Mapping ? t->key : cx.types.uint(256);
        auto* p = new_local(cx, "", key, DataLocation::None, v.declared_at);
        f->params.push_back(p);
        auto ix = std::make_unique<Expr>();
        ix->kind = Expr::Kind::Index;
        ix->type = t->element;
        ix->location = DataLocation::Storage;
        ix->loc = v.declared_at;
        ix->getter_index = true;
        ix->args.push_back(std::move(e));
        auto pe = std::make_unique<Expr>();
        pe->kind = Expr::Kind::Local;
        pe->type = key;
        pe->var = p;
        pe->loc = v.declared_at;
        ix->args.push_back(std::move(pe));
        e = std::move(ix);
        t = t->element;
    }
    auto body = std::make_unique<Stmt>();
    body->kind = Stmt::Kind::Block;
    auto ret = std::make_unique<Stmt>();
    ret->kind = Stmt::Kind::Return;
    ret->loc = v.declared_at;
    if (t->kind == Type::Kind::Struct) {
        // Returns the struct's members as a tuple.
        auto tuple = std::make_unique<Expr>();
        tuple->kind = Expr::Kind::Tuple;
        tuple->loc = v.declared_at;
        std::vector<const Type*> members;
        std::shared_ptr<Expr> base(std::move(e));
        for (size_t i = 0; i < t->struct_info->members.size(); ++i) {
            const auto& m = t->struct_info->members[i];
            if (!m.type->is_value() && !m.type->is_byte_array()) continue;  // solc's getters skip these
            auto* r =
                new_local(cx, m.name, m.type,
                          m.type->is_byte_array() ? DataLocation::Memory : DataLocation::None, v.declared_at);
            f->returns.push_back(r);
            auto me = std::make_unique<Expr>();
            me->kind = Expr::Kind::Member;
            me->type = m.type;
            me->member_index = i;
            me->location = DataLocation::Storage;
            me->loc = v.declared_at;
            // Each member access re-evaluates the path: copy the base chain.
            std::function<ExprPtr(const Expr&)> clone = [&](const Expr& x) {
                auto y = std::make_unique<Expr>();
                y->kind = x.kind;
                y->type = x.type;
                y->location = x.location;
                y->loc = x.loc;
                y->var = x.var;
                y->value = x.value;
                y->getter_index = x.getter_index;
                for (const auto& a : x.args) y->args.push_back(clone(*a));
                return y;
            };
            me->args.push_back(clone(*base));
            members.push_back(m.type);
            tuple->args.push_back(to_memory(std::move(me)));
        }
        tuple->type = cx.types.tuple(members);
        ret->expr = std::move(tuple);
    } else {
        f->returns.push_back(new_local(
            cx, "", t, t->is_byte_array() ? DataLocation::Memory : DataLocation::None, v.declared_at));
        ret->expr = to_memory(std::move(e));
    }
    body->body.push_back(std::move(ret));
    f->body = std::move(body);
    std::string sig = f->name + "(";
    for (size_t i = 0; i < f->params.size(); ++i) sig += (i ? "," : "") + f->params[i]->type->abi_name();
    f->signature = sig + ")";
    f->selector = selector_word(f->signature);
    f->origin = v.origin;
    f->key = function_key(f->name, f->params);
    c.functions.push_back(std::move(f));
}

/// A state variable of `c`, with its attributes checked.
void declare_state_variable(Context& cx, const ast::state_variable& v, ContractInfo& c) {
    const Type* t = resolve_type(cx, v.type);
    if (!t) return;
    auto var = std::make_unique<VarInfo>();
    var->name = v.name.name;
    var->type = t;
    var->is_state = true;
    var->declared_at = cx.at(v.name);
    var->location = t->is_reference() ? DataLocation::Storage : DataLocation::None;
    var->origin = cx.origin;
    std::set<std::string> seen;
    for (const auto& a : v.attributes) {
        if (!seen.insert(a).second) cx.error(cx.at(v.name), "'" + a + "' given twice");
        if (a == "public")
            var->is_public = true;
        else if (a == "constant")
            var->is_constant = true;
        else if (a == "immutable")
            var->is_immutable = true;
        else if (a == "private")
            var->is_private = true;
        else if (a != "internal" && a != "override")
            cx.error(cx.at(v.name), "'" + a + "' is not allowed on state variables");
    }
    if ((var->is_constant || var->is_immutable) && !t->is_value()) {
        cx.error(cx.at(v.type), std::string(var->is_constant ? "constant" : "immutable") +
                                    " state variables of type '" + t->name() + "' are not supported");
        return;
    }
    if (cx.origin && cx.origin->kind == ContractInfo::Kind::Library && !var->is_constant) {
        cx.error(cx.at(v.name), "library cannot have non-constant state variables");
        return;
    }
    if (var->is_constant && !v.initial) {
        cx.error(cx.at(v.name), "uninitialized \"constant\" variable");
        return;
    }
    if (auto it = cx.state.find(var->name); it != cx.state.end() && it->second->origin != var->origin) {
        cx.error(cx.at(v.name), "identifier '" + var->name + "' already declared (a state variable of '" +
                                    it->second->origin->name + "'; state variables cannot be shadowed)");
        return;
    }
    cx.state[var->name] = var.get();
    c.state_vars.push_back(std::move(var));
}

/// The structs, events and errors `c` defines itself (shared with the contracts deriving from it).
void declare_own_types(Context& cx, const ast::contract_definition& def, ContractInfo& c,
                       std::set<std::string>& names) {
    auto claim = [&](const ast::identifier& id) {
        if (!names.insert(id.name).second) {
            cx.error(cx.at(id), "identifier '" + id.name + "' already declared");
            return false;
        }
        return true;
    };
    for (const auto& m : def.members)
        if (const auto* s = boost::get<ast::struct_definition>(&m.get())) {
            if (!claim(s->name)) continue;
            auto info = std::make_unique<StructInfo>();
            info->name = s->name.name;
            info->owner = c.name;
            cx.structs[info->name] = info.get();
            c.structs.push_back(std::move(info));
        }
    for (const auto& m : def.members)
        if (const auto* e = boost::get<ast::enum_definition>(&m.get())) {
            if (!claim(e->name)) continue;
            if (auto info = make_enum(cx, *e)) {
                cx.enums[info->name] = info.get();
                c.enums.push_back(std::move(info));
            }
        }
    for (const auto& m : def.members)
        if (const auto* s = boost::get<ast::struct_definition>(&m.get()))
            if (auto it = cx.structs.find(s->name.name);
                it != cx.structs.end() && it->second->members.empty())
                define_struct(cx, *s, *it->second);
    for (const auto& m : def.members) {
        if (const auto* e = boost::get<ast::event_definition>(&m.get())) {
            if (auto* ev = make_event(cx, *e)) cx.events[ev->name] = ev;
        } else if (const auto* r = boost::get<ast::error_definition>(&m.get())) {
            if (!claim(r->name)) continue;
            if (auto* er = make_error(cx, *r)) cx.errors[er->name] = er;
        }
    }
}

template <typename T>
void add_once(std::vector<const T*>& list, const T* item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

/// Declares `c`: for each contract of its linearization, most basic first, that contract's state
/// variables, functions and modifiers as members of `c` (so the storage layout is solc's: the bases'
/// variables first), its structs, events and errors visible in `c`; then resolves overriding.
void declare_contract(Context& cx, ContractInfo& c) {
    enter_contract(cx, c);  // nothing declared yet: empty tables
    std::set<std::string> all_names;
    std::map<std::string, FunctionInfo*> final_by_key;
    std::map<std::string, std::vector<FunctionInfo*>> declared_by_key;
    std::map<std::string, ModifierInfo*> final_modifier;
    std::map<const ContractInfo*, const FunctionInfo*> constructors;
    for (auto it = c.linearization.rbegin(); it != c.linearization.rend(); ++it) {
        const ContractInfo* origin = *it;
        const ast::contract_definition& def = *cx.contract_defs[origin->name];
        cx.origin = origin;
        std::set<std::string> names;
        if (origin == &c) {
            declare_own_types(cx, def, c, names);
        } else {
            for (const auto& st : origin->structs) cx.structs[st->name] = st.get();
            for (const auto& en : origin->enums) cx.enums[en->name] = en.get();
            for (const auto& e : origin->events) {
                cx.events[e->name] = e.get();
                add_once(c.used_events, static_cast<const EventInfo*>(e.get()));
            }
            for (const auto& e : origin->errors) {
                cx.errors[e->name] = e.get();
                add_once(c.used_errors, static_cast<const ErrorInfo*>(e.get()));
            }
            for (const auto& st : origin->structs) names.insert(st->name);
            for (const auto& en : origin->enums) names.insert(en->name);
            for (const auto& e : origin->errors) names.insert(e->name);
        }
        auto claim = [&](const ast::identifier& id) {
            if (!names.insert(id.name).second) {
                cx.error(cx.at(id), "identifier '" + id.name + "' already declared");
                return false;
            }
            return true;
        };
        std::set<std::string> function_names;
        for (const auto& m : def.members) {
            if (const auto* v = boost::get<ast::state_variable>(&m.get())) {
                if (claim(v->name)) declare_state_variable(cx, *v, c);
            } else if (const auto* f = boost::get<ast::function_definition>(&m.get())) {
                if (f->name && !function_names.count(f->name->name) && names.count(f->name->name)) {
                    cx.error(cx.at(*f->name), "identifier '" + f->name->name + "' already declared");
                    continue;
                }
                if (f->name) {
                    function_names.insert(f->name->name);
                    names.insert(f->name->name);
                }
                const size_t before = c.functions.size();
                declare_function(cx, *f, c);
                if (c.functions.size() == before) continue;
                FunctionInfo* fi = c.functions.back().get();
                if (fi->kind == FunctionInfo::Kind::Constructor && origin != &c) constructors[origin] = fi;
                if (fi->kind != FunctionInfo::Kind::Function) continue;
                declared_by_key[fi->key].push_back(fi);
                auto [slot, fresh] = final_by_key.try_emplace(fi->key, fi);
                if (fresh) {
                    if (fi->has_override)
                        cx.error(fi->loc, "function has override specified but does not override anything");
                    continue;
                }
                FunctionInfo* old = slot->second;
                if (old->origin == fi->origin) {
                    cx.error(fi->loc, "function with same name and parameter types defined twice");
                    continue;
                }
                const bool implements_interface =
                    old->origin->kind == ContractInfo::Kind::Interface && !old->has_override;
                // When a base unrelated to the declaring one defines it too, that is a conflict for
                // the contract to resolve (reported below), not an override.
                const bool related = fi->origin->derives_from(old->origin);
                if (related && !old->is_virtual)
                    cx.error(fi->loc, "trying to override non-virtual function '" + old->name + "' of '" +
                                          old->origin->name + "'");
                else if (related && !fi->has_override && !implements_interface)
                    cx.error(fi->loc, "overriding function is missing \"override\" specifier");
                old->overridden = true;
                slot->second = fi;
            } else if (const auto* md = boost::get<ast::modifier_definition>(&m.get())) {
                if (!claim(md->name)) continue;
                auto info = std::make_unique<ModifierInfo>();
                info->name = md->name.name;
                info->ast = md;
                info->loc = cx.at(md->name);
                info->origin = origin;
                for (const auto& p : md->parameters) {
                    if (auto* param = declare_param(cx, p, false, false)) info->params.push_back(param);
                }
                if (auto old = final_modifier.find(info->name); old != final_modifier.end())
                    old->second->overridden = true;
                final_modifier[info->name] = info.get();
                cx.modifiers[info->name] = info.get();
                c.modifiers.push_back(std::move(info));
            } else if (const auto* e = boost::get<ast::event_definition>(&m.get())) {
                names.insert(e->name.name);
            }
        }
        all_names.insert(names.begin(), names.end());
    }
    cx.origin = &c;
    cx.member_names[&c] = all_names;
    layout_storage(c);
    for (auto& v : c.state_vars)
        if (v->is_public) {
            const auto& def = *cx.contract_defs[v->origin->name];
            bool has_override = false;
            for (const auto& m : def.members)
                if (const auto* sv = boost::get<ast::state_variable>(&m.get());
                    sv && sv->name.name == v->name)
                    for (const auto& a : sv->attributes) has_override = has_override || a == "override";
            cx.origin = v->origin;
            make_getter(cx, *v, c, has_override);
            FunctionInfo* g = c.functions.back().get();
            declared_by_key[g->key].push_back(g);
            auto [slot, fresh] = final_by_key.try_emplace(g->key, g);
            if (!fresh) {
                if (!slot->second->is_virtual)
                    cx.error(g->loc, "identifier '" + v->name + "' already declared");
                slot->second->overridden = true;
                slot->second = g;
            }
        }
    cx.origin = &c;
    // Two bases that define one function, neither deriving from the other: the contract must override it.
    for (const auto& [key, list] : declared_by_key) {
        const FunctionInfo* fin = final_by_key[key];
        for (const auto* other : list)
            if (!fin->origin->derives_from(other->origin)) {
                cx.error(c.loc, "derived contract must override function '" + fin->name +
                                    "': two or more base contracts define it with the same parameter types");
                break;
            }
    }
    // The bases' constructors, most derived first.
    for (size_t i = 1; i < c.linearization.size(); ++i)
        if (auto ctor = constructors.find(c.linearization[i]); ctor != constructors.end())
            c.base_constructors.push_back({ctor->second, {}});
    if (c.deployable())
        for (const auto& [key, f] : final_by_key) {
            const auto* def = static_cast<const ast::function_definition*>(f->ast);
            if (!def || def->body) continue;  // getters have no definition
            cx.error(c.loc, "contract '" + c.name + "' should be marked as abstract: function '" + f->name +
                                "' of '" + f->origin->name + "' has no implementation");
            break;
        }
    // Selectors must be unique among the externally visible functions.
    std::map<uint32_t, const FunctionInfo*> selectors;
    for (const auto& f : c.functions) {
        if (!f->externally_visible() || f->overridden || f->kind == FunctionInfo::Kind::Constructor ||
            f->kind == FunctionInfo::Kind::Receive || f->kind == FunctionInfo::Kind::Fallback)
            continue;
        auto [it, fresh] = selectors.emplace(f->selector, f.get());
        if (!fresh) cx.error(f->loc, "function signature hash collision for " + f->signature);
    }
    cx.contract = nullptr;
    cx.origin = nullptr;
}

void declare_file_level(Context& cx, const ast::source_unit& unit) {
    for (const auto& el : unit.elements)
        if (const auto* e = boost::get<ast::enum_definition>(&el.get())) {
            if (cx.file_enums.count(e->name.name) || cx.file_structs.count(e->name.name)) {
                cx.error(cx.at(e->name), "identifier '" + e->name.name + "' already declared");
                continue;
            }
            if (auto info = make_enum(cx, *e)) {
                cx.file_enums[info->name] = info.get();
                cx.prog.enums.push_back(std::move(info));
            }
        }
    for (const auto& el : unit.elements) {
        if (const auto* s = boost::get<ast::struct_definition>(&el.get())) {
            if (cx.file_structs.count(s->name.name)) {
                cx.error(cx.at(s->name), "identifier '" + s->name.name + "' already declared");
                continue;
            }
            auto info = std::make_unique<StructInfo>();
            info->name = s->name.name;
            cx.file_structs[info->name] = info.get();
            cx.prog.structs.push_back(std::move(info));
        } else if (const auto* p = boost::get<ast::pragma_directive>(&el.get())) {
            const auto& t = p->text;
            if (t.rfind("solidity", 0) == 0 && t.find("0.8") == std::string::npos &&
                t.find('>') == std::string::npos)
                cx.diags.warning(cx.at(*p), "this compiler implements a subset of Solidity 0.8; pragma '" +
                                                t + "' may not match");
        }
    }
    // File-level structs may refer to each other; define them after all names are known.
    for (const auto& el : unit.elements)
        if (const auto* s = boost::get<ast::struct_definition>(&el.get()))
            if (auto it = cx.file_structs.find(s->name.name);
                it != cx.file_structs.end() && it->second->members.empty())
                define_struct(cx, *s, *it->second);
    for (const auto& el : unit.elements) {
        if (const auto* e = boost::get<ast::event_definition>(&el.get())) {
            if (auto* ev = make_event(cx, *e)) cx.file_events[ev->name] = ev;
        } else if (const auto* r = boost::get<ast::error_definition>(&el.get())) {
            if (auto* er = make_error(cx, *r)) cx.file_errors[er->name] = er;
        }
    }
}

}  // namespace

const StructInfo* Context::find_struct(const std::string& name) const {
    if (auto it = structs.find(name); it != structs.end()) return it->second;
    if (auto it = file_structs.find(name); it != file_structs.end()) return it->second;
    return nullptr;
}

const EnumInfo* Context::find_enum(const std::string& name) const {
    if (auto it = enums.find(name); it != enums.end()) return it->second;
    if (auto it = file_enums.find(name); it != file_enums.end()) return it->second;
    return nullptr;
}

const EventInfo* Context::find_event(const std::string& name) const {
    if (auto it = events.find(name); it != events.end()) return it->second;
    if (auto it = file_events.find(name); it != file_events.end()) return it->second;
    return nullptr;
}

const ErrorInfo* Context::find_error(const std::string& name) const {
    if (auto it = errors.find(name); it != errors.end()) return it->second;
    if (auto it = file_errors.find(name); it != file_errors.end()) return it->second;
    return nullptr;
}

VarInfo* Context::find_var(const std::string& name) {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it)
        if (auto v = it->vars.find(name); v != it->vars.end()) return v->second;
    return nullptr;
}

VarInfo* new_local(Context& cx, const std::string& name, const Type* type, DataLocation loc, Location where) {
    auto v = std::make_unique<VarInfo>();
    v->name = name;
    v->type = type;
    v->location = loc;
    v->declared_at = where;
    v->local_id = cx.next_local++;
    auto* raw = v.get();
    cx.contract->locals.push_back(std::move(v));
    return raw;
}

namespace {

/// C3 linearization of `c` (solc's: the bases as written, the right-most the most derived); empty
/// (reported) when the bases cannot be linearized.
bool linearize(Context& cx, ContractInfo& c, std::set<ContractInfo*>& visiting) {
    if (!c.linearization.empty()) return true;
    if (visiting.size() > max_linearization) {  // a chain of bases deeper than any linearization may be
        cx.error(c.loc, "inheritance graph too large (more than " + std::to_string(max_linearization) +
                            " contracts in a linearization)");
        return false;
    }
    if (!visiting.insert(&c).second) {
        cx.error(c.loc, "definition of base has to precede definition of derived contract ('" + c.name +
                            "' inherits from itself)");
        return false;
    }
    const auto& def = *cx.contract_defs[c.name];
    std::vector<ContractInfo*> bases;
    for (const auto& b : def.bases) {
        std::string name = b.name.name;
        if (auto al = cx.aliases.find(name); al != cx.aliases.end()) name = al->second;
        auto it = cx.contracts.find(name);
        if (it == cx.contracts.end()) {
            cx.error(cx.at(b.name), "identifier '" + b.name.name + "' not found or not a contract");
            return false;
        }
        ContractInfo* base = it->second;
        if (base == &c || !linearize(cx, *base, visiting)) {
            if (base == &c) cx.error(cx.at(b.name), "contract '" + c.name + "' cannot inherit from itself");
            return false;
        }
        if (c.kind == ContractInfo::Kind::Interface && base->kind != ContractInfo::Kind::Interface) {
            cx.error(cx.at(b.name), "interfaces can only inherit from other interfaces");
            return false;
        }
        if (base->kind == ContractInfo::Kind::Library || c.kind == ContractInfo::Kind::Library) {
            cx.error(cx.at(b.name), "libraries cannot be inherited from and cannot inherit");
            return false;
        }
        if (std::find(bases.begin(), bases.end(), base) != bases.end()) {
            cx.error(cx.at(b.name), "base '" + b.name.name + "' is listed twice");
            return false;
        }
        bases.push_back(base);
    }
    size_t total = 1;
    for (const auto* b : bases) total += b->linearization.size();
    if (total > max_linearization * 4) {
        cx.error(c.loc, "inheritance graph too large (more than " + std::to_string(max_linearization) +
                            " contracts in a linearization)");
        return false;
    }
    // merge(L(Bn), ..., L(B1), [Bn, ..., B1])
    std::vector<std::vector<const ContractInfo*>> lists;
    for (auto b = bases.rbegin(); b != bases.rend(); ++b) lists.push_back((*b)->linearization);
    std::vector<const ContractInfo*> direct(bases.rbegin(), bases.rend());
    lists.push_back(direct);
    std::vector<const ContractInfo*> out{&c};
    while (true) {
        bool any = false;
        for (const auto& l : lists) any = any || !l.empty();
        if (!any) break;
        const ContractInfo* pick = nullptr;
        for (const auto& l : lists) {
            if (l.empty()) continue;
            const ContractInfo* head = l.front();
            bool in_tail = false;
            for (const auto& other : lists)
                if (std::find(other.begin() + (other.empty() ? 0 : 1), other.end(), head) != other.end())
                    in_tail = true;
            if (!in_tail) {
                pick = head;
                break;
            }
        }
        if (!pick) {
            cx.error(c.loc, "linearization of inheritance graph impossible");
            return false;
        }
        out.push_back(pick);
        for (auto& l : lists) l.erase(std::remove(l.begin(), l.end(), pick), l.end());
    }
    if (out.size() > max_linearization) {
        cx.error(c.loc, "inheritance graph too large (more than " + std::to_string(max_linearization) +
                            " contracts in a linearization)");
        return false;
    }
    c.linearization = std::move(out);
    visiting.erase(&c);
    return true;
}

}  // namespace

void declare(Context& cx, const ast::source_unit& unit) {
    declare_file_level(cx, unit);
    // Contract names first: contracts may use each other as types.
    for (const auto& el : unit.elements) {
        if (const auto* def = boost::get<ast::contract_definition>(&el.get())) {
            const std::string& name = def->name.name;
            if (cx.contracts.count(name) || cx.file_structs.count(name)) {
                cx.error(cx.at(def->name), "identifier '" + name + "' already declared");
                continue;
            }
            auto c = std::make_unique<ContractInfo>();
            c->name = name;
            c->loc = cx.at(def->name);
            c->kind = def->kind == "interface" ? ContractInfo::Kind::Interface
                      : def->kind == "library" ? ContractInfo::Kind::Library
                                               : ContractInfo::Kind::Contract;
            c->is_abstract = def->is_abstract;
            if (def->is_abstract && def->kind != "contract")
                cx.error(cx.at(def->name), "only contracts can be abstract");
            cx.contracts[name] = c.get();
            cx.contract_defs[name] = def;
            cx.prog.contracts.push_back(std::move(c));
        }
    }
    for (const auto& el : unit.elements)
        if (const auto* u = boost::get<ast::using_directive>(&el.get())) cx.file_usings.push_back(u);
    // Import aliases: `import {A as B} from "x";` makes B another name of A.
    for (const auto& el : unit.elements)
        if (const auto* imp = boost::get<ast::import_directive>(&el.get())) {
            if (imp->star_alias || imp->unit_alias)
                cx.error(cx.at(imp->star_alias ? *imp->star_alias : *imp->unit_alias),
                         "importing a file as a name ('as " +
                             (imp->star_alias ? imp->star_alias : imp->unit_alias)->name +
                             "') is not supported; import it whole or name its symbols");
            for (const auto& sym : imp->symbols) {
                if (!sym.alias || sym.alias->name == sym.name.name) continue;
                const std::string& from = sym.name.name;
                const std::string& to = sym.alias->name;
                if (cx.contracts.count(to) || cx.file_structs.count(to) || cx.aliases.count(to)) {
                    cx.error(cx.at(*sym.alias), "identifier '" + to + "' already declared");
                    continue;
                }
                cx.aliases[to] = from;
                if (auto c = cx.contracts.find(from); c != cx.contracts.end()) cx.contracts[to] = c->second;
                if (auto s = cx.file_structs.find(from); s != cx.file_structs.end())
                    cx.file_structs[to] = s->second;
                if (auto e = cx.file_errors.find(from); e != cx.file_errors.end())
                    cx.file_errors[to] = e->second;
                if (auto e = cx.file_events.find(from); e != cx.file_events.end())
                    cx.file_events[to] = e->second;
            }
        }
    // Bases before the contracts deriving from them.
    std::vector<ContractInfo*> order;
    for (auto& c : cx.prog.contracts) {
        std::set<ContractInfo*> visiting;
        if (!linearize(cx, *c, visiting)) c->linearization = {c.get()};
    }
    for (auto& c : cx.prog.contracts) order.push_back(c.get());
    // Libraries first (contracts name their structs and enums as `L.S`), then by linearization length.
    std::stable_sort(order.begin(), order.end(), [](const ContractInfo* a, const ContractInfo* b) {
        const bool la = a->kind == ContractInfo::Kind::Library, lb = b->kind == ContractInfo::Kind::Library;
        if (la != lb) return la;
        return a->linearization.size() < b->linearization.size();
    });
    for (auto* c : order) declare_contract(cx, *c);
}

void enter_contract(Context& cx, ContractInfo& c) {
    cx.contract = &c;
    cx.origin = &c;
    cx.structs.clear();
    cx.events.clear();
    cx.errors.clear();
    cx.functions.clear();
    cx.modifiers.clear();
    cx.state.clear();
    cx.enums.clear();
    for (auto it = c.linearization.rbegin(); it != c.linearization.rend(); ++it) {
        for (auto& s : (*it)->structs) cx.structs[s->name] = s.get();
        for (auto& e : (*it)->enums) cx.enums[e->name] = e.get();
        for (auto& e : (*it)->events) cx.events[e->name] = e.get();
        for (auto& e : (*it)->errors) cx.errors[e->name] = e.get();
    }
    for (auto& f : c.functions)
        if ((f->kind == FunctionInfo::Kind::Function || f->kind == FunctionInfo::Kind::Getter) &&
            !f->overridden)
            cx.functions[f->name].push_back(f.get());
    for (auto& m : c.modifiers)
        if (!m->overridden) cx.modifiers[m->name] = m.get();
    for (auto& v : c.state_vars) cx.state[v->name] = v.get();
}

std::vector<const FunctionInfo*> Context::visible_functions(const std::string& name) const {
    std::vector<const FunctionInfo*> out;
    auto it = functions.find(name);
    if (it == functions.end()) return out;
    for (const FunctionInfo* f : it->second) {
        if (f->kind == FunctionInfo::Kind::Getter) continue;  // a state variable here, not a function
        // Visible when `origin` or one of its bases declares this overload (the final override may
        // come from a contract deriving from `origin`).
        bool visible = !origin;
        for (const auto& g : contract->functions)
            if (g->key == f->key && g->kind == FunctionInfo::Kind::Function && origin &&
                origin->derives_from(g->origin) &&
                (g->visibility != Visibility::Private || g->origin == origin))
                visible = true;
        if (visible) out.push_back(f);
    }
    return out;
}

}  // namespace trainchain::compiler::analysis
