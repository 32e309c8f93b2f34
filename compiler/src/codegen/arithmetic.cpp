// compiler/src/codegen/arithmetic.cpp - value types and arithmetic: cleaning, validation, zero values,
// conversions, checked and unchecked operators, comparisons.
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

/// [a, b] -> [a ** b] (checked: square-and-multiply, Panic(0x11) on overflow)
void Gen::arith_exp(const Type* t, bool checked) {
    if (!checked) {
        swap(1);
        op(Opcode::EXP);
        clean(t);
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
