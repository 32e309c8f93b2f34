// compiler/src/analysis/control_flow.cpp - the control-flow pass: walks the checked bodies for
// code after a statement that always leaves its block, loop jumps outside loops and modifier
// placeholders, then the contract creation graph for cycles.
#include "analysis/control_flow.hpp"

#include <functional>

namespace trainchain::compiler::analysis {
namespace {

/// True if control never leaves `s` to the next statement.
bool terminates(const Stmt& s) {
    switch (s.kind) {
        case Stmt::Kind::Return:
        case Stmt::Kind::Break:
        case Stmt::Kind::Continue:
        case Stmt::Kind::RevertError:
            return true;
        case Stmt::Kind::Expression:
            return s.expr && s.expr->kind == Expr::Kind::Revert;
        case Stmt::Kind::Block:
            for (const auto& b : s.body)
                if (b && terminates(*b)) return true;
            return false;
        case Stmt::Kind::If:
            return s.body.size() == 2 && s.body[0] && s.body[1] && terminates(*s.body[0]) &&
                   terminates(*s.body[1]);
        case Stmt::Kind::Try:
        case Stmt::Kind::Catch:
            for (const auto& b : s.body)
                if (!b || !terminates(*b)) return false;
            return !s.body.empty();
        default:
            return false;
    }
}

class ControlFlowChecker {
public:
    explicit ControlFlowChecker(Diagnostics& diags) : diags_{diags} {}

    /// Walks a modifier's body; reports it when it has no placeholder.
    void modifier(const ModifierInfo& m) {
        in_modifier_ = true;
        placeholders_ = 0;
        if (m.body) statement(*m.body, 0);
        if (placeholders_ == 0) diags_.error(m.loc, "modifier body does not contain '_'");
        in_modifier_ = false;
    }

    void function(const FunctionInfo& f) {
        if (f.body) statement(*f.body, 0);
    }

private:
    /// `loops`: how many loops enclose `s`.
    void statement(const Stmt& s, int loops) {
        switch (s.kind) {
            case Stmt::Kind::Block:
                return block(s, loops);
            case Stmt::Kind::Break:
                if (loops == 0) diags_.error(s.loc, "\"break\" has to be in a \"for\" or \"while\" loop");
                return;
            case Stmt::Kind::Continue:
                if (loops == 0) diags_.error(s.loc, "\"continue\" has to be in a \"for\" or \"while\" loop");
                return;
            case Stmt::Kind::Placeholder:
                ++placeholders_;
                if (!in_modifier_) diags_.error(s.loc, "'_' is only allowed inside modifiers");
                return;
            case Stmt::Kind::For:
                if (s.body[0]) statement(*s.body[0], loops);
                if (s.body[1]) statement(*s.body[1], loops + 1);
                return;
            case Stmt::Kind::While:
            case Stmt::Kind::DoWhile:
                if (s.body[0]) statement(*s.body[0], loops + 1);
                return;
            default:
                for (const auto& b : s.body)
                    if (b) statement(*b, loops);
        }
    }

    /// The first statement after one that always leaves the block is unreachable (one warning a block).
    void block(const Stmt& s, int loops) {
        bool ended = false;
        bool warned = false;
        for (const auto& b : s.body) {
            if (!b) continue;
            statement(*b, loops);
            if (ended && !warned) {
                diags_.warning(b->loc, "unreachable code");
                warned = true;
            }
            if (terminates(*b)) ended = true;
        }
    }

    Diagnostics& diags_;
    bool in_modifier_ = false;
    size_t placeholders_ = 0;
};

/// Reports contracts that deploy themselves with `new`, directly or through other contracts: their
/// code would have to contain itself.
void check_creation_cycles(Context& cx) {
    std::function<bool(const ContractInfo*, const ContractInfo*, int)> reaches =
        [&](const ContractInfo* from, const ContractInfo* target, int depth) {
            if (depth > 64) return true;
            for (const auto* c : from->creates)
                if (c == target || reaches(c, target, depth + 1)) return true;
            return false;
        };
    for (const auto& c : cx.prog.contracts)
        if (reaches(c.get(), c.get(), 0))
            cx.error(c->loc,
                     "contract '" + c->name + "' creates itself (directly or through other contracts)");
}

}  // namespace

void check_control_flow(Context& cx) {
    ControlFlowChecker checker{cx.diags};
    for (const auto& c : cx.prog.contracts) {
        for (const auto& m : c->modifiers) checker.modifier(*m);
        for (const auto& f : c->functions)
            if (f->ast) checker.function(*f);  // getters are built, not written
    }
    check_creation_cycles(cx);
}

}  // namespace trainchain::compiler::analysis
