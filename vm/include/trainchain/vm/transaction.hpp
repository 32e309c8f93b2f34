// vm/include/trainchain/vm/transaction.hpp - executing a whole transaction: intrinsic gas, the
// outermost frame, the refund with the fork's cap, and a receipt.
//
// Gas-free: gas is counted and reported exactly as Ethereum would, never paid; balances move only
// by value transfers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trainchain/vm/state.hpp"

namespace trainchain::vm {

/// One entry of an EIP-2930 access list.
struct AccessListEntry {
    address addr;               ///< account to warm
    std::vector<uint256> keys;  ///< its storage slots to warm
};

/// A transaction as the VM executes it.
struct Transaction {
    address sender;                            ///< who sends it (its nonce increases)
    std::optional<address> to;                 ///< recipient; empty for a contract creation
    uint256 value;                             ///< wei moved from sender to recipient
    bytes data;                                ///< calldata, or init code for a creation
    int64_t gas_limit = 0;                     ///< gas available, intrinsic gas included
    std::vector<AccessListEntry> access_list;  ///< EIP-2930 (Berlin on)
};

/// What a transaction did.
struct Receipt {
    Status status = Status::Failure;  ///< outcome of the outermost frame
    int64_t intrinsic_gas = 0;        ///< charged before execution
    int64_t gas_used = 0;             ///< total, intrinsic included, after the refund
    int64_t gas_refund = 0;           ///< refund applied (already capped)
    std::vector<LogRecord> logs;      ///< logs of the transaction (none if it failed)
    std::optional<address> created;   ///< the new contract, for a successful creation
    bytes output;                     ///< return or revert data of the outermost frame
};

/// The outcome: a receipt, or why the transaction is invalid (it then changes nothing).
struct TxOutcome {
    std::optional<Receipt> receipt;  ///< set when the transaction was executed
    std::string error;               ///< set when it was rejected
};

/// The fork's intrinsic gas: 21000; 32000 more for a creation (Homestead on, EIP-2); calldata 4
/// per zero byte and 68 per other byte (16 from Istanbul, EIP-2028); 2400 per access-list address
/// and 1900 per key (Berlin on, EIP-2930); 2 per init-code word (Shanghai on, EIP-3860).
int64_t intrinsic_gas(Fork fork, const Transaction& tx) noexcept;

/// Executes `tx` on `host`, under the host's fork.
TxOutcome execute_transaction(InMemoryHost& host, const Transaction& tx);

}  // namespace trainchain::vm
