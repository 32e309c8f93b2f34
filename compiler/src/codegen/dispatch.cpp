// compiler/src/codegen/dispatch.cpp - functions and dispatch: function bodies with their modifiers, internal
// subroutines, the external stubs and the selector dispatch of the runtime code, and the init code.
#include "codegen/gen.hpp"

namespace trainchain::compiler::codegen {

void Gen::function_body(const FunctionInfo& f) {
    for (auto* r : f.returns) {
        zero_value(r->type, r->location);
        positions_[r] = height_ - 1;
    }
    const size_t exit = new_label();
    const int h = height_;
    modifiers(f, 0, exit);
    label(exit, h);
}

void Gen::modifiers(const FunctionInfo& f, size_t k, size_t body_exit) {
    if (k == f.modifiers.size()) {
        const auto saved = current_returns_;
        current_returns_.assign(f.returns.begin(), f.returns.end());
        returns_.push_back({body_exit, height_});
        if (f.body) stmt(*f.body);
        returns_.pop_back();
        current_returns_ = saved;
        return;
    }
    const ModifierCall& mc = f.modifiers[k];
    const int h = height_;
    for (size_t i = 0; i < mc.args.size(); ++i) {
        expr(*mc.args[i]);
        positions_[mc.modifier->params[i]] = height_ - 1;
    }
    const size_t exit = new_label();
    const int inner = height_;
    const auto saved = current_returns_;
    current_returns_.clear();
    returns_.push_back({exit, inner});
    placeholders_.push_back({&f, k + 1});
    stmt(*mc.modifier->body);
    placeholders_.pop_back();
    returns_.pop_back();
    current_returns_ = saved;
    label(exit, inner);
    pop_to(h);
}

void Gen::subroutine(const FunctionInfo& f) {
    loc_ = f.loc;
    const int n = static_cast<int>(f.params.size());
    const int m = static_cast<int>(f.returns.size());
    label(function_label(&f), 1 + n);
    positions_.clear();
    for (int i = 0; i < n; ++i) positions_[f.params[static_cast<size_t>(i)]] = 1 + i;
    function_body(f);
    // [ret, params.., returns..] -> [returns.., ret], then back to the caller.
    std::vector<int> keep;
    for (int j = 0; j < m; ++j) keep.push_back(1 + n + j);
    keep.push_back(0);
    reshape(1 + n + m, keep);
    op(Opcode::JUMP);
}

void Gen::external_stub(const FunctionInfo& f, size_t stub) {
    loc_ = f.loc;
    label(stub, 1);
    pop();  // the selector
    if (f.mutability != Mutability::Payable) {
        op(Opcode::CALLVALUE);
        jumpi(revert_label());
    }
    uint64_t head = 0;
    for (const auto* p : f.params) head += abi_head_size(p->type);
    if (head) {
        push(4 + head);
        op(Opcode::CALLDATASIZE);
        op(Opcode::LT);
        jumpi(revert_label());
    }
    const size_t ret = new_label();
    push_label(ret);
    uint64_t offset = 4;
    for (const auto* p : f.params) {
        decode_calldata(p->type, offset);
        offset += abi_head_size(p->type);
    }
    jump(function_label(&f));
    label(ret, static_cast<int>(f.returns.size()));
    if (f.returns.empty()) {
        op(Opcode::STOP);
        return;
    }
    std::vector<const Type*> types;
    for (auto* r : f.returns) types.push_back(r->type);
    push(free_pointer);
    op(Opcode::MLOAD);
    abi_encode(types, false);
    to_offset_size();
    op(Opcode::RETURN);
}

void Gen::emit_shared() {
    while (!pending_.empty() || !pending_routines_.empty() || !pending_type_routines_.empty()) {
        if (!pending_.empty()) {
            const FunctionInfo* f = pending_.front();
            pending_.erase(pending_.begin());
            subroutine(*f);
            continue;
        }
        if (!pending_type_routines_.empty()) {
            const auto [kind, t] = pending_type_routines_.front();
            pending_type_routines_.erase(pending_type_routines_.begin());
            emit_type_routine(kind, t);
            continue;
        }
        const Routine r = pending_routines_.front();
        pending_routines_.erase(pending_routines_.begin());
        emit_routine(r);
    }
    for (const auto& [bits, entry] : exp_routines_) exp_routine(bits, entry);
    loc_ = {0, 0};
    for (const auto& [code, l] : panics_) {
        label(l, 0);
        push(uint256{0x4e487b71} << uint256{224});
        push(uint64_t{0});
        op(Opcode::MSTORE);
        push(code);
        push(4);
        op(Opcode::MSTORE);
        push(0x24);
        push(uint64_t{0});
        op(Opcode::REVERT);
    }
    if (revert_label_) {
        label(*revert_label_, 0);
        push(uint64_t{0});
        push(uint64_t{0});
        op(Opcode::REVERT);
    }
    if (bubble_label_) {
        label(*bubble_label_, 0);
        op(Opcode::RETURNDATASIZE);
        push(uint64_t{0});
        push(uint64_t{0});
        op(Opcode::RETURNDATACOPY);
        op(Opcode::RETURNDATASIZE);
        push(uint64_t{0});
        op(Opcode::REVERT);
    }
}

void Gen::runtime() {
    loc_ = contract_.loc;
    push(heap_start);
    push(free_pointer);
    op(Opcode::MSTORE);
    std::vector<const FunctionInfo*> external;
    for (const auto& f : contract_.functions)
        if ((f->kind == FunctionInfo::Kind::Function || f->kind == FunctionInfo::Kind::Getter) &&
            f->externally_visible() && !f->overridden)
            external.push_back(f.get());
    std::sort(external.begin(), external.end(),
              [](const FunctionInfo* a, const FunctionInfo* b) { return a->selector < b->selector; });
    const size_t no_selector = new_label();
    std::vector<size_t> stubs;
    if (!external.empty()) {
        push(4);
        op(Opcode::CALLDATASIZE);
        op(Opcode::LT);
        jumpi(no_selector);
        push(uint64_t{0});
        op(Opcode::CALLDATALOAD);
        push(224);
        op(Opcode::SHR);
        for (const auto* f : external) {
            stubs.push_back(new_label());
            dup(1);
            push(f->selector);
            op(Opcode::EQ);
            jumpi(stubs.back());
        }
        pop();
    }
    label(no_selector, 0);
    size_t receive_stub = 0, fallback_stub = 0;
    if (contract_.receive) {
        receive_stub = new_label();
        op(Opcode::CALLDATASIZE);
        op(Opcode::ISZERO);
        jumpi(receive_stub);
    }
    if (contract_.fallback) {
        fallback_stub = new_label();
        jump(fallback_stub);
    } else {
        jump(revert_label());
    }
    for (size_t i = 0; i < external.size(); ++i) external_stub(*external[i], stubs[i]);
    for (const FunctionInfo* f : {contract_.receive, contract_.fallback}) {
        if (!f) continue;
        loc_ = f->loc;
        label(f == contract_.receive ? receive_stub : fallback_stub, 0);
        if (f->mutability != Mutability::Payable) {
            op(Opcode::CALLVALUE);
            jumpi(revert_label());
        }
        const size_t ret = new_label();
        push_label(ret);
        if (!f->params.empty()) {
            // fallback(bytes calldata input) returns (bytes memory output): the whole calldata is the
            // input (copied into memory, as every calldata parameter here), the output is returned raw.
            op(Opcode::CALLDATASIZE);
            dup(1);
            push(32);
            op(Opcode::ADD);
            allocate_dynamic();  // [ret, size, ptr]
            swap(1);
            dup(2);
            op(Opcode::MSTORE);  // [ret, ptr]
            op(Opcode::CALLDATASIZE);
            push(uint64_t{0});
            dup(3);
            push(32);
            op(Opcode::ADD);
            op(Opcode::CALLDATACOPY);  // [ret, ptr]
        }
        jump(function_label(f));
        label(ret, f->params.empty() ? 0 : 1);
        if (f->params.empty()) {
            op(Opcode::STOP);
        } else {  // [output]
            dup(1);
            op(Opcode::MLOAD);
            swap(1);
            push(32);
            op(Opcode::ADD);
            op(Opcode::RETURN);
        }
    }
    emit_shared();
}

void Gen::init(const vm::bytes& runtime_code, const std::vector<std::vector<size_t>>& immutable_offsets) {
    loc_ = contract_.loc;
    push(heap_start + 32 * contract_.immutables.size());
    push(free_pointer);
    op(Opcode::MSTORE);
    const FunctionInfo* ctor = contract_.constructor;
    if (!ctor || ctor->mutability != Mutability::Payable) {
        op(Opcode::CALLVALUE);
        jumpi(revert_label());
    }
    positions_.clear();
    if (ctor && !ctor->params.empty()) {
        // Constructor arguments follow the program: copy them to memory and decode them from there.
        std::vector<const Type*> types;
        for (const auto* p : ctor->params) types.push_back(p->type);
        push_special(AsmItem::Kind::PushProgramSize, 0);
        op(Opcode::CODESIZE);
        op(Opcode::SUB);  // [len]
        dup(1);
        allocate_dynamic();  // [len, base]
        dup(2);
        push_special(AsmItem::Kind::PushProgramSize, 0);
        dup(3);
        op(Opcode::CODECOPY);
        swap(1);
        dup(2);
        op(Opcode::ADD);  // [base, end]
        decode_memory_tuple(types);
        const int n = static_cast<int>(types.size());
        for (int i = 0; i < n; ++i) positions_[ctor->params[static_cast<size_t>(i)]] = height_ - n + i;
    }
    // State variable initialisers, in declaration order.
    for (const auto& [var, value] : contract_.initializers) {
        if (var->is_constant) continue;
        loc_ = var->declared_at;
        if (var->is_immutable) {
            expr(*value);
            push(heap_start + 32 * var->immutable_index);
            op(Opcode::MSTORE);
            continue;
        }
        push(var->slot);
        expr(*value);
        if (var->type->is_byte_array())
            copy_memory_to_storage(var->type);
        else
            storage_store(var->type, StorageRef{false, var->offset});
    }
    // The bases' constructors: their arguments, most derived first, then their bodies, most basic
    // first (as solc's legacy code generator runs them), then the contract's own.
    for (const auto& bc : contract_.base_constructors)
        for (size_t i = 0; i < bc.args.size(); ++i) {
            loc_ = bc.args[i]->loc;
            expr(*bc.args[i]);
            positions_[bc.constructor->params[i]] = height_ - 1;
        }
    for (auto it = contract_.base_constructors.rbegin(); it != contract_.base_constructors.rend(); ++it) {
        loc_ = it->constructor->loc;
        current_returns_.clear();
        const int h = height_;
        function_body(*it->constructor);
        pop_to(h);
    }
    if (ctor) {
        loc_ = ctor->loc;
        current_returns_.clear();
        function_body(*ctor);
    }
    pop_to(0);
    // Deploy: the runtime code with the immutables written into their placeholders.
    loc_ = contract_.loc;
    assembly.data.push_back(runtime_code);
    const size_t blob = assembly.data.size() - 1;
    push(free_pointer);
    op(Opcode::MLOAD);
    push_special(AsmItem::Kind::PushDataSize, blob);
    push_special(AsmItem::Kind::PushData, blob);
    dup(3);
    op(Opcode::CODECOPY);
    for (size_t i = 0; i < immutable_offsets.size(); ++i)
        for (size_t o : immutable_offsets[i]) {
            push(heap_start + 32 * i);
            op(Opcode::MLOAD);
            dup(2);
            push(o);
            op(Opcode::ADD);
            op(Opcode::MSTORE);
        }
    push_special(AsmItem::Kind::PushDataSize, blob);
    swap(1);
    op(Opcode::RETURN);
    emit_shared();
}

}  // namespace trainchain::compiler::codegen
