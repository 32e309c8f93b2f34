// runtime/include/trainchain/runtime/ledger.hpp - the smart-contract side of the chain: the
// embedded contracts deployed on our VM, called as transactions by function signature, with
// every receipt's gas recorded per contract and function, and what each block changed in the VM
// world taken as a journal row (state.hpp), or undone when the block is not accepted.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "trainchain/runtime/state.hpp"
#include "trainchain/runtime/store.hpp"
#include "trainchain/vm/state.hpp"
#include "trainchain/vm/transaction.hpp"

namespace trainchain::runtime {

/// A contract call that reverted or failed, with its decoded reason.
struct ContractError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A typed ABI value, as the chain's contracts take and return them: any uintN (vm::uint256), bool,
/// address, bytes32 (a Hash), bytes and string. Ledger::call checks each against the function's
/// parameter types and encodes it; no caller writes or parses ABI text.
using AbiValue = std::variant<vm::uint256, bool, vm::address, Hash, Bytes, std::string>;

/// The outcome of one contract transaction.
struct CallResult {
    vm::Receipt receipt;
    std::vector<AbiValue> returns;  ///< decoded return values, one per output of the function
    [[nodiscard]] bool ok() const noexcept { return receipt.status == vm::Status::Success; }
    /// Revert data decoded: `Error("...")`, `Panic(17)`, `BadProofOfWork(...)`, or hex.
    std::string revert_reason;

    /// Return value `i` as a T; ContractError when there is none or it is of another type.
    template <class T>
    [[nodiscard]] const T& get(size_t i) const {
        if (i >= returns.size() || !std::holds_alternative<T>(returns[i])) bad_return(i);
        return std::get<T>(returns[i]);
    }
    /// Return value `i`, a uint, as a uint64_t; ContractError when it is not a uint or does not fit.
    [[nodiscard]] uint64_t get_u64(size_t i) const;

private:
    [[noreturn]] void bad_return(size_t i) const;
};

/// The VM world with the runtime's contracts. The world changes only through the ledger's
/// transactions and set_balance, so that pending_changes sees every change.
class Ledger {
public:
    /// A fresh world under `fork` holding the funded server account (changes since the empty
    /// world: the first pending_changes lists it); the server account owns the contracts it deploys.
    explicit Ledger(vm::Fork fork);

    /// The account the Deep Learning Server sends transactions from.
    [[nodiscard]] const vm::address& server() const noexcept { return server_; }
    /// The host, to read (the world, the block context).
    [[nodiscard]] const vm::InMemoryHost& host() const noexcept { return host_; }
    /// The world state.
    [[nodiscard]] const World& world() const noexcept { return host_.accounts; }
    /// Sets an account's balance (created when absent): the Results Queue's pending count.
    void set_balance(const vm::address& account, const vm::uint256& balance);

    /// Deploys the embedded contract `name` with constructor arguments (checked against the
    /// constructor's parameter types: ContractError when they differ).
    vm::address deploy(const std::string& name, const std::vector<AbiValue>& args);

    /// Calls `signature` (e.g. "vote(uint256,uint256,bool,uint256)") of the embedded contract
    /// `name` at `to` as a transaction from the server with `gas_limit`. Records the gas; never
    /// throws on revert. ContractError when `args` do not match the parameter types (count or
    /// kind: a uint256 for any uintN, a Hash for bytes32, Bytes for bytes, std::string for string).
    CallResult call(const vm::address& to, const std::string& name, const std::string& signature,
                    const std::vector<AbiValue>& args, int64_t gas_limit = 30'000'000);

    /// Logs of `receipt` whose first topic is keccak256(`event_signature`).
    static std::vector<vm::LogRecord> events(const vm::Receipt& receipt, const std::string& event_signature);

    /// Sets the block context the next transactions see.
    void set_block(uint64_t number, uint64_t timestamp_s);

    /// Gas records since the last take (each call's gas, per contract and function).
    std::vector<GasRecord> take_gas(uint64_t height);
    /// The calls since the last take, one record per contract function, with their gas by opcode.
    std::vector<GasProfileRecord> take_profiles(uint64_t height);

    /// What changed in the world since the last commit_changes or load (since the empty world, for
    /// a fresh ledger), with the digest of the world now: the journal row of the block being made.
    /// Compares every account's fields, and only the storage slots transactions wrote (plus the
    /// whole storage of accounts created or deleted), so its cost follows the accounts and the
    /// block's writes, not the storage the contracts hold.
    [[nodiscard]] StateRecord pending_changes() const;
    /// Makes `changes` (pending_changes, once the block is stored) the state the next block's
    /// changes are taken from and discard_changes goes back to.
    void commit_changes(const StateRecord& changes);
    /// Puts the world back as it was at the last commit_changes or load, and drops the gas records
    /// and profiles taken since: a block that was not accepted (or not stored) leaves no trace.
    void discard_changes();
    /// Replaces the world with a stored one (the state after a chain's last block), with nothing
    /// pending.
    void load(World world);

private:
    /// The in-memory host, noting every storage slot a transaction writes (reverted writes too:
    /// pending_changes compares their values).
    class Host final : public vm::InMemoryHost {
    public:
        using vm::InMemoryHost::InMemoryHost;
        vm::StorageUpdate set_storage(const vm::address& addr, const vm::uint256& key,
                                      const vm::uint256& value) override;
        std::set<std::pair<vm::address, vm::uint256>> written;  ///< since the last commit or discard
    };

    Host host_;
    World committed_;  ///< the world at the last commit_changes or load
    vm::address server_;
    /// Runs `tx` traced and adds its receipt and profile to the record of `contract`.`function`.
    vm::TxOutcome execute(const vm::Transaction& tx, const std::string& contract,
                          const std::string& function);

    std::vector<GasRecord> gas_;
    std::vector<GasProfileRecord> profiles_;
    vm::GasProfile scratch_;  ///< the profile of the transaction running
};

}  // namespace trainchain::runtime
