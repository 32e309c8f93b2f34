// compiler/src/codegen/expressions.cpp - expressions: the dispatch over expression kinds and one member per
// kind, lvalues, assignments and internal calls.
#include "codegen/gen.hpp"

namespace trainchain::compiler::codegen {

void Gen::expr_discard(const Expr& e) {
    if (e.kind == Expr::Kind::Assign) return assign(e, false);
    if (e.kind == Expr::Kind::IncDec) return incdec(e, false);
    expr(e);
    pop(width(e.type));
}

void Gen::expr(const Expr& e) {
    const Location saved = loc_;
    if (e.loc.line) loc_ = e.loc;
    switch (e.kind) {
        case Expr::Kind::Constant:
            push(e.value);
            break;
        case Expr::Kind::StringConstant:
            string_constant(e.text);
            break;
        case Expr::Kind::Local:
            dup(height_ - positions_.at(e.var));
            break;
        case Expr::Kind::StateVar:
            expr_state_var(e);
            break;
        case Expr::Kind::Immutable:
            expr_immutable(e);
            break;
        case Expr::Kind::Binary:
            expr_binary(e);
            break;
        case Expr::Kind::Unary:
            expr_unary(e);
            break;
        case Expr::Kind::Conditional:
            expr_conditional(e);
            break;
        case Expr::Kind::Assign:
            assign(e, true);
            break;
        case Expr::Kind::IncDec:
            incdec(e, true);
            break;
        case Expr::Kind::Convert:
            expr(*e.args[0]);
            convert(e.args[0]->type, e.type);
            break;
        case Expr::Kind::InternalCall:
            internal_call(e);
            break;
        case Expr::Kind::PointerCall:
            pointer_call(e);
            break;
        case Expr::Kind::FunctionRef:
            function_ref(e);
            break;
        case Expr::Kind::ExternalCall:
            external_call(e);
            break;
        case Expr::Kind::Create:
            create(e);
            break;
        case Expr::Kind::BuiltinValue:
            expr_builtin(e);
            break;
        case Expr::Kind::Balance:
            expr_balance(e);
            break;
        case Expr::Kind::Index:
        case Expr::Kind::Member:
            expr_access(e);
            break;
        case Expr::Kind::ArrayLength:
            expr_array_length(e);
            break;
        case Expr::Kind::ArrayPush:
            expr_array_push(e);
            break;
        case Expr::Kind::ArrayPop:
            expr_array_pop(e);
            break;
        case Expr::Kind::Keccak256:
            expr_keccak256(e);
            break;
        case Expr::Kind::Sha256:
        case Expr::Kind::Ripemd160:
            expr_sha256(e);
            break;
        case Expr::Kind::Ecrecover:
            expr_ecrecover(e);
            break;
        case Expr::Kind::AbiEncode:
        case Expr::Kind::AbiEncodePacked:
        case Expr::Kind::AbiEncodeSel:
            expr_abi_encode(e);
            break;
        case Expr::Kind::AbiDecode:
            expr_abi_decode(e);
            break;
        case Expr::Kind::LowLevelCall:
            expr_low_level_call(e);
            break;
        case Expr::Kind::Transfer:
        case Expr::Kind::Send:
            expr_transfer_send(e);
            break;
        case Expr::Kind::CreationCode:
            expr_creation_code(e);
            break;
        case Expr::Kind::Tuple:
            for (const auto& a : e.args) expr(*a);
            break;
        case Expr::Kind::StructConstruct:
            expr_struct_construct(e);
            break;
        case Expr::Kind::NewArray:
            expr_new_array(e);
            break;
        case Expr::Kind::Require:
            expr_require(e);
            break;
        case Expr::Kind::Assert:
            expr_assert(e);
            break;
        case Expr::Kind::Revert:
            expr_revert(e);
            break;
        case Expr::Kind::Delete:
            expr_delete(e);
            break;
        case Expr::Kind::CopyToMemory:
            expr_copy_to_memory(e);
            break;
        case Expr::Kind::Empty:
            break;
    }
    loc_ = saved;
}

LValue Gen::lvalue(const Expr& e) {
    LValue lv;
    lv.type = e.type;
    switch (e.kind) {
        case Expr::Kind::Local:
            lv.kind = LValue::Kind::Local;
            lv.var = e.var;
            break;
        case Expr::Kind::Immutable:
            lv.kind = LValue::Kind::Immutable;
            lv.var = e.var;
            break;
        case Expr::Kind::Tuple:
            lv.kind = LValue::Kind::Tuple;
            for (const auto& a : e.args) lv.components.push_back(lvalue(*a));
            break;
        case Expr::Kind::Empty:
            lv.kind = LValue::Kind::Empty;
            break;
        case Expr::Kind::StateVar:
            lv.kind = LValue::Kind::Storage;
            lv.storage = storage_ref(e);
            break;
        default:
            if (e.location == DataLocation::Storage) {
                lv.kind = LValue::Kind::Storage;
                lv.storage = storage_ref(e);
            } else {
                lv.kind = LValue::Kind::Memory;
                lv.byte = e.kind == Expr::Kind::Index && e.args[0]->type->kind == Type::Kind::Bytes;
                memory_address(e);
            }
            break;
    }
    return lv;
}

void Gen::load(const LValue& lv) {
    // [address..] -> [value]
    switch (lv.kind) {
        case LValue::Kind::Local:
            dup(height_ - positions_.at(lv.var));
            break;
        case LValue::Kind::Storage:
            storage_load(lv.type, lv.storage);
            break;
        case LValue::Kind::Memory:
            op(Opcode::MLOAD);
            if (lv.byte) {
                push(high_mask(8));
                op(Opcode::AND);
            }
            break;
        case LValue::Kind::Immutable:
            push(heap_start + 32 * lv.var->immutable_index);
            op(Opcode::MLOAD);
            break;
        default:
            break;
    }
}

void Gen::store(const LValue& lv) {
    // [address.., value] -> []
    switch (lv.kind) {
        case LValue::Kind::Local: {
            const int depth = height_ - 1 - positions_.at(lv.var);
            swap(depth);
            pop();
            break;
        }
        case LValue::Kind::Storage:
            if (lv.type->kind == Type::Kind::Struct || lv.type->is_byte_array()) {
                pop(2);  // whole-struct stores go through assign()
                break;
            }
            storage_store(lv.type, lv.storage);
            break;
        case LValue::Kind::Memory:
            if (lv.byte) {  // a byte of bytes memory
                push(248);
                op(Opcode::SHR);
                swap(1);
                op(Opcode::MSTORE8);
                break;
            }
            swap(1);
            op(Opcode::MSTORE);
            break;
        case LValue::Kind::Immutable:
            push(heap_start + 32 * lv.var->immutable_index);
            op(Opcode::MSTORE);
            break;
        case LValue::Kind::Empty:
            pop();
            break;
        case LValue::Kind::Tuple:
            break;
    }
}

void Gen::assign(const Expr& e, bool want_value) {
    const Location saved = loc_;
    if (e.loc.line) loc_ = e.loc;
    const Expr& target = *e.args[0];
    const Expr& source = *e.args[1];
    if (target.kind == Expr::Kind::Tuple) {
        // Evaluate the right side completely, then assign from the last component back.
        expr(source);
        for (size_t i = target.args.size(); i-- > 0;) {
            const Expr& t = *target.args[i];
            if (t.kind == Expr::Kind::Empty) {
                pop();
                continue;
            }
            const LValue lv = lvalue(t);
            // [.., v, addr..] -> [.., addr.., v]
            if (lv.width() >= 1) swap(1);
            if (lv.width() == 2) swap(2);
            store(lv);
        }
        loc_ = saved;
        return;
    }
    if (target.type->is_reference() && target.location == DataLocation::Storage &&
        target.kind != Expr::Kind::Local) {
        // Copy a struct, string or bytes into storage: from memory member by member, from storage
        // slot by slot (byte arrays through a memory copy).
        if (!place_first_is_unobservable(target, source)) {  // the value first, as solc
            expr(source);                                    // [src]
            storage_ref(target);                             // [src, slot]
            swap(1);
        } else {
            storage_ref(target);  // [slot]
            expr(source);         // [slot, src]
        }
        if (source.location == DataLocation::Memory)
            copy_memory_to_storage(target.type);
        else
            copy_storage_to_storage(target.type);
        if (want_value) storage_ref(target);
        loc_ = saved;
        return;
    }
    // The value first, then the target's place, as both solc pipelines do; when that cannot be told
    // apart, the place first, which saves the SWAPs.
    const bool value_first = !place_first_is_unobservable(target, source);
    if (value_first) expr(source);  // [v]
    const LValue lv = lvalue(target);
    const int k = lv.width();
    if (value_first) {
        // [v, addr..] -> [addr.., v]
        if (k >= 1) swap(1);
        if (k == 2) swap(2);
    }
    if (e.compound) {
        if (value_first) {
            for (int i = 0; i < k; ++i) dup(k + 1);  // [addr.., v, addr..]
            load(lv);                                // [addr.., v, current]
            swap(1);
        } else {
            for (int i = 0; i < k; ++i) dup(k);
            load(lv);
            expr(source);
        }
        arith(e.binary_op, target.type, e.checked);
    } else if (!value_first) {
        expr(source);
    }
    if (want_value) {
        dup(1);
        bury(k + 1);
    }
    store(lv);
    loc_ = saved;
}

void Gen::incdec(const Expr& e, bool want_value) {
    const Location saved = loc_;
    if (e.loc.line) loc_ = e.loc;
    const Expr& target = *e.args[0];
    const LValue lv = lvalue(target);
    const int k = lv.width();
    for (int i = 0; i < k; ++i) dup(k);
    load(lv);  // [addr.., old]
    if (want_value && !e.prefix) {
        dup(1);
        bury(k + 1);
    }
    push(1);
    arith(e.increment ? BinaryOp::Add : BinaryOp::Sub, target.type, e.checked);
    if (want_value && e.prefix) {
        dup(1);
        bury(k + 1);
    }
    store(lv);
    loc_ = saved;
}

void Gen::internal_call(const Expr& e) {
    const FunctionInfo& f = *e.function;
    const int h = height_;
    const size_t ret = new_label();
    push_label(ret);
    for (const auto& a : e.args) expr(*a);
    jump(function_label(&f));
    label(ret, h + static_cast<int>(f.returns.size()));
}

/// PointerCall: [ret, args...] then the function value, Panic(0x51) when it is zero (unset or deleted).
void Gen::pointer_call(const Expr& e) {
    const int h = height_;
    const size_t ret = new_label();
    push_label(ret);
    for (size_t i = 1; i < e.args.size(); ++i) expr(*e.args[i]);
    expr(*e.args[0]);
    dup(1);
    op(Opcode::ISZERO);
    jumpi(panic_label(0x51));
    op(Opcode::JUMP);
    label(ret, h + width(e.type));
}

/// FunctionRef: the function's code offset (a jump destination).
void Gen::function_ref(const Expr& e) {
    if (is_init_)
        diags_.error(e.loc,
                     "internal function values in constructor code (the constructor, state variable "
                     "initialisers) are not supported");
    push_label(function_label(e.function));
}

/// StateVar.
void Gen::expr_state_var(const Expr& e) {
    if (e.type->is_value())
        storage_load(e.type, storage_ref(e));
    else
        push(e.var->slot);
}

/// Immutable.
void Gen::expr_immutable(const Expr& e) {
    if (is_init_) {
        push(heap_start + 32 * e.var->immutable_index);
        op(Opcode::MLOAD);
    } else {
        push_special(AsmItem::Kind::PushImmutable, e.var->immutable_index);
    }
}

/// Binary.
void Gen::expr_binary(const Expr& e) {
    if (e.binary_op == BinaryOp::And || e.binary_op == BinaryOp::Or) {
        const size_t end = new_label();
        expr(*e.args[0]);
        dup(1);
        if (e.binary_op == BinaryOp::And) op(Opcode::ISZERO);
        jumpi(end);
        pop();
        expr(*e.args[1]);
        label(end);
        return;
    }
    // The right operand first, then the left, as solc's legacy code generator does; when
    // the order cannot be told apart, the left first, which saves a SWAP and keeps a long
    // left-leaning chain (`x + x + ... + x`) from piling its operands up on the stack.
    if (e.binary_op == BinaryOp::Exp && expr_exp(e)) return;
    const Expr& lhs = *e.args[0];
    const Expr& rhs = *e.args[1];
    if (left_first_is_unobservable(lhs, rhs)) {
        expr(lhs);
        expr(rhs);
    } else {
        expr(rhs);
        expr(lhs);
        swap(1);
    }
    arith(e.binary_op, lhs.type, e.checked);
}

/// Unary.
void Gen::expr_unary(const Expr& e) {
    expr(*e.args[0]);
    if (e.unary_op == UnaryOp::Not) {
        op(Opcode::ISZERO);
    } else if (e.unary_op == UnaryOp::BitNot) {
        op(Opcode::NOT);
        clean(e.type);
    } else {
        if (e.checked) {
            dup(1);
            push(min_signed(e.type->bits));
            op(Opcode::EQ);
            jumpi(panic_label(0x11));
        }
        push(uint64_t{0});
        op(Opcode::SUB);
        if (!e.checked) clean(e.type);
    }
}

/// Conditional.
void Gen::expr_conditional(const Expr& e) {
    const size_t other = new_label(), end = new_label();
    expr(*e.args[0]);
    op(Opcode::ISZERO);
    jumpi(other);
    const int h = height_;
    expr(*e.args[1]);
    jump(end);
    label(other, h);
    expr(*e.args[2]);
    label(end);
}

/// BuiltinValue.
void Gen::expr_builtin(const Expr& e) {
    switch (e.builtin) {
        case Builtin::MsgSender:
            op(Opcode::CALLER);
            break;
        case Builtin::MsgValue:
            op(Opcode::CALLVALUE);
            break;
        case Builtin::MsgData:  // a `bytes` in memory: [length][the calldata]
            op(Opcode::CALLDATASIZE);
            dup(1);
            push(32);
            op(Opcode::ADD);
            allocate_dynamic();  // [len, ptr]
            dup(2);
            dup(2);
            op(Opcode::MSTORE);
            swap(1);  // [ptr, len]
            push(uint64_t{0});
            dup(3);
            push(32);
            op(Opcode::ADD);
            op(Opcode::CALLDATACOPY);  // [ptr]
            break;
        case Builtin::MsgSig:
            push(uint64_t{0});
            op(Opcode::CALLDATALOAD);
            push(uint256{0xffffffff} << uint256{224});
            op(Opcode::AND);
            break;
        case Builtin::TxOrigin:
            op(Opcode::ORIGIN);
            break;
        case Builtin::TxGasPrice:
            op(Opcode::GASPRICE);
            break;
        case Builtin::BlockNumber:
            op(Opcode::NUMBER);
            break;
        case Builtin::BlockTimestamp:
            op(Opcode::TIMESTAMP);
            break;
        case Builtin::BlockCoinbase:
            op(Opcode::COINBASE);
            break;
        case Builtin::BlockPrevrandao:
            op(Opcode::PREVRANDAO);
            break;
        case Builtin::BlockGasLimit:
            op(Opcode::GASLIMIT);
            break;
        case Builtin::BlockChainId:
            op(Opcode::CHAINID);
            break;
        case Builtin::BlockBaseFee:
            op(Opcode::BASEFEE);
            break;
        case Builtin::GasLeft:
            op(Opcode::GAS);
            break;
        case Builtin::This:
            op(Opcode::ADDRESS);
            break;
        case Builtin::SelfBalance:
            op(Opcode::SELFBALANCE);
            break;
        case Builtin::Blockhash:
            expr(*e.args[0]);
            op(Opcode::BLOCKHASH);
            break;
    }
}

/// Balance.
void Gen::expr_balance(const Expr& e) {
    if (e.args[0]->kind == Expr::Kind::Convert && e.args[0]->args[0]->kind == Expr::Kind::BuiltinValue &&
        e.args[0]->args[0]->builtin == Builtin::This) {
        op(Opcode::SELFBALANCE);
        return;
    }
    expr(*e.args[0]);
    op(Opcode::BALANCE);
}

/// Index, Member.
void Gen::expr_access(const Expr& e) {
    if (e.kind == Expr::Kind::Index && e.args[0]->type->kind == Type::Kind::FixedBytes) {
        // bytesN[i]: BYTE, moved to the top byte of a bytes1.
        expr(*e.args[0]);
        expr(*e.args[1]);
        dup(1);
        push(e.args[0]->type->bits / 8);
        op(Opcode::GT);
        op(Opcode::ISZERO);
        jumpi(panic_label(0x32));
        op(Opcode::BYTE);
        push(248);
        op(Opcode::SHL);
        return;
    }
    if (e.kind == Expr::Kind::Index && e.args[0]->type->kind == Type::Kind::Bytes &&
        e.args[0]->location != DataLocation::Storage) {
        memory_address(e);
        op(Opcode::MLOAD);
        push(high_mask(8));
        op(Opcode::AND);
        return;
    }
    if (e.location == DataLocation::Storage) {
        const StorageRef ref = storage_ref(e);
        if (e.type->is_value()) storage_load(e.type, ref);
    } else {
        memory_address(e);
        // A value, or the pointer a memory struct or array holds for a reference-typed member.
        op(Opcode::MLOAD);
    }
}

/// ArrayLength.
void Gen::expr_array_length(const Expr& e) {
    if (e.args[0]->location == DataLocation::Storage) {
        storage_ref(*e.args[0]);
        if (e.args[0]->type->is_byte_array())
            call_routine(Routine::BytesLength);
        else
            op(Opcode::SLOAD);
    } else {
        expr(*e.args[0]);
        op(Opcode::MLOAD);
    }
}

/// ArrayPush.
void Gen::expr_array_push(const Expr& e) {
    if (e.args[0]->type->kind == Type::Kind::Bytes) {
        storage_ref(*e.args[0]);
        if (e.args.size() == 2)
            expr(*e.args[1]);
        else
            push(uint64_t{0});
        call_routine(Routine::BytesPush);
        return;
    }
    if (e.args.size() == 2) {
        const StorageRef ref = storage_ref(e);
        expr(*e.args[1]);
        const Type* el = e.args[0]->type->element;
        if (el->is_value())
            storage_store(el, ref);
        else
            copy_memory_to_storage(el);  // a struct, array, string or bytes from memory
    } else {
        const StorageRef ref = storage_ref(e);  // the new element
        const Type* el = e.args[0]->type->element;
        if (el->is_value()) storage_load(el, ref);  // as a value: its (zero) content
    }
}

/// ArrayPop.
void Gen::expr_array_pop(const Expr& e) {
    const Type* base = e.args[0]->type;
    if (base->kind == Type::Kind::Bytes) {
        storage_ref(*e.args[0]);
        call_routine(Routine::BytesPop);
        return;
    }
    storage_ref(*e.args[0]);  // [p]
    dup(1);
    op(Opcode::SLOAD);
    dup(1);
    op(Opcode::ISZERO);
    jumpi(panic_label(0x31));
    push(1);
    swap(1);
    op(Opcode::SUB);  // [p, n]
    dup(1);
    dup(3);
    op(Opcode::SSTORE);
    swap(1);
    push(uint64_t{0});
    op(Opcode::MSTORE);
    push(0x20);
    push(uint64_t{0});
    op(Opcode::KECCAK256);
    swap(1);
    storage_element(base);
    const Type* el = base->element;
    if (el->is_value()) {
        push(uint64_t{0});
        storage_store(el, el->storage_bytes() <= 16 ? StorageRef{true, 0} : StorageRef{});
    } else {
        clear_storage(el);  // also the data of its strings, bytes and arrays
    }
}

/// Keccak256.
void Gen::expr_keccak256(const Expr& e) {
    expr(*e.args[0]);
    dup(1);
    op(Opcode::MLOAD);
    swap(1);
    push(32);
    op(Opcode::ADD);
    op(Opcode::KECCAK256);
}

/// Sha256 and Ripemd160: the precompile (0x02, 0x03) hashes the bytes into scratch slot 0.
void Gen::expr_sha256(const Expr& e) {
    const bool ripemd = e.kind == Expr::Kind::Ripemd160;
    expr(*e.args[0]);  // [p]
    push(32);
    push(uint64_t{0});
    dup(3);
    op(Opcode::MLOAD);
    dup(4);
    push(32);
    op(Opcode::ADD);
    push(ripemd ? 3 : 2);
    op(Opcode::GAS);
    op(Opcode::STATICCALL);
    op(Opcode::ISZERO);
    jumpi(bubble_label());
    pop();
    push(uint64_t{0});
    op(Opcode::MLOAD);
    if (ripemd) {  // the digest comes right-aligned; a bytes20 is left-aligned
        push(96);
        op(Opcode::SHL);
    }
}

/// Ecrecover: hash, v, r and s go to free memory (not claimed), the precompile 0x01 answers into
/// scratch slot 0, cleared first because an invalid signature answers nothing (address zero).
void Gen::expr_ecrecover(const Expr& e) {
    for (const auto& a : e.args) expr(*a);  // [h, v, r, s]
    push(free_pointer);
    op(Opcode::MLOAD);  // [h, v, r, s, p]
    for (int word = 3; word >= 0; --word) {
        swap(1);  // [.., p, x]
        dup(2);
        if (word > 0) {
            push(static_cast<uint64_t>(32 * word));
            op(Opcode::ADD);
        }
        op(Opcode::MSTORE);  // [.., p]
    }
    push(uint64_t{0});
    push(uint64_t{0});
    op(Opcode::MSTORE);
    push(32);
    push(uint64_t{0});
    push(128);
    dup(4);
    push(1);
    op(Opcode::GAS);
    op(Opcode::STATICCALL);  // [p, ok]
    op(Opcode::ISZERO);
    jumpi(bubble_label());
    pop();
    push(uint64_t{0});
    op(Opcode::MLOAD);
}

/// AbiEncode, AbiEncodePacked, AbiEncodeSel (args[0] the selector, written before the
/// encoding of the others).
void Gen::expr_abi_encode(const Expr& e) {
    const bool with_selector = e.kind == Expr::Kind::AbiEncodeSel;
    std::vector<const Type*> types;
    for (size_t i = 0; i < e.args.size(); ++i) {
        expr(*e.args[i]);
        if (!with_selector || i > 0) types.push_back(e.args[i]->type);
    }
    push(free_pointer);
    op(Opcode::MLOAD);
    push(32);
    op(Opcode::ADD);  // [sel?, v.., data]
    if (with_selector) {
        dup(static_cast<int>(types.size()) + 2);  // the selector, left-aligned
        dup(2);
        op(Opcode::MSTORE);
        push(4);
        op(Opcode::ADD);  // [sel, v.., data + 4]
    }
    abi_encode(types, e.kind == Expr::Kind::AbiEncodePacked);  // [sel?, data(+4), end]
    if (with_selector) {
        swap(1);
        push(4);
        swap(1);
        op(Opcode::SUB);
        swap(1);  // [sel, data, end]
    }
    dup(2);
    dup(2);
    op(Opcode::SUB);  // [data, end, len]
    push(32);
    dup(4);
    op(Opcode::SUB);  // [data, end, len, ptr]
    op(Opcode::MSTORE);
    push(31);
    op(Opcode::ADD);
    push(~uint256{31});
    op(Opcode::AND);
    push(free_pointer);
    op(Opcode::MSTORE);
    push(32);
    swap(1);
    op(Opcode::SUB);  // [ptr]
    if (with_selector) {
        swap(1);
        pop();
    }
}

/// StructConstruct.
void Gen::expr_struct_construct(const Expr& e) {
    allocate(32 * e.args.size());
    for (size_t i = 0; i < e.args.size(); ++i) {
        expr(*e.args[i]);
        dup(2);
        if (i) {
            push(32 * i);
            op(Opcode::ADD);
        }
        op(Opcode::MSTORE);
    }
}

/// NewArray.
void Gen::expr_new_array(const Expr& e) {
    expr(*e.args[0]);  // [n]
    dup(1);
    push(0xffffffffffffffffULL);
    op(Opcode::LT);
    jumpi(panic_label(0x41));
    dup(1);
    push(32);
    op(Opcode::MUL);
    push(32);
    op(Opcode::ADD);
    allocate_dynamic();  // [n, ptr]
    swap(1);
    dup(2);
    op(Opcode::MSTORE);  // length
    dup(1);
    op(Opcode::MLOAD);
    push(32);
    op(Opcode::MUL);
    op(Opcode::CALLDATASIZE);
    dup(3);
    push(32);
    op(Opcode::ADD);
    op(Opcode::CALLDATACOPY);  // zero the elements
    if (!e.type->element->is_value()) zero_elements(e.type->element);
}

/// Require.
void Gen::expr_require(const Expr& e) {
    const size_t ok = new_label();
    expr(*e.args[0]);
    jumpi(ok);
    const int h = height_;
    if (e.args.size() == 2)
        revert_with_message(*e.args[1]);
    else
        jump(revert_label());
    label(ok, h);
}

/// Assert.
void Gen::expr_assert(const Expr& e) {
    const size_t ok = new_label();
    expr(*e.args[0]);
    jumpi(ok);
    jump(panic_label(0x01));
    label(ok);
}

/// Revert.
void Gen::expr_revert(const Expr& e) {
    const int h = height_;
    if (!e.args.empty())
        revert_with_message(*e.args[0]);
    else
        jump(revert_label());
    height_ = h;
}

/// Delete.
void Gen::expr_delete(const Expr& e) {
    const Expr& target = *e.args[0];
    if (target.type->is_reference() && target.location == DataLocation::Storage) {
        storage_ref(target);
        clear_storage(target.type);
        return;
    }
    const LValue lv = lvalue(target);
    zero_value(target.type, target.location);
    store(lv);
}

/// CopyToMemory.
void Gen::expr_copy_to_memory(const Expr& e) {
    storage_ref(*e.args[0]);
    copy_to_memory(e.args[0]->type);
}

}  // namespace trainchain::compiler::codegen
