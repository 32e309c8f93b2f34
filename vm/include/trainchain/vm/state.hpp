// vm/include/trainchain/vm/state.hpp - an in-memory world state and the Host that runs on it.
//
// Used by the tools (`trainchain exec`, `trainchain vmtest`) and the tests. Nested calls and
// creates execute recursively on the same interpreter. Every state change inside a frame is
// recorded in a journal; a failed frame undoes exactly the entries recorded since it began, so the
// cost of a revert is the size of the frame's own changes, not of the state.
#pragma once

#include <map>
#include <set>
#include <variant>
#include <vector>

#include "trainchain/vm/gas.hpp"
#include "trainchain/vm/host.hpp"
#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/tracer.hpp"

namespace trainchain::vm {

/// One account of the in-memory state.
struct Account {
    uint256 balance;                     ///< wei
    uint64_t nonce = 0;                  ///< transactions sent / contracts created
    bytes code;                          ///< runtime code
    std::map<uint256, uint256> storage;  ///< non-zero slots only
};

/// A log record as LOGn emitted it.
struct LogRecord {
    address addr;                 ///< emitting account
    std::vector<bytes32> topics;  ///< 0 to 4 topics
    bytes data;                   ///< payload
};

/// Host over an in-memory account map.
class InMemoryHost : public Host {
public:
    /// A host following `fork`'s rules for nested frames, in block and transaction context `tx`.
    explicit InMemoryHost(Fork fork, TxContext tx = {})
        : fork_{fork}, params_{gas_params(fork)}, tx_{std::move(tx)} {}

    std::map<address, Account> accounts;      ///< the world state
    std::vector<LogRecord> logs;              ///< logs emitted so far, in order
    std::map<int64_t, bytes32> block_hashes;  ///< BLOCKHASH answers; missing numbers read as zero

    /// Starts a transaction from `origin` to `to` (nullptr for a creation): forgets the previous
    /// transaction's per-transaction state, makes `origin` the ORIGIN of the context, and warms
    /// what EIP-2929 warms from the start (origin, recipient, precompiles; coinbase from
    /// Shanghai, EIP-3651).
    void begin_transaction(const address& origin, const address* to);

    /// Ends the transaction: deletes the accounts that self-destructed and, from Spurious Dragon
    /// (EIP-161), the empty accounts the transaction touched.
    void finalize();

    /// Adds `amount` to the account's balance, creating the account if it is missing, and marks it
    /// touched (EIP-161 deletes it at `finalize` if it is still empty): how fees reach the coinbase.
    void add_balance(const address& addr, const uint256& amount);

    /// True for the precompiled contracts of the host's fork (`vm::is_precompile`, from the table
    /// in precompiles.hpp): 0x01-0x04 from Frontier, 0x05-0x08 from Byzantium, 0x09 from
    /// Istanbul, 0x0a from Cancun. A call to one without an implementation in this build (bn254,
    /// point evaluation) fails with Status::Failure and consumes its gas.
    [[nodiscard]] bool is_precompile(const address& addr) const noexcept;

    [[nodiscard]] bool account_exists(const address& addr) const override;
    [[nodiscard]] uint256 get_storage(const address& addr, const uint256& key) const override;
    StorageUpdate set_storage(const address& addr, const uint256& key, const uint256& value) override;
    [[nodiscard]] uint256 get_balance(const address& addr) const override;
    /// The account's nonce (0 for a missing account).
    [[nodiscard]] uint64_t get_nonce(const address& addr) const;
    [[nodiscard]] size_t get_code_size(const address& addr) const override;
    [[nodiscard]] bytes32 get_code_hash(const address& addr) const override;
    size_t copy_code(const address& addr, size_t offset, std::span<uint8_t> out) const override;
    bool selfdestruct(const address& addr, const address& beneficiary) override;
    /// Runs a nested frame, reporting it to the tracer when one is installed.
    Result call(const Message& msg) override;
    [[nodiscard]] TxContext get_tx_context() const override { return tx_; }
    /// Sets the block and transaction context the next transactions see.
    void set_tx_context(const TxContext& tx) { tx_ = tx; }
    /// The fork whose rules this host follows.
    [[nodiscard]] Fork fork() const noexcept { return fork_; }
    [[nodiscard]] bytes32 get_block_hash(int64_t number) const override;
    [[nodiscard]] uint256 get_transient_storage(const address& addr, const uint256& key) const override;
    void set_transient_storage(const address& addr, const uint256& key, const uint256& value) override;
    void emit_log(const address& addr, bytes_view data, std::span<const bytes32> topics) override;
    AccessStatus access_account(const address& addr) override;
    AccessStatus access_storage(const address& addr, const uint256& key) override;

    /// Installs `tracer` (nullptr: none) for the frames and instructions that follow; the host
    /// does not own it.
    void set_tracer(Tracer* tracer) noexcept { tracer_ = tracer; }
    [[nodiscard]] Tracer* tracer() const noexcept override { return tracer_; }

    /// The address CREATE derives: keccak256(rlp([sender, nonce]))[12:].
    static address create_address(const address& sender, uint64_t nonce);
    /// The address CREATE2 derives: keccak256(0xff ++ sender ++ salt ++ keccak256(init))[12:].
    static address create2_address(const address& sender, const uint256& salt, bytes_view init_code);

private:
    Result call_untraced(const Message& msg);

    Tracer* tracer_ = nullptr;
    // One undoable change each.
    struct StorageChange {
        address addr;
        uint256 key;
        uint256 old;
    };
    struct BalanceChange {
        address addr;
        uint256 old;
    };
    struct NonceChange {
        address addr;
        uint64_t old;
    };
    struct CodeChange {
        address addr;
        bytes old;
    };
    struct AccountCreated {
        address addr;
    };
    struct Destructed {
        address addr;
    };
    struct TransientChange {
        address addr;
        uint256 key;
        uint256 old;
    };
    struct AccountAccessed {
        address addr;
    };
    struct SlotAccessed {
        address addr;
        uint256 key;
    };
    struct Touched {
        address addr;
    };
    struct CreatedInTx {
        address addr;
    };
    using JournalEntry =
        std::variant<StorageChange, BalanceChange, NonceChange, CodeChange, AccountCreated, Destructed,
                     TransientChange, AccountAccessed, SlotAccessed, Touched, CreatedInTx>;

    /// Where a frame began: the journal length and the number of logs.
    struct Checkpoint {
        size_t journal;
        size_t logs;
    };
    Checkpoint checkpoint() const noexcept { return {journal_.size(), logs.size()}; }
    void revert_to(Checkpoint c);

    /// The account, created (and journaled) if it does not exist.
    Account& touch(const address& addr);
    void set_balance(const address& addr, const uint256& value);
    void set_nonce(const address& addr, uint64_t value);
    void set_code(const address& addr, bytes code);
    void put_storage(const address& addr, const uint256& key, const uint256& value);

    Result create(const Message& msg);
    /// Runs precompile `number`: charges the table's gas (OutOfGas below it), then runs it; a
    /// failed or unsupported run is Status::Failure with all gas consumed.
    Result run_precompile(uint8_t number, const Message& msg) const;
    /// Records that a transaction touched the account (EIP-161 clears it at the end if empty).
    void touch_mark(const address& addr);

    Fork fork_;
    GasParams params_;  // the fork's rules, computed once
    TxContext tx_;
    std::vector<JournalEntry> journal_;
    std::set<address> destructed_;
    std::map<std::pair<address, uint256>, uint256> transient_;
    std::map<std::pair<address, uint256>, uint256> original_;  // slot values at transaction start
    std::set<address> accessed_accounts_;                      // EIP-2929
    std::set<std::pair<address, uint256>> accessed_slots_;     // EIP-2929
    std::set<address> touched_;                                // EIP-161
    std::set<address> created_in_tx_;                          // EIP-6780
    // Ethereum's clients keep RIPEMD-160's account touched by a zero-value call even when the call
    // is reverted (their answer to a consensus split at mainnet block 2,675,119; it decides whether
    // an empty 0x03 is deleted under EIP-161), and the GeneralStateTests check it.
    bool ripemd_touched_ = false;
};

}  // namespace trainchain::vm
