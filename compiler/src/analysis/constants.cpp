// compiler/src/analysis/constants.cpp - the constants pass: literal values, constant folding and
// the values of constant state variables.
#include "analysis/constants.hpp"

#include "analysis/expressions.hpp"
#include "analysis/operators.hpp"
#include "analysis/typing.hpp"

namespace trainchain::compiler::analysis {

namespace {

const cpp_int two_256 = one << 256;

}  // namespace

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

ExprPtr literal(Context& cx, const cpp_int& v, Location where) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Constant;
    e->type = cx.types.int_literal();
    e->loc = where;
    e->value = word_of(v);
    e->text = v.str();
    return e;
}

ExprPtr constant(Context&, const cpp_int& v, const Type* t, Location where) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Constant;
    e->type = t;
    e->loc = where;
    e->value = word_of(v);
    return e;
}

ExprPtr string_constant(Context& cx, std::string text, Location where) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::StringConstant;
    e->type = cx.types.string_literal();
    e->loc = where;
    e->text = std::move(text);
    return e;
}

std::optional<cpp_int> number(Context& cx, const ast::number_literal& n) {
    std::string digits;
    for (char ch : n.text)
        if (ch != '_') digits += ch;
    cpp_int v = 0;
    const Location where = cx.at(n);
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        if (digits.size() > 66) {
            cx.error(where, "hexadecimal literal is longer than 32 bytes");
            return std::nullopt;
        }
        for (char ch : digits.substr(2)) {
            const int d = (ch >= '0' && ch <= '9')   ? ch - '0'
                          : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
                                                     : ch - 'A' + 10;
            v = v * 16 + d;
        }
        if (!n.unit.empty()) cx.error(where, "hexadecimal numbers cannot be used with unit denominations");
    } else {
        const size_t e_pos = digits.find_first_of("eE");
        const std::string mant = digits.substr(0, e_pos);
        if (mant.find('.') != std::string::npos) {
            cx.error(where, "fractional literals are not supported");
            return std::nullopt;
        }
        if (mant.size() > 80) {
            cx.error(where, "number literal is too large");
            return std::nullopt;
        }
        for (char ch : mant) v = v * 10 + (ch - '0');
        if (e_pos != std::string::npos) {
            const std::string ex = digits.substr(e_pos + 1);
            if (ex.empty() || ex.size() > 3 || ex[0] == '-') {
                cx.error(where, "exponent of this number literal is not supported");
                return std::nullopt;
            }
            const int k = std::stoi(ex);
            if (k > 77) {
                cx.error(where, "number literal is too large");
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

std::optional<cpp_int> literal_value(const Expr& e) {
    if (e.kind != Expr::Kind::Constant || !e.type || e.type->kind != Type::Kind::IntLiteral)
        return std::nullopt;
    return cpp_int(e.text);
}

ExprPtr incompatible_operands(Context& cx, const std::string& op_text, const Expr& lhs, const Expr& rhs,
                              Location where) {
    auto name = [&](const Expr& e) {
        if (e.type->kind == Type::Kind::IntLiteral) return "int_const " + cpp_int(e.text).str();
        return e.type->name();
    };
    cx.error(where, "operator " + op_text + " not compatible with types " + name(lhs) + " and " + name(rhs));
    return nullptr;
}

ExprPtr fold_literals(Context& cx, BinaryOp op, const std::string& op_text, ExprPtr& lhs, ExprPtr& rhs,
                      Location where) {
    const cpp_int lv = *literal_value(*lhs);
    const cpp_int rv = *literal_value(*rhs);
    cpp_int r;
    switch (op) {
        case BinaryOp::Add:
            r = lv + rv;
            break;
        case BinaryOp::Sub:
            r = lv - rv;
            break;
        case BinaryOp::Mul:
            r = lv * rv;
            break;
        case BinaryOp::Div:
        case BinaryOp::Mod:
            if (rv == 0) {
                cx.error(where, "division by zero");
                return nullptr;
            }
            if (op == BinaryOp::Div && lv % rv != 0) {
                cx.error(where, "rational constants are not supported: " + lv.str() + " / " + rv.str() +
                                    " is not an integer");
                return nullptr;
            }
            r = op == BinaryOp::Div ? cpp_int(lv / rv) : cpp_int(lv % rv);
            break;
        case BinaryOp::Exp: {
            if (rv < 0) {
                cx.error(where, "negative exponents are not supported");
                return nullptr;
            }
            const auto lbits = msb_bits(lv);
            if (rv > 4096 || lbits * static_cast<size_t>(rv) > 4096) {
                cx.error(where, "literal exponentiation result is too large");
                return nullptr;
            }
            r = boost::multiprecision::pow(lv, static_cast<unsigned>(rv));
            break;
        }
        case BinaryOp::Shl:
            if (rv < 0 || rv > 4096) return incompatible_operands(cx, op_text, *lhs, *rhs, where);
            r = lv << static_cast<unsigned>(rv);
            break;
        case BinaryOp::Shr:
            if (rv < 0 || rv > 4096) return incompatible_operands(cx, op_text, *lhs, *rhs, where);
            r = lv >> static_cast<unsigned>(rv);
            break;
        case BinaryOp::BitAnd:
        case BinaryOp::BitOr:
        case BinaryOp::BitXor:
            if (lv < 0 || rv < 0) return incompatible_operands(cx, op_text, *lhs, *rhs, where);
            r = op == BinaryOp::BitAnd  ? cpp_int(lv & rv)
                : op == BinaryOp::BitOr ? cpp_int(lv | rv)
                                        : cpp_int(lv ^ rv);
            break;
        case BinaryOp::Lt:
            return constant(cx, lv < rv, cx.types.boolean(), where);
        case BinaryOp::Gt:
            return constant(cx, lv > rv, cx.types.boolean(), where);
        case BinaryOp::Le:
            return constant(cx, lv <= rv, cx.types.boolean(), where);
        case BinaryOp::Ge:
            return constant(cx, lv >= rv, cx.types.boolean(), where);
        case BinaryOp::Eq:
            return constant(cx, lv == rv, cx.types.boolean(), where);
        case BinaryOp::Ne:
            return constant(cx, lv != rv, cx.types.boolean(), where);
        default:
            return incompatible_operands(cx, op_text, *lhs, *rhs, where);
    }
    if (r >= (one << 4096) || r <= -(one << 4096)) {
        cx.error(where, "literal arithmetic result is too large");
        return nullptr;
    }
    return literal(cx, r, where);
}

ExprPtr fold_constants(Context& cx, BinaryOp op, ExprPtr& lhs, ExprPtr& rhs, Location where) {
    const bool shift_or_exp = op == BinaryOp::Shl || op == BinaryOp::Shr || op == BinaryOp::Exp;
    if (lhs->kind != Expr::Kind::Constant || rhs->kind != Expr::Kind::Constant || !lhs->type->is_integer() ||
        !(lhs->type == rhs->type || (shift_or_exp && rhs->type->kind == Type::Kind::Uint)) ||
        is_comparison(op) || op == BinaryOp::And || op == BinaryOp::Or)
        return nullptr;
    const bool sg = lhs->type->is_signed();
    const cpp_int a = int_of(lhs->value, sg), b = int_of(rhs->value, rhs->type->is_signed());
    std::optional<cpp_int> r;
    switch (op) {
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
    if (!r || !fits(*r, lhs->type)) return nullptr;
    auto c = constant(cx, *r, lhs->type, where);
    // The operands stay with the constant for the passes after typing (their state reads).
    c->folded.push_back(std::move(lhs));
    c->folded.push_back(std::move(rhs));
    return c;
}

void check_initializers(Context& cx, const ast::contract_definition& def, ContractInfo& c) {
    // State variable initialisers: constants are folded, the others run in the constructor.
    for (const auto& m : def.members) {
        const auto* v = boost::get<ast::state_variable>(&m.get());
        if (!v || !v->initial) continue;
        auto it = cx.state.find(v->name.name);
        if (it == cx.state.end()) continue;
        VarInfo* var = it->second;
        cx.function = nullptr;
        cx.scopes.clear();
        auto e = expected_value(cx, *v->initial, var->type);
        if (!e) continue;
        if (var->is_constant) {
            if (e->kind != Expr::Kind::Constant) {
                cx.error(cx.at(*v->initial),
                         "initial value for constant variable has to be compile-time constant");
                continue;
            }
            var->slot = 0;
            c.initializers.emplace_back(var, std::move(e));  // kept for the constant's value
        } else {
            if (var->type->kind == Type::Kind::Mapping) {
                cx.error(cx.at(*v->initial), "mappings cannot be initialised");
                continue;
            }
            if (var->type->is_byte_array()) e = to_memory(std::move(e));
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
}

}  // namespace trainchain::compiler::analysis
