// tests/unit/vm/vm_calls_test.cpp - nested frames at the limits: recursion to the maximum call depth, and
// a deep failure unwinding exactly its own state changes.
#include <doctest/doctest.h>

#include "bytecode.hpp"
#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/state.hpp"

using namespace trainchain::vm;
using trainchain::test::bytecode;
using trainchain::test::push;

namespace {

const address self = address::from_word(uint256{0xabcdef});

/// storage[0] += 1, then CALL self with (GAS - 200) gas; returns after the call.
bytecode count_and_recurse() {
    return push(0) + Opcode::SLOAD + push(1) + Opcode::ADD + push(0) + Opcode::SSTORE +  //
           push(0) + push(0) + push(0) + push(0) + push(0) + Opcode::ADDRESS +           //
           push(200) + Opcode::GAS + Opcode::SUB + Opcode::CALL + Opcode::POP;
}

Result run(InMemoryHost& host, const bytes& code, int64_t gas) {
    host.accounts[self].code = code;
    Message msg;
    msg.gas = gas;
    msg.recipient = msg.code_address = self;
    return execute(host, Fork::Frontier, msg, code);
}

}  // namespace

TEST_CASE("a self-calling contract recurses to exactly depth 1024 and no further") {
    InMemoryHost host(Fork::Frontier);
    const auto r = run(host, count_and_recurse().code, 20'000'000);
    REQUIRE(r.status == Status::Success);
    // Frames at depths 0..1024 each count once; the CALL at depth 1024 fails without running.
    CHECK(host.get_storage(self, uint256{0}) == uint256{1025});
}

TEST_CASE("a failure deep in the call chain undoes only the failing frame") {
    // Same recursion, but the frame that finds the counter at 10 hits INVALID after its SSTORE:
    // its increment (to 11) is undone, the frames above it keep theirs.
    const bytecode code = push(0) + Opcode::SLOAD + push(1) + Opcode::ADD + Opcode::DUP1 + push(0) +
                          Opcode::SSTORE +                                      // counter += 1
                          push(11) + Opcode::EQ + push(0x21) + Opcode::JUMPI +  // counter == 11 -> fail
                          push(0) + push(0) + push(0) + push(0) + push(0) + Opcode::ADDRESS + push(200) +
                          Opcode::GAS + Opcode::SUB + Opcode::CALL + Opcode::STOP +  //
                          Opcode::JUMPDEST + Opcode::INVALID;
    REQUIRE(code.code[0x21] == static_cast<uint8_t>(Opcode::JUMPDEST));
    InMemoryHost host(Fork::Frontier);
    const auto r = run(host, code.code, 5'000'000);
    REQUIRE(r.status == Status::Success);
    CHECK(host.get_storage(self, uint256{0}) == uint256{10});
}

TEST_CASE("a failed callee's storage, balance, nonce, created account and logs are all undone") {
    using enum Opcode;
    const address callee = address::from_word(uint256{0xb0b});
    // Callee: SSTORE(0, 7); LOG0; CREATE an empty contract; then INVALID.
    const bytecode b = push(7) + push(0) + SSTORE + push(0) + push(0) + LOG0 +  //
                       push(0) + push(0) + push(0) + CREATE + POP + INVALID;
    // Caller: SSTORE(0, 1); LOG0; storage[1] = CALL(100000 gas, callee, value 5); storage[2] = 0x2a.
    const bytecode a = push(1) + push(0) + SSTORE + push(0) + push(0) + LOG0 +  //
                       push(0) + push(0) + push(0) + push(0) + push(5) + push(callee.to_word()) +
                       push(100000) + CALL + push(1) + SSTORE + push(0x2a) + push(2) + SSTORE;
    InMemoryHost host(Fork::Frontier);
    host.accounts[self].code = a.code;
    host.accounts[self].balance = uint256{100};
    host.accounts[callee].code = b.code;
    const auto before_callee = host.accounts[callee];

    Message msg;
    msg.gas = 1'000'000;
    msg.recipient = msg.code_address = msg.sender = self;
    const Result r = host.call(msg);
    REQUIRE(r.status == Status::Success);

    CHECK(host.get_storage(self, uint256{0}) == uint256{1});
    CHECK(host.get_storage(self, uint256{1}) == uint256{0});  // the CALL failed
    CHECK(host.get_storage(self, uint256{2}) == uint256{0x2a});
    CHECK(host.get_balance(self) == uint256{100});
    CHECK(host.logs.size() == 1);
    const auto& after_callee = host.accounts.at(callee);
    CHECK(after_callee.storage.empty());
    CHECK(after_callee.nonce == before_callee.nonce);
    CHECK(after_callee.balance == before_callee.balance);
    CHECK(!host.account_exists(InMemoryHost::create_address(callee, 0)));
    CHECK(host.accounts.size() == 2);
}

TEST_CASE("a failed outermost call leaves the state as it was") {
    using enum Opcode;
    const bytecode a = push(1) + push(0) + SSTORE + push(0) + push(0) + LOG0 + INVALID;
    InMemoryHost host(Fork::Frontier);
    host.accounts[self].code = a.code;
    Message msg;
    msg.gas = 100'000;
    msg.recipient = msg.code_address = msg.sender = self;
    const Result r = host.call(msg);
    CHECK(r.status == Status::InvalidInstruction);
    CHECK(host.accounts.at(self).storage.empty());
    CHECK(host.logs.empty());
}

TEST_CASE("a creation sent to the host with more value than the sender holds fails and changes nothing") {
    InMemoryHost host(Fork::Cancun);
    host.accounts[self].balance = uint256{5};
    Message msg;
    msg.kind = CallKind::Create;
    msg.gas = 100'000;
    msg.sender = self;
    msg.value = uint256{6};
    const Result r = host.call(msg);
    CHECK(r.status == Status::InsufficientBalance);
    CHECK(r.gas_left == 100'000);
    CHECK(host.get_balance(self) == uint256{5});
    CHECK(host.get_nonce(self) == 0);
    CHECK(host.accounts.size() == 1);
}
