// tests/unit/vm/vm_tracer_test.cpp - GasProfile: exclusive gas per opcode, precompile and code deposit,
// exact against the receipts, and traced execution identical to untraced execution.
#include <doctest/doctest.h>

#include "bytecode.hpp"
#include "trainchain/vm/transaction.hpp"

using namespace trainchain::vm;
using trainchain::test::bytecode;
using trainchain::test::push;

namespace {

const address sender = address::from_word(uint256{0x5e4de4});
const address contract = address::from_word(uint256{0xc0de});
const address callee = address::from_word(uint256{0xca11});
const address codeless = address::from_word(uint256{0xe0a});

uint8_t byte_of(Opcode op) { return static_cast<uint8_t>(op); }

/// Runs `tx` on a fresh host built by `setup`, traced and untraced; checks that both give the
/// same receipt and that the profile adds up to it; returns the profile.
template <typename Setup>
GasProfile profile_of(Fork fork, const Transaction& tx, Setup setup, Receipt* out = nullptr) {
    InMemoryHost plain(fork), traced(fork);
    setup(plain);
    setup(traced);
    GasProfile profile;
    traced.set_tracer(&profile);
    const TxOutcome a = execute_transaction(plain, tx);
    const TxOutcome b = execute_transaction(traced, tx);
    REQUIRE(a.receipt);
    REQUIRE(b.receipt);
    CHECK(a.receipt->status == b.receipt->status);
    CHECK(a.receipt->gas_used == b.receipt->gas_used);
    CHECK(a.receipt->gas_refund == b.receipt->gas_refund);
    CHECK(a.receipt->output == b.receipt->output);
    CHECK(b.receipt->gas_used == b.receipt->intrinsic_gas + profile.total() - b.receipt->gas_refund);
    if (out != nullptr) *out = *b.receipt;
    return profile;
}

Transaction call_tx(int64_t gas_limit = 1'000'000) {
    Transaction tx;
    tx.sender = sender;
    tx.to = contract;
    tx.gas_limit = gas_limit;
    return tx;
}

/// CALL(gas, to, value, 0, 0, 0, 0) then POP the success flag.
bytecode call(const address& to, uint64_t value, Opcode kind = Opcode::CALL) {
    bytecode c = push(0) + push(0) + push(0) + push(0);
    if (kind == Opcode::CALL) c = c + push(value);
    return c + push(to.to_word()) + push(0xffff) + kind + Opcode::POP;
}

}  // namespace

TEST_CASE("straight-line code: each opcode charged its own gas, counted once per execution") {
    const bytecode code =
        push(1) + push(2) + Opcode::ADD + push(3) + Opcode::MUL + Opcode::POP + Opcode::STOP;
    Receipt r;
    const GasProfile p = profile_of(
        Fork::Petersburg, call_tx(), [&](InMemoryHost& h) { h.accounts[contract].code = code.code; }, &r);
    CHECK(r.gas_used == 21000 + 3 + 3 + 3 + 3 + 5 + 2);
    CHECK(p.opcodes[byte_of(Opcode::PUSH1)].count == 3);
    CHECK(p.opcodes[byte_of(Opcode::PUSH1)].gas == 9);
    CHECK(p.opcodes[byte_of(Opcode::ADD)].gas == 3);
    CHECK(p.opcodes[byte_of(Opcode::MUL)].gas == 5);
    CHECK(p.opcodes[byte_of(Opcode::POP)].gas == 2);
    CHECK(p.opcodes[byte_of(Opcode::STOP)].count == 1);
    CHECK(p.opcodes[byte_of(Opcode::STOP)].gas == 0);
    CHECK(p.total() == 19);
}

TEST_CASE("memory expansion and SSTORE's dynamic cost land on the instruction that caused them") {
    // MSTORE at 0x40 expands memory to 3 words: 3 + 3*3 + 9/512 = 12. SSTORE of a new non-zero
    // value costs 20000 in Petersburg; under Berlin a cold slot adds 2100.
    const bytecode code = push(1) + push(0x40) + Opcode::MSTORE + push(7) + push(0) + Opcode::SSTORE;
    const auto setup = [&](InMemoryHost& h) { h.accounts[contract].code = code.code; };
    const GasProfile pet = profile_of(Fork::Petersburg, call_tx(), setup);
    CHECK(pet.opcodes[byte_of(Opcode::MSTORE)].gas == 12);
    CHECK(pet.opcodes[byte_of(Opcode::SSTORE)].gas == 20000);
    const GasProfile berlin = profile_of(Fork::Berlin, call_tx(), setup);
    CHECK(berlin.opcodes[byte_of(Opcode::SSTORE)].gas == 22100);
}

TEST_CASE("a CALL is charged its own cost; the callee's instructions are counted in the callee") {
    const bytecode child = push(1) + push(1) + Opcode::ADD + Opcode::POP + Opcode::STOP;
    const bytecode parent = call(callee, 0) + Opcode::STOP;
    const auto setup = [&](InMemoryHost& h) {
        h.accounts[contract].code = parent.code;
        h.accounts[callee].code = child.code;
    };
    const GasProfile p = profile_of(Fork::Petersburg, call_tx(), setup);
    CHECK(p.opcodes[byte_of(Opcode::CALL)].count == 1);
    CHECK(p.opcodes[byte_of(Opcode::CALL)].gas == 700);
    CHECK(p.opcodes[byte_of(Opcode::ADD)].gas == 3);
    CHECK(p.opcodes[byte_of(Opcode::PUSH1)].count == 5 + 2);  // the address and gas are PUSH2
    CHECK(p.opcodes[byte_of(Opcode::STOP)].count == 2);

    // Berlin: the callee is cold, 2600 instead of 700.
    const GasProfile b = profile_of(Fork::Berlin, call_tx(), setup);
    CHECK(b.opcodes[byte_of(Opcode::CALL)].gas == 2600);
}

TEST_CASE("a value transfer: the CALL pays 9000 less the 2300 stipend it hands to the callee") {
    const bytecode parent = call(codeless, 5) + Opcode::STOP;
    const auto setup = [&](InMemoryHost& h) {
        h.accounts[contract].code = parent.code;
        h.accounts[contract].balance = uint256{100};
        h.accounts[codeless].balance = uint256{1};  // exists: no new-account charge
    };
    const GasProfile p = profile_of(Fork::Petersburg, call_tx(), setup);
    CHECK(p.opcodes[byte_of(Opcode::CALL)].gas == 700 + 9000 - 2300);
    CHECK(p.other.count == 1);  // the codeless callee's frame, which used nothing
    CHECK(p.other.gas == 0);
}

TEST_CASE("the SHA-256 precompile is counted apart from the STATICCALL that reaches it") {
    // 64 bytes of input: 60 + 12 * 2 = 84 gas in the precompile.
    const bytecode code = push(1) + push(0) + Opcode::MSTORE + push(2) + push(0x20) + Opcode::MSTORE +
                          push(32) + push(0) + push(64) + push(0) + push(2) + push(0xffff) +
                          Opcode::STATICCALL + Opcode::POP;
    const GasProfile p = profile_of(Fork::Petersburg, call_tx(),
                                    [&](InMemoryHost& h) { h.accounts[contract].code = code.code; });
    REQUIRE(p.precompiles.count(2) == 1);
    CHECK(p.precompiles.at(2).count == 1);
    CHECK(p.precompiles.at(2).gas == 84);
    CHECK(p.opcodes[byte_of(Opcode::STATICCALL)].gas == 700);
}

TEST_CASE("creations: the code deposit apart, CREATE's own 32000, the init code's instructions") {
    // Init code returning one byte: MSTORE8(0, 0xaa); RETURN(0, 1).
    const bytecode init = push(0xaa) + push(0) + Opcode::MSTORE8 + push(1) + push(0) + Opcode::RETURN;
    Transaction tx;
    tx.sender = sender;
    tx.data = init.code;
    tx.gas_limit = 1'000'000;
    Receipt r;
    const GasProfile top = profile_of(
        Fork::Petersburg, tx, [](InMemoryHost&) {}, &r);
    CHECK(top.code_deposit.count == 1);
    CHECK(top.code_deposit.gas == 200);
    CHECK(r.gas_used == r.intrinsic_gas + 3 * 5 + 3 + 200);  // 4 PUSH1, MSTORE8 3 + 3 memory; RETURN 0

    // CREATE from a contract: the init code goes to memory at 0 and CREATE(0, 0, size) runs it.
    bytecode parent;
    for (size_t i = 0; i < init.code.size(); ++i)
        parent = parent + push(init.code[i]) + push(i) + Opcode::MSTORE8;
    parent = parent + push(init.code.size()) + push(0) + push(0) + Opcode::CREATE + Opcode::POP;
    const GasProfile p = profile_of(Fork::Petersburg, call_tx(),
                                    [&](InMemoryHost& h) { h.accounts[contract].code = parent.code; });
    CHECK(p.opcodes[byte_of(Opcode::CREATE)].count == 1);
    CHECK(p.opcodes[byte_of(Opcode::CREATE)].gas == 32000);
    CHECK(p.code_deposit.gas == 200);
    CHECK(p.opcodes[byte_of(Opcode::RETURN)].count == 1);
}

TEST_CASE("an exceptional halt charges the failing instruction what its frame lost") {
    // An infinite loop runs out of gas: JUMPDEST, PUSH1 0, JUMP.
    const bytecode code = bytecode{Opcode::JUMPDEST} + push(0) + Opcode::JUMP;
    Receipt r;
    const GasProfile p = profile_of(
        Fork::Petersburg, call_tx(30'000), [&](InMemoryHost& h) { h.accounts[contract].code = code.code; },
        &r);
    CHECK(r.status == Status::OutOfGas);
    CHECK(r.gas_used == 30'000);
    CHECK(p.total() == 9'000);
    // 9,000 gas is 750 turns of 1 + 3 + 8; the 751st JUMPDEST finds no gas and is charged nothing.
    CHECK(p.opcodes[byte_of(Opcode::JUMPDEST)].count == 751);
    CHECK(p.opcodes[byte_of(Opcode::JUMPDEST)].gas == 750);
    CHECK(p.opcodes[byte_of(Opcode::PUSH1)].gas == 750 * 3);
    CHECK(p.opcodes[byte_of(Opcode::JUMP)].gas == 750 * 8);

    // A byte no fork defines (0x0c): the frame's remaining gas goes to that byte.
    const bytecode undefined = push(1) + bytecode{bytes{0x0c}};
    const GasProfile u = profile_of(Fork::Petersburg, call_tx(50'000),
                                    [&](InMemoryHost& h) { h.accounts[contract].code = undefined.code; });
    CHECK(u.opcodes[0x0c].count == 1);
    CHECK(u.opcodes[0x0c].gas == 50'000 - 21'000 - 3);
}

TEST_CASE("refunds stay outside the profile; profiles add up") {
    const bytecode code = push(0) + push(0) + Opcode::SSTORE;
    const auto setup = [&](InMemoryHost& h) {
        h.accounts[contract].code = code.code;
        h.accounts[contract].storage[uint256{0}] = uint256{1};
    };
    Receipt r;
    GasProfile p = profile_of(Fork::Petersburg, call_tx(), setup, &r);
    CHECK(r.gas_refund > 0);
    CHECK(p.opcodes[byte_of(Opcode::SSTORE)].gas == 5000);
    const GasProfile once = p;
    p += once;
    CHECK(p.total() == 2 * once.total());
    CHECK(p.opcodes[byte_of(Opcode::SSTORE)].count == 2);
    p.clear();
    CHECK(p.total() == 0);
}

TEST_CASE("callee failures: a revert, a failing creation, a precompile out of gas, a stipend spent") {
    // The callee reverts after two pushes: they count in the callee, the CALL keeps its own 700.
    const bytecode reverting = push(0) + push(0) + Opcode::REVERT;
    const bytecode parent = call(callee, 0) + Opcode::STOP;
    GasProfile p = profile_of(Fork::Petersburg, call_tx(), [&](InMemoryHost& h) {
        h.accounts[contract].code = parent.code;
        h.accounts[callee].code = reverting.code;
    });
    CHECK(p.opcodes[byte_of(Opcode::CALL)].gas == 700);
    CHECK(p.opcodes[byte_of(Opcode::REVERT)].count == 1);
    CHECK(p.opcodes[byte_of(Opcode::REVERT)].gas == 0);

    // A creation whose init code hits INVALID: CREATE keeps 32,000, INVALID is charged the gas the
    // init code was given (all but a 64th of what was left, EIP-150), and nothing is deposited.
    bytecode creator =
        push(0xfe) + push(0) + Opcode::MSTORE8 + push(1) + push(0) + push(0) + Opcode::CREATE + Opcode::POP;
    Receipt r;
    p = profile_of(
        Fork::Petersburg, call_tx(), [&](InMemoryHost& h) { h.accounts[contract].code = creator.code; }, &r);
    CHECK(p.opcodes[byte_of(Opcode::CREATE)].gas == 32'000);
    CHECK(p.opcodes[byte_of(Opcode::INVALID)].count == 1);
    CHECK(p.opcodes[byte_of(Opcode::INVALID)].gas > 900'000);
    CHECK(p.code_deposit.count == 0);

    // SHA-256 with 10 gas: the precompile fails and takes the 10 it was given.
    const bytecode starved =
        push(32) + push(0) + push(64) + push(0) + push(2) + push(10) + Opcode::STATICCALL + Opcode::POP;
    p = profile_of(Fork::Petersburg, call_tx(),
                   [&](InMemoryHost& h) { h.accounts[contract].code = starved.code; });
    REQUIRE(p.precompiles.count(2) == 1);
    CHECK(p.precompiles.at(2).gas == 10);
    CHECK(p.opcodes[byte_of(Opcode::STATICCALL)].gas == 700 + 2 * 3);  // 2 words of memory for the input

    // A value transfer into code: the callee runs on the stipend, the CALL keeps 9,000 - 2,300.
    const bytecode spender = push(1) + push(1) + Opcode::ADD + Opcode::POP + Opcode::STOP;
    const bytecode payer = call(callee, 5) + Opcode::STOP;
    p = profile_of(Fork::Petersburg, call_tx(), [&](InMemoryHost& h) {
        h.accounts[contract].code = payer.code;
        h.accounts[contract].balance = uint256{100};
        h.accounts[callee].code = spender.code;
    });
    CHECK(p.opcodes[byte_of(Opcode::CALL)].gas == 700 + 9000 - 2300);
    CHECK(p.opcodes[byte_of(Opcode::ADD)].gas == 3);
}
