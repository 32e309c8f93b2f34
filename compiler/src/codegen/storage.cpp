// compiler/src/codegen/storage.cpp - storage and memory: slots of state variables, mappings and arrays,
// packed loads and stores, storage byte arrays (string, bytes), copies between storage and memory,
// memory allocation and copies.
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
            if (base->kind == Type::Kind::Bytes) {  // one byte of a storage bytes
                call_routine(Routine::BytesByte);
                return {true, 0};
            }
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

void Gen::keccak_slot() {
    push(uint64_t{0});
    op(Opcode::MSTORE);
    push(0x20);
    push(uint64_t{0});
    op(Opcode::KECCAK256);
}

namespace {

struct RoutineShape {
    int in;
    int out;
};

RoutineShape shape(Routine r) {
    switch (r) {
        case Routine::BytesLength:
        case Routine::BytesLoad:
            return {1, 1};
        case Routine::BytesStore:
        case Routine::BytesPush:
            return {2, 0};
        case Routine::BytesPop:
            return {1, 0};
        case Routine::BytesByte:
            return {2, 2};
        case Routine::CopyMemory:
            return {3, 0};
    }
    return {0, 0};
}

}  // namespace

void Gen::call_routine(Routine r) {
    auto [it, fresh] = routines_.emplace(r, 0);
    if (fresh) {
        it->second = new_label();
        pending_routines_.push_back(r);
    }
    const auto [in, out] = shape(r);
    const int h = height_;
    const size_t ret = new_label();
    push_label(ret);
    bury(in);  // [ret, inputs..]
    jump(it->second);
    label(ret, h - in + out);
}

void Gen::emit_routine(Routine r) {
    const auto [in, out] = shape(r);
    loc_ = {0, 0};
    label(routines_.at(r), 1 + in);
    switch (r) {
        case Routine::BytesLength:
            bytes_length();
            break;
        case Routine::BytesLoad:
            bytes_load();
            break;
        case Routine::BytesStore:
            bytes_store();
            break;
        case Routine::BytesPush:
            bytes_push();
            break;
        case Routine::BytesPop:
            bytes_pop();
            break;
        case Routine::BytesByte:
            bytes_byte();
            break;
        case Routine::CopyMemory:
            copy_memory_loop();
            break;
    }
    // [ret, outputs..] -> [outputs.., ret], then back.
    std::vector<int> keep;
    for (int j = 0; j < out; ++j) keep.push_back(1 + j);
    keep.push_back(0);
    reshape(1 + out, keep);
    op(Opcode::JUMP);
}

void Gen::bytes_length() {
    // [slot] -> [len], as solc's extract_byte_array_length: an odd slot value is 2 * len + 1 (the
    // data elsewhere), an even one holds 2 * len in its lowest byte; a short length of 32 or more, or
    // a long one below 32, is Panic(0x22).
    const size_t long_form = new_label();
    op(Opcode::SLOAD);
    dup(1);
    push(1);
    op(Opcode::SHR);  // [v, l]
    dup(2);
    push(1);
    op(Opcode::AND);  // [v, l, o]
    dup(1);
    jumpi(long_form);
    swap(1);
    push(0x7f);
    op(Opcode::AND);
    swap(1);
    label(long_form);
    dup(2);
    push(32);
    swap(1);
    op(Opcode::LT);  // [v, l, o, l < 32]
    op(Opcode::EQ);
    jumpi(panic_label(0x22));
    swap(1);
    pop();
}

void Gen::bytes_load() {
    // [slot] -> [ptr]
    const size_t done = new_label(), short_form = new_label(), loop = new_label(), exit = new_label();
    dup(1);
    call_routine(Routine::BytesLength);  // [slot, len]
    dup(1);
    push(63);
    op(Opcode::ADD);
    push(~uint256{31});
    op(Opcode::AND);
    allocate_dynamic();  // [slot, len, ptr]
    dup(2);
    dup(2);
    op(Opcode::MSTORE);
    dup(2);
    op(Opcode::ISZERO);
    jumpi(done);
    push(32);
    dup(3);
    op(Opcode::LT);
    jumpi(short_form);
    const int h = height_;
    dup(3);
    keccak_slot();  // [slot, len, ptr, data]
    dup(2);
    push(32);
    op(Opcode::ADD);  // [.., data, dst]
    dup(4);
    dup(4);
    op(Opcode::ADD);
    push(32);
    op(Opcode::ADD);  // [.., data, dst, end]
    label(loop, h + 3);
    dup(1);
    dup(3);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(exit);
    dup(3);
    op(Opcode::SLOAD);
    dup(3);
    op(Opcode::MSTORE);
    swap(2);
    push(1);
    op(Opcode::ADD);
    swap(2);
    swap(1);
    push(32);
    op(Opcode::ADD);
    swap(1);
    jump(loop);
    label(exit, h + 3);
    pop(3);
    jump(done);
    label(short_form, h);
    dup(3);
    op(Opcode::SLOAD);
    push(~uint256{0xff});
    op(Opcode::AND);
    dup(2);
    push(32);
    op(Opcode::ADD);
    op(Opcode::MSTORE);
    label(done, h);
    swap(2);
    pop(2);
}

void Gen::bytes_store() {
    // [slot, ptr] -> [], as solc's copy_byte_array_to_storage_from_memory: the data slots the old
    // value used and the new one does not are cleared; a long value's last word keeps only its bytes.
    const size_t no_clear = new_label(), clear_loop = new_label(), clear_end = new_label();
    const size_t long_form = new_label(), loop = new_label(), tail = new_label(), done = new_label(),
                 end = new_label();
    dup(2);
    call_routine(Routine::BytesLength);  // [slot, ptr, old]
    push(31);
    dup(2);
    op(Opcode::GT);
    op(Opcode::ISZERO);
    jumpi(no_clear);
    const int h = height_;
    dup(3);
    keccak_slot();  // [slot, ptr, old, data]
    dup(2);
    push(31);
    op(Opcode::ADD);
    push(5);
    op(Opcode::SHR);
    dup(2);
    op(Opcode::ADD);  // [.., data, end]
    dup(4);
    op(Opcode::MLOAD);  // [.., data, end, new]
    push(31);
    dup(2);
    op(Opcode::GT);
    swap(1);
    push(31);
    op(Opcode::ADD);
    push(5);
    op(Opcode::SHR);
    op(Opcode::MUL);  // new words when long, else 0
    dup(3);
    op(Opcode::ADD);  // [.., data, end, start]
    label(clear_loop, h + 3);
    dup(2);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(clear_end);
    push(uint64_t{0});
    dup(2);
    op(Opcode::SSTORE);
    push(1);
    op(Opcode::ADD);
    jump(clear_loop);
    label(clear_end, h + 3);
    pop(3);
    label(no_clear, h);
    pop();  // [slot, ptr]
    dup(1);
    op(Opcode::MLOAD);  // [slot, ptr, new]
    push(31);
    dup(2);
    op(Opcode::GT);
    jumpi(long_form);
    const int hs = height_;
    dup(2);
    push(32);
    op(Opcode::ADD);
    op(Opcode::MLOAD);  // [slot, ptr, new, word]
    push(uint256::max());
    dup(3);
    push(3);
    op(Opcode::SHL);
    op(Opcode::SHR);
    op(Opcode::NOT);
    op(Opcode::AND);
    dup(2);
    dup(1);
    op(Opcode::ADD);
    op(Opcode::OR);
    dup(4);
    op(Opcode::SSTORE);
    pop(3);
    jump(end);
    label(long_form, hs);
    dup(1);
    dup(1);
    op(Opcode::ADD);
    push(1);
    op(Opcode::ADD);
    dup(4);
    op(Opcode::SSTORE);
    dup(3);
    keccak_slot();  // [slot, ptr, new, data]
    dup(3);
    push(32);
    op(Opcode::ADD);    // [.., data, src]
    push(uint64_t{0});  // [slot, ptr, new, data, src, o]
    const int hl = height_;
    label(loop, hl);
    push(~uint256{31});
    dup(5);
    op(Opcode::AND);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(tail);
    dup(2);
    dup(2);
    op(Opcode::ADD);
    op(Opcode::MLOAD);
    dup(4);
    dup(3);
    push(5);
    op(Opcode::SHR);
    op(Opcode::ADD);
    op(Opcode::SSTORE);
    push(32);
    op(Opcode::ADD);
    jump(loop);
    label(tail, hl);
    dup(4);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(done);
    dup(2);
    dup(2);
    op(Opcode::ADD);
    op(Opcode::MLOAD);
    push(uint256::max());
    dup(6);
    push(31);
    op(Opcode::AND);
    push(3);
    op(Opcode::SHL);
    op(Opcode::SHR);
    op(Opcode::NOT);
    op(Opcode::AND);
    dup(4);
    dup(3);
    push(5);
    op(Opcode::SHR);
    op(Opcode::ADD);
    op(Opcode::SSTORE);
    label(done, hl);
    pop(6);
    label(end, h - 3);
}

void Gen::bytes_push() {
    // [slot, b] -> []: as solc's byte_array_push_storage, the value moves from the slot to
    // keccak256(slot) when the length reaches 32.
    const size_t short_form = new_label(), transition = new_label(), end = new_label();
    dup(2);
    call_routine(Routine::BytesLength);  // [slot, b, len]
    push(31);
    dup(2);
    op(Opcode::LT);
    jumpi(short_form);
    dup(1);
    push(31);
    op(Opcode::EQ);
    jumpi(transition);
    const int h = height_;
    dup(3);
    op(Opcode::SLOAD);
    push(2);
    op(Opcode::ADD);
    dup(4);
    op(Opcode::SSTORE);
    dup(3);
    keccak_slot();
    dup(2);
    push(5);
    op(Opcode::SHR);
    op(Opcode::ADD);  // [slot, b, len, s]
    dup(3);
    dup(3);
    push(31);
    op(Opcode::AND);
    push(3);
    op(Opcode::SHL);
    op(Opcode::SHR);
    dup(2);
    op(Opcode::SLOAD);
    op(Opcode::OR);
    swap(1);
    op(Opcode::SSTORE);
    jump(end);
    label(short_form, h);
    dup(2);
    dup(2);
    push(3);
    op(Opcode::SHL);
    op(Opcode::SHR);
    dup(4);
    op(Opcode::SLOAD);
    op(Opcode::ADD);
    push(2);
    op(Opcode::ADD);
    dup(4);
    op(Opcode::SSTORE);
    jump(end);
    label(transition, h);
    dup(3);
    op(Opcode::SLOAD);
    push(~uint256{0xff});
    op(Opcode::AND);
    dup(3);
    push(248);
    op(Opcode::SHR);
    op(Opcode::OR);
    dup(4);
    keccak_slot();
    op(Opcode::SSTORE);
    push(65);
    dup(4);
    op(Opcode::SSTORE);
    label(end, h);
    pop(3);
}

void Gen::bytes_pop() {
    // [slot] -> [], as solc's byte_array_pop_storage: the value moves back into the slot when the
    // length drops from 32 to 31; the removed byte is zeroed.
    const size_t transition = new_label(), long_form = new_label(), end = new_label();
    dup(1);
    call_routine(Routine::BytesLength);  // [slot, len]
    dup(1);
    op(Opcode::ISZERO);
    jumpi(panic_label(0x31));
    dup(1);
    push(32);
    op(Opcode::EQ);
    jumpi(transition);
    push(32);
    dup(2);
    op(Opcode::GT);
    jumpi(long_form);
    const int h = height_;
    dup(2);
    op(Opcode::SLOAD);
    push(0xff);
    dup(3);
    push(32);
    op(Opcode::SUB);
    push(3);
    op(Opcode::SHL);
    op(Opcode::SHL);
    op(Opcode::NOT);
    op(Opcode::AND);
    push(2);
    swap(1);
    op(Opcode::SUB);
    dup(3);
    op(Opcode::SSTORE);
    jump(end);
    label(long_form, h);
    dup(2);
    op(Opcode::SLOAD);
    push(2);
    swap(1);
    op(Opcode::SUB);
    dup(3);
    op(Opcode::SSTORE);
    dup(2);
    keccak_slot();  // [slot, len, data]
    push(1);
    dup(3);
    op(Opcode::SUB);  // [slot, len, data, k]
    dup(1);
    push(5);
    op(Opcode::SHR);
    dup(3);
    op(Opcode::ADD);  // [.., data, k, s]
    dup(1);
    op(Opcode::SLOAD);
    push(0xff);
    dup(4);
    push(31);
    op(Opcode::AND);
    push(31);
    op(Opcode::SUB);
    push(3);
    op(Opcode::SHL);
    op(Opcode::SHL);
    op(Opcode::NOT);
    op(Opcode::AND);
    swap(1);
    op(Opcode::SSTORE);
    pop(2);
    jump(end);
    label(transition, h);
    dup(2);
    keccak_slot();  // [slot, len, data]
    dup(1);
    op(Opcode::SLOAD);
    push(~uint256{0xff});
    op(Opcode::AND);
    push(62);
    op(Opcode::OR);
    dup(4);
    op(Opcode::SSTORE);
    push(uint64_t{0});
    swap(1);
    op(Opcode::SSTORE);
    label(end, h);
    pop(2);
}

void Gen::bytes_byte() {
    // [slot, i] -> [s, off]: byte i of the value is byte `off` (from the low end) of slot s.
    const size_t long_form = new_label(), end = new_label();
    dup(2);
    call_routine(Routine::BytesLength);  // [slot, i, len]
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(panic_label(0x32));
    dup(2);
    op(Opcode::SLOAD);
    push(1);
    op(Opcode::AND);
    jumpi(long_form);
    const int h = height_;
    push(31);
    op(Opcode::SUB);
    jump(end);
    label(long_form, h);
    swap(1);
    keccak_slot();  // [i, data]
    dup(2);
    push(5);
    op(Opcode::SHR);
    op(Opcode::ADD);
    swap(1);
    push(31);
    op(Opcode::AND);
    push(31);
    op(Opcode::SUB);
    label(end, h);
}

/// Fills `out` with the slots of a struct (from `base`) that hold value-type members and, apart,
/// those that hold byte arrays: the two kinds of copy and clear.
static void struct_slots(const StructInfo& s, uint64_t base, std::vector<uint64_t>& values,
                         std::vector<uint64_t>& byte_arrays) {
    for (const auto& m : s.members) {
        if (m.type->kind == Type::Kind::Struct)
            struct_slots(*m.type->struct_info, base + m.slot, values, byte_arrays);
        else if (m.type->is_byte_array())
            byte_arrays.push_back(base + m.slot);
        else if (values.empty() || values.back() != base + m.slot)
            values.push_back(base + m.slot);
    }
}

namespace {

/// True when the struct `t` holds an array, directly or in a nested struct.
bool holds_array(const Type* t) {
    if (t->kind == Type::Kind::Array) return true;
    if (t->kind != Type::Kind::Struct) return false;
    for (const auto& m : t->struct_info->members)
        if (holds_array(m.type)) return true;
    return false;
}

/// True when array elements of type `t` share slots (solc packs value types of 16 bytes or less).
bool packed_element(const Type* t) { return t->is_value() && t->storage_bytes() <= 16; }

}  // namespace

void Gen::zero_memory(const Type* t) {
    // [] -> [ptr]: a fresh zero value of a memory type, as solc's zero_value_for_type: dynamic arrays,
    // string and bytes point at the zero word; structs and fixed-size arrays are allocated, their
    // reference-typed members and elements zero values of their own.
    if (t->kind == Type::Kind::Struct) {
        const auto& members = t->struct_info->members;
        allocate(32 * members.size());
        for (size_t i = 0; i < members.size(); ++i) {
            if (members[i].type->is_value()) {
                push(uint64_t{0});
            } else {
                zero_memory(members[i].type);
            }
            dup(2);
            if (i) {
                push(32 * i);
                op(Opcode::ADD);
            }
            op(Opcode::MSTORE);
        }
        return;
    }
    if (t->kind == Type::Kind::Array && t->length) {
        const uint64_t k = *t->length;
        allocate(32 * k);  // [ptr]
        if (t->element->is_value()) {
            push(32 * k);
            op(Opcode::CALLDATASIZE);
            dup(3);
            op(Opcode::CALLDATACOPY);
            return;
        }
        const size_t loop = new_label(), end = new_label();
        dup(1);
        dup(1);
        push(32 * k);
        op(Opcode::ADD);  // [ptr, p, end]
        const int h = height_;
        label(loop, h);
        dup(1);
        dup(3);
        op(Opcode::LT);
        op(Opcode::ISZERO);
        jumpi(end);
        zero_memory(t->element);
        dup(3);
        op(Opcode::MSTORE);
        swap(1);
        push(32);
        op(Opcode::ADD);
        swap(1);
        jump(loop);
        label(end, h);
        pop(2);
        return;
    }
    push(zero_slot);
}

void Gen::zero_elements(const Type* element) {
    // [ptr] -> [ptr]
    const size_t loop = new_label(), end = new_label();
    dup(1);
    push(32);
    op(Opcode::ADD);
    dup(2);
    op(Opcode::MLOAD);
    push(32);
    op(Opcode::MUL);
    dup(2);
    op(Opcode::ADD);  // [ptr, p, end]
    const int h = height_;
    label(loop, h);
    dup(1);
    dup(3);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(end);
    zero_memory(element);
    dup(3);
    op(Opcode::MSTORE);
    swap(1);
    push(32);
    op(Opcode::ADD);
    swap(1);
    jump(loop);
    label(end, h);
    pop(2);
}

void Gen::copy_to_memory(const Type* t) {
    // [slot] -> [ptr]
    if (t->is_byte_array()) {
        call_routine(Routine::BytesLoad);
        return;
    }
    if (t->kind == Type::Kind::Array) {
        const Type* el = t->element;
        const bool dynamic = !t->length;
        if (dynamic) {
            dup(1);
            op(Opcode::SLOAD);
            swap(1);
            keccak_slot();
            swap(1);  // [data, len]
        } else {
            push(*t->length);  // [data, len]
        }
        dup(1);
        push(32);
        op(Opcode::MUL);
        if (dynamic) {
            push(32);
            op(Opcode::ADD);
        }
        allocate_dynamic();  // [data, len, ptr]
        if (dynamic) {
            dup(2);
            dup(2);
            op(Opcode::MSTORE);
        }
        const size_t loop = new_label(), end = new_label();
        push(uint64_t{0});  // [data, len, ptr, i]
        const int h = height_;
        label(loop, h);
        dup(3);
        dup(2);
        op(Opcode::LT);
        op(Opcode::ISZERO);
        jumpi(end);
        dup(4);
        dup(2);
        storage_element(t);
        if (el->is_value())
            storage_load(el, packed_element(el) ? StorageRef{true, 0} : StorageRef{});
        else
            copy_to_memory(el);  // [.., i, v]
        dup(2);
        push(32);
        op(Opcode::MUL);
        dup(4);
        op(Opcode::ADD);
        if (dynamic) {
            push(32);
            op(Opcode::ADD);
        }
        op(Opcode::MSTORE);
        push(1);
        op(Opcode::ADD);
        jump(loop);
        label(end, h);
        pop();
        swap(2);
        pop(2);
        return;
    }
    // A struct: one word per member.
    const StructInfo& s = *t->struct_info;
    allocate(32 * s.members.size());  // [slot, ptr]
    for (size_t i = 0; i < s.members.size(); ++i) {
        const auto& m = s.members[i];
        dup(2);
        if (m.slot) {
            push(m.slot);
            op(Opcode::ADD);
        }
        if (m.type->is_value())
            storage_load(m.type, StorageRef{false, m.offset});
        else
            copy_to_memory(m.type);
        dup(2);
        if (i) {
            push(32 * i);
            op(Opcode::ADD);
        }
        op(Opcode::MSTORE);
    }
    swap(1);
    pop();
}

void Gen::clear_elements(const Type* t) {
    // [data, from, to] -> []: zeroes the elements from..to-1 of an array of type t whose data starts
    // at slot `data`.
    const Type* el = t->element;
    const size_t loop = new_label(), end = new_label();
    swap(1);  // [data, to, i]
    const int h = height_;
    label(loop, h);
    dup(2);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(end);
    dup(3);
    dup(2);
    storage_element(t);
    if (el->is_value()) {
        push(uint64_t{0});
        storage_store(el, packed_element(el) ? StorageRef{true, 0} : StorageRef{});
    } else {
        clear_storage(el);
    }
    push(1);
    op(Opcode::ADD);
    jump(loop);
    label(end, h);
    pop(3);
}

void Gen::copy_memory_to_storage(const Type* t) {
    // [slot, ptr] -> []
    if (t->is_byte_array()) {
        call_routine(Routine::BytesStore);
        return;
    }
    if (t->kind == Type::Kind::Array) {
        const Type* el = t->element;
        const bool dynamic = !t->length;
        if (dynamic) {
            // The new length, then the elements past it cleared (solc's resizeDynamicArray).
            dup(1);
            op(Opcode::MLOAD);  // [slot, ptr, n]
            dup(3);
            op(Opcode::SLOAD);  // [slot, ptr, n, old]
            dup(2);
            dup(5);
            op(Opcode::SSTORE);
            dup(4);
            keccak_slot();  // [slot, ptr, n, old, data]
            swap(2);        // [slot, ptr, data, old, n]
            swap(1);        // [slot, ptr, data, n, old]
            dup(3);
            dup(3);
            dup(3);  // [.., data, n, old, data, n, old]
            const size_t skip = new_label();
            dup(2);
            dup(2);
            op(Opcode::GT);
            op(Opcode::ISZERO);
            jumpi(skip);
            const int hs = height_;
            clear_elements(t);
            const size_t done = new_label();
            jump(done);
            label(skip, hs);
            pop(3);
            label(done, hs - 3);
            pop();  // [slot, ptr, data, n]
            swap(2);
            push(32);
            op(Opcode::ADD);
            swap(2);  // [slot, src, data, n]
        } else {
            dup(2);
            push(*t->length);  // [slot, ptr, data, n]
        }
        const size_t loop = new_label(), end = new_label();
        push(uint64_t{0});  // [slot, src, data, n, i]
        const int h = height_;
        label(loop, h);
        dup(2);
        dup(2);
        op(Opcode::LT);
        op(Opcode::ISZERO);
        jumpi(end);
        dup(3);
        dup(2);
        storage_element(t);  // [.., i, ref..]
        const bool packed = packed_element(el);
        dup(packed ? 3 : 2);
        push(32);
        op(Opcode::MUL);
        dup(packed ? 7 : 6);
        op(Opcode::ADD);
        op(Opcode::MLOAD);
        if (el->is_value())
            storage_store(el, packed ? StorageRef{true, 0} : StorageRef{});
        else
            copy_memory_to_storage(el);
        push(1);
        op(Opcode::ADD);
        jump(loop);
        label(end, h);
        pop(5);
        return;
    }
    const StructInfo& s = *t->struct_info;
    for (size_t i = 0; i < s.members.size(); ++i) {
        const auto& m = s.members[i];
        dup(2);
        if (m.slot) {
            push(m.slot);
            op(Opcode::ADD);
        }
        dup(2);
        if (i) {
            push(32 * i);
            op(Opcode::ADD);
        }
        op(Opcode::MLOAD);
        if (m.type->is_value())
            storage_store(m.type, StorageRef{false, m.offset});
        else
            copy_memory_to_storage(m.type);
    }
    pop(2);
}

void Gen::copy_storage_to_storage(const Type* t) {
    // [dst, src] -> []: value slots word by word; byte arrays, arrays and structs holding arrays
    // through a memory copy.
    if (t->is_byte_array() || holds_array(t)) {
        copy_to_memory(t);
        copy_memory_to_storage(t);
        return;
    }
    std::vector<uint64_t> values, byte_arrays;
    struct_slots(*t->struct_info, 0, values, byte_arrays);
    for (uint64_t j : values) {
        dup(1);
        if (j) {
            push(j);
            op(Opcode::ADD);
        }
        op(Opcode::SLOAD);
        dup(3);
        if (j) {
            push(j);
            op(Opcode::ADD);
        }
        op(Opcode::SSTORE);
    }
    for (uint64_t j : byte_arrays) {
        dup(2);
        if (j) {
            push(j);
            op(Opcode::ADD);
        }
        dup(2);
        if (j) {
            push(j);
            op(Opcode::ADD);
        }
        call_routine(Routine::BytesLoad);
        call_routine(Routine::BytesStore);
    }
    pop(2);
}

void Gen::clear_storage(const Type* t) {
    // [slot] -> []
    if (t->is_byte_array()) {
        push(zero_slot);
        call_routine(Routine::BytesStore);
        return;
    }
    if (t->kind == Type::Kind::Array) {
        if (t->length) {
            if (t->element->is_value()) {  // the whole slots
                for (uint64_t j = 0; j < t->storage_slots(); ++j) {
                    push(uint64_t{0});
                    dup(2);
                    if (j) {
                        push(j);
                        op(Opcode::ADD);
                    }
                    op(Opcode::SSTORE);
                }
                pop();
                return;
            }
            push(uint64_t{0});
            push(*t->length);
            clear_elements(t);
            return;
        }
        dup(1);
        op(Opcode::SLOAD);  // [slot, len]
        push(uint64_t{0});
        dup(3);
        op(Opcode::SSTORE);
        swap(1);
        keccak_slot();  // [len, data]
        push(uint64_t{0});
        dup(3);  // [len, data, 0, len]
        clear_elements(t);
        pop();
        return;
    }
    std::vector<uint64_t> values;
    for (const auto& m : t->struct_info->members) {
        if (m.type->is_value()) {
            if (values.empty() || values.back() != m.slot) values.push_back(m.slot);
            continue;
        }
        dup(1);
        if (m.slot) {
            push(m.slot);
            op(Opcode::ADD);
        }
        clear_storage(m.type);
    }
    for (uint64_t j : values) {
        push(uint64_t{0});
        dup(2);
        if (j) {
            push(j);
            op(Opcode::ADD);
        }
        op(Opcode::SSTORE);
    }
    pop();
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
    const Type* base = e.args[0]->type;
    expr(*e.args[0]);
    expr(*e.args[1]);
    if (base->kind == Type::Kind::Array && base->length) {  // a fixed-size array has no length word
        dup(1);
        push(*base->length);
        op(Opcode::GT);
        op(Opcode::ISZERO);
        jumpi(panic_label(0x32));
        push(32);
        op(Opcode::MUL);
        op(Opcode::ADD);
        return;
    }
    dup(2);
    op(Opcode::MLOAD);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(panic_label(0x32));
    if (base->kind != Type::Kind::Bytes) {  // bytes: one byte per index
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

void Gen::copy_memory() { call_routine(Routine::CopyMemory); }

void Gen::copy_memory_loop() {
    // [dst, src, len] -> []: word by word (MCOPY is Cancun-only), the test at the loop's end; may
    // write up to 31 bytes past dst + len, which callers either overwrite or zero.
    const size_t loop = new_label(), end = new_label();
    push(uint64_t{0});  // [dst, src, len, i]
    const int h = height_;
    dup(2);
    op(Opcode::ISZERO);
    jumpi(end);
    label(loop, h);
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
    dup(2);
    dup(2);
    op(Opcode::LT);
    jumpi(loop);
    label(end, h);
    pop(4);
}

}  // namespace trainchain::compiler::codegen
