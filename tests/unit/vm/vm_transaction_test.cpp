// tests/unit/vm/vm_transaction_test.cpp - whole transactions: intrinsic gas per fork, refund caps,
// receipts, creations and invalid transactions.
#include <doctest/doctest.h>

#include "bytecode.hpp"
#include "trainchain/vm/transaction.hpp"

using namespace trainchain::vm;
using trainchain::test::bytecode;
using trainchain::test::push;

namespace {

const address sender = address::from_word(uint256{0x5e4de4});
const address contract = address::from_word(uint256{0xc0de});

Transaction call_tx(bytes data = {}) {
    Transaction tx;
    tx.sender = sender;
    tx.to = contract;
    tx.data = std::move(data);
    tx.gas_limit = 1'000'000;
    return tx;
}

Receipt run(InMemoryHost& host, const Transaction& tx) {
    const TxOutcome out = execute_transaction(host, tx);
    INFO(out.error);
    REQUIRE(out.receipt);
    return *out.receipt;
}

}  // namespace

TEST_CASE("intrinsic gas per fork: base, creation, calldata bytes, access list, init code words") {
    Transaction tx = call_tx(bytes{0x00, 0x01, 0x00, 0xff});  // two zero bytes, two others
    CHECK(intrinsic_gas(Fork::Frontier, tx) == 21000 + 2 * 4 + 2 * 68);
    CHECK(intrinsic_gas(Fork::Petersburg, tx) == 21000 + 2 * 4 + 2 * 68);
    CHECK(intrinsic_gas(Fork::Istanbul, tx) == 21000 + 2 * 4 + 2 * 16);  // EIP-2028

    tx.access_list = {{contract, {uint256{1}, uint256{2}}}, {sender, {}}};
    CHECK(intrinsic_gas(Fork::Istanbul, tx) == 21000 + 8 + 32);                      // no access lists yet
    CHECK(intrinsic_gas(Fork::Berlin, tx) == 21000 + 8 + 32 + 2 * 2400 + 2 * 1900);  // EIP-2930

    Transaction create;
    create.sender = sender;
    create.data = bytes(33, 0x01);  // 33 non-zero bytes = 2 words
    CHECK(intrinsic_gas(Fork::Frontier, create) == 21000 + 33 * 68);
    CHECK(intrinsic_gas(Fork::Homestead, create) == 53000 + 33 * 68);  // EIP-2
    CHECK(intrinsic_gas(Fork::London, create) == 53000 + 33 * 16);
    CHECK(intrinsic_gas(Fork::Shanghai, create) == 53000 + 33 * 16 + 2 * 2);  // EIP-3860
}

TEST_CASE("refunds are capped at half the gas used before London and a fifth from London") {
    // Clear a pre-set slot: SSTORE(0, 0) with storage[0] = 1.
    const bytecode code = push(0) + push(0) + Opcode::SSTORE;
    for (const Fork fork : {Fork::Petersburg, Fork::London}) {
        InMemoryHost host(fork);
        host.accounts[contract].code = code.code;
        host.accounts[contract].storage[uint256{0}] = uint256{1};
        const Receipt r = run(host, call_tx());
        REQUIRE(r.status == Status::Success);
        if (fork == Fork::Petersburg) {
            // 21000 + 6 + 5000 = 26006 used; refund 15000 capped at 26006 / 2 = 13003.
            CHECK(r.gas_refund == 13003);
            CHECK(r.gas_used == 26006 - 13003);
        } else {
            // 21000 + 6 + 2100 (cold) + 2900 = 26006; refund 4800 under the cap 26006 / 5 = 5201.
            CHECK(r.gas_refund == 4800);
            CHECK(r.gas_used == 26006 - 4800);
        }
        CHECK(host.accounts.at(contract).storage.empty());
    }
}

TEST_CASE("a call transaction bumps the nonce, moves value, and its receipt holds the logs") {
    const bytecode code = push(0) + push(0) + Opcode::LOG0;
    InMemoryHost host(Fork::Cancun);
    host.accounts[contract].code = code.code;
    host.accounts[sender].balance = uint256{1000};
    Transaction tx = call_tx();
    tx.value = uint256{7};
    const Receipt r = run(host, tx);
    CHECK(r.status == Status::Success);
    CHECK(r.gas_used == 21000 + 6 + 375);
    REQUIRE(r.logs.size() == 1);
    CHECK(r.logs[0].addr == contract);
    CHECK(host.get_nonce(sender) == 1);
    CHECK(host.get_balance(sender) == uint256{993});
    CHECK(host.get_balance(contract) == uint256{7});
}

TEST_CASE("a failing transaction keeps the nonce step, undoes the rest, and has no logs") {
    const bytecode code =
        push(1) + push(0) + Opcode::SSTORE + push(0) + push(0) + Opcode::LOG0 + Opcode::INVALID;
    InMemoryHost host(Fork::Cancun);
    host.accounts[contract].code = code.code;
    host.accounts[sender].balance = uint256{10};
    Transaction tx = call_tx();
    tx.value = uint256{3};
    const Receipt r = run(host, tx);
    CHECK(r.status == Status::InvalidInstruction);
    CHECK(r.gas_used == tx.gas_limit);  // an exceptional halt consumes everything
    CHECK(r.logs.empty());
    CHECK(host.get_nonce(sender) == 1);
    CHECK(host.get_balance(sender) == uint256{10});
    CHECK(host.accounts.at(contract).storage.empty());
}

TEST_CASE("a creation transaction deploys at keccak(rlp(sender, nonce)) and charges the deposit") {
    // Init code: return the 1-byte runtime code 0x00 (STOP).
    const bytecode init = push(0) + push(0) + Opcode::MSTORE8 + push(1) + push(0) + Opcode::RETURN;
    InMemoryHost host(Fork::Shanghai);
    host.accounts[sender].nonce = 5;
    Transaction tx;
    tx.sender = sender;
    tx.data = init.code;
    tx.gas_limit = 100'000;
    const Receipt r = run(host, tx);
    REQUIRE(r.status == Status::Success);
    REQUIRE(r.created);
    CHECK(*r.created == InMemoryHost::create_address(sender, 5));
    CHECK(host.get_nonce(sender) == 6);
    CHECK(host.accounts.at(*r.created).code == bytes{0x00});
    CHECK(host.get_nonce(*r.created) == 1);
    // Init code 6000 6000 53 6001 6000 f3: 10 bytes, 3 of them zero, 1 word. Intrinsic:
    // 53000 + 3 * 4 + 7 * 16 + 2 = 53126.
    const int64_t execution = 3 + 3 + (3 + 3) + 3 + 3 + 0;  // PUSH PUSH MSTORE8(+1 word) PUSH PUSH RETURN
    CHECK(r.intrinsic_gas == 53000 + 3 * 4 + 7 * 16 + 2);
    CHECK(r.gas_used == r.intrinsic_gas + execution + 200);  // 200 per deposited byte
}

TEST_CASE("invalid transactions are rejected and change nothing") {
    InMemoryHost host(Fork::Shanghai);
    Transaction tx = call_tx(bytes{0x01});
    tx.gas_limit = 21015;  // intrinsic is 21016
    TxOutcome out = execute_transaction(host, tx);
    CHECK(!out.receipt);
    CHECK(out.error == "gas limit 21015 is below the intrinsic gas 21016");

    Transaction create;
    create.sender = sender;
    create.data = bytes(49153, 0x00);
    create.gas_limit = 10'000'000;
    out = execute_transaction(host, create);
    CHECK(!out.receipt);
    CHECK(out.error == "init code of 49153 bytes exceeds the limit of 49152");

    tx = call_tx();
    tx.value = uint256{1};
    out = execute_transaction(host, tx);
    CHECK(out.error == "sender balance is below the value");
    CHECK(host.get_nonce(sender) == 0);
}

TEST_CASE("ORIGIN is the transaction's sender") {
    // ORIGIN PUSH1 0 SSTORE
    const bytecode code = bytecode{Opcode::ORIGIN} + push(0) + Opcode::SSTORE;
    InMemoryHost host(Fork::London);  // built with a default context (origin 0)
    host.accounts[contract].code = code.code;
    const Receipt r = run(host, call_tx());
    REQUIRE(r.status == Status::Success);
    CHECK(host.get_storage(contract, uint256{0}) == sender.to_word());
}

TEST_CASE("EIP-2681: no creation past the largest nonce") {
    InMemoryHost host(Fork::Cancun);
    host.accounts[sender].nonce = UINT64_MAX;
    Transaction create;
    create.sender = sender;
    create.gas_limit = 100'000;
    const TxOutcome out = execute_transaction(host, create);
    CHECK(out.error == "sender nonce is at its maximum");

    // The CREATE opcode from a contract at the maximum nonce pushes 0 and keeps the gas.
    const bytecode code =
        push(0) + push(0) + push(0) + Opcode::CREATE + Opcode::ISZERO + push(0) + Opcode::SSTORE;
    host.accounts[contract].code = code.code;
    host.accounts[contract].nonce = UINT64_MAX;
    const Receipt r = run(host, call_tx());
    REQUIRE(r.status == Status::Success);
    CHECK(host.get_storage(contract, uint256{0}) == uint256{1});  // CREATE pushed 0
    CHECK(host.get_nonce(contract) == UINT64_MAX);
}
