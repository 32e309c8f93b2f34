// vm/include/trainchain/vm/host.hpp - what the VM asks of the world around it.
//
// The interpreter never owns state: accounts, storage, logs, block context and nested calls all go
// through the `Host` interface, so the same interpreter serves the in-memory test state, the
// conformance runner and (later) the chain's own state.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trainchain/vm/uint256.hpp"

namespace trainchain::vm {

/// Owned byte string.
using bytes = std::vector<uint8_t>;
/// Borrowed byte string.
using bytes_view = std::span<const uint8_t>;

/// A 20-byte account address.
struct address {
    std::array<uint8_t, 20> bytes{};  ///< big-endian bytes
    friend constexpr auto operator<=>(const address&, const address&) noexcept = default;
    /// The low 160 bits of a word, as CALL and BALANCE read addresses off the stack.
    static address from_word(const uint256& word) noexcept;
    /// The address zero-extended to a word.
    [[nodiscard]] uint256 to_word() const noexcept;
    /// Parses 40 hex digits with an optional 0x prefix.
    static std::optional<address> parse(std::string_view hex) noexcept;
    /// "0x" + 40 lowercase hex digits.
    [[nodiscard]] std::string to_hex() const;
};

/// A 32-byte value: hashes, log topics.
struct bytes32 {
    std::array<uint8_t, 32> bytes{};  ///< big-endian bytes
    friend constexpr auto operator<=>(const bytes32&, const bytes32&) noexcept = default;
    /// Big-endian encoding of a word.
    static bytes32 from_word(const uint256& word) noexcept;
    /// The bytes read as a big-endian word.
    [[nodiscard]] uint256 to_word() const noexcept;
    /// "0x" + 64 lowercase hex digits.
    [[nodiscard]] std::string to_hex() const;
};

/// How a frame was entered.
enum class CallKind : uint8_t {
    Call,          ///< CALL or a transaction to an account
    CallCode,      ///< CALLCODE: callee's code in the caller's storage context
    DelegateCall,  ///< DELEGATECALL: as CALLCODE, keeping the caller's sender and value
    Create,        ///< CREATE or a contract-creating transaction
    Create2,       ///< CREATE2: address from sender, salt and init code hash
};

/// Everything one execution frame needs to know about how it was called.
struct Message {
    CallKind kind = CallKind::Call;  ///< how the frame was entered
    bool is_static = false;          ///< state changes forbidden (STATICCALL, Byzantium+)
    int32_t depth = 0;               ///< call depth, 0 for the outermost frame
    int64_t gas = 0;                 ///< gas available to the frame
    address recipient;               ///< the account whose storage and balance the code uses
    address sender;                  ///< CALLER
    address code_address;            ///< the account whose code runs
    bytes_view input;                ///< calldata (init code for Create)
    uint256 value;                   ///< CALLVALUE
    uint256 salt;                    ///< CREATE2 salt
};

/// How a frame ended. Everything but Success and Revert is an exceptional halt, which consumes
/// all the frame's gas.
enum class Status : uint8_t {
    Success,
    Revert,
    OutOfGas,
    StackUnderflow,
    StackOverflow,
    BadJumpDestination,
    InvalidInstruction,    ///< the designated INVALID (0xfe)
    UndefinedInstruction,  ///< a byte the fork does not define
    StaticModeViolation,
    InvalidMemoryAccess,  ///< RETURNDATACOPY out of bounds
    InsufficientBalance,
    ContractAddressCollision,
    Failure,  ///< any other failure reported by the host
};

/// The snake_case name of a status, as printed by the tools ("success", "out_of_gas", ...).
std::string_view status_name(Status status) noexcept;

/// The outcome of executing one frame: a value, never an exception.
struct Result {
    Status status = Status::Failure;  ///< how the frame ended
    int64_t gas_left = 0;             ///< unused gas (0 after an exceptional halt)
    int64_t gas_refund = 0;           ///< refund counter accumulated by the frame and its callees
    bytes output;                     ///< RETURN/REVERT data
    address create_address;           ///< the new account, for a successful Create
};

/// Block and transaction context (the *environmental* opcodes).
struct TxContext {
    uint256 gas_price;                 ///< GASPRICE
    address origin;                    ///< ORIGIN
    address coinbase;                  ///< COINBASE
    int64_t number = 0;                ///< NUMBER
    int64_t timestamp = 0;             ///< TIMESTAMP
    int64_t gas_limit = 0;             ///< GASLIMIT
    uint256 prevrandao;                ///< DIFFICULTY before Paris, PREVRANDAO after
    uint256 chain_id;                  ///< CHAINID
    uint256 base_fee;                  ///< BASEFEE
    uint256 blob_base_fee;             ///< BLOBBASEFEE
    std::vector<bytes32> blob_hashes;  ///< BLOBHASH
};

/// The values of a storage slot before a write, which the fork's SSTORE rule prices.
struct StorageUpdate {
    uint256 original;  ///< value at the start of the transaction
    uint256 current;   ///< value just before this write
};

/// Whether an account or storage slot had been accessed before in the transaction (EIP-2929).
enum class AccessStatus : uint8_t { Cold, Warm };

class Tracer;

/// The world as the interpreter sees it.
class Host {
public:
    virtual ~Host() = default;
    /// True if the account exists; from Spurious Dragon (EIP-161) an empty account (no code,
    /// nonce 0, balance 0) counts as absent.
    [[nodiscard]] virtual bool account_exists(const address& addr) const = 0;
    /// SLOAD.
    [[nodiscard]] virtual uint256 get_storage(const address& addr, const uint256& key) const = 0;
    /// SSTORE: writes and reports the slot's original and previous values.
    virtual StorageUpdate set_storage(const address& addr, const uint256& key, const uint256& value) = 0;
    /// BALANCE.
    [[nodiscard]] virtual uint256 get_balance(const address& addr) const = 0;
    /// EXTCODESIZE.
    [[nodiscard]] virtual size_t get_code_size(const address& addr) const = 0;
    /// EXTCODEHASH (zero for a non-existent account).
    [[nodiscard]] virtual bytes32 get_code_hash(const address& addr) const = 0;
    /// EXTCODECOPY: copies code from `offset` into `out`; returns the number of bytes copied.
    virtual size_t copy_code(const address& addr, size_t offset, std::span<uint8_t> out) const = 0;
    /// SELFDESTRUCT: moves the balance to the beneficiary and schedules deletion. Returns true the
    /// first time the account self-destructs in this transaction (the refund is due once).
    virtual bool selfdestruct(const address& addr, const address& beneficiary) = 0;
    /// Runs a nested frame (CALL family and CREATE); the interpreter has already charged its gas.
    virtual Result call(const Message& msg) = 0;
    /// The block and transaction context.
    [[nodiscard]] virtual TxContext get_tx_context() const = 0;
    /// BLOCKHASH of a block in the 256 before the current one.
    [[nodiscard]] virtual bytes32 get_block_hash(int64_t number) const = 0;
    /// TLOAD (EIP-1153 transient storage).
    [[nodiscard]] virtual uint256 get_transient_storage(const address& addr, const uint256& key) const = 0;
    /// TSTORE.
    virtual void set_transient_storage(const address& addr, const uint256& key, const uint256& value) = 0;
    /// Marks an account accessed (EIP-2929) and says whether it already was. The mark is undone
    /// when the frame that made it fails.
    virtual AccessStatus access_account(const address& addr) = 0;
    /// Marks a storage slot accessed (EIP-2929) and says whether it already was.
    virtual AccessStatus access_storage(const address& addr, const uint256& key) = 0;
    /// LOGn.
    virtual void emit_log(const address& addr, bytes_view data, std::span<const bytes32> topics) = 0;
    /// The tracer the interpreter reports instructions to, if any (see tracer.hpp).
    [[nodiscard]] virtual Tracer* tracer() const noexcept { return nullptr; }
};

}  // namespace trainchain::vm
