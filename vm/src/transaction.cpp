// vm/src/transaction.cpp - transaction execution on the in-memory host: gas-free, and under
// Ethereum's full rules (validity, fees, the coinbase's tip).
#include "trainchain/vm/transaction.hpp"

#include <algorithm>

#include "trainchain/vm/gas.hpp"

namespace trainchain::vm {
namespace {

TxOutcome rejected(std::string token, std::string message) {
    return {std::nullopt, std::move(token), std::move(message)};
}

/// The checks both ways share: intrinsic gas, the init code limit, the value and the nonce limit.
std::optional<TxOutcome> check_common(const InMemoryHost& host, const Transaction& tx, int64_t intrinsic) {
    const Fork fork = host.fork();
    if (tx.gas_limit < intrinsic)
        return rejected("intrinsic-gas", "gas limit " + std::to_string(tx.gas_limit) +
                                             " is below the intrinsic gas " + std::to_string(intrinsic));
    const GasParams params = gas_params(fork);
    if (!tx.to && params.max_initcode_size != 0 && tx.data.size() > params.max_initcode_size)
        return rejected("initcode-too-large", "init code of " + std::to_string(tx.data.size()) +
                                                  " bytes exceeds the limit of " +
                                                  std::to_string(params.max_initcode_size));
    if (host.get_balance(tx.sender) < tx.value)
        return rejected("insufficient-funds", "sender balance is below the value");
    if (!tx.to && host.get_nonce(tx.sender) == UINT64_MAX)
        return rejected("nonce-max", "sender nonce is at its maximum");
    return std::nullopt;
}

/// Runs the validated transaction's outermost frame and builds the receipt; the caller finalizes.
Receipt run_frame(InMemoryHost& host, const Transaction& tx, int64_t intrinsic) {
    const Fork fork = host.fork();
    host.begin_transaction(tx.sender, tx.to ? &*tx.to : nullptr);
    if (fork >= Fork::Berlin) {
        for (const auto& e : tx.access_list) {
            host.access_account(e.addr);
            for (const auto& k : e.keys) host.access_storage(e.addr, k);
        }
    }
    const size_t first_log = host.logs.size();

    Message msg;
    msg.gas = tx.gas_limit - intrinsic;
    msg.sender = tx.sender;
    msg.value = tx.value;
    msg.input = tx.data;
    if (tx.to) {
        host.accounts[tx.sender].nonce += 1;  // a creation's nonce step belongs to the creation itself
        msg.kind = CallKind::Call;
        msg.recipient = msg.code_address = *tx.to;
    } else {
        msg.kind = CallKind::Create;
    }
    const Result r = host.call(msg);

    Receipt receipt;
    receipt.status = r.status;
    receipt.intrinsic_gas = intrinsic;
    const int64_t used_before_refund = tx.gas_limit - r.gas_left;
    const int64_t quotient = fork >= Fork::London ? 5 : 2;  // EIP-3529
    receipt.gas_refund =
        r.status == Status::Success ? std::min(r.gas_refund, used_before_refund / quotient) : 0;
    receipt.gas_used = used_before_refund - receipt.gas_refund;
    receipt.output = r.output;
    if (r.status == Status::Success) {
        receipt.logs.assign(host.logs.begin() + static_cast<std::ptrdiff_t>(first_log), host.logs.end());
        if (!tx.to) receipt.created = r.create_address;
    }
    return receipt;
}

/// a * b, or nullopt when it does not fit 256 bits.
std::optional<uint256> checked_mul(const uint256& a, uint64_t b) noexcept {
    if (b == 0 || !a) return uint256{};
    const uint256 p = a * uint256{b};
    if (p / uint256{b} != a) return std::nullopt;
    return p;
}

std::optional<uint256> checked_add(const uint256& a, const uint256& b) noexcept {
    const uint256 s = a + b;
    if (s < a) return std::nullopt;
    return s;
}

Fork first_fork(TxType type) noexcept {
    switch (type) {
        case TxType::Legacy:
            return Fork::Frontier;
        case TxType::AccessList:
            return Fork::Berlin;
        case TxType::DynamicFee:
            return Fork::London;
        case TxType::Blob:
            return Fork::Cancun;
    }
    return Fork::Cancun;
}

}  // namespace

int64_t intrinsic_gas(Fork fork, const Transaction& tx) noexcept {
    int64_t gas = 21000;
    if (!tx.to && fork >= Fork::Homestead) gas += 32000;
    const int64_t nonzero_byte = fork >= Fork::Istanbul ? 16 : 68;
    for (const uint8_t b : tx.data) gas += b == 0 ? 4 : nonzero_byte;
    if (fork >= Fork::Berlin)
        for (const auto& e : tx.access_list) gas += 2400 + 1900 * static_cast<int64_t>(e.keys.size());
    if (!tx.to && fork >= Fork::Shanghai) gas += 2 * static_cast<int64_t>((tx.data.size() + 31) / 32);
    return gas;
}

TxOutcome execute_transaction(InMemoryHost& host, const Transaction& tx) {
    const int64_t intrinsic = intrinsic_gas(host.fork(), tx);
    if (auto bad = check_common(host, tx, intrinsic)) return std::move(*bad);
    Receipt receipt = run_frame(host, tx, intrinsic);
    host.finalize();
    return {std::move(receipt), {}, {}};
}

uint256 blob_base_fee(uint64_t excess_blob_gas) noexcept {
    // fake_exponential(factor = 1, numerator = excess, denominator = 3338477): the Taylor series
    // of factor * e^(numerator / denominator), summed in integers until a term vanishes.
    const uint256 denominator{3338477};
    uint256 output;
    uint256 accumulator = denominator;  // factor * denominator
    for (uint64_t i = 1; accumulator; ++i) {
        const auto sum = checked_add(output, accumulator);
        const auto product = checked_mul(accumulator, excess_blob_gas);
        if (!sum || !product) return uint256::max();  // beyond 2^256 wei: no sender can pay it
        output = *sum;
        accumulator = *product / (denominator * uint256{i});
    }
    return output / denominator;
}

TxOutcome apply_transaction(InMemoryHost& host, const Transaction& tx) {
    const Fork fork = host.fork();
    const TxContext ctx = host.get_tx_context();
    if (fork < first_fork(tx.type))
        return rejected("type-not-supported", "transaction type " +
                                                  std::to_string(static_cast<int>(tx.type)) +
                                                  " is not supported in " + std::string(fork_name(fork)));
    uint64_t blob_gas = 0;
    if (tx.type == TxType::Blob) {
        if (!tx.to) return rejected("blob-create", "a blob transaction cannot create a contract");
        if (tx.blob_hashes.empty()) return rejected("blob-list-empty", "a blob transaction carries no blob");
        if (tx.blob_hashes.size() > max_blobs_per_tx)
            return rejected("blob-list-too-long", std::to_string(tx.blob_hashes.size()) +
                                                      " blobs exceed the limit of " +
                                                      std::to_string(max_blobs_per_tx));
        for (const auto& h : tx.blob_hashes)
            if (h.bytes[0] != 0x01)
                return rejected("blob-version", "versioned hash " + h.to_hex() + " does not have version 1");
        if (tx.max_fee_per_blob_gas < ctx.blob_base_fee)
            return rejected("blob-fee-too-low", "max fee per blob gas is below the blob base fee");
        blob_gas = gas_per_blob * tx.blob_hashes.size();
    }
    if (tx.gas_limit > ctx.gas_limit)
        return rejected("gas-limit-above-block", "gas limit " + std::to_string(tx.gas_limit) +
                                                     " is above the block's " +
                                                     std::to_string(ctx.gas_limit));
    const bool dynamic = tx.type == TxType::DynamicFee || tx.type == TxType::Blob;
    const uint256 fee_cap = dynamic ? tx.max_fee_per_gas : tx.gas_price;
    if (dynamic && tx.max_priority_fee_per_gas > tx.max_fee_per_gas)
        return rejected("tip-above-fee-cap", "max priority fee per gas is above the max fee per gas");
    if (fork >= Fork::London && fee_cap < ctx.base_fee)
        return rejected("fee-cap-below-base-fee", "the fee cap is below the block's base fee");
    if (const auto it = host.accounts.find(tx.sender); it != host.accounts.end() && !it->second.code.empty())
        return rejected("sender-not-eoa", "the sender " + tx.sender.to_hex() + " has code (EIP-3607)");
    const uint64_t nonce = host.get_nonce(tx.sender);
    if (nonce == UINT64_MAX) return rejected("nonce-max", "sender nonce is at its maximum");
    if (tx.nonce < nonce)
        return rejected("nonce-too-low",
                        "nonce " + std::to_string(tx.nonce) + ", the sender's is " + std::to_string(nonce));
    if (tx.nonce > nonce)
        return rejected("nonce-too-high",
                        "nonce " + std::to_string(tx.nonce) + ", the sender's is " + std::to_string(nonce));
    const int64_t intrinsic = intrinsic_gas(fork, tx);
    if (auto bad = check_common(host, tx, intrinsic)) return std::move(*bad);

    // The sender must afford the whole gas limit at the fee cap, the value and the blob gas at
    // its cap; it pays the gas at the effective price (and the blob gas at the blob base fee).
    const auto gas_limit = static_cast<uint64_t>(tx.gas_limit);
    std::optional<uint256> needed = checked_mul(fee_cap, gas_limit);
    if (needed) needed = checked_add(*needed, tx.value);
    if (needed && blob_gas != 0) {
        const auto blob_max = checked_mul(tx.max_fee_per_blob_gas, blob_gas);
        needed = blob_max ? checked_add(*needed, *blob_max) : std::nullopt;
    }
    if (!needed || host.get_balance(tx.sender) < *needed)
        return rejected("insufficient-funds", "the sender cannot pay gas limit times fee cap plus value");

    const uint256 price =
        dynamic ? std::min(tx.max_fee_per_gas, ctx.base_fee + tx.max_priority_fee_per_gas) : tx.gas_price;
    const uint256 tip = fork >= Fork::London ? price - ctx.base_fee : price;
    TxContext tx_ctx = ctx;  // GASPRICE and BLOBHASH read the transaction's own
    tx_ctx.gas_price = price;
    tx_ctx.blob_hashes = tx.blob_hashes;
    host.set_tx_context(tx_ctx);
    Account& sender = host.accounts[tx.sender];
    sender.balance -= price * uint256{gas_limit} + ctx.blob_base_fee * uint256{blob_gas};

    Receipt receipt = run_frame(host, tx, intrinsic);
    const auto gas_used = static_cast<uint64_t>(receipt.gas_used);
    host.accounts[tx.sender].balance += price * uint256{gas_limit - gas_used};
    host.add_balance(ctx.coinbase, tip * uint256{gas_used});
    host.finalize();
    return {std::move(receipt), {}, {}};
}

}  // namespace trainchain::vm
