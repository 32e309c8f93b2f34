// compiler/src/analysis/view_pure.cpp - the view/pure pass: walks the checked tree in evaluation
// order and compares what each function reads and writes with its declared mutability.
//
// Only the first violation in a function is reported (as solc does); modifiers are walked first and
// remember whether they read or write state, which the functions using them inherit.
#include "analysis/view_pure.hpp"

namespace trainchain::compiler::analysis {
namespace {

class ViewPureChecker {
public:
    explicit ViewPureChecker(Diagnostics& diags) : diags_{diags} {}

    /// Walks a modifier's body and records in it whether it reads or writes state.
    void modifier(ModifierInfo& m) {
        modifier_ = &m;
        if (m.body) statement(*m.body);
        modifier_ = nullptr;
    }

    /// Walks a function's modifier invocations and body and reports the first violation.
    void function(const FunctionInfo& f) {
        function_ = &f;
        reported_ = false;
        for (const auto& call : f.modifiers) {
            invocation(f, call);
            for (const auto& a : call.args) expression(*a);
        }
        if (f.body) statement(*f.body);
        function_ = nullptr;
    }

private:
    void invocation(const FunctionInfo& f, const ModifierCall& call) {
        const ModifierInfo& m = *call.modifier;
        if (f.mutability == Mutability::View && m.writes_state)
            diags_.error(call.loc, "function cannot be declared as view because modifier '" + m.name +
                                       "' (potentially) modifies the state");
        else if (f.mutability == Mutability::Pure && (m.writes_state || m.reads_state))
            diags_.error(call.loc, "function declared as pure, but modifier '" + m.name +
                                       "' (potentially) reads from the environment or state");
    }

    void statement(const Stmt& s) {
        switch (s.kind) {
            case Stmt::Kind::For:
                // Evaluation order: init, condition, post, body.
                if (s.body[0]) statement(*s.body[0]);
                if (s.expr) expression(*s.expr);
                if (s.post) expression(*s.post);
                if (s.body[1]) statement(*s.body[1]);
                return;
            case Stmt::Kind::DoWhile:
                for (const auto& b : s.body)
                    if (b) statement(*b);
                if (s.expr) expression(*s.expr);
                return;
            case Stmt::Kind::Emit:
                writes(s.loc);
                break;
            default:
                break;
        }
        if (s.expr) expression(*s.expr);
        for (const auto& a : s.args) expression(*a);
        for (const auto& b : s.body)
            if (b) statement(*b);
    }

    void expression(const Expr& e) {
        switch (e.kind) {
            case Expr::Kind::StateVar:
                reads(e.loc);
                return;
            case Expr::Kind::BuiltinValue:
                builtin(e);
                break;
            case Expr::Kind::PointerCall: {
                const int m = e.args[0]->type->mutability;
                if (m >= 2)
                    writes(e.loc);
                else if (m == 1)
                    reads(e.loc);
                break;
            }
            case Expr::Kind::InternalCall:
                if (e.function->mutability == Mutability::NonPayable ||
                    e.function->mutability == Mutability::Payable)
                    writes(e.loc);
                else if (e.function->mutability == Mutability::View)
                    reads(e.loc);
                break;
            case Expr::Kind::Create:
            case Expr::Kind::Transfer:
            case Expr::Kind::Send:
                writes(e.loc);
                break;
            case Expr::Kind::LowLevelCall:
                if (e.text == "staticcall")
                    reads(e.loc);
                else
                    writes(e.loc);
                break;
            case Expr::Kind::CreationCode:
                break;
            case Expr::Kind::ExternalCall:
            case Expr::Kind::ArrayPush:
            case Expr::Kind::ArrayPop:
                return receiver_call(e);
            case Expr::Kind::Assign:
            case Expr::Kind::IncDec:
            case Expr::Kind::Delete:
                return assignment(e);
            case Expr::Kind::Balance:
            case Expr::Kind::Index:
            case Expr::Kind::Member:
                return access(e);
            default:
                break;
        }
        for (const auto& f : e.folded) expression(*f);
        if (e.args_value) expression(*e.args_value);
        if (e.args_gas) expression(*e.args_gas);
        for (const auto& a : e.args) expression(*a);
    }

    /// msg.*, block.*, tx.*, this, gasleft(), blockhash(n): all read the environment.
    void builtin(const Expr& e) {
        reads(e.loc);
        if (e.builtin == Builtin::MsgValue && function_ && function_->externally_visible() &&
            function_->mutability != Mutability::Payable && !modifier_)
            diags_.error(e.loc,
                         "\"msg.value\" can only be used in payable public functions; make the function "
                         "\"payable\" or use an internal function");
    }

    /// A call on a receiver (an external call on an address, push or pop on a storage array): the
    /// receiver is evaluated first, then the call itself, then its options and arguments.
    void receiver_call(const Expr& e) {
        expression(*e.args[0]);
        if (e.kind == Expr::Kind::ExternalCall &&
            (e.function->mutability == Mutability::View || e.function->mutability == Mutability::Pure))
            reads(e.loc);
        else
            writes(e.loc);
        if (e.args_value) expression(*e.args_value);
        for (size_t i = 1; i < e.args.size(); ++i) expression(*e.args[i]);
    }

    /// `a = b`, `a op= b`, `a++`, `delete a`: the target is read, then written, then `b` evaluated.
    void assignment(const Expr& e) {
        expression(*e.args[0]);
        write_target(*e.args[0]);
        for (size_t i = 1; i < e.args.size(); ++i) expression(*e.args[i]);
    }

    void write_target(const Expr& e) {
        if ((e.kind == Expr::Kind::StateVar || e.kind == Expr::Kind::Index || e.kind == Expr::Kind::Member) &&
            (e.location == DataLocation::Storage || e.kind == Expr::Kind::StateVar))
            writes(e.loc);
        if (e.kind == Expr::Kind::Tuple)
            for (const auto& a : e.args) write_target(*a);
    }

    /// `a.balance`, `a[i]`, `a.member`: what they read is known after their operands.
    void access(const Expr& e) {
        for (const auto& a : e.args) expression(*a);
        const Expr& base = *e.args[0];
        bool read = base.location == DataLocation::Storage;  // a struct member
        if (e.kind == Expr::Kind::Balance)
            read = true;
        else if (e.kind == Expr::Kind::Index)
            read = base.type->kind == Type::Kind::Mapping ||
                   (base.type->kind == Type::Kind::Array && base.location == DataLocation::Storage);
        if (read) reads(e.loc);
    }

    void reads(Location where) {
        if (modifier_) modifier_->reads_state = true;
        if (!function_ || reported_) return;
        if (function_->mutability == Mutability::Pure) {
            reported_ = true;
            diags_.error(
                where,
                "function declared as pure, but this expression (potentially) reads from the environment "
                "or state and thus requires \"view\"");
        }
    }

    void writes(Location where) {
        if (modifier_) modifier_->writes_state = true;
        if (!function_ || reported_) return;
        if (function_->mutability == Mutability::Pure || function_->mutability == Mutability::View) {
            reported_ = true;
            diags_.error(where, std::string("function cannot be declared as ") +
                                    (function_->mutability == Mutability::Pure ? "pure" : "view") +
                                    " because this expression (potentially) modifies the state");
        }
    }

    Diagnostics& diags_;
    ModifierInfo* modifier_ = nullptr;
    const FunctionInfo* function_ = nullptr;
    bool reported_ = false;  ///< the current function's violation is reported
};

}  // namespace

void check_view_pure(Context& cx) {
    ViewPureChecker checker{cx.diags};
    for (auto& c : cx.prog.contracts) {
        for (auto& m : c->modifiers) checker.modifier(*m);
        for (const auto& f : c->functions)
            if (f->ast) checker.function(*f);  // getters are built, not written
    }
}

}  // namespace trainchain::compiler::analysis
