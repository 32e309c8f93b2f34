// compiler/src/ir.hpp - the checked tree: what semantic analysis hands to code generation.
//
// Every name is resolved, every expression typed, implicit conversions are explicit nodes,
// constant expressions are folded, operator precedence is resolved and checked/unchecked
// arithmetic is decided. Code generation needs no further analysis.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source.hpp"
#include "trainchain/vm/uint256.hpp"
#include "types.hpp"

namespace trainchain::compiler {

struct FunctionInfo;
struct ModifierInfo;
struct EventInfo;
struct ErrorInfo;
struct Stmt;

/// Where a reference-type value lives.
enum class DataLocation { None, Storage, Memory };

/// A variable: a state variable, a parameter, a return variable or a local.
struct VarInfo {
    std::string name;
    const Type* type = nullptr;
    DataLocation location = DataLocation::None;
    Location declared_at;
    // State variables
    bool is_state = false;
    bool is_constant = false;
    bool is_immutable = false;
    bool is_public = false;
    uint64_t slot = 0;
    unsigned offset = 0;                   ///< byte offset in the slot (packing)
    size_t immutable_index = 0;            ///< which immutable (for code placeholders)
    const ContractInfo* origin = nullptr;  ///< the contract that declares it (a base, with inheritance)
    bool is_private = false;
    // Locals
    size_t local_id = 0;  ///< unique inside its function
    bool used = false;
};

enum class BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Exp,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    And,
    Or
};
enum class UnaryOp { Neg, Not, BitNot };

/// Values the environment provides.
enum class Builtin {
    MsgSender,
    MsgValue,
    TxOrigin,
    TxGasPrice,
    BlockNumber,
    BlockTimestamp,
    BlockCoinbase,
    BlockPrevrandao,
    BlockGasLimit,
    BlockChainId,
    BlockBaseFee,
    GasLeft,
    This,
    SelfBalance,
    Blockhash,  ///< one argument
    MsgData,    ///< the calldata, copied to memory (`bytes`)
    MsgSig,     ///< the first four bytes of the calldata (`bytes4`)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// A typed expression.
struct Expr {
    enum class Kind {
        Constant,         ///< `value` of `type`
        StringConstant,   ///< `text` (string/bytes literal), materialised in memory where needed
        Local,            ///< `var`
        StateVar,         ///< `var` (storage; packed at var->offset)
        Immutable,        ///< `var`
        Binary,           ///< args[0] op args[1]; `checked`
        Unary,            ///< op args[0]; `checked` (negation)
        Conditional,      ///< args[0] ? args[1] : args[2]
        Assign,           ///< args[0] (lvalue) = args[1]; `binary_op` set for compound assignment
        IncDec,           ///< args[0] lvalue; `increment`, `prefix`; `checked`
        Convert,          ///< args[0] converted to `type`
        InternalCall,     ///< `function`(args)
        FunctionRef,      ///< `function` as a value of an internal function type
        PointerCall,      ///< args[0](args[1..]): a call through an internal function value
        ExternalCall,     ///< args[0] address, then arguments; `function`; args_value: {value:}
        Create,           ///< new `contract`(args); args_value
        BuiltinValue,     ///< `builtin` (args for Blockhash)
        Balance,          ///< args[0].balance
        Index,            ///< args[0][args[1]]: mapping or array (storage or memory)
        Member,           ///< args[0].member (struct field `member_index`)
        ArrayLength,      ///< args[0].length
        ArrayPush,        ///< args[0].push(args[1]?)
        ArrayPop,         ///< args[0].pop()
        Keccak256,        ///< keccak256(args[0]) of a memory bytes value
        Sha256,           ///< sha256(args[0])
        Ripemd160,        ///< ripemd160(args[0]) -> bytes20
        Ecrecover,        ///< ecrecover(args[0] hash, args[1] v, args[2] r, args[3] s) -> address
        AbiEncode,        ///< abi.encode(args...) -> bytes memory
        AbiEncodePacked,  ///< abi.encodePacked(args...) -> bytes memory
        AbiEncodeSel,     ///< abi.encodeWithSelector/-Signature/encodeCall: selector args[0], then values
        AbiDecode,        ///< abi.decode(args[0], (types...)) -> `type` (one type or a tuple)
        LowLevelCall,     ///< args[0].`text`(args[1]): call, staticcall, delegatecall; args_value, args_gas
        Transfer,         ///< args[0].transfer(args[1])
        Send,             ///< args[0].send(args[1]) -> bool
        CreationCode,     ///< type(`contract`).creationCode -> bytes memory
        Tuple,            ///< (args...)
        StructConstruct,  ///< S(args...) in memory
        NewArray,         ///< new T[](args[0]) in memory
        Require,          ///< require(args[0] [, args[1] message])
        Assert,           ///< assert(args[0])
        Revert,           ///< revert() / revert("message") (args[0] optional)
        Delete,           ///< delete args[0]
        CopyToMemory,     ///< a memory copy of the storage value args[0] (string, bytes, struct)
        Empty,            ///< a missing tuple component on the left of an assignment
    };
    Kind kind = Kind::Constant;
    const Type* type = nullptr;
    DataLocation location = DataLocation::None;  ///< for reference types
    Location loc;
    vm::uint256 value;  ///< Constant (two's complement for negative numbers)
    std::string text;   ///< StringConstant
    std::vector<ExprPtr> args;
    ExprPtr args_value;             ///< the {value: ...} option of external calls and creations
    ExprPtr args_gas;               ///< the {gas: ...} option of low-level calls
    std::vector<int> option_order;  ///< LowLevelCall: the options as written (0 value, 1 gas)
    VarInfo* var = nullptr;
    const FunctionInfo* function = nullptr;
    const ContractInfo* contract = nullptr;
    BinaryOp binary_op = BinaryOp::Add;
    UnaryOp unary_op = UnaryOp::Neg;
    bool compound = false;  ///< Assign: binary_op applies
    bool checked = true;
    bool increment = true;
    bool prefix = true;
    Builtin builtin = Builtin::MsgSender;
    size_t member_index = 0;
    /// Index of an array in a public getter: an index out of range reverts with empty data, as
    /// solc's generated getters do, instead of Panic(0x32).
    bool getter_index = false;
    size_t hex_bytes = 0;  ///< integer literals written in hex: bytes the digits spell (bytesN conversion)
    /// Constant: the expressions it was folded from (`a.length` of a fixed-size array, constant
    /// arithmetic). Never evaluated; the passes after typing (view/pure) still see what they read.
    std::vector<ExprPtr> folded;
};

using StmtPtr = std::unique_ptr<Stmt>;

/// A checked statement.
struct Stmt {
    enum class Kind {
        Block,
        Expression,
        VarDecl,
        If,
        For,
        While,
        DoWhile,
        Break,
        Continue,
        Return,
        Emit,
        RevertError,
        Placeholder,
        Try,   ///< expr: the external call or creation; vars: its returns; body: success block, then Catch
        Catch  ///< `clause`: "Error", "Panic", "bytes" or "" (catch {}); vars: its parameter; body[0]
    };
    Kind kind = Kind::Block;
    Location loc;
    std::vector<StmtPtr>
        body;      ///< Block statements; If: then[, else]; loops: body; For: init (may be null) first
    ExprPtr expr;  ///< Expression, condition, Return value, VarDecl initial value
    ExprPtr post;  ///< For
    std::vector<VarInfo*> vars;  ///< VarDecl (null entries for skipped tuple components)
    std::vector<ExprPtr> args;   ///< Emit, RevertError
    const EventInfo* event = nullptr;
    const ErrorInfo* error = nullptr;
    std::string clause;          ///< Catch
    bool returns_named = false;  ///< Try: a `returns (...)` clause binds the call's values
};

enum class Visibility { Public, External, Internal, Private };
enum class Mutability { Pure, View, NonPayable, Payable };

/// A modifier applied to a function, with its arguments.
struct ModifierCall {
    const ModifierInfo* modifier = nullptr;
    std::vector<ExprPtr> args;
    Location loc;  ///< where the function header names the modifier
};

/// A function: declared, or a public state variable's getter, or the constructor.
struct FunctionInfo {
    std::string name;
    enum class Kind { Function, Constructor, Receive, Fallback, Getter } kind = Kind::Function;
    Visibility visibility = Visibility::Public;
    Mutability mutability = Mutability::NonPayable;
    std::vector<VarInfo*> params;
    std::vector<VarInfo*> returns;
    std::vector<ModifierCall> modifiers;
    StmtPtr body;  ///< null for a declaration without body
    Location loc;
    std::string signature;  ///< canonical ABI signature, for external functions
    uint32_t selector = 0;
    const void* ast = nullptr;  ///< the definition, to check the body after all signatures are known
    /// The contract whose definition this is: the contract itself or one of its bases (each contract
    /// holds its own copy of every inherited function, checked against its own storage layout).
    const ContractInfo* origin = nullptr;
    /// `name(type,...)` with internal type names: what overriding and overloading compare.
    std::string key;
    bool is_virtual = false;
    bool has_override = false;
    /// A more derived function of the same key replaces this one: it is reached only through
    /// `super` (and is neither dispatched nor in the ABI).
    bool overridden = false;
    bool externally_visible() const noexcept {
        return visibility == Visibility::Public || visibility == Visibility::External;
    }
};

struct ModifierInfo {
    std::string name;
    const ContractInfo* origin = nullptr;  ///< the contract (or base) that defines it
    bool is_virtual = false;
    bool overridden = false;
    std::vector<VarInfo*> params;
    StmtPtr body;
    const void* ast = nullptr;
    Location loc;
    bool reads_state = false;   ///< the body reads state or the environment
    bool writes_state = false;  ///< the body (potentially) modifies state
};

struct EventParam {
    std::string name;
    const Type* type = nullptr;
    bool indexed = false;
};

struct EventInfo {
    std::string name;
    std::vector<EventParam> params;
    bool anonymous = false;
    std::string signature;
};

struct ErrorInfo {
    std::string name;
    std::vector<EventParam> params;
    std::string signature;
    uint32_t selector = 0;
};

/// A base constructor a contract's init code runs, with the arguments given for it.
struct BaseConstructor {
    const FunctionInfo* constructor = nullptr;  ///< the base's constructor (the contract's own copy)
    std::vector<ExprPtr> args;                  ///< empty when it takes none
};

/// The most contracts a linearization may hold (the contract and its bases): each contract holds a copy
/// of its bases' members, so a longer chain would cost time quadratic in its length; real hierarchies
/// (OpenZeppelin's deepest) stay under 30.
inline constexpr size_t max_linearization = 128;

/// A contract after analysis: its layout, its functions and everything code generation needs.
/// With inheritance a contract holds, besides its own members, a copy of every member of its bases,
/// in the order of its linearization (most basic first), so that code generation needs nothing else.
struct ContractInfo {
    std::string name;
    Location loc;
    enum class Kind { Contract, Interface, Library } kind = Kind::Contract;
    bool is_abstract = false;
    /// C3 linearization: the contract itself first, then its bases, most derived to most basic.
    std::vector<const ContractInfo*> linearization;
    /// The bases' constructors with their arguments, most derived first (the order solc evaluates
    /// their arguments in; their bodies run in the reverse order, before the contract's own).
    std::vector<BaseConstructor> base_constructors;
    /// True when code is generated for it: a contract that is not abstract.
    bool deployable() const noexcept { return kind == Kind::Contract && !is_abstract; }
    /// True when `base` is this contract or one of its bases.
    bool derives_from(const ContractInfo* base) const noexcept {
        for (const auto* c : linearization)
            if (c == base) return true;
        return false;
    }
    std::vector<std::unique_ptr<VarInfo>> state_vars;
    std::vector<std::unique_ptr<FunctionInfo>> functions;  ///< includes getters and the constructor
    std::vector<std::unique_ptr<ModifierInfo>> modifiers;
    std::vector<std::unique_ptr<EventInfo>> events;
    std::vector<std::unique_ptr<ErrorInfo>> errors;
    std::vector<std::unique_ptr<StructInfo>> structs;
    std::vector<std::unique_ptr<EnumInfo>> enums;
    std::vector<std::unique_ptr<VarInfo>> locals;  ///< owns every parameter and local
    std::vector<const ContractInfo*> creates;      ///< contracts this one deploys with `new`
    std::vector<VarInfo*> immutables;
    /// File-level events and errors the contract uses (they belong in its ABI).
    std::vector<const EventInfo*> used_events;
    std::vector<const ErrorInfo*> used_errors;
    FunctionInfo* constructor = nullptr;
    FunctionInfo* receive = nullptr;
    FunctionInfo* fallback = nullptr;
    /// State variable initialisers, in declaration order (run by the constructor first).
    std::vector<std::pair<VarInfo*, ExprPtr>> initializers;
};

}  // namespace trainchain::compiler
