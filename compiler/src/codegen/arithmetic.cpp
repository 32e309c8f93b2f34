// compiler/src/codegen/arithmetic.cpp - value types and arithmetic: cleaning, validation, zero values,
// conversions, checked and unchecked operators (exponentiation by constants and the shared checked
// exponentiation routine), comparisons.
#include "codegen/gen.hpp"

namespace trainchain::compiler::codegen {

void Gen::clean(const Type* t) {
    switch (t->kind) {
        case Type::Kind::Uint:
            if (t->bits < 256) {
                push(low_mask(t->bits));
                op(Opcode::AND);
            }
            break;
        case Type::Kind::Int:
            if (t->bits < 256) {
                push(t->bits / 8 - 1);
                op(Opcode::SIGNEXTEND);
            }
            break;
        case Type::Kind::Address:
        case Type::Kind::Contract:
            push(low_mask(160));
            op(Opcode::AND);
            break;
        case Type::Kind::Bool:
            op(Opcode::ISZERO);
            op(Opcode::ISZERO);
            break;
        case Type::Kind::Enum:
            push(low_mask(8));
            op(Opcode::AND);
            break;
        case Type::Kind::FixedBytes:
            if (t->bits < 256) {
                push(high_mask(t->bits));
                op(Opcode::AND);
            }
            break;
        default:
            break;
    }
}

void Gen::validate(const Type* t) {
    // [v] -> [v], reverting when v is not a clean value of t (as solc's ABI decoder does).
    if (t->kind == Type::Kind::Enum) {  // a member's number
        dup(1);
        push(t->enum_info->members.size());
        swap(1);
        op(Opcode::LT);
        op(Opcode::ISZERO);
        jumpi(revert_label());
        return;
    }
    const bool full = (t->is_integer() || t->kind == Type::Kind::FixedBytes) && t->bits == 256;
    if (full) return;
    dup(1);
    clean(t);
    dup(2);
    op(Opcode::EQ);
    op(Opcode::ISZERO);
    jumpi(revert_label());
}

void Gen::zero_value(const Type* t, DataLocation loc) {
    if (t->is_reference() && loc == DataLocation::Memory) {
        zero_memory(t);
        return;
    }
    push(uint64_t{0});
}

void Gen::convert(const Type* from, const Type* to) {
    if (from == to || to->kind == Type::Kind::Void) return;
    if (from->kind == Type::Kind::StringLiteral || from->kind == Type::Kind::IntLiteral) return;
    if (to->kind == Type::Kind::Function) return;  // function types differ only in mutability here
    switch (to->kind) {
        case Type::Kind::Uint:
            if (from->kind == Type::Kind::FixedBytes) {
                push(256 - from->bits);
                op(Opcode::SHR);
            } else if (from->kind == Type::Kind::Int || from->bits > to->bits) {
                clean(to);
            }
            break;
        case Type::Kind::Int:
            if (from->kind == Type::Kind::Uint ? from->bits >= to->bits : from->bits > to->bits) clean(to);
            break;
        case Type::Kind::FixedBytes:
            if (from->kind == Type::Kind::Uint || from->kind == Type::Kind::Address) {
                push(256 - to->bits);
                op(Opcode::SHL);
            } else if (from->bits > to->bits) {
                clean(to);
            }
            break;
        case Type::Kind::Address:
        case Type::Kind::Contract:
            if (from->kind == Type::Kind::FixedBytes) {
                push(96);
                op(Opcode::SHR);
            }
            break;
        case Type::Kind::Enum:  // from an integer: Panic(0x21) unless it names a member
            if (from->kind != Type::Kind::Enum) {
                dup(1);
                push(to->enum_info->members.size());
                swap(1);
                op(Opcode::LT);
                op(Opcode::ISZERO);
                jumpi(panic_label(0x21));
            }
            break;
        default:
            break;
    }
}

/// [a, b] -> [a + b] (checked: Panic(0x11) on overflow)
void Gen::arith_add(const Type* t, bool checked, size_t overflow) {
    const bool is_signed = t->is_signed();
    const unsigned bits = t->bits;
    if (!checked) {
        op(Opcode::ADD);
        clean(t);
    } else if (!is_signed && bits == 256) {
        dup(2);
        op(Opcode::ADD);
        dup(1);
        swap(2);
        op(Opcode::GT);
        jumpi(overflow);
    } else if (!is_signed) {
        op(Opcode::ADD);
        panic_above(low_mask(bits));
    } else if (bits < 256) {
        op(Opcode::ADD);
        panic_unless_clean(t);
    } else {
        dup(2);
        dup(2);
        op(Opcode::ADD);  // [a, b, r]
        dup(1);
        dup(4);
        op(Opcode::XOR);
        dup(2);
        dup(4);
        op(Opcode::XOR);
        op(Opcode::AND);
        panic_if_negative();
        swap(2);
        pop(2);
    }
}

/// [a, b] -> [a - b] (checked: Panic(0x11) on overflow)
void Gen::arith_sub(const Type* t, bool checked, size_t overflow) {
    const bool is_signed = t->is_signed();
    const unsigned bits = t->bits;
    if (!checked) {
        swap(1);
        op(Opcode::SUB);
        clean(t);
    } else if (!is_signed) {
        dup(1);
        dup(3);
        op(Opcode::LT);
        jumpi(overflow);
        swap(1);
        op(Opcode::SUB);
    } else if (bits < 256) {
        swap(1);
        op(Opcode::SUB);
        panic_unless_clean(t);
    } else {
        dup(1);
        dup(3);
        op(Opcode::SUB);  // [a, b, r]
        dup(2);
        dup(4);
        op(Opcode::XOR);
        dup(2);
        dup(5);
        op(Opcode::XOR);
        op(Opcode::AND);
        panic_if_negative();
        swap(2);
        pop(2);
    }
}

namespace {

/// The largest r with r ** k <= max (k >= 2), by bisection.
uint256 integer_root(const uint256& max, uint64_t k) {
    auto fits = [&](const uint256& r) {  // r ** k <= max
        uint256 p{1};
        for (uint64_t i = 0; i < k; ++i) {
            if (r != uint256{} && p > max / r) return false;
            p = p * r;
        }
        return true;
    };
    uint256 lo{1}, hi{uint256{1} << uint256{256 / k + 1}};  // fits(lo), !fits(hi) for k >= 2
    while (hi - lo > uint256{1}) {
        const uint256 mid = lo + ((hi - lo) >> uint256{1});
        (fits(mid) ? lo : hi) = mid;
    }
    return lo;
}

/// The largest e with b ** e <= max (b >= 2).
uint64_t integer_log(const uint256& b, const uint256& max) {
    uint64_t e = 0;
    for (uint256 p{1}; p <= max / b; p = p * b) ++e;
    return e;
}

/// s when b == 2 ** s, else nullopt.
std::optional<unsigned> log2_exact(const uint256& b) {
    for (unsigned s = 1; s < 256; ++s)
        if (b == uint256{1} << uint256{s}) return s;
    return std::nullopt;
}

}  // namespace

void Gen::power_unchecked(uint64_t k) {
    // [x] -> [x ** k mod 2^256]: multiplications for small k, else EXP.
    switch (k) {
        case 0:
            pop();
            push(1);
            return;
        case 1:
            return;
        case 2:
            dup(1);
            op(Opcode::MUL);
            return;
        case 3:
            dup(1);
            dup(1);
            op(Opcode::MUL);
            op(Opcode::MUL);
            return;
        case 4:
            dup(1);
            op(Opcode::MUL);
            dup(1);
            op(Opcode::MUL);
            return;
        default:
            push(k);
            swap(1);
            op(Opcode::EXP);
            return;
    }
}

bool Gen::expr_exp(const Expr& e) {
    // `x ** y` with a constant operand, unsigned: code for that constant (solc special-cases bases 0,
    // 1, 2 and 10 at run time; a constant base or exponent is known here).
    const Expr& lhs = *e.args[0];
    const Expr& rhs = *e.args[1];
    const Type* t = lhs.type;
    if (!t->is_integer() || t->is_signed()) return false;
    const uint256 max = low_mask(t->bits);
    if (lhs.kind == Expr::Kind::Constant) {
        const uint256 b = lhs.value;
        expr(rhs);             // [y]
        if (b == uint256{}) {  // 0 ** 0 == 1, else 0
            op(Opcode::ISZERO);
            return true;
        }
        if (b == uint256{1}) {
            pop();
            push(1);
            return true;
        }
        const auto s = log2_exact(b);
        if (e.checked) {
            panic_above(uint256{integer_log(b, max)});
            if (s) {  // 2 ** (s * y): a shift, y * s < bits
                if (*s != 1) {
                    push(*s);
                    op(Opcode::MUL);
                }
                push(1);
                swap(1);
                op(Opcode::SHL);
                return true;
            }
        } else if (s == 1u) {
            push(1);
            swap(1);
            op(Opcode::SHL);
            clean(t);
            return true;
        }
        push(b);
        op(Opcode::EXP);
        if (!e.checked) clean(t);
        return true;
    }
    if (rhs.kind == Expr::Kind::Constant && rhs.value <= uint256{0xffffffffffffffffULL}) {
        const uint64_t k = rhs.value[0];
        expr(lhs);  // [x]
        if (!e.checked || k < 2) {
            power_unchecked(k);
            if (k >= 2) clean(t);
            return true;
        }
        // x ** k <= max exactly when x <= the k-th root of max; then nothing wraps.
        const uint256 root = k >= t->bits ? uint256{1} : integer_root(max, k);
        panic_above(root);
        if (root != uint256{1}) power_unchecked(k);
        return true;
    }
    return false;
}

/// [a, b] -> [a ** b] (checked: Panic(0x11) on overflow)
void Gen::arith_exp(const Type* t, bool checked) {
    if (!checked) {
        swap(1);
        op(Opcode::EXP);
        clean(t);
    } else if (!t->is_signed()) {
        // A shared routine per width, as solc's checked_exp_unsigned.
        auto [it, fresh] = exp_routines_.emplace(t->bits, 0);
        if (fresh) it->second = new_label();
        const int h = height_;
        const size_t ret = new_label();
        push_label(ret);
        bury(2);  // [ret, a, b]
        jump(it->second);
        label(ret, h - 1);
    } else {
        // Square-and-multiply with checked multiplications.
        const size_t loop = new_label(), skip = new_label(), end = new_label();
        push(1);  // [b, e, r]
        const int h = height_;
        label(loop, h);
        dup(2);
        op(Opcode::ISZERO);
        jumpi(end);
        dup(2);
        push(1);
        op(Opcode::AND);
        op(Opcode::ISZERO);
        jumpi(skip);
        dup(3);
        dup(2);
        checked_mul(t);
        swap(1);
        pop();
        label(skip, h);
        swap(1);
        push(1);
        op(Opcode::SHR);
        swap(1);
        dup(2);
        op(Opcode::ISZERO);
        jumpi(end);
        dup(3);
        dup(1);
        checked_mul(t);
        swap(3);
        pop();
        jump(loop);
        label(end, h);
        swap(2);
        pop(2);
    }
}

void Gen::exp_routine(unsigned bits, size_t entry) {
    // [ret, b, e] -> [ret, b ** e], Panic(0x11) when the power exceeds max (solc's
    // checked_exp_unsigned and checked_exp_helper: small bases and exponents by EXP, the others by
    // square-and-multiply checking base * base, which bounds every product).
    const uint256 max = low_mask(bits);
    const size_t tiny = new_label(), fast = new_label(), slow = new_label(), loop = new_label(),
                 skip = new_label(), last = new_label(), done = new_label();
    loc_ = {0, 0};
    label(entry, 3);
    push(2);
    dup(3);
    op(Opcode::LT);
    jumpi(tiny);  // b < 2
    // (b < 11 and e < 78) or (b < 307 and e < 32): b ** e < 2^256, EXP is exact.
    push(78);
    dup(2);
    op(Opcode::LT);
    push(11);
    dup(4);
    op(Opcode::LT);
    op(Opcode::AND);
    push(32);
    dup(3);
    op(Opcode::LT);
    push(307);
    dup(5);
    op(Opcode::LT);
    op(Opcode::AND);
    op(Opcode::OR);
    jumpi(fast);
    jump(slow);

    label(tiny, 3);  // 0 ** 0 == 1 ** e == 1, 0 ** e == 0
    op(Opcode::ISZERO);
    op(Opcode::OR);
    swap(1);
    op(Opcode::JUMP);

    label(fast, 3);
    swap(1);
    op(Opcode::EXP);
    if (bits < 256) panic_above(max);
    swap(1);
    op(Opcode::JUMP);

    label(slow, 3);
    {  // 2 ** e: a shift (solc's special case of base 2)
        const size_t not_two = new_label();
        dup(2);
        push(2);
        op(Opcode::EQ);
        op(Opcode::ISZERO);
        jumpi(not_two);
        panic_above(uint256{bits - 1});
        push(1);
        swap(1);
        op(Opcode::SHL);  // [ret, b, 1 << e]
        swap(1);
        pop();
        swap(1);
        op(Opcode::JUMP);
        label(not_two, 3);
    }
    push(1);  // [ret, b, e, p]
    label(loop, 4);
    push(1);
    dup(3);
    op(Opcode::GT);
    op(Opcode::ISZERO);
    jumpi(last);  // e <= 1
    dup(3);
    push(max);
    op(Opcode::DIV);
    dup(4);
    op(Opcode::GT);
    jumpi(panic_label(0x11));  // b * b > max
    dup(2);
    push(1);
    op(Opcode::AND);
    op(Opcode::ISZERO);
    jumpi(skip);
    dup(3);
    op(Opcode::MUL);  // p * b <= b * b: no check needed
    label(skip, 4);
    swap(2);
    dup(1);
    op(Opcode::MUL);
    swap(2);  // [ret, b * b, e, p]
    swap(1);
    push(1);
    op(Opcode::SHR);
    swap(1);  // [ret, b, e / 2, p]
    jump(loop);

    label(last, 4);  // e is 1, or 0 when it was 0 from the start (a base >= 307)
    dup(2);
    op(Opcode::ISZERO);
    jumpi(done);
    dup(3);
    push(max);
    op(Opcode::DIV);
    dup(2);
    op(Opcode::GT);
    jumpi(panic_label(0x11));  // p * b > max
    dup(3);
    op(Opcode::MUL);
    label(done, 4);  // [ret, b, e, p]
    swap(2);
    pop(2);
    swap(1);
    op(Opcode::JUMP);
}

void Gen::arith(BinaryOp o, const Type* t, bool checked) {
    // [a, b] -> [a op b]
    const bool is_signed = t->is_signed();
    const unsigned bits = t->bits;
    const size_t overflow = panic_label(0x11);
    switch (o) {
        case BinaryOp::Add:
            arith_add(t, checked, overflow);
            break;
        case BinaryOp::Sub:
            arith_sub(t, checked, overflow);
            break;
        case BinaryOp::Mul:
            if (!checked) {
                op(Opcode::MUL);
                clean(t);
            } else {
                checked_mul(t);
            }
            break;
        case BinaryOp::Div:
        case BinaryOp::Mod: {
            dup(1);
            op(Opcode::ISZERO);
            jumpi(panic_label(0x12));
            if (is_signed && o == BinaryOp::Div && checked) {
                dup(1);
                op(Opcode::NOT);
                op(Opcode::ISZERO);  // b == -1
                dup(3);
                push(min_signed(bits));
                op(Opcode::EQ);
                op(Opcode::AND);
                jumpi(overflow);
            }
            swap(1);
            op(is_signed ? (o == BinaryOp::Div ? Opcode::SDIV : Opcode::SMOD)
                         : (o == BinaryOp::Div ? Opcode::DIV : Opcode::MOD));
            if (is_signed && o == BinaryOp::Div && !checked) clean(t);
            break;
        }
        case BinaryOp::Exp:
            arith_exp(t, checked);
            break;
        case BinaryOp::Shl:
            op(Opcode::SHL);
            clean(t);
            break;
        case BinaryOp::Shr:
            op(is_signed ? Opcode::SAR : Opcode::SHR);
            if (t->kind == Type::Kind::FixedBytes) clean(t);
            break;
        case BinaryOp::BitAnd:
            op(Opcode::AND);
            break;
        case BinaryOp::BitOr:
            op(Opcode::OR);
            break;
        case BinaryOp::BitXor:
            op(Opcode::XOR);
            break;
        default:
            compare(o, t);
            break;
    }
}

void Gen::checked_mul(const Type* t) {
    // [a, b] -> [a * b], Panic(0x11) when the product leaves the type.
    const size_t overflow = panic_label(0x11);
    const unsigned bits = t->bits;
    if (!t->is_signed()) {
        if (bits <= 128) {
            op(Opcode::MUL);
            panic_above(low_mask(bits));
            return;
        }
        dup(2);
        dup(2);
        op(Opcode::MUL);  // [a, b, r]
        panic_if_wrapped(Opcode::DIV);
        if (bits < 256) {
            panic_above(low_mask(bits));
        }
        swap(2);
        pop(2);
        return;
    }
    if (bits <= 128) {
        op(Opcode::MUL);
        panic_unless_clean(t);
        return;
    }
    dup(2);
    dup(2);
    op(Opcode::MUL);  // [a, b, r]
    panic_if_wrapped(Opcode::SDIV);
    if (bits == 256) {
        dup(3);
        op(Opcode::NOT);
        op(Opcode::ISZERO);
        dup(3);
        push(min_signed(256));
        op(Opcode::EQ);
        op(Opcode::AND);
        jumpi(overflow);
    } else {
        panic_unless_clean(t);
    }
    swap(2);
    pop(2);
}

void Gen::compare(BinaryOp o, const Type* t) {
    // [a, b] -> [a op b]
    const bool s = t->is_signed();
    switch (o) {
        case BinaryOp::Lt:
            op(s ? Opcode::SGT : Opcode::GT);
            break;
        case BinaryOp::Gt:
            op(s ? Opcode::SLT : Opcode::LT);
            break;
        case BinaryOp::Le:
            op(s ? Opcode::SLT : Opcode::LT);
            op(Opcode::ISZERO);
            break;
        case BinaryOp::Ge:
            op(s ? Opcode::SGT : Opcode::GT);
            op(Opcode::ISZERO);
            break;
        case BinaryOp::Eq:
            op(Opcode::EQ);
            break;
        case BinaryOp::Ne:
            op(Opcode::EQ);
            op(Opcode::ISZERO);
            break;
        default:
            break;
    }
}

}  // namespace trainchain::compiler::codegen
