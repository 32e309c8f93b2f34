// compiler/src/codegen/low_level.cpp - abi.decode from memory, the low-level calls of addresses
// (call, staticcall, delegatecall, transfer, send) and type(C).creationCode/runtimeCode, each as solc's
// legacy code generator with its ABI decoder v2 behaves: malformed data reverts with empty data, impossible
// allocations panic with 0x41.
#include "codegen/gen.hpp"

namespace trainchain::compiler::codegen {

namespace {
const uint256 max_u64{0xffffffffffffffffULL};
}  // namespace

void Gen::allocate_checked() {
    // [size] -> [ptr]: solc's allocate_memory: the size rounded up to words, Panic(0x41) when the
    // new free pointer passes 2^64 or wraps.
    push(31);
    op(Opcode::ADD);
    push(~uint256{31});
    op(Opcode::AND);
    push(free_pointer);
    op(Opcode::MLOAD);  // [size, ptr]
    swap(1);
    dup(2);
    op(Opcode::ADD);  // [ptr, new]
    dup(1);
    push(max_u64);
    op(Opcode::LT);
    dup(3);
    dup(3);
    op(Opcode::LT);
    op(Opcode::OR);
    jumpi(panic_label(0x41));
    push(free_pointer);
    op(Opcode::MSTORE);
}

void Gen::decode_memory_tuple(const std::vector<const Type*>& types) {
    // solc's abi_decode_tuple_..._fromMemory(headStart, dataEnd).
    uint64_t head = 0;
    for (const Type* t : types) head += abi_head_size(t);
    push(head);
    dup(3);
    dup(3);
    op(Opcode::SUB);
    op(Opcode::SLT);
    jumpi(revert_label());
    uint64_t off = 0;
    const int n = static_cast<int>(types.size());
    for (int i = 0; i < n; ++i) {
        dup(i + 2);
        dup(i + 2);  // [start, end, v.., start, end]
        decode_memory_member(types[static_cast<size_t>(i)], off);
        off += abi_head_size(types[static_cast<size_t>(i)]);
    }
    std::vector<int> keep;
    for (int i = 0; i < n; ++i) keep.push_back(2 + i);
    reshape(n + 2, keep);
}

void Gen::decode_memory_member(const Type* t, uint64_t off) {
    // [base, end] -> [v]: the member whose head is at base + off; a dynamic one's head is its
    // offset from base.
    if (t->abi_dynamic()) {
        dup(2);
        if (off) {
            push(off);
            op(Opcode::ADD);
        }
        op(Opcode::MLOAD);  // [base, end, offset]
        dup(1);
        push(max_u64);
        op(Opcode::LT);
        jumpi(revert_label());
        dup(3);
        op(Opcode::ADD);
        swap(1);  // [base, pos, end]
        decode_memory_at(t);
        swap(1);
        pop();
        return;
    }
    if (off) {
        swap(1);
        push(off);
        op(Opcode::ADD);
        swap(1);
    }
    decode_memory_at(t);
}

void Gen::decode_memory_at(const Type* t) {
    // [pos, end] -> [v]: solc's abi_decode_<t>_fromMemory(offset, end); shared code for reference types.
    if (t->is_value()) {
        pop();
        op(Opcode::MLOAD);
        validate(t);
        return;
    }
    call_type_routine(TypeRoutine::Decode, t);
}

void Gen::decode_memory_content(const Type* t) {
    const size_t bad = revert_label();
    if (t->kind == Type::Kind::Struct) {
        const auto& members = t->struct_info->members;
        push(abi_content_head_size(t));
        dup(3);
        dup(3);
        op(Opcode::SUB);
        op(Opcode::SLT);
        jumpi(bad);
        allocate(32 * members.size());  // [pos, end, ptr]
        uint64_t off = 0;
        for (size_t j = 0; j < members.size(); ++j) {
            dup(3);
            dup(3);
            decode_memory_member(members[j].type, off);
            dup(2);
            if (j) {
                push(32 * j);
                op(Opcode::ADD);
            }
            op(Opcode::MSTORE);
            off += abi_head_size(members[j].type);
        }
        swap(2);
        pop(2);
        return;
    }
    // Arrays, strings and bytes: the encoding must leave room for a word at pos.
    dup(1);
    dup(3);
    push(31);
    op(Opcode::ADD);
    op(Opcode::SLT);
    op(Opcode::ISZERO);
    jumpi(bad);
    if (t->is_byte_array()) {
        dup(2);
        op(Opcode::MLOAD);  // [pos, end, len]
        dup(1);
        push(max_u64);
        op(Opcode::LT);
        jumpi(panic_label(0x41));
        dup(1);
        push(31);
        op(Opcode::ADD);
        push(~uint256{31});
        op(Opcode::AND);
        push(32);
        op(Opcode::ADD);
        allocate_checked();  // [pos, end, len, ptr]
        dup(2);
        dup(2);
        op(Opcode::MSTORE);
        dup(3);
        dup(3);
        dup(6);
        op(Opcode::ADD);
        push(32);
        op(Opcode::ADD);
        op(Opcode::GT);  // pos + 32 + len > end
        jumpi(bad);
        dup(1);
        push(32);
        op(Opcode::ADD);
        dup(5);
        push(32);
        op(Opcode::ADD);
        dup(4);
        copy_memory();
        push(uint64_t{0});
        dup(2);
        dup(4);
        op(Opcode::ADD);
        push(32);
        op(Opcode::ADD);
        op(Opcode::MSTORE);  // zero the word after the data
        swap(3);
        pop(3);
        return;
    }
    const Type* el = t->element;
    const uint64_t stride = abi_head_size(el);
    const bool dynamic = !t->length;
    if (dynamic) {
        dup(2);
        op(Opcode::MLOAD);  // [pos, end, len]
        swap(2);
        push(32);
        op(Opcode::ADD);
        swap(2);  // [src0, end, len]
        dup(1);
        push(max_u64);
        op(Opcode::LT);
        jumpi(panic_label(0x41));
        dup(1);
        push(32);
        op(Opcode::MUL);
        push(32);
        op(Opcode::ADD);
    } else {
        push(*t->length);
        push(32 * *t->length);
    }
    allocate_checked();  // [src0, end, len, ptr]
    if (dynamic) {
        dup(2);
        dup(2);
        op(Opcode::MSTORE);
    }
    dup(2);
    push(stride);
    op(Opcode::MUL);
    dup(5);
    op(Opcode::ADD);  // [src0, end, len, ptr, src_end]
    dup(1);
    dup(5);
    op(Opcode::LT);
    jumpi(bad);
    dup(2);
    if (dynamic) {
        push(32);
        op(Opcode::ADD);
    }
    dup(6);  // [src0, end, len, ptr, src_end, dst, src]
    const size_t loop = new_label(), done = new_label();
    const int h = height_;
    label(loop, h);
    dup(3);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(done);
    dup(1);
    if (el->abi_dynamic()) {
        op(Opcode::MLOAD);
        dup(1);
        push(max_u64);
        op(Opcode::LT);
        jumpi(bad);
        dup(8);
        op(Opcode::ADD);
    }
    dup(7);  // [.., dst, src, pos, end]
    decode_memory_at(el);
    dup(3);
    op(Opcode::MSTORE);
    push(stride);
    op(Opcode::ADD);
    swap(1);
    push(32);
    op(Opcode::ADD);
    swap(1);
    jump(loop);
    label(done, h);
    pop(3);
    swap(3);
    pop(3);
}

void Gen::expr_abi_decode(const Expr& e) {
    std::vector<const Type*> types;
    if (e.type->kind == Type::Kind::Tuple)
        types = e.type->members;
    else
        types.push_back(e.type);
    expr(*e.args[0]);  // [data]
    dup(1);
    push(32);
    op(Opcode::ADD);
    swap(1);
    op(Opcode::MLOAD);
    dup(2);
    op(Opcode::ADD);  // [start, end]
    decode_memory_tuple(types);
}

void Gen::return_data_to_memory() {
    const size_t empty = new_label(), done = new_label();
    op(Opcode::RETURNDATASIZE);
    op(Opcode::ISZERO);
    jumpi(empty);
    const int h = height_;
    op(Opcode::RETURNDATASIZE);
    push(32);
    op(Opcode::ADD);
    allocate_dynamic();  // [ptr]
    op(Opcode::RETURNDATASIZE);
    dup(2);
    op(Opcode::MSTORE);
    op(Opcode::RETURNDATASIZE);
    push(uint64_t{0});
    dup(3);
    push(32);
    op(Opcode::ADD);
    op(Opcode::RETURNDATACOPY);
    jump(done);
    label(empty, h);
    push(zero_slot);
    label(done, h + 1);
}

void Gen::expr_low_level_call(const Expr& e) {
    const int h0 = height_;
    expr(*e.args[0]);  // [addr]
    int value_index = -1, gas_index = -1;
    for (int o : e.option_order) {
        if (o == 0) {
            expr(*e.args_value);
            value_index = height_ - 1;
        } else {
            expr(*e.args_gas);
            gas_index = height_ - 1;
        }
    }
    expr(*e.args[1]);  // [addr, options.., data]
    push(uint64_t{0});
    push(uint64_t{0});
    dup(3);
    op(Opcode::MLOAD);
    dup(4);
    push(32);
    op(Opcode::ADD);
    if (e.text == "call") {
        if (value_index >= 0)
            dup(height_ - value_index);
        else
            push(uint64_t{0});
    }
    dup(height_ - h0);  // addr
    if (gas_index >= 0)
        dup(height_ - gas_index);
    else
        op(Opcode::GAS);
    op(e.text == "call" ? Opcode::CALL : e.text == "staticcall" ? Opcode::STATICCALL : Opcode::DELEGATECALL);
    return_data_to_memory();  // [addr, options.., data, success, ptr]
    const int total = height_ - h0;
    reshape(total, {total - 2, total - 1});
}

void Gen::expr_transfer_send(const Expr& e) {
    expr(*e.args[0]);
    expr(*e.args[1]);  // [addr, value]
    push(uint64_t{0});
    push(uint64_t{0});
    push(uint64_t{0});
    push(uint64_t{0});
    dup(5);
    dup(7);
    // The stipend only when no value is sent: the EVM adds it to calls with value.
    dup(2);
    op(Opcode::ISZERO);
    push(2300);
    op(Opcode::MUL);
    op(Opcode::CALL);  // [addr, value, success]
    if (e.kind == Expr::Kind::Transfer) {
        op(Opcode::ISZERO);
        jumpi(bubble_label());
        pop(2);
    } else {
        swap(2);
        pop(2);
    }
}

void Gen::expr_creation_code(const Expr& e) {
    const size_t blob = data_blob(e.contract, e.text == "runtimeCode");
    push_special(AsmItem::Kind::PushDataSize, blob);
    dup(1);
    push(32);
    op(Opcode::ADD);
    allocate_dynamic();  // [size, ptr]
    dup(2);
    dup(2);
    op(Opcode::MSTORE);
    dup(2);
    push_special(AsmItem::Kind::PushData, blob);
    dup(3);
    push(32);
    op(Opcode::ADD);
    op(Opcode::CODECOPY);
    swap(1);
    pop();
}

}  // namespace trainchain::compiler::codegen

namespace trainchain::compiler::codegen {

void Gen::try_decode_error_message() {
    // solc's try_decode_error_message: 0 unless the return data after the selector holds a well-formed
    // string, which is then copied to fresh memory.
    const int h = height_;
    const size_t done = new_label(), fail_offset = new_label(), fail_length = new_label();
    push(uint64_t{0});
    push(0x44);
    op(Opcode::RETURNDATASIZE);
    op(Opcode::LT);
    jumpi(done);
    push(free_pointer);
    op(Opcode::MLOAD);  // [0, data]
    push(4);
    op(Opcode::RETURNDATASIZE);
    op(Opcode::SUB);
    push(4);
    dup(3);
    op(Opcode::RETURNDATACOPY);
    dup(1);
    op(Opcode::MLOAD);  // [0, data, offset]
    op(Opcode::RETURNDATASIZE);
    dup(2);
    push(0x24);
    op(Opcode::ADD);
    op(Opcode::GT);
    dup(2);
    push(max_u64);
    op(Opcode::LT);
    op(Opcode::OR);
    jumpi(fail_offset);
    dup(2);
    op(Opcode::ADD);  // [0, data, msg]
    dup(1);
    op(Opcode::MLOAD);  // [0, data, msg, len]
    dup(1);
    push(max_u64);
    op(Opcode::LT);
    jumpi(fail_length);
    push(4);
    op(Opcode::RETURNDATASIZE);
    op(Opcode::SUB);
    dup(4);
    op(Opcode::ADD);  // the end of the copied data
    dup(2);
    dup(4);
    op(Opcode::ADD);
    push(32);
    op(Opcode::ADD);  // the end of the message
    op(Opcode::GT);
    jumpi(fail_length);
    dup(3);
    dup(3);
    op(Opcode::SUB);  // offset
    dup(2);
    op(Opcode::ADD);
    push(32);
    op(Opcode::ADD);
    push(31);
    op(Opcode::ADD);
    push(~uint256{31});
    op(Opcode::AND);
    dup(4);
    op(Opcode::ADD);  // [0, data, msg, len, new_free]
    dup(1);
    push(max_u64);
    op(Opcode::LT);
    dup(5);
    dup(3);
    op(Opcode::LT);
    op(Opcode::OR);
    jumpi(panic_label(0x41));
    push(free_pointer);
    op(Opcode::MSTORE);
    pop();
    swap(2);
    pop(2);  // [msg]
    jump(done);
    label(fail_length, h + 4);
    pop();
    label(fail_offset, h + 3);
    pop(2);
    label(done, h + 1);
}

void Gen::stmt_try(const Stmt& s) {
    const int h = height_;
    const size_t failure = new_label(), end = new_label();
    try_failure_ = failure;
    expr(*s.expr);
    try_failure_.reset();
    const int fail_height = try_failure_height_;
    // Success: the call's values, bound to the returns clause's variables.
    const int m = width(s.expr->type);
    if (s.returns_named) {
        for (int i = 0; i < m; ++i) positions_[s.vars[static_cast<size_t>(i)]] = height_ - m + i;
    } else {
        pop(m);
    }
    stmt(*s.body[0]);
    pop_to(h);
    jump(end);

    const Stmt* error = nullptr;
    const Stmt* panic = nullptr;
    const Stmt* low_level = nullptr;
    for (size_t i = 1; i < s.body.size(); ++i) {
        const Stmt& c = *s.body[i];
        if (c.clause == "Error")
            error = &c;
        else if (c.clause == "Panic")
            panic = &c;
        else
            low_level = &c;
    }
    auto run_clause = [&](const Stmt& c, int bound) {
        for (int i = 0; i < bound; ++i) positions_[c.vars[static_cast<size_t>(i)]] = height_ - bound + i;
        stmt(*c.body[0]);
        pop_to(h);
        jump(end);
    };
    label(failure, fail_height);
    pop_to(h);
    const size_t fallback = new_label();
    if (error || panic) {
        // The selector of the return data (0 when shorter than 4 bytes).
        const size_t selector_done = new_label();
        push(uint64_t{0});
        push(3);
        op(Opcode::RETURNDATASIZE);
        op(Opcode::GT);
        op(Opcode::ISZERO);
        jumpi(selector_done);
        pop();
        push(4);
        push(uint64_t{0});
        push(uint64_t{0});
        op(Opcode::RETURNDATACOPY);
        push(uint64_t{0});
        op(Opcode::MLOAD);
        push(224);
        op(Opcode::SHR);
        label(selector_done, h + 1);
        if (error) {
            const size_t not_error = new_label(), decoded = new_label();
            dup(1);
            push(0x08c379a0);
            op(Opcode::EQ);
            op(Opcode::ISZERO);
            jumpi(not_error);
            pop();
            try_decode_error_message();  // [msg or 0]
            dup(1);
            jumpi(decoded);
            pop();
            jump(fallback);
            label(decoded, h + 1);
            run_clause(*error, 1);
            label(not_error, h + 1);
        }
        if (panic) {
            const size_t not_panic = new_label();
            dup(1);
            push(0x4e487b71);
            op(Opcode::EQ);
            op(Opcode::ISZERO);
            jumpi(not_panic);
            pop();
            push(0x23);
            op(Opcode::RETURNDATASIZE);
            op(Opcode::GT);
            op(Opcode::ISZERO);
            jumpi(fallback);
            push(32);
            push(4);
            push(uint64_t{0});
            op(Opcode::RETURNDATACOPY);
            push(uint64_t{0});
            op(Opcode::MLOAD);  // [code]
            run_clause(*panic, 1);
            label(not_panic, h + 1);
        }
        pop();
    }
    label(fallback, h);
    if (low_level) {
        if (low_level->clause == "bytes") {
            return_data_to_memory();
            run_clause(*low_level, 1);
        } else {
            run_clause(*low_level, 0);
        }
    } else {
        jump(bubble_label());
    }
    label(end, h);
}

}  // namespace trainchain::compiler::codegen
