// compiler/src/codegen/storage.cpp - storage and memory: slots of state variables, mappings and arrays,
// packed loads and stores, memory allocation and copies.
#include "codegen/gen.hpp"

namespace trainchain::compiler::codegen {

void Gen::storage_element(const Type* array_type) {
    // [data_slot, index] -> element reference (slot, or slot and byte offset when packed).
    const Type* el = array_type->element;
    if (el->is_value() && el->storage_bytes() <= 16) {
        const uint64_t per_slot = 32 / el->storage_bytes();
        dup(1);
        push(per_slot);
        swap(1);
        op(Opcode::DIV);  // [data, i, i / per]
        swap(1);
        swap(2);
        op(Opcode::ADD);  // [i, slot]
        swap(1);
        push(per_slot);
        swap(1);
        op(Opcode::MOD);
        push(el->storage_bytes());
        op(Opcode::MUL);  // [slot, offset]
        return;
    }
    const uint64_t slots = el->storage_slots();
    if (slots != 1) {
        push(slots);
        op(Opcode::MUL);
    }
    op(Opcode::ADD);
}

StorageRef Gen::storage_ref(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::StateVar:
            push(e.var->slot);
            return {false, e.var->offset};
        case Expr::Kind::Local:
            dup(height_ - positions_.at(e.var));
            return {};
        case Expr::Kind::Member: {
            storage_ref(*e.args[0]);
            const auto& m = e.args[0]->type->struct_info->members[e.member_index];
            if (m.slot != 0) {
                push(m.slot);
                op(Opcode::ADD);
            }
            return {false, m.offset};
        }
        case Expr::Kind::Index: {
            const Type* base = e.args[0]->type;
            storage_ref(*e.args[0]);
            expr(*e.args[1]);
            if (base->kind == Type::Kind::Mapping) {
                push(uint64_t{0});
                op(Opcode::MSTORE);
                push(0x20);
                op(Opcode::MSTORE);
                push(0x40);
                push(uint64_t{0});
                op(Opcode::KECCAK256);
                return {};
            }
            // Arrays: bounds check (a getter's reverts with empty data, as solc's), then the element.
            const size_t out_of_range = e.getter_index ? revert_label() : panic_label(0x32);
            if (base->length) {
                dup(1);
                push(*base->length);
                op(Opcode::GT);
                op(Opcode::ISZERO);
                jumpi(out_of_range);
            } else {
                dup(2);
                op(Opcode::SLOAD);
                dup(2);
                op(Opcode::LT);
                op(Opcode::ISZERO);
                jumpi(out_of_range);
                swap(1);
                push(uint64_t{0});
                op(Opcode::MSTORE);
                push(0x20);
                push(uint64_t{0});
                op(Opcode::KECCAK256);
                swap(1);
            }
            storage_element(base);
            const Type* el = base->element;
            return el->is_value() && el->storage_bytes() <= 16 ? StorageRef{true, 0} : StorageRef{};
        }
        case Expr::Kind::ArrayPush: {
            // push(): the new element's reference.
            const Type* base = e.args[0]->type;
            storage_ref(*e.args[0]);  // [p]
            dup(1);
            op(Opcode::SLOAD);  // [p, len]
            dup(1);
            push(1);
            op(Opcode::ADD);
            dup(3);
            op(Opcode::SSTORE);
            swap(1);
            push(uint64_t{0});
            op(Opcode::MSTORE);
            push(0x20);
            push(uint64_t{0});
            op(Opcode::KECCAK256);
            swap(1);  // [data, len]
            storage_element(base);
            const Type* el = base->element;
            return el->is_value() && el->storage_bytes() <= 16 ? StorageRef{true, 0} : StorageRef{};
        }
        default:
            expr(e);  // a storage pointer returned by a call or a conditional
            return {};
    }
}

void Gen::storage_load(const Type* t, StorageRef ref) {
    // [slot (, offset)] -> [value]
    if (ref.dynamic_offset) {
        swap(1);
        op(Opcode::SLOAD);
        swap(1);
        push(8);
        op(Opcode::MUL);
        op(Opcode::SHR);
    } else {
        op(Opcode::SLOAD);
        if (ref.offset) {
            push(ref.offset * 8);
            op(Opcode::SHR);
        }
    }
    const unsigned size = t->storage_bytes();
    if (size < 32) {
        // Other variables may share the slot: keep only this one's bytes.
        push(low_mask(size * 8));
        op(Opcode::AND);
        if (t->kind == Type::Kind::FixedBytes) {
            push(256 - size * 8);
            op(Opcode::SHL);
        } else if (t->kind == Type::Kind::Int) {
            clean(t);
        }
    }
}

void Gen::storage_store(const Type* t, StorageRef ref) {
    // [slot (, offset), value] -> []
    const unsigned size = t->storage_bytes();
    if (t->kind == Type::Kind::FixedBytes && size < 32) {
        push(256 - size * 8);
        op(Opcode::SHR);
    }
    if (size == 32 && !ref.dynamic_offset && ref.offset == 0) {
        swap(1);
        op(Opcode::SSTORE);
        return;
    }
    push(low_mask(size * 8));
    op(Opcode::AND);  // [slot, (off,) v]
    if (ref.dynamic_offset) {
        dup(2);
        push(8);
        op(Opcode::MUL);
        op(Opcode::SHL);  // [slot, off, v << s]
        dup(3);
        op(Opcode::SLOAD);
        push(low_mask(size * 8));
        dup(4);
        push(8);
        op(Opcode::MUL);
        op(Opcode::SHL);
        op(Opcode::NOT);
        op(Opcode::AND);
        op(Opcode::OR);  // [slot, off, new]
        swap(1);
        pop();
        swap(1);
        op(Opcode::SSTORE);
        return;
    }
    if (ref.offset) {
        push(ref.offset * 8);
        op(Opcode::SHL);
    }
    dup(2);
    op(Opcode::SLOAD);
    push(~(low_mask(size * 8) << uint256{ref.offset * 8}));
    op(Opcode::AND);
    op(Opcode::OR);
    swap(1);
    op(Opcode::SSTORE);
}

void Gen::memory_address(const Expr& e) {
    // [] -> [address] of a memory lvalue (array element or struct member).
    if (e.kind == Expr::Kind::Member) {
        expr(*e.args[0]);
        if (e.member_index) {
            push(32 * e.member_index);
            op(Opcode::ADD);
        }
        return;
    }
    expr(*e.args[0]);
    expr(*e.args[1]);
    dup(2);
    op(Opcode::MLOAD);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(panic_label(0x32));
    if (e.args[0]->type->kind != Type::Kind::Bytes) {  // bytes: one byte per index
        push(32);
        op(Opcode::MUL);
    }
    op(Opcode::ADD);
    push(32);
    op(Opcode::ADD);
}

void Gen::allocate(uint64_t size) {
    push(free_pointer);
    op(Opcode::MLOAD);
    dup(1);
    push((size + 31) / 32 * 32);
    op(Opcode::ADD);
    push(free_pointer);
    op(Opcode::MSTORE);
}

void Gen::allocate_dynamic() {
    // [size] -> [ptr]; the size is rounded up to words.
    push(31);
    op(Opcode::ADD);
    push(~uint256{31});
    op(Opcode::AND);
    push(free_pointer);
    op(Opcode::MLOAD);
    swap(1);
    dup(2);
    op(Opcode::ADD);
    push(free_pointer);
    op(Opcode::MSTORE);
}

void Gen::string_constant(const std::string& text) {
    allocate(32 + text.size());
    push(text.size());
    dup(2);
    op(Opcode::MSTORE);
    for (size_t k = 0; k < text.size(); k += 32) {
        uint8_t word[32] = {};
        for (size_t i = 0; i < 32 && k + i < text.size(); ++i) word[i] = static_cast<uint8_t>(text[k + i]);
        push(uint256::from_be(word, 32));
        dup(2);
        push(32 + k);
        op(Opcode::ADD);
        op(Opcode::MSTORE);
    }
}

void Gen::copy_memory() {
    // [dst, src, len] -> []: word by word (MCOPY is Cancun-only); may write up to 31 bytes past
    // dst + len, which callers either overwrite or zero.
    const size_t loop = new_label(), end = new_label();
    push(uint64_t{0});  // [dst, src, len, i]
    const int h = height_;
    label(loop, h);
    dup(2);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(end);
    dup(3);
    dup(2);
    op(Opcode::ADD);
    op(Opcode::MLOAD);
    dup(5);
    dup(3);
    op(Opcode::ADD);
    op(Opcode::MSTORE);
    push(32);
    op(Opcode::ADD);
    jump(loop);
    label(end, h);
    pop(4);
}

}  // namespace trainchain::compiler::codegen
