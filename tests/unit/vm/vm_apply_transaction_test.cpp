// tests/unit/vm/vm_apply_transaction_test.cpp - transactions under Ethereum's full rules
// (apply_transaction): each rejection and its token, what the sender pays, what the coinbase
// earns, the base fee burned, blob gas, and the blob base fee curve.
#include <doctest/doctest.h>

#include "bytecode.hpp"
#include "trainchain/vm/transaction.hpp"

using namespace trainchain::vm;
using trainchain::test::bytecode;
using trainchain::test::push;

namespace {

const address sender = address::from_word(uint256{0x5e4de4});
const address contract = address::from_word(uint256{0xc0de});
const address coinbase = address::from_word(uint256{0xc0b});

const uint256 ether{1'000'000'000'000'000'000ULL};

TxContext block(uint256 base_fee = 7) {
    TxContext ctx;
    ctx.coinbase = coinbase;
    ctx.gas_limit = 10'000'000;
    ctx.base_fee = base_fee;
    ctx.blob_base_fee = blob_base_fee(0);
    return ctx;
}

InMemoryHost funded(Fork fork, const TxContext& ctx = block()) {
    InMemoryHost host(fork, ctx);
    host.accounts[sender].balance = ether;
    host.accounts[contract].code = (push(1) + push(0) + Opcode::SSTORE).code;  // 22,100 gas in London
    return host;
}

Transaction legacy(uint256 price = 10) {
    Transaction tx;
    tx.sender = sender;
    tx.to = contract;
    tx.gas_limit = 100'000;
    tx.gas_price = price;
    return tx;
}

Transaction dynamic(uint256 cap, uint256 tip) {
    Transaction tx = legacy(0);
    tx.type = TxType::DynamicFee;
    tx.max_fee_per_gas = cap;
    tx.max_priority_fee_per_gas = tip;
    return tx;
}

/// The token of a rejected transaction, after checking that it changed nothing.
std::string rejection(Fork fork, const Transaction& tx, const TxContext& ctx = block()) {
    InMemoryHost host = funded(fork, ctx);
    const auto before = host.accounts;
    const TxOutcome out = apply_transaction(host, tx);
    CHECK_FALSE(out.receipt);
    CHECK(host.accounts.size() == before.size());
    CHECK(host.get_balance(sender) == ether);
    CHECK(host.get_nonce(sender) == 0);
    return out.reject;
}

}  // namespace

TEST_CASE("a legacy transaction: the sender pays gas used times the price, the coinbase earns the tip") {
    for (const Fork fork : {Fork::Frontier, Fork::Berlin, Fork::London, Fork::Cancun}) {
        CAPTURE(fork_name(fork));
        InMemoryHost host = funded(fork);
        const TxOutcome out = apply_transaction(host, legacy(10));
        REQUIRE(out.receipt);
        const auto used = static_cast<uint64_t>(out.receipt->gas_used);
        CHECK(host.get_balance(sender) == ether - uint256{used * 10});
        CHECK(host.get_nonce(sender) == 1);
        // Before London the whole price goes to the coinbase; from London the base fee (7) burns.
        const uint64_t tip = fork >= Fork::London ? 3 : 10;
        CHECK(host.get_balance(coinbase) == uint256{used * tip});
        CHECK(host.get_storage(contract, 0) == 1);
    }
}

TEST_CASE("EIP-1559: the effective price is min(cap, base fee + tip), GASPRICE reads it") {
    InMemoryHost host = funded(Fork::London);
    host.accounts[contract].code = (bytecode{} + Opcode::GASPRICE + push(0) + Opcode::SSTORE).code;
    const TxOutcome out = apply_transaction(host, dynamic(20, 5));  // 7 + 5 = 12 < 20
    REQUIRE(out.receipt);
    const auto used = static_cast<uint64_t>(out.receipt->gas_used);
    CHECK(host.get_storage(contract, 0) == 12);
    CHECK(host.get_balance(sender) == ether - uint256{used * 12});
    CHECK(host.get_balance(coinbase) == uint256{used * 5});

    InMemoryHost capped = funded(Fork::London);
    const TxOutcome low = apply_transaction(capped, dynamic(9, 5));  // min(9, 12) = 9: the tip shrinks to 2
    REQUIRE(low.receipt);
    CHECK(low.receipt->gas_used == 21000 + 3 + 3 + 22100);
    CHECK(capped.get_balance(coinbase) == uint256{static_cast<uint64_t>(low.receipt->gas_used) * 2});
}

TEST_CASE("a failed transaction still pays for all its gas and bumps the nonce") {
    InMemoryHost host = funded(Fork::Shanghai);
    host.accounts[contract].code = (bytecode{} + Opcode::INVALID).code;
    const TxOutcome out = apply_transaction(host, legacy(10));
    REQUIRE(out.receipt);
    CHECK(out.receipt->status == Status::InvalidInstruction);
    CHECK(out.receipt->gas_used == 100'000);
    CHECK(host.get_balance(sender) == ether - uint256{1'000'000});
    CHECK(host.get_nonce(sender) == 1);
}

TEST_CASE("an empty coinbase earning nothing is deleted from Spurious Dragon on, kept before") {
    for (const Fork fork : {Fork::Homestead, Fork::SpuriousDragon}) {
        InMemoryHost host = funded(fork);
        REQUIRE(apply_transaction(host, legacy(0)).receipt);
        CHECK(host.accounts.contains(coinbase) == (fork < Fork::SpuriousDragon));
    }
}

TEST_CASE("each invalid transaction is rejected with its token and changes nothing") {
    CHECK(rejection(Fork::Istanbul, [] {
              auto t = legacy();
              t.type = TxType::AccessList;
              return t;
          }()) == "type-not-supported");
    CHECK(rejection(Fork::Berlin, dynamic(10, 1)) == "type-not-supported");
    CHECK(rejection(Fork::London, [] {
              auto t = dynamic(10, 1);
              t.type = TxType::Blob;
              return t;
          }()) == "type-not-supported");
    CHECK(rejection(Fork::London, dynamic(10, 11)) == "tip-above-fee-cap");
    CHECK(rejection(Fork::London, dynamic(6, 1)) == "fee-cap-below-base-fee");
    CHECK(rejection(Fork::London, legacy(6)) == "fee-cap-below-base-fee");
    CHECK(rejection(Fork::London, [] {
              auto t = legacy();
              t.nonce = 1;
              return t;
          }()) == "nonce-too-high");
    CHECK(rejection(Fork::London, [] {
              auto t = legacy();
              t.gas_limit = 20'999;
              return t;
          }()) == "intrinsic-gas");
    CHECK(rejection(Fork::London, [] {
              auto t = legacy();
              t.gas_limit = 10'000'001;
              return t;
          }()) == "gas-limit-above-block");
    CHECK(rejection(Fork::London, [] {
              auto t = legacy();
              t.value = ether;
              return t;
          }()) == "insufficient-funds");
    CHECK(rejection(Fork::London, legacy(uint256::max())) == "insufficient-funds");  // overflow, not wrap
    CHECK(rejection(Fork::Shanghai, [] {
              auto t = legacy();
              t.to.reset();
              t.data = bytes(49153, 0);
              t.gas_limit = 9'000'000;
              return t;
          }()) == "initcode-too-large");
    {  // EIP-3607: a sender with code
        InMemoryHost host = funded(Fork::London);
        host.accounts[sender].code = {0x00};
        CHECK(apply_transaction(host, legacy()).reject == "sender-not-eoa");
    }
    {  // a nonce below the sender's, and a nonce at its maximum (EIP-2681)
        InMemoryHost host = funded(Fork::London);
        host.accounts[sender].nonce = 5;
        CHECK(apply_transaction(host, legacy()).reject == "nonce-too-low");
        host.accounts[sender].nonce = UINT64_MAX;
        auto t = legacy();
        t.nonce = UINT64_MAX;
        CHECK(apply_transaction(host, t).reject == "nonce-max");
    }
}

TEST_CASE("blob transactions: the rules of EIP-4844 and the blob fee") {
    const auto blob_tx = [](size_t blobs) {
        Transaction t = dynamic(10, 1);
        t.type = TxType::Blob;
        t.max_fee_per_blob_gas = 1;
        for (size_t i = 0; i < blobs; ++i) {
            bytes32 h;
            h.bytes[0] = 0x01;
            h.bytes[31] = static_cast<uint8_t>(i);
            t.blob_hashes.push_back(h);
        }
        return t;
    };
    CHECK(rejection(Fork::Cancun, blob_tx(0)) == "blob-list-empty");
    CHECK(rejection(Fork::Cancun, blob_tx(7)) == "blob-list-too-long");
    CHECK(rejection(Fork::Cancun, [&] {
              auto t = blob_tx(1);
              t.to.reset();
              return t;
          }()) == "blob-create");
    CHECK(rejection(Fork::Cancun, [&] {
              auto t = blob_tx(1);
              t.blob_hashes[0].bytes[0] = 2;
              return t;
          }()) == "blob-version");
    TxContext dear = block();
    dear.blob_base_fee = 2;
    CHECK(rejection(Fork::Cancun, blob_tx(1), dear) == "blob-fee-too-low");

    InMemoryHost host = funded(Fork::Cancun);
    host.accounts[contract].code = (push(1) + Opcode::BLOBHASH + push(0) + Opcode::SSTORE).code;
    const TxOutcome out = apply_transaction(host, blob_tx(2));
    REQUIRE(out.receipt);
    const auto used = static_cast<uint64_t>(out.receipt->gas_used);
    CHECK(host.get_storage(contract, 0) == blob_tx(2).blob_hashes[1].to_word());
    CHECK(host.get_balance(sender) == ether - uint256{used * 8 + 2 * gas_per_blob * 1});
}

TEST_CASE("the blob base fee follows EIP-4844's fake_exponential") {
    CHECK(blob_base_fee(0) == 1);
    CHECK(blob_base_fee(3338477) == 2);                  // e^1 = 2.718..: the integer series gives 2
    CHECK(blob_base_fee(10 * 3338477) == 22026);         // e^10 = 22026.47
    CHECK(blob_base_fee(UINT64_MAX) == uint256::max());  // beyond 2^256: saturates
}
