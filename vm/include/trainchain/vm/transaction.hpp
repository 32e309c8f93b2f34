// vm/include/trainchain/vm/transaction.hpp - executing a whole transaction: intrinsic gas, the
// outermost frame, the refund with the fork's cap, and a receipt.
//
// Two ways in. `execute_transaction` is gas-free, as the chain runs its contracts: gas is counted
// and reported exactly as Ethereum would, never paid; balances move only by value transfers.
// `apply_transaction` follows Ethereum's own rules end to end (validity checks, the sender pays for
// gas, EIP-1559 burns the base fee, the coinbase earns the tip, EIP-4844 blob gas), as the
// GeneralStateTests check them.
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

/// The transaction's envelope (the EIP-2718 type byte).
enum class TxType : uint8_t {
    Legacy = 0,      ///< gas price only
    AccessList = 1,  ///< EIP-2930 (Berlin on)
    DynamicFee = 2,  ///< EIP-1559 fee cap and tip (London on)
    Blob = 3,        ///< EIP-4844 blob-carrying (Cancun on)
};

/// A transaction as the VM executes it.
struct Transaction {
    address sender;                            ///< who sends it (its nonce increases)
    std::optional<address> to;                 ///< recipient; empty for a contract creation
    uint256 value;                             ///< wei moved from sender to recipient
    bytes data;                                ///< calldata, or init code for a creation
    int64_t gas_limit = 0;                     ///< gas available, intrinsic gas included
    std::vector<AccessListEntry> access_list;  ///< EIP-2930 (Berlin on)

    // Read by apply_transaction only (execute_transaction is gas-free and ignores them).
    TxType type = TxType::Legacy;      ///< the envelope
    uint64_t nonce = 0;                ///< must equal the sender's nonce
    uint256 gas_price;                 ///< Legacy and AccessList: price per gas
    uint256 max_fee_per_gas;           ///< DynamicFee and Blob: the fee cap per gas
    uint256 max_priority_fee_per_gas;  ///< DynamicFee and Blob: the tip cap per gas
    uint256 max_fee_per_blob_gas;      ///< Blob: the cap per blob gas
    std::vector<bytes32> blob_hashes;  ///< Blob: versioned hashes (BLOBHASH reads them)
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
    std::string reject;              ///< when rejected: a short token, e.g. "nonce-too-low"
    std::string error;               ///< when rejected: the reason in words
};

/// The fork's intrinsic gas: 21000; 32000 more for a creation (Homestead on, EIP-2); calldata 4
/// per zero byte and 68 per other byte (16 from Istanbul, EIP-2028); 2400 per access-list address
/// and 1900 per key (Berlin on, EIP-2930); 2 per init-code word (Shanghai on, EIP-3860).
int64_t intrinsic_gas(Fork fork, const Transaction& tx) noexcept;

/// Executes `tx` on `host`, under the host's fork, gas-free: nothing is paid for gas.
TxOutcome execute_transaction(InMemoryHost& host, const Transaction& tx);

/// Gas per blob (EIP-4844): 2^17.
inline constexpr uint64_t gas_per_blob = 131072;
/// Blobs a transaction may carry (EIP-4844, Cancun): 6.
inline constexpr size_t max_blobs_per_tx = 6;

/// The blob base fee for a block's excess blob gas (EIP-4844's fake_exponential with a minimum
/// of 1 wei and an update fraction of 3338477).
uint256 blob_base_fee(uint64_t excess_blob_gas) noexcept;

/// Executes `tx` on `host` under Ethereum's rules and the host's block context (coinbase, base
/// fee, blob base fee, block gas limit): rejects an invalid transaction (type not in the fork,
/// nonce, fee caps, intrinsic gas, funds, init code size, a sender with code (EIP-3607), blob
/// rules) with a token and changes nothing; otherwise charges the sender gas_limit times the
/// effective gas price up front (plus the blob fee), runs it, refunds the unused gas, credits the
/// coinbase with the tip (the whole price before London) and finalizes the state.
TxOutcome apply_transaction(InMemoryHost& host, const Transaction& tx);

}  // namespace trainchain::vm
