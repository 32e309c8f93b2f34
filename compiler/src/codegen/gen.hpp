// compiler/src/codegen/gen.hpp - the code generator of one contract: the Gen class, whose members are
// split by concern over arithmetic.cpp, storage.cpp, expressions.cpp, abi_encoding.cpp,
// statements.cpp and dispatch.cpp, and the helpers they share.
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
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "assembly.hpp"
#include "codegen.hpp"
#include "ir.hpp"
#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/opcodes.hpp"

namespace trainchain::compiler::codegen {

using vm::Opcode;
using vm::uint256;

inline constexpr uint64_t free_pointer = 0x40;
inline constexpr uint64_t zero_slot = 0x60;
inline constexpr uint64_t heap_start = 0x80;

inline uint256 low_mask(unsigned bits) {
    return bits >= 256 ? uint256::max() : (uint256{1} << uint256{bits}) - uint256{1};
}
inline uint256 high_mask(unsigned bits) { return ~low_mask(256 - bits); }
inline uint256 min_signed(unsigned bits) { return ~low_mask(bits - 1); }  // sign-extended minimum

/// True when evaluating `e` has no effect and cannot revert, so that when it runs is unobservable:
/// constants and reads of variables, struct members and the environment, and conversions of them.
inline bool order_free(const Expr& e) {
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
inline bool effect_free(const Expr& e) {
    switch (e.kind) {
        case Expr::Kind::Assign:
        case Expr::Kind::IncDec:
        case Expr::Kind::InternalCall:
        case Expr::Kind::PointerCall:
        case Expr::Kind::ExternalCall:
        case Expr::Kind::Create:
        case Expr::Kind::ArrayPush:
        case Expr::Kind::ArrayPop:
        case Expr::Kind::Delete:
        case Expr::Kind::CopyToMemory:
        case Expr::Kind::NewArray:
        case Expr::Kind::StructConstruct:
        case Expr::Kind::StringConstant:
        case Expr::Kind::AbiEncode:
        case Expr::Kind::AbiEncodePacked:
        case Expr::Kind::AbiEncodeSel:
        case Expr::Kind::AbiDecode:
        case Expr::Kind::LowLevelCall:
        case Expr::Kind::Transfer:
        case Expr::Kind::Send:
        case Expr::Kind::CreationCode:
        case Expr::Kind::Keccak256:
        case Expr::Kind::Sha256:
        case Expr::Kind::Ripemd160:
        case Expr::Kind::Ecrecover:
            return false;
        default:
            for (const auto& a : e.args)
                if (a && !effect_free(*a)) return false;
            return !e.args_value || effect_free(*e.args_value);
    }
}

/// True when the place an assignment writes to is computed without effects or reverts from values
/// nothing can change: a local, an immutable, a state variable or a storage member of one.
inline bool fixed_place(const Expr& e) {
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
inline bool quiet_place(const Expr& e) {
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
inline bool place_first_is_unobservable(const Expr& target, const Expr& value) {
    return fixed_place(target) || (quiet_place(target) && effect_free(value)) ||
           (order_free(value) && effect_free(target));
}

/// True when a binary operator may run its left operand first without any visible difference from
/// solc's order (the right one first): a constant operand, or one operand that neither changes
/// anything nor reverts while the other changes nothing.
inline bool left_first_is_unobservable(const Expr& lhs, const Expr& rhs) {
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

/// Shared code for storage byte arrays (`string`/`bytes`, solc's layout: up to 31 bytes left-aligned
/// in the slot with 2 * length in the lowest byte; longer ones 2 * length + 1 in the slot and the
/// data from keccak256(slot)), emitted once per code object and reached like an internal function.
enum class Routine {
    BytesLength,  ///< [slot] -> [length]; Panic(0x22) for a corrupt encoding
    BytesLoad,    ///< [slot] -> [ptr]: a fresh memory copy
    BytesStore,   ///< [slot, ptr] -> []: the memory value stored, unused old data slots cleared
    BytesPush,    ///< [slot, b] -> []: b (a bytes1) appended
    BytesPop,     ///< [slot] -> []: the last byte removed; Panic(0x31) when empty
    BytesByte,    ///< [slot, i] -> [data slot, byte offset from the low end]; Panic(0x32) when i >= length
    CopyMemory,   ///< [dst, src, len] -> []: copy_memory's loop, shared
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
        const std::map<const ContractInfo*, vm::bytes>& creation,
        const std::map<const ContractInfo*, vm::bytes>& runtime, bool is_init)
        : contract_{contract}, diags_{diags}, creation_{creation}, runtime_{runtime}, is_init_{is_init} {}

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
    /// The data blob of `c`'s init code, or of its runtime code.
    size_t data_blob(const ContractInfo* c, bool runtime_code = false) {
        auto it = blobs_.find({c, runtime_code});
        if (it != blobs_.end()) return it->second;
        assembly.data.push_back(runtime_code ? runtime_.at(c) : creation_.at(c));
        blobs_[{c, runtime_code}] = assembly.data.size() - 1;
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
    void arith_add(const Type* t, bool checked, size_t overflow);  ///< [a, b] -> [a + b]
    void arith_sub(const Type* t, bool checked, size_t overflow);  ///< [a, b] -> [a - b]
    void arith_exp(const Type* t, bool checked);                   ///< [a, b] -> [a ** b]
    /// `x ** y` with a constant base or exponent: evaluates it and returns true, else false (nothing
    /// emitted).
    bool expr_exp(const Expr& e);
    void power_unchecked(uint64_t k);  ///< [x] -> [x ** k], wrapping
    /// The checked exponentiation routine for unsigned `bits` at label `entry`: [ret, b, e] -> [ret, b ** e].
    void exp_routine(unsigned bits, size_t entry);
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
    void copy_memory();            // [dst, src, len] -> [], through Routine::CopyMemory
    void copy_memory_loop();       // [dst, src, len] -> []: the routine's body
    void call_routine(Routine r);  ///< the routine's inputs on the stack -> its outputs
    void emit_routine(Routine r);
    void bytes_length();
    void bytes_load();
    void bytes_store();
    void bytes_push();
    void bytes_pop();
    void bytes_byte();
    void copy_to_memory(const Type* t);           // [slot] -> [ptr]
    void copy_storage_to_storage(const Type* t);  // [dst, src] -> []
    void copy_memory_to_storage(const Type* t);   // [slot, ptr] -> []
    void clear_storage(const Type* t);            // [slot] -> []
    void clear_elements(const Type* array_type);  // [data, from, to] -> []
    void zero_memory(const Type* t);              // [] -> [ptr] of a fresh zero value
    void zero_elements(const Type* element);      // [ptr] -> [ptr]: each element of a T[] a zero value
    void keccak_slot();                           // [slot] -> [keccak256(slot)]

    // ---- expressions ----------------------------------------------------------------------
    void expr(const Expr& e);
    void expr_discard(const Expr& e);
    LValue lvalue(const Expr& e);
    void load(const LValue& lv);
    void store(const LValue& lv);
    void assign(const Expr& e, bool want_value);
    void incdec(const Expr& e, bool want_value);
    void internal_call(const Expr& e);
    void pointer_call(const Expr& e);  ///< PointerCall
    void function_ref(const Expr& e);  ///< FunctionRef
    void external_call(const Expr& e);
    void create(const Expr& e);
    void abi_encode(const std::vector<const Type*>& types, bool packed);  // [v.., base] -> [base, end]
    void abi_encode_packed(const std::vector<const Type*>& types);        ///< abi_encode, packed
    void abi_encode_standard(const std::vector<const Type*>& types);      ///< abi_encode, standard
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
    void decode_calldata(const Type* t, uint64_t head_offset);  // [] -> [v]
    void decode_value(const Type* t);                           // [base, head] -> [v]
    void decode_content(const Type* t);                         // [pos] -> [ptr]
    static uint64_t abi_head_size(const Type* t);               ///< bytes in the head of an encoding
    static uint64_t abi_content_head_size(const Type* t);  ///< head bytes of a struct's or T[k]'s own tuple
    void abi_encode_at(const Type* t);                     // [v, pos] -> [end]
    void abi_encode_content(const Type* t);                ///< abi_encode_at's code for a reference type
    /// Shared ABI code for one type, emitted once per code object and reached like an internal
    /// function: [a, b] -> [r].
    enum class TypeRoutine {
        Encode,  ///< abi_encode_content: [v, pos] -> [end]
        Decode,  ///< decode_memory_content: [pos, end] -> [v]
    };
    void call_type_routine(TypeRoutine kind, const Type* t);
    void emit_type_routine(TypeRoutine kind, const Type* t);

    // ---- expressions, one member per kind (expressions.cpp) ---------------------------------
    void expr_state_var(const Expr& e);         ///< StateVar
    void expr_immutable(const Expr& e);         ///< Immutable
    void expr_binary(const Expr& e);            ///< Binary
    void expr_unary(const Expr& e);             ///< Unary
    void expr_conditional(const Expr& e);       ///< Conditional
    void expr_builtin(const Expr& e);           ///< BuiltinValue
    void expr_balance(const Expr& e);           ///< Balance
    void expr_access(const Expr& e);            ///< Index, Member
    void expr_array_length(const Expr& e);      ///< ArrayLength
    void expr_array_push(const Expr& e);        ///< ArrayPush
    void expr_array_pop(const Expr& e);         ///< ArrayPop
    void expr_keccak256(const Expr& e);         ///< Keccak256
    void expr_sha256(const Expr& e);            ///< Sha256 and Ripemd160
    void expr_ecrecover(const Expr& e);         ///< Ecrecover
    void expr_abi_encode(const Expr& e);        ///< AbiEncode, AbiEncodePacked, AbiEncodeSel
    void expr_struct_construct(const Expr& e);  ///< StructConstruct
    void expr_new_array(const Expr& e);         ///< NewArray
    void expr_require(const Expr& e);           ///< Require
    void expr_assert(const Expr& e);            ///< Assert
    void expr_revert(const Expr& e);            ///< Revert
    void expr_delete(const Expr& e);            ///< Delete
    void expr_copy_to_memory(const Expr& e);    ///< CopyToMemory
    // ---- statements, one member per kind (statements.cpp) -----------------------------------
    void stmt_block(const Stmt& s);         ///< Block
    void stmt_var_decl(const Stmt& s);      ///< VarDecl
    void stmt_if(const Stmt& s);            ///< If
    void stmt_while(const Stmt& s);         ///< While
    void stmt_do_while(const Stmt& s);      ///< DoWhile
    void stmt_for(const Stmt& s);           ///< For
    void stmt_jump(const Stmt& s);          ///< Break, Continue
    void stmt_return(const Stmt& s);        ///< Return
    void stmt_emit(const Stmt& s);          ///< Emit
    void stmt_revert_error(const Stmt& s);  ///< RevertError
    void stmt_placeholder();                ///< Placeholder

    // ---- abi.decode, low-level calls, creation code, try/catch (low_level.cpp) ----------------
    void expr_abi_decode(const Expr& e);      ///< AbiDecode
    void expr_low_level_call(const Expr& e);  ///< LowLevelCall
    void expr_transfer_send(const Expr& e);   ///< Transfer, Send
    void expr_creation_code(const Expr& e);   ///< CreationCode (also runtimeCode)
    void stmt_try(const Stmt& s);             ///< Try (and its Catch clauses)
    /// [start, end] -> [v1..vn]: the tuple of `types` ABI-decoded from memory [start, end) into fresh
    /// memory, as solc's decoder from memory: malformed data reverts with empty data, impossible
    /// lengths panic with 0x41.
    void decode_memory_tuple(const std::vector<const Type*>& types);
    /// [base, end] -> [v]: a member of a tuple or struct at `base` whose head is at base + `off`.
    void decode_memory_member(const Type* t, uint64_t off);
    /// [pos, end] -> [v]: the value whose encoding starts at memory `pos`.
    void decode_memory_at(const Type* t);
    void decode_memory_content(const Type* t);  ///< decode_memory_at's code for a reference type
    /// [size] -> [ptr]: fresh memory, Panic(0x41) past 2^64 (solc's allocate_memory).
    void allocate_checked();
    /// [] -> [a bytes pointer to a copy of the return data] (the zero slot when there is none).
    void return_data_to_memory();
    /// [] -> [the Error(string) message of the return data as a memory string, or 0].
    void try_decode_error_message();

    const ContractInfo& contract_;
    Diagnostics& diags_;
    const std::map<const ContractInfo*, vm::bytes>& creation_;
    const std::map<const ContractInfo*, vm::bytes>& runtime_;
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
    std::map<std::pair<const ContractInfo*, bool>, size_t> blobs_;
    std::map<Routine, size_t> routines_;
    std::map<unsigned, size_t> exp_routines_;  ///< checked unsigned exponentiation, by width: its label
    std::vector<Routine> pending_routines_;
    std::map<std::pair<TypeRoutine, const Type*>, size_t> type_routines_;
    std::vector<std::pair<TypeRoutine, const Type*>> pending_type_routines_;
    /// Set by a try statement for its call: where the next external call or creation jumps when
    /// it fails (instead of reverting), and the stack height there.
    std::optional<size_t> try_failure_;
    int try_failure_height_ = 0;
};

}  // namespace trainchain::compiler::codegen
