// compiler/src/codegen.cpp - the checked tree to EVM assembly.
//
// Conventions, as solc's legacy code generator:
// - Local variables, parameters and return variables live on the EVM stack; the generator tracks
//   the stack height and reaches a variable with DUPn/SWAPn (n <= 16, else "stack too deep").
// - An internal call pushes a return label and the arguments and jumps; the callee leaves its
//   return values where its frame began and jumps back.
// - Memory: 0x00-0x3f scratch (mapping slots are hashed there), 0x40 the free memory pointer,
//   0x60 a zero word (empty arrays point there), allocation from 0x80 up and never freed.
// - Storage: state variables packed into slots in declaration order; mapping values at
//   keccak256(key . slot); dynamic array data at keccak256(slot), the length in the slot.
// - Checked arithmetic reverts with Panic(0x11), division by zero with Panic(0x12), bad array
//   indices with Panic(0x32) (a public getter's with empty revert data, as solc's), pop of an empty
//   array with Panic(0x31), assert with Panic(0x01).
#include "codegen.hpp"

#include <functional>
#include <optional>

#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/opcodes.hpp"

namespace trainchain::compiler {
namespace {

using vm::Opcode;
using vm::uint256;

constexpr uint64_t free_pointer = 0x40;
constexpr uint64_t zero_slot = 0x60;
constexpr uint64_t heap_start = 0x80;

uint256 low_mask(unsigned bits) {
    return bits >= 256 ? uint256::max() : (uint256{1} << uint256{bits}) - uint256{1};
}
uint256 high_mask(unsigned bits) { return ~low_mask(256 - bits); }
uint256 min_signed(unsigned bits) { return ~low_mask(bits - 1); }  // sign-extended minimum

/// True when evaluating `e` has no effect and cannot revert, so that when it runs is unobservable:
/// constants and reads of variables, struct members and the environment, and conversions of them.
bool order_free(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::Constant:
        case Expr::Kind::Local:
        case Expr::Kind::StateVar:
        case Expr::Kind::Immutable:
            return true;
        case Expr::Kind::BuiltinValue:
            return e.args.empty();
        case Expr::Kind::Convert:
        case Expr::Kind::Member:
            return order_free(*e.args[0]);
        default:
            return false;
    }
}

/// True when evaluating `e` changes nothing (it may still revert): no assignment, call, creation,
/// array push or pop, delete or memory allocation anywhere in it. The walk is as deep as the
/// expression, which the parser bounds (max_expression_height).
bool effect_free(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::Assign:
        case Expr::Kind::IncDec:
        case Expr::Kind::InternalCall:
        case Expr::Kind::ExternalCall:
        case Expr::Kind::Create:
        case Expr::Kind::ArrayPush:
        case Expr::Kind::ArrayPop:
        case Expr::Kind::Delete:
        case Expr::Kind::NewArray:
        case Expr::Kind::StructConstruct:
        case Expr::Kind::StringConstant:
        case Expr::Kind::AbiEncode:
        case Expr::Kind::AbiEncodePacked:
        case Expr::Kind::Keccak256:
        case Expr::Kind::Sha256:
            return false;
        default:
            for (const auto& a : e.args)
                if (a && !effect_free(*a)) return false;
            return !e.args_value || effect_free(*e.args_value);
    }
}

/// True when the place an assignment writes to is computed without effects or reverts from values
/// nothing can change: a local, an immutable, a state variable or a storage member of one.
bool fixed_place(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::Local:
        case Expr::Kind::StateVar:
        case Expr::Kind::Immutable:
        case Expr::Kind::Empty:
            return true;
        case Expr::Kind::Member:
            return e.location == DataLocation::Storage && fixed_place(*e.args[0]) &&
                   e.args[0]->kind != Expr::Kind::Local;
        default:
            return false;
    }
}

/// True when the place an assignment writes to is computed without effects or reverts: a fixed
/// place, a member of a quiet place, or a mapping value of a quiet place under a key that is
/// order_free (a value that changes nothing cannot change what such a place reads).
bool quiet_place(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::Local:
        case Expr::Kind::StateVar:
        case Expr::Kind::Immutable:
        case Expr::Kind::Empty:
            return true;
        case Expr::Kind::Member:
            return quiet_place(*e.args[0]);
        case Expr::Kind::Index:
            return e.args[0]->type->kind == Type::Kind::Mapping && quiet_place(*e.args[0]) &&
                   order_free(*e.args[1]);
        default:
            return false;
    }
}

/// True when an assignment may compute the target's place before the value without any visible
/// difference from solc's order (the value first).
bool place_first_is_unobservable(const Expr& target, const Expr& value) {
    return fixed_place(target) || (quiet_place(target) && effect_free(value)) ||
           (order_free(value) && effect_free(target));
}

/// True when a binary operator may run its left operand first without any visible difference from
/// solc's order (the right one first): a constant operand, or one operand that neither changes
/// anything nor reverts while the other changes nothing.
bool left_first_is_unobservable(const Expr& lhs, const Expr& rhs) {
    return lhs.kind == Expr::Kind::Constant || rhs.kind == Expr::Kind::Constant ||
           (order_free(rhs) && effect_free(lhs)) || (order_free(lhs) && effect_free(rhs));
}

/// Where a storage reference's byte offset is.
struct StorageRef {
    bool dynamic_offset = false;  ///< the offset is on the stack above the slot
    unsigned offset = 0;          ///< the static byte offset otherwise
    [[nodiscard]] int width() const { return dynamic_offset ? 2 : 1; }
};

/// An assignable place.
struct LValue {
    enum class Kind { Local, Storage, Memory, Immutable, Tuple, Empty } kind = Kind::Local;
    const Type* type = nullptr;
    const VarInfo* var = nullptr;
    StorageRef storage;
    std::vector<LValue> components;  ///< Tuple
    bool byte = false;               ///< Memory: one byte of a bytes value
    /// Items the address takes on the stack.
    [[nodiscard]] int width() const {
        switch (kind) {
            case Kind::Storage:
                return storage.width();
            case Kind::Memory:
                return 1;
            default:
                return 0;
        }
    }
};

struct LoopTarget {
    size_t break_label;
    size_t continue_label;
    int height;
};

struct ReturnTarget {
    size_t label;
    int height;
};

class Gen {
public:
    Gen(const ContractInfo& contract, Diagnostics& diags,
        const std::map<const ContractInfo*, vm::bytes>& creation, bool is_init)
        : contract_{contract}, diags_{diags}, creation_{creation}, is_init_{is_init} {}

    Assembly assembly;

    void runtime();
    void init(const vm::bytes& runtime_code, const std::vector<std::vector<size_t>>& immutable_offsets);

private:
    // ---- emission -------------------------------------------------------------------------
    void op(Opcode o) {
        AsmItem it;
        it.kind = AsmItem::Kind::Op;
        it.opcode = static_cast<uint8_t>(o);
        it.loc = loc_;
        assembly.items.push_back(it);
        const auto& info = vm::opcode_infos[it.opcode];
        height_ += static_cast<int>(info.stack_out) - static_cast<int>(info.stack_in);
    }
    void push(const uint256& v) {
        AsmItem it;
        it.kind = AsmItem::Kind::Push;
        it.value = v;
        it.loc = loc_;
        assembly.items.push_back(it);
        ++height_;
    }
    void push(uint64_t v) { push(uint256{v}); }
    void push_special(AsmItem::Kind kind, size_t label) {
        AsmItem it;
        it.kind = kind;
        it.label = label;
        it.loc = loc_;
        assembly.items.push_back(it);
        ++height_;
    }
    void push_label(size_t l) { push_special(AsmItem::Kind::PushLabel, l); }
    void label(size_t l) {
        AsmItem it;
        it.kind = AsmItem::Kind::Label;
        it.label = l;
        it.loc = loc_;
        assembly.items.push_back(it);
    }
    void label(size_t l, int height) {
        label(l);
        height_ = height;
    }
    void jump(size_t l) {
        push_label(l);
        op(Opcode::JUMP);
    }
    void jumpi(size_t l) {
        push_label(l);
        op(Opcode::JUMPI);
    }
    size_t new_label() { return assembly.new_label(); }
    bool stack_ok(int n) {
        if (n >= 1 && n <= 16) return true;
        if (!reported_deep_) {
            diags_.error(loc_,
                         "stack too deep: a variable is " + std::to_string(n) +
                             " slots below the top of the stack (the limit is 16); use fewer local variables "
                             "or split the function");
            reported_deep_ = true;
        }
        return false;
    }
    void dup(int n) {
        if (!stack_ok(n)) n = 1;
        op(static_cast<Opcode>(static_cast<int>(Opcode::DUP1) + n - 1));
    }
    void swap(int n) {
        if (!stack_ok(n)) n = 1;
        op(static_cast<Opcode>(static_cast<int>(Opcode::SWAP1) + n - 1));
    }
    void pop(int n = 1) {
        for (int i = 0; i < n; ++i) op(Opcode::POP);
    }
    void pop_to(int h) {
        while (height_ > h) op(Opcode::POP);
    }
    /// Moves the top item below the `n` items under it.
    void bury(int n) {
        for (int i = n; i >= 1; --i) swap(i);
    }
    /// Keeps the items at `keep` (indices into the top `total` items, 0 = deepest) in that order
    /// and drops the others.
    void reshape(int total, const std::vector<int>& keep);

    size_t panic_label(unsigned code) {
        auto [it, fresh] = panics_.emplace(code, 0);
        if (fresh) it->second = new_label();
        return it->second;
    }
    size_t revert_label() {
        if (!revert_label_) revert_label_ = new_label();
        return *revert_label_;
    }
    size_t bubble_label() {
        if (!bubble_label_) bubble_label_ = new_label();
        return *bubble_label_;
    }
    size_t function_label(const FunctionInfo* f) {
        auto [it, fresh] = function_labels_.emplace(f, 0);
        if (fresh) {
            it->second = new_label();
            pending_.push_back(f);
        }
        return it->second;
    }
    size_t data_blob(const ContractInfo* c) {
        auto it = blobs_.find(c);
        if (it != blobs_.end()) return it->second;
        assembly.data.push_back(creation_.at(c));
        blobs_[c] = assembly.data.size() - 1;
        return assembly.data.size() - 1;
    }
    void emit_shared();

    // ---- values and types -----------------------------------------------------------------
    static int width(const Type* t) {
        if (t->kind == Type::Kind::Void) return 0;
        if (t->kind == Type::Kind::Tuple) return static_cast<int>(t->members.size());
        return 1;
    }
    void clean(const Type* t);
    void validate(const Type* t);
    void zero_value(const Type* t, DataLocation loc);
    void convert(const Type* from, const Type* to);
    void arith(BinaryOp op, const Type* t, bool checked);
    void checked_mul(const Type* t);
    /// [r] -> [r], Panic(0x11) unless r is a clean value of the signed type t (no overflow).
    void panic_unless_clean(const Type* t) {
        dup(1);
        dup(1);
        clean(t);
        op(Opcode::EQ);
        op(Opcode::ISZERO);
        jumpi(panic_label(0x11));
    }
    /// [r] -> [r], Panic(0x11) when r > max.
    void panic_above(const uint256& max) {
        dup(1);
        push(max);
        op(Opcode::LT);
        jumpi(panic_label(0x11));
    }
    /// [a, b, r] -> [a, b, r], Panic(0x11) unless a == 0 or r / a == b (`div`: DIV or SDIV), i.e.
    /// when the product r = a * b wrapped around 2^256.
    void panic_if_wrapped(Opcode div) {
        dup(3);
        op(Opcode::ISZERO);
        dup(4);
        dup(3);
        op(div);
        dup(4);
        op(Opcode::EQ);
        op(Opcode::OR);
        op(Opcode::ISZERO);
        jumpi(panic_label(0x11));
    }
    /// [x] -> [], Panic(0x11) when x's sign bit is set.
    void panic_if_negative() {
        push(255);
        op(Opcode::SHR);
        jumpi(panic_label(0x11));
    }
    void compare(BinaryOp op, const Type* t);

    // ---- storage and memory ---------------------------------------------------------------
    StorageRef storage_ref(const Expr& e);
    void storage_element(const Type* array_type);  // [base_slot, index] -> element ref (see code)
    void storage_load(const Type* t, StorageRef ref);
    void storage_store(const Type* t, StorageRef ref);
    void memory_address(const Expr& e);
    void allocate(uint64_t size);  // -> [ptr]
    void allocate_dynamic();       // [size] -> [ptr]
    void string_constant(const std::string& text);
    void copy_memory();  // [dst, src, len] -> []

    // ---- expressions ----------------------------------------------------------------------
    void expr(const Expr& e);
    void expr_discard(const Expr& e);
    LValue lvalue(const Expr& e);
    void load(const LValue& lv);
    void store(const LValue& lv);
    void assign(const Expr& e, bool want_value);
    void incdec(const Expr& e, bool want_value);
    void internal_call(const Expr& e);
    void external_call(const Expr& e);
    void create(const Expr& e);
    void abi_encode(const std::vector<const Type*>& types, bool packed);  // [v.., base] -> [base, end]
    void encode_with_selector(uint32_t selector,
                              const std::vector<const Type*>& types);  // [v..] -> [start, end]
    void to_offset_size();                                             // [start, end] -> [size, start]
    void revert_with_message(const Expr& message);

    // ---- statements and functions ---------------------------------------------------------
    void stmt(const Stmt& s);
    void function_body(const FunctionInfo& f);
    void modifiers(const FunctionInfo& f, size_t k, size_t body_exit);
    void subroutine(const FunctionInfo& f);
    void external_stub(const FunctionInfo& f, size_t stub);
    void decode_calldata(const Type* t, uint64_t head_offset);
    void decode_memory_argument(const Type* t, uint64_t head_offset, int base_depth);

    const ContractInfo& contract_;
    Diagnostics& diags_;
    const std::map<const ContractInfo*, vm::bytes>& creation_;
    const bool is_init_;
    Location loc_;
    int height_ = 0;
    bool reported_deep_ = false;
    std::map<const VarInfo*, int> positions_;
    std::vector<LoopTarget> loops_;
    std::vector<ReturnTarget> returns_;
    std::vector<const VarInfo*> current_returns_;  ///< the return variables of the function being generated
    struct Placeholder {
        const FunctionInfo* function;
        size_t next;
    };
    std::vector<Placeholder> placeholders_;
    std::map<unsigned, size_t> panics_;
    std::optional<size_t> revert_label_;
    std::optional<size_t> bubble_label_;
    std::map<const FunctionInfo*, size_t> function_labels_;
    std::vector<const FunctionInfo*> pending_;
    std::map<const ContractInfo*, size_t> blobs_;
};

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

// ==== types =======================================================================================

void Gen::clean(const Type* t) {
    switch (t->kind) {
        case Type::Kind::Uint:
            if (t->bits < 256) {
                push(low_mask(t->bits));
                op(Opcode::AND);
            }
            break;
        case Type::Kind::Int:
            if (t->bits < 256) {
                push(t->bits / 8 - 1);
                op(Opcode::SIGNEXTEND);
            }
            break;
        case Type::Kind::Address:
        case Type::Kind::Contract:
            push(low_mask(160));
            op(Opcode::AND);
            break;
        case Type::Kind::Bool:
            op(Opcode::ISZERO);
            op(Opcode::ISZERO);
            break;
        case Type::Kind::FixedBytes:
            if (t->bits < 256) {
                push(high_mask(t->bits));
                op(Opcode::AND);
            }
            break;
        default:
            break;
    }
}

void Gen::validate(const Type* t) {
    // [v] -> [v], reverting when v is not a clean value of t (as solc's ABI decoder does).
    const bool full = (t->is_integer() || t->kind == Type::Kind::FixedBytes) && t->bits == 256;
    if (full) return;
    dup(1);
    clean(t);
    dup(2);
    op(Opcode::EQ);
    op(Opcode::ISZERO);
    jumpi(revert_label());
}

void Gen::zero_value(const Type* t, DataLocation loc) {
    if (t->is_reference() && loc == DataLocation::Memory) {
        if (t->kind == Type::Kind::Struct) {
            const uint64_t size = 32 * t->struct_info->members.size();
            allocate(size);
            // Zero it: calldatacopy from beyond the calldata reads zeros.
            push(size);
            op(Opcode::CALLDATASIZE);
            dup(3);
            op(Opcode::CALLDATACOPY);
            return;
        }
        push(zero_slot);
        return;
    }
    push(uint64_t{0});
}

void Gen::convert(const Type* from, const Type* to) {
    if (from == to || to->kind == Type::Kind::Void) return;
    if (from->kind == Type::Kind::StringLiteral || from->kind == Type::Kind::IntLiteral) return;
    switch (to->kind) {
        case Type::Kind::Uint:
            if (from->kind == Type::Kind::FixedBytes) {
                push(256 - from->bits);
                op(Opcode::SHR);
            } else if (from->kind == Type::Kind::Int || from->bits > to->bits) {
                clean(to);
            }
            break;
        case Type::Kind::Int:
            if (from->kind == Type::Kind::Uint ? from->bits >= to->bits : from->bits > to->bits) clean(to);
            break;
        case Type::Kind::FixedBytes:
            if (from->kind == Type::Kind::Uint || from->kind == Type::Kind::Address) {
                push(256 - to->bits);
                op(Opcode::SHL);
            } else if (from->bits > to->bits) {
                clean(to);
            }
            break;
        case Type::Kind::Address:
        case Type::Kind::Contract:
            if (from->kind == Type::Kind::FixedBytes) {
                push(96);
                op(Opcode::SHR);
            }
            break;
        default:
            break;
    }
}

void Gen::arith(BinaryOp o, const Type* t, bool checked) {
    // [a, b] -> [a op b]
    const bool is_signed = t->is_signed();
    const unsigned bits = t->bits;
    const size_t overflow = panic_label(0x11);
    switch (o) {
        case BinaryOp::Add:
            if (!checked) {
                op(Opcode::ADD);
                clean(t);
            } else if (!is_signed && bits == 256) {
                dup(2);
                op(Opcode::ADD);
                dup(1);
                swap(2);
                op(Opcode::GT);
                jumpi(overflow);
            } else if (!is_signed) {
                op(Opcode::ADD);
                panic_above(low_mask(bits));
            } else if (bits < 256) {
                op(Opcode::ADD);
                panic_unless_clean(t);
            } else {
                dup(2);
                dup(2);
                op(Opcode::ADD);  // [a, b, r]
                dup(1);
                dup(4);
                op(Opcode::XOR);
                dup(2);
                dup(4);
                op(Opcode::XOR);
                op(Opcode::AND);
                panic_if_negative();
                swap(2);
                pop(2);
            }
            break;
        case BinaryOp::Sub:
            if (!checked) {
                swap(1);
                op(Opcode::SUB);
                clean(t);
            } else if (!is_signed) {
                dup(1);
                dup(3);
                op(Opcode::LT);
                jumpi(overflow);
                swap(1);
                op(Opcode::SUB);
            } else if (bits < 256) {
                swap(1);
                op(Opcode::SUB);
                panic_unless_clean(t);
            } else {
                dup(1);
                dup(3);
                op(Opcode::SUB);  // [a, b, r]
                dup(2);
                dup(4);
                op(Opcode::XOR);
                dup(2);
                dup(5);
                op(Opcode::XOR);
                op(Opcode::AND);
                panic_if_negative();
                swap(2);
                pop(2);
            }
            break;
        case BinaryOp::Mul:
            if (!checked) {
                op(Opcode::MUL);
                clean(t);
            } else {
                checked_mul(t);
            }
            break;
        case BinaryOp::Div:
        case BinaryOp::Mod: {
            dup(1);
            op(Opcode::ISZERO);
            jumpi(panic_label(0x12));
            if (is_signed && o == BinaryOp::Div && checked) {
                dup(1);
                op(Opcode::NOT);
                op(Opcode::ISZERO);  // b == -1
                dup(3);
                push(min_signed(bits));
                op(Opcode::EQ);
                op(Opcode::AND);
                jumpi(overflow);
            }
            swap(1);
            op(is_signed ? (o == BinaryOp::Div ? Opcode::SDIV : Opcode::SMOD)
                         : (o == BinaryOp::Div ? Opcode::DIV : Opcode::MOD));
            if (is_signed && o == BinaryOp::Div && !checked) clean(t);
            break;
        }
        case BinaryOp::Exp:
            if (!checked) {
                swap(1);
                op(Opcode::EXP);
                clean(t);
            } else {
                // Square-and-multiply with checked multiplications.
                const size_t loop = new_label(), skip = new_label(), end = new_label();
                push(1);  // [b, e, r]
                const int h = height_;
                label(loop, h);
                dup(2);
                op(Opcode::ISZERO);
                jumpi(end);
                dup(2);
                push(1);
                op(Opcode::AND);
                op(Opcode::ISZERO);
                jumpi(skip);
                dup(3);
                dup(2);
                checked_mul(t);
                swap(1);
                pop();
                label(skip, h);
                swap(1);
                push(1);
                op(Opcode::SHR);
                swap(1);
                dup(2);
                op(Opcode::ISZERO);
                jumpi(end);
                dup(3);
                dup(1);
                checked_mul(t);
                swap(3);
                pop();
                jump(loop);
                label(end, h);
                swap(2);
                pop(2);
            }
            break;
        case BinaryOp::Shl:
            op(Opcode::SHL);
            clean(t);
            break;
        case BinaryOp::Shr:
            op(is_signed ? Opcode::SAR : Opcode::SHR);
            if (t->kind == Type::Kind::FixedBytes) clean(t);
            break;
        case BinaryOp::BitAnd:
            op(Opcode::AND);
            break;
        case BinaryOp::BitOr:
            op(Opcode::OR);
            break;
        case BinaryOp::BitXor:
            op(Opcode::XOR);
            break;
        default:
            compare(o, t);
            break;
    }
}

void Gen::checked_mul(const Type* t) {
    // [a, b] -> [a * b], Panic(0x11) when the product leaves the type.
    const size_t overflow = panic_label(0x11);
    const unsigned bits = t->bits;
    if (!t->is_signed()) {
        if (bits <= 128) {
            op(Opcode::MUL);
            panic_above(low_mask(bits));
            return;
        }
        dup(2);
        dup(2);
        op(Opcode::MUL);  // [a, b, r]
        panic_if_wrapped(Opcode::DIV);
        if (bits < 256) {
            panic_above(low_mask(bits));
        }
        swap(2);
        pop(2);
        return;
    }
    if (bits <= 128) {
        op(Opcode::MUL);
        panic_unless_clean(t);
        return;
    }
    dup(2);
    dup(2);
    op(Opcode::MUL);  // [a, b, r]
    panic_if_wrapped(Opcode::SDIV);
    if (bits == 256) {
        dup(3);
        op(Opcode::NOT);
        op(Opcode::ISZERO);
        dup(3);
        push(min_signed(256));
        op(Opcode::EQ);
        op(Opcode::AND);
        jumpi(overflow);
    } else {
        panic_unless_clean(t);
    }
    swap(2);
    pop(2);
}

void Gen::compare(BinaryOp o, const Type* t) {
    // [a, b] -> [a op b]
    const bool s = t->is_signed();
    switch (o) {
        case BinaryOp::Lt:
            op(s ? Opcode::SGT : Opcode::GT);
            break;
        case BinaryOp::Gt:
            op(s ? Opcode::SLT : Opcode::LT);
            break;
        case BinaryOp::Le:
            op(s ? Opcode::SLT : Opcode::LT);
            op(Opcode::ISZERO);
            break;
        case BinaryOp::Ge:
            op(s ? Opcode::SGT : Opcode::GT);
            op(Opcode::ISZERO);
            break;
        case BinaryOp::Eq:
            op(Opcode::EQ);
            break;
        case BinaryOp::Ne:
            op(Opcode::EQ);
            op(Opcode::ISZERO);
            break;
        default:
            break;
    }
}

// ==== storage and memory ==========================================================================

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
    expr(*e.args[0]);
    expr(*e.args[1]);
    dup(2);
    op(Opcode::MLOAD);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(panic_label(0x32));
    if (e.args[0]->type->kind != Type::Kind::Bytes) {  // bytes: one byte per index
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

void Gen::copy_memory() {
    // [dst, src, len] -> []: word by word (MCOPY is Cancun-only); may write up to 31 bytes past
    // dst + len, which callers either overwrite or zero.
    const size_t loop = new_label(), end = new_label();
    push(uint64_t{0});  // [dst, src, len, i]
    const int h = height_;
    label(loop, h);
    dup(2);
    dup(2);
    op(Opcode::LT);
    op(Opcode::ISZERO);
    jumpi(end);
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
    jump(loop);
    label(end, h);
    pop(4);
}

// ==== expressions =================================================================================

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
            if (e.type->is_value())
                storage_load(e.type, storage_ref(e));
            else
                push(e.var->slot);
            break;
        case Expr::Kind::Immutable:
            if (is_init_) {
                push(heap_start + 32 * e.var->immutable_index);
                op(Opcode::MLOAD);
            } else {
                push_special(AsmItem::Kind::PushImmutable, e.var->immutable_index);
            }
            break;
        case Expr::Kind::Binary: {
            if (e.binary_op == BinaryOp::And || e.binary_op == BinaryOp::Or) {
                const size_t end = new_label();
                expr(*e.args[0]);
                dup(1);
                if (e.binary_op == BinaryOp::And) op(Opcode::ISZERO);
                jumpi(end);
                pop();
                expr(*e.args[1]);
                label(end);
                break;
            }
            // The right operand first, then the left, as solc's legacy code generator does; when
            // the order cannot be told apart, the left first, which saves a SWAP and keeps a long
            // left-leaning chain (`x + x + ... + x`) from piling its operands up on the stack.
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
            break;
        }
        case Expr::Kind::Unary:
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
            break;
        case Expr::Kind::Conditional: {
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
            break;
        }
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
        case Expr::Kind::ExternalCall:
            external_call(e);
            break;
        case Expr::Kind::Create:
            create(e);
            break;
        case Expr::Kind::BuiltinValue:
            switch (e.builtin) {
                case Builtin::MsgSender:
                    op(Opcode::CALLER);
                    break;
                case Builtin::MsgValue:
                    op(Opcode::CALLVALUE);
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
            break;
        case Expr::Kind::Balance:
            if (e.args[0]->kind == Expr::Kind::Convert &&
                e.args[0]->args[0]->kind == Expr::Kind::BuiltinValue &&
                e.args[0]->args[0]->builtin == Builtin::This) {
                op(Opcode::SELFBALANCE);
                break;
            }
            expr(*e.args[0]);
            op(Opcode::BALANCE);
            break;
        case Expr::Kind::Index:
        case Expr::Kind::Member:
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
                break;
            }
            if (e.kind == Expr::Kind::Index && e.args[0]->type->kind == Type::Kind::Bytes) {
                memory_address(e);
                op(Opcode::MLOAD);
                push(high_mask(8));
                op(Opcode::AND);
                break;
            }
            if (e.location == DataLocation::Storage) {
                const StorageRef ref = storage_ref(e);
                if (e.type->is_value()) storage_load(e.type, ref);
            } else {
                memory_address(e);
                if (e.type->is_value()) op(Opcode::MLOAD);
            }
            break;
        case Expr::Kind::ArrayLength:
            if (e.args[0]->location == DataLocation::Storage) {
                storage_ref(*e.args[0]);
                op(Opcode::SLOAD);
            } else {
                expr(*e.args[0]);
                op(Opcode::MLOAD);
            }
            break;
        case Expr::Kind::ArrayPush:
            if (e.args.size() == 2) {
                const StorageRef ref = storage_ref(e);
                expr(*e.args[1]);
                storage_store(e.args[0]->type->element, ref);
            } else {
                const StorageRef ref = storage_ref(e);  // the new element
                const Type* el = e.args[0]->type->element;
                if (el->is_value()) storage_load(el, ref);  // as a value: its (zero) content
            }
            break;
        case Expr::Kind::ArrayPop: {
            const Type* base = e.args[0]->type;
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
                for (uint64_t j = 0; j < el->storage_slots(); ++j) {
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
            break;
        }
        case Expr::Kind::Keccak256:
            expr(*e.args[0]);
            dup(1);
            op(Opcode::MLOAD);
            swap(1);
            push(32);
            op(Opcode::ADD);
            op(Opcode::KECCAK256);
            break;
        case Expr::Kind::Sha256:
            expr(*e.args[0]);  // [p]
            push(32);
            push(uint64_t{0});
            dup(3);
            op(Opcode::MLOAD);
            dup(4);
            push(32);
            op(Opcode::ADD);
            push(2);
            op(Opcode::GAS);
            op(Opcode::STATICCALL);
            op(Opcode::ISZERO);
            jumpi(bubble_label());
            pop();
            push(uint64_t{0});
            op(Opcode::MLOAD);
            break;
        case Expr::Kind::AbiEncode:
        case Expr::Kind::AbiEncodePacked: {
            std::vector<const Type*> types;
            for (const auto& a : e.args) {
                expr(*a);
                types.push_back(a->type);
            }
            push(free_pointer);
            op(Opcode::MLOAD);
            push(32);
            op(Opcode::ADD);                                           // [v.., data]
            abi_encode(types, e.kind == Expr::Kind::AbiEncodePacked);  // [data, end]
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
            break;
        }
        case Expr::Kind::Tuple:
            for (const auto& a : e.args) expr(*a);
            break;
        case Expr::Kind::StructConstruct:
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
            break;
        case Expr::Kind::NewArray:
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
            break;
        case Expr::Kind::Require: {
            const size_t ok = new_label();
            expr(*e.args[0]);
            jumpi(ok);
            const int h = height_;
            if (e.args.size() == 2)
                revert_with_message(*e.args[1]);
            else
                jump(revert_label());
            label(ok, h);
            break;
        }
        case Expr::Kind::Assert: {
            const size_t ok = new_label();
            expr(*e.args[0]);
            jumpi(ok);
            jump(panic_label(0x01));
            label(ok);
            break;
        }
        case Expr::Kind::Revert: {
            const int h = height_;
            if (!e.args.empty())
                revert_with_message(*e.args[0]);
            else
                jump(revert_label());
            height_ = h;
            break;
        }
        case Expr::Kind::Delete: {
            const Expr& target = *e.args[0];
            if (target.type->kind == Type::Kind::Struct) {
                storage_ref(target);
                for (uint64_t j = 0; j < target.type->storage_slots(); ++j) {
                    push(uint64_t{0});
                    dup(2);
                    if (j) {
                        push(j);
                        op(Opcode::ADD);
                    }
                    op(Opcode::SSTORE);
                }
                pop();
                break;
            }
            const LValue lv = lvalue(target);
            zero_value(target.type, target.location);
            store(lv);
            break;
        }
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
            if (lv.type->kind == Type::Kind::Struct) {
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
    if (target.type->kind == Type::Kind::Struct && target.location == DataLocation::Storage &&
        target.kind != Expr::Kind::Local) {
        // Copy a struct into storage: from memory member by member, from storage slot by slot.
        if (!place_first_is_unobservable(target, source)) {  // the value first, as solc
            expr(source);                                    // [src]
            storage_ref(target);                             // [src, slot]
            swap(1);
        } else {
            storage_ref(target);  // [slot]
            expr(source);         // [slot, src]
        }
        const StructInfo& s = *target.type->struct_info;
        if (source.location == DataLocation::Memory) {
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
                storage_store(m.type, StorageRef{false, m.offset});
            }
        } else {
            for (uint64_t j = 0; j < s.slots; ++j) {
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
        }
        pop(2);
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

void Gen::abi_encode(const std::vector<const Type*>& types, bool packed) {
    // [v1..vn, base] -> [base, end]. Values are one word each: value types, or memory pointers of
    // bytes/string.
    const int n = static_cast<int>(types.size());
    if (packed) {
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
    } else {
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
    jumpi(bubble_label());
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
    jumpi(bubble_label());
    const int total = n + (has_value ? 1 : 0) + 2;
    reshape(total, {total - 1});
}

// ==== statements ==================================================================================

void Gen::stmt(const Stmt& s) {
    const Location saved = loc_;
    if (s.loc.line) loc_ = s.loc;
    switch (s.kind) {
        case Stmt::Kind::Block: {
            const int h = height_;
            for (const auto& b : s.body)
                if (b) stmt(*b);
            pop_to(h);
            break;
        }
        case Stmt::Kind::Expression:
            expr_discard(*s.expr);
            break;
        case Stmt::Kind::VarDecl:
            if (s.expr) {
                expr(*s.expr);
            } else {
                for (const auto* v : s.vars) zero_value(v->type, v->location);
            }
            for (size_t i = 0; i < s.vars.size(); ++i)
                if (s.vars[i])
                    positions_[s.vars[i]] = height_ - static_cast<int>(s.vars.size()) + static_cast<int>(i);
            break;
        case Stmt::Kind::If: {
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
            break;
        }
        case Stmt::Kind::While: {
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
            break;
        }
        case Stmt::Kind::DoWhile: {
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
            break;
        }
        case Stmt::Kind::For: {
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
            break;
        }
        case Stmt::Kind::Break:
        case Stmt::Kind::Continue: {
            const auto& target = loops_.back();
            const int h = height_;
            pop_to(target.height);
            jump(s.kind == Stmt::Kind::Break ? target.break_label : target.continue_label);
            height_ = h;
            break;
        }
        case Stmt::Kind::Return: {
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
            break;
        }
        case Stmt::Kind::Emit: {
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
                const auto topic = vm::keccak256(
                    {reinterpret_cast<const uint8_t*>(ev.signature.data()), ev.signature.size()});
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
            break;
        }
        case Stmt::Kind::RevertError: {
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
            break;
        }
        case Stmt::Kind::Placeholder: {
            const Placeholder p = placeholders_.back();
            placeholders_.pop_back();
            const size_t exit = new_label();
            const int h = height_;
            modifiers(*p.function, p.next, exit);
            label(exit, h);
            placeholders_.push_back(p);
            break;
        }
    }
    loc_ = saved;
}

// ==== functions ===================================================================================

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

void Gen::external_stub(const FunctionInfo& f, size_t stub) {
    loc_ = f.loc;
    label(stub, 1);
    pop();  // the selector
    if (f.mutability != Mutability::Payable) {
        op(Opcode::CALLVALUE);
        jumpi(revert_label());
    }
    const uint64_t head = 32 * f.params.size();
    if (head) {
        push(4 + head);
        op(Opcode::CALLDATASIZE);
        op(Opcode::LT);
        jumpi(revert_label());
    }
    const size_t ret = new_label();
    push_label(ret);
    for (size_t i = 0; i < f.params.size(); ++i) decode_calldata(f.params[i]->type, 4 + 32 * i);
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
    while (!pending_.empty()) {
        const FunctionInfo* f = pending_.front();
        pending_.erase(pending_.begin());
        subroutine(*f);
    }
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
            f->externally_visible())
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
        jump(function_label(f));
        label(ret, 0);
        op(Opcode::STOP);
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
        // Constructor arguments follow the program: copy them to memory and decode.
        const uint64_t n = ctor->params.size();
        push_special(AsmItem::Kind::PushProgramSize, 0);
        op(Opcode::CODESIZE);
        op(Opcode::SUB);  // [len]
        dup(1);
        push(32 * n);
        op(Opcode::GT);
        jumpi(revert_label());
        dup(1);
        allocate_dynamic();  // [len, base]
        dup(2);
        push_special(AsmItem::Kind::PushProgramSize, 0);
        dup(3);
        op(Opcode::CODECOPY);
        for (uint64_t i = 0; i < n; ++i) {
            dup(1 + static_cast<int>(i));
            if (i) {
                push(32 * i);
                op(Opcode::ADD);
            }
            op(Opcode::MLOAD);
            validate(ctor->params[i]->type);
            positions_[ctor->params[i]] = height_ - 1;
        }
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
        storage_store(var->type, StorageRef{false, var->offset});
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

}  // namespace

bool generate(const ContractInfo& contract, const Options& options,
              const std::map<const ContractInfo*, vm::bytes>& creation_code, Diagnostics& diags,
              ContractCode& out) {
    const size_t errors_before = diags.error_count();
    Gen rt(contract, diags, creation_code, false);
    rt.runtime();
    if (options.optimize) optimize(rt.assembly);
    Assembled runtime;
    std::string error;
    if (!assemble(rt.assembly, contract.immutables.size(), diags.file().name(), runtime, error)) {
        diags.error(contract.loc, "contract '" + contract.name + "': " + error);
        return false;
    }
    Gen in(contract, diags, creation_code, true);
    in.init(runtime.code, runtime.immutable_offsets);
    if (options.optimize) optimize(in.assembly);
    Assembled init;
    if (!assemble(in.assembly, 0, diags.file().name(), init, error)) {
        diags.error(contract.loc, "contract '" + contract.name + "': " + error);
        return false;
    }
    if (runtime.code.size() > 24576)
        diags.warning(contract.loc,
                      "contract code size of " + std::to_string(runtime.code.size()) +
                          " bytes exceeds 24576 bytes (EIP-170); it cannot be deployed on forks from "
                          "SpuriousDragon on");
    out.runtime = std::move(runtime.code);
    out.init = std::move(init.code);
    out.listing = "=== " + contract.name + " init ===\n" + init.listing + "=== " + contract.name +
                  " runtime ===\n" + runtime.listing;
    return diags.error_count() == errors_before;
}

}  // namespace trainchain::compiler
