// vm/src/transaction.cpp - transaction execution on the in-memory host.
#include "trainchain/vm/transaction.hpp"

#include <algorithm>

#include "trainchain/vm/gas.hpp"

namespace trainchain::vm {

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
    const Fork fork = host.fork();
    const int64_t intrinsic = intrinsic_gas(fork, tx);
    if (tx.gas_limit < intrinsic)
        return {std::nullopt, "gas limit " + std::to_string(tx.gas_limit) + " is below the intrinsic gas " +
                                  std::to_string(intrinsic)};
    const GasParams params = gas_params(fork);
    if (!tx.to && params.max_initcode_size != 0 && tx.data.size() > params.max_initcode_size)
        return {std::nullopt, "init code of " + std::to_string(tx.data.size()) +
                                  " bytes exceeds the limit of " + std::to_string(params.max_initcode_size)};
    if (host.get_balance(tx.sender) < tx.value) return {std::nullopt, "sender balance is below the value"};
    if (!tx.to && host.get_nonce(tx.sender) == UINT64_MAX)
        return {std::nullopt, "sender nonce is at its maximum"};

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
    host.finalize();
    return {std::move(receipt), {}};
}

}  // namespace trainchain::vm
