// compiler/src/sema.cpp - semantic analysis: declarations, storage layout, scopes, types,
// constant folding, mutability and reachability checks, producing the checked tree (ir.hpp).
//
// Messages follow solc's wording where a Solidity programmer would recognise it ("undeclared
// identifier", "type uint256 is not implicitly convertible to expected type uint8"), and every
// construct outside the subset is named: "... is not supported".
#include "sema.hpp"

#include <boost/multiprecision/cpp_int.hpp>
#include <functional>
#include <map>
#include <set>

#include "trainchain/compiler/abi.hpp"
#include "trainchain/vm/keccak.hpp"

namespace trainchain::compiler {
namespace {

using boost::multiprecision::cpp_int;

const cpp_int one = 1;
const cpp_int two_256 = one << 256;

vm::uint256 word_of(const cpp_int& v) {
    cpp_int x = v % two_256;
    if (x < 0) x += two_256;
    vm::uint256 w;
    for (size_t i = 0; i < 4; ++i) {
        w.w[i] = static_cast<uint64_t>(x & cpp_int(~uint64_t{0}));
        x >>= 64;
    }
    return w;
}

cpp_int int_of(const vm::uint256& w, bool is_signed) {
    cpp_int v = 0;
    for (size_t i = 4; i-- > 0;) v = (v << 64) | w.w[i];
    if (is_signed && vm::is_negative(w)) v -= two_256;
    return v;
}

/// Bits needed for |v|.
size_t msb_bits(const cpp_int& v) {
    const cpp_int a = v < 0 ? cpp_int(-v) : v;
    return a == 0 ? 0 : boost::multiprecision::msb(a) + 1;
}

/// The low `bits` bits set.
vm::uint256 low_word(unsigned bits) {
    return bits >= 256 ? vm::uint256::max() : (vm::uint256{1} << vm::uint256{bits}) - vm::uint256{1};
}

bool fits(const cpp_int& v, const Type* t) {
    if (t->kind == Type::Kind::Uint) return v >= 0 && v < (one << t->bits);
    if (t->kind == Type::Kind::Int) return v >= -(one << (t->bits - 1)) && v < (one << (t->bits - 1));
    return false;
}

uint32_t selector_word(const std::string& sig) {
    const auto s = abi::selector(sig);
    return (uint32_t{s[0]} << 24) | (uint32_t{s[1]} << 16) | (uint32_t{s[2]} << 8) | s[3];
}

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

bool is_comparison(BinaryOp op) {
    return op == BinaryOp::Lt || op == BinaryOp::Gt || op == BinaryOp::Le || op == BinaryOp::Ge ||
           op == BinaryOp::Eq || op == BinaryOp::Ne;
}

/// What a name or a partial postfix chain denotes before it becomes a value.
struct Item {
    enum class Kind {
        Value,             ///< expr
        TypeName,          ///< type (elementary, struct or contract): conversion or construction
        Function,          ///< internal function `function`
        ExternalFunction,  ///< expr (address) . function
        Global,        ///< `name`: require, assert, revert, keccak256, sha256, gasleft, blockhash, payable
        Magic,         ///< `name`: msg, block, tx, abi
        AbiFunction,   ///< `name`: encode, encodePacked
        TypeOperator,  ///< `type`
        TypeInfo,      ///< type(T): type
        ArrayMember,   ///< expr . name (push, pop)
        NewContract,   ///< new C: type
        NewArray,      ///< new T[]: type
        Event,         ///< event
        Error,         ///< error
        BalanceOwner,  ///< never built: placeholder
        Invalid,       ///< already reported
    };
    Kind kind = Kind::Invalid;
    ExprPtr expr;
    const Type* type = nullptr;
    const FunctionInfo* function = nullptr;
    const EventInfo* event = nullptr;
    const ErrorInfo* error = nullptr;
    std::string name;
    Location loc;
    ExprPtr call_value;  ///< {value: ...} given before the call
};

struct Scope {
    std::map<std::string, VarInfo*> vars;
    /// Names of declarations that were rejected: their uses are no further error.
    std::set<std::string> rejected;
};

class Analyzer {
public:
    Analyzer(Diagnostics& diags, Program& program) : diags_{diags}, prog_{program}, types_{program.types} {}

    bool run(const ast::source_unit& unit);

private:
    // ---- declarations ---------------------------------------------------------------------
    void declare_file_level(const ast::source_unit& unit);
    void declare_contract(const ast::contract_definition& def, ContractInfo& c);
    void define_struct(const ast::struct_definition& def, StructInfo& s);
    const Type* resolve_type(const ast::type_name& t);
    const Type* resolve_base(const ast::type_base& b);
    const Type* elementary(const std::string& name);
    EventInfo* make_event(const ast::event_definition& def);
    ErrorInfo* make_error(const ast::error_definition& def);
    void layout_storage(ContractInfo& c);
    void declare_function(const ast::function_definition& def, ContractInfo& c);
    void make_getter(VarInfo& v, ContractInfo& c);
    VarInfo* new_local(const std::string& name, const Type* type, DataLocation loc, Location at);
    VarInfo* declare_param(const ast::variable_declaration& p, bool is_return, bool external);
    void check_bodies(const ast::contract_definition& def, ContractInfo& c);

    // ---- lookup ---------------------------------------------------------------------------
    const StructInfo* find_struct(const std::string& name) const;
    const EventInfo* find_event(const std::string& name) const;
    const ErrorInfo* find_error(const std::string& name) const;
    VarInfo* find_var(const std::string& name);

    // ---- statements -----------------------------------------------------------------------
    StmtPtr statement(const ast::statement& s);
    StmtPtr body_statement(const ast::statement& s);  ///< the body of if/for/while: no bare declaration
    StmtPtr block(const ast::block& b, bool new_scope = true);
    StmtPtr local_declaration(const ast::local_declaration& d);
    StmtPtr return_statement(const ast::return_statement& r);
    StmtPtr emit_statement(const ast::emit_statement& e);
    StmtPtr revert_statement(const ast::revert_statement& r);
    bool terminates(const Stmt& s) const;

    // ---- expressions ----------------------------------------------------------------------
    ExprPtr expression(const ast::expression& e, const Type* expected = nullptr);
    ExprPtr expected_value(const ast::expression& e, const Type* expected);
    ExprPtr chain(const ast::binary_chain& c);
    ExprPtr binary(const std::string& op, ExprPtr lhs, ExprPtr rhs, Location at);
    ExprPtr assignment(const ast::expression& e);
    ExprPtr operand(const ast::operand& o);
    Item operand_item(const ast::operand& o);
    Item identifier_item(const ast::identifier& id);
    Item postfix_item(const ast::postfix_expression& p);
    Item member(Item base, const ast::member_postfix& m);
    Item call(Item callee, const ast::call_postfix& c, Location at);
    Item index(Item base, const ast::index_postfix& ix, Location at);
    ExprPtr value_of(Item item);
    ExprPtr unary(const ast::unary& u);
    ExprPtr conversion(const Type* to, ExprPtr e, Location at);
    /// Reports named call arguments (`f({a: 1})`), which the language leaves out; true if there were.
    bool rejected_named_arguments(const ast::call_postfix& c);
    std::vector<ExprPtr> call_arguments(const ast::call_postfix& c, const std::vector<const Type*>& params,
                                        const std::string& what, Location at);
    ExprPtr implicit(ExprPtr e, const Type* to, Location at, const char* context = nullptr);
    ExprPtr mobile(ExprPtr e);
    ExprPtr literal(const cpp_int& v, Location at);
    ExprPtr constant(const cpp_int& v, const Type* t, Location at);
    ExprPtr string_constant(std::string text, Location at);
    bool is_lvalue(const Expr& e) const;
    void check_lvalue(const Expr& e);
    void note_read_state(Location at);
    void note_write_state(Location at);
    void note_environment(Location at);
    /// The exact value of an integer literal (its digits are kept in `text`).
    static std::optional<cpp_int> literal_value(const Expr& e) {
        if (e.kind != Expr::Kind::Constant || !e.type || e.type->kind != Type::Kind::IntLiteral)
            return std::nullopt;
        return cpp_int(e.text);
    }
    std::optional<cpp_int> number(const ast::number_literal& n);
    Location at(const x3::position_tagged& node) const { return diags_.location_of(node); }
    void error(Location where, std::string message) { diags_.error(where, std::move(message)); }

    Diagnostics& diags_;
    Program& prog_;
    Types& types_;
    std::map<std::string, ContractInfo*> contracts_;
    std::map<std::string, const ast::contract_definition*> contract_defs_;
    std::map<std::string, StructInfo*> file_structs_;
    std::map<std::string, EventInfo*> file_events_;
    std::map<std::string, ErrorInfo*> file_errors_;

    ContractInfo* contract_ = nullptr;
    std::map<std::string, StructInfo*> structs_;
    std::map<std::string, EventInfo*> events_;
    std::map<std::string, ErrorInfo*> errors_;
    std::map<std::string, FunctionInfo*> functions_;
    std::map<std::string, ModifierInfo*> modifiers_;
    std::map<std::string, VarInfo*> state_;
    std::set<std::string> resolving_structs_;
    /// Every member name each contract declares, whether its declaration was accepted or not: a use
    /// of a rejected one (`string public s;`, a function with a bad parameter) is no further error.
    std::map<const ContractInfo*, std::set<std::string>> member_names_;

    FunctionInfo* function_ = nullptr;
    ModifierInfo* modifier_ = nullptr;
    std::vector<Scope> scopes_;
    std::vector<VarInfo*> declared_locals_;
    int loop_depth_ = 0;
    bool unchecked_ = false;
    size_t next_local_ = 0;
    bool reported_mutability_ = false;
};

// ==== declarations =================================================================================

bool Analyzer::run(const ast::source_unit& unit) {
    declare_file_level(unit);
    // Contract names first: contracts may use each other as types.
    for (const auto& el : unit.elements) {
        if (const auto* def = boost::get<ast::contract_definition>(&el.get())) {
            const std::string& name = def->name.name;
            if (contracts_.count(name) || file_structs_.count(name)) {
                error(at(def->name), "identifier '" + name + "' already declared");
                continue;
            }
            auto c = std::make_unique<ContractInfo>();
            c->name = name;
            c->loc = at(def->name);
            contracts_[name] = c.get();
            contract_defs_[name] = def;
            prog_.contracts.push_back(std::move(c));
        }
    }
    for (auto& c : prog_.contracts) declare_contract(*contract_defs_[c->name], *c);
    for (auto& c : prog_.contracts) check_bodies(*contract_defs_[c->name], *c);

    // `new C` inside C (directly or through other contracts) would embed C's code in itself.
    std::function<bool(const ContractInfo*, const ContractInfo*, int)> reaches =
        [&](const ContractInfo* from, const ContractInfo* target, int depth) {
            if (depth > 64) return true;
            for (const auto* c : from->creates)
                if (c == target || reaches(c, target, depth + 1)) return true;
            return false;
        };
    for (const auto& c : prog_.contracts)
        if (reaches(c.get(), c.get(), 0))
            error(c->loc, "contract '" + c->name + "' creates itself (directly or through other contracts)");
    return !diags_.has_errors();
}

void Analyzer::declare_file_level(const ast::source_unit& unit) {
    for (const auto& el : unit.elements) {
        if (const auto* s = boost::get<ast::struct_definition>(&el.get())) {
            if (file_structs_.count(s->name.name)) {
                error(at(s->name), "identifier '" + s->name.name + "' already declared");
                continue;
            }
            auto info = std::make_unique<StructInfo>();
            info->name = s->name.name;
            file_structs_[info->name] = info.get();
            prog_.structs.push_back(std::move(info));
        } else if (const auto* p = boost::get<ast::pragma_directive>(&el.get())) {
            const auto& t = p->text;
            if (t.rfind("solidity", 0) == 0 && t.find("0.8") == std::string::npos &&
                t.find('>') == std::string::npos)
                diags_.warning(at(*p), "this compiler implements a subset of Solidity 0.8; pragma '" + t +
                                           "' may not match");
        }
    }
    // File-level structs may refer to each other; define them after all names are known.
    for (const auto& el : unit.elements)
        if (const auto* s = boost::get<ast::struct_definition>(&el.get()))
            if (auto it = file_structs_.find(s->name.name);
                it != file_structs_.end() && it->second->members.empty())
                define_struct(*s, *it->second);
    for (const auto& el : unit.elements) {
        if (const auto* e = boost::get<ast::event_definition>(&el.get())) {
            if (auto* ev = make_event(*e)) file_events_[ev->name] = ev;
        } else if (const auto* r = boost::get<ast::error_definition>(&el.get())) {
            if (auto* er = make_error(*r)) file_errors_[er->name] = er;
        }
    }
}

const Type* Analyzer::elementary(const std::string& n) {
    if (n == "bool") return types_.boolean();
    if (n == "address") return types_.address(false);
    if (n == "address payable") return types_.address(true);
    if (n == "string") return types_.string_type();
    if (n == "bytes") return types_.bytes_type();
    if (n == "uint") return types_.uint(256);
    if (n == "int") return types_.sint(256);
    auto sized = [&](size_t prefix) -> std::optional<unsigned> {
        const auto digits = n.substr(prefix);
        if (digits.empty() || digits.size() > 3 || digits[0] == '0') return std::nullopt;
        for (char ch : digits)
            if (ch < '0' || ch > '9') return std::nullopt;
        return static_cast<unsigned>(std::stoul(digits));
    };
    if (n.rfind("uint", 0) == 0)
        if (auto b = sized(4); b && *b % 8 == 0 && *b <= 256) return types_.uint(*b);
    if (n.rfind("int", 0) == 0)
        if (auto b = sized(3); b && *b % 8 == 0 && *b <= 256) return types_.sint(*b);
    if (n.rfind("bytes", 0) == 0)
        if (auto b = sized(5); b && *b >= 1 && *b <= 32) return types_.fixed_bytes(*b);
    return nullptr;
}

const StructInfo* Analyzer::find_struct(const std::string& name) const {
    if (auto it = structs_.find(name); it != structs_.end()) return it->second;
    if (auto it = file_structs_.find(name); it != file_structs_.end()) return it->second;
    return nullptr;
}
const EventInfo* Analyzer::find_event(const std::string& name) const {
    if (auto it = events_.find(name); it != events_.end()) return it->second;
    if (auto it = file_events_.find(name); it != file_events_.end()) return it->second;
    return nullptr;
}
const ErrorInfo* Analyzer::find_error(const std::string& name) const {
    if (auto it = errors_.find(name); it != errors_.end()) return it->second;
    if (auto it = file_errors_.find(name); it != file_errors_.end()) return it->second;
    return nullptr;
}

const Type* Analyzer::resolve_base(const ast::type_base& b) {
    if (const auto* id = boost::get<ast::identifier>(&b.get())) {
        if (const Type* t = elementary(id->name)) return t;
        if (const StructInfo* s = find_struct(id->name)) {
            if (s->members.empty() && resolving_structs_.count(id->name)) {
                error(at(*id), "recursive struct '" + id->name + "' is not supported");
                return nullptr;
            }
            return types_.struct_type(s);
        }
        if (auto it = contracts_.find(id->name); it != contracts_.end()) return types_.contract(it->second);
        if (id->name == "fixed" || id->name == "ufixed" || id->name.rfind("fixed", 0) == 0 ||
            id->name.rfind("ufixed", 0) == 0) {
            error(at(*id), "fixed-point type '" + id->name + "' is not supported");
            return nullptr;
        }
        if (id->name == "function") {
            error(at(*id), "function types are not supported");
            return nullptr;
        }
        error(at(*id), "identifier '" + id->name + "' not found or not a type");
        return nullptr;
    }
    const auto& m = boost::get<x3::forward_ast<ast::mapping_type>>(b.get()).get();
    const Type* key = resolve_type(m.key);
    const Type* value = resolve_type(m.value);
    if (!key || !value) return nullptr;
    if (!key->is_value() && !key->is_byte_array()) {
        error(at(m.key), "only elementary types and contracts can be mapping keys");
        return nullptr;
    }
    if (key->is_byte_array()) {
        error(at(m.key), "string and bytes mapping keys are not supported");
        return nullptr;
    }
    if (value->is_byte_array()) {
        error(at(m.value), "string and bytes in storage are not supported (mapping values included)");
        return nullptr;
    }
    return types_.mapping(key, value);
}

const Type* Analyzer::resolve_type(const ast::type_name& t) {
    const Type* type = resolve_base(t.base);
    if (!type) return nullptr;
    for (const auto& d : t.dims) {
        if (type->kind == Type::Kind::Mapping) {
            error(at(d), "arrays of mappings are not supported");
            return nullptr;
        }
        if (type->is_byte_array() || type->kind == Type::Kind::Array) {
            error(at(d),
                  "arrays of '" + type->name() + "' are not supported (arrays hold value types and structs)");
            return nullptr;
        }
        std::optional<uint64_t> length;
        if (d.size) {
            const std::string& s = *d.size;
            bool ok = !s.empty() && s.size() <= 9 && s[0] != '0';
            for (char ch : s) ok = ok && ch >= '0' && ch <= '9';
            if (!ok) {
                error(at(d), "array length must be a positive decimal number below 10^9");
                return nullptr;
            }
            length = std::stoull(s);
        }
        type = types_.array(type, length);
    }
    return type;
}

void Analyzer::define_struct(const ast::struct_definition& def, StructInfo& s) {
    resolving_structs_.insert(def.name.name);
    std::set<std::string> names;
    uint64_t slot = 0;
    unsigned used = 0;  // bytes used in the current slot
    for (const auto& m : def.members) {
        const Type* t = resolve_type(m.type);
        if (!t) continue;
        if (t->kind == Type::Kind::Mapping || t->is_byte_array() || t->kind == Type::Kind::Array) {
            error(at(m.type), "struct members must be value types or structs, not '" + t->name() + "'");
            continue;
        }
        if (!names.insert(m.name.name).second) {
            error(at(m.name), "identifier '" + m.name.name + "' already declared");
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
        } else {  // nested struct: starts and ends a slot
            if (used > 0) ++slot;
            sm.slot = slot;
            slot += t->storage_slots();
            used = 0;
        }
        s.members.push_back(sm);
    }
    s.slots = slot + (used > 0 ? 1 : 0);
    if (s.slots == 0) s.slots = 1;
    if (def.members.empty()) error(at(def.name), "struct '" + def.name.name + "' has no members");
    resolving_structs_.erase(def.name.name);
}

EventInfo* Analyzer::make_event(const ast::event_definition& def) {
    auto ev = std::make_unique<EventInfo>();
    ev->name = def.name.name;
    ev->anonymous = def.anonymous;
    std::string sig = ev->name + "(";
    size_t indexed = 0;
    for (const auto& p : def.parameters) {
        const Type* t = resolve_type(p.type);
        if (!t) return nullptr;
        if (t->kind == Type::Kind::Mapping || t->kind == Type::Kind::Struct || t->kind == Type::Kind::Array) {
            error(at(p.type), "event parameters of type '" + t->name() + "' are not supported");
            return nullptr;
        }
        if (p.indexed) ++indexed;
        ev->params.push_back({p.name ? p.name->name : std::string{}, t, p.indexed});
        sig += (ev->params.size() > 1 ? "," : "") + t->abi_name();
    }
    if (indexed > (def.anonymous ? 4u : 3u)) {
        error(at(def.name),
              "more than " + std::string(def.anonymous ? "4" : "3") + " indexed event parameters");
        return nullptr;
    }
    ev->signature = sig + ")";
    auto* raw = ev.get();
    (contract_ ? contract_->events : prog_.events).push_back(std::move(ev));
    return raw;
}

ErrorInfo* Analyzer::make_error(const ast::error_definition& def) {
    auto er = std::make_unique<ErrorInfo>();
    er->name = def.name.name;
    std::string sig = er->name + "(";
    for (const auto& p : def.parameters) {
        const Type* t = resolve_type(p.type);
        if (!t) return nullptr;
        if (!t->is_value() && !t->is_byte_array()) {
            error(at(p.type), "error parameters of type '" + t->name() + "' are not supported");
            return nullptr;
        }
        er->params.push_back({p.name ? p.name->name : std::string{}, t, false});
        sig += (er->params.size() > 1 ? "," : "") + t->abi_name();
    }
    er->signature = sig + ")";
    er->selector = selector_word(er->signature);
    auto* raw = er.get();
    (contract_ ? contract_->errors : prog_.errors).push_back(std::move(er));
    return raw;
}

VarInfo* Analyzer::new_local(const std::string& name, const Type* type, DataLocation loc, Location where) {
    auto v = std::make_unique<VarInfo>();
    v->name = name;
    v->type = type;
    v->location = loc;
    v->declared_at = where;
    v->local_id = next_local_++;
    auto* raw = v.get();
    contract_->locals.push_back(std::move(v));
    return raw;
}

VarInfo* Analyzer::declare_param(const ast::variable_declaration& p, bool is_return, bool external) {
    const Type* t = resolve_type(p.type);
    const Location where = at(p);
    if (!t) return nullptr;
    if (p.indexed) error(where, "'indexed' is only allowed on event parameters");
    DataLocation loc = DataLocation::None;
    if (t->is_reference()) {
        if (p.location.empty()) {
            error(at(p.type), "data location must be \"memory\" or \"calldata\" for " +
                                  std::string(is_return ? "return" : "parameter") + " of type '" + t->name() +
                                  "'");
            return nullptr;
        }
        if (p.location == "storage") {
            if (external) {
                error(where, "storage parameters are only allowed in internal and private functions");
                return nullptr;
            }
            loc = DataLocation::Storage;
        } else {
            loc = DataLocation::Memory;  // calldata values are read into memory
            if (t->kind == Type::Kind::Mapping) {
                error(where, "mappings can only live in storage");
                return nullptr;
            }
            if (t->kind == Type::Kind::Array && !t->element->is_value()) {
                error(at(p.type), "arrays of structs as parameters are not supported");
                return nullptr;
            }
        }
    } else if (!p.location.empty()) {
        error(where, "data location can only be given for array, struct, string or bytes types");
    }
    return new_local(p.name ? p.name->name : std::string{}, t, loc, p.name ? at(*p.name) : where);
}

void Analyzer::declare_contract(const ast::contract_definition& def, ContractInfo& c) {
    contract_ = &c;
    structs_.clear();
    events_.clear();
    errors_.clear();
    functions_.clear();
    modifiers_.clear();
    state_.clear();
    std::set<std::string> names;
    std::set<std::string> function_names;
    auto claim = [&](const ast::identifier& id) {
        if (!names.insert(id.name).second) {
            error(at(id), "identifier '" + id.name + "' already declared");
            return false;
        }
        return true;
    };
    auto claim_function = [&](const ast::identifier& id) {
        if (function_names.count(id.name)) {
            error(at(id), "function overloading is not supported");
            return false;
        }
        function_names.insert(id.name);
        return claim(id);
    };
    // Structs first (their names), then everything that may use them.
    for (const auto& m : def.members)
        if (const auto* s = boost::get<ast::struct_definition>(&m.get())) {
            if (!claim(s->name)) continue;
            auto info = std::make_unique<StructInfo>();
            info->name = s->name.name;
            structs_[info->name] = info.get();
            c.structs.push_back(std::move(info));
        }
    for (const auto& m : def.members)
        if (const auto* s = boost::get<ast::struct_definition>(&m.get()))
            if (auto it = structs_.find(s->name.name); it != structs_.end() && it->second->members.empty())
                define_struct(*s, *it->second);
    for (const auto& m : def.members) {
        if (const auto* e = boost::get<ast::event_definition>(&m.get())) {
            if (!claim(e->name)) continue;
            if (auto* ev = make_event(*e)) events_[ev->name] = ev;
        } else if (const auto* r = boost::get<ast::error_definition>(&m.get())) {
            if (!claim(r->name)) continue;
            if (auto* er = make_error(*r)) errors_[er->name] = er;
        } else if (const auto* v = boost::get<ast::state_variable>(&m.get())) {
            if (!claim(v->name)) continue;
            const Type* t = resolve_type(v->type);
            if (!t) continue;
            auto var = std::make_unique<VarInfo>();
            var->name = v->name.name;
            var->type = t;
            var->is_state = true;
            var->declared_at = at(v->name);
            var->location = t->is_reference() ? DataLocation::Storage : DataLocation::None;
            std::set<std::string> seen;
            for (const auto& a : v->attributes) {
                if (!seen.insert(a).second) error(at(v->name), "'" + a + "' given twice");
                if (a == "public")
                    var->is_public = true;
                else if (a == "constant")
                    var->is_constant = true;
                else if (a == "immutable")
                    var->is_immutable = true;
                else if (a != "internal" && a != "private")
                    error(at(v->name), "'" + a + "' is not allowed on state variables");
            }
            if ((var->is_constant || var->is_immutable) && !t->is_value()) {
                error(at(v->type), std::string(var->is_constant ? "constant" : "immutable") +
                                       " state variables of type '" + t->name() + "' are not supported");
                continue;
            }
            if (var->is_constant && !v->initial) {
                error(at(v->name), "uninitialized \"constant\" variable");
                continue;
            }
            if (t->is_byte_array()) {
                error(at(v->type), "string and bytes state variables are not supported");
                continue;
            }
            state_[var->name] = var.get();
            c.state_vars.push_back(std::move(var));
        } else if (const auto* f = boost::get<ast::function_definition>(&m.get())) {
            if (f->name && !claim_function(*f->name)) continue;
            declare_function(*f, c);
        } else if (const auto* md = boost::get<ast::modifier_definition>(&m.get())) {
            if (!claim(md->name)) continue;
            auto info = std::make_unique<ModifierInfo>();
            info->name = md->name.name;
            info->ast = md;
            info->loc = at(md->name);
            for (const auto& p : md->parameters) {
                if (auto* param = declare_param(p, false, false)) info->params.push_back(param);
            }
            modifiers_[info->name] = info.get();
            c.modifiers.push_back(std::move(info));
        }
    }
    member_names_[&c] = names;
    layout_storage(c);
    for (auto& v : c.state_vars)
        if (v->is_public) make_getter(*v, c);
    // Selectors must be unique among the externally visible functions.
    std::map<uint32_t, const FunctionInfo*> selectors;
    for (const auto& f : c.functions) {
        if (!f->externally_visible() || f->kind == FunctionInfo::Kind::Constructor ||
            f->kind == FunctionInfo::Kind::Receive || f->kind == FunctionInfo::Kind::Fallback)
            continue;
        auto [it, fresh] = selectors.emplace(f->selector, f.get());
        if (!fresh) error(f->loc, "function signature hash collision for " + f->signature);
    }
    contract_ = nullptr;
}

void Analyzer::layout_storage(ContractInfo& c) {
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

void Analyzer::declare_function(const ast::function_definition& def, ContractInfo& c) {
    auto f = std::make_unique<FunctionInfo>();
    f->ast = &def;
    f->loc = def.name ? at(*def.name) : at(def);
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
    bool has_visibility = false;
    for (const auto& a : def.attributes) {
        if (const auto* kw = boost::get<std::string>(&a.get())) {
            if (*kw == "public" || *kw == "external" || *kw == "internal" || *kw == "private") {
                if (has_visibility) error(f->loc, "visibility already specified");
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
        error(f->loc, "no visibility specified; did you intend to add \"public\"?");
    if (f->kind == FunctionInfo::Kind::Constructor) {
        if (has_visibility && f->visibility != Visibility::Public)
            error(f->loc, "constructor visibility must be public or omitted");
        f->visibility = Visibility::Public;
        if (c.constructor) error(f->loc, "more than one constructor defined");
        c.constructor = f.get();
    }
    if (f->kind == FunctionInfo::Kind::Receive || f->kind == FunctionInfo::Kind::Fallback) {
        if (f->visibility != Visibility::External)
            error(f->loc, f->name + " function must be defined as \"external\"");
        if (f->kind == FunctionInfo::Kind::Receive && f->mutability != Mutability::Payable)
            error(f->loc, "receive ether function must be payable");
        if (f->kind == FunctionInfo::Kind::Fallback && (!def.parameters.empty() || !def.returns.empty()))
            error(f->loc,
                  "a fallback function with parameters or return values (`fallback(bytes calldata) returns "
                  "(bytes memory)`) is not supported");
        else if (!def.parameters.empty() || !def.returns.empty())
            error(f->loc, f->name + " function cannot have parameters or return values");
        auto*& slot = f->kind == FunctionInfo::Kind::Receive ? c.receive : c.fallback;
        if (slot) error(f->loc, "only one " + f->name + " function is allowed");
        slot = f.get();
    }
    if (f->mutability == Mutability::Payable && !f->externally_visible())
        error(f->loc, "internal and private functions cannot be payable");
    if (!def.body)
        error(f->loc, "functions without implementation are not supported (no abstract contracts)");

    const bool external = f->externally_visible();
    bool params_ok = true;
    for (const auto& p : def.parameters) {
        auto* v = declare_param(p, false, external);
        if (v)
            f->params.push_back(v);
        else
            params_ok = false;
    }
    for (const auto& p : def.returns) {
        auto* v = declare_param(p, true, external);
        if (v)
            f->returns.push_back(v);
        else
            params_ok = false;
    }
    if (!params_ok) return;
    // What the ABI code of this compiler can decode and encode.
    if (external) {
        auto check = [&](const VarInfo* v, bool is_param) {
            const Type* t = v->type;
            bool ok = t->is_value() || t->is_byte_array();
            if (t->kind == Type::Kind::Array && !t->length && t->element->is_value())
                ok = !is_param || t->element->storage_bytes() == 32;
            if (f->kind == FunctionInfo::Kind::Constructor) ok = t->is_value();
            if (!ok)
                error(v->declared_at,
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
    if (f->kind == FunctionInfo::Kind::Function) functions_[f->name] = f.get();
    c.functions.push_back(std::move(f));
}

void Analyzer::make_getter(VarInfo& v, ContractInfo& c) {
    // The getter takes one parameter per mapping key and array index, as solc's does.
    auto f = std::make_unique<FunctionInfo>();
    f->name = v.name;
    f->kind = FunctionInfo::Kind::Getter;
    f->visibility = Visibility::External;
    f->mutability = v.is_constant ? Mutability::Pure : Mutability::View;
    f->loc = v.declared_at;
    ExprPtr e = std::make_unique<Expr>();
    e->kind = v.is_constant ? Expr::Kind::Constant
                            : (v.is_immutable ? Expr::Kind::Immutable : Expr::Kind::StateVar);
    e->type = v.type;
    e->var = &v;
    e->loc = v.declared_at;
    e->location = v.location;
    const Type* t = v.type;
    while (t->kind == Type::Kind::Mapping || t->kind == Type::Kind::Array) {
        const Type* key = t->kind == Type::Kind::Mapping ? t->key : types_.uint(256);
        auto* p = new_local("", key, DataLocation::None, v.declared_at);
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
            if (!m.type->is_value()) continue;  // solc's getters skip members it cannot return
            auto* r = new_local(m.name, m.type, DataLocation::None, v.declared_at);
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
            tuple->args.push_back(std::move(me));
        }
        tuple->type = types_.tuple(members);
        ret->expr = std::move(tuple);
    } else {
        f->returns.push_back(new_local("", t, DataLocation::None, v.declared_at));
        ret->expr = std::move(e);
    }
    body->body.push_back(std::move(ret));
    f->body = std::move(body);
    std::string sig = f->name + "(";
    for (size_t i = 0; i < f->params.size(); ++i) sig += (i ? "," : "") + f->params[i]->type->abi_name();
    f->signature = sig + ")";
    f->selector = selector_word(f->signature);
    if (functions_.count(f->name)) error(v.declared_at, "identifier '" + v.name + "' already declared");
    c.functions.push_back(std::move(f));
}

void Analyzer::check_bodies(const ast::contract_definition& def, ContractInfo& c) {
    contract_ = &c;
    // Rebuild this contract's lookup tables (declare_contract cleared them for the next one).
    structs_.clear();
    events_.clear();
    errors_.clear();
    functions_.clear();
    modifiers_.clear();
    state_.clear();
    for (auto& s : c.structs) structs_[s->name] = s.get();
    for (auto& e : c.events) events_[e->name] = e.get();
    for (auto& e : c.errors) errors_[e->name] = e.get();
    for (auto& f : c.functions)
        if (f->kind == FunctionInfo::Kind::Function) functions_[f->name] = f.get();
    for (auto& m : c.modifiers) modifiers_[m->name] = m.get();
    for (auto& v : c.state_vars) state_[v->name] = v.get();

    // State variable initialisers: constants are folded, the others run in the constructor.
    for (const auto& m : def.members) {
        const auto* v = boost::get<ast::state_variable>(&m.get());
        if (!v || !v->initial) continue;
        auto it = state_.find(v->name.name);
        if (it == state_.end()) continue;
        VarInfo* var = it->second;
        function_ = nullptr;
        scopes_.clear();
        auto e = expected_value(*v->initial, var->type);
        if (!e) continue;
        if (var->is_constant) {
            if (e->kind != Expr::Kind::Constant) {
                error(at(*v->initial), "initial value for constant variable has to be compile-time constant");
                continue;
            }
            var->slot = 0;
            c.initializers.emplace_back(var, std::move(e));  // kept for the constant's value
        } else {
            if (var->type->kind == Type::Kind::Mapping) {
                error(at(*v->initial), "mappings cannot be initialised");
                continue;
            }
            c.initializers.emplace_back(var, std::move(e));
        }
    }

    // Getters of public constants return the folded value, known only now.
    for (auto& f : c.functions) {
        if (f->kind != FunctionInfo::Kind::Getter || !f->body || f->body->body.empty()) continue;
        Expr* e = f->body->body[0]->expr.get();
        if (!e || e->kind != Expr::Kind::Constant || !e->var || !e->var->is_constant) continue;
        for (const auto& [var, init] : c.initializers)
            if (var == e->var) e->value = init->value;
    }

    // Modifiers.
    for (auto& mi : c.modifiers) {
        const auto& md = *static_cast<const ast::modifier_definition*>(mi->ast);
        modifier_ = mi.get();
        function_ = nullptr;
        scopes_.assign(1, {});
        declared_locals_.clear();
        for (auto* p : mi->params)
            if (!p->name.empty()) scopes_.back().vars[p->name] = p;
        mi->body = block(md.body, false);
        bool has_placeholder = false;
        std::function<void(const Stmt&)> find = [&](const Stmt& s) {
            if (s.kind == Stmt::Kind::Placeholder) has_placeholder = true;
            for (const auto& b : s.body)
                if (b) find(*b);
        };
        if (mi->body) find(*mi->body);
        if (!has_placeholder) error(mi->loc, "modifier body does not contain '_'");
        modifier_ = nullptr;
    }

    // Functions.
    for (auto& f : c.functions) {
        if (!f->ast) continue;  // getters are built complete
        const auto& fd = *static_cast<const ast::function_definition*>(f->ast);
        function_ = f.get();
        scopes_.assign(1, {});
        declared_locals_.clear();
        reported_mutability_ = false;
        for (auto* p : f->params)
            if (!p->name.empty()) {
                if (scopes_.back().vars.count(p->name))
                    error(p->declared_at, "identifier '" + p->name + "' already declared");
                scopes_.back().vars[p->name] = p;
            }
        for (auto* p : f->returns)
            if (!p->name.empty()) {
                if (scopes_.back().vars.count(p->name))
                    error(p->declared_at, "identifier '" + p->name + "' already declared");
                scopes_.back().vars[p->name] = p;
            }
        // Modifier invocations.
        for (const auto& a : fd.attributes) {
            const auto* mi = boost::get<ast::modifier_invocation>(&a.get());
            if (!mi) continue;
            auto it = modifiers_.find(mi->name.name);
            if (mi->name.name == "virtual" || mi->name.name == "override") {
                error(at(mi->name),
                      "'" + mi->name.name + "' is not supported (inheritance is outside the subset)");
                continue;
            }
            if (it == modifiers_.end()) {
                if (contracts_.count(mi->name.name))
                    error(at(mi->name),
                          "base constructor calls are not supported (inheritance is outside the subset)");
                else
                    error(at(mi->name), "undeclared modifier '" + mi->name.name + "'");
                continue;
            }
            ModifierCall call;
            call.modifier = it->second;
            if (f->mutability == Mutability::View && it->second->writes_state)
                error(at(mi->name), "function cannot be declared as view because modifier '" + mi->name.name +
                                        "' (potentially) modifies the state");
            else if (f->mutability == Mutability::Pure &&
                     (it->second->writes_state || it->second->reads_state))
                error(at(mi->name), "function declared as pure, but modifier '" + mi->name.name +
                                        "' (potentially) reads from the environment or state");
            const size_t given = mi->arguments ? mi->arguments->size() : 0;
            if (given != it->second->params.size()) {
                error(at(*mi), "wrong argument count for modifier '" + mi->name.name +
                                   "': " + std::to_string(given) + " given but expected " +
                                   std::to_string(it->second->params.size()));
                continue;
            }
            for (size_t i = 0; i < given; ++i) {
                auto e = expected_value((*mi->arguments)[i], it->second->params[i]->type);
                if (e) call.args.push_back(std::move(e));
            }
            if (call.args.size() == given) f->modifiers.push_back(std::move(call));
        }
        if (fd.body) f->body = block(*fd.body, false);
        for (auto* v : declared_locals_)
            if (!v->used && !v->name.empty())
                diags_.warning(v->declared_at, "unused local variable '" + v->name + "'");
        function_ = nullptr;
    }
    contract_ = nullptr;
}

VarInfo* Analyzer::find_var(const std::string& name) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
        if (auto v = it->vars.find(name); v != it->vars.end()) return v->second;
    return nullptr;
}

// ==== statements ===================================================================================

bool Analyzer::terminates(const Stmt& s) const {
    switch (s.kind) {
        case Stmt::Kind::Return:
        case Stmt::Kind::Break:
        case Stmt::Kind::Continue:
        case Stmt::Kind::RevertError:
            return true;
        case Stmt::Kind::Expression:
            return s.expr && s.expr->kind == Expr::Kind::Revert;
        case Stmt::Kind::Block:
            for (const auto& b : s.body)
                if (b && terminates(*b)) return true;
            return false;
        case Stmt::Kind::If:
            return s.body.size() == 2 && s.body[0] && s.body[1] && terminates(*s.body[0]) &&
                   terminates(*s.body[1]);
        default:
            return false;
    }
}

StmtPtr Analyzer::block(const ast::block& b, bool new_scope) {
    auto out = std::make_unique<Stmt>();
    out->kind = Stmt::Kind::Block;
    out->loc = at(b);
    if (new_scope) scopes_.emplace_back();
    const bool saved_unchecked = unchecked_;
    if (b.unchecked) {
        if (unchecked_) error(at(b), "\"unchecked\" blocks cannot be nested");
        unchecked_ = true;
    }
    bool warned = false;
    bool ended = false;
    for (const auto& s : b.statements) {
        auto st = statement(s);
        if (!st) continue;
        if (ended && !warned) {
            diags_.warning(st->loc, "unreachable code");
            warned = true;
        }
        if (terminates(*st)) ended = true;
        out->body.push_back(std::move(st));
    }
    unchecked_ = saved_unchecked;
    if (new_scope) scopes_.pop_back();
    return out;
}

StmtPtr Analyzer::body_statement(const ast::statement& s) {
    if (const auto* d = boost::get<ast::local_declaration>(&s.get())) {
        error(at(*d), "variable declarations can only be used inside blocks");
        return nullptr;
    }
    return statement(s);
}

StmtPtr Analyzer::statement(const ast::statement& s) {
    struct Visitor {
        Analyzer& a;
        using result_type = StmtPtr;
        StmtPtr operator()(const ast::local_declaration& d) const { return a.local_declaration(d); }
        StmtPtr operator()(const ast::expression_statement& e) const {
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Expression;
            st->loc = a.at(e);
            st->expr = a.expression(e.expr);
            if (!st->expr) return nullptr;
            return st;
        }
        StmtPtr operator()(const ast::return_statement& r) const { return a.return_statement(r); }
        StmtPtr operator()(const ast::emit_statement& e) const { return a.emit_statement(e); }
        StmtPtr operator()(const ast::revert_statement& r) const { return a.revert_statement(r); }
        StmtPtr operator()(const ast::break_statement& b) const {
            if (a.loop_depth_ == 0) a.error(a.at(b), "\"break\" has to be in a \"for\" or \"while\" loop");
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Break;
            st->loc = a.at(b);
            return st;
        }
        StmtPtr operator()(const ast::continue_statement& c) const {
            if (a.loop_depth_ == 0) a.error(a.at(c), "\"continue\" has to be in a \"for\" or \"while\" loop");
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Continue;
            st->loc = a.at(c);
            return st;
        }
        StmtPtr operator()(const ast::placeholder_statement& p) const {
            if (!a.modifier_) a.error(a.at(p), "'_' is only allowed inside modifiers");
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::Placeholder;
            st->loc = a.at(p);
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::block>& b) const { return a.block(b.get()); }
        StmtPtr operator()(const x3::forward_ast<ast::if_statement>& f) const {
            const auto& i = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::If;
            st->loc = a.at(i);
            st->expr = a.expected_value(i.condition, a.types_.boolean());
            a.scopes_.emplace_back();
            st->body.push_back(a.body_statement(i.then_branch));
            a.scopes_.pop_back();
            if (i.else_branch) {
                a.scopes_.emplace_back();
                st->body.push_back(a.body_statement(*i.else_branch));
                a.scopes_.pop_back();
            }
            if (!st->expr) return nullptr;
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::for_statement>& f) const {
            const auto& fs = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::For;
            st->loc = a.at(fs);
            a.scopes_.emplace_back();
            st->body.push_back(fs.init ? a.statement(*fs.init) : nullptr);
            if (fs.condition) st->expr = a.expected_value(*fs.condition, a.types_.boolean());
            if (fs.post) st->post = a.expression(*fs.post);
            ++a.loop_depth_;
            a.scopes_.emplace_back();
            st->body.push_back(a.body_statement(fs.body));
            a.scopes_.pop_back();
            --a.loop_depth_;
            a.scopes_.pop_back();
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::while_statement>& f) const {
            const auto& w = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::While;
            st->loc = a.at(w);
            st->expr = a.expected_value(w.condition, a.types_.boolean());
            ++a.loop_depth_;
            a.scopes_.emplace_back();
            st->body.push_back(a.body_statement(w.body));
            a.scopes_.pop_back();
            --a.loop_depth_;
            if (!st->expr) return nullptr;
            return st;
        }
        StmtPtr operator()(const x3::forward_ast<ast::do_while_statement>& f) const {
            const auto& d = f.get();
            auto st = std::make_unique<Stmt>();
            st->kind = Stmt::Kind::DoWhile;
            st->loc = a.at(d);
            ++a.loop_depth_;
            a.scopes_.emplace_back();
            st->body.push_back(a.body_statement(d.body));
            a.scopes_.pop_back();
            --a.loop_depth_;
            st->expr = a.expected_value(d.condition, a.types_.boolean());
            if (!st->expr) return nullptr;
            return st;
        }
    };
    if (diags_.error_count() >= Diagnostics::max_errors) return nullptr;
    return boost::apply_visitor(Visitor{*this}, s.get());
}

StmtPtr Analyzer::local_declaration(const ast::local_declaration& d) {
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::VarDecl;
    st->loc = at(d);
    std::vector<VarInfo*> vars;
    std::vector<const Type*> types;
    // A rejected declaration (bad type or location) still claims its names, so that their uses
    // give no "undeclared identifier" on top.
    auto reject = [&]() -> StmtPtr {
        if (!scopes_.empty())
            for (const auto& ov : d.variables)
                if (ov && ov->name) scopes_.back().rejected.insert(ov->name->name);
        return nullptr;
    };
    for (const auto& ov : d.variables) {
        if (!ov) {
            vars.push_back(nullptr);
            types.push_back(nullptr);
            continue;
        }
        const auto& v = *ov;
        const Type* t = resolve_type(v.type);
        if (!t) return reject();
        DataLocation loc = DataLocation::None;
        if (t->is_reference()) {
            if (v.location.empty()) {
                error(at(v.type), "data location must be \"storage\" or \"memory\" for variable of type '" +
                                      t->name() + "', but none was given");
                return reject();
            }
            loc = v.location == "storage" ? DataLocation::Storage : DataLocation::Memory;
            if (v.location == "calldata") {
                error(at(v), "calldata local variables are not supported");
                return reject();
            }
            if (t->kind == Type::Kind::Mapping && loc != DataLocation::Storage) {
                error(at(v), "mappings can only live in storage");
                return reject();
            }
            if (loc == DataLocation::Memory && t->kind == Type::Kind::Array && t->length) {
                error(at(v.type), "fixed-size memory arrays are not supported; use new T[](n)");
                return reject();
            }
            if (loc == DataLocation::Memory && t->kind == Type::Kind::Array && !t->element->is_value()) {
                error(at(v.type), "memory arrays of '" + t->element->name() + "' are not supported");
                return reject();
            }
            if (loc == DataLocation::Memory && t->kind == Type::Kind::Struct)
                for (const auto& m : t->struct_info->members)
                    if (!m.type->is_value()) {
                        error(at(v.type), "memory structs with struct members are not supported");
                        return reject();
                    }
        } else if (!v.location.empty()) {
            error(at(v), "data location can only be given for array, struct, string or bytes types");
        }
        const std::string name = v.name ? v.name->name : std::string{};
        vars.push_back(new_local(name, t, loc, v.name ? at(*v.name) : at(v)));
        types.push_back(t);
    }
    // The names come into scope even when the initial value is wrong, so that one mistake gives
    // one error; they count as used (no "unused" warning on top).
    auto declare_anyway = [&]() -> StmtPtr {
        for (auto* v : vars)
            if (v && !v->name.empty() && !scopes_.back().vars.count(v->name)) {
                v->used = true;
                scopes_.back().vars[v->name] = v;
            }
        return nullptr;
    };
    // The initial value is checked before the names come into scope (`uint x = x;` is an error).
    if (d.initial) {
        if (!d.is_tuple) {
            st->expr = expected_value(*d.initial, types[0]);
            if (!st->expr) return declare_anyway();
            if (vars[0]->location == DataLocation::Storage && st->expr->location != DataLocation::Storage) {
                error(at(*d.initial), "type '" + types[0]->name() +
                                          " memory' is not implicitly convertible to expected type '" +
                                          types[0]->name() + " storage pointer'");
                return declare_anyway();
            }
            if (vars[0]->location == DataLocation::Memory && st->expr->location == DataLocation::Storage) {
                error(at(*d.initial),
                      "copying '" + types[0]->name() + "' from storage to memory is not supported");
                return declare_anyway();
            }
        } else {
            auto e = expression(*d.initial);
            if (!e) return declare_anyway();
            if (e->type->kind != Type::Kind::Tuple || e->type->members.size() != vars.size()) {
                error(at(*d.initial),
                      "different number of components on the left hand side (" + std::to_string(vars.size()) +
                          ") than on the right hand side (" +
                          std::to_string(e->type->kind == Type::Kind::Tuple ? e->type->members.size() : 1) +
                          ")");
                return declare_anyway();
            }
            if (e->kind == Expr::Kind::Tuple) {
                std::vector<const Type*> members;
                for (size_t i = 0; i < vars.size(); ++i) {
                    e->args[i] = types[i] ? implicit(std::move(e->args[i]), types[i], at(*d.initial))
                                          : mobile(std::move(e->args[i]));
                    if (!e->args[i]) return declare_anyway();
                    members.push_back(e->args[i]->type);
                }
                e->type = types_.tuple(members);
            }
            for (size_t i = 0; i < vars.size(); ++i) {
                if (!types[i]) continue;
                const Type* from = e->type->members[i];
                if (from != types[i] && !(from->is_integer() && types[i]->is_integer() &&
                                          from->kind == types[i]->kind && from->bits <= types[i]->bits)) {
                    error(at(*d.initial), "type '" + from->name() +
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
                error(v->declared_at, "uninitialized storage pointer");
                return nullptr;
            }
        if (d.is_tuple) {
            error(at(d), "tuple declarations need an initial value");
            return nullptr;
        }
    }
    for (auto* v : vars) {
        if (!v || v->name.empty()) continue;
        auto& scope = scopes_.back().vars;
        if (scope.count(v->name)) {
            error(v->declared_at, "identifier '" + v->name + "' already declared");
            continue;
        }
        bool shadows = state_.count(v->name) > 0 || functions_.count(v->name) > 0;
        for (const auto& outer : scopes_)
            if (outer.vars.count(v->name) && &outer != &scopes_.back()) shadows = true;
        if (shadows) diags_.warning(v->declared_at, "this declaration shadows an existing declaration");
        scope[v->name] = v;
        declared_locals_.push_back(v);
    }
    st->vars = std::move(vars);
    return st;
}

StmtPtr Analyzer::return_statement(const ast::return_statement& r) {
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Return;
    st->loc = at(r);
    if (modifier_) {
        if (r.value) error(at(r), "return arguments are not allowed in modifiers");
        return st;
    }
    if (!function_) return nullptr;
    const auto& returns = function_->returns;
    if (!r.value) return st;
    if (returns.empty()) {
        error(at(r), "different number of arguments in return statement than in returns declaration");
        return nullptr;
    }
    if (returns.size() == 1) {
        st->expr = expected_value(*r.value, returns[0]->type);
        if (!st->expr) return nullptr;
        if (returns[0]->location == DataLocation::Memory && st->expr->location == DataLocation::Storage) {
            error(at(*r.value), "returning '" + returns[0]->type->name() + "' from storage is not supported");
            return nullptr;
        }
        return st;
    }
    // Several values: a tuple expression whose components convert one by one.
    const auto& e = *r.value;
    auto value = expression(e);
    if (!value) return nullptr;
    if (value->type->kind != Type::Kind::Tuple || value->type->members.size() != returns.size()) {
        error(at(r), "different number of arguments in return statement than in returns declaration");
        return nullptr;
    }
    if (value->kind == Expr::Kind::Tuple) {
        std::vector<const Type*> members;
        for (size_t i = 0; i < returns.size(); ++i) {
            value->args[i] = implicit(std::move(value->args[i]), returns[i]->type, at(e));
            if (!value->args[i]) return nullptr;
            members.push_back(returns[i]->type);
        }
        value->type = types_.tuple(members);
    } else {
        for (size_t i = 0; i < returns.size(); ++i)
            if (value->type->members[i] != returns[i]->type) {
                error(at(e), "return argument type '" + value->type->members[i]->name() +
                                 "' is not implicitly convertible to expected type '" +
                                 returns[i]->type->name() + "'");
                return nullptr;
            }
    }
    st->expr = std::move(value);
    return st;
}

StmtPtr Analyzer::emit_statement(const ast::emit_statement& e) {
    // emit E(args): the expression must be a call of an event.
    const auto [name, call] = named_call(e.call);
    if (!call || !name) {
        error(at(e), "expression has to be an event invocation");
        return nullptr;
    }
    const EventInfo* ev = find_event(name->name);
    if (!ev) {
        error(at(*name), "undeclared event '" + name->name + "'");
        return nullptr;
    }
    note_write_state(at(e));
    if (!events_.count(ev->name)) add_once(contract_->used_events, ev);
    std::vector<const Type*> types;
    for (const auto& p : ev->params) types.push_back(p.type);
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Emit;
    st->loc = at(e);
    st->event = ev;
    st->args = call_arguments(*call, types, "event '" + ev->name + "'", at(*call));
    if (st->args.size() != types.size()) return nullptr;
    return st;
}

StmtPtr Analyzer::revert_statement(const ast::revert_statement& r) {
    const auto [name, call] = named_call(r.call);
    if (!call || !name) {
        error(at(r), "expected an error, as in 'revert MyError(arguments)'");
        return nullptr;
    }
    const ErrorInfo* er = find_error(name->name);
    if (!er) {
        error(at(*name), "undeclared error '" + name->name + "'");
        return nullptr;
    }
    if (!errors_.count(er->name)) add_once(contract_->used_errors, er);
    std::vector<const Type*> types;
    for (const auto& p : er->params) types.push_back(p.type);
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::RevertError;
    st->loc = at(r);
    st->error = er;
    st->args = call_arguments(*call, types, "error '" + er->name + "'", at(*call));
    if (st->args.size() != types.size()) return nullptr;
    return st;
}

// ==== expressions ==================================================================================

ExprPtr Analyzer::literal(const cpp_int& v, Location where) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Constant;
    e->type = types_.int_literal();
    e->loc = where;
    e->value = word_of(v);
    e->text = v.str();
    return e;
}

ExprPtr Analyzer::constant(const cpp_int& v, const Type* t, Location where) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Constant;
    e->type = t;
    e->loc = where;
    e->value = word_of(v);
    return e;
}

ExprPtr Analyzer::string_constant(std::string text, Location where) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::StringConstant;
    e->type = types_.string_literal();
    e->loc = where;
    e->text = std::move(text);
    return e;
}

void Analyzer::note_read_state(Location where) {
    if (modifier_) modifier_->reads_state = true;
    if (!function_ || reported_mutability_) return;
    if (function_->mutability == Mutability::Pure) {
        reported_mutability_ = true;
        error(where,
              "function declared as pure, but this expression (potentially) reads from the environment or "
              "state and thus requires \"view\"");
    }
}

void Analyzer::note_write_state(Location where) {
    if (modifier_) modifier_->writes_state = true;
    if (!function_ || reported_mutability_) return;
    if (function_->mutability == Mutability::Pure || function_->mutability == Mutability::View) {
        reported_mutability_ = true;
        error(where, std::string("function cannot be declared as ") +
                         (function_->mutability == Mutability::Pure ? "pure" : "view") +
                         " because this expression (potentially) modifies the state");
    }
}

void Analyzer::note_environment(Location where) { note_read_state(where); }

std::optional<cpp_int> Analyzer::number(const ast::number_literal& n) {
    std::string digits;
    for (char ch : n.text)
        if (ch != '_') digits += ch;
    cpp_int v = 0;
    const Location where = at(n);
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        if (digits.size() > 66) {
            error(where, "hexadecimal literal is longer than 32 bytes");
            return std::nullopt;
        }
        for (char ch : digits.substr(2)) {
            const int d = (ch >= '0' && ch <= '9')   ? ch - '0'
                          : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
                                                     : ch - 'A' + 10;
            v = v * 16 + d;
        }
        if (!n.unit.empty()) error(where, "hexadecimal numbers cannot be used with unit denominations");
    } else {
        const size_t e_pos = digits.find_first_of("eE");
        const std::string mant = digits.substr(0, e_pos);
        if (mant.find('.') != std::string::npos) {
            error(where, "fractional literals are not supported");
            return std::nullopt;
        }
        if (mant.size() > 80) {
            error(where, "number literal is too large");
            return std::nullopt;
        }
        for (char ch : mant) v = v * 10 + (ch - '0');
        if (e_pos != std::string::npos) {
            const std::string ex = digits.substr(e_pos + 1);
            if (ex.empty() || ex.size() > 3 || ex[0] == '-') {
                error(where, "exponent of this number literal is not supported");
                return std::nullopt;
            }
            const int k = std::stoi(ex);
            if (k > 77) {
                error(where, "number literal is too large");
                return std::nullopt;
            }
            for (int i = 0; i < k; ++i) v *= 10;
        }
    }
    static const std::map<std::string, cpp_int> units = {{"wei", 1},
                                                         {"gwei", cpp_int(1000000000)},
                                                         {"ether", cpp_int("1000000000000000000")},
                                                         {"seconds", 1},
                                                         {"minutes", 60},
                                                         {"hours", 3600},
                                                         {"days", 86400},
                                                         {"weeks", 604800}};
    if (!n.unit.empty()) v *= units.at(n.unit);
    return v;
}

ExprPtr Analyzer::mobile(ExprPtr e) {
    if (!e) return e;
    if (e->type->kind == Type::Kind::IntLiteral) {
        const cpp_int v = cpp_int(e->text);
        for (unsigned bits = 8; bits <= 256; bits += 8) {
            const Type* t = v >= 0 ? types_.uint(bits) : types_.sint(bits);
            if (fits(v, t)) return constant(v, t, e->loc);
        }
        error(e->loc, "literal " + v.str() + " does not fit in 256 bits");
        return nullptr;
    }
    if (e->type->kind == Type::Kind::StringLiteral) {
        e->type = types_.string_type();
        e->location = DataLocation::Memory;
    }
    return e;
}

ExprPtr Analyzer::implicit(ExprPtr e, const Type* to, Location where, const char* context) {
    if (!e || !to) return e;
    const Type* from = e->type;
    if (from == to) return e;
    auto fail = [&]() -> ExprPtr {
        std::string from_name = from->name();
        if (from->kind == Type::Kind::IntLiteral) from_name = "int_const " + cpp_int(e->text).str();
        if (from->kind == Type::Kind::StringLiteral) from_name = "literal_string \"" + e->text + "\"";
        error(where, std::string(context ? context : "") + "type " + from_name +
                         " is not implicitly convertible to expected type " + to->name());
        return nullptr;
    };
    auto retyped = [&](const Type* t) {
        auto c = std::make_unique<Expr>();
        c->kind = Expr::Kind::Convert;
        c->type = t;
        c->loc = e->loc;
        c->location = e->location;
        c->args.push_back(std::move(e));
        return c;
    };
    switch (from->kind) {
        case Type::Kind::IntLiteral: {
            const cpp_int v = cpp_int(e->text);
            if (to->is_integer()) {
                if (!fits(v, to)) {
                    error(where, "type int_const " + v.str() +
                                     " is not implicitly convertible to expected type " + to->name() +
                                     ": the literal does not fit");
                    return nullptr;
                }
                return constant(v, to, e->loc);
            }
            if (to->kind == Type::Kind::FixedBytes && v == 0) return constant(0, to, e->loc);
            // A hex literal with exactly as many digits as the bytesN has (as solc requires).
            if (to->kind == Type::Kind::FixedBytes && e->hex_bytes == to->bits / 8)
                return constant(v << (256 - to->bits), to, e->loc);
            return fail();
        }
        case Type::Kind::StringLiteral:
            if (to->is_byte_array()) {
                e->type = to;
                e->location = DataLocation::Memory;
                return e;
            }
            if (to->kind == Type::Kind::FixedBytes && e->text.size() <= to->bits / 8) {
                cpp_int v = 0;
                for (size_t i = 0; i < 32; ++i)
                    v = (v << 8) | (i < e->text.size() ? static_cast<unsigned char>(e->text[i]) : 0);
                return constant(v, to, e->loc);
            }
            return fail();
        case Type::Kind::Uint:
            if ((to->kind == Type::Kind::Uint && to->bits >= from->bits) ||
                (to->kind == Type::Kind::Int && to->bits > from->bits))
                return retyped(to);
            return fail();
        case Type::Kind::Int:
            if (to->kind == Type::Kind::Int && to->bits >= from->bits) return retyped(to);
            return fail();
        case Type::Kind::FixedBytes:
            if (to->kind == Type::Kind::FixedBytes && to->bits >= from->bits) return retyped(to);
            return fail();
        case Type::Kind::Address:
            if (to->kind == Type::Kind::Address && !to->payable) return retyped(to);
            return fail();
        case Type::Kind::Bytes:
        case Type::Kind::String:
            return fail();
        default:
            return fail();
    }
}

ExprPtr Analyzer::expected_value(const ast::expression& e, const Type* expected) {
    auto v = expression(e, expected);
    if (!v) return nullptr;
    if (v->type->kind == Type::Kind::Tuple || v->type->kind == Type::Kind::Void) {
        if (expected) {
            error(at(e), "expression has no single value to convert to " + expected->name());
            return nullptr;
        }
    }
    return implicit(std::move(v), expected, at(e));
}

ExprPtr Analyzer::expression(const ast::expression& e, const Type* expected) {
    if (e.assignment) return assignment(e);
    auto c = chain(e.chain);
    if (!e.conditional || !c) return c;
    c = implicit(std::move(c), types_.boolean(), at(e.chain));
    auto t = expression(e.conditional->if_true.get(), expected);
    auto f = expression(e.conditional->if_false.get(), expected);
    if (!c || !t || !f) return nullptr;
    // A common type: literals adopt the other side's type.
    if (t->type->kind == Type::Kind::IntLiteral && f->type->kind == Type::Kind::IntLiteral) {
        if (expected && expected->is_integer()) {
            t = implicit(std::move(t), expected, at(e.conditional->if_true.get()));
            f = implicit(std::move(f), expected, at(e.conditional->if_false.get()));
        } else {
            t = mobile(std::move(t));
            f = mobile(std::move(f));
            if (t && f && t->type != f->type) {
                const Type* wide = t->type->bits >= f->type->bits ? t->type : f->type;
                t = implicit(std::move(t), wide, at(e.conditional->if_true.get()));
                f = implicit(std::move(f), wide, at(e.conditional->if_false.get()));
            }
        }
    } else if (t->type->kind == Type::Kind::IntLiteral || t->type->kind == Type::Kind::StringLiteral) {
        t = implicit(std::move(t), f->type, at(e.conditional->if_true.get()));
    } else if (f->type->kind == Type::Kind::IntLiteral || f->type->kind == Type::Kind::StringLiteral) {
        f = implicit(std::move(f), t->type, at(e.conditional->if_false.get()));
    } else if (t->type != f->type) {
        // The common type: whichever side the other converts to implicitly.
        auto widens = [](const Type* from, const Type* to) {
            return (from->kind == to->kind && (from->is_integer() || from->kind == Type::Kind::FixedBytes) &&
                    from->bits <= to->bits) ||
                   (from->kind == Type::Kind::Uint && to->kind == Type::Kind::Int && from->bits < to->bits) ||
                   (from->kind == Type::Kind::Address && to->kind == Type::Kind::Address && !to->payable);
        };
        if (widens(t->type, f->type))
            t = implicit(std::move(t), f->type, at(e.conditional->if_true.get()));
        else
            f = implicit(std::move(f), t->type, at(e.conditional->if_false.get()));
        if (!t || !f) return nullptr;
    }
    if (!t || !f) return nullptr;
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Conditional;
    out->type = t->type;
    out->location = t->location;
    out->loc = at(e);
    if (t->type->is_reference() && t->location != f->location) {
        error(at(e), "true and false expressions must live in the same data location");
        return nullptr;
    }
    out->args.push_back(std::move(c));
    out->args.push_back(std::move(t));
    out->args.push_back(std::move(f));
    return out;
}

bool Analyzer::is_lvalue(const Expr& e) const {
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

void Analyzer::check_lvalue(const Expr& e) {
    if (e.kind == Expr::Kind::StateVar || e.kind == Expr::Kind::Index || e.kind == Expr::Kind::Member) {
        if (e.location == DataLocation::Storage || e.kind == Expr::Kind::StateVar) note_write_state(e.loc);
    }
    if (e.kind == Expr::Kind::Immutable && (!function_ || function_->kind != FunctionInfo::Kind::Constructor))
        error(e.loc,
              "cannot write to immutable here: immutable variables can only be initialized inline or "
              "assigned directly in the constructor");
    if (e.kind == Expr::Kind::Tuple)
        for (const auto& a : e.args) check_lvalue(*a);
}

ExprPtr Analyzer::assignment(const ast::expression& e) {
    ast::expression lhs_only = e;
    lhs_only.assignment.reset();
    const auto& tail = *e.assignment;
    auto lhs = expression(lhs_only);
    if (!lhs) return nullptr;
    if (lhs->kind == Expr::Kind::Constant && lhs->var && lhs->var->is_constant) {
        error(lhs->loc, "cannot assign to a constant variable");
        return nullptr;
    }
    if (!is_lvalue(*lhs) || lhs->type->kind == Type::Kind::Void) {
        error(at(e), "expression has to be an lvalue");
        return nullptr;
    }
    if (lhs->kind == Expr::Kind::Local && lhs->var) lhs->var->used = true;
    check_lvalue(*lhs);
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Assign;
    out->loc = at(tail);
    if (tail.op == "=") {
        if (lhs->kind == Expr::Kind::Tuple) {
            auto rhs = expression(tail.rhs.get());
            if (!rhs) return nullptr;
            const size_t n = lhs->args.size();
            if (rhs->type->kind != Type::Kind::Tuple || rhs->type->members.size() != n) {
                error(at(tail.rhs.get()), "different number of components on the left hand side (" +
                                              std::to_string(n) + ") than on the right hand side");
                return nullptr;
            }
            if (rhs->kind == Expr::Kind::Tuple) {
                std::vector<const Type*> members;
                for (size_t i = 0; i < n; ++i) {
                    const Type* target =
                        lhs->args[i]->kind == Expr::Kind::Empty ? nullptr : lhs->args[i]->type;
                    rhs->args[i] = target ? implicit(std::move(rhs->args[i]), target, at(tail.rhs.get()))
                                          : mobile(std::move(rhs->args[i]));
                    if (!rhs->args[i]) return nullptr;
                    if (!rhs->args[i]->type->is_value()) {
                        error(at(tail.rhs.get()), "tuple assignment of reference types is not supported");
                        return nullptr;
                    }
                    members.push_back(rhs->args[i]->type);
                }
                rhs->type = types_.tuple(members);
            } else {
                for (size_t i = 0; i < n; ++i)
                    if (lhs->args[i]->kind != Expr::Kind::Empty &&
                        rhs->type->members[i] != lhs->args[i]->type) {
                        error(at(tail.rhs.get()), "type " + rhs->type->members[i]->name() +
                                                      " is not implicitly convertible to expected type " +
                                                      lhs->args[i]->type->name());
                        return nullptr;
                    }
            }
            out->type = types_.tuple({});
            out->args.push_back(std::move(lhs));
            out->args.push_back(std::move(rhs));
            return out;
        }
        auto rhs = expected_value(tail.rhs.get(), lhs->type);
        if (!rhs) return nullptr;
        if (lhs->type->is_reference()) {
            const bool lhs_storage = lhs->location == DataLocation::Storage;
            const bool pointer = lhs->kind == Expr::Kind::Local;
            if (lhs->type->kind == Type::Kind::Mapping) {
                error(out->loc, "mappings cannot be assigned to");
                return nullptr;
            }
            if (pointer && lhs->location != rhs->location) {
                error(out->loc, "type " + rhs->type->name() +
                                    (rhs->location == DataLocation::Storage ? " storage" : " memory") +
                                    " is not implicitly convertible to expected type " + lhs->type->name() +
                                    (lhs_storage ? " storage pointer" : " memory"));
                return nullptr;
            }
            if (!pointer && !(lhs_storage && lhs->type->kind == Type::Kind::Struct)) {
                error(out->loc,
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
        error(out->loc, "operator " + tail.op + " not compatible with type " + lhs->type->name());
        return nullptr;
    }
    auto rhs = expression(tail.rhs.get());
    if (!rhs) return nullptr;
    if (*op == BinaryOp::Shl || *op == BinaryOp::Shr) {
        rhs = rhs->type->kind == Type::Kind::IntLiteral ? mobile(std::move(rhs)) : std::move(rhs);
        if (!rhs) return nullptr;
        if (rhs->type->kind != Type::Kind::Uint) {
            error(at(tail.rhs.get()), "the shift amount must be an unsigned integer");
            return nullptr;
        }
    } else {
        rhs = implicit(std::move(rhs), lhs->type, at(tail.rhs.get()));
        if (!rhs) return nullptr;
    }
    const bool integer_op = *op != BinaryOp::BitAnd && *op != BinaryOp::BitOr && *op != BinaryOp::BitXor &&
                            *op != BinaryOp::Shl && *op != BinaryOp::Shr;
    if ((integer_op && !lhs->type->is_integer()) ||
        (!integer_op && !lhs->type->is_integer() && lhs->type->kind != Type::Kind::FixedBytes)) {
        error(out->loc, "operator " + tail.op + " not compatible with type " + lhs->type->name());
        return nullptr;
    }
    out->compound = true;
    out->binary_op = *op;
    out->checked = !unchecked_;
    out->type = lhs->type;
    out->args.push_back(std::move(lhs));
    out->args.push_back(std::move(rhs));
    return out;
}

ExprPtr Analyzer::chain(const ast::binary_chain& c) {
    std::vector<ExprPtr> operands;
    operands.push_back(operand(c.first));
    for (const auto& op : c.rest) operands.push_back(operand(op.operand_));
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
            lhs = binary(link.op, std::move(lhs), std::move(rhs), at(link));
        }
        return lhs;
    };
    return climb(0);
}

ExprPtr Analyzer::binary(const std::string& op_text, ExprPtr lhs, ExprPtr rhs, Location) {
    const auto op = binary_op_of(op_text);
    if (!op || !lhs || !rhs) return nullptr;
    const Location where = lhs->loc;  // a binary expression starts where its left operand does
    auto incompatible = [&]() -> ExprPtr {
        auto name = [&](const Expr& e) {
            if (e.type->kind == Type::Kind::IntLiteral) return "int_const " + cpp_int(e.text).str();
            return e.type->name();
        };
        error(where,
              "operator " + op_text + " not compatible with types " + name(*lhs) + " and " + name(*rhs));
        return nullptr;
    };
    // Both literal: fold exactly.
    const auto lv = literal_value(*lhs);
    const auto rv = literal_value(*rhs);
    if (lv && rv) {
        cpp_int r;
        switch (*op) {
            case BinaryOp::Add:
                r = *lv + *rv;
                break;
            case BinaryOp::Sub:
                r = *lv - *rv;
                break;
            case BinaryOp::Mul:
                r = *lv * *rv;
                break;
            case BinaryOp::Div:
            case BinaryOp::Mod:
                if (*rv == 0) {
                    error(where, "division by zero");
                    return nullptr;
                }
                if (*op == BinaryOp::Div && *lv % *rv != 0) {
                    error(where, "rational constants are not supported: " + lv->str() + " / " + rv->str() +
                                     " is not an integer");
                    return nullptr;
                }
                r = *op == BinaryOp::Div ? cpp_int(*lv / *rv) : cpp_int(*lv % *rv);
                break;
            case BinaryOp::Exp: {
                if (*rv < 0) {
                    error(where, "negative exponents are not supported");
                    return nullptr;
                }
                const auto lbits = msb_bits(*lv);
                if (*rv > 4096 || lbits * static_cast<size_t>(*rv) > 4096) {
                    error(where, "literal exponentiation result is too large");
                    return nullptr;
                }
                r = boost::multiprecision::pow(*lv, static_cast<unsigned>(*rv));
                break;
            }
            case BinaryOp::Shl:
                if (*rv < 0 || *rv > 4096) return incompatible();
                r = *lv << static_cast<unsigned>(*rv);
                break;
            case BinaryOp::Shr:
                if (*rv < 0 || *rv > 4096) return incompatible();
                r = *lv >> static_cast<unsigned>(*rv);
                break;
            case BinaryOp::BitAnd:
            case BinaryOp::BitOr:
            case BinaryOp::BitXor:
                if (*lv < 0 || *rv < 0) return incompatible();
                r = *op == BinaryOp::BitAnd  ? cpp_int(*lv & *rv)
                    : *op == BinaryOp::BitOr ? cpp_int(*lv | *rv)
                                             : cpp_int(*lv ^ *rv);
                break;
            case BinaryOp::Lt:
                return constant(*lv < *rv, types_.boolean(), where);
            case BinaryOp::Gt:
                return constant(*lv > *rv, types_.boolean(), where);
            case BinaryOp::Le:
                return constant(*lv <= *rv, types_.boolean(), where);
            case BinaryOp::Ge:
                return constant(*lv >= *rv, types_.boolean(), where);
            case BinaryOp::Eq:
                return constant(*lv == *rv, types_.boolean(), where);
            case BinaryOp::Ne:
                return constant(*lv != *rv, types_.boolean(), where);
            default:
                return incompatible();
        }
        if (r >= (one << 4096) || r <= -(one << 4096)) {
            error(where, "literal arithmetic result is too large");
            return nullptr;
        }
        return literal(r, where);
    }
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Binary;
    out->binary_op = *op;
    out->loc = where;
    out->checked = !unchecked_;
    if (*op == BinaryOp::And || *op == BinaryOp::Or) {
        if (lhs->type->kind != Type::Kind::Bool || rhs->type->kind != Type::Kind::Bool) return incompatible();
        out->type = types_.boolean();
    } else if (*op == BinaryOp::Shl || *op == BinaryOp::Shr || *op == BinaryOp::Exp) {
        // A literal base or shifted value takes uint256 (int256 when negative), as in solc 0.8.
        if (lv) lhs = implicit(std::move(lhs), *lv < 0 ? types_.sint(256) : types_.uint(256), where);
        if (rv) rhs = mobile(std::move(rhs));
        if (!lhs || !rhs) return nullptr;
        if (rhs->type->kind != Type::Kind::Uint) return incompatible();
        const bool base_ok =
            lhs->type->is_integer() || (*op != BinaryOp::Exp && lhs->type->kind == Type::Kind::FixedBytes);
        if (!base_ok) return incompatible();
        if (*op == BinaryOp::Exp && lhs->type->is_signed()) {
            error(where, "exponentiation of signed integers is not supported");
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
            lhs = implicit(std::move(lhs), rhs->type, where);
        else if (rv)
            rhs = implicit(std::move(rhs), lhs->type, where);
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
                lhs =
                    implicit(std::move(lhs), rt->kind == Type::Kind::Address ? types_.address() : rt, where);
            else if (widens(rt, lt))
                rhs =
                    implicit(std::move(rhs), lt->kind == Type::Kind::Address ? types_.address() : lt, where);
            else
                return incompatible();
            if (lt->kind == Type::Kind::Address && rt->kind == Type::Kind::Address) {
                if (lhs && lhs->type != types_.address())
                    lhs = implicit(std::move(lhs), types_.address(), where);
                if (rhs && rhs->type != types_.address())
                    rhs = implicit(std::move(rhs), types_.address(), where);
            }
            if (!lhs || !rhs) return nullptr;
        }
        const Type* t = lhs->type;
        if (is_comparison(*op)) {
            const bool ordered =
                t->is_integer() || t->kind == Type::Kind::FixedBytes || t->kind == Type::Kind::Address;
            const bool equal = ordered || t->kind == Type::Kind::Bool || t->kind == Type::Kind::Contract;
            if (!(*op == BinaryOp::Eq || *op == BinaryOp::Ne ? equal : ordered)) return incompatible();
            out->type = types_.boolean();
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
    const bool shift_or_exp = *op == BinaryOp::Shl || *op == BinaryOp::Shr || *op == BinaryOp::Exp;
    if (lhs->kind == Expr::Kind::Constant && rhs->kind == Expr::Kind::Constant && lhs->type->is_integer() &&
        (lhs->type == rhs->type || (shift_or_exp && rhs->type->kind == Type::Kind::Uint)) &&
        !is_comparison(*op) && *op != BinaryOp::And && *op != BinaryOp::Or) {
        const bool sg = lhs->type->is_signed();
        const cpp_int a = int_of(lhs->value, sg), b = int_of(rhs->value, rhs->type->is_signed());
        std::optional<cpp_int> r;
        switch (*op) {
            case BinaryOp::Add:
                r = a + b;
                break;
            case BinaryOp::Sub:
                r = a - b;
                break;
            case BinaryOp::Mul:
                r = a * b;
                break;
            case BinaryOp::Div:
                if (b != 0) r = a / b;
                break;
            case BinaryOp::Mod:
                if (b != 0) r = a % b;
                break;
            case BinaryOp::Exp:
                if (b >= 0 && b <= 256 && msb_bits(a) * static_cast<size_t>(b) <= 512)
                    r = boost::multiprecision::pow(a, static_cast<unsigned>(b));
                break;
            case BinaryOp::Shl:
                if (b >= 0 && b < 256)
                    r = int_of(word_of(a << static_cast<unsigned>(b)) & low_word(lhs->type->bits), sg);
                break;
            case BinaryOp::Shr:
                if (b >= 0 && b < 256) r = a >> static_cast<unsigned>(b);
                break;
            case BinaryOp::BitAnd:
                r = int_of(lhs->value & rhs->value, sg);
                break;
            case BinaryOp::BitOr:
                r = int_of(lhs->value | rhs->value, sg);
                break;
            case BinaryOp::BitXor:
                r = int_of(lhs->value ^ rhs->value, sg);
                break;
            default:
                break;
        }
        if (r && fits(*r, lhs->type)) {
            auto c = constant(*r, lhs->type, where);
            return c;
        }
    }
    out->loc = where;
    out->args.push_back(std::move(lhs));
    out->args.push_back(std::move(rhs));
    return out;
}

ExprPtr Analyzer::operand(const ast::operand& o) { return value_of(operand_item(o)); }

ExprPtr Analyzer::value_of(Item item) {
    switch (item.kind) {
        case Item::Kind::Value:
            return std::move(item.expr);
        case Item::Kind::Invalid:
            return nullptr;
        case Item::Kind::Function:
        case Item::Kind::ExternalFunction:
            error(item.loc, "function '" + item.name + "' must be called; function values are not supported");
            return nullptr;
        case Item::Kind::TypeName:
            error(item.loc, "type '" + item.type->name() + "' is not a value; did you mean to convert with " +
                                item.name + "(...)?");
            return nullptr;
        case Item::Kind::Event:
        case Item::Kind::Error:
            error(item.loc,
                  "'" + item.name + "' can only be used in " +
                      (item.kind == Item::Kind::Event ? "an emit statement" : "a revert statement"));
            return nullptr;
        default:
            error(item.loc, "'" + item.name + "' is not a value");
            return nullptr;
    }
}

Item Analyzer::operand_item(const ast::operand& o) {
    struct Visitor {
        Analyzer& a;
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
            auto v = a.number(n);
            if (!v) return {};
            auto e = a.literal(*v, a.at(n));
            std::string digits;
            for (char ch : n.text)
                if (ch != '_') digits += ch;
            if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') &&
                digits.size() % 2 == 0)
                e->hex_bytes = (digits.size() - 2) / 2;
            return value(std::move(e));
        }
        Item operator()(const ast::bool_literal& b) const {
            return value(a.constant(b.value ? 1 : 0, a.types_.boolean(), a.at(b)));
        }
        Item operator()(const ast::string_literal& s) const {
            auto e = a.string_constant(s.value, a.at(s));
            if (s.is_hex) {
                e->type = a.types_.bytes_type();
                e->location = DataLocation::Memory;
            }
            return value(std::move(e));
        }
        Item operator()(const ast::identifier& id) const { return a.identifier_item(id); }
        Item operator()(const x3::forward_ast<ast::tuple_expression>& t) const {
            const auto& tuple = t.get();
            if (tuple.components.size() == 1 && tuple.components[0])
                return value(a.expression(tuple.components[0]->get()));
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::Tuple;
            e->loc = a.at(tuple);
            std::vector<const Type*> members;
            for (const auto& c : tuple.components) {
                if (!c) {
                    auto empty = std::make_unique<Expr>();
                    empty->kind = Expr::Kind::Empty;
                    empty->type = a.types_.void_type();
                    empty->loc = e->loc;
                    members.push_back(empty->type);
                    e->args.push_back(std::move(empty));
                    continue;
                }
                auto v = a.expression(c->get());
                if (!v) return {};
                members.push_back(v->type);
                e->args.push_back(std::move(v));
            }
            e->type = a.types_.tuple(members);
            return value(std::move(e));
        }
        Item operator()(const x3::forward_ast<ast::new_expression>& n) const {
            const auto& ne = n.get();
            Item it;
            it.loc = a.at(ne);
            const Type* t = a.resolve_type(ne.type);
            if (!t) return {};
            if (t->kind == Type::Kind::Contract) {
                it.kind = Item::Kind::NewContract;
                it.type = t;
                it.name = "new " + t->contract->name;
                return it;
            }
            if (t->kind == Type::Kind::Array && !t->length && t->element->is_value()) {
                it.kind = Item::Kind::NewArray;
                it.type = t;
                it.name = "new " + t->name();
                return it;
            }
            a.error(it.loc, "'new' of type '" + t->name() + "' is not supported");
            return {};
        }
        Item operator()(const x3::forward_ast<ast::unary>& u) const { return value(a.unary(u.get())); }
        Item operator()(const x3::forward_ast<ast::postfix_expression>& p) const {
            return a.postfix_item(p.get());
        }
    };
    return boost::apply_visitor(Visitor{*this}, o.get());
}

Item Analyzer::identifier_item(const ast::identifier& id) {
    Item it;
    it.loc = at(id);
    it.name = id.name;
    const std::string& n = id.name;
    if (VarInfo* v = find_var(n)) {
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
    if (auto s = state_.find(n); s != state_.end()) {
        VarInfo* v = s->second;
        it.kind = Item::Kind::Value;
        if (v->is_constant) {
            for (const auto& [var, init] : contract_->initializers)
                if (var == v) {
                    it.expr = constant(int_of(init->value, v->type->is_signed()), v->type, it.loc);
                    it.expr->var = v;
                    return it;
                }
            error(it.loc, "constant '" + n + "' is used before its value is known");
            return {};
        }
        if (!function_ && !modifier_) {
            // A state variable initialiser reading another state variable: allowed, runs in order.
        }
        if (v->is_immutable) {
            if (function_ && function_->kind == FunctionInfo::Kind::Constructor) {
                // Writes are allowed; reads are rejected when the value is used (see below).
            }
        } else {
            note_read_state(it.loc);
        }
        it.expr = std::make_unique<Expr>();
        it.expr->kind = v->is_immutable ? Expr::Kind::Immutable : Expr::Kind::StateVar;
        it.expr->type = v->type;
        it.expr->var = v;
        it.expr->location = v->location;
        it.expr->loc = it.loc;
        return it;
    }
    if (auto f = functions_.find(n); f != functions_.end()) {
        it.kind = Item::Kind::Function;
        it.function = f->second;
        return it;
    }
    if (const EventInfo* ev = find_event(n)) {
        it.kind = Item::Kind::Event;
        it.event = ev;
        return it;
    }
    if (const ErrorInfo* er = find_error(n)) {
        it.kind = Item::Kind::Error;
        it.error = er;
        return it;
    }
    if (const StructInfo* s = find_struct(n)) {
        it.kind = Item::Kind::TypeName;
        it.type = types_.struct_type(s);
        return it;
    }
    if (auto c = contracts_.find(n); c != contracts_.end()) {
        it.kind = Item::Kind::TypeName;
        it.type = types_.contract(c->second);
        return it;
    }
    if (const Type* t = elementary(n)) {
        it.kind = Item::Kind::TypeName;
        it.type = t;
        return it;
    }
    static const std::set<std::string> globals = {"require", "assert",  "revert",    "keccak256",
                                                  "sha256",  "gasleft", "blockhash", "payable"};
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
        note_environment(it.loc);
        it.kind = Item::Kind::Value;
        it.expr = std::make_unique<Expr>();
        it.expr->kind = Expr::Kind::BuiltinValue;
        it.expr->builtin = Builtin::This;
        it.expr->type = types_.contract(contract_);
        it.expr->loc = it.loc;
        return it;
    }
    static const std::set<std::string> unsupported = {"super",     "selfdestruct", "suicide", "ecrecover",
                                                      "ripemd160", "addmod",       "mulmod",  "now"};
    if (unsupported.count(n)) {
        error(it.loc, "'" + n + "' is not supported");
        return {};
    }
    if (modifiers_.count(n)) {
        error(it.loc, "modifier '" + n + "' can only be used in a function header");
        return {};
    }
    // A name whose declaration was rejected: that error was reported already.
    for (const auto& scope : scopes_)
        if (scope.rejected.count(n)) return {};
    if (auto names = member_names_.find(contract_); names != member_names_.end() && names->second.count(n))
        return {};
    error(it.loc, "undeclared identifier '" + n + "'");
    return {};
}

Item Analyzer::postfix_item(const ast::postfix_expression& p) {
    Item it = operand_item(p.primary);
    // Every step of the chain is an expression that starts where the primary starts: errors
    // point there, as solc's do.
    const Location start = it.kind == Item::Kind::Invalid ? at(p) : it.loc;
    for (const auto& op : p.ops) {
        if (it.kind == Item::Kind::Invalid) return it;
        it.loc = start;
        if (it.expr && it.kind == Item::Kind::Value) it.expr->loc = start;
        if (const auto* m = boost::get<ast::member_postfix>(&op.get())) {
            it = member(std::move(it), *m);
        } else if (const auto* c = boost::get<ast::call_postfix>(&op.get())) {
            it = call(std::move(it), *c, start);
        } else if (const auto* ix = boost::get<ast::index_postfix>(&op.get())) {
            it = index(std::move(it), *ix, start);
        } else if (const auto* inc = boost::get<ast::increment_postfix>(&op.get())) {
            auto target = value_of(std::move(it));
            it = {};
            if (!target) return it;
            if (!is_lvalue(*target) || target->kind == Expr::Kind::Tuple || !target->type->is_integer()) {
                error(at(*inc), "operator " + inc->op + " needs an integer variable");
                return it;
            }
            check_lvalue(*target);
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::IncDec;
            e->type = target->type;
            e->loc = at(*inc);
            e->increment = inc->op == "++";
            e->prefix = false;
            e->checked = !unchecked_;
            e->args.push_back(std::move(target));
            it.kind = Item::Kind::Value;
            it.loc = e->loc;
            it.expr = std::move(e);
        }
    }
    return it;
}

Item Analyzer::member(Item base, const ast::member_postfix& m) {
    const std::string& name = m.member.name;
    const Location where = base.loc.line ? base.loc : at(m.member);
    Item it;
    it.loc = where;
    it.name = name;
    auto value = [&](ExprPtr e) {
        Item v;
        v.kind = Item::Kind::Value;
        v.loc = where;
        v.expr = std::move(e);
        return v;
    };
    auto builtin = [&](Builtin b, const Type* t) {
        auto e = std::make_unique<Expr>();
        e->kind = Expr::Kind::BuiltinValue;
        e->builtin = b;
        e->type = t;
        e->loc = where;
        return value(std::move(e));
    };
    if (base.kind == Item::Kind::Magic) {
        if (base.name == "msg") {
            if (name == "sender") {
                note_environment(where);
                return builtin(Builtin::MsgSender, types_.address());
            }
            if (name == "value") {
                note_environment(where);
                if (function_ && function_->externally_visible() &&
                    function_->mutability != Mutability::Payable && !modifier_)
                    error(where,
                          "\"msg.value\" can only be used in payable public functions; make the function "
                          "\"payable\" or use an internal function");
                return builtin(Builtin::MsgValue, types_.uint(256));
            }
        } else if (base.name == "block") {
            note_environment(where);
            if (name == "number") return builtin(Builtin::BlockNumber, types_.uint(256));
            if (name == "timestamp") return builtin(Builtin::BlockTimestamp, types_.uint(256));
            if (name == "coinbase") return builtin(Builtin::BlockCoinbase, types_.address(true));
            if (name == "prevrandao" || name == "difficulty")
                return builtin(Builtin::BlockPrevrandao, types_.uint(256));
            if (name == "gaslimit") return builtin(Builtin::BlockGasLimit, types_.uint(256));
            if (name == "chainid") return builtin(Builtin::BlockChainId, types_.uint(256));
            if (name == "basefee") return builtin(Builtin::BlockBaseFee, types_.uint(256));
        } else if (base.name == "tx") {
            note_environment(where);
            if (name == "origin") return builtin(Builtin::TxOrigin, types_.address());
            if (name == "gasprice") return builtin(Builtin::TxGasPrice, types_.uint(256));
        } else if (base.name == "abi") {
            if (name == "encode" || name == "encodePacked") {
                it.kind = Item::Kind::AbiFunction;
                return it;
            }
        }
        error(where, "member '" + name + "' of '" + base.name + "' is not supported");
        return {};
    }
    if (base.kind == Item::Kind::TypeInfo) {
        const Type* t = base.type;
        if ((name == "max" || name == "min") && t->is_integer()) {
            const cpp_int maxv = (one << (t->is_signed() ? t->bits - 1 : t->bits)) - 1;
            const cpp_int minv = t->is_signed() ? cpp_int(-(one << (t->bits - 1))) : cpp_int(0);
            return value(constant(name == "max" ? maxv : minv, t, where));
        }
        error(where, "member '" + name + "' of type(" + t->name() + ") is not supported");
        return {};
    }
    if (base.kind == Item::Kind::TypeName) {
        // Members of a type: `string.concat(...)`, `bytes.concat(...)`, `C.f.selector`, ...
        error(where, "'" + base.type->name() + "." + name + "' is not supported");
        return {};
    }
    if (base.kind != Item::Kind::Value) {
        (void)value_of(std::move(base));
        return {};
    }
    ExprPtr e = std::move(base.expr);
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
                if (e->location == DataLocation::Storage) note_read_state(where);
                me->args.push_back(std::move(e));
                return value(std::move(me));
            }
        error(where, "member '" + name + "' not found in " + t->name());
        return {};
    }
    if (t->kind == Type::Kind::Array || t->is_byte_array()) {
        if (name == "length") {
            if (t->kind == Type::Kind::Array && t->length)
                return value(constant(*t->length, types_.uint(256), where));
            auto le = std::make_unique<Expr>();
            le->kind = Expr::Kind::ArrayLength;
            le->type = types_.uint(256);
            le->loc = where;
            le->args.push_back(std::move(e));
            return value(std::move(le));
        }
        if ((name == "push" || name == "pop") && t->kind == Type::Kind::Array && !t->length &&
            e->location == DataLocation::Storage) {
            note_write_state(where);
            it.kind = Item::Kind::ArrayMember;
            it.expr = std::move(e);
            return it;
        }
        error(where, "member '" + name + "' not found or not supported on " + t->name() +
                         (e->location == DataLocation::Storage ? " storage" : " memory"));
        return {};
    }
    if (t->kind == Type::Kind::Address) {
        if (name == "balance") {
            note_environment(where);
            auto be = std::make_unique<Expr>();
            be->kind = Expr::Kind::Balance;
            be->type = types_.uint(256);
            be->loc = where;
            be->args.push_back(std::move(e));
            return value(std::move(be));
        }
        error(where, "member '" + name + "' of address is not supported");
        return {};
    }
    if (t->kind == Type::Kind::Contract) {
        for (const auto& f : t->contract->functions) {
            if (f->name != name || !f->externally_visible() || f->kind == FunctionInfo::Kind::Constructor)
                continue;
            it.kind = Item::Kind::ExternalFunction;
            it.function = f.get();
            it.expr = std::move(e);
            return it;
        }
        error(where, "member '" + name + "' not found or not visible in " + t->name());
        return {};
    }
    if (t->kind == Type::Kind::FixedBytes && name == "length")
        return value(constant(t->bits / 8, types_.uint(8), where));
    error(where, "member '" + name + "' not found in " + t->name());
    return {};
}

std::vector<ExprPtr> Analyzer::call_arguments(const ast::call_postfix& c,
                                              const std::vector<const Type*>& params, const std::string& what,
                                              Location where) {
    std::vector<ExprPtr> out;
    if (rejected_named_arguments(c)) return out;
    if (!c.options.empty()) error(where, "call options are not allowed here");
    if (c.arguments.size() != params.size()) {
        error(where, "wrong argument count for " + what + ": " + std::to_string(c.arguments.size()) +
                         " arguments given but expected " + std::to_string(params.size()));
        return out;
    }
    for (size_t i = 0; i < params.size(); ++i) {
        auto e = expected_value(c.arguments[i].get(), params[i]);
        if (!e) return {};
        out.push_back(std::move(e));
    }
    return out;
}

ExprPtr Analyzer::conversion(const Type* to, ExprPtr e, Location where) {
    if (!e) return nullptr;
    const Type* from = e->type;
    auto convert = [&](const Type* t) {
        auto c = std::make_unique<Expr>();
        c->kind = Expr::Kind::Convert;
        c->type = t;
        c->loc = where;
        c->location = e->location;
        c->args.push_back(std::move(e));
        return c;
    };
    auto fail = [&]() -> ExprPtr {
        std::string from_name = from->name();
        if (from->kind == Type::Kind::IntLiteral) from_name = "int_const " + cpp_int(e->text).str();
        error(where,
              "explicit type conversion not allowed from \"" + from_name + "\" to \"" + to->name() + "\"");
        return nullptr;
    };
    if (from == to) return e;
    if (from->kind == Type::Kind::IntLiteral) {
        const cpp_int v = cpp_int(e->text);
        if (to->is_integer()) {
            if (!fits(v, to)) return fail();
            return constant(v, to, where);
        }
        if (to->kind == Type::Kind::Address && v >= 0 && v < (one << 160)) return constant(v, to, where);
        if (to->kind == Type::Kind::FixedBytes && v >= 0 && v < (one << to->bits))
            return constant(v << (256 - to->bits), to, where);
        return fail();
    }
    if (from->kind == Type::Kind::StringLiteral) {
        if (to->is_byte_array() || to->kind == Type::Kind::FixedBytes)
            return implicit(std::move(e), to, where);
        return fail();
    }
    switch (to->kind) {
        case Type::Kind::Uint:
        case Type::Kind::Int:
            if (from->is_integer() && (from->kind == to->kind || from->bits == to->bits)) return convert(to);
            if (from->kind == Type::Kind::FixedBytes && from->bits == to->bits &&
                to->kind == Type::Kind::Uint)
                return convert(to);
            if (from->kind == Type::Kind::Address && to->kind == Type::Kind::Uint && to->bits == 160)
                return convert(to);
            return fail();
        case Type::Kind::FixedBytes:
            if (from->kind == Type::Kind::FixedBytes) return convert(to);
            if (from->kind == Type::Kind::Uint && from->bits == to->bits) return convert(to);
            if (from->kind == Type::Kind::Address && to->bits == 160) return convert(to);
            return fail();
        case Type::Kind::Address:
            if (from->kind == Type::Kind::Address || from->kind == Type::Kind::Contract) return convert(to);
            if ((from->kind == Type::Kind::Uint || from->kind == Type::Kind::FixedBytes) && from->bits == 160)
                return convert(to);
            return fail();
        case Type::Kind::Contract:
            if (from->kind == Type::Kind::Address || from->kind == Type::Kind::Contract) return convert(to);
            return fail();
        case Type::Kind::String:
        case Type::Kind::Bytes:
            if (from->is_byte_array() && e->location == DataLocation::Memory) {
                auto c = convert(to);
                c->location = DataLocation::Memory;
                return c;
            }
            return fail();
        case Type::Kind::Bool:
        default:
            return fail();
    }
}

bool Analyzer::rejected_named_arguments(const ast::call_postfix& c) {
    if (!c.named) return false;
    error(at(*c.named), "named call arguments are not supported; pass the arguments in order");
    return true;
}

Item Analyzer::call(Item callee, const ast::call_postfix& c, Location where) {
    Item result;
    result.loc = where;
    if (rejected_named_arguments(c)) return result;
    auto value = [&](ExprPtr e) {
        Item v;
        if (!e) return v;
        v.kind = Item::Kind::Value;
        v.loc = where;
        v.expr = std::move(e);
        return v;
    };
    auto returns_type = [&](const FunctionInfo& f) -> const Type* {
        if (f.returns.empty()) return types_.void_type();
        if (f.returns.size() == 1) return f.returns[0]->type;
        std::vector<const Type*> members;
        for (auto* r : f.returns) members.push_back(r->type);
        return types_.tuple(members);
    };
    auto params_of = [](const FunctionInfo& f) {
        std::vector<const Type*> out;
        for (auto* p : f.params) out.push_back(p->type);
        return out;
    };
    auto plain_args = [&](size_t n, const std::string& what) -> bool {
        if (!c.options.empty()) {
            error(where, "call options are not allowed here");
            return false;
        }
        if (c.arguments.size() != n) {
            error(where, "wrong argument count for " + what + ": " + std::to_string(c.arguments.size()) +
                             " arguments given but expected " + std::to_string(n));
            return false;
        }
        return true;
    };
    switch (callee.kind) {
        case Item::Kind::Invalid:
            return result;
        case Item::Kind::Value:
            error(where, "type " + callee.expr->type->name() + " is not callable");
            return result;
        case Item::Kind::Function: {
            const FunctionInfo& f = *callee.function;
            if (f.visibility == Visibility::External) {
                error(callee.loc, "external function '" + f.name +
                                      "' cannot be called internally; use this." + f.name + "(...)");
                return result;
            }
            if (f.mutability == Mutability::NonPayable || f.mutability == Mutability::Payable)
                note_write_state(where);
            else if (f.mutability == Mutability::View)
                note_read_state(where);
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::InternalCall;
            e->function = &f;
            e->loc = where;
            e->type = returns_type(f);
            e->args = call_arguments(c, params_of(f), "function call", where);
            if (e->args.size() != f.params.size()) return result;
            for (size_t i = 0; i < f.params.size(); ++i)
                if (f.params[i]->location != DataLocation::None &&
                    e->args[i]->location != f.params[i]->location) {
                    error(e->args[i]->loc,
                          std::string("passing a ") +
                              (e->args[i]->location == DataLocation::Storage ? "storage" : "memory") +
                              " value to a " +
                              (f.params[i]->location == DataLocation::Storage ? "storage" : "memory") +
                              " parameter is not supported");
                    return result;
                }
            if (e->type->kind == Type::Kind::Void || e->type->kind == Type::Kind::Tuple) {
            } else if (f.returns.size() == 1) {
                e->location = f.returns[0]->location;
            }
            return value(std::move(e));
        }
        case Item::Kind::ExternalFunction: {
            const FunctionInfo& f = *callee.function;
            for (auto* p : f.params)
                if (!p->type->is_value()) {
                    error(where, "external calls with parameters of type '" + p->type->name() +
                                     "' are not supported");
                    return result;
                }
            for (auto* r : f.returns)
                if (!r->type->is_value()) {
                    error(where, "external calls returning '" + r->type->name() + "' are not supported");
                    return result;
                }
            if (f.mutability == Mutability::View || f.mutability == Mutability::Pure)
                note_read_state(where);
            else
                note_write_state(where);
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::ExternalCall;
            e->function = &f;
            e->loc = where;
            e->type = returns_type(f);
            for (const auto& [name, opt] : c.options) {
                if (name != "value") {
                    error(where, "call option '" + name + "' is not supported");
                    return result;
                }
                if (f.mutability != Mutability::Payable) {
                    error(where, "cannot set option \"value\" on a non-payable function");
                    return result;
                }
                e->args_value = expected_value(opt.get(), types_.uint(256));
                if (!e->args_value) return result;
            }
            e->args.push_back(std::move(callee.expr));
            ast::call_postfix bare = c;
            bare.options.clear();
            auto args = call_arguments(bare, params_of(f), "function call", where);
            if (args.size() != f.params.size()) return result;
            for (auto& a : args) e->args.push_back(std::move(a));
            return value(std::move(e));
        }
        case Item::Kind::TypeName: {
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
                    if (!m->is_value()) {
                        error(where, "constructing structs with struct members is not supported");
                        return result;
                    }
                e->args = call_arguments(c, members, "struct constructor", where);
                if (e->args.size() != members.size()) return result;
                return value(std::move(e));
            }
            if (!plain_args(1, "type conversion")) return result;
            auto arg = expression(c.arguments[0].get());
            if (!arg) return result;
            if (callee.name == "payable" || t->kind == Type::Kind::Address) {
            }
            return value(conversion(t, std::move(arg), where));
        }
        case Item::Kind::Global: {
            const std::string& n = callee.name;
            if (n == "require") {
                if (!c.options.empty() || c.arguments.empty() || c.arguments.size() > 2) {
                    error(where, "require takes a condition and an optional message");
                    return result;
                }
                auto e = std::make_unique<Expr>();
                e->kind = Expr::Kind::Require;
                e->type = types_.void_type();
                e->loc = where;
                auto cond = expected_value(c.arguments[0].get(), types_.boolean());
                if (!cond) return result;
                e->args.push_back(std::move(cond));
                if (c.arguments.size() == 2) {
                    auto msg = expected_value(c.arguments[1].get(), types_.string_type());
                    if (!msg) return result;
                    e->args.push_back(std::move(msg));
                }
                return value(std::move(e));
            }
            if (n == "assert") {
                if (!plain_args(1, "assert")) return result;
                auto e = std::make_unique<Expr>();
                e->kind = Expr::Kind::Assert;
                e->type = types_.void_type();
                e->loc = where;
                auto cond = expected_value(c.arguments[0].get(), types_.boolean());
                if (!cond) return result;
                e->args.push_back(std::move(cond));
                return value(std::move(e));
            }
            if (n == "revert") {
                if (!c.options.empty() || c.arguments.size() > 1) {
                    error(where, "revert takes an optional message");
                    return result;
                }
                auto e = std::make_unique<Expr>();
                e->kind = Expr::Kind::Revert;
                e->type = types_.void_type();
                e->loc = where;
                if (c.arguments.size() == 1) {
                    auto msg = expected_value(c.arguments[0].get(), types_.string_type());
                    if (!msg) return result;
                    e->args.push_back(std::move(msg));
                }
                return value(std::move(e));
            }
            if (n == "keccak256" || n == "sha256") {
                if (!plain_args(1, n)) return result;
                auto arg = expression(c.arguments[0].get());
                if (!arg) return result;
                if (arg->type->kind == Type::Kind::StringLiteral && n == "keccak256") {
                    // Folded at compile time, as solc does for constants.
                    const auto h =
                        vm::keccak256({reinterpret_cast<const uint8_t*>(arg->text.data()), arg->text.size()});
                    cpp_int v = 0;
                    for (uint8_t b : h.bytes) v = (v << 8) | b;
                    return value(constant(v, types_.fixed_bytes(32), where));
                }
                arg = implicit(std::move(arg), types_.bytes_type(), at(c.arguments[0].get()));
                if (!arg) return result;
                if (arg->location != DataLocation::Memory) {
                    error(where, n + " of a storage value is not supported; hash a memory copy");
                    return result;
                }
                auto e = std::make_unique<Expr>();
                e->kind = n == "keccak256" ? Expr::Kind::Keccak256 : Expr::Kind::Sha256;
                e->type = types_.fixed_bytes(32);
                e->loc = where;
                e->args.push_back(std::move(arg));
                return value(std::move(e));
            }
            if (n == "gasleft") {
                if (!plain_args(0, "gasleft")) return result;
                note_environment(where);
                auto e = std::make_unique<Expr>();
                e->kind = Expr::Kind::BuiltinValue;
                e->builtin = Builtin::GasLeft;
                e->type = types_.uint(256);
                e->loc = where;
                return value(std::move(e));
            }
            if (n == "blockhash") {
                if (!plain_args(1, "blockhash")) return result;
                note_environment(where);
                auto e = std::make_unique<Expr>();
                e->kind = Expr::Kind::BuiltinValue;
                e->builtin = Builtin::Blockhash;
                e->type = types_.fixed_bytes(32);
                e->loc = where;
                auto arg = expected_value(c.arguments[0].get(), types_.uint(256));
                if (!arg) return result;
                e->args.push_back(std::move(arg));
                return value(std::move(e));
            }
            if (n == "payable") {
                if (!plain_args(1, "payable")) return result;
                auto arg = expression(c.arguments[0].get());
                if (!arg) return result;
                if (arg->type->kind != Type::Kind::Address && arg->type->kind != Type::Kind::Contract &&
                    arg->type->kind != Type::Kind::IntLiteral) {
                    error(where, "explicit type conversion not allowed from \"" + arg->type->name() +
                                     "\" to \"address payable\"");
                    return result;
                }
                return value(conversion(types_.address(true), std::move(arg), where));
            }
            break;
        }
        case Item::Kind::AbiFunction: {
            if (!c.options.empty()) {
                error(where, "call options are not allowed here");
                return result;
            }
            auto e = std::make_unique<Expr>();
            e->kind = callee.name == "encode" ? Expr::Kind::AbiEncode : Expr::Kind::AbiEncodePacked;
            e->type = types_.bytes_type();
            e->location = DataLocation::Memory;
            e->loc = where;
            for (const auto& a : c.arguments) {
                auto v = expression(a.get());
                if (!v) return result;
                if (v->type->kind == Type::Kind::IntLiteral && e->kind == Expr::Kind::AbiEncodePacked) {
                    error(
                        v->loc,
                        "cannot perform packed encoding for a literal; convert it to an explicit type first");
                    return result;
                }
                v = mobile(std::move(v));
                if (!v) return result;
                if (!v->type->is_value() &&
                    !(v->type->is_byte_array() && v->location == DataLocation::Memory)) {
                    error(v->loc,
                          "abi." + callee.name + " of type '" + v->type->name() + "' is not supported");
                    return result;
                }
                e->args.push_back(std::move(v));
            }
            return value(std::move(e));
        }
        case Item::Kind::TypeOperator: {
            if (!plain_args(1, "type")) return result;
            // The argument must name a type.
            const auto& arg = c.arguments[0].get();
            const ast::identifier* id = nullptr;
            if (arg.chain.rest.empty() && !arg.conditional && !arg.assignment) {
                id = boost::get<ast::identifier>(&arg.chain.first.get());
                if (!id)
                    if (const auto* pf =
                            boost::get<x3::forward_ast<ast::postfix_expression>>(&arg.chain.first.get()))
                        if (pf->get().ops.empty()) id = boost::get<ast::identifier>(&pf->get().primary.get());
            }
            const Type* t = id ? elementary(id->name) : nullptr;
            if (!t || !t->is_integer()) {
                error(where, "type(...) is supported for integer types only");
                return result;
            }
            Item ti;
            ti.kind = Item::Kind::TypeInfo;
            ti.type = t;
            ti.loc = where;
            ti.name = "type(" + t->name() + ")";
            return ti;
        }
        case Item::Kind::ArrayMember: {
            auto e = std::make_unique<Expr>();
            e->loc = where;
            const Type* arr = callee.expr->type;
            e->args.push_back(std::move(callee.expr));
            if (callee.name == "push") {
                e->kind = Expr::Kind::ArrayPush;
                if (c.arguments.size() > 1 || !c.options.empty()) {
                    error(where, "push takes at most one argument");
                    return result;
                }
                if (c.arguments.size() == 1) {
                    if (!arr->element->is_value()) {
                        error(where, "push(value) of '" + arr->element->name() +
                                         "' is not supported; use push() and set the members");
                        return result;
                    }
                    auto v = expected_value(c.arguments[0].get(), arr->element);
                    if (!v) return result;
                    e->args.push_back(std::move(v));
                    e->type = types_.void_type();
                } else {
                    e->type = arr->element;
                    e->location = DataLocation::Storage;
                }
            } else {
                if (!plain_args(0, "pop")) return result;
                e->kind = Expr::Kind::ArrayPop;
                e->type = types_.void_type();
            }
            return value(std::move(e));
        }
        case Item::Kind::NewContract: {
            const ContractInfo* target = callee.type->contract;
            if (target == contract_) {
                error(where,
                      "circular reference for contract creation (cannot create instance of derived or same "
                      "contract)");
                return result;
            }
            note_write_state(where);
            contract_->creates.push_back(target);
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
                        error(where, "creating contracts whose constructor takes '" + p->type->name() +
                                         "' is not supported");
                        return result;
                    }
                    params.push_back(p->type);
                }
            for (const auto& [name, opt] : c.options) {
                if (name != "value") {
                    error(where, "call option '" + name + "' is not supported");
                    return result;
                }
                if (!ctor || ctor->mutability != Mutability::Payable) {
                    error(where, "cannot set option \"value\": the constructor of " + target->name +
                                     " is not payable");
                    return result;
                }
                e->args_value = expected_value(opt.get(), types_.uint(256));
                if (!e->args_value) return result;
            }
            ast::call_postfix bare = c;
            bare.options.clear();
            e->args = call_arguments(bare, params, "constructor of " + target->name, where);
            if (e->args.size() != params.size()) return result;
            return value(std::move(e));
        }
        case Item::Kind::NewArray: {
            if (!plain_args(1, "array creation")) return result;
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::NewArray;
            e->type = callee.type;
            e->location = DataLocation::Memory;
            e->loc = where;
            auto n = expected_value(c.arguments[0].get(), types_.uint(256));
            if (!n) return result;
            e->args.push_back(std::move(n));
            return value(std::move(e));
        }
        case Item::Kind::Event:
            error(callee.loc, "event invocations have to be prefixed by \"emit\"");
            return result;
        case Item::Kind::Error:
            error(callee.loc,
                  "errors can only be used with revert statements: \"revert " + callee.name + "(...);\"");
            return result;
        default:
            break;
    }
    error(where, "'" + callee.name + "' is not callable");
    return result;
}

Item Analyzer::index(Item base, const ast::index_postfix& ix, Location where) {
    Item result;
    if (base.kind == Item::Kind::TypeName) {
        error(where, "array types are only supported in declarations and 'new' expressions");
        return result;
    }
    auto e = value_of(std::move(base));
    if (!e) return result;
    if (!ix.index) {
        error(where, "index expression cannot be omitted");
        return result;
    }
    const Type* t = e->type;
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Index;
    out->loc = where;
    if (t->kind == Type::Kind::Mapping) {
        auto key = expected_value(ix.index->get(), t->key);
        if (!key) return result;
        out->type = t->element;
        out->location = DataLocation::Storage;
        note_read_state(where);
        out->args.push_back(std::move(e));
        out->args.push_back(std::move(key));
    } else if (t->kind == Type::Kind::Array) {
        auto i = expected_value(ix.index->get(), types_.uint(256));
        if (!i) return result;
        if (t->length && i->kind == Expr::Kind::Constant && !(i->value < vm::uint256(*t->length))) {
            error(i->loc, "out of bounds array access");
            return result;
        }
        out->type = t->element;
        out->location = e->location;
        if (e->location == DataLocation::Storage) note_read_state(where);
        out->args.push_back(std::move(e));
        out->args.push_back(std::move(i));
    } else if (t->kind == Type::Kind::FixedBytes ||
               (t->kind == Type::Kind::Bytes && e->location == DataLocation::Memory)) {
        // b[i]: one byte, as bytes1.
        auto i = expected_value(ix.index->get(), types_.uint(256));
        if (!i) return result;
        if (t->kind == Type::Kind::FixedBytes && i->kind == Expr::Kind::Constant &&
            !(i->value < vm::uint256(t->bits / 8))) {
            error(i->loc, "out of bounds array access");
            return result;
        }
        out->type = types_.fixed_bytes(1);
        out->location = t->kind == Type::Kind::Bytes ? DataLocation::Memory : DataLocation::None;
        out->args.push_back(std::move(e));
        out->args.push_back(std::move(i));
    } else {
        error(where, "indexed expression has to be a mapping or an array, not " + t->name());
        return result;
    }
    result.kind = Item::Kind::Value;
    result.loc = where;
    result.expr = std::move(out);
    return result;
}

ExprPtr Analyzer::unary(const ast::unary& u) {
    const Location where = at(u);
    auto e = operand(u.operand_);
    if (!e) return nullptr;
    if (u.op == "-") {
        if (auto v = literal_value(*e)) return literal(-*v, where);
        if (!e->type->is_signed()) {
            error(where, "unary negation is only allowed for signed integers, not " + e->type->name());
            return nullptr;
        }
    } else if (u.op == "!") {
        if (e->type->kind != Type::Kind::Bool) {
            error(where, "unary operator ! cannot be applied to type " + e->type->name());
            return nullptr;
        }
    } else if (u.op == "~") {
        if (auto v = literal_value(*e)) return literal(-*v - 1, where);  // as solc: ~x == -x - 1
        if (!e->type->is_integer() && e->type->kind != Type::Kind::FixedBytes) {
            error(where, "unary operator ~ cannot be applied to type " + e->type->name());
            return nullptr;
        }
    } else if (u.op == "++" || u.op == "--") {
        if (!is_lvalue(*e) || e->kind == Expr::Kind::Tuple || !e->type->is_integer()) {
            error(where, "operator " + u.op + " needs an integer variable");
            return nullptr;
        }
        check_lvalue(*e);
        auto out = std::make_unique<Expr>();
        out->kind = Expr::Kind::IncDec;
        out->type = e->type;
        out->loc = where;
        out->increment = u.op == "++";
        out->prefix = true;
        out->checked = !unchecked_;
        out->args.push_back(std::move(e));
        return out;
    } else if (u.op == "delete") {
        if (!is_lvalue(*e) || e->kind == Expr::Kind::Tuple) {
            error(where, "expression has to be an lvalue");
            return nullptr;
        }
        if (e->type->kind == Type::Kind::Mapping || e->type->kind == Type::Kind::Array) {
            error(where, "delete of '" + e->type->name() + "' is not supported");
            return nullptr;
        }
        if (e->type->kind == Type::Kind::Struct && e->location != DataLocation::Storage) {
            error(where, "delete of a memory struct is not supported");
            return nullptr;
        }
        check_lvalue(*e);
        auto out = std::make_unique<Expr>();
        out->kind = Expr::Kind::Delete;
        out->type = types_.void_type();
        out->loc = where;
        out->args.push_back(std::move(e));
        return out;
    }
    auto out = std::make_unique<Expr>();
    out->kind = Expr::Kind::Unary;
    out->unary_op = u.op == "-" ? UnaryOp::Neg : u.op == "!" ? UnaryOp::Not : UnaryOp::BitNot;
    out->type = e->type;
    out->loc = where;
    out->checked = !unchecked_;
    out->args.push_back(std::move(e));
    return out;
}

}  // namespace

bool analyze(const ast::source_unit& unit, Diagnostics& diags, Program& program) {
    Analyzer a(diags, program);
    return a.run(unit);
}

}  // namespace trainchain::compiler
