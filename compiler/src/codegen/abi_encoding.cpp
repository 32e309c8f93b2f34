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

/// [v1..vn, base] -> [v1..vn, base, end]: the standard encoding, a head of words then the tails of
/// dynamic values.
void Gen::abi_encode_standard(const std::vector<const Type*>& types) {
    const int n = static_cast<int>(types.size());
    size_t head = 0;
    for (const Type* t : types)
        head += t->kind == Type::Kind::Struct ? 32 * t->struct_info->members.size() : 32;
    dup(1);
    push(head);
    op(Opcode::ADD);  // [v.., base, tail]
    size_t offset = 0;
    for (int i = 0; i < n; ++i) {
        const Type* t = types[static_cast<size_t>(i)];
        const int depth = n - i + 2;
        if (t->is_byte_array()) {
            dup(2);
            dup(2);
            op(Opcode::SUB);  // tail - base
            dup(3);
            if (offset) {
                push(offset);
                op(Opcode::ADD);
            }
            op(Opcode::MSTORE);
            dup(depth);  // [.., base, tail, p]
            dup(1);
            op(Opcode::MLOAD);  // [.., base, tail, p, len]
            dup(1);
            dup(4);
            op(Opcode::MSTORE);  // length at tail
            dup(3);
            push(32);
            op(Opcode::ADD);
            dup(3);
            push(32);
            op(Opcode::ADD);
            dup(3);  // [.., tail, p, len, tail+32, p+32, len]
            copy_memory();
            push(uint64_t{0});
            dup(2);
            dup(5);
            op(Opcode::ADD);
            push(32);
            op(Opcode::ADD);
            op(Opcode::MSTORE);  // zero the padding
            push(31);
            op(Opcode::ADD);
            push(~uint256{31});
            op(Opcode::AND);  // [.., base, tail, p, rlen]
            swap(1);
            pop();
            op(Opcode::ADD);
            push(32);
            op(Opcode::ADD);  // [.., base, tail']
            offset += 32;
            continue;
        }
        if (t->kind == Type::Kind::Array) {
            // A memory array of value types: offset, then length and elements.
            dup(2);
            dup(2);
            op(Opcode::SUB);
            dup(3);
            if (offset) {
                push(offset);
                op(Opcode::ADD);
            }
            op(Opcode::MSTORE);
            dup(depth);  // [.., base, tail, p]
            dup(1);
            op(Opcode::MLOAD);
            push(32);
            op(Opcode::MUL);
            push(32);
            op(Opcode::ADD);  // [.., tail, p, bytes]
            dup(3);
            dup(3);
            dup(3);
            copy_memory();  // length word and elements
            swap(1);
            pop();
            op(Opcode::ADD);
            offset += 32;
            continue;
        }
        dup(depth);
        dup(3);
        if (offset) {
            push(offset);
            op(Opcode::ADD);
        }
        op(Opcode::MSTORE);
        offset += 32;
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
    const FunctionInfo& f = *e.function;
    const auto try_failure = std::exchange(try_failure_, std::nullopt);
    const int h0 = height_;
    const int n = static_cast<int>(f.params.size());
    const int m = static_cast<int>(f.returns.size());
    for (const auto& a : e.args) expr(*a);  // [addr, a1..an]
    const bool has_value = e.args_value != nullptr;
    if (has_value) expr(*e.args_value);  // [addr, a.., value]
    const int base_items = 1 + n + (has_value ? 1 : 0);
    push(free_pointer);
    op(Opcode::MLOAD);  // [.., base]
    push(uint256{f.selector} << uint256{224});
    dup(2);
    op(Opcode::MSTORE);
    for (int i = 0; i < n; ++i) {
        dup(base_items - i - (has_value ? 1 : 0));  // a_{i+1}
        dup(2);
        push(4 + 32 * static_cast<uint64_t>(i));
        op(Opcode::ADD);
        op(Opcode::MSTORE);
    }
    // The target must hold code.
    dup(base_items + 1);
    op(Opcode::EXTCODESIZE);
    op(Opcode::ISZERO);
    jumpi(revert_label());
    const bool is_static = f.mutability == Mutability::View || f.mutability == Mutability::Pure;
    push(32 * static_cast<uint64_t>(m));
    dup(2);
    push(4 + 32 * static_cast<uint64_t>(n));
    dup(4);
    if (!is_static) {
        if (has_value)
            dup(6);
        else
            push(uint64_t{0});
    }
    dup(height_ - h0);  // addr
    op(Opcode::GAS);
    op(is_static ? Opcode::STATICCALL : Opcode::CALL);
    op(Opcode::ISZERO);
    if (try_failure) try_failure_height_ = height_ - 1;
    jumpi(try_failure ? *try_failure : bubble_label());
    if (m > 0) {
        push(32 * static_cast<uint64_t>(m));
        op(Opcode::RETURNDATASIZE);
        op(Opcode::LT);
        jumpi(revert_label());
    }
    for (int j = 0; j < m; ++j) {
        dup(1 + j);
        if (j) {
            push(32 * static_cast<uint64_t>(j));
            op(Opcode::ADD);
        }
        op(Opcode::MLOAD);
        validate(f.returns[static_cast<size_t>(j)]->type);
    }
    std::vector<int> keep;
    const int total = base_items + 1 + m;
    for (int j = 0; j < m; ++j) keep.push_back(base_items + 1 + j);
    reshape(total, keep);
}

void Gen::create(const Expr& e) {
    const auto try_failure = std::exchange(try_failure_, std::nullopt);
    const int n = static_cast<int>(e.args.size());
    for (const auto& a : e.args) expr(*a);
    const bool has_value = e.args_value != nullptr;
    if (has_value) expr(*e.args_value);
    const size_t blob = data_blob(e.contract);
    push(free_pointer);
    op(Opcode::MLOAD);  // [a.., value?, base]
    push_special(AsmItem::Kind::PushDataSize, blob);
    push_special(AsmItem::Kind::PushData, blob);
    dup(3);
    op(Opcode::CODECOPY);
    for (int i = 0; i < n; ++i) {
        dup(n - i + (has_value ? 1 : 0) + 1);
        dup(2);
        push_special(AsmItem::Kind::PushDataSize, blob);
        op(Opcode::ADD);
        push(32 * static_cast<uint64_t>(i));
        op(Opcode::ADD);
        op(Opcode::MSTORE);
    }
    push(32 * static_cast<uint64_t>(n));
    push_special(AsmItem::Kind::PushDataSize, blob);
    op(Opcode::ADD);
    dup(2);
    if (has_value)
        dup(4);
    else
        push(uint64_t{0});
    op(Opcode::CREATE);  // [a.., value?, base, addr]
    dup(1);
    op(Opcode::ISZERO);
    if (try_failure) try_failure_height_ = height_ - 1;
    jumpi(try_failure ? *try_failure : bubble_label());
    const int total = n + (has_value ? 1 : 0) + 2;
    reshape(total, {total - 1});
}

void Gen::decode_calldata(const Type* t, uint64_t head_offset) {
    push(head_offset);
    op(Opcode::CALLDATALOAD);
    if (t->is_value()) {
        validate(t);
        return;
    }
    // A dynamic value: its offset, then the length word and the data in the tail.
    const size_t bad = revert_label();
    dup(1);
    push(0xffffffffffffffffULL);
    op(Opcode::LT);
    jumpi(bad);
    push(4);
    op(Opcode::ADD);  // [pos]
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
}

}  // namespace trainchain::compiler::codegen
