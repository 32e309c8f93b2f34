// compiler/src/codegen/low_level.cpp - abi.decode from memory, the low-level calls of addresses
// (call, staticcall, delegatecall, transfer, send) and type(C).creationCode/runtimeCode, each as solc's
// legacy code generator with its ABI decoder v2 behaves: malformed data reverts with empty data, impossible
// allocations panic with 0x41.
#include "codegen/gen.hpp"

namespace trainchain::compiler::codegen {

namespace {
const uint256 max_u64{0xffffffffffffffffULL};
}  // namespace

/// [pos] -> [value]: the value of type `t` whose head word is at memory `pos` of an encoding that
/// starts at the stack item `start_index` and ends at `end_index` (indices from the stack's bottom).
void Gen::decode_memory_value(const Type* t, int start_index, int end_index) {
    auto dup_at = [&](int index) { dup(height_ - index); };
    op(Opcode::MLOAD);
    if (t->is_value()) {
        validate(t);
        return;
    }
    // A dynamic value: the offset from the start, then the length word and the data.
    dup(1);
    push(max_u64);
    op(Opcode::LT);
    jumpi(revert_label());
    dup_at(start_index);
    op(Opcode::ADD);  // [p]
    dup_at(end_index);
    dup(2);
    push(31);
    op(Opcode::ADD);
    op(Opcode::SLT);
    op(Opcode::ISZERO);
    jumpi(revert_label());
    dup(1);
    op(Opcode::MLOAD);  // [p, len]
    dup(1);
    push(max_u64);
    op(Opcode::LT);
    jumpi(panic_label(0x41));
    const bool is_array = t->kind == Type::Kind::Array;
    dup(1);
    if (is_array) {
        push(32);
        op(Opcode::MUL);
    } else {
        push(31);
        op(Opcode::ADD);
        push(~uint256{31});
        op(Opcode::AND);
    }
    push(32);
    op(Opcode::ADD);  // [p, len, size]
    push(free_pointer);
    op(Opcode::MLOAD);
    swap(1);
    dup(2);
    op(Opcode::ADD);  // [p, len, mp, new_free]
    dup(1);
    push(max_u64);
    op(Opcode::LT);
    dup(3);
    dup(3);
    op(Opcode::LT);
    op(Opcode::OR);
    jumpi(panic_label(0x41));
    push(free_pointer);
    op(Opcode::MSTORE);  // [p, len, mp]
    dup(2);
    dup(2);
    op(Opcode::MSTORE);  // the length
    if (!is_array) {
        dup_at(end_index);
        dup(3);
        dup(5);
        op(Opcode::ADD);
        push(32);
        op(Opcode::ADD);
        op(Opcode::GT);
        jumpi(revert_label());
        dup(1);
        push(32);
        op(Opcode::ADD);
        dup(4);
        push(32);
        op(Opcode::ADD);
        dup(4);
        copy_memory();  // [p, len, mp]
        push(uint64_t{0});
        dup(3);
        dup(3);
        push(32);
        op(Opcode::ADD);
        op(Opcode::ADD);
        op(Opcode::MSTORE);  // zero the word after the data
    } else {
        dup(3);
        push(32);
        op(Opcode::ADD);  // [p, len, mp, src]
        dup(1);
        dup(4);
        push(32);
        op(Opcode::MUL);
        op(Opcode::ADD);  // [p, len, mp, src, src_end]
        dup_at(end_index);
        dup(2);
        op(Opcode::GT);
        jumpi(revert_label());
        dup(3);
        push(32);
        op(Opcode::ADD);  // [p, len, mp, src, src_end, dst]
        const size_t loop = new_label(), done = new_label();
        const int h = height_;
        label(loop, h);
        dup(2);
        dup(4);
        op(Opcode::LT);
        op(Opcode::ISZERO);
        jumpi(done);
        dup(3);
        op(Opcode::MLOAD);
        validate(t->element);
        dup(2);
        op(Opcode::MSTORE);
        push(32);
        op(Opcode::ADD);
        swap(2);
        push(32);
        op(Opcode::ADD);
        swap(2);
        jump(loop);
        label(done, h);
        pop(3);
    }
    swap(2);
    pop(2);  // [mp]
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
    const int start_index = height_ - 2, end_index = height_ - 1;
    push(32 * static_cast<uint64_t>(types.size()));
    dup(3);
    dup(3);
    op(Opcode::SUB);
    op(Opcode::SLT);
    jumpi(revert_label());
    for (size_t i = 0; i < types.size(); ++i) {
        dup(height_ - start_index);
        if (i) {
            push(32 * static_cast<uint64_t>(i));
            op(Opcode::ADD);
        }
        decode_memory_value(types[i], start_index, end_index);
    }
    const int n = static_cast<int>(types.size());
    std::vector<int> keep;
    for (int i = 0; i < n; ++i) keep.push_back(2 + i);
    reshape(n + 2, keep);
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
