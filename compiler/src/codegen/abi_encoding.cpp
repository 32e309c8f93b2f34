// compiler/src/codegen/abi_encoding.cpp - ABI encoding and decoding: abi.encode(Packed), calldata decoding,
// external calls and contract creation (which encode their arguments), revert data.
#include "codegen/gen.hpp"

#include <utility>

namespace trainchain::compiler::codegen {

/// [v1..vn, base] -> [v1..vn, base, end]: abi.encodePacked, each value in as few bytes as its
/// type takes.
void Gen::abi_encode_packed(const std::vector<const Type*>& types) {
    const int n = static_cast<int>(types.size());
    dup(1);  // [v.., base, pos]
    for (int i = 0; i < n; ++i) {
        const Type* t = types[static_cast<size_t>(i)];
        const int depth = n - i + 2;  // v_i below pos, base and the later values
        if (t->is_byte_array()) {
            dup(depth);  // [.., base, pos, p]
            dup(1);
            op(Opcode::MLOAD);  // [.., pos, p, len]
            dup(3);
            dup(3);
            push(32);
            op(Opcode::ADD);
            dup(3);  // [.., pos, p, len, pos, p+32, len]
            copy_memory();
            swap(1);
            pop();
            op(Opcode::ADD);  // pos += len
            continue;
        }
        const unsigned size = t->storage_bytes();
        dup(depth);
        if (t->kind != Type::Kind::FixedBytes && size < 32) {
            push(256 - size * 8);
            op(Opcode::SHL);
        }
        dup(2);
        op(Opcode::MSTORE);
        push(size);
        op(Opcode::ADD);
    }
}

uint64_t Gen::abi_head_size(const Type* t) {
    if (t->abi_dynamic()) return 32;
    return abi_content_head_size(t);
}

uint64_t Gen::abi_content_head_size(const Type* t) {
    if (t->kind == Type::Kind::Struct) {
        uint64_t n = 0;
        for (const auto& m : t->struct_info->members) n += abi_head_size(m.type);
        return n;
    }
    if (t->kind == Type::Kind::Array && t->length) return *t->length * abi_head_size(t->element);
    return 32;
}

void Gen::abi_encode_at(const Type* t) {
    // [v, pos] -> [end]: the encoding of the memory value v (a value type, or a pointer) written at
    // pos: in place for static types, the content (what the offset points at) for dynamic ones.
    if (t->is_value()) {
        swap(1);
        dup(2);
        op(Opcode::MSTORE);
        push(32);
        op(Opcode::ADD);
        return;
    }
    call_type_routine(TypeRoutine::Encode, t);
}

void Gen::call_type_routine(TypeRoutine kind, const Type* t) {
    auto [it, fresh] = type_routines_.emplace(std::make_pair(kind, t), 0);
    if (fresh) {
        it->second = new_label();
        pending_type_routines_.emplace_back(kind, t);
    }
    const int h = height_;
    const size_t ret = new_label();
    push_label(ret);
    bury(2);  // [ret, a, b]
    jump(it->second);
    label(ret, h - 1);
}

void Gen::emit_type_routine(TypeRoutine kind, const Type* t) {
    loc_ = {0, 0};
    label(type_routines_.at({kind, t}), 3);  // [ret, a, b]
    if (kind == TypeRoutine::Encode)
        abi_encode_content(t);
    else
        decode_memory_content(t);
    swap(1);  // [r, ret]
    op(Opcode::JUMP);
}

void Gen::abi_encode_content(const Type* t) {
    if (t->is_byte_array()) {
        dup(2);
        op(Opcode::MLOAD);  // [p, pos, len]
        dup(1);
        dup(3);
        op(Opcode::MSTORE);
        dup(2);
        push(32);
        op(Opcode::ADD);
        dup(4);
        push(32);
        op(Opcode::ADD);
        dup(3);  // [p, pos, len, pos+32, p+32, len]
        copy_memory();
        push(uint64_t{0});
        dup(2);
        dup(4);
        op(Opcode::ADD);
        push(32);
        op(Opcode::ADD);
        op(Opcode::MSTORE);  // zero the padding
        push(31);
        op(Opcode::ADD);
        push(~uint256{31});
        op(Opcode::AND);
        op(Opcode::ADD);
        push(32);
        op(Opcode::ADD);  // [p, end]
        swap(1);
        pop();
        return;
    }
    if (t->kind == Type::Kind::Array && !t->length && t->element->is_value()) {
        // The length word and the elements as they are in memory.
        dup(2);
        op(Opcode::MLOAD);
        push(32);
        op(Opcode::MUL);
        push(32);
        op(Opcode::ADD);  // [p, pos, bytes]
        dup(2);
        dup(4);
        dup(3);
        copy_memory();
        op(Opcode::ADD);
        swap(1);
        pop();
        return;
    }
    if (t->kind == Type::Kind::Array) {
        const Type* el = t->element;
        const uint64_t hs = abi_head_size(el);
        if (!t->length) {
            dup(2);
            op(Opcode::MLOAD);  // [p, pos, len]
            dup(1);
            dup(3);
            op(Opcode::MSTORE);
            swap(1);
            push(32);
            op(Opcode::ADD);  // [p, len, base]
            swap(2);
            push(32);
            op(Opcode::ADD);
            swap(2);  // [src, len, base]
        } else {
            push(*t->length);
            swap(1);  // [src, len, base]
        }
        dup(2);
        push(hs);
        op(Opcode::MUL);
        dup(2);
        op(Opcode::ADD);    // [src, len, base, tail]
        push(uint64_t{0});  // [src, len, base, tail, i]
        const size_t loop = new_label(), end = new_label();
        const int h = height_;
        label(loop, h);
        dup(4);
        dup(2);
        op(Opcode::LT);
        op(Opcode::ISZERO);
        jumpi(end);
        dup(5);
        dup(2);
        push(32);
        op(Opcode::MUL);
        op(Opcode::ADD);
        op(Opcode::MLOAD);  // [.., i, ev]
        if (el->abi_dynamic()) {
            dup(4);
            dup(4);
            op(Opcode::SUB);  // tail - base
            dup(5);
            dup(4);
            push(32);
            op(Opcode::MUL);
            op(Opcode::ADD);
            op(Opcode::MSTORE);
            dup(3);
            abi_encode_at(el);  // [src, len, base, tail, i, tail']
            swap(2);
            pop();
        } else {
            dup(2);
            push(hs);
            op(Opcode::MUL);
            dup(5);
            op(Opcode::ADD);
            abi_encode_at(el);
            pop();
        }
        push(1);
        op(Opcode::ADD);
        jump(loop);
        label(end, h);
        pop();
        swap(3);
        pop(3);
        return;
    }
    // A struct: a tuple of its members.
    const auto& members = t->struct_info->members;
    dup(1);
    push(abi_content_head_size(t));
    op(Opcode::ADD);  // [p, pos, tail]
    uint64_t off = 0;
    for (size_t j = 0; j < members.size(); ++j) {
        const Type* mt = members[j].type;
        dup(3);
        if (j) {
            push(32 * j);
            op(Opcode::ADD);
        }
        op(Opcode::MLOAD);  // [p, pos, tail, mv]
        if (mt->abi_dynamic()) {
            dup(3);
            dup(3);
            op(Opcode::SUB);
            dup(4);
            if (off) {
                push(off);
                op(Opcode::ADD);
            }
            op(Opcode::MSTORE);
            dup(2);
            abi_encode_at(mt);  // [p, pos, tail, tail']
            swap(1);
            pop();
        } else {
            dup(3);
            if (off) {
                push(off);
                op(Opcode::ADD);
            }
            abi_encode_at(mt);
            pop();
        }
        off += abi_head_size(mt);
    }
    swap(2);
    pop(2);
}

/// [v1..vn, base] -> [v1..vn, base, end]: the standard encoding, a head (static values in place,
/// offsets of dynamic ones) then the tails of dynamic values.
void Gen::abi_encode_standard(const std::vector<const Type*>& types) {
    const int n = static_cast<int>(types.size());
    uint64_t head = 0;
    for (const Type* t : types) head += abi_head_size(t);
    dup(1);
    push(head);
    op(Opcode::ADD);  // [v.., base, tail]
    uint64_t offset = 0;
    for (int i = 0; i < n; ++i) {
        const Type* t = types[static_cast<size_t>(i)];
        const int depth = n - i + 2;
        if (t->abi_dynamic()) {
            dup(2);
            dup(2);
            op(Opcode::SUB);  // tail - base
            dup(3);
            if (offset) {
                push(offset);
                op(Opcode::ADD);
            }
            op(Opcode::MSTORE);
            dup(depth);  // [.., base, tail, v]
            swap(1);
            abi_encode_at(t);  // [.., base, tail']
        } else {
            dup(depth);
            dup(3);
            if (offset) {
                push(offset);
                op(Opcode::ADD);
            }
            abi_encode_at(t);
            pop();
        }
        offset += abi_head_size(t);
    }
}

void Gen::abi_encode(const std::vector<const Type*>& types, bool packed) {
    // [v1..vn, base] -> [base, end]. Values are one word each: value types, or memory pointers of
    // bytes/string.
    const int n = static_cast<int>(types.size());
    if (packed)
        abi_encode_packed(types);
    else
        abi_encode_standard(types);
    // [v.., base, end] -> [base, end]
    for (int i = 0; i < n; ++i) {
        swap(2);
        pop();
        swap(1);
    }
}

void Gen::encode_with_selector(uint32_t selector, const std::vector<const Type*>& types) {
    // [v..] -> [start, end]
    push(free_pointer);
    op(Opcode::MLOAD);
    push(uint256{selector} << uint256{224});
    dup(2);
    op(Opcode::MSTORE);
    push(4);
    op(Opcode::ADD);
    abi_encode(types, false);  // [start+4, end]
    swap(1);
    push(4);
    swap(1);
    op(Opcode::SUB);
    swap(1);
}

void Gen::to_offset_size() {
    swap(1);
    dup(1);
    swap(2);
    op(Opcode::SUB);
    swap(1);
}

void Gen::revert_with_message(const Expr& message) {
    expr(message);
    encode_with_selector(0x08c379a0, {message.type});
    to_offset_size();
    op(Opcode::REVERT);
}

void Gen::external_call(const Expr& e) {
    // As solc's legacy code generator: the address, the value option, the arguments; the selector
    // and the ABI-encoded arguments at the free memory pointer; the return data copied there (when
    // its size is not static) and decoded from memory, the free pointer moved past it.
    const FunctionInfo& f = *e.function;
    const auto try_failure = std::exchange(try_failure_, std::nullopt);
    const int h0 = height_;
    expr(*e.args[0]);  // [addr]
    const bool has_value = e.args_value != nullptr;
    int value_index = -1;
    if (has_value) {
        expr(*e.args_value);
        value_index = height_ - 1;
    }
    for (size_t i = 1; i < e.args.size(); ++i) expr(*e.args[i]);  // [addr, value?, a..]
    std::vector<const Type*> params, returns;
    for (const auto* p : f.params) params.push_back(p->type);
    for (const auto* r : f.returns) returns.push_back(r->type);
    encode_with_selector(f.selector, params);  // [addr, value?, start, end]
    if (returns.empty()) {
        // The target must hold code (with return data expected, the decoder reverts on none).
        dup(height_ - h0);
        op(Opcode::EXTCODESIZE);
        op(Opcode::ISZERO);
        jumpi(revert_label());
    }
    bool dynamic_returns = false;
    uint64_t return_size = 0;
    for (const Type* t : returns) {
        dynamic_returns = dynamic_returns || t->abi_dynamic();
        return_size += abi_head_size(t);
    }
    const bool is_static = f.mutability == Mutability::View || f.mutability == Mutability::Pure;
    push(dynamic_returns ? 0 : return_size);
    dup(3);  // out: the input's place
    dup(4);
    dup(4);
    op(Opcode::SUB);  // in: end - start
    dup(5);           // in: start
    if (!is_static) {
        if (has_value)
            dup(height_ - value_index);
        else
            push(uint64_t{0});
    }
    dup(height_ - h0);  // addr
    op(Opcode::GAS);
    op(is_static ? Opcode::STATICCALL : Opcode::CALL);
    op(Opcode::ISZERO);
    if (try_failure) try_failure_height_ = height_ - 1;
    jumpi(try_failure ? *try_failure : bubble_label());
    if (!returns.empty()) {
        push(free_pointer);
        op(Opcode::MLOAD);  // [.., start, end, rstart]
        if (dynamic_returns) {
            op(Opcode::RETURNDATASIZE);
            push(uint64_t{0});
            dup(3);
            op(Opcode::RETURNDATACOPY);
        }
        op(Opcode::RETURNDATASIZE);
        dup(1);
        push(31);
        op(Opcode::ADD);
        push(~uint256{31});
        op(Opcode::AND);
        dup(3);
        op(Opcode::ADD);
        push(free_pointer);
        op(Opcode::MSTORE);
        dup(2);
        op(Opcode::ADD);               // [.., rstart, rend]
        decode_memory_tuple(returns);  // [.., v..]
    }
    const int total = height_ - h0;
    const int m = static_cast<int>(returns.size());
    std::vector<int> keep;
    for (int j = 0; j < m; ++j) keep.push_back(total - m + j);
    reshape(total, keep);
}

void Gen::create(const Expr& e) {
    // As solc's legacy code generator: the value option, the arguments; the init code at the free
    // memory pointer followed by the ABI-encoded arguments.
    const auto try_failure = std::exchange(try_failure_, std::nullopt);
    const int h0 = height_;
    const bool has_value = e.args_value != nullptr;
    if (has_value) expr(*e.args_value);
    for (const auto& a : e.args) expr(*a);  // [value?, a..]
    std::vector<const Type*> params;
    for (const auto& a : e.args) params.push_back(a->type);
    if (e.contract->constructor) {
        params.clear();
        for (const auto* p : e.contract->constructor->params) params.push_back(p->type);
    }
    const size_t blob = data_blob(e.contract);
    push(free_pointer);
    op(Opcode::MLOAD);  // [value?, a.., base]
    push_special(AsmItem::Kind::PushDataSize, blob);
    push_special(AsmItem::Kind::PushData, blob);
    dup(3);
    op(Opcode::CODECOPY);
    push_special(AsmItem::Kind::PushDataSize, blob);
    op(Opcode::ADD);            // [value?, a.., pos]
    abi_encode(params, false);  // [value?, pos, end]
    swap(1);
    push_special(AsmItem::Kind::PushDataSize, blob);
    swap(1);
    op(Opcode::SUB);  // [value?, end, base]
    swap(1);
    to_offset_size();  // [value?, size, base]
    if (has_value)
        dup(3);
    else
        push(uint64_t{0});
    op(Opcode::CREATE);  // [value?, addr]
    dup(1);
    op(Opcode::ISZERO);
    if (try_failure) try_failure_height_ = height_ - 1;
    jumpi(try_failure ? *try_failure : bubble_label());
    const int total = height_ - h0;
    reshape(total, {total - 1});
}

void Gen::decode_calldata(const Type* t, uint64_t head_offset) {
    // [] -> [v]: a parameter of the call, its head at `head_offset` in the calldata.
    push(4);
    push(head_offset);
    decode_value(t);
}

void Gen::decode_value(const Type* t) {
    // [base, head] -> [v]: the value whose head word is at `head` in a tuple starting at `base`
    // (offsets count from there), read from the calldata into memory and validated.
    if (t->is_value()) {
        swap(1);
        pop();
        op(Opcode::CALLDATALOAD);
        validate(t);
        return;
    }
    if (!t->abi_dynamic()) {
        swap(1);
        pop();
        decode_content(t);
        return;
    }
    op(Opcode::CALLDATALOAD);
    dup(1);
    push(0xffffffffffffffffULL);
    op(Opcode::LT);
    jumpi(revert_label());
    op(Opcode::ADD);
    decode_content(t);
}

void Gen::decode_content(const Type* t) {
    // [pos] -> [ptr]: the content of a reference value at `pos` in the calldata, copied into memory.
    const size_t bad = revert_label();
    if (t->kind == Type::Kind::Struct || (t->kind == Type::Kind::Array && t->length)) {
        // The static part must be in the calldata.
        dup(1);
        push(abi_content_head_size(t));
        op(Opcode::ADD);
        op(Opcode::CALLDATASIZE);
        op(Opcode::LT);
        jumpi(bad);
    }
    if (t->kind == Type::Kind::Struct) {
        const auto& members = t->struct_info->members;
        allocate(32 * members.size());  // [pos, ptr]
        uint64_t off = 0;
        for (size_t j = 0; j < members.size(); ++j) {
            dup(2);
            dup(1);
            if (off) {
                push(off);
                op(Opcode::ADD);
            }
            decode_value(members[j].type);
            dup(2);
            if (j) {
                push(32 * j);
                op(Opcode::ADD);
            }
            op(Opcode::MSTORE);
            off += abi_head_size(members[j].type);
        }
        swap(1);
        pop();
        return;
    }
    if (t->kind == Type::Kind::Array && (t->length || !t->element->is_value())) {
        const Type* el = t->element;
        const uint64_t hs = abi_head_size(el);
        const bool dynamic = !t->length;
        if (dynamic) {
            dup(1);
            push(32);
            op(Opcode::ADD);
            op(Opcode::CALLDATASIZE);
            op(Opcode::LT);
            jumpi(bad);
            dup(1);
            op(Opcode::CALLDATALOAD);  // [pos, len]
            dup(1);
            push(0xffffffffULL);
            op(Opcode::LT);
            jumpi(bad);
            swap(1);
            push(32);
            op(Opcode::ADD);
            swap(1);  // [base, len]
            dup(1);
            push(hs);
            op(Opcode::MUL);
            dup(3);
            op(Opcode::ADD);
            op(Opcode::CALLDATASIZE);
            op(Opcode::LT);
            jumpi(bad);
        } else {
            push(*t->length);  // [base, len]
        }
        dup(1);
        push(32);
        op(Opcode::MUL);
        if (dynamic) {
            push(32);
            op(Opcode::ADD);
        }
        allocate_dynamic();  // [base, len, ptr]
        if (dynamic) {
            dup(2);
            dup(2);
            op(Opcode::MSTORE);
        }
        push(uint64_t{0});  // [base, len, ptr, i]
        const size_t loop = new_label(), end = new_label();
        const int h = height_;
        label(loop, h);
        dup(3);
        dup(2);
        op(Opcode::LT);
        op(Opcode::ISZERO);
        jumpi(end);
        dup(4);
        dup(2);
        push(hs);
        op(Opcode::MUL);
        dup(2);
        op(Opcode::ADD);
        decode_value(el);  // [.., i, v]
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
    // string, bytes, or a dynamic array of value types: the length word, then the data copied whole
    // (the elements of a value array validated one by one).
    dup(1);
    push(32);
    op(Opcode::ADD);
    op(Opcode::CALLDATASIZE);
    op(Opcode::LT);
    jumpi(bad);
    dup(1);
    op(Opcode::CALLDATALOAD);  // [pos, len]
    dup(1);
    push(0xffffffffULL);
    op(Opcode::LT);
    jumpi(bad);
    const bool is_array = t->kind == Type::Kind::Array;
    dup(1);
    if (is_array) {
        push(32);
        op(Opcode::MUL);
    }
    dup(3);
    op(Opcode::ADD);
    push(32);
    op(Opcode::ADD);
    op(Opcode::CALLDATASIZE);
    op(Opcode::LT);
    jumpi(bad);
    dup(1);
    if (is_array) {
        push(32);
        op(Opcode::MUL);
    }
    push(32);
    op(Opcode::ADD);
    allocate_dynamic();  // [pos, len, ptr]
    dup(2);
    dup(2);
    op(Opcode::MSTORE);
    dup(2);
    if (is_array) {
        push(32);
        op(Opcode::MUL);
    }
    dup(4);
    push(32);
    op(Opcode::ADD);
    dup(3);
    push(32);
    op(Opcode::ADD);
    op(Opcode::CALLDATACOPY);
    swap(2);
    pop(2);
    if (is_array && t->element->storage_bytes() < 32) {
        // Elements narrower than a word must be clean, as the head values are.
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
        dup(2);
        op(Opcode::MLOAD);
        validate(t->element);
        pop();
        swap(1);
        push(32);
        op(Opcode::ADD);
        swap(1);
        jump(loop);
        label(end, h);
        pop(2);
    }
}

}  // namespace trainchain::compiler::codegen
