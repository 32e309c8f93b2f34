// tests/unit/vm/vm_forks_test.cpp - fork by fork, Frontier to Cancun: which opcodes exist, what the repriced
// ones cost, and the rule changes of EIP-150, 161, 170, 211, 214, 140, 1014, 1153, 2929, 3529, 3541,
// 3860, 5656 and 6780, each with the exact gas worked out by hand from the EIP or the Yellow Paper.
//
// Every program runs as a message call kOrigin -> kSelf (or another account) on a fresh
// InMemoryHost: host.begin_transaction(origin, &to) first, which from Berlin (EIP-2929) warms the
// origin, the recipient and the precompiles (and the coinbase from Shanghai), then host.call(msg).
// Gas used = msg.gas - r.gas_left: the execution gas of the frame, no intrinsic transaction gas.
//
// Sources: repository ethereum/EIPs, EIPS/eip-<n>.md: EIP-1014's examples verbatim; EIP-3860 in its
// Final text, whose rule 3 reads "instruction execution exceptionally aborts (as if it runs out of
// gas)" (an earlier draft pushed 0 instead); EIP-5656's test cases (one post-state corrected, see
// there); opcode bytes as the EIPs' final texts assign them (TLOAD 0x5c, TSTORE 0x5d, MCOPY 0x5e).
// Frontier from the Yellow Paper's Appendices G and H.
//
// Recurring pieces of the hand counts:
//   push(x)    PUSHn, 3 gas whatever its width
//   ret_top()  PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN = 3 + (3 + memory) + 3 + 3 + 0:
//              15 on fresh memory (0 -> 1 word costs 3), 12 when memory already holds a word
//   call(...)  7 pushes (21) then CALL; 6 pushes (18) for STATICCALL and DELEGATECALL
//   memory     cost(words) = 3*words + words^2/512; an expansion pays cost(new) - cost(old)
//   EIP-150    a callee (or CREATE's init code) gets at most L - floor(L/64) of the L left after
//              the CALL's own charges (from Tangerine Whistle)
//   EIP-2929   cold account 2600 (CALL family / BALANCE / EXT*: warm 100 + 2500 surcharge;
//              SELFDESTRUCT: +2600 on top), cold slot 2100, warm 100 (from Berlin)
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "bytecode.hpp"
#include "test_support.hpp"
#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/gas.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/host.hpp"
#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/opcodes.hpp"
#include "trainchain/vm/state.hpp"

namespace {

using namespace trainchain::vm;
using trainchain::test::bytecode;
using trainchain::test::make_address;
using trainchain::test::push;
using trainchain::test::ret_top;
using Op = Opcode;

// ---- fixtures -----------------------------------------------------------------------------------

/// A small address (leading zero bytes), for code that embeds it with a short PUSH.
constexpr address small_address(uint64_t low) { return make_address(0, low); }

constexpr address kOrigin = make_address(0x0a, 0x041917);  // sends every transaction, well funded
constexpr address kSelf = make_address(0x0c, 0xc0ffee);    // runs the program under test
constexpr address kCallee = make_address(0xca, 0xca11ee);  // a contract the program calls
constexpr address kOther = make_address(0x07, 0x07e4);     // exists: balance 1, code STOP
constexpr address kNobody = make_address(0xde, 0xad);      // never exists beforehand
constexpr address kEmpty = make_address(0xe0, 0x0e);       // exists, but empty (EIP-161)
constexpr address kHeir = small_address(0xbe4e);           // a beneficiary embedded as PUSH2
constexpr address kSha256 = small_address(0x02);           // precompile 0x02
constexpr address kIdentity = small_address(0x04);         // precompile 0x04

constexpr int64_t kGas = 1'000'000;

/// Per-fork expectations, indexed by Fork.
using PerFork = std::array<int64_t, num_forks>;

constexpr std::array<Fork, num_forks> all_forks() {
    std::array<Fork, num_forks> forks{};
    for (size_t i = 0; i < forks.size(); ++i) forks[i] = static_cast<Fork>(i);
    return forks;
}
constexpr auto kForks = all_forks();

std::string name(Fork f) { return std::string(fork_name(f)); }

uint256 u(std::string_view hex) {
    const auto v = uint256::parse(hex);
    REQUIRE(v.has_value());
    return *v;
}

address addr(std::string_view hex) {
    const auto a = address::parse(hex);
    REQUIRE(a.has_value());
    return *a;
}

bytes hex(std::string_view text) {
    auto r = from_hex(text);
    REQUIRE(r);
    return *r.value;
}

/// A fresh host with the standing accounts: kOrigin funded, kOther non-empty with code STOP,
/// kEmpty present but empty.
void populate(InMemoryHost& host) {
    host.accounts[kOrigin].balance = uint256{1'000'000'000'000'000'000ULL};
    host.accounts[kOther].balance = uint256{1};
    host.accounts[kOther].code = {0x00};
    host.accounts[kEmpty];
}

/// What one message call or creation produced.
struct Outcome {
    Status status = Status::Failure;
    int64_t used = 0;    ///< msg.gas - gas_left
    int64_t refund = 0;  ///< the frame's refund counter
    bytes output;
    address created;  ///< for a creation

    /// Word i of the output.
    [[nodiscard]] uint256 word(size_t i = 0) const {
        CHECK_MESSAGE(output.size() >= 32 * (i + 1), "output is ", output.size(), " bytes");
        return output.size() >= 32 * (i + 1) ? uint256::from_be(output.data() + 32 * i, 32) : uint256{};
    }
};

/// A transaction kOrigin -> `to` carrying `gas` (begin_transaction, then host.call).
Outcome transact(InMemoryHost& host, const address& to, int64_t gas = kGas, bytes_view input = {},
                 bool is_static = false) {
    host.begin_transaction(kOrigin, &to);
    Message msg;
    msg.kind = CallKind::Call;
    msg.is_static = is_static;
    msg.gas = gas;
    msg.sender = kOrigin;
    msg.recipient = to;
    msg.code_address = to;
    msg.input = input;
    Result r = host.call(msg);
    return {r.status, gas - r.gas_left, r.gas_refund, std::move(r.output), r.create_address};
}

/// Installs `code` at kSelf and runs it in a transaction.
Outcome run(InMemoryHost& host, const bytecode& code, int64_t gas = kGas) {
    host.accounts[kSelf].code = code.code;
    return transact(host, kSelf, gas);
}

/// A contract-creating transaction from kOrigin with init code `init`.
Outcome create_tx(InMemoryHost& host, const bytes& init, int64_t gas = kGas, const uint256& value = {}) {
    host.begin_transaction(kOrigin, nullptr);
    Message msg;
    msg.kind = CallKind::Create;
    msg.gas = gas;
    msg.sender = kOrigin;
    msg.input = init;
    msg.value = value;
    Result r = host.call(msg);
    return {r.status, gas - r.gas_left, r.gas_refund, std::move(r.output), r.create_address};
}

/// CALL or CALLCODE: 7 pushes (21 gas) and the opcode.
bytecode call(Op op, const uint256& gas, const address& to, const uint256& value = {}, uint64_t in_off = 0,
              uint64_t in_size = 0, uint64_t out_off = 0, uint64_t out_size = 0) {
    return push(out_size) + push(out_off) + push(in_size) + push(in_off) + push(value) + push(to.to_word()) +
           push(gas) + op;
}

/// STATICCALL or DELEGATECALL: 6 pushes (18 gas) and the opcode.
bytecode call6(Op op, const uint256& gas, const address& to, uint64_t in_off = 0, uint64_t in_size = 0,
               uint64_t out_off = 0, uint64_t out_size = 0) {
    return push(out_size) + push(out_off) + push(in_size) + push(in_off) + push(to.to_word()) + push(gas) +
           op;
}

/// A single raw byte as code.
bytecode raw(std::initializer_list<uint8_t> b) { return bytecode{bytes(b)}; }

// ---- 1. which opcodes exist in which fork ----------------------------------------------------------

/// A run of opcode bytes introduced together, and the fork that introduced them.
struct Introduced {
    uint8_t first;
    uint8_t last;
    Fork fork;
};

// Written from the EIPs and the Yellow Paper, independently of opcodes.hpp.
constexpr std::array<Introduced, 26> kIntroduced = {{
    {0x00, 0x0b, Fork::Frontier},        // STOP..SIGNEXTEND (Yellow Paper, Appendix H)
    {0x10, 0x1a, Fork::Frontier},        // LT..BYTE
    {0x1b, 0x1d, Fork::Constantinople},  // SHL, SHR, SAR (EIP-145)
    {0x20, 0x20, Fork::Frontier},        // SHA3 / KECCAK256
    {0x30, 0x3c, Fork::Frontier},        // ADDRESS..EXTCODECOPY
    {0x3d, 0x3e, Fork::Byzantium},       // RETURNDATASIZE, RETURNDATACOPY (EIP-211)
    {0x3f, 0x3f, Fork::Constantinople},  // EXTCODEHASH (EIP-1052)
    {0x40, 0x45, Fork::Frontier},        // BLOCKHASH..GASLIMIT (0x44 DIFFICULTY, PREVRANDAO from Paris)
    {0x46, 0x46, Fork::Istanbul},        // CHAINID (EIP-1344)
    {0x47, 0x47, Fork::Istanbul},        // SELFBALANCE (EIP-1884)
    {0x48, 0x48, Fork::London},          // BASEFEE (EIP-3198)
    {0x49, 0x49, Fork::Cancun},          // BLOBHASH (EIP-4844)
    {0x4a, 0x4a, Fork::Cancun},          // BLOBBASEFEE (EIP-7516)
    {0x50, 0x5b, Fork::Frontier},        // POP..JUMPDEST
    {0x5c, 0x5d, Fork::Cancun},          // TLOAD, TSTORE (EIP-1153)
    {0x5e, 0x5e, Fork::Cancun},          // MCOPY (EIP-5656)
    {0x5f, 0x5f, Fork::Shanghai},        // PUSH0 (EIP-3855)
    {0x60, 0x9f, Fork::Frontier},        // PUSH1..PUSH32, DUP1..DUP16, SWAP1..SWAP16
    {0xa0, 0xa4, Fork::Frontier},        // LOG0..LOG4
    {0xf0, 0xf3, Fork::Frontier},        // CREATE, CALL, CALLCODE, RETURN
    {0xf4, 0xf4, Fork::Homestead},       // DELEGATECALL (EIP-7)
    {0xf5, 0xf5, Fork::Constantinople},  // CREATE2 (EIP-1014)
    {0xfa, 0xfa, Fork::Byzantium},       // STATICCALL (EIP-214)
    {0xfd, 0xfd, Fork::Byzantium},       // REVERT (EIP-140)
    {0xfe, 0xfe, Fork::Frontier},        // INVALID (EIP-141: the designated invalid instruction)
    {0xff, 0xff, Fork::Frontier},        // SUICIDE / SELFDESTRUCT
}};

std::optional<Fork> introduced_in(uint8_t op) {
    for (const auto& r : kIntroduced)
        if (op >= r.first && op <= r.last) return r.fork;
    return std::nullopt;
}

TEST_CASE("sweep: every byte in every fork is undefined exactly before the fork that introduced it") {
    // 17 zero words on the stack cover every opcode's inputs (SWAP16 takes 17), then the byte.
    // Undefined: UndefinedInstruction, an exceptional halt that consumes all 1,000,000 gas.
    // Defined: anything else (never a stack underflow); 0xfe is INVALID, InvalidInstruction.
    int undefined_runs = 0;
    for (const Fork fork : kForks) {
        for (int op = 0; op < 256; ++op) {
            const auto byte = static_cast<uint8_t>(op);
            INFO(name(fork), " opcode 0x", to_hex(bytes{byte}));
            InMemoryHost host(fork);
            populate(host);
            const Outcome out = run(host, 17 * push(0) + raw({byte}));
            const auto since = introduced_in(byte);
            const bool defined = since.has_value() && *since <= fork;
            CHECK(is_defined_in(byte, fork) == defined);  // the opcode list agrees with the EIPs
            if (!defined) {
                ++undefined_runs;
                CHECK(out.status == Status::UndefinedInstruction);
                CHECK(out.used == kGas);
            } else if (byte == 0xfe) {
                CHECK(out.status == Status::InvalidInstruction);
            } else {
                CHECK(out.status != Status::UndefinedInstruction);
                CHECK(out.status != Status::StackUnderflow);
            }
        }
    }
    // Defined bytes per fork: Frontier 130 (12 + 11 + 1 + 13 + 6 + 12 + 64 + 5 + 4 + 2, INVALID
    // included), +1 Homestead, +4 Byzantium, +5 Constantinople, +2 Istanbul, +1 London,
    // +1 Shanghai, +5 Cancun. Undefined runs = sum of (256 - defined):
    //   Frontier 126, Homestead 125, TW 125, SD 125, Byzantium 121, Constantinople 116,
    //   Petersburg 116, Istanbul 114, Berlin 114, London 113, Paris 113, Shanghai 112, Cancun 107.
    CHECK(undefined_runs == 126 + 125 * 3 + 121 + 116 * 2 + 114 * 2 + 113 * 2 + 112 + 107);
}

// ---- 2. repriced opcodes ------------------------------------------------------------------------

/// Runs `code` at kSelf in every fork and checks the gas used against `expected` (-1: the code
/// uses an opcode the fork lacks, UndefinedInstruction).
void check_gas_per_fork(const bytecode& code, const PerFork& expected) {
    for (const Fork fork : kForks) {
        INFO(name(fork));
        InMemoryHost host(fork);
        populate(host);
        const Outcome out = run(host, code);
        const int64_t want = expected[static_cast<size_t>(fork)];
        if (want < 0) {
            CHECK(out.status == Status::UndefinedInstruction);
        } else {
            CHECK(out.status == Status::Success);
            CHECK(out.used == want);
        }
    }
}

TEST_CASE("BALANCE: 20, 400 from Tangerine Whistle, 700 from Istanbul, 2600 cold / 100 warm from Berlin") {
    // Twice on kOther: 2 pushes (6) + first + second. Before Berlin both cost the table price.
    const bytecode code = push(kOther.to_word()) + Op::BALANCE + push(kOther.to_word()) + Op::BALANCE;
    constexpr PerFork expected = {
        46,    // Frontier        6 + 20 + 20
        46,    // Homestead       6 + 20 + 20
        806,   // TW (EIP-150)    6 + 400 + 400
        806,   // SpuriousDragon
        806,   // Byzantium
        806,   // Constantinople
        806,   // Petersburg
        1406,  // Istanbul (EIP-1884) 6 + 700 + 700
        2706,  // Berlin (EIP-2929)   6 + 2600 (cold) + 100 (warm)
        2706,  // London
        2706,  // Paris
        2706,  // Shanghai
        2706,  // Cancun
    };
    check_gas_per_fork(code, expected);

    SUBCASE("Berlin: BALANCE of the running account is warm from the start") {
        InMemoryHost host(Fork::Berlin);
        populate(host);
        // ADDRESS (2) + BALANCE warm (100): EIP-2929 puts tx.to in accessed_addresses.
        const Outcome out = run(host, bytecode{Op::ADDRESS} + Op::BALANCE);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 102);
    }
}

TEST_CASE("EXTCODESIZE: 20, 700 from Tangerine Whistle, 2600 cold / 100 warm from Berlin") {
    const bytecode code =
        push(kOther.to_word()) + Op::EXTCODESIZE + push(kOther.to_word()) + Op::EXTCODESIZE + ret_top();
    // ret_top on fresh memory: 15.
    constexpr PerFork expected = {
        61,    // Frontier   6 + 20 + 20 + 15
        61,    // Homestead
        1421,  // TW         6 + 700 + 700 + 15
        1421,  // SD
        1421,  // Byzantium
        1421,  // Constantinople
        1421,  // Petersburg
        1421,  // Istanbul (EIP-1884 left EXTCODESIZE at 700)
        2721,  // Berlin     6 + 2600 + 100 + 15
        2721,  // London
        2721,  // Paris
        2721,  // Shanghai
        2721,  // Cancun
    };
    check_gas_per_fork(code, expected);
    InMemoryHost host(Fork::Cancun);
    populate(host);
    CHECK(run(host, code).word() == uint256{1});  // kOther's code is one byte
}

TEST_CASE("EXTCODECOPY: base 20, 700 from Tangerine Whistle, 2600 cold / 100 warm from Berlin") {
    // Twice EXTCODECOPY(kOther, mem 0, code 0, size 32): 4 pushes (12) each; the first also pays
    // memory 0 -> 1 word (3); both pay copy 3 * 1 word. Total 24 + 3 + 6 + first + second.
    const bytecode one = push(32) + push(0) + push(0) + push(kOther.to_word()) + Op::EXTCODECOPY;
    constexpr PerFork expected = {
        73,    // Frontier   33 + 20 + 20
        73,    // Homestead
        1433,  // TW         33 + 700 + 700
        1433,  // SD
        1433,  // Byzantium
        1433,  // Constantinople
        1433,  // Petersburg
        1433,  // Istanbul
        2733,  // Berlin     33 + 2600 + 100
        2733,  // London
        2733,  // Paris
        2733,  // Shanghai
        2733,  // Cancun
    };
    check_gas_per_fork(one + one, expected);
}

TEST_CASE("EXTCODEHASH: from Constantinople, 400, 700 from Istanbul, 2600 cold / 100 warm from Berlin") {
    const bytecode code =
        push(kOther.to_word()) + Op::EXTCODEHASH + push(kOther.to_word()) + Op::EXTCODEHASH + ret_top();
    constexpr PerFork expected = {
        -1,    // Frontier: undefined
        -1,    // Homestead
        -1,    // TW
        -1,    // SD
        -1,    // Byzantium
        821,   // Constantinople (EIP-1052) 6 + 400 + 400 + 15
        821,   // Petersburg
        1421,  // Istanbul (EIP-1884)       6 + 700 + 700 + 15
        2721,  // Berlin                    6 + 2600 + 100 + 15
        2721,  // London
        2721,  // Paris
        2721,  // Shanghai
        2721,  // Cancun
    };
    check_gas_per_fork(code, expected);

    SUBCASE("the hash is keccak256(code), and 0 for an absent or (EIP-161) empty account") {
        InMemoryHost host(Fork::Cancun);
        populate(host);
        // keccak256(0x00)
        CHECK(run(host, code).word() ==
              u("0xbc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a"));
        const bytecode nobody = push(kNobody.to_word()) + Op::EXTCODEHASH + ret_top();
        CHECK(run(host, nobody).word() == uint256{0});
        const bytecode empty = push(kEmpty.to_word()) + Op::EXTCODEHASH + ret_top();
        CHECK(run(host, empty).word() == uint256{0});
    }
}

TEST_CASE("SLOAD: 50, 200 from Tangerine Whistle, 800 from Istanbul, 2100 cold / 100 warm from Berlin") {
    const bytecode code = push(0) + Op::SLOAD + push(0) + Op::SLOAD;
    constexpr PerFork expected = {
        106,   // Frontier   6 + 50 + 50
        106,   // Homestead
        406,   // TW         6 + 200 + 200
        406,   // SD
        406,   // Byzantium
        406,   // Constantinople
        406,   // Petersburg
        1606,  // Istanbul   6 + 800 + 800
        2206,  // Berlin     6 + 2100 (cold slot) + 100 (warm)
        2206,  // London
        2206,  // Paris
        2206,  // Shanghai
        2206,  // Cancun
    };
    check_gas_per_fork(code, expected);

    SUBCASE("Berlin: warmth is per slot") {
        InMemoryHost host(Fork::Berlin);
        populate(host);
        const Outcome out = run(host, push(0) + Op::SLOAD + push(1) + Op::SLOAD);
        CHECK(out.used == 4206);  // 6 + 2100 + 2100: two different slots, both cold
    }
}

TEST_CASE("CALL base: 40, 700 from Tangerine Whistle, 100 warm + 2500 cold surcharge from Berlin") {
    // Twice CALL(gas 0, kOther, value 0, no memory) then POP: 2 * (21 + 2) + first + second.
    // kOther exists and has code STOP, so no new-account charge in any fork and no gas consumed
    // by the callee.
    const bytecode one = call(Op::CALL, 0, kOther) + Op::POP;
    constexpr PerFork expected = {
        126,   // Frontier   46 + 40 + 40
        126,   // Homestead
        1446,  // TW         46 + 700 + 700
        1446,  // SD
        1446,  // Byzantium
        1446,  // Constantinople
        1446,  // Petersburg
        1446,  // Istanbul
        2746,  // Berlin     46 + (100 + 2500) + 100
        2746,  // London
        2746,  // Paris
        2746,  // Shanghai
        2746,  // Cancun
    };
    check_gas_per_fork(one + one, expected);
}

TEST_CASE("SELFDESTRUCT: 0, 5000 + new-account rules from Tangerine Whistle, +2600 cold, refunds") {
    // Code: PUSH beneficiary (3), SELFDESTRUCT.
    //   Frontier, Homestead: 0 gas, no new-account charge.
    //   TW (EIP-150 1c): 5000, +25000 if the beneficiary does not exist.
    //   SD on (EIP-161b): +25000 only if value moves (balance != 0) and the beneficiary is dead.
    //   Berlin on (EIP-2929): +2600 if the beneficiary is cold.
    //   Refund 24000 (R_selfdestruct) up to Berlin, 0 from London (EIP-3529).
    struct Scenario {
        const char* what;
        address beneficiary;
        uint64_t balance;  // of the destructing account
        PerFork used;
    };
    const std::array<Scenario, 5> scenarios = {{
        {"no value, beneficiary absent",
         kNobody,
         0,
         {3, 3, 30003, 5003, 5003, 5003, 5003, 5003, 7603, 7603, 7603, 7603, 7603}},
        // TW: absent -> 3 + 5000 + 25000. SD..Istanbul: no value, no charge. Berlin: + 2600 cold.
        {"1 wei, beneficiary absent",
         kNobody,
         1,
         {3, 3, 30003, 30003, 30003, 30003, 30003, 30003, 32603, 32603, 32603, 32603, 32603}},
        // SD on: value moves to a dead account -> + 25000; Berlin: + 2600 + 25000.
        {"1 wei, beneficiary exists but is empty",
         kEmpty,
         1,
         {3, 3, 5003, 30003, 30003, 30003, 30003, 30003, 32603, 32603, 32603, 32603, 32603}},
        // TW: the empty account exists -> no charge. SD on: empty is dead (EIP-161) -> + 25000.
        {"1 wei, beneficiary exists (cold)",
         kOther,
         1,
         {3, 3, 5003, 5003, 5003, 5003, 5003, 5003, 7603, 7603, 7603, 7603, 7603}},
        {"1 wei, beneficiary is the origin (warm from Berlin)",
         kOrigin,
         1,
         {3, 3, 5003, 5003, 5003, 5003, 5003, 5003, 5003, 5003, 5003, 5003, 5003}},
    }};
    constexpr PerFork refund = {24000, 24000, 24000, 24000, 24000, 24000, 24000, 24000, 24000, 0, 0, 0, 0};
    for (const Scenario& s : scenarios) {
        for (const Fork fork : kForks) {
            INFO(std::string(s.what), ", ", name(fork));
            InMemoryHost host(fork);
            populate(host);
            host.accounts[kSelf].balance = uint256{s.balance};
            const Outcome out = run(host, push(s.beneficiary.to_word()) + Op::SELFDESTRUCT);
            CHECK(out.status == Status::Success);
            CHECK(out.used == s.used[static_cast<size_t>(fork)]);
            CHECK(out.refund == refund[static_cast<size_t>(fork)]);
        }
    }
}

TEST_CASE("EXP: 10 + 10 per exponent byte, 50 per byte from Spurious Dragon (EIP-160)") {
    // PUSH exponent, PUSH 2 (base), EXP: 6 + 10 + per_byte * significant bytes of the exponent.
    struct Case {
        uint256 exponent;
        PerFork used;
    };
    const std::array<Case, 3> cases = {{
        {0, {16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16}},  // 0 bytes: 6 + 10
        {0x100,
         {36, 36, 36, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116}},  // 2 bytes: 6+10+20 / 6+10+100
        {uint256{0, 0, 0, 1ULL << 63},  // 2^255, 32 bytes: 6 + 10 + 320 / 6 + 10 + 1600
         {336, 336, 336, 1616, 1616, 1616, 1616, 1616, 1616, 1616, 1616, 1616, 1616}},
    }};
    for (const Case& c : cases) {
        INFO("exponent ", c.exponent);
        check_gas_per_fork(push(c.exponent) + push(2) + Op::EXP, c.used);
    }
}

// ---- 3. EIP-150: all but one 64th -----------------------------------------------------------------

TEST_CASE("EIP-150: CALL passes at most all but one 64th; asking for more is out of gas before it") {
    // Callee: GAS PUSH1 0 SSTORE -- stores the gas it has after GAS (2), i.e. what it got - 2.
    // Callee cost: 2 + 3 + 20000 (zero -> non-zero, legacy pricing before Constantinople) = 20005.
    // Caller: CALL(req, kCallee, value 0, no memory); 100000 gas; 7 pushes = 21.
    const bytecode callee = bytecode{Op::GAS} + push(0) + Op::SSTORE;
    struct Case {
        Fork fork;
        uint64_t requested;
        Status status;
        int64_t used;
        uint64_t stored;  // what the callee saw
    };
    constexpr std::array<Case, 7> cases = {{
        // Tangerine Whistle: L = 100000 - 21 - 700 = 99279; cap = L - floor(L/64) = 99279 - 1551 = 97728.
        {Fork::TangerineWhistle, 1'000'000, Status::Success, 20726, 97726},  // 21 + 700 + 20005
        {Fork::TangerineWhistle, 99940, Status::Success, 20726, 97726},
        {Fork::TangerineWhistle, 97728, Status::Success, 20726, 97726},  // exactly the cap
        {Fork::TangerineWhistle, 50000, Status::Success, 20726, 49998},  // below the cap: as asked
        // Homestead: L = 100000 - 21 - 40 = 99939; the CALL needs req <= L, else out of gas.
        {Fork::Homestead, 1'000'000, Status::OutOfGas, 100000, 0},
        {Fork::Homestead, 99940, Status::OutOfGas, 100000, 0},
        {Fork::Homestead, 99939, Status::Success, 20066, 99937},  // 21 + 40 + 20005: all of L passed
    }};
    for (const Case& c : cases) {
        INFO(name(c.fork), " requesting ", c.requested);
        InMemoryHost host(c.fork);
        populate(host);
        host.accounts[kCallee].code = callee.code;
        const Outcome out = run(host, call(Op::CALL, c.requested, kCallee), 100000);
        CHECK(out.status == c.status);
        CHECK(out.used == c.used);
        CHECK(host.get_storage(kCallee, 0) == uint256{c.stored});
    }
}

TEST_CASE("EIP-150: CREATE passes all but one 64th from Tangerine Whistle, everything before") {
    // Init code 0x5a600055 = GAS PUSH1 0 SSTORE, stored with PUSH4 / PUSH1 0 / MSTORE at memory
    // 28..31: 3 + 3 + 3 + 3 (memory 1 word) = 12. CREATE(value 0, offset 28, size 4): 9 + 32000.
    // L = 100000 - 32021 = 67979. The init code costs 2 + 3 + 20000 = 20005 and returns no code.
    // Used = 32021 + 20005 = 52026 either way; the stored GAS value shows what it was given:
    //   Frontier, Homestead: 67979 - 2 = 67977
    //   TW: 67979 - floor(67979/64) = 67979 - 1062 = 66917, stored 66915
    const bytecode code = push(0x5a600055) + push(0) + Op::MSTORE + push(4) + push(28) + push(0) + Op::CREATE;
    struct Case {
        Fork fork;
        uint64_t stored;
    };
    constexpr std::array<Case, 3> cases = {
        {{Fork::Frontier, 67977}, {Fork::Homestead, 67977}, {Fork::TangerineWhistle, 66915}}};
    for (const Case& c : cases) {
        INFO(name(c.fork));
        InMemoryHost host(c.fork);
        populate(host);
        const Outcome out = run(host, code, 100000);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 52026);
        CHECK(host.get_storage(InMemoryHost::create_address(kSelf, 0), 0) == uint256{c.stored});
    }
}

// ---- 4. CREATE and CREATE2 ----------------------------------------------------------------------

TEST_CASE("CREATE2 addresses: the seven examples of EIP-1014") {
    struct Example {
        const char* sender;
        const char* salt;
        const char* init_code;
        const char* result;
    };
    // EIPS/eip-1014.md, "Examples" 0..6, verbatim.
    constexpr std::array<Example, 7> examples = {{
        {"0x0000000000000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00",
         "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"},
        {"0xdeadbeef00000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00",
         "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3"},
        {"0xdeadbeef00000000000000000000000000000000",
         "0x000000000000000000000000feed000000000000000000000000000000000000", "0x00",
         "0xD04116cDd17beBE565EB2422F2497E06cC1C9833"},
        {"0x0000000000000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0xdeadbeef",
         "0x70f2b2914A2a4b783FaEFb75f459A580616Fcb5e"},
        {"0x00000000000000000000000000000000deadbeef",
         "0x00000000000000000000000000000000000000000000000000000000cafebabe", "0xdeadbeef",
         "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7"},
        {"0x00000000000000000000000000000000deadbeef",
         "0x00000000000000000000000000000000000000000000000000000000cafebabe",
         "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
         "0x1d8bfDC5D46DC4f61D6b6115972536eBE6A8854C"},
        {"0x0000000000000000000000000000000000000000",
         "0x0000000000000000000000000000000000000000000000000000000000000000", "0x",
         "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0"},
    }};
    for (size_t i = 0; i < examples.size(); ++i) {
        const Example& e = examples[i];
        INFO("example ", i);
        CHECK(InMemoryHost::create2_address(addr(e.sender), u(e.salt), hex(e.init_code)) == addr(e.result));
    }
}

TEST_CASE("CREATE2 through the opcode: EIP-1014 examples 0, 1, 2 and 6, with the EIP's gas") {
    // Program at the example's sender: PUSH salt, PUSH size, PUSH 0 (offset), PUSH 0 (value),
    // CREATE2, ret_top. The init code is `size` bytes of fresh (zero) memory: 0x00 for size 1
    // (examples 0-2), empty for size 0 (example 6). 0x00 is STOP, so the init code runs free and
    // deploys nothing.
    //   size 1: 12 + 3 (memory 1 word) + 32006 (EIP-1014's "gas": 32000 + 6 * 1 word)
    //           + ret_top 12 (memory already 1 word) = 32033; from Shanghai + 2 * 1 word = 32035
    //   size 0: 12 + 0 + 32000 + ret_top 15 = 32027 in every fork
    struct Example {
        const char* sender;
        const char* salt;
        uint64_t size;
        const char* result;
    };
    constexpr std::array<Example, 4> examples = {{
        {"0x0000000000000000000000000000000000000000", "0x0", 1,
         "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"},
        {"0xdeadbeef00000000000000000000000000000000", "0x0", 1,
         "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3"},
        {"0xdeadbeef00000000000000000000000000000000",
         "0x000000000000000000000000feed000000000000000000000000000000000000", 1,
         "0xD04116cDd17beBE565EB2422F2497E06cC1C9833"},
        {"0x0000000000000000000000000000000000000000", "0x0", 0,
         "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0"},
    }};
    for (const Fork fork : {Fork::Constantinople, Fork::Berlin, Fork::Paris, Fork::Shanghai, Fork::Cancun}) {
        for (const Example& e : examples) {
            INFO(name(fork), " sender ", std::string(e.sender), " salt ", std::string(e.salt), " size ",
                 e.size);
            InMemoryHost host(fork);
            populate(host);
            const address sender = addr(e.sender);
            host.accounts[sender].code =
                (push(u(e.salt)) + push(e.size) + push(0) + push(0) + Op::CREATE2 + ret_top()).code;
            const Outcome out = transact(host, sender);
            CHECK(out.status == Status::Success);
            const int64_t expected = e.size == 0 ? 32027 : (fork >= Fork::Shanghai ? 32035 : 32033);
            CHECK(out.used == expected);
            CHECK(address::from_word(out.word()) == addr(e.result));
            CHECK(host.accounts.contains(addr(e.result)));
            CHECK(host.get_nonce(addr(e.result)) == 1);  // EIP-161a
        }
    }
}

TEST_CASE("CREATE addresses: sender 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0, nonces 0..3") {
    const address sender = addr("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
    const std::array<address, 4> expected = {addr("0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"),
                                             addr("0x343c43a37d37dff08ae8c4a11544c718abb4fcf8"),
                                             addr("0xf778b86fa74e846c4f0a1fbd1335fe81c00a0c91"),
                                             addr("0xfffd933a0bc612844eaf0c6fe3e5b8e9b6c1d19c")};
    for (uint64_t nonce = 0; nonce < 4; ++nonce) {
        INFO("nonce ", nonce);
        CHECK(InMemoryHost::create_address(sender, nonce) == expected[nonce]);
    }

    SUBCASE("through the opcode, four CREATEs in a row") {
        // Per CREATE: PUSH 0 x3 (9) + 32000 (empty init code, no per-word cost at 0 words)
        // + PUSH 32*i (3) + MSTORE (3 + 3 for memory word i+1) = 32018; 4 * 32018 + RETURN's
        // two pushes 6 = 128078 in every fork.
        bytecode code;
        for (uint64_t i = 0; i < 4; ++i)
            code = code + push(0) + push(0) + push(0) + Op::CREATE + push(32 * i) + Op::MSTORE;
        code = code + push(128) + push(0) + Op::RETURN;
        for (const Fork fork :
             {Fork::Frontier, Fork::Homestead, Fork::SpuriousDragon, Fork::Berlin, Fork::Cancun}) {
            INFO(name(fork));
            InMemoryHost host(fork);
            populate(host);
            host.accounts[sender].code = code.code;
            const Outcome out = transact(host, sender);
            CHECK(out.status == Status::Success);
            CHECK(out.used == 128078);
            for (size_t i = 0; i < 4; ++i) {
                CHECK(address::from_word(out.word(i)) == expected[i]);
                // EIP-161a: a created account starts at nonce 1 from Spurious Dragon.
                CHECK(host.get_nonce(expected[i]) == (fork >= Fork::SpuriousDragon ? 1U : 0U));
            }
            CHECK(host.get_nonce(sender) == 4);
        }
    }
}

TEST_CASE("CREATE vs CREATE2: 6 gas per init-code word for hashing; EIP-3860 adds 2 per word to both") {
    // 64 bytes of fresh memory (two zero words: STOP) as init code; memory 0 -> 2 words = 6.
    //   CREATE:  PUSH 64, PUSH 0, PUSH 0 (9) + 6 + 32000 [+ 2 * 2 from Shanghai]
    //            = 32015, from Shanghai 32019
    //   CREATE2: PUSH salt 0 + the same (12) + 6 + 32000 + 6 * 2 [+ 2 * 2]
    //            = 32030, from Shanghai 32034
    const bytecode create = push(64) + push(0) + push(0) + Op::CREATE;
    const bytecode create2 = push(0) + push(64) + push(0) + push(0) + Op::CREATE2;
    constexpr PerFork create_used = {32015, 32015, 32015, 32015, 32015, 32015, 32015,
                                     32015, 32015, 32015, 32015, 32019, 32019};
    constexpr PerFork create2_used = {-1,    -1,    -1,    -1,    -1,    32030, 32030,
                                      32030, 32030, 32030, 32030, 32034, 32034};
    check_gas_per_fork(create, create_used);
    check_gas_per_fork(create2, create2_used);
}

TEST_CASE("EIP-3860: init code up to 49152 bytes; over it CREATE and CREATE2 abort from Shanghai") {
    // Init code of n zero bytes from fresh memory (STOP: deploys nothing).
    //   memory for 49152 bytes = 1536 words: 3 * 1536 + 1536^2 / 512 = 4608 + 4608 = 9216
    //   memory for 49153 bytes = 1537 words: 4611 + floor(2362369 / 512) = 4611 + 4614 = 9225
    //   CREATE  (9 in pushes):  Shanghai 49152: 9 + 9216 + 32000 + 2 * 1536 = 44297
    //                           London   49152: 9 + 9216 + 32000 = 41225
    //                           London   49153: 9 + 9225 + 32000 = 41234
    //   CREATE2 (12 in pushes): Shanghai 49152: 12 + 9216 + 32000 + (6 + 2) * 1536 = 53516
    //                           London   49152: 12 + 9216 + 32000 + 6 * 1536 = 50444
    //                           London   49153: 12 + 9225 + 32000 + 6 * 1537 = 50459
    //   Shanghai and Cancun, 49153 bytes: rule 3, an exceptional abort, all gas used.
    struct Case {
        Fork fork;
        bool create2;
        uint64_t size;
        Status status;
        int64_t used;
    };
    constexpr std::array<Case, 12> cases = {{
        {Fork::London, false, 49152, Status::Success, 41225},
        {Fork::London, false, 49153, Status::Success, 41234},
        {Fork::London, true, 49152, Status::Success, 50444},
        {Fork::London, true, 49153, Status::Success, 50459},
        {Fork::Shanghai, false, 49152, Status::Success, 44297},
        {Fork::Shanghai, false, 49153, Status::OutOfGas, kGas},
        {Fork::Shanghai, true, 49152, Status::Success, 53516},
        {Fork::Shanghai, true, 49153, Status::OutOfGas, kGas},
        {Fork::Cancun, false, 49152, Status::Success, 44297},
        {Fork::Cancun, false, 49153, Status::OutOfGas, kGas},
        {Fork::Cancun, true, 49152, Status::Success, 53516},
        {Fork::Cancun, true, 49153, Status::OutOfGas, kGas},
    }};
    for (const Case& c : cases) {
        INFO(name(c.fork), std::string(c.create2 ? " CREATE2 " : " CREATE "), c.size, " bytes");
        InMemoryHost host(c.fork);
        populate(host);
        const bytecode code = c.create2 ? push(0) + push(c.size) + push(0) + push(0) + Op::CREATE2
                                        : push(c.size) + push(0) + push(0) + Op::CREATE;
        const Outcome out = run(host, code);
        CHECK(out.status == c.status);
        CHECK(out.used == c.used);
        const address created = c.create2 ? InMemoryHost::create2_address(kSelf, 0, bytes(c.size, 0))
                                          : InMemoryHost::create_address(kSelf, 0);
        CHECK(host.accounts.contains(created) == (c.status == Status::Success));
    }
}

TEST_CASE("EIP-3541: from London, code starting with 0xEF cannot be deployed") {
    // Init code 60ef 6000 53 6001 6000 f3: MSTORE8(0, 0xef), RETURN(0, 1).
    //   3 + 3 + (3 + 3 memory) + 3 + 3 + 0 = 18, code deposit 200 * 1 = 200: 218.
    const bytes init_ef = hex("0x60ef60005360016000f3");
    const bytes init_fe = hex("0x60fe60005360016000f3");  // the same returning 0xFE: always fine

    SUBCASE("a creation transaction") {
        for (const Fork fork : {Fork::Berlin, Fork::London, Fork::Paris, Fork::Shanghai, Fork::Cancun}) {
            INFO(name(fork));
            {
                InMemoryHost host(fork);
                populate(host);
                const Outcome out = create_tx(host, init_ef, 100000);
                const address created = InMemoryHost::create_address(kOrigin, 0);
                if (fork < Fork::London) {
                    CHECK(out.status == Status::Success);
                    CHECK(out.used == 218);
                    CHECK(host.accounts.at(created).code == bytes{0xef});
                } else {
                    // "contract creation results in an exceptional abort": all gas used.
                    CHECK(out.status != Status::Success);
                    CHECK(out.status != Status::Revert);
                    CHECK(out.used == 100000);
                    CHECK(!host.accounts.contains(created));
                }
            }
            InMemoryHost host(fork);
            populate(host);
            const Outcome out = create_tx(host, init_fe, 100000);
            CHECK(out.status == Status::Success);
            CHECK(out.used == 218);
        }
    }

    SUBCASE("the CREATE opcode") {
        // PUSH10 init, PUSH1 0, MSTORE (init at memory 22..31): 3 + 3 + 3 + 3 = 12;
        // PUSH 10, PUSH 22, PUSH 0, CREATE: 9 + 32000. L = 100000 - 32021 = 67979,
        // the init code gets 67979 - 1062 = 66917. Then ret_top 12.
        //   Berlin: 32021 + 218 + 12 = 32251, returns the new address
        //   London: the deployment aborts, the 66917 are gone: 32021 + 66917 + 12 = 98950, returns 0
        const bytecode code = push(uint256::from_be(init_ef.data(), init_ef.size())) + push(0) + Op::MSTORE +
                              push(10) + push(22) + push(0) + Op::CREATE + ret_top();
        {
            InMemoryHost host(Fork::Berlin);
            populate(host);
            const Outcome out = run(host, code, 100000);
            CHECK(out.status == Status::Success);
            CHECK(out.used == 32251);
            CHECK(address::from_word(out.word()) == InMemoryHost::create_address(kSelf, 0));
        }
        InMemoryHost host(Fork::London);
        populate(host);
        const Outcome out = run(host, code, 100000);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 98950);
        CHECK(out.word() == uint256{0});
        CHECK(!host.accounts.contains(InMemoryHost::create_address(kSelf, 0)));
    }
}

TEST_CASE("EIP-170: from Spurious Dragon, code over 24576 bytes cannot be deployed") {
    // Init code PUSH2 n, PUSH1 0, RETURN: returns n zero bytes of fresh memory.
    //   n = 24576 (768 words): 3 + 3 + memory (3 * 768 + 768^2 / 512 = 2304 + 1152 = 3456)
    //       + deposit 200 * 24576 = 4915200: 4918662 in every fork
    //   n = 24577 (769 words): 3 + 3 + (2307 + floor(591361 / 512) = 2307 + 1155 = 3462)
    //       + 4915400 = 4918868 before Spurious Dragon; from it the creation fails with all gas used
    constexpr int64_t gas = 10'000'000;
    for (const Fork fork : kForks) {
        INFO(name(fork));
        {
            InMemoryHost host(fork);
            populate(host);
            const Outcome out = create_tx(host, hex("0x6160006000f3"), gas);
            const address created = InMemoryHost::create_address(kOrigin, 0);
            CHECK(out.status == Status::Success);
            CHECK(out.used == 4918662);
            CHECK(out.created == created);
            CHECK(host.get_code_size(created) == 24576);
            // EIP-161a: nonce 1 from Spurious Dragon.
            CHECK(host.get_nonce(created) == (fork >= Fork::SpuriousDragon ? 1U : 0U));
        }
        InMemoryHost host(fork);
        populate(host);
        const Outcome out = create_tx(host, hex("0x6160016000f3"), gas);
        const address created = InMemoryHost::create_address(kOrigin, 0);
        if (fork < Fork::SpuriousDragon) {
            CHECK(out.status == Status::Success);
            CHECK(out.used == 4918868);
            CHECK(host.get_code_size(created) == 24577);
        } else {
            CHECK(out.status != Status::Success);
            CHECK(out.status != Status::Revert);
            CHECK(out.used == gas);
            CHECK(!host.accounts.contains(created));
        }
    }
}

// ---- 5. Byzantium: REVERT, RETURNDATA*, STATICCALL -------------------------------------------------

/// SSTORE(0, 1), then 0x2a in memory word 0 and `end`(0, 32): REVERT or RETURN.
/// Byzantium: 3 + 3 + 20000 + 3 + 3 + (3 + 3) + 3 + 3 + 0 = 20024.
bytecode store_then_end(Op end) {
    return push(1) + push(0) + Op::SSTORE + push(0x2a) + push(0) + Op::MSTORE + push(32) + push(0) + end;
}

TEST_CASE("EIP-140 REVERT: returns its output and the unused gas, and undoes the frame's state") {
    InMemoryHost host(Fork::Byzantium);
    populate(host);
    const Outcome out = run(host, store_then_end(Op::REVERT), 100000);
    CHECK(out.status == Status::Revert);
    CHECK(out.used == 20024);  // 79976 of 100000 come back
    CHECK(out.word() == uint256{0x2a});
    CHECK(out.refund == 0);
    CHECK(host.get_storage(kSelf, 0) == uint256{0});

    SUBCASE("undefined before Byzantium") {
        InMemoryHost old_host(Fork::SpuriousDragon);
        populate(old_host);
        const Outcome old = run(old_host, store_then_end(Op::REVERT), 100000);
        CHECK(old.status == Status::UndefinedInstruction);
        CHECK(old.used == 100000);
    }
}

TEST_CASE("EIP-211: RETURNDATASIZE and RETURNDATACOPY see the last callee's output") {
    // Caller (Byzantium): CALL(50000, kCallee) 21 + 700; then
    //   PUSH 0, MSTORE (flag at word 0): 3 + 3 + 3 (memory 1 word) = 9
    //   RETURNDATASIZE, PUSH 32, MSTORE (word 1): 2 + 3 + 3 + 3 = 11
    //   PUSH 32, PUSH 0, PUSH 64, RETURNDATACOPY (to word 2): 9 + 3 + 3 (copy 1 word) + 3 (memory) = 18
    //   PUSH 96, PUSH 0, RETURN: 6
    const bytecode caller = call(Op::CALL, 50000, kCallee) + push(0) + Op::MSTORE + Op::RETURNDATASIZE +
                            push(32) + Op::MSTORE + push(32) + push(0) + push(64) + Op::RETURNDATACOPY +
                            push(96) + push(0) + Op::RETURN;
    struct Case {
        Op end;
        uint64_t flag;
        uint64_t slot;  // the callee's slot 0 afterwards
    };
    // Either way the callee uses 20024 and hands back 29976: 21 + 700 + 20024 + 9 + 11 + 18 + 6 = 20789.
    for (const Case c : {Case{Op::REVERT, 0, 0}, Case{Op::RETURN, 1, 1}}) {
        INFO(std::string(c.end == Op::REVERT ? "REVERT" : "RETURN"));
        InMemoryHost host(Fork::Byzantium);
        populate(host);
        host.accounts[kCallee].code = store_then_end(c.end).code;
        const Outcome out = run(host, caller, 100000);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 20789);
        CHECK(out.word(0) == uint256{c.flag});
        CHECK(out.word(1) == uint256{32});
        CHECK(out.word(2) == uint256{0x2a});
        CHECK(host.get_storage(kCallee, 0) == uint256{c.slot});
    }

    SUBCASE("an exceptional halt returns nothing and consumes the callee's gas") {
        // Callee SSTORE then INVALID: the 50000 are gone. 21 + 700 + 50000 + 9 + 11 + 6 = 50747.
        InMemoryHost host(Fork::Byzantium);
        populate(host);
        host.accounts[kCallee].code = (push(1) + push(0) + Op::SSTORE + Op::INVALID).code;
        const bytecode code = call(Op::CALL, 50000, kCallee) + push(0) + Op::MSTORE + Op::RETURNDATASIZE +
                              push(32) + Op::MSTORE + push(64) + push(0) + Op::RETURN;
        const Outcome out = run(host, code, 100000);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 50747);
        CHECK(out.word(0) == uint256{0});
        CHECK(out.word(1) == uint256{0});
        CHECK(host.get_storage(kCallee, 0) == uint256{0});
    }
}

TEST_CASE("EIP-211: after CREATE the return data is the init code's REVERT output, or empty") {
    // Init code 602a 6000 52 6020 6000 <end>: MSTORE(0, 0x2a), then REVERT/RETURN(0, 32):
    //   3 + 3 + (3 + 3) + 3 + 3 = 18; RETURN also pays the deposit 200 * 32 = 6400.
    // Caller (Byzantium): PUSH10 init, PUSH1 0, MSTORE (12); PUSH 10, PUSH 22, PUSH 0, CREATE
    //   (9 + 32000); PUSH 0, MSTORE (6, memory already 1 word); RETURNDATASIZE, PUSH 32, MSTORE
    //   (2 + 3 + 3 + 3); PUSH 64, PUSH 0, RETURN (6): 12 + 32009 + 6 + 11 + 6 = 32044 + the child.
    struct Case {
        uint8_t end;
        int64_t child;
        bool created;
        uint64_t size;
    };
    for (const Case c : {Case{0xfd, 18, false, 32}, Case{0xf3, 18 + 6400, true, 0}}) {
        INFO(std::string(c.end == 0xfd ? "REVERT" : "RETURN"));
        const bytes init = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, c.end};
        InMemoryHost host(Fork::Byzantium);
        populate(host);
        const Outcome out =
            run(host,
                push(uint256::from_be(init.data(), init.size())) + push(0) + Op::MSTORE + push(10) +
                    push(22) + push(0) + Op::CREATE + push(0) + Op::MSTORE + Op::RETURNDATASIZE + push(32) +
                    Op::MSTORE + push(64) + push(0) + Op::RETURN,
                100000);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 32044 + c.child);
        CHECK(address::from_word(out.word(0)) ==
              (c.created ? InMemoryHost::create_address(kSelf, 0) : address{}));
        CHECK(out.word(1) == uint256{c.size});
    }
}

TEST_CASE("EIP-211: RETURNDATACOPY past the end of the return data is an exceptional halt") {
    // After CALL(50000, kCallee) whose REVERT returned 32 bytes (21 + 700 + 20024 = 20745):
    // RETURNDATACOPY(mem 0, offset, size) with offset + size > 32 halts the caller with all gas
    // used; offset + size == 32 is fine (a size 0 copy costs 9 + 3, no memory, no copy words).
    struct Case {
        uint64_t offset;
        uint64_t size;
        Status status;
        int64_t used;
    };
    constexpr std::array<Case, 5> cases = {{
        {1, 32, Status::InvalidMemoryAccess, 100000},
        {33, 0, Status::InvalidMemoryAccess, 100000},  // "start + length ... larger than RETURNDATASIZE"
        {0, 33, Status::InvalidMemoryAccess, 100000},
        {32, 0, Status::Success, 20757},  // 20745 + 12
        {0, 32, Status::Success, 20763},  // 20745 + 9 + 3 + 3 (copy) + 3 (memory)
    }};
    for (const Case& c : cases) {
        INFO("offset ", c.offset, " size ", c.size);
        InMemoryHost host(Fork::Byzantium);
        populate(host);
        host.accounts[kCallee].code = store_then_end(Op::REVERT).code;
        const Outcome out =
            run(host,
                call(Op::CALL, 50000, kCallee) + push(c.size) + push(c.offset) + push(0) + Op::RETURNDATACOPY,
                100000);
        CHECK(out.status == c.status);
        CHECK(out.used == c.used);
    }

    SUBCASE("with no call made yet, there is no return data to copy") {
        InMemoryHost host(Fork::Byzantium);
        populate(host);
        const Outcome out = run(host, push(1) + push(0) + push(0) + Op::RETURNDATACOPY, 100000);
        CHECK(out.status == Status::InvalidMemoryAccess);
        CHECK(out.used == 100000);
    }
}

TEST_CASE("EIP-214 STATICCALL: state changes inside are exceptional halts, the caller sees 0") {
    struct Forbidden {
        const char* what;
        bytecode code;
        Fork since;
    };
    const std::array<Forbidden, 7> forbidden = {{
        {"SSTORE", push(1) + push(0) + Op::SSTORE, Fork::Byzantium},
        {"LOG0", push(0) + push(0) + Op::LOG0, Fork::Byzantium},
        {"CREATE", push(0) + push(0) + push(0) + Op::CREATE, Fork::Byzantium},
        {"CREATE2", push(0) + push(0) + push(0) + push(0) + Op::CREATE2, Fork::Constantinople},
        {"SELFDESTRUCT", push(kOther.to_word()) + Op::SELFDESTRUCT, Fork::Byzantium},
        {"CALL with value", call(Op::CALL, 0, kOther, 1), Fork::Byzantium},
        {"TSTORE (EIP-1153)", push(1) + push(0) + Op::TSTORE, Fork::Cancun},
    }};
    // Caller: STATICCALL(50000, kCallee), ret_top. The callee halts and its 50000 are gone.
    //   Byzantium: 18 + 700 + 50000 + 15 = 50733
    //   Cancun:    18 + 2600 (kCallee cold) + 50000 + 15 = 52633
    // (50000 > CREATE's 32000 base: with less, CREATE would halt out of gas before its static check,
    // an exceptional halt too, as in the execution specs, where charge_gas comes first.)
    const bytecode caller = call6(Op::STATICCALL, 50000, kCallee) + ret_top();
    for (const Forbidden& f : forbidden) {
        for (const Fork fork : {Fork::Byzantium, Fork::Cancun}) {
            if (fork < f.since) continue;
            INFO(std::string(f.what), ", ", name(fork));
            InMemoryHost host(fork);
            populate(host);
            host.accounts[kCallee].code = f.code.code;
            host.accounts[kCallee].balance = uint256{10};
            // Inside: the static frame itself.
            const Outcome inside = transact(host, kCallee, 50000, {}, true);
            CHECK(inside.status == Status::StaticModeViolation);
            CHECK(inside.used == 50000);
            // Through the opcode.
            const Outcome out = run(host, caller, 100000);
            CHECK(out.status == Status::Success);
            CHECK(out.used == (fork == Fork::Byzantium ? 50733 : 52633));
            CHECK(out.word() == uint256{0});
            host.finalize();
            CHECK(host.get_storage(kCallee, 0) == uint256{0});
            CHECK(host.logs.empty());
            CHECK(host.get_balance(kCallee) == uint256{10});
            CHECK(host.get_balance(kOther) == uint256{1});
            CHECK(host.get_nonce(kCallee) == 0);
        }
    }

    SUBCASE("a CALL without value is allowed inside") {
        // Callee: CALL(0, kOther, value 0): 21 + 700 (Byzantium) / 21 + 2600 (Cancun, cold).
        //   Byzantium: 18 + 700 + 721 + 15 = 1454; Cancun: 18 + 2600 + 2621 + 15 = 5254.
        for (const Fork fork : {Fork::Byzantium, Fork::Cancun}) {
            INFO(name(fork));
            InMemoryHost host(fork);
            populate(host);
            host.accounts[kCallee].code = call(Op::CALL, 0, kOther).code;
            const Outcome out = run(host, caller, 100000);
            CHECK(out.status == Status::Success);
            CHECK(out.used == (fork == Fork::Byzantium ? 1454 : 5254));
            CHECK(out.word() == uint256{1});
        }
    }
}

// ---- 6. precompiles -----------------------------------------------------------------------------

TEST_CASE("precompiles: SHA-256 costs 60 + 12 per word, identity 15 + 3 per word, out of gas below") {
    const bytes abc = {'a', 'b', 'c'};
    const bytes b33(33, 0x61);
    struct Case {
        const char* what;
        address precompile;
        bytes input;
        int64_t cost;
        const char* output;  // hex (Python's hashlib for SHA-256); empty: the output is the input
    };
    const std::array<Case, 6> cases = {{
        {"sha256('abc')", kSha256, abc, 72,  // 60 + 12 * 1
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"sha256('')",
         kSha256,
         {},
         60,  // 60 + 12 * 0
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"sha256('a' x 33)", kSha256, b33, 84,  // 60 + 12 * 2
         "852785c805c77e71a22340a54e9d95933ed49121e7d2bf3c2d358854bc1359ea"},
        {"identity('abc')", kIdentity, abc, 18, ""},     // 15 + 3 * 1
        {"identity('')", kIdentity, {}, 15, ""},         // 15 + 3 * 0
        {"identity('a' x 33)", kIdentity, b33, 21, ""},  // 15 + 3 * 2
    }};
    for (const Fork fork : {Fork::Frontier, Fork::Byzantium, Fork::Berlin, Fork::Cancun}) {
        for (const Case& c : cases) {
            INFO(name(fork), " ", std::string(c.what));
            InMemoryHost host(fork);
            populate(host);
            // Exactly the cost: success, nothing left.
            const Outcome exact = transact(host, c.precompile, c.cost, c.input);
            CHECK(exact.status == Status::Success);
            CHECK(exact.used == c.cost);
            if (std::string_view(c.output).empty()) {
                CHECK(exact.output == c.input);
            } else {
                CHECK(to_hex(exact.output) == c.output);
            }
            // One gas short: out of gas, all of it consumed, no output.
            const Outcome shy = transact(host, c.precompile, c.cost - 1, c.input);
            CHECK(shy.status == Status::OutOfGas);
            CHECK(shy.used == c.cost - 1);
            CHECK(shy.output.empty());
        }
    }
}

TEST_CASE("precompiles are warm from Berlin: a CALL to them pays no cold surcharge") {
    // PUSH3 "abc", PUSH1 0, MSTORE ("abc" at memory 29..31): 3 + 3 + 3 + 3 = 12.
    // CALL(100, precompile, 0, in 29..32, out 32..64): 21 + base + 3 (memory 1 -> 2 words)
    //   + the precompile's cost (it gets all 100 and returns the rest); RETURN(32, 32): 6.
    //   SHA-256  (72): Berlin on 12 + 21 + 100 + 3 + 72 + 6 = 214; Istanbul (700) 814
    //   identity (18): Berlin on 12 + 21 + 100 + 3 + 18 + 6 = 160; Istanbul 760
    // (A cold account would cost 100 + 2500.) Istanbul: 0x02/0x04 do not exist in the state, but
    // from Spurious Dragon a zero-value CALL pays no new-account charge.
    const auto code = [](const address& p, uint64_t gas) {
        return push(0x616263) + push(0) + Op::MSTORE + call(Op::CALL, gas, p, 0, 29, 3, 32, 32) + push(32) +
               push(32) + Op::RETURN;
    };
    for (const Fork fork : {Fork::Istanbul, Fork::Berlin, Fork::London, Fork::Shanghai, Fork::Cancun}) {
        INFO(name(fork));
        const int64_t base = fork >= Fork::Berlin ? 100 : 700;
        {
            InMemoryHost host(fork);
            populate(host);
            const Outcome out = run(host, code(kSha256, 100), 100000);
            CHECK(out.status == Status::Success);
            CHECK(out.used == 12 + 21 + base + 3 + 72 + 6);
            CHECK(to_hex(out.output) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
        InMemoryHost host(fork);
        populate(host);
        const Outcome out = run(host, code(kIdentity, 100), 100000);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 12 + 21 + base + 3 + 18 + 6);
        CHECK(to_hex(out.output) == "616263" + std::string(58, '0'));
    }

    SUBCASE("through CALL, one gas short of the price fails and loses what it was given") {
        // CALL(71 or 72, 0x02, "abc") then ret_top (12, memory already 2 words):
        // 12 + 21 + 100 + 3 + given + 12 = 219 with 71 (flag 0), 220 with 72 (flag 1).
        const auto flagged = [](uint64_t gas) {
            return push(0x616263) + push(0) + Op::MSTORE + call(Op::CALL, gas, kSha256, 0, 29, 3, 32, 32) +
                   ret_top();
        };
        for (const uint64_t given : {71U, 72U}) {
            INFO("given ", given);
            InMemoryHost host(Fork::Cancun);
            populate(host);
            const Outcome out = run(host, flagged(given), 100000);
            CHECK(out.status == Status::Success);
            CHECK(out.used == static_cast<int64_t>(148 + given));
            CHECK(out.word() == uint256{given == 72 ? 1U : 0U});
        }
    }
}

// ---- 7. EIP-161 and EIP-6780 --------------------------------------------------------------------

TEST_CASE("EIP-161: a zero-value CALL leaves no empty account behind from Spurious Dragon") {
    // CALL(0, target, value 0): 21 + base + 25000 when it charges for a new account:
    //   Frontier, Homestead: 40, + 25000 if the target does not exist (Yellow Paper C_NEW)
    //   TW: 700, the same rule;  SD..Istanbul: 700, no charge without value (EIP-161b)
    //   Berlin on: 100 + 2500 cold, no charge without value
    struct Case {
        const char* what;
        address target;
        PerFork used;
    };
    const std::array<Case, 2> cases = {{
        {"absent account",
         kNobody,
         {25061, 25061, 25721, 721, 721, 721, 721, 721, 2621, 2621, 2621, 2621, 2621}},
        {"existing empty account",
         kEmpty,  // exists: no charge before SD; from SD it is dead but no value moves
         {61, 61, 721, 721, 721, 721, 721, 721, 2621, 2621, 2621, 2621, 2621}},
    }};
    for (const Case& c : cases) {
        for (const Fork fork : kForks) {
            INFO(std::string(c.what), ", ", name(fork));
            InMemoryHost host(fork);
            populate(host);
            const Outcome out = run(host, call(Op::CALL, 0, c.target));
            CHECK(out.status == Status::Success);
            CHECK(out.used == c.used[static_cast<size_t>(fork)]);
            host.finalize();
            // EIP-161c/d: touched and empty at the end of the transaction -> deleted.
            CHECK(host.accounts.contains(c.target) == (fork < Fork::SpuriousDragon));
            CHECK(host.accounts.contains(kOther));  // untouched or non-empty accounts stay
        }
    }
}

TEST_CASE("EIP-6780: SELFDESTRUCT only deletes a contract created in the same transaction (Cancun)") {
    SUBCASE("a contract from an earlier transaction keeps code and storage, its balance moves") {
        // kCallee: PUSH20 kOther, SELFDESTRUCT. 3 + 5000 + 2600 (kOther cold; it exists, so no
        // 25000) = 7603, refund 0 (EIP-3529) in Shanghai and Cancun.
        const bytecode doomed = push(kOther.to_word()) + Op::SELFDESTRUCT;
        for (const Fork fork : {Fork::Shanghai, Fork::Cancun}) {
            INFO(name(fork));
            InMemoryHost host(fork);
            populate(host);
            host.accounts[kCallee].code = doomed.code;
            host.accounts[kCallee].balance = uint256{100};
            host.accounts[kCallee].storage[uint256{1}] = uint256{7};
            const Outcome out = transact(host, kCallee);
            CHECK(out.status == Status::Success);
            CHECK(out.used == 7603);
            CHECK(out.refund == 0);
            host.finalize();
            CHECK(host.get_balance(kOther) == uint256{101});
            if (fork == Fork::Cancun) {
                REQUIRE(host.accounts.contains(kCallee));
                CHECK(host.accounts.at(kCallee).code == doomed.code);
                CHECK(host.get_storage(kCallee, 1) == uint256{7});
                CHECK(host.get_balance(kCallee) == uint256{0});
            } else {
                CHECK(!host.accounts.contains(kCallee));
            }
        }
    }

    SUBCASE("a contract created in the transaction naming itself burns its balance") {
        // "if the target is the same as the contract calling SELFDESTRUCT that Ether will be
        // burnt". Creation transaction with 10 wei, init code ADDRESS, SELFDESTRUCT: 2 + 5000 (the
        // new address is warm: EIP-2929 adds it before the creation runs) = 5002.
        InMemoryHost host(Fork::Cancun);
        populate(host);
        const uint256 before = host.get_balance(kOrigin);
        const Outcome out = create_tx(host, {0x30, 0xff}, 100000, 10);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 5002);
        host.finalize();
        CHECK(!host.accounts.contains(InMemoryHost::create_address(kOrigin, 0)));
        CHECK(host.get_balance(kOrigin) == before - uint256{10});
    }

    SUBCASE("a contract from an earlier transaction naming itself keeps its balance") {
        // "if the target is the same as the contract calling SELFDESTRUCT there is no net change".
        // PUSH20 kCallee (warm: tx.to) + 5000 = 5003.
        InMemoryHost host(Fork::Cancun);
        populate(host);
        host.accounts[kCallee].code = (push(kCallee.to_word()) + Op::SELFDESTRUCT).code;
        host.accounts[kCallee].balance = uint256{100};
        const Outcome out = transact(host, kCallee);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 5003);
        host.finalize();
        CHECK(host.get_balance(kCallee) == uint256{100});
    }

    SUBCASE("created and destroyed by the creation transaction itself") {
        // Init code PUSH20 kOther, SELFDESTRUCT with 10 wei: 3 + 5000 + 2600 (kOther cold) = 7603.
        InMemoryHost host(Fork::Cancun);
        populate(host);
        const Outcome out = create_tx(host, (push(kOther.to_word()) + Op::SELFDESTRUCT).code, 100000, 10);
        const address created = InMemoryHost::create_address(kOrigin, 0);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 7603);
        host.finalize();
        CHECK(!host.accounts.contains(created));
        CHECK(host.get_balance(kOther) == uint256{11});
    }

    SUBCASE("created by CREATE, then called and destroyed later in the same transaction") {
        // Runtime 61be4eff = PUSH2 kHeir, SELFDESTRUCT (4 bytes).
        // Init 63 61be4eff 6000 52 6004 601c f3 (13 bytes): MSTORE the runtime, RETURN(28, 4):
        //   3 + 3 + (3 + 3) + 3 + 3 = 18, deposit 4 * 200 = 800.
        // Factory (Cancun): PUSH13 init, PUSH1 0, MSTORE (init at 19..31): 12;
        //   PUSH 13, PUSH 19, PUSH 0, CREATE: 9 + 32000 + 2 (EIP-3860, 1 word); + 818 in the child;
        //   PUSH 0 x5, DUP6 (the new address), GAS, CALL: 15 + 3 + 2 + 100 (warm: CREATE warmed it);
        //   the child: 3 + 5000 + 2600 (kHeir cold; balance 0, so no 25000) = 7603.
        //   12 + 32011 + 818 + 20 + 100 + 7603 = 40564.
        const bytes init = hex("0x6361be4eff6000526004601cf3");
        const bytecode factory = push(uint256::from_be(init.data(), init.size())) + push(0) + Op::MSTORE +
                                 push(13) + push(19) + push(0) + Op::CREATE + push(0) + push(0) + push(0) +
                                 push(0) + push(0) + Op::DUP6 + Op::GAS + Op::CALL;
        for (const Fork fork : {Fork::Shanghai, Fork::Cancun}) {
            INFO(name(fork));
            InMemoryHost host(fork);
            populate(host);
            const Outcome out = run(host, factory);
            CHECK(out.status == Status::Success);
            CHECK(out.used == 40564);
            const address child = InMemoryHost::create_address(kSelf, 0);
            CHECK(host.accounts.contains(child));
            host.finalize();
            CHECK(!host.accounts.contains(child));
        }
    }
}

// ---- 8. Cancun: transient storage and MCOPY -------------------------------------------------------

TEST_CASE("EIP-1153: TSTORE and TLOAD cost 100 each") {
    // PUSH 42, PUSH 1, TSTORE (3 + 3 + 100), PUSH 1, TLOAD (3 + 100), ret_top 15: 224.
    InMemoryHost host(Fork::Cancun);
    populate(host);
    const Outcome out = run(host, push(42) + push(1) + Op::TSTORE + push(1) + Op::TLOAD + ret_top());
    CHECK(out.status == Status::Success);
    CHECK(out.used == 224);
    CHECK(out.word() == uint256{42});
    CHECK(host.get_storage(kSelf, 1) == uint256{0});  // transient, not persistent
}

TEST_CASE("EIP-1153: transient values last for the transaction, across calls, and nothing longer") {
    InMemoryHost host(Fork::Cancun);
    populate(host);
    // First call of the transaction: TSTORE(1, 42) = 106.
    host.accounts[kSelf].code = (push(42) + push(1) + Op::TSTORE).code;
    host.begin_transaction(kOrigin, &kSelf);
    Message msg;
    msg.gas = 100000;
    msg.sender = kOrigin;
    msg.recipient = msg.code_address = kSelf;
    Result r = host.call(msg);
    CHECK(r.status == Status::Success);
    CHECK(msg.gas - r.gas_left == 106);
    // Second call, same transaction: TLOAD(1) sees 42. 3 + 100 + 15 = 118.
    host.accounts[kSelf].code = (push(1) + Op::TLOAD + ret_top()).code;
    r = host.call(msg);
    CHECK(r.status == Status::Success);
    CHECK(msg.gas - r.gas_left == 118);
    REQUIRE(r.output.size() == 32);
    CHECK(uint256::from_be(r.output.data(), 32) == uint256{42});
    // Next transaction: discarded.
    const Outcome next = transact(host, kSelf, 100000);
    CHECK(next.used == 118);
    CHECK(next.word() == uint256{0});
}

TEST_CASE("EIP-1153: a frame's transient writes are undone when it reverts") {
    // kSelf: TSTORE(1, 1) (106); DELEGATECALL(0xffff, kCallee) (18 + 100 + 2500 cold); then
    // PUSH 1, TLOAD, ret_top (3 + 100 + 15). kCallee's code runs on kSelf's transient storage:
    //   TSTORE(1, 2), then RETURN(0, 0) or REVERT(0, 0): 3 + 3 + 100 + 3 + 3 = 112
    //   TSTORE(1, 2), then INVALID: all 65535 given
    //   total 106 + 2618 + callee + 118
    const bytecode self_code = push(1) + push(1) + Op::TSTORE + call6(Op::DELEGATECALL, 0xffff, kCallee) +
                               push(1) + Op::TLOAD + ret_top();
    struct Case {
        const char* what;
        Op end;
        int64_t callee;
        uint64_t seen;
    };
    constexpr std::array<Case, 3> cases = {{
        {"RETURN keeps the write", Op::RETURN, 112, 2},
        {"REVERT undoes it", Op::REVERT, 112, 1},
        {"INVALID undoes it", Op::INVALID, 0xffff, 1},
    }};
    for (const Case& c : cases) {
        INFO(std::string(c.what));
        InMemoryHost host(Fork::Cancun);
        populate(host);
        host.accounts[kCallee].code = (push(2) + push(1) + Op::TSTORE + push(0) + push(0) + c.end).code;
        const Outcome out = run(host, self_code);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 106 + 2618 + c.callee + 118);
        CHECK(out.word() == uint256{c.seen});
    }
}

TEST_CASE("EIP-5656 MCOPY: the EIP's four test cases, 3 + 3 per word + memory") {
    // Each: set up memory with MSTOREs, MCOPY(dst, src, length) with 3 pushes (9) + the EIP's
    // "gas used" (6 = 3 + 3 * 1 word, no expansion), RETURN the first `out` bytes (6).
    const uint256 seq = u("0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const uint256 ones = u("0x0101010101010101010101010101010101010101010101010101010101010101");
    const uint256 nine = u("0x0001020304050607080000000000000000000000000000000000000000000000");
    struct Case {
        const char* what;
        bytecode setup;
        int64_t setup_gas;
        uint64_t dst, src, length, out;
        const char* post;
    };
    const std::array<Case, 4> cases = {{
        // MSTORE at 32: 3 + 3 + 3 + 6 (memory 0 -> 2 words) = 15.
        {"MCOPY 0 32 32", push(seq) + push(32) + Op::MSTORE, 15, 0, 32, 32, 64,
         "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
         "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},
        // MSTORE at 0: 3 + 3 + 3 + 3 = 12.
        {"MCOPY 0 0 32", push(ones) + push(0) + Op::MSTORE, 12, 0, 0, 32, 32,
         "0101010101010101010101010101010101010101010101010101010101010101"},
        {"MCOPY 0 1 8", push(nine) + push(0) + Op::MSTORE, 12, 0, 1, 8, 32,
         "0102030405060708080000000000000000000000000000000000000000000000"},
        // The EIP's snapshot prints this post-state as 00000102030405060708 00.., ten bytes ending
        // in 08, which its own semantics cannot produce (8 bytes 00..07 land on 1..8, byte 9 stays
        // 00); go-ethereum's copy of the vector expects 000001020304050607 00.., used here.
        {"MCOPY 1 0 8", push(nine) + push(0) + Op::MSTORE, 12, 1, 0, 8, 32,
         "0000010203040506070000000000000000000000000000000000000000000000"},
    }};
    for (const Case& c : cases) {
        INFO(std::string(c.what));
        InMemoryHost host(Fork::Cancun);
        populate(host);
        const Outcome out = run(host, c.setup + push(c.length) + push(c.src) + push(c.dst) + Op::MCOPY +
                                          push(c.out) + push(0) + Op::RETURN);
        CHECK(out.status == Status::Success);
        CHECK(out.used == c.setup_gas + 9 + 6 + 6);
        CHECK(to_hex(out.output) == c.post);
    }

    SUBCASE("memory expansion covers max(src, dst) + length") {
        // MCOPY(dst 64, src 0, length 64) on fresh memory: 9 + 3 + 3 * 2 + 12 (0 -> 4 words)
        // = 30; MSIZE (2) + ret_top 12 (memory already 4 words): 44, MSIZE = 128.
        InMemoryHost host(Fork::Cancun);
        populate(host);
        const Outcome out = run(host, push(64) + push(0) + push(64) + Op::MCOPY + Op::MSIZE + ret_top());
        CHECK(out.status == Status::Success);
        CHECK(out.used == 44);
        CHECK(out.word() == uint256{128});
    }

    SUBCASE("256 bytes in memory already paid for cost 27 (the EIP's motivating example)") {
        // MSTORE at 480: 3 + 3 + 3 + 48 (0 -> 16 words) = 57; MCOPY(256, 0, 256): 9 + 3 + 3 * 8 = 36.
        InMemoryHost host(Fork::Cancun);
        populate(host);
        const Outcome out =
            run(host, push(0) + push(480) + Op::MSTORE + push(256) + push(0) + push(256) + Op::MCOPY);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 57 + 36);
    }

    SUBCASE("a zero length expands nothing, whatever the offsets") {
        // 9 + 3: "If length > 0 and ... beyond the current memory length, the memory is extended".
        InMemoryHost host(Fork::Cancun);
        populate(host);
        const Outcome out = run(host, push(0) + push(uint256::max()) + push(uint256::max()) + Op::MCOPY);
        CHECK(out.status == Status::Success);
        CHECK(out.used == 12);
    }
}

}  // namespace
