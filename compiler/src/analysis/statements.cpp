// compiler/src/analysis/statements.cpp - statements and bodies: modifiers and functions typed into
// checked statements, with their scopes and unused-variable warnings.
#include "analysis/statements.hpp"

#include <algorithm>

#include "analysis/calls.hpp"
#include "analysis/expressions.hpp"
#include "analysis/names.hpp"
#include "analysis/typing.hpp"

namespace trainchain::compiler::analysis {

namespace {

StmtPtr statement(Context& cx, const ast::statement& s);
StmtPtr block(Context& cx, const ast::block& b, bool new_scope = true);
StmtPtr local_declaration(Context& cx, const ast::local_declaration& d);
StmtPtr return_statement(Context& cx, const ast::return_statement& r);
StmtPtr emit_statement(Context& cx, const ast::emit_statement& e);
StmtPtr revert_statement(Context& cx, const ast::revert_statement& r);
StmtPtr try_statement(Context& cx, const ast::try_statement& t);

/// Appends `item` unless `list` holds it.
template <class T>
void add_once(std::vector<T>& list, const T& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

/// `Name(args)` as the whole expression (what `emit` and `revert` take): the name and the call,
/// or nulls when the expression has another shape.
std::pair<const ast::identifier*, const ast::call_postfix*> named_call(const ast::expression& e) {
    if (!e.chain.rest.empty() || e.conditional || e.assignment) return {nullptr, nullptr};
    const auto* pf = boost::get<x3::forward_ast<ast::postfix_expression>>(&e.chain.first.get());
    if (!pf || pf->get().ops.size() != 1) return {nullptr, nullptr};
    return {boost::get<ast::identifier>(&pf->get().primary.get()),
            boost::get<ast::call_postfix>(&pf->get().ops[0].get())};
}

StmtPtr block(Context& cx, const ast::block& b, bool new_scope) {
    auto out = std::make_unique<Stmt>();
    out->kind = Stmt::Kind::Block;
    out->loc = cx.at(b);
    if (new_scope) cx.scopes.emplace_back();
    const bool saved_unchecked = cx.unchecked;
    if (b.unchecked) {
        if (cx.unchecked) cx.error(cx.at(b), "\"unchecked\" blocks cannot be nested");
        cx.unchecked = true;
    }
    for (const auto& s : b.statements)
        if (auto st = statement(cx, s)) out->body.push_back(std::move(st));
    cx.unchecked = saved_unchecked;
    if (new_scope) cx.scopes.pop_back();
    return out;
}

StmtPtr body_statement(Context& cx, const ast::statement& s) {
    if (const auto* d = boost::get<ast::local_declaration>(&s.get())) {
        cx.error(cx.at(*d), "variable declarations can only be used inside blocks");
        return nullptr;
    }
    return statement(cx, s);
}

StmtPtr statement(Context& cx, const ast::statement& s) {
    struct Visitor {
        Context& cx;
        using result_type = StmtPtr;
        StmtPtr operator()(const ast::local_declaration& d) const { return local_declaration(cx, d); }
        StmtPtr operator()(const ast::expression_statement& e) const {
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Expression;
            st->loc = cx.at(e);
            st->expr = expression(cx, e.expr);
            if (!st->expr) return nullptr;
            return st;
        }
        StmtPtr operator()(const ast::return_statement& r) const { return return_statement(cx, r); }
        StmtPtr operator()(const ast::emit_statement& e) const { return emit_statement(cx, e); }
        StmtPtr operator()(const ast::revert_statement& r) const { return revert_statement(cx, r); }
        StmtPtr operator()(const ast::break_statement& b) const {
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Break;
            st->loc = cx.at(b);
            return st;
        }
        StmtPtr operator()(const ast::continue_statement& c) const {
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Continue;
            st->loc = cx.at(c);
            return st;
        }
        StmtPtr operator()(const ast::placeholder_statement& p) const {
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Placeholder;
            st->loc = cx.at(p);
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::block>& b) const { return block(cx, b.get()); }
        StmtPtr operator()(const x3::forward_ast<ast::if_statement>& f) const {
            const auto& i = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::If;
            st->loc = cx.at(i);
            st->expr = expected_value(cx, i.condition, cx.types.boolean());
            cx.scopes.emplace_back();
            st->body.push_back(body_statement(cx, i.then_branch));
            cx.scopes.pop_back();
            if (i.else_branch) {
                cx.scopes.emplace_back();
                st->body.push_back(body_statement(cx, *i.else_branch));
                cx.scopes.pop_back();
            }
            if (!st->expr) return nullptr;
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::for_statement>& f) const {
            const auto& fs = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::For;
            st->loc = cx.at(fs);
            cx.scopes.emplace_back();
            st->body.push_back(fs.init ? statement(cx, *fs.init) : nullptr);
            if (fs.condition) st->expr = expected_value(cx, *fs.condition, cx.types.boolean());
            if (fs.post) st->post = expression(cx, *fs.post);
            cx.scopes.emplace_back();
            st->body.push_back(body_statement(cx, fs.body));
            cx.scopes.pop_back();
            cx.scopes.pop_back();
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::while_statement>& f) const {
            const auto& w = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::While;
            st->loc = cx.at(w);
            st->expr = expected_value(cx, w.condition, cx.types.boolean());
            cx.scopes.emplace_back();
            st->body.push_back(body_statement(cx, w.body));
            cx.scopes.pop_back();
            if (!st->expr) return nullptr;
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::try_statement>& t) const {
            return try_statement(cx, t.get());
        }
        StmtPtr operator()(const x3::forward_ast<ast::do_while_statement>& f) const {
            const auto& d = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::DoWhile;
            st->loc = cx.at(d);
            cx.scopes.emplace_back();
            st->body.push_back(body_statement(cx, d.body));
            cx.scopes.pop_back();
            st->expr = expected_value(cx, d.condition, cx.types.boolean());
            if (!st->expr) return nullptr;
            return st;
        }
    };
    if (cx.diags.error_count() >= Diagnostics::max_errors) return nullptr;
    return boost::apply_visitor(Visitor{cx}, s.get());
}

/// The data location of a local reference variable of type `t`: false (reported) when the
/// declaration gives none, or one the type cannot live in.
bool local_location(Context& cx, const ast::variable_declaration& v, const Type* t, DataLocation& loc) {
    if (v.location.empty()) {
        cx.error(cx.at(v.type), "data location must be \"storage\" or \"memory\" for variable of type '" +
                                    t->name() + "', but none was given");
        return false;
    }
    loc = v.location == "storage" ? DataLocation::Storage : DataLocation::Memory;
    if (v.location == "calldata") {
        cx.error(cx.at(v), "calldata local variables are not supported");
        return false;
    }
    if (t->kind == Type::Kind::Mapping && loc != DataLocation::Storage) {
        cx.error(cx.at(v), "mappings can only live in storage");
        return false;
    }
    return true;
}

StmtPtr local_declaration(Context& cx, const ast::local_declaration& d) {
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::VarDecl;
    st->loc = cx.at(d);
    std::vector<VarInfo*> vars;
    std::vector<const Type*> types;
    // A rejected declaration (bad type or location) still claims its names, so that their uses
    // give no "undeclared identifier" on top.
    auto reject = [&]() -> StmtPtr {
        if (!cx.scopes.empty())
            for (const auto& ov : d.variables)
                if (ov && ov->name) cx.scopes.back().rejected.insert(ov->name->name);
        return nullptr;
    };
    for (const auto& ov : d.variables) {
        if (!ov) {
            vars.push_back(nullptr);
            types.push_back(nullptr);
            continue;
        }
        const auto& v = *ov;
        const Type* t = resolve_type(cx, v.type);
        if (!t) return reject();
        DataLocation loc = DataLocation::None;
        if (t->is_reference()) {
            if (!local_location(cx, v, t, loc)) return reject();
        } else if (!v.location.empty()) {
            cx.error(cx.at(v), "data location can only be given for array, struct, string or bytes types");
        }
        const std::string name = v.name ? v.name->name : std::string{};
        vars.push_back(new_local(cx, name, t, loc, v.name ? cx.at(*v.name) : cx.at(v)));
        types.push_back(t);
    }
    // The names come into scope even when the initial value is wrong, so that one mistake gives
    // one error; they count as used (no "unused" warning on top).
    auto declare_anyway = [&]() -> StmtPtr {
        for (auto* v : vars)
            if (v && !v->name.empty() && !cx.scopes.back().vars.count(v->name)) {
                v->used = true;
                cx.scopes.back().vars[v->name] = v;
            }
        return nullptr;
    };
    // The initial value is checked before the names come into scope (`uint x = x;` is an error).
    if (d.initial) {
        if (!d.is_tuple) {
            st->expr = expected_value(cx, *d.initial, types[0]);
            if (!st->expr) return declare_anyway();
            if (vars[0]->location == DataLocation::Storage && st->expr->location != DataLocation::Storage) {
                cx.error(cx.at(*d.initial), "type '" + types[0]->name() +
                                                " memory' is not implicitly convertible to expected type '" +
                                                types[0]->name() + " storage pointer'");
                return declare_anyway();
            }
            if (vars[0]->location == DataLocation::Memory && st->expr->location == DataLocation::Storage) {
                st->expr = to_memory(std::move(st->expr));
            }
        } else {
            auto e = expression(cx, *d.initial);
            if (!e) return declare_anyway();
            if (e->type->kind != Type::Kind::Tuple || e->type->members.size() != vars.size()) {
                cx.error(
                    cx.at(*d.initial),
                    "different number of components on the left hand side (" + std::to_string(vars.size()) +
                        ") than on the right hand side (" +
                        std::to_string(e->type->kind == Type::Kind::Tuple ? e->type->members.size() : 1) +
                        ")");
                return declare_anyway();
            }
            if (e->kind == Expr::Kind::Tuple) {
                std::vector<const Type*> members;
                for (size_t i = 0; i < vars.size(); ++i) {
                    e->args[i] = types[i] ? implicit(cx, std::move(e->args[i]), types[i], cx.at(*d.initial))
                                          : mobile(cx, std::move(e->args[i]));
                    if (!e->args[i]) return declare_anyway();
                    members.push_back(e->args[i]->type);
                }
                e->type = cx.types.tuple(members);
            }
            for (size_t i = 0; i < vars.size(); ++i) {
                if (!types[i]) continue;
                const Type* from = e->type->members[i];
                if (from != types[i] && !(from->is_integer() && types[i]->is_integer() &&
                                          from->kind == types[i]->kind && from->bits <= types[i]->bits)) {
                    cx.error(cx.at(*d.initial), "type '" + from->name() +
                                                    "' is not implicitly convertible to expected type '" +
                                                    types[i]->name() + "'");
                    return declare_anyway();
                }
            }
            st->expr = std::move(e);
        }
    } else {
        for (auto* v : vars)
            if (v && v->location == DataLocation::Storage) {
                cx.error(v->declared_at, "uninitialized storage pointer");
                return nullptr;
            }
        if (d.is_tuple) {
            cx.error(cx.at(d), "tuple declarations need an initial value");
            return nullptr;
        }
    }
    for (auto* v : vars) {
        if (!v || v->name.empty()) continue;
        auto& scope = cx.scopes.back().vars;
        if (scope.count(v->name)) {
            cx.error(v->declared_at, "identifier '" + v->name + "' already declared");
            continue;
        }
        // What the contract being checked (or the base whose body this is) declares or inherits.
        const auto state = cx.state.find(v->name);
        bool shadows =
            (state != cx.state.end() && cx.origin && cx.origin->derives_from(state->second->origin)) ||
            !cx.visible_functions(v->name).empty();
        for (const auto& outer : cx.scopes)
            if (outer.vars.count(v->name) && &outer != &cx.scopes.back()) shadows = true;
        if (shadows) cx.diags.warning(v->declared_at, "this declaration shadows an existing declaration");
        scope[v->name] = v;
        cx.declared_locals.push_back(v);
    }
    st->vars = std::move(vars);
    return st;
}

StmtPtr return_statement(Context& cx, const ast::return_statement& r) {
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Return;
    st->loc = cx.at(r);
    if (cx.modifier) {
        if (r.value) cx.error(cx.at(r), "return arguments are not allowed in modifiers");
        return st;
    }
    if (!cx.function) return nullptr;
    const auto& returns = cx.function->returns;
    if (!r.value) return st;
    if (returns.empty()) {
        cx.error(cx.at(r), "different number of arguments in return statement than in returns declaration");
        return nullptr;
    }
    if (returns.size() == 1) {
        st->expr = expected_value(cx, *r.value, returns[0]->type);
        if (!st->expr) return nullptr;
        if (returns[0]->location == DataLocation::Memory && st->expr->location == DataLocation::Storage) {
            st->expr = to_memory(std::move(st->expr));
        }
        return st;
    }
    // Several values: a tuple expression whose components convert one by one.
    const auto& e = *r.value;
    auto value = expression(cx, e);
    if (!value) return nullptr;
    if (value->type->kind != Type::Kind::Tuple || value->type->members.size() != returns.size()) {
        cx.error(cx.at(r), "different number of arguments in return statement than in returns declaration");
        return nullptr;
    }
    if (value->kind == Expr::Kind::Tuple) {
        std::vector<const Type*> members;
        for (size_t i = 0; i < returns.size(); ++i) {
            value->args[i] = implicit(cx, std::move(value->args[i]), returns[i]->type, cx.at(e));
            if (!value->args[i]) return nullptr;
            members.push_back(returns[i]->type);
        }
        value->type = cx.types.tuple(members);
    } else {
        for (size_t i = 0; i < returns.size(); ++i)
            if (value->type->members[i] != returns[i]->type) {
                cx.error(cx.at(e), "return argument type '" + value->type->members[i]->name() +
                                       "' is not implicitly convertible to expected type '" +
                                       returns[i]->type->name() + "'");
                return nullptr;
            }
    }
    st->expr = std::move(value);
    return st;
}

StmtPtr emit_statement(Context& cx, const ast::emit_statement& e) {
    // emit E(args): the expression must be a call of an event.
    const auto [name, call] = named_call(e.call);
    if (!call || !name) {
        cx.error(cx.at(e), "expression has to be an event invocation");
        return nullptr;
    }
    const EventInfo* ev = cx.find_event(name->name);
    if (!ev) {
        cx.error(cx.at(*name), "undeclared event '" + name->name + "'");
        return nullptr;
    }
    if (!cx.events.count(ev->name)) add_once(cx.contract->used_events, ev);
    std::vector<const Type*> types;
    std::vector<std::string> names;
    for (const auto& p : ev->params) {
        types.push_back(p.type);
        names.push_back(p.name);
    }
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Emit;
    st->loc = cx.at(e);
    st->event = ev;
    st->args = call_arguments(cx, *call, types, "event '" + ev->name + "'", cx.at(*call), &names);
    if (st->args.size() != types.size()) return nullptr;
    for (auto& a : st->args) a = to_memory(std::move(a));
    return st;
}

StmtPtr revert_statement(Context& cx, const ast::revert_statement& r) {
    const auto [name, call] = named_call(r.call);
    if (!call || !name) {
        cx.error(cx.at(r), "expected an error, as in 'revert MyError(arguments)'");
        return nullptr;
    }
    const ErrorInfo* er = cx.find_error(name->name);
    if (!er) {
        cx.error(cx.at(*name), "undeclared error '" + name->name + "'");
        return nullptr;
    }
    if (!cx.errors.count(er->name)) add_once(cx.contract->used_errors, er);
    std::vector<const Type*> types;
    std::vector<std::string> names;
    for (const auto& p : er->params) {
        types.push_back(p.type);
        names.push_back(p.name);
    }
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::RevertError;
    st->loc = cx.at(r);
    st->error = er;
    st->args = call_arguments(cx, *call, types, "error '" + er->name + "'", cx.at(*call), &names);
    if (st->args.size() != types.size()) return nullptr;
    for (auto& a : st->args) a = to_memory(std::move(a));
    return st;
}

/// The variables of a `returns (...)` or catch parameter list, as locals (not yet in scope); false
/// (reported) when a type or location is wrong.
bool clause_variables(Context& cx, const std::vector<ast::variable_declaration>& decls,
                      std::vector<VarInfo*>& out) {
    for (const auto& v : decls) {
        const Type* t = resolve_type(cx, v.type);
        if (!t) return false;
        DataLocation loc = DataLocation::None;
        if (t->is_reference()) {
            if (!local_location(cx, v, t, loc)) return false;
        } else if (!v.location.empty()) {
            cx.error(cx.at(v), "data location can only be given for array, struct, string or bytes types");
            return false;
        }
        VarInfo* var =
            new_local(cx, v.name ? v.name->name : std::string{}, t, loc, v.name ? cx.at(*v.name) : cx.at(v));
        var->used = true;
        out.push_back(var);
    }
    return true;
}

/// A block with `vars` in a new scope around it.
StmtPtr scoped_block(Context& cx, const std::vector<VarInfo*>& vars, const ast::block& b) {
    cx.scopes.emplace_back();
    for (auto* v : vars)
        if (v && !v->name.empty()) {
            if (cx.scopes.back().vars.count(v->name))
                cx.error(v->declared_at, "identifier '" + v->name + "' already declared");
            cx.scopes.back().vars[v->name] = v;
        }
    auto out = block(cx, b, false);
    cx.scopes.pop_back();
    return out;
}

StmtPtr try_statement(Context& cx, const ast::try_statement& t) {
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Try;
    st->loc = cx.at(t);
    st->expr = expression(cx, t.call);
    bool ok = st->expr != nullptr;
    if (ok && st->expr->kind != Expr::Kind::ExternalCall && st->expr->kind != Expr::Kind::Create) {
        cx.error(cx.at(t.call),
                 "try can only be used with external function calls and contract creation calls");
        ok = false;
    }
    std::vector<const Type*> produced;
    if (ok) {
        if (st->expr->type->kind == Type::Kind::Tuple)
            produced = st->expr->type->members;
        else if (st->expr->type->kind != Type::Kind::Void)
            produced.push_back(st->expr->type);
    }
    if (t.returns) {
        st->returns_named = true;
        if (!clause_variables(cx, *t.returns, st->vars)) ok = false;
        if (ok && st->vars.size() != produced.size()) {
            cx.error(cx.at(t), "function returns " + std::to_string(produced.size()) +
                                   " values, but returns clause has " + std::to_string(st->vars.size()) +
                                   " variables");
            ok = false;
        }
        for (size_t i = 0; ok && i < st->vars.size(); ++i)
            if (st->vars[i]->type != produced[i]) {
                cx.error(st->vars[i]->declared_at, "invalid type, expected " + produced[i]->name() +
                                                       " but got " + st->vars[i]->type->name());
                ok = false;
            }
    }
    st->body.push_back(scoped_block(cx, st->vars, t.body));
    bool error_seen = false, panic_seen = false, low_level_seen = false;
    for (const auto& c : t.catches) {
        auto cs = std::make_unique<Stmt>();
        cs->kind = Stmt::Kind::Catch;
        cs->loc = cx.at(c);
        const std::vector<ast::variable_declaration> none;
        const auto& params = c.parameters ? *c.parameters : none;
        if (c.kind) {
            const std::string& k = c.kind->name;
            if (k != "Error" && k != "Panic") {
                cx.error(cx.at(*c.kind),
                         "invalid catch clause name; expected either `catch (...)`, "
                         "`catch Error(...)`, or `catch Panic(...)`");
                ok = false;
                (void)clause_variables(cx, params, cs->vars);  // declared anyway: one mistake, one error
            } else {
                bool& seen = k == "Error" ? error_seen : panic_seen;
                if (seen) {
                    cx.error(cx.at(c), "this try statement already has an \"" + k + "\" catch clause");
                    ok = false;
                }
                seen = true;
                const Type* want = k == "Error" ? cx.types.string_type() : cx.types.uint(256);
                if (!clause_variables(cx, params, cs->vars)) {
                    ok = false;
                } else if (cs->vars.size() != 1 || cs->vars[0]->type != want ||
                           (want->is_reference() && cs->vars[0]->location != DataLocation::Memory)) {
                    cx.error(cx.at(c), "expected `catch " + k + "(" +
                                           (k == "Error" ? "string memory" : "uint256") + " ...) { ... }`");
                    ok = false;
                }
                cs->clause = k;
            }
        } else {
            if (low_level_seen) {
                cx.error(cx.at(c), "this try statement already has a low-level catch clause");
                ok = false;
            }
            low_level_seen = true;
            if (c.parameters) {
                if (!clause_variables(cx, params, cs->vars)) {
                    ok = false;
                } else if (cs->vars.size() != 1 || cs->vars[0]->type != cx.types.bytes_type() ||
                           cs->vars[0]->location != DataLocation::Memory) {
                    cx.error(cx.at(c), "expected `catch (bytes memory ...) { ... }` or `catch { ... }`");
                    ok = false;
                }
                cs->clause = "bytes";
            }
        }
        cs->body.push_back(scoped_block(cx, cs->vars, c.body));
        st->body.push_back(std::move(cs));
    }
    if (!ok) return nullptr;
    return st;
}

/// Puts the parameters (and named return variables) of a body into its outermost scope.
void declare_parameters(Context& cx, const std::vector<VarInfo*>& params, bool report_twice) {
    for (auto* p : params) {
        if (p->name.empty()) continue;
        if (report_twice && cx.scopes.back().vars.count(p->name))
            cx.error(p->declared_at, "identifier '" + p->name + "' already declared");
        cx.scopes.back().vars[p->name] = p;
    }
}

/// The arguments `args` given for the constructor of the base `name` of the contract `cx.origin` (in
/// its base list or on its constructor), typed against that constructor's parameters and kept in the
/// contract being checked.
void base_constructor_arguments(Context& cx, const ast::identifier& name,
                                const std::vector<ast::expression>* args) {
    std::string base_name = name.name;
    if (auto al = cx.aliases.find(base_name); al != cx.aliases.end()) base_name = al->second;
    const ContractInfo* base = cx.contracts.at(base_name);
    // Any base, direct or not, as solc allows (`constructor() Ownable(owner)` with Ownable2Step).
    if (base == cx.origin || !cx.origin->derives_from(base)) {
        cx.error(cx.at(name), "'" + name.name + "' is not a base of '" + cx.origin->name + "'");
        return;
    }
    BaseConstructor* target = nullptr;
    for (auto& bc : cx.contract->base_constructors)
        if (bc.constructor->origin == base) target = &bc;
    const size_t given = args ? args->size() : 0;
    const size_t expected = target ? target->constructor->params.size() : 0;
    if (given != expected) {
        cx.error(cx.at(name), "wrong argument count for the constructor of '" + name.name + "': " +
                                  std::to_string(given) + " given but expected " + std::to_string(expected));
        return;
    }
    if (!target || given == 0) return;
    if (!target->args.empty()) {
        cx.error(cx.at(name), "base constructor arguments given twice");
        return;
    }
    std::vector<ExprPtr> typed;
    for (size_t i = 0; i < given; ++i)
        if (auto e = expected_value(cx, (*args)[i], target->constructor->params[i]->type))
            typed.push_back(std::move(e));
    if (typed.size() == given) target->args = std::move(typed);
}

/// The modifier invocations of the function being checked, with their arguments typed.
void modifier_invocations(Context& cx, const ast::function_definition& fd, FunctionInfo& f) {
    for (const auto& a : fd.attributes) {
        const auto* mi = boost::get<ast::modifier_invocation>(&a.get());
        if (!mi) continue;
        auto it = cx.modifiers.find(mi->name.name);
        if (mi->name.name == "virtual" || mi->name.name == "override") continue;  // read by the declarations
        if (it == cx.modifiers.end()) {
            if (cx.contracts.count(mi->name.name) && f.kind == FunctionInfo::Kind::Constructor)
                base_constructor_arguments(cx, mi->name, mi->arguments ? &*mi->arguments : nullptr);
            else if (cx.contracts.count(mi->name.name))
                cx.error(cx.at(mi->name), "base constructor arguments can only be given on a constructor");
            else
                cx.error(cx.at(mi->name), "undeclared modifier '" + mi->name.name + "'");
            continue;
        }
        ModifierCall call;
        call.modifier = it->second;
        call.loc = cx.at(mi->name);
        const size_t given = mi->arguments ? mi->arguments->size() : 0;
        if (given != it->second->params.size()) {
            cx.error(cx.at(*mi), "wrong argument count for modifier '" + mi->name.name +
                                     "': " + std::to_string(given) + " given but expected " +
                                     std::to_string(it->second->params.size()));
            continue;
        }
        for (size_t i = 0; i < given; ++i) {
            auto e = expected_value(cx, (*mi->arguments)[i], it->second->params[i]->type);
            if (e) call.args.push_back(std::move(e));
        }
        if (call.args.size() == given) f.modifiers.push_back(std::move(call));
    }
}

void check_modifier(Context& cx, ModifierInfo& mi) {
    const auto& md = *static_cast<const ast::modifier_definition*>(mi.ast);
    cx.modifier = &mi;
    cx.function = nullptr;
    cx.scopes.assign(1, {});
    cx.declared_locals.clear();
    declare_parameters(cx, mi.params, false);
    mi.body = block(cx, md.body, false);
    cx.modifier = nullptr;
}

void check_function(Context& cx, FunctionInfo& f) {
    const auto& fd = *static_cast<const ast::function_definition*>(f.ast);
    cx.function = &f;
    cx.scopes.assign(1, {});
    cx.declared_locals.clear();
    declare_parameters(cx, f.params, true);
    declare_parameters(cx, f.returns, true);
    modifier_invocations(cx, fd, f);
    if (fd.body) f.body = block(cx, *fd.body, false);
    for (auto* v : cx.declared_locals)
        if (!v->used && !v->name.empty())
            cx.diags.warning(v->declared_at, "unused local variable '" + v->name + "'");
    cx.function = nullptr;
}

}  // namespace

void check_bodies(Context& cx, ContractInfo& c) {
    for (auto& mi : c.modifiers) {
        cx.origin = mi->origin;
        check_modifier(cx, *mi);
    }
    for (auto& f : c.functions) {
        cx.origin = f->origin;
        if (f->ast) check_function(cx, *f);  // getters are built complete
    }
    // Arguments in base lists (`contract C is B(1)`), in the contract's scope.
    for (const ContractInfo* origin : c.linearization) {
        cx.origin = origin;
        cx.function = nullptr;
        cx.modifier = nullptr;
        cx.scopes.assign(1, {});
        for (const auto& b : cx.contract_defs.at(origin->name)->bases) {
            std::string n = b.name.name;
            if (auto al = cx.aliases.find(n); al != cx.aliases.end()) n = al->second;
            if (b.arguments && cx.contracts.count(n)) base_constructor_arguments(cx, b.name, &*b.arguments);
        }
    }
    // Every base constructor that takes arguments needs them.
    if (c.deployable())
        for (const auto& bc : c.base_constructors)
            if (!bc.constructor->params.empty() && bc.args.empty()) {
                cx.error(c.loc, "no arguments passed to the base constructor of '" +
                                    bc.constructor->origin->name + "'; specify the arguments or mark '" +
                                    c.name + "' as abstract");
                break;
            }
    cx.origin = &c;
}

}  // namespace trainchain::compiler::analysis
