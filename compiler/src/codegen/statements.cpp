// compiler/src/codegen/statements.cpp - statements: the dispatch over statement kinds and one member per
// kind, and the stack reshaping that leaves scopes.
#include "codegen/gen.hpp"

namespace trainchain::compiler::codegen {

void Gen::reshape(int total, const std::vector<int>& keep) {
    // Simulate the top `total` items by their original index and move each kept item into place
    // with at most two swaps, then pop what is left above them.
    std::vector<int> layout(static_cast<size_t>(total));
    for (int i = 0; i < total; ++i) layout[static_cast<size_t>(i)] = i;
    const int top = total - 1;
    for (size_t p = 0; p < keep.size(); ++p) {
        const int want = keep[p];
        int q = 0;
        while (layout[static_cast<size_t>(q)] != want) ++q;
        if (q == static_cast<int>(p)) continue;
        if (q != top) {
            swap(top - q);
            std::swap(layout[static_cast<size_t>(top)], layout[static_cast<size_t>(q)]);
        }
        if (static_cast<int>(p) != top) {
            swap(top - static_cast<int>(p));
            std::swap(layout[static_cast<size_t>(top)], layout[p]);
        }
    }
    pop(total - static_cast<int>(keep.size()));
}

void Gen::stmt(const Stmt& s) {
    const Location saved = loc_;
    if (s.loc.line) loc_ = s.loc;
    switch (s.kind) {
        case Stmt::Kind::Block:
            stmt_block(s);
            break;
        case Stmt::Kind::Expression:
            expr_discard(*s.expr);
            break;
        case Stmt::Kind::VarDecl:
            stmt_var_decl(s);
            break;
        case Stmt::Kind::If:
            stmt_if(s);
            break;
        case Stmt::Kind::While:
            stmt_while(s);
            break;
        case Stmt::Kind::DoWhile:
            stmt_do_while(s);
            break;
        case Stmt::Kind::For:
            stmt_for(s);
            break;
        case Stmt::Kind::Break:
        case Stmt::Kind::Continue:
            stmt_jump(s);
            break;
        case Stmt::Kind::Return:
            stmt_return(s);
            break;
        case Stmt::Kind::Emit:
            stmt_emit(s);
            break;
        case Stmt::Kind::RevertError:
            stmt_revert_error(s);
            break;
        case Stmt::Kind::Placeholder:
            stmt_placeholder();
            break;
    }
    loc_ = saved;
}

/// Block.
void Gen::stmt_block(const Stmt& s) {
    const int h = height_;
    for (const auto& b : s.body)
        if (b) stmt(*b);
    pop_to(h);
}

/// VarDecl.
void Gen::stmt_var_decl(const Stmt& s) {
    if (s.expr) {
        expr(*s.expr);
    } else {
        for (const auto* v : s.vars) zero_value(v->type, v->location);
    }
    for (size_t i = 0; i < s.vars.size(); ++i)
        if (s.vars[i])
            positions_[s.vars[i]] = height_ - static_cast<int>(s.vars.size()) + static_cast<int>(i);
}

/// If.
void Gen::stmt_if(const Stmt& s) {
    const size_t other = new_label(), end = new_label();
    expr(*s.expr);
    op(Opcode::ISZERO);
    jumpi(other);
    const int h = height_;
    stmt(*s.body[0]);
    if (s.body.size() == 2 && s.body[1]) {
        jump(end);
        label(other, h);
        stmt(*s.body[1]);
        label(end);
    } else {
        label(other, h);
    }
}

/// While.
void Gen::stmt_while(const Stmt& s) {
    const size_t start = new_label(), end = new_label();
    const int h = height_;
    label(start, h);
    expr(*s.expr);
    op(Opcode::ISZERO);
    jumpi(end);
    loops_.push_back({end, start, h});
    stmt(*s.body[0]);
    loops_.pop_back();
    jump(start);
    label(end, h);
}

/// DoWhile.
void Gen::stmt_do_while(const Stmt& s) {
    const size_t start = new_label(), cond = new_label(), end = new_label();
    const int h = height_;
    label(start, h);
    loops_.push_back({end, cond, h});
    stmt(*s.body[0]);
    loops_.pop_back();
    label(cond, h);
    expr(*s.expr);
    jumpi(start);
    label(end, h);
}

/// For.
void Gen::stmt_for(const Stmt& s) {
    const int outer = height_;
    if (s.body[0]) stmt(*s.body[0]);
    const size_t start = new_label(), post = new_label(), end = new_label();
    const int h = height_;
    label(start, h);
    if (s.expr) {
        expr(*s.expr);
        op(Opcode::ISZERO);
        jumpi(end);
    }
    loops_.push_back({end, post, h});
    if (s.body[1]) stmt(*s.body[1]);
    loops_.pop_back();
    label(post, h);
    if (s.post) expr_discard(*s.post);
    jump(start);
    label(end, h);
    pop_to(outer);
}

/// Break, Continue.
void Gen::stmt_jump(const Stmt& s) {
    const auto& target = loops_.back();
    const int h = height_;
    pop_to(target.height);
    jump(s.kind == Stmt::Kind::Break ? target.break_label : target.continue_label);
    height_ = h;
}

/// Return.
void Gen::stmt_return(const Stmt& s) {
    const int h = height_;
    if (s.expr) {
        expr(*s.expr);
        // Assign to the return variables, last first.
        for (size_t i = current_returns_.size(); i-- > 0;) {
            const int depth = height_ - 1 - positions_.at(current_returns_[i]);
            swap(depth);
            pop();
        }
    }
    const auto& target = returns_.back();
    pop_to(target.height);
    jump(target.label);
    height_ = h;
}

/// Emit.
void Gen::stmt_emit(const Stmt& s) {
    const EventInfo& ev = *s.event;
    const int h = height_;
    for (const auto& a : s.args) expr(*a);
    const int n = static_cast<int>(s.args.size());
    // Topics (pushed last first), then the data of the non-indexed parameters.
    int topics = 0;
    for (int i = n - 1; i >= 0; --i) {
        const auto& p = ev.params[static_cast<size_t>(i)];
        if (!p.indexed) continue;
        dup(height_ - h - i);
        if (p.type->is_byte_array()) {
            dup(1);
            op(Opcode::MLOAD);
            swap(1);
            push(32);
            op(Opcode::ADD);
            op(Opcode::KECCAK256);
        }
        ++topics;
    }
    if (!ev.anonymous) {
        const auto topic =
            vm::keccak256({reinterpret_cast<const uint8_t*>(ev.signature.data()), ev.signature.size()});
        push(uint256::from_be(topic.bytes.data(), 32));
        ++topics;
    }
    std::vector<const Type*> data_types;
    for (int i = 0; i < n; ++i) {
        const auto& p = ev.params[static_cast<size_t>(i)];
        if (p.indexed) continue;
        dup(height_ - h - i);
        data_types.push_back(p.type);
    }
    push(free_pointer);
    op(Opcode::MLOAD);
    abi_encode(data_types, false);
    to_offset_size();
    op(static_cast<Opcode>(static_cast<int>(Opcode::LOG0) + topics));
    pop_to(h);
}

/// RevertError.
void Gen::stmt_revert_error(const Stmt& s) {
    std::vector<const Type*> types;
    for (const auto& a : s.args) {
        expr(*a);
        types.push_back(a->type);
    }
    const int h = height_;
    encode_with_selector(s.error->selector, types);
    to_offset_size();
    op(Opcode::REVERT);
    height_ = h;
}

/// Placeholder.
void Gen::stmt_placeholder() {
    const Placeholder p = placeholders_.back();
    placeholders_.pop_back();
    const size_t exit = new_label();
    const int h = height_;
    modifiers(*p.function, p.next, exit);
    label(exit, h);
    placeholders_.push_back(p);
}

}  // namespace trainchain::compiler::codegen
