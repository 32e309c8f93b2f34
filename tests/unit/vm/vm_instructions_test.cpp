// tests/unit/vm/vm_instructions_test.cpp - every Frontier and Homestead opcode: results and exact gas.
//
// Each test runs a small program through trainchain::vm::execute on an InMemoryHost and checks the
// status, the output and the exact gas used against the Frontier schedule (Yellow Paper,
// Appendix G), worked out by hand in the comments. Recurring pieces:
//   push(x)    PUSHn, 3 gas whatever its width
//   ret_top()  PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
//              = 3 + (3 + memory) + 3 + 3 + 0: 15 on fresh memory (memory 0 -> 1 word costs 3),
//                12 when memory already holds at least one word
//   memory     cost(words) = 3*words + words^2/512; expansion pays cost(new) - cost(old)
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "bytecode.hpp"
#include "test_support.hpp"
#include "trainchain/vm/gas.hpp"
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
using trainchain::test::sstore;
using Op = Opcode;

// ---- fixtures -----------------------------------------------------------------------------------

constexpr address kSelf = make_address(0x0c, 0xc0ffee);    // the running account
constexpr address kSender = make_address(0x5e, 0x5e4de4);  // CALLER of the outer frame
constexpr address kOrigin = make_address(0x0a, 0x041917);  // ORIGIN
constexpr address kCoinbase = make_address(0xcb, 0xc014ba5e);
constexpr address kCallee = make_address(0xca, 0xca11ee);  // a contract the tests call
constexpr address kOther = make_address(0x07, 0x07e4);     // a plain account

/// Parses a hex literal (test constants only).
uint256 u(std::string_view hex) {
    const auto v = uint256::parse(hex);
    REQUIRE(v.has_value());
    return *v;
}

/// -n in two's complement, built from limbs (independent of the VM's SUB).
constexpr uint256 minus(uint64_t n) { return {~(n - 1), ~0ULL, ~0ULL, ~0ULL}; }
constexpr uint256 kMax = uint256{~0ULL, ~0ULL, ~0ULL, ~0ULL};  // 2^256 - 1 = -1
constexpr uint256 kMin = uint256{0, 0, 0, 1ULL << 63};         // 2^255 = -2^255
constexpr uint256 pow2(unsigned bit) {
    uint256 r;
    r.w[bit / 64] = 1ULL << (bit % 64);
    return r;
}

TxContext default_tx() {
    TxContext tx;
    tx.gas_price = u("0x4a817c800");  // 20 gwei
    tx.origin = kOrigin;
    tx.coinbase = kCoinbase;
    tx.number = 300;
    tx.timestamp = 1438269988;
    tx.gas_limit = 3141592;
    tx.prevrandao = u("0x20000");  // DIFFICULTY before Paris
    tx.chain_id = 1;
    return tx;
}

/// What a run produced, with the gas used already worked out.
struct Outcome {
    Status status = Status::Failure;
    int64_t gas_used = 0;
    int64_t gas_left = 0;
    int64_t refund = 0;
    bytes output;

    /// The output read as one 32-byte word.
    [[nodiscard]] uint256 word() const {
        CHECK_MESSAGE(output.size() == 32, "output is ", output.size(), " bytes, expected 32");
        return output.size() == 32 ? uint256::from_be(output.data(), 32) : uint256{};
    }
};

/// One outer frame: `kSender` calls `kSelf`, whose code is the program under test.
struct Env {
    Fork fork;
    InMemoryHost host;
    bytes input;
    uint256 value;
    int32_t depth = 0;

    explicit Env(Fork f = Fork::Frontier) : fork{f}, host{f, default_tx()} {}

    Outcome run(const bytecode& code, int64_t gas = 1'000'000) {
        host.accounts[kSelf].code = code.code;
        const bytes code_copy = code.code;  // the frame may replace the account map
        Message msg;
        msg.kind = CallKind::Call;
        msg.depth = depth;
        msg.gas = gas;
        msg.recipient = kSelf;
        msg.code_address = kSelf;
        msg.sender = kSender;
        msg.input = input;
        msg.value = value;
        Result r = execute(host, fork, msg, code_copy);
        return {r.status, gas - r.gas_left, r.gas_left, r.gas_refund, std::move(r.output)};
    }

    Account& account(const address& a) { return host.accounts[a]; }
    uint256 storage(const address& a, uint64_t key) const { return host.get_storage(a, uint256{key}); }
};

/// An exceptional halt: the given status, all gas consumed, no output, no refund.
void check_halt(const Outcome& o, Status expected) {
    CHECK(o.status == expected);
    CHECK(o.gas_left == 0);
    CHECK(o.output.empty());
    CHECK(o.refund == 0);
}

/// Runs `code` in a fresh frame under Frontier and again under Homestead (whose schedule is the
/// same for everything but DELEGATECALL and the CREATE deposit) and checks success, the exact gas
/// and the returned word.
void check_word(const bytecode& code, const uint256& expected, int64_t gas_used) {
    for (const Fork fork : {Fork::Frontier, Fork::Homestead}) {
        CAPTURE(fork_name(fork));
        Env env{fork};
        const Outcome o = env.run(code);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == gas_used);
        CHECK(o.word() == expected);
    }
}

/// Binary opcode with `a` on top (mu_s[0]) and `b` below (mu_s[1]); ends with ret_top.
void check_binary(Op op, const uint256& a, const uint256& b, const uint256& expected, int64_t gas_used) {
    CAPTURE(a);
    CAPTURE(b);
    check_word(push(b) + push(a) + op + ret_top(), expected, gas_used);
}

/// Ternary opcode (ADDMOD, MULMOD): a = mu_s[0], b = mu_s[1], m = mu_s[2].
void check_ternary(Op op, const uint256& a, const uint256& b, const uint256& m, const uint256& expected,
                   int64_t gas_used) {
    CAPTURE(a);
    CAPTURE(b);
    CAPTURE(m);
    check_word(push(m) + push(b) + push(a) + op + ret_top(), expected, gas_used);
}

/// CALL / CALLCODE with its seven arguments pushed in stack order (7 pushes: 21 gas).
bytecode call_with(Op op, const uint256& gas, const address& to, const uint256& value, uint64_t in_offset = 0,
                   uint64_t in_size = 0, uint64_t out_offset = 0, uint64_t out_size = 0) {
    return push(out_size) + push(out_offset) + push(in_size) + push(in_offset) + push(value) +
           push(to.to_word()) + push(gas) + op;
}

/// DELEGATECALL with its six arguments (6 pushes: 18 gas).
bytecode delegatecall_with(const uint256& gas, const address& to, uint64_t out_offset = 0,
                           uint64_t out_size = 0) {
    return push(out_size) + push(out_offset) + push(0) + push(0) + push(to.to_word()) + push(gas) +
           Op::DELEGATECALL;
}

/// Raw bytes as code.
bytecode raw(std::initializer_list<uint8_t> b) { return bytecode{bytes(b)}; }

/// Opcode from its byte value.
Op op_at(int byte) { return static_cast<Op>(static_cast<uint8_t>(byte)); }

/// The 32 bytes at `offset` read as a big-endian word.
uint256 word_of(const bytes& b, size_t offset = 0) { return uint256::from_be(b.data() + offset, 32); }

}  // namespace

// =================================================================================================
// The base gas table
// =================================================================================================

namespace {
/// Base costs of Frontier, written out from the Yellow Paper's Appendix G (-1: undefined).
int expected_frontier_cost(int b) {
    if (b >= 0x60 && b <= 0x9f) return 3;                     // PUSHn, DUPn, SWAPn: G_verylow
    if (b >= 0xa0 && b <= 0xa4) return 375 * (b - 0xa0 + 1);  // LOGn: G_log + n * G_logtopic
    if (b >= 0x10 && b <= 0x1a) return 3;                     // LT .. BYTE: G_verylow
    switch (b) {
        case 0x00:
            return 0;  // STOP: G_zero
        case 0x01:
        case 0x03:
            return 3;  // ADD, SUB: G_verylow
        case 0x02:
        case 0x04:
        case 0x05:
        case 0x06:
        case 0x07:
        case 0x0b:
            return 5;  // G_low
        case 0x08:
        case 0x09:
            return 8;  // ADDMOD, MULMOD: G_mid
        case 0x0a:
            return 10;  // EXP: G_exp
        case 0x20:
            return 30;  // KECCAK256: G_sha3
        case 0x30:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x36:
        case 0x38:
        case 0x3a:
            return 2;  // G_base
        case 0x35:
        case 0x37:
        case 0x39:
            return 3;  // CALLDATALOAD, CALLDATACOPY, CODECOPY
        case 0x31:
            return 20;  // BALANCE: G_balance
        case 0x3b:
        case 0x3c:
            return 20;  // EXTCODESIZE, EXTCODECOPY: G_extcode
        case 0x40:
            return 20;  // BLOCKHASH: G_blockhash
        case 0x41:
        case 0x42:
        case 0x43:
        case 0x44:
        case 0x45:
            return 2;  // block context: G_base
        case 0x50:
            return 2;  // POP: G_base
        case 0x51:
        case 0x52:
        case 0x53:
            return 3;  // MLOAD, MSTORE, MSTORE8: G_verylow
        case 0x54:
            return 50;  // SLOAD: G_sload
        case 0x55:
            return 0;  // SSTORE: all dynamic
        case 0x56:
            return 8;  // JUMP: G_mid
        case 0x57:
            return 10;  // JUMPI: G_high
        case 0x58:
        case 0x59:
        case 0x5a:
            return 2;  // PC, MSIZE, GAS: G_base
        case 0x5b:
            return 1;  // JUMPDEST: G_jumpdest
        case 0xf0:
            return 32000;  // CREATE: G_create
        case 0xf1:
        case 0xf2:
            return 40;  // CALL, CALLCODE: G_call
        case 0xf3:
        case 0xfe:
        case 0xff:
            return 0;  // RETURN, INVALID, SELFDESTRUCT (Frontier)
        default:
            return -1;
    }
}
}  // namespace

TEST_CASE("the Frontier and Homestead base gas tables match the Yellow Paper's Appendix G") {
    for (int b = 0; b < 256; ++b) {
        CAPTURE(b);
        const int frontier = expected_frontier_cost(b);
        CHECK(gas_table(Fork::Frontier)[static_cast<size_t>(b)] == frontier);
        const int homestead = b == 0xf4 ? 40 : frontier;  // DELEGATECALL: G_call
        CHECK(gas_table(Fork::Homestead)[static_cast<size_t>(b)] == homestead);
    }
    const GasParams f = gas_params(Fork::Frontier);
    CHECK(f.exp_byte == 10);
    CHECK(f.sstore_set == 20000);
    CHECK(f.sstore_reset == 5000);
    CHECK(f.sstore_clear_refund == 15000);
    CHECK(f.selfdestruct_refund == 24000);
    CHECK(f.call_value == 9000);
    CHECK(f.call_stipend == 2300);
    CHECK(f.new_account == 25000);
    CHECK(f.create_data_byte == 200);
    CHECK_FALSE(f.create_oog_fails);
    const GasParams h = gas_params(Fork::Homestead);
    CHECK(h.exp_byte == 10);
    CHECK(h.create_oog_fails);
}

// =================================================================================================
// Arithmetic: push b, push a, OP, ret_top = 3 + 3 + cost(OP) + 15.
// =================================================================================================

TEST_CASE("ADD wraps modulo 2^256 and costs 3") {
    check_binary(Op::ADD, 1, 2, 3, 24);     // 3+3+3+15
    check_binary(Op::ADD, kMax, 1, 0, 24);  // 2^256-1 + 1 wraps to 0
    check_binary(Op::ADD, kMax, kMax, minus(2), 24);
}

TEST_CASE("MUL truncates the product to 256 bits and costs 5") {
    check_binary(Op::MUL, 3, 5, 15, 26);                 // 3+3+5+15
    check_binary(Op::MUL, kMax, kMax, 1, 26);            // (-1)*(-1)
    check_binary(Op::MUL, pow2(128), pow2(128), 0, 26);  // 2^256 mod 2^256
    check_binary(Op::MUL, pow2(100), pow2(100), pow2(200), 26);
}

TEST_CASE("SUB computes mu_s[0] - mu_s[1], wraps, and costs 3") {
    check_binary(Op::SUB, 10, 3, 7, 24);    // 3+3+3+15
    check_binary(Op::SUB, 0, 1, kMax, 24);  // 0 - 1 wraps
}

TEST_CASE("DIV is unsigned, x/0 = 0, costs 5") {
    check_binary(Op::DIV, 10, 3, 3, 26);  // 3+3+5+15
    check_binary(Op::DIV, 3, 10, 0, 26);
    check_binary(Op::DIV, 7, 0, 0, 26);
    check_binary(Op::DIV, kMax, pow2(128) + uint256{1}, u("0xffffffffffffffffffffffffffffffff"), 26);
    check_binary(Op::DIV, u("0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                 u("0xfedcba9876543210fedcba98765432"), u("0x1249249249249237ec687d6343eb1a21c"), 26);
}

TEST_CASE("SDIV truncates toward zero, -2^255 / -1 = -2^255, costs 5") {
    check_binary(Op::SDIV, minus(10), 3, minus(3), 26);  // 3+3+5+15
    check_binary(Op::SDIV, 10, minus(3), minus(3), 26);
    check_binary(Op::SDIV, minus(10), minus(3), 3, 26);
    check_binary(Op::SDIV, kMin, kMax, kMin, 26);  // overflow case
    check_binary(Op::SDIV, minus(10), 0, 0, 26);
}

TEST_CASE("MOD is unsigned, x%0 = 0, costs 5") {
    check_binary(Op::MOD, 10, 3, 1, 26);  // 3+3+5+15
    check_binary(Op::MOD, 5, 0, 0, 26);
    check_binary(Op::MOD, u("0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                 u("0xfedcba9876543210fedcba98765432"), u("0xbcbb56ae1a6c8d1adc1427a8e0f477"), 26);
    check_binary(Op::MOD, kMax, pow2(128) + uint256{1}, 0, 26);  // 2^256-1 = (2^128-1)(2^128+1)
}

TEST_CASE("SMOD takes the dividend's sign, costs 5") {
    check_binary(Op::SMOD, minus(10), 3, minus(1), 26);  // 3+3+5+15
    check_binary(Op::SMOD, 10, minus(3), 1, 26);
    check_binary(Op::SMOD, minus(10), minus(3), minus(1), 26);
    check_binary(Op::SMOD, minus(10), 0, 0, 26);
}

TEST_CASE("ADDMOD uses a 257-bit sum, m = 0 gives 0, costs 8") {
    // push m, push b, push a, ADDMOD, ret_top = 9 + 8 + 15 = 32
    check_ternary(Op::ADDMOD, 10, 10, 8, 4, 32);
    check_ternary(Op::ADDMOD, kMax, 2, 3, 2, 32);  // (2^256 + 1) mod 3 = 2, not 1 mod 3
    check_ternary(Op::ADDMOD, kMax, kMax, pow2(255) + uint256{3},
                  u("0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff5"), 32);
    check_ternary(Op::ADDMOD, 1, 2, 0, 0, 32);
}

TEST_CASE("MULMOD uses a 512-bit product, m = 0 gives 0, costs 8") {
    check_ternary(Op::MULMOD, 3, 5, 7, 1, 32);  // 9 + 8 + 15
    check_ternary(Op::MULMOD, kMax, kMax, 12, 9, 32);
    const uint256 a = u("0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    check_ternary(Op::MULMOD, a, a, u("0xfdbac097c8dc5aceda61ee073602f67adffc473846ea9aad035519c8d9cb"),
                  u("0x480246d8ffa9136cc486a30012aeba43cbad1b13d16cacaef5d715be5484"), 32);
    check_ternary(Op::MULMOD, 5, 6, 0, 0, 32);
}

TEST_CASE("EXP costs 10 + 10 per exponent byte in Frontier and Homestead (50 only from Spurious Dragon)") {
    // mu_s[0] = base, mu_s[1] = exponent; gas = 3 + 3 + 10 + 10*bytes(exponent) + 15
    check_binary(Op::EXP, 2, 10, 1024, 41);  // 1 exponent byte
    check_binary(Op::EXP, 3, 0, 1, 31);      // 0 exponent bytes
    check_binary(Op::EXP, 0, 0, 1, 31);      // 0^0 = 1
    check_binary(Op::EXP, 2, 255, kMin, 41);
    check_binary(Op::EXP, 2, 256, 0, 51);  // 2 exponent bytes
    check_binary(Op::EXP, 3, 256, u("0xc7adeeb80d4fff81fed242815e55bc8375a205de07597d51d2105f2f0730f401"),
                 51);
    check_binary(Op::EXP, kMax, kMax, kMax, 351);  // (-1)^odd; 32 bytes: 10 + 320
}

TEST_CASE("SIGNEXTEND extends the sign of byte b, b >= 31 leaves x, costs 5") {
    // mu_s[0] = b, mu_s[1] = x; 3+3+5+15 = 26
    check_binary(Op::SIGNEXTEND, 0, 0xff, kMax, 26);
    check_binary(Op::SIGNEXTEND, 0, 0x7f, 0x7f, 26);
    check_binary(Op::SIGNEXTEND, 0, 0x1234567f, 0x7f, 26);      // higher bytes cleared
    check_binary(Op::SIGNEXTEND, 1, 0x1ff80, minus(0x80), 26);  // 0x..ffff80
    check_binary(Op::SIGNEXTEND, 30, pow2(247),
                 u("0xff80000000000000000000000000000000000000000000000000000000000000"), 26);
    check_binary(Op::SIGNEXTEND, 31, 0xff, 0xff, 26);
    check_binary(Op::SIGNEXTEND, kMax, 0xff, 0xff, 26);
    check_binary(Op::SIGNEXTEND, pow2(64), 0xff, 0xff, 26);  // b not truncated to 0
}

TEST_CASE("LT and GT are unsigned comparisons of mu_s[0] with mu_s[1], cost 3") {
    check_binary(Op::LT, 1, 2, 1, 24);  // 3+3+3+15
    check_binary(Op::LT, 2, 1, 0, 24);
    check_binary(Op::LT, 1, 1, 0, 24);
    check_binary(Op::LT, 1, kMax, 1, 24);  // unsigned: -1 is the largest
    check_binary(Op::GT, 2, 1, 1, 24);
    check_binary(Op::GT, 1, 2, 0, 24);
    check_binary(Op::GT, kMax, 1, 1, 24);
}

TEST_CASE("SLT and SGT are signed comparisons, cost 3") {
    check_binary(Op::SLT, kMax, 1, 1, 24);  // -1 < 1
    check_binary(Op::SLT, 1, kMax, 0, 24);
    check_binary(Op::SLT, kMin, kMax, 1, 24);  // -2^255 < -1
    check_binary(Op::SGT, 1, kMax, 1, 24);     // 1 > -1
    check_binary(Op::SGT, kMax, 1, 0, 24);
    check_binary(Op::SGT, 5, 5, 0, 24);
}

TEST_CASE("EQ and ISZERO, cost 3") {
    check_binary(Op::EQ, 5, 5, 1, 24);
    check_binary(Op::EQ, 5, 6, 0, 24);
    check_binary(Op::EQ, kMax, kMax, 1, 24);
    check_word(push(0) + Op::ISZERO + ret_top(), 1, 21);  // 3+3+15
    check_word(push(7) + Op::ISZERO + ret_top(), 0, 21);
    check_word(push(pow2(255)) + Op::ISZERO + ret_top(), 0, 21);
}

TEST_CASE("AND, OR, XOR, NOT are bitwise, cost 3") {
    check_binary(Op::AND, 0xf0f0, 0xff00, 0xf000, 24);
    check_binary(Op::OR, 0xf0f0, 0xff00, 0xfff0, 24);
    check_binary(Op::XOR, 0xf0f0, 0xff00, 0x0ff0, 24);
    check_binary(Op::AND, kMax, pow2(200), pow2(200), 24);
    check_word(push(0) + Op::NOT + ret_top(), kMax, 21);  // 3+3+15
    check_word(push(0xff) + Op::NOT + ret_top(), minus(0x100), 21);
}

TEST_CASE("BYTE picks byte i counting from the most significant, i >= 32 gives 0, costs 3") {
    // mu_s[0] = i, mu_s[1] = x
    check_binary(Op::BYTE, 31, 0x1234, 0x34, 24);
    check_binary(Op::BYTE, 30, 0x1234, 0x12, 24);
    check_binary(Op::BYTE, 0, u("0xab00000000000000000000000000000000000000000000000000000000000000"), 0xab,
                 24);
    check_binary(Op::BYTE, 32, kMax, 0, 24);
    check_binary(Op::BYTE, pow2(255), kMax, 0, 24);
    check_binary(Op::BYTE, pow2(64) + uint256{31}, 0x1234, 0, 24);  // index not truncated to 31
}

TEST_CASE("SHL, SHR and SAR are undefined in Frontier and Homestead") {
    for (const Fork fork : {Fork::Frontier, Fork::Homestead}) {
        for (const Op op : {Op::SHL, Op::SHR, Op::SAR}) {
            CAPTURE(static_cast<int>(op));
            Env env{fork};
            check_halt(env.run(push(1) + push(1) + op + ret_top(), 100000), Status::UndefinedInstruction);
        }
    }
}

// =================================================================================================
// Stack
// =================================================================================================

TEST_CASE("PUSH1..PUSH32 push their big-endian immediates and cost 3") {
    for (int n = 1; n <= 32; ++n) {
        CAPTURE(n);
        bytes code{static_cast<uint8_t>(0x5f + n)};
        uint256 expected;
        for (int i = 1; i <= n; ++i) {
            code.push_back(static_cast<uint8_t>(0xe0 + i - 1));  // e0 e1 e2 ...
            expected = expected * uint256{256} + uint256{static_cast<uint64_t>(0xe0 + i - 1)};
        }
        check_word(bytecode{code} + ret_top(), expected, 18);  // 3 + 15
    }
    bytes push32{0x7f};
    for (uint8_t i = 1; i <= 32; ++i) push32.push_back(i);
    check_word(bytecode{push32} + ret_top(),
               u("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"), 18);
}

TEST_CASE("PUSHn after other code reads only its own immediate bytes") {
    // The preceding bytes (a PUSH32 of all ones and a POP) must not leak into the value.
    for (int n = 1; n <= 32; ++n) {
        CAPTURE(n);
        bytes imm{static_cast<uint8_t>(0x5f + n)};
        uint256 expected;
        for (int i = 0; i < n; ++i) {
            const auto b = static_cast<uint8_t>(n % 2 == 0 ? 0x80 + i : 0x01 + 7 * i);
            imm.push_back(b);
            expected = expected * uint256{256} + uint256{b};
        }
        // PUSH32 3, POP 2, PUSHn 3, ret_top 15 = 23
        check_word(push(kMax) + Op::POP + bytecode{imm} + ret_top(), expected, 23);
    }
}

TEST_CASE("a truncated PUSH at the end of code succeeds and costs only 3") {
    // The missing immediate bytes read as zeros; the frame then stops at the implicit STOP.
    // (The pushed value is not observable after the end of code; status and gas are.)
    for (const auto& code : {raw({0x61, 0x12}), raw({0x7f}), raw({0x7f, 0x01, 0x02}), raw({0x60})}) {
        Env env;
        const Outcome o = env.run(code, 100);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 3);
        CHECK(o.output.empty());
    }
    // After other instructions: PUSH1 1 (3), PUSH1 0 (3), then a PUSH2 missing both bytes (3) = 9;
    // the padding read as immediate data is not executed as instructions.
    Env env;
    const Outcome o = env.run(push(1) + push(0) + raw({0x61}), 100);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 9);
}

TEST_CASE("DUP1..DUP16 duplicate the n-th item and cost 3") {
    bytecode sixteen;
    for (uint64_t v = 1; v <= 16; ++v) sixteen = sixteen + push(v);  // top is 16
    for (int n = 1; n <= 16; ++n) {
        CAPTURE(n);
        // 16 pushes (48) + DUPn (3) + ret_top (15) = 66; the n-th item from the top is 17 - n.
        check_word(sixteen + op_at(0x80 + n - 1) + ret_top(), static_cast<uint64_t>(17 - n), 66);
    }
}

TEST_CASE("SWAP1..SWAP16 exchange the top with the (n+1)-th item and cost 3") {
    bytecode seventeen;
    for (uint64_t v = 1; v <= 17; ++v) seventeen = seventeen + push(v);  // top is 17
    for (int n = 1; n <= 16; ++n) {
        CAPTURE(n);
        const Op swap = op_at(0x90 + n - 1);
        const Op dup = op_at(0x80 + n - 1);
        // After SWAPn the top is 17 - n and the old top 17 sits n places down. Store the top at 0,
        // then DUPn reaches the old top (one place nearer after the MSTORE) and stores it at 32.
        // 17 pushes 51, SWAPn 3, PUSH1 0 3, MSTORE 3+3 (1 word), DUPn 3, PUSH1 32 3,
        // MSTORE 3+3 (1 -> 2 words: 6 - 3), PUSH1 64 3, PUSH1 0 3, RETURN 0 = 81
        const auto code = seventeen + swap + push(0) + Op::MSTORE + dup + push(32) + Op::MSTORE + push(64) +
                          push(0) + Op::RETURN;
        Env env;
        const Outcome o = env.run(code);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 81);
        REQUIRE(o.output.size() == 64);
        CHECK(word_of(o.output, 0) == uint256{static_cast<uint64_t>(17 - n)});
        CHECK(word_of(o.output, 32) == uint256{17});
    }
}

TEST_CASE("POP removes the top and costs 2") {
    check_word(push(1) + push(2) + Op::POP + ret_top(), 1, 23);  // 3+3+2+15
}

TEST_CASE("stack underflow is an exceptional halt consuming all gas") {
    const bytecode cases[] = {
        bytecode{Op::POP},          push(1) + Op::ADD,         push(1) + push(2) + Op::ADDMOD,
        15 * push(1) + Op::DUP16,   16 * push(1) + Op::SWAP16, 6 * push(0) + Op::CALL,
        5 * push(0) + Op::LOG4,     bytecode{Op::JUMP},        push(0) + Op::RETURN,
        bytecode{Op::SELFDESTRUCT},
    };
    for (const auto& code : cases) {
        Env env;
        check_halt(env.run(code, 100000), Status::StackUnderflow);
    }
}

TEST_CASE("1024 stack items are fine, the 1025th is a stack overflow") {
    {
        Env env;
        const Outcome o = env.run(1024 * push(1), 100000);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 3072);  // 1024 * 3
    }
    {
        Env env;  // a full stack can still SWAP, ADD and POP
        const Outcome o = env.run(1024 * push(1) + Op::SWAP1 + Op::ADD + Op::POP, 100000);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 3072 + 3 + 3 + 2);
    }
    {
        Env env;
        check_halt(env.run(1025 * push(1), 100000), Status::StackOverflow);
    }
    {
        Env env;
        check_halt(env.run(1024 * push(1) + Op::DUP1, 100000), Status::StackOverflow);
    }
    {
        Env env;
        check_halt(env.run(1024 * push(1) + Op::PC, 100000), Status::StackOverflow);
    }
}

// =================================================================================================
// Memory
// =================================================================================================

TEST_CASE("MSTORE then MLOAD round-trips a word; first touch pays 3 for one word") {
    const uint256 v = u("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    // push v 3, push 0 3, MSTORE 3+3, push 0 3, MLOAD 3, ret_top 12 = 30
    check_word(push(v) + push(0) + Op::MSTORE + push(0) + Op::MLOAD + ret_top(), v, 30);
    // fresh memory reads zero: push 0 3, MLOAD 3+3, ret_top 12 = 21
    check_word(push(0) + Op::MLOAD + ret_top(), 0, 21);
}

TEST_CASE("MSTORE at an unaligned offset spans two words") {
    const uint256 v = u("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    // push v 3, push 1 3, MSTORE 3 + 6 (bytes 1..32 need 2 words), push 0 3, MLOAD 3, ret_top 12 = 33
    check_word(push(v) + push(1) + Op::MSTORE + push(0) + Op::MLOAD + ret_top(),
               u("0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), 33);
}

TEST_CASE("MSTORE8 writes the low byte and expands memory by one byte's word") {
    // push 0xabcd 3, push 31 3, MSTORE8 3+3, push 0 3, MLOAD 3, ret_top 12 = 30
    check_word(push(0xabcd) + push(31) + Op::MSTORE8 + push(0) + Op::MLOAD + ret_top(), 0xcd, 30);
    // MSTORE8 at 32 touches the second word: push 3, push 3, MSTORE8 3+6, MSIZE 2, ret_top 12 = 29
    check_word(push(1) + push(32) + Op::MSTORE8 + Op::MSIZE + ret_top(), 64, 29);
}

TEST_CASE("MSIZE reports the active memory in bytes, a multiple of 32, costs 2") {
    check_word(Op::MSIZE + ret_top(), 0, 17);  // 2 + 15
    // MLOAD at 33 covers bytes 33..64: 3 words (9). push 3, MLOAD 3+9, POP 2, MSIZE 2, ret_top 12 = 31
    check_word(push(33) + Op::MLOAD + Op::POP + Op::MSIZE + ret_top(), 96, 31);
}

TEST_CASE("memory expansion to 1024 words costs 3*1024 + 1024^2/512 = 5120") {
    // push 0 3, push 32736 3, MSTORE 3 + 5120, MSIZE 2, ret_top 12 = 5143
    check_word(push(0) + push(32736) + Op::MSTORE + Op::MSIZE + ret_top(), 32768, 5143);
    // 2048 words: 3*2048 + 2048^2/512 = 6144 + 8192 = 14336; push 3, MLOAD 3 + 14336, POP 2
    Env env;
    const Outcome o = env.run(push(65504) + Op::MLOAD + Op::POP);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 14344);
}

TEST_CASE("memory expansion charges only the difference to the previous size") {
    // push 0 3, MLOAD 3+3 (1 word), POP 2, push 32736 3, MLOAD 3 + (5120 - 3), POP 2 = 5136
    Env env;
    const Outcome o = env.run(push(0) + Op::MLOAD + Op::POP + push(32736) + Op::MLOAD + Op::POP);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 5136);
    // touching memory already paid for costs nothing extra: 5136 + push 3 + MLOAD 3 + POP 2
    Env env2;
    const Outcome o2 = env2.run(push(0) + Op::MLOAD + Op::POP + push(32736) + Op::MLOAD + Op::POP + push(64) +
                                Op::MLOAD + Op::POP);
    CHECK(o2.gas_used == 5144);
}

TEST_CASE("memory expansion: exactly enough gas succeeds, one short is out of gas") {
    const auto code = push(0) + push(32736) + Op::MSTORE;  // 3 + 3 + 3 + 5120 = 5129
    Env ok;
    const Outcome o = ok.run(code, 5129);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 0);
    Env short_env;
    check_halt(short_env.run(code, 5128), Status::OutOfGas);
}

TEST_CASE("a memory offset of 2^32 or more is out of gas") {
    // (2^32 - 32 is accepted as an offset but its 2^27 words cost 3*2^27 + 2^54/512, far too much)
    const uint256 offsets[] = {pow2(32), pow2(64), kMax, pow2(32) - uint256{32}};
    for (const auto& offset : offsets) {
        CAPTURE(offset);
        Env e1;
        check_halt(e1.run(push(offset) + Op::MLOAD, 10'000'000), Status::OutOfGas);
        Env e2;
        check_halt(e2.run(push(1) + push(offset) + Op::MSTORE, 10'000'000), Status::OutOfGas);
        Env e3;
        check_halt(e3.run(push(1) + push(offset) + Op::MSTORE8, 10'000'000), Status::OutOfGas);
    }
}

// =================================================================================================
// KECCAK256
// =================================================================================================

TEST_CASE("KECCAK256 of empty input costs 30 and touches no memory") {
    const uint256 empty = u("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    check_word(push(0) + push(0) + Op::KECCAK256 + ret_top(), empty, 51);  // 3+3+30+15
    // a huge offset with size 0 still costs nothing for memory
    check_word(push(0) + push(pow2(40)) + Op::KECCAK256 + ret_top(), empty, 51);
}

TEST_CASE("KECCAK256 of 32 and 33 zero bytes costs 30 + 6 per word plus memory") {
    // push 32 3, push 0 3, KECCAK256 30 + 6 + 3 (memory), ret_top 12 = 57
    check_word(push(32) + push(0) + Op::KECCAK256 + ret_top(),
               u("0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563"), 57);
    // 33 bytes: 2 words: 30 + 12 + 6 (memory); 3 + 3 + 48 + 12 = 66
    check_word(push(33) + push(0) + Op::KECCAK256 + ret_top(),
               u("0xf39a869f62e75cf5f0bf914688a6b289caf2049435d8e68c5c5e6d05e44913f3"), 66);
}

// =================================================================================================
// Environment
// =================================================================================================

TEST_CASE("ADDRESS, ORIGIN, CALLER, CALLVALUE, GASPRICE push the frame's context for 2 gas") {
    Env env;
    env.value = 0x1234;
    Outcome o = env.run(Op::ADDRESS + ret_top());
    CHECK(o.gas_used == 17);  // 2 + 15
    CHECK(o.word() == kSelf.to_word());
    o = env.run(Op::ORIGIN + ret_top());
    CHECK(o.gas_used == 17);
    CHECK(o.word() == kOrigin.to_word());
    o = env.run(Op::CALLER + ret_top());
    CHECK(o.gas_used == 17);
    CHECK(o.word() == kSender.to_word());
    o = env.run(Op::CALLVALUE + ret_top());
    CHECK(o.gas_used == 17);
    CHECK(o.word() == uint256{0x1234});
    o = env.run(Op::GASPRICE + ret_top());
    CHECK(o.gas_used == 17);
    CHECK(o.word() == uint256{20'000'000'000});
}

TEST_CASE("BALANCE reads an account's balance (0 if absent) using the low 160 bits, costs 20") {
    Env env;
    env.account(kOther).balance = 1234;
    Outcome o = env.run(push(kOther.to_word()) + Op::BALANCE + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 38);  // 3 + 20 + 15
    CHECK(o.word() == uint256{1234});
    o = env.run(push(kOther.to_word() | pow2(200)) + Op::BALANCE + ret_top());  // high bits ignored
    CHECK(o.gas_used == 38);
    CHECK(o.word() == uint256{1234});
    o = env.run(push(make_address(0x99, 1).to_word()) + Op::BALANCE + ret_top());
    CHECK(o.gas_used == 38);
    CHECK(o.word() == uint256{0});
}

TEST_CASE("CALLDATALOAD reads 32 bytes of input, zero-padded past the end, costs 3") {
    Env env;
    for (uint8_t i = 1; i <= 36; ++i) env.input.push_back(i);
    const std::pair<uint256, uint256> cases[] = {
        {0, u("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")},
        {4, u("0x05060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324")},
        {10, u("0x0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324000000000000")},
        {35, u("0x2400000000000000000000000000000000000000000000000000000000000000")},
        {36, 0},
        {pow2(64), 0},  // not truncated to offset 0
        {pow2(255), 0},
    };
    for (const auto& [offset, expected] : cases) {
        CAPTURE(offset);
        const Outcome o = env.run(push(offset) + Op::CALLDATALOAD + ret_top());
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 21);  // 3 + 3 + 15
        CHECK(o.word() == expected);
    }
}

TEST_CASE("CALLDATASIZE pushes the input length, costs 2") {
    Env env;
    env.input.assign(37, 0xee);
    const Outcome o = env.run(Op::CALLDATASIZE + ret_top());
    CHECK(o.gas_used == 17);
    CHECK(o.word() == uint256{37});
}

TEST_CASE("CALLDATACOPY copies input and zero-fills past its end, 3 + 3 per word + memory") {
    Env env;
    env.input = {0xaa, 0xbb, 0xcc};
    // Fill word 0 with ones first: push 3, push 3, MSTORE 3+3 = 12.
    // push 32, push 1, push 0 = 9; CALLDATACOPY 3 + 3 (1 word), no expansion = 6
    // push 32, push 0, RETURN = 6; total 33
    const Outcome o = env.run(push(kMax) + push(0) + Op::MSTORE + push(32) + push(1) + push(0) +
                              Op::CALLDATACOPY + push(32) + push(0) + Op::RETURN);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 33);
    bytes expected(32, 0);
    expected[0] = 0xbb;
    expected[1] = 0xcc;
    CHECK(o.output == expected);
}

TEST_CASE("CALLDATACOPY of 33 bytes pays two words of copy and memory; size 0 is free of both") {
    Env env;
    env.input = {0xaa};
    // 9 pushes, CALLDATACOPY 3 + 6 (copy) + 6 (memory), MSIZE 2, ret_top 12 = 38
    Outcome o = env.run(push(33) + push(0) + push(0) + Op::CALLDATACOPY + Op::MSIZE + ret_top());
    CHECK(o.gas_used == 38);
    CHECK(o.word() == uint256{64});
    // size 0 at absurd offsets: 9 + 3, then MSIZE 2 + ret_top 15 = 29, memory stays empty
    o = env.run(push(0) + push(kMax) + push(kMax) + Op::CALLDATACOPY + Op::MSIZE + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 29);
    CHECK(o.word() == uint256{0});
}

TEST_CASE("the *COPY opcodes zero-fill from a source offset of 2^64 (no truncation to 0)") {
    Env env;
    env.input = {0xaa, 0xbb, 0xcc};
    env.account(kOther).code = {0xde, 0xad};
    // Each program: fill word 0 with ones (12), copy 32 bytes from source offset 2^64 to 0,
    // return word 0 (push 32, push 0, RETURN: 6).
    const bytecode fill = push(kMax) + push(0) + Op::MSTORE;
    const bytecode ret = push(32) + push(0) + Op::RETURN;
    // 3 pushes 9, CALLDATACOPY / CODECOPY 3 + 3 (1 word copy), no expansion: 12 + 15 + 6 = 33
    Outcome o = env.run(fill + push(32) + push(pow2(64)) + push(0) + Op::CALLDATACOPY + ret);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 33);
    CHECK(o.output == bytes(32, 0));
    o = env.run(fill + push(32) + push(pow2(64)) + push(0) + Op::CODECOPY + ret);
    CHECK(o.gas_used == 33);
    CHECK(o.output == bytes(32, 0));
    // 4 pushes 12, EXTCODECOPY 20 + 3: 12 + 35 + 6 = 53
    o = env.run(fill + push(32) + push(pow2(64)) + push(0) + push(kOther.to_word()) + Op::EXTCODECOPY + ret);
    CHECK(o.gas_used == 53);
    CHECK(o.output == bytes(32, 0));
}

TEST_CASE("CODESIZE and CODECOPY see the running code") {
    // CODESIZE (1 byte) + ret_top (8 bytes) = 9 bytes; 2 + 15 gas
    check_word(Op::CODESIZE + ret_top(), 9, 17);
    // 12 bytes of code copied into 64 bytes of memory (zero-filled):
    // 9 pushes, CODECOPY 3 + 6 (2 words copy) + 6 (2 words memory), push 64 3, push 0 3, RETURN 0 = 30
    const auto code = push(64) + push(0) + push(0) + Op::CODECOPY + push(64) + push(0) + Op::RETURN;
    REQUIRE(code.code.size() == 12);
    Env env;
    const Outcome o = env.run(code);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 30);
    bytes expected = code.code;
    expected.resize(64, 0);
    CHECK(o.output == expected);
}

TEST_CASE("EXTCODESIZE and EXTCODECOPY read another account's code, base cost 20") {
    Env env;
    env.account(kOther).code = {0xde, 0xad, 0xbe, 0xef, 0x01};
    Outcome o = env.run(push(kOther.to_word()) + Op::EXTCODESIZE + ret_top());
    CHECK(o.gas_used == 38);  // 3 + 20 + 15
    CHECK(o.word() == uint256{5});
    o = env.run(push(make_address(0x99, 2).to_word()) + Op::EXTCODESIZE + ret_top());
    CHECK(o.gas_used == 38);
    CHECK(o.word() == uint256{0});
    // Fill word 0 with ones (12), then copy 8 bytes from code offset 1: 4 pushes 12,
    // EXTCODECOPY 20 + 3 (1 word), no expansion; push 32, push 0, RETURN 6: 12 + 12 + 23 + 6 = 53
    o = env.run(push(kMax) + push(0) + Op::MSTORE + push(8) + push(1) + push(0) + push(kOther.to_word()) +
                Op::EXTCODECOPY + push(32) + push(0) + Op::RETURN);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 53);
    bytes expected(32, 0xff);
    const uint8_t copied[8] = {0xad, 0xbe, 0xef, 0x01, 0, 0, 0, 0};
    std::copy(copied, copied + 8, expected.begin());
    CHECK(o.output == expected);
}

// =================================================================================================
// Block
// =================================================================================================

TEST_CASE("BLOCKHASH answers for the 256 previous blocks only, costs 20") {
    Env env;  // current block 300
    env.host.block_hashes[299] = bytes32::from_word(u("0x1111"));
    env.host.block_hashes[44] = bytes32::from_word(u("0x4444"));
    env.host.block_hashes[43] = bytes32::from_word(u("0x4343"));
    env.host.block_hashes[300] = bytes32::from_word(u("0x3030"));
    const std::pair<uint256, uint256> cases[] = {
        {299, 0x1111}, {44, 0x4444},  // 300 - 256: the oldest available
        {43, 0},                      // too old
        {300, 0},                     // the current block
        {301, 0},      {pow2(64) + uint256{299}, 0},
        {100, 0},  // in range but unknown
    };
    for (const auto& [number, expected] : cases) {
        CAPTURE(number);
        const Outcome o = env.run(push(number) + Op::BLOCKHASH + ret_top());
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 38);  // 3 + 20 + 15
        CHECK(o.word() == expected);
    }
}

TEST_CASE("COINBASE, TIMESTAMP, NUMBER, DIFFICULTY (PREVRANDAO) and GASLIMIT cost 2") {
    Env env;
    const std::pair<Op, uint256> cases[] = {
        {Op::COINBASE, kCoinbase.to_word()}, {Op::TIMESTAMP, 1438269988}, {Op::NUMBER, 300},
        {Op::PREVRANDAO, 0x20000},           {Op::GASLIMIT, 3141592},
    };
    for (const auto& [op, expected] : cases) {
        CAPTURE(static_cast<int>(op));
        const Outcome o = env.run(op + ret_top());
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 17);  // 2 + 15
        CHECK(o.word() == expected);
    }
}

// =================================================================================================
// Opcodes from later forks
// =================================================================================================

TEST_CASE("later forks' opcodes are undefined in Frontier and Homestead") {
    const Op later[] = {
        Op::SHL,     Op::SHR,         Op::SAR,     Op::RETURNDATASIZE, Op::RETURNDATACOPY, Op::EXTCODEHASH,
        Op::CHAINID, Op::SELFBALANCE, Op::BASEFEE, Op::BLOBHASH,       Op::BLOBBASEFEE,    Op::TLOAD,
        Op::TSTORE,  Op::MCOPY,       Op::PUSH0,   Op::CREATE2,        Op::STATICCALL,     Op::REVERT};
    for (const Fork fork : {Fork::Frontier, Fork::Homestead}) {
        for (const Op op : later) {
            CAPTURE(static_cast<int>(op));
            CAPTURE(static_cast<int>(fork));
            Env env{fork};
            check_halt(env.run(7 * push(0) + op + ret_top(), 100000), Status::UndefinedInstruction);
        }
    }
}

TEST_CASE("DELEGATECALL is undefined in Frontier and defined in Homestead") {
    Env frontier{Fork::Frontier};
    check_halt(frontier.run(delegatecall_with(0, kOther) + ret_top(), 100000), Status::UndefinedInstruction);
    Env homestead{Fork::Homestead};
    homestead.account(kOther).balance = 1;  // exists, no code
    // 6 pushes 18, DELEGATECALL 40, callee without code returns all its gas, ret_top 15 = 73
    const Outcome o = homestead.run(delegatecall_with(0, kOther) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 73);
    CHECK(o.word() == uint256{1});
    // a non-existent target costs nothing extra and is not created: 18 + 40 + 15 = 73
    const address fresh = make_address(0x66, 0xde1e);
    const Outcome o2 = homestead.run(delegatecall_with(0, fresh) + ret_top());
    CHECK(o2.gas_used == 73);
    CHECK(o2.word() == uint256{1});
    CHECK_FALSE(homestead.host.accounts.contains(fresh));
}

namespace {
/// The opcode bytes the Frontier instruction set defines, written out from the Yellow Paper.
bool frontier_defines(int b) {
    return (b >= 0x00 && b <= 0x0b) || (b >= 0x10 && b <= 0x1a) || b == 0x20 || (b >= 0x30 && b <= 0x3c) ||
           (b >= 0x40 && b <= 0x45) || (b >= 0x50 && b <= 0x5b) || (b >= 0x60 && b <= 0x9f) ||
           (b >= 0xa0 && b <= 0xa4) || (b >= 0xf0 && b <= 0xf3) || b == 0xfe || b == 0xff;
}
}  // namespace

TEST_CASE("exactly the Frontier bytes are defined in Frontier, plus DELEGATECALL in Homestead") {
    for (const Fork fork : {Fork::Frontier, Fork::Homestead}) {
        for (int b = 0; b < 256; ++b) {
            CAPTURE(b);
            CAPTURE(static_cast<int>(fork));
            const bool defined = frontier_defines(b) || (fork == Fork::Homestead && b == 0xf4);
            Env env{fork};
            const Outcome o = env.run(7 * push(0) + op_at(b), 100000);
            if (defined) {
                CHECK(o.status != Status::UndefinedInstruction);
            } else {
                check_halt(o, Status::UndefinedInstruction);
            }
        }
    }
}

// =================================================================================================
// Control flow, PC, GAS
// =================================================================================================

TEST_CASE("JUMP to a JUMPDEST continues there; JUMP costs 8 and JUMPDEST 1") {
    // [0] PUSH1 4 [2] JUMP [3] INVALID [4] JUMPDEST [5] PUSH1 42 ... ; 3 + 8 + 1 + 3 + 15 = 30
    check_word(push(4) + Op::JUMP + Op::INVALID + Op::JUMPDEST + push(42) + ret_top(), 42, 30);
}

TEST_CASE("JUMP into PUSH data is a bad jump destination") {
    // [0] PUSH1 5 [2] JUMP [3] INVALID [4] PUSH1 0x5b: byte 5 is 0x5b but it is PUSH data
    const auto code = push(5) + Op::JUMP + Op::INVALID + push(0x5b) + Op::JUMPDEST;
    REQUIRE(code.code[5] == 0x5b);
    Env env;
    check_halt(env.run(code, 100000), Status::BadJumpDestination);
}

TEST_CASE("JUMP past the end of code or onto a non-JUMPDEST is a bad jump destination") {
    // code is 4 bytes: [0] PUSH1 dest [2] JUMP [3] JUMPDEST
    for (const uint64_t dest : {4, 100, 255, 0, 1, 2}) {  // end of code, past it, PUSH1, its data, JUMP
        CAPTURE(dest);
        Env env;
        check_halt(env.run(push(1, dest) + Op::JUMP + Op::JUMPDEST, 100000), Status::BadJumpDestination);
    }
    // the JUMPDEST at 3 is reachable: 3 + 8 + 1 = 12
    Env ok;
    const Outcome o = ok.run(push(1, 3) + Op::JUMP + Op::JUMPDEST);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 12);
    // [0] PUSH32 dest [33] JUMP [34] JUMPDEST: destinations whose low bits name the JUMPDEST but
    // which do not fit are still bad (no truncation)
    const uint256 wide[] = {pow2(64) + uint256{34}, pow2(32) + uint256{34}, pow2(255) + uint256{34}, kMax};
    for (const auto& dest : wide) {
        CAPTURE(dest);
        Env env;
        check_halt(env.run(push(32, dest) + Op::JUMP + Op::JUMPDEST, 100000), Status::BadJumpDestination);
    }
    Env ok32;  // 3 + 8 + 1
    CHECK(ok32.run(push(32, 34) + Op::JUMP + Op::JUMPDEST).gas_used == 12);
}

TEST_CASE("JUMPI jumps on a non-zero condition and costs 10") {
    // [0] PUSH1 cond [2] PUSH1 6 [4] JUMPI [5] INVALID [6] JUMPDEST [7] PUSH1 42 ...
    // 3 + 3 + 10 + 1 + 3 + 15 = 35
    check_word(push(1) + push(6) + Op::JUMPI + Op::INVALID + Op::JUMPDEST + push(42) + ret_top(), 42, 35);
    // a condition with only the top bit set: [0] PUSH32 [33] PUSH1 37 [35] JUMPI [36] INVALID [37] JUMPDEST
    check_word(push(pow2(255)) + push(37) + Op::JUMPI + Op::INVALID + Op::JUMPDEST + push(42) + ret_top(), 42,
               35);
    Env env;
    check_halt(env.run(push(1) + push(100) + Op::JUMPI, 100000), Status::BadJumpDestination);
}

TEST_CASE("JUMPI falls through on zero without checking the destination") {
    // 3 + 3 + 10 + 3 + 15 = 34
    check_word(push(0) + push(6) + Op::JUMPI + push(7) + ret_top(), 7, 34);
    check_word(push(0) + push(1000) + Op::JUMPI + push(7) + ret_top(), 7, 34);
}

TEST_CASE("PC pushes the position of the PC instruction, costs 2") {
    check_word(push(0) + Op::POP + Op::PC + ret_top(), 3, 22);  // 3 + 2 + 2 + 15
    // after a jump: [0] PUSH1 4 [2] JUMP [3] INVALID [4] JUMPDEST [5] PC; 3 + 8 + 1 + 2 + 15 = 29
    check_word(push(4) + Op::JUMP + Op::INVALID + Op::JUMPDEST + Op::PC + ret_top(), 5, 29);
}

TEST_CASE("GAS pushes the gas left after its own cost of 2") {
    Env env;
    Outcome o = env.run(Op::GAS + ret_top(), 1000);
    CHECK(o.gas_used == 17);
    CHECK(o.word() == uint256{998});
    o = env.run(push(1) + Op::POP + Op::GAS + ret_top(), 1000);  // 1000 - 3 - 2 - 2
    CHECK(o.gas_used == 22);
    CHECK(o.word() == uint256{993});
}

// =================================================================================================
// Basic blocks: the interpreter checks gas and stack once per block (see interpreter.cpp), with the
// outcome of checking every instruction on its own
// =================================================================================================

TEST_CASE("a block the gas cannot pay for fails where instruction-by-instruction execution fails") {
    // PUSH1 1, ADD (underflow: one item), then 100 PUSH1 0 in the same block (306 gas for the block)
    const bytecode code = push(1) + Op::ADD + 100 * push(0);
    for (const int64_t gas : {6, 7, 305, 306, 100000}) {  // PUSH1 and ADD are paid: ADD underflows
        CAPTURE(gas);
        Env env;
        check_halt(env.run(code, gas), Status::StackUnderflow);
    }
    for (const int64_t gas : {3, 4, 5}) {  // ADD's 3 gas is charged before its stack is checked
        CAPTURE(gas);
        Env env;
        check_halt(env.run(code, gas), Status::OutOfGas);
    }
    // an undefined byte after two PUSHes, then more code: undefined as soon as the PUSHes are paid
    Env undefined;
    check_halt(undefined.run(push(1) + push(2) + raw({0x0c}) + 50 * push(0), 6),
               Status::UndefinedInstruction);
    Env short_gas;
    check_halt(short_gas.run(push(1) + push(2) + raw({0x0c}) + 50 * push(0), 5), Status::OutOfGas);
}

TEST_CASE("a block is charged exactly: enough gas for every instruction succeeds, one short does not") {
    // 40 x (PUSH1 1, ADD) on a 1: one block of 40 * 6 = 240 gas, then POP and STOP
    const bytecode code = push(1) + 40 * (push(1) + Op::ADD) + Op::POP;
    constexpr int64_t cost = 3 + 240 + 2;
    Env ok;
    const Outcome o = ok.run(code, cost);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 0);
    Env short_env;
    check_halt(short_env.run(code, cost - 1), Status::OutOfGas);
}

TEST_CASE("instructions after GAS, a jump or a dynamic charge are not charged before them") {
    // GAS after three instructions, with a long block behind it: GAS sees only what ran before it
    Env env;
    Outcome o = env.run(
        push(1) + push(2) + Op::ADD + Op::GAS + 30 * push(0) + 30 * bytecode{Op::POP} + ret_top(), 1000);
    CHECK(o.word() == uint256{1000 - 3 - 3 - 3 - 2});
    // REVERT returns the gas left: nothing after it is charged (Byzantium)
    Env byz{Fork::Byzantium};
    o = byz.run(push(0) + push(0) + Op::REVERT + 20 * push(0), 1000);
    CHECK(o.status == Status::Revert);
    CHECK(o.gas_left == 1000 - 6);
    // MSTORE's memory charge comes after its own block, before the next one: exact gas succeeds
    Env mem;
    const bytecode code = push(1) + push(0) + Op::MSTORE + 10 * push(0) + 10 * bytecode{Op::POP};
    o = mem.run(code, 3 + 3 + 3 + 3 + 30 + 20);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 0);
}

TEST_CASE("a JUMPDEST inside a straight run is a block entry of its own when jumped to") {
    // [0] PUSH1 3 [2] PUSH1 0 ... a loop: counter 3 down to 0, the JUMPDEST at [4] reached by
    // falling through once and by JUMPI three times
    // [0] PUSH1 3 [2] PUSH1 0 [4] JUMPDEST [5] POP [6] PUSH1 1 [8] SWAP1 [9] SUB [10] DUP1
    // [11] DUP1 [12] PUSH1 4 [14] JUMPI [15] STOP
    const bytecode code = push(3) + push(0) + Op::JUMPDEST + Op::POP + push(1) + Op::SWAP1 + Op::SUB +
                          Op::DUP1 + Op::DUP1 + push(4) + Op::JUMPI + Op::STOP;
    REQUIRE(code.code[4] == 0x5b);
    // 6 before the loop, 3 passes of JUMPDEST POP PUSH1 SWAP1 SUB DUP1 DUP1 PUSH1 JUMPI (31 each)
    constexpr int64_t cost = 6 + 3 * 31;
    Env ok;
    const Outcome o = ok.run(code, cost);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 0);
    for (const int64_t gas : {cost - 1, cost - 10, cost - 31, int64_t{40}}) {
        CAPTURE(gas);
        Env env;
        check_halt(env.run(code, gas), Status::OutOfGas);
    }
    // a full stack entering a block that pushes: overflow at the first push, not before
    Env full;
    check_halt(full.run(1023 * push(1) + Op::JUMPDEST + push(1) + push(1), 100000), Status::StackOverflow);
    Env fits;
    CHECK(fits.run(1023 * push(1) + Op::JUMPDEST + push(1) + Op::POP + push(1), 100000).status ==
          Status::Success);
}

TEST_CASE("analyses are reused only for the same code and fork; frame buffers start empty") {
    // BALANCE costs 20 in Frontier and 400 from Tangerine Whistle: the same code, priced per fork
    const bytecode code = push(0) + Op::BALANCE + Op::POP + push(1) + push(2) + Op::ADD + Op::POP;
    for (int round = 0; round < 2; ++round) {
        Env frontier{Fork::Frontier};
        CHECK(frontier.run(code).gas_used == 3 + 20 + 2 + 3 + 3 + 3 + 2);
        Env tangerine{Fork::TangerineWhistle};
        CHECK(tangerine.run(code).gas_used == 3 + 400 + 2 + 3 + 3 + 3 + 2);
    }
    // code of the same length differing in one byte is analysed anew: ADD, then SUB
    Env env;
    CHECK(env.run(push(5) + push(7) + Op::ADD + ret_top()).word() == uint256{12});
    CHECK(env.run(push(5) + push(7) + Op::SUB + ret_top()).word() == uint256{2});
    // a JUMPDEST moved: the old destination is bad in the new code
    CHECK(env.run(push(4) + Op::JUMP + Op::INVALID + Op::JUMPDEST).status == Status::Success);
    check_halt(env.run(push(4) + Op::JUMP + Op::JUMPDEST + Op::INVALID), Status::BadJumpDestination);
    // memory written by one frame is not seen by the next: MLOAD of fresh memory reads zero
    CHECK(env.run(push(0xabcdef) + push(0) + Op::MSTORE + push(0) + Op::MLOAD + ret_top()).word() ==
          uint256{0xabcdef});
    CHECK(env.run(push(0) + Op::MLOAD + ret_top()).word() == uint256{0});
    CHECK(env.run(push(64) + Op::MLOAD + Op::MSIZE + ret_top()).word() == uint256{96});
}

// =================================================================================================
// Storage
// =================================================================================================

TEST_CASE("SLOAD reads the running account's storage, costs 50") {
    Env env;
    env.account(kSelf).storage[uint256{5}] = 77;
    env.account(kOther).storage[uint256{6}] = 88;
    Outcome o = env.run(push(5) + Op::SLOAD + ret_top());
    CHECK(o.gas_used == 68);  // 3 + 50 + 15
    CHECK(o.word() == uint256{77});
    o = env.run(push(6) + Op::SLOAD + ret_top());
    CHECK(o.gas_used == 68);
    CHECK(o.word() == uint256{0});
}

TEST_CASE("SSTORE zero to non-zero costs 20000") {
    Env env;
    const Outcome o = env.run(sstore(0, push(1)));
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 20006);  // 3 + 3 + 20000
    CHECK(o.refund == 0);
    CHECK(env.storage(kSelf, 0) == uint256{1});
}

TEST_CASE("SSTORE non-zero to non-zero costs 5000") {
    Env env;
    env.account(kSelf).storage[uint256{0}] = 1;
    const Outcome o = env.run(sstore(0, push(2)));
    CHECK(o.gas_used == 5006);
    CHECK(o.refund == 0);
    CHECK(env.storage(kSelf, 0) == uint256{2});
}

TEST_CASE("SSTORE non-zero to zero costs 5000 and refunds 15000") {
    Env env;
    env.account(kSelf).storage[uint256{0}] = 1;
    const Outcome o = env.run(sstore(0, push(0)));
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 5006);
    CHECK(o.refund == 15000);
    CHECK(env.storage(kSelf, 0) == uint256{0});
    CHECK(env.account(kSelf).storage.empty());
}

TEST_CASE("SSTORE no-op resets cost 5000 without refund") {
    Env env;
    Outcome o = env.run(sstore(0, push(0)));  // zero to zero
    CHECK(o.gas_used == 5006);
    CHECK(o.refund == 0);
    env.account(kSelf).storage[uint256{0}] = 9;
    o = env.run(sstore(0, push(9)));  // same non-zero value
    CHECK(o.gas_used == 5006);
    CHECK(o.refund == 0);
    CHECK(env.storage(kSelf, 0) == uint256{9});
}

TEST_CASE("SSTORE set then clear in one frame: 20000 + 5000, refund 15000") {
    Env env;
    const Outcome o = env.run(sstore(0, push(1)) + sstore(0, push(0)));
    CHECK(o.gas_used == 25012);
    CHECK(o.refund == 15000);
}

TEST_CASE("SSTORE and SLOAD use the full 256-bit key") {
    Env env;
    // sstore 20006, then push 0 3, SLOAD 50, ret_top 15 = 20074
    Outcome o = env.run(sstore(pow2(200), push(5)) + push(0) + Op::SLOAD + ret_top());
    CHECK(o.gas_used == 20074);
    CHECK(o.word() == uint256{0});
    o = env.run(push(pow2(200)) + Op::SLOAD + ret_top());  // 3 + 50 + 15
    CHECK(o.gas_used == 68);
    CHECK(o.word() == uint256{5});
}

TEST_CASE("SSTORE with one gas too few is out of gas and writes nothing") {
    Env ok;
    const Outcome o = ok.run(sstore(0, push(1)), 20006);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 0);
    Env short_env;
    check_halt(short_env.run(sstore(0, push(1)), 20005), Status::OutOfGas);
    CHECK(short_env.storage(kSelf, 0) == uint256{0});
}

// =================================================================================================
// Logs
// =================================================================================================

TEST_CASE("LOG0..LOG4 cost 375 + 375 per topic + 8 per byte and record topics in stack order") {
    const uint256 topics[4] = {u("0x1001"), u("0x2002"), kMax, pow2(200)};
    for (int n = 0; n <= 4; ++n) {
        CAPTURE(n);
        // push 0xaabb 3, push 0 3, MSTORE 3+3 -> memory[30..31] = aa bb: 12
        // n topic pushes 3n, push 2 3, push 30 3, LOGn 375 + 375n + 2*8:
        // total 12 + 3n + 6 + 375 + 375n + 16 = 409 + 378n
        bytecode code = push(0xaabb) + push(0) + Op::MSTORE;
        for (int i = n - 1; i >= 0; --i) code = code + push(topics[i]);
        code = code + push(2) + push(30) + op_at(0xa0 + n);
        Env env;
        const Outcome o = env.run(code);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 409 + 378 * n);
        REQUIRE(env.host.logs.size() == 1);
        const LogRecord& log = env.host.logs[0];
        CHECK(log.addr == kSelf);
        CHECK(log.data == bytes{0xaa, 0xbb});
        REQUIRE(log.topics.size() == static_cast<size_t>(n));
        for (int i = 0; i < n; ++i)
            CHECK(log.topics[static_cast<size_t>(i)] == bytes32::from_word(topics[i]));
    }
}

TEST_CASE("LOG with empty data costs no memory; LOG data pays memory expansion") {
    Env env;
    Outcome o = env.run(push(0) + push(0) + Op::LOG0);  // 3 + 3 + 375
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 381);
    REQUIRE(env.host.logs.size() == 1);
    CHECK(env.host.logs[0].data.empty());
    CHECK(env.host.logs[0].topics.empty());
    // LOG1 of 64 fresh bytes: 3 pushes 9, 750 + 64*8 = 1262, memory 2 words 6: 1277
    Env env2;
    o = env2.run(push(7) + push(64) + push(0) + Op::LOG1);
    CHECK(o.gas_used == 1277);
    REQUIRE(env2.host.logs.size() == 1);
    CHECK(env2.host.logs[0].data == bytes(64, 0));
    CHECK(env2.host.logs[0].topics == std::vector<bytes32>{bytes32::from_word(7)});
}

// =================================================================================================
// Halting
// =================================================================================================

TEST_CASE("INVALID (0xfe) is an invalid instruction consuming all gas") {
    Env env;
    check_halt(env.run(push(1) + Op::INVALID + push(2), 1000), Status::InvalidInstruction);
    CHECK(env.host.logs.empty());
}

TEST_CASE("an undefined byte (0x0c) is an undefined instruction consuming all gas") {
    for (const uint8_t b : {uint8_t{0x0c}, uint8_t{0x0f}, uint8_t{0x21}, uint8_t{0x4b}, uint8_t{0xa5},
                            uint8_t{0xef}, uint8_t{0xf6}, uint8_t{0xfb}}) {
        CAPTURE(static_cast<int>(b));
        Env env;
        check_halt(env.run(push(1) + raw({b}), 1000), Status::UndefinedInstruction);
    }
}

TEST_CASE("STOP ends the frame successfully with no output; empty code costs nothing") {
    Env env;
    Outcome o = env.run(push(1) + Op::STOP + push(2), 1000);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 3);
    CHECK(o.output.empty());
    o = env.run(bytecode{}, 1000);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 0);
    CHECK(o.gas_left == 1000);
}

TEST_CASE("RETURN outputs a memory slice and pays for expansion") {
    Env env;
    // push 3, push 3, MSTORE 3+3, push 2 3, push 30 3, RETURN 0 = 18
    Outcome o = env.run(push(0xaabb) + push(0) + Op::MSTORE + push(2) + push(30) + Op::RETURN);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 18);
    CHECK(o.output == bytes{0xaa, 0xbb});
    // RETURN(0, 64) on fresh memory: 3 + 3 + 6 = 12, 64 zero bytes
    o = env.run(push(64) + push(0) + Op::RETURN);
    CHECK(o.gas_used == 12);
    CHECK(o.output == bytes(64, 0));
    // size 0 at a huge offset: no memory, no output
    o = env.run(push(0) + push(pow2(100)) + Op::RETURN);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 6);
    CHECK(o.output.empty());
    // size >= 2^32 is out of gas
    Env env2;
    check_halt(env2.run(push(pow2(32)) + push(0) + Op::RETURN, 10'000'000), Status::OutOfGas);
}

TEST_CASE("out of gas: exactly enough succeeds, one gas short halts") {
    struct Case {
        bytecode code;
        int64_t cost;
    };
    const Case cases[] = {
        {push(1) + push(2) + Op::ADD, 9},                   // 3 + 3 + 3
        {push(1) + push(0) + Op::MSTORE, 12},               // 3 + 3 + 3 + 3
        {push(256) + push(2) + Op::EXP, 36},                // 3 + 3 + 10 + 20
        {push(32) + push(0) + Op::KECCAK256, 45},           // 3 + 3 + 30 + 6 + 3
        {push(0) + push(0) + Op::LOG0, 381},                // 3 + 3 + 375
        {push(0) + Op::SLOAD, 53},                          // 3 + 50
        {sstore(0, push(1)), 20006},                        // 3 + 3 + 20000
        {push(0) + push(0) + push(0) + Op::CREATE, 32009},  // 9 + 32000, empty init code
    };
    for (const auto& c : cases) {
        CAPTURE(c.cost);
        Env ok;
        const Outcome o = ok.run(c.code, c.cost);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_left == 0);
        CHECK(o.gas_used == c.cost);
        Env short_env;
        check_halt(short_env.run(c.code, c.cost - 1), Status::OutOfGas);
    }
    Env zero;
    check_halt(zero.run(push(1), 0), Status::OutOfGas);
    const Outcome o = zero.run(Op::STOP, 0);
    CHECK(o.status == Status::Success);
}

// =================================================================================================
// System: CALL, CALLCODE, DELEGATECALL, CREATE, SELFDESTRUCT
// =================================================================================================

TEST_CASE("CALL runs the callee's code on the callee's storage: 40 + callee gas") {
    Env env;
    env.account(kCallee).code = sstore(1, push(42)).code;  // 3 + 3 + 20000 = 20006
    // 7 pushes 21, CALL 40, callee 20006, ret_top 15 = 20082
    const Outcome o = env.run(call_with(Op::CALL, 50000, kCallee, 0) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 20082);
    CHECK(o.word() == uint256{1});
    CHECK(env.storage(kCallee, 1) == uint256{42});
    CHECK(env.storage(kSelf, 1) == uint256{0});
}

TEST_CASE("CALL passes sender and input, and copies output up to out_size") {
    Env env;
    // callee: CALLER stored at slot 0 (2+3+20000), CALLDATALOAD(0) stored at slot 1 (3+3+3+20000),
    //         then returns 0x77 (3 + 15): 40032
    env.account(kCallee).code = (Op::CALLER + push(0) + Op::SSTORE + push(0) + Op::CALLDATALOAD + push(1) +
                                 Op::SSTORE + push(0x77) + ret_top())
                                    .code;
    // caller: MSTORE 0x99 at 0 (12); CALL(in 0..32, out 32..64): 21 + 40 + memory 1 -> 2 words 3
    //         + 40032; push 64, push 0, RETURN 6: 12 + 21 + 43 + 40032 + 6 = 40114
    Outcome o =
        env.run(push(0x99) + push(0) + Op::MSTORE + call_with(Op::CALL, 100000, kCallee, 0, 0, 32, 32, 32) +
                Op::POP + push(64) + push(0) + Op::RETURN);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 40114 + 2);  // + POP
    REQUIRE(o.output.size() == 64);
    CHECK(word_of(o.output, 0) == uint256{0x99});
    CHECK(word_of(o.output, 32) == uint256{0x77});
    CHECK(env.storage(kCallee, 0) == kSelf.to_word());
    CHECK(env.storage(kCallee, 1) == uint256{0x99});

    // out_size 31 copies only the first 31 bytes (all zero) of the callee's 32-byte output.
    Env env2;
    env2.account(kCallee).code = (push(0x77) + ret_top()).code;  // 3 + 15
    // 21 + 40 + 3 (memory for 31 bytes: 1 word) + 18, push 32, push 0, RETURN 6 = 88
    o = env2.run(call_with(Op::CALL, 100, kCallee, 0, 0, 0, 0, 31) + push(32) + push(0) + Op::RETURN);
    CHECK(o.gas_used == 88);
    CHECK(o.word() == uint256{0});
    // and out_size 32 gets it all, same gas
    o = env2.run(call_with(Op::CALL, 100, kCallee, 0, 0, 0, 0, 32) + push(32) + push(0) + Op::RETURN);
    CHECK(o.gas_used == 88);
    CHECK(o.word() == uint256{0x77});
}

TEST_CASE("CALL with value: +9000, the callee gets a 2300 stipend the caller does not pay for") {
    Env env;
    env.account(kSelf).balance = 1000;
    env.account(kCallee).code = (Op::CALLVALUE + ret_top()).code;  // 2 + 15 = 17
    // 21 pushes; CALL 40 + 3 (out memory) + 9000; callee gets 0 + 2300 and returns 2283:
    // 40 + 3 + 9000 - 2283 = 6760; push 32, push 0, RETURN 6: 21 + 6760 + 6 = 6787
    const Outcome o =
        env.run(call_with(Op::CALL, 0, kCallee, 100, 0, 0, 0, 32) + push(32) + push(0) + Op::RETURN);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 6787);
    CHECK(o.word() == uint256{100});
    CHECK(env.account(kSelf).balance == uint256{900});
    CHECK(env.account(kCallee).balance == uint256{100});
}

TEST_CASE("CALL with value to a callee needing more than the stipend fails and reverts the transfer") {
    Env env;
    env.account(kSelf).balance = 1000;
    env.account(kCallee).code = sstore(1, push(42)).code;  // needs 20006 > 2300
    // 21 + 40 + 9000 + (2300 given, none back) - 2300 stipend + ret_top 15 = 9076
    const Outcome o = env.run(call_with(Op::CALL, 0, kCallee, 100) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 9076);
    CHECK(o.word() == uint256{0});
    CHECK(env.account(kSelf).balance == uint256{1000});
    CHECK(env.account(kCallee).balance == uint256{0});
    CHECK(env.storage(kCallee, 1) == uint256{0});
}

TEST_CASE("CALL with more value than the balance pushes 0 and returns the gas and stipend") {
    Env env;
    env.account(kSelf).balance = 50;
    env.account(kCallee).code = sstore(1, push(42)).code;
    // 21 + 40 + 9000 - 2300 (stipend given back unused) + 15 = 6776; requested 5000 comes back
    const Outcome o = env.run(call_with(Op::CALL, 5000, kCallee, 100) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 6776);
    CHECK(o.word() == uint256{0});
    CHECK(env.account(kSelf).balance == uint256{50});
    CHECK(env.storage(kCallee, 1) == uint256{0});
}

TEST_CASE("CALL to a non-existent account costs 25000 more in Frontier and Homestead") {
    const address fresh = make_address(0x77, 0xf4e54);
    for (const Fork fork : {Fork::Frontier, Fork::Homestead}) {
        CAPTURE(static_cast<int>(fork));
        Env env{fork};
        // 21 + 40 + 25000 + 15 = 25076
        Outcome o = env.run(call_with(Op::CALL, 1000, fresh, 0) + ret_top());
        CHECK(o.status == Status::Success);
        CHECK(o.gas_used == 25076);
        CHECK(o.word() == uint256{1});
        CHECK(env.host.accounts.contains(fresh));
        // now it exists: 21 + 40 + 15 = 76
        o = env.run(call_with(Op::CALL, 1000, fresh, 0) + ret_top());
        CHECK(o.gas_used == 76);
    }
    Env env;
    env.account(kSelf).balance = 1000;
    // with value: 21 + 40 + 9000 + 25000 - 2300 + 15 = 31776
    const Outcome o = env.run(call_with(Op::CALL, 0, fresh, 10) + ret_top());
    CHECK(o.gas_used == 31776);
    CHECK(o.word() == uint256{1});
    CHECK(env.account(fresh).balance == uint256{10});
    CHECK(env.account(kSelf).balance == uint256{990});
}

TEST_CASE("CALL requesting more gas than is left is out of gas in Frontier") {
    Env env;
    env.account(kOther).balance = 1;  // exists, no code
    // 7 pushes 21 + CALL 40 = 61, then the requested gas must be available
    Outcome o = env.run(call_with(Op::CALL, 500, kOther, 0), 561);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 500);  // a code-less callee hands all of it back
    CHECK(o.gas_used == 61);
    Env env2;
    env2.account(kOther).balance = 1;
    check_halt(env2.run(call_with(Op::CALL, 501, kOther, 0), 561), Status::OutOfGas);
}

TEST_CASE("CALL gas of 2^64 + 100 is not truncated: out of gas in Frontier") {
    Env env;
    env.account(kOther).balance = 1;
    check_halt(env.run(call_with(Op::CALL, pow2(64) + uint256{100}, kOther, 0), 100000), Status::OutOfGas);
}

TEST_CASE("CALL uses the low 160 bits of the address argument") {
    Env env;
    env.account(kCallee).code = sstore(1, push(42)).code;
    // 7 pushes 21 + CALL 40 + callee 20006 + ret_top 15 = 20082
    const bytecode code = push(0) + push(0) + push(0) + push(0) + push(0) +
                          push(kCallee.to_word() | pow2(200)) + push(50000) + Op::CALL + ret_top();
    const Outcome o = env.run(code);
    CHECK(o.gas_used == 20082);
    CHECK(o.word() == uint256{1});
    CHECK(env.storage(kCallee, 1) == uint256{42});
}

TEST_CASE("a failing callee reverts its state changes; the caller gets 0 and loses the gas it gave") {
    Env env;
    env.account(kCallee).code = (sstore(1, push(42)) + push(0) + push(0) + Op::LOG0 + Op::INVALID).code;
    // 21 + 40 + 30000 (all consumed) + 15 = 30076
    const Outcome o = env.run(call_with(Op::CALL, 30000, kCallee, 0) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 30076);
    CHECK(o.word() == uint256{0});
    CHECK(env.storage(kCallee, 1) == uint256{0});
    CHECK(env.host.logs.empty());
    CHECK(o.refund == 0);
}

TEST_CASE("a callee running out of gas fails like any exceptional halt") {
    Env env;
    env.account(kCallee).code = sstore(1, push(42)).code;  // needs 20006
    // 21 + 40 + 20005 + 15 = 20081
    Outcome o = env.run(call_with(Op::CALL, 20005, kCallee, 0) + ret_top());
    CHECK(o.gas_used == 20081);
    CHECK(o.word() == uint256{0});
    CHECK(env.storage(kCallee, 1) == uint256{0});
    // with exactly 20006 it succeeds: 21 + 40 + 20006 + 15 = 20082
    o = env.run(call_with(Op::CALL, 20006, kCallee, 0) + ret_top());
    CHECK(o.gas_used == 20082);
    CHECK(o.word() == uint256{1});
    CHECK(env.storage(kCallee, 1) == uint256{42});
}

TEST_CASE("refunds from a successful callee reach the caller, a failed callee's do not") {
    Env env;
    env.account(kCallee).storage[uint256{1}] = 5;
    env.account(kCallee).code = sstore(1, push(0)).code;  // 3 + 3 + 5000, refund 15000
    // 21 + 40 + 5006 + 15 = 5082
    Outcome o = env.run(call_with(Op::CALL, 10000, kCallee, 0) + ret_top());
    CHECK(o.gas_used == 5082);
    CHECK(o.refund == 15000);
    CHECK(env.storage(kCallee, 1) == uint256{0});

    Env env2;
    env2.account(kCallee).storage[uint256{1}] = 5;
    env2.account(kCallee).code = (sstore(1, push(0)) + Op::INVALID).code;
    o = env2.run(call_with(Op::CALL, 10000, kCallee, 0) + ret_top());  // 21 + 40 + 10000 + 15
    CHECK(o.gas_used == 10076);
    CHECK(o.refund == 0);
    CHECK(env2.storage(kCallee, 1) == uint256{5});
}

TEST_CASE("at call depth 1024 CALL pushes 0 without running the callee") {
    Env env;
    env.depth = 1024;
    env.account(kCallee).code = sstore(1, push(42)).code;
    // 21 + 40 + 15 = 76: the requested 5000 comes back
    Outcome o = env.run(call_with(Op::CALL, 5000, kCallee, 0) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 76);
    CHECK(o.word() == uint256{0});
    CHECK(env.storage(kCallee, 1) == uint256{0});
    // with value: 21 + 40 + 9000 - 2300 + 15 = 6776, no transfer
    env.account(kSelf).balance = 100;
    o = env.run(call_with(Op::CALL, 5000, kCallee, 5) + ret_top());
    CHECK(o.gas_used == 6776);
    CHECK(o.word() == uint256{0});
    CHECK(env.account(kSelf).balance == uint256{100});
    // depth 1023 may still call (the callee runs at depth 1024): 21 + 40 + 20006 + 15
    Env env2;
    env2.depth = 1023;
    env2.account(kCallee).code = sstore(1, push(42)).code;
    o = env2.run(call_with(Op::CALL, 50000, kCallee, 0) + ret_top());
    CHECK(o.gas_used == 20082);
    CHECK(o.word() == uint256{1});
    CHECK(env2.storage(kCallee, 1) == uint256{42});
}

TEST_CASE("CALLCODE runs the callee's code on the caller's storage, sender = caller") {
    Env env;
    // callee: ADDRESS -> slot 0, CALLER -> slot 1, 42 -> slot 2: 3 * (2 or 3 + 3 + 20000) = 60016
    env.account(kCallee).code =
        (Op::ADDRESS + push(0) + Op::SSTORE + Op::CALLER + push(1) + Op::SSTORE + sstore(2, push(42))).code;
    // 21 + 40 + 60016 + 15 = 60092
    const Outcome o = env.run(call_with(Op::CALLCODE, 100000, kCallee, 0) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 60092);
    CHECK(o.word() == uint256{1});
    CHECK(env.storage(kSelf, 0) == kSelf.to_word());
    CHECK(env.storage(kSelf, 1) == kSelf.to_word());
    CHECK(env.storage(kSelf, 2) == uint256{42});
    CHECK(env.account(kCallee).storage.empty());
}

TEST_CASE("CALLCODE never pays for a new account and does not create one") {
    const address fresh = make_address(0x77, 0xc0de);
    Env env;
    // 21 + 40 + 15 = 76
    Outcome o = env.run(call_with(Op::CALLCODE, 1000, fresh, 0) + ret_top());
    CHECK(o.gas_used == 76);
    CHECK(o.word() == uint256{1});
    CHECK_FALSE(env.host.accounts.contains(fresh));
    // with value the caller pays itself: 21 + 40 + 9000 - 2300 + 15 = 6776, balance unchanged
    env.account(kSelf).balance = 1000;
    o = env.run(call_with(Op::CALLCODE, 0, fresh, 100) + ret_top());
    CHECK(o.gas_used == 6776);
    CHECK(o.word() == uint256{1});
    CHECK(env.account(kSelf).balance == uint256{1000});
    CHECK_FALSE(env.host.accounts.contains(fresh));
}

TEST_CASE("DELEGATECALL in Homestead keeps the caller's sender and value and storage") {
    Env env{Fork::Homestead};
    env.value = 7;
    // callee: CALLER -> 0, CALLVALUE -> 1, ADDRESS -> 2: 3 * (2 + 3 + 20000) = 60015
    env.account(kCallee).code = (Op::CALLER + push(0) + Op::SSTORE + Op::CALLVALUE + push(1) + Op::SSTORE +
                                 Op::ADDRESS + push(2) + Op::SSTORE)
                                    .code;
    // 6 pushes 18, DELEGATECALL 40, callee 60015, ret_top 15 = 60088
    const Outcome o = env.run(delegatecall_with(100000, kCallee) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 60088);
    CHECK(o.word() == uint256{1});
    CHECK(env.storage(kSelf, 0) == kSender.to_word());
    CHECK(env.storage(kSelf, 1) == uint256{7});
    CHECK(env.storage(kSelf, 2) == kSelf.to_word());
    CHECK(env.account(kCallee).storage.empty());
    CHECK(env.account(kSelf).balance == uint256{0});  // no value moves
}

namespace {
/// Runtime code deployed by the CREATE tests: returns 42 (10 bytes: 60 2a 60 00 52 60 20 60 00 f3).
bytecode runtime_42() { return push(42) + ret_top(); }

/// Init code returning `runtime_42` (19 bytes). Its own gas: PUSH10 3, PUSH1 0 3, MSTORE 3+3,
/// PUSH1 10 3, PUSH1 22 3, RETURN 0 = 18.
bytecode init_42() {
    const bytes rt = runtime_42().code;
    return push(10, uint256::from_be(rt.data(), rt.size())) + push(0) + Op::MSTORE + push(10) + push(22) +
           Op::RETURN;
}

/// Caller code: stores `init` (<= 32 bytes) right-aligned in word 0 (12 gas), then
/// CREATE(value, 32 - size, size) (3 pushes 9 + 32000).
bytecode create_with(const bytecode& init, const uint256& value) {
    const auto n = init.code.size();
    return push(n, uint256::from_be(init.code.data(), n)) + push(0) + Op::MSTORE + push(n) + push(32 - n) +
           push(value) + Op::CREATE;
}
}  // namespace

TEST_CASE("CREATE address is keccak256(rlp([sender, nonce]))[12:]") {
    const address sender = *address::parse("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
    CHECK(InMemoryHost::create_address(sender, 0) ==
          *address::parse("0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"));
    CHECK(InMemoryHost::create_address(sender, 1) ==
          *address::parse("0x343c43a37d37dff08ae8c4a11544c718abb4fcf8"));
    CHECK(InMemoryHost::create_address(sender, 2) ==
          *address::parse("0xf778b86fa74e846c4f0a1fbd1335fe81c00a0c91"));
}

TEST_CASE("CREATE deploys the returned code: 32000 + init gas + 200 per code byte") {
    REQUIRE(runtime_42().code.size() == 10);
    REQUIRE(init_42().code.size() == 19);
    Env env;
    // 12 + 9 + 32000 + 18 (init) + 2000 (10 bytes * 200) + ret_top 12 = 34051
    const Outcome o = env.run(create_with(init_42(), 0) + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 34051);
    const address created = InMemoryHost::create_address(kSelf, 0);
    CHECK(o.word() == created.to_word());
    CHECK(env.account(kSelf).nonce == 1);
    CHECK(env.account(created).code == runtime_42().code);
    CHECK(env.account(created).nonce == 0);  // Frontier: new contracts start at nonce 0
    // a second CREATE uses the next nonce
    const Outcome o2 = env.run(create_with(init_42(), 0) + ret_top());
    CHECK(o2.word() == InMemoryHost::create_address(kSelf, 1).to_word());
    CHECK(env.account(kSelf).nonce == 2);
}

TEST_CASE("CREATE with value endows the new account") {
    Env env;
    env.account(kSelf).balance = 1000;
    const Outcome o = env.run(create_with(init_42(), 300) + ret_top());
    CHECK(o.gas_used == 34051);
    const address created = InMemoryHost::create_address(kSelf, 0);
    CHECK(o.word() == created.to_word());
    CHECK(env.account(created).balance == uint256{300});
    CHECK(env.account(kSelf).balance == uint256{700});
}

TEST_CASE("CREATE with empty init code makes a code-less account for 32000") {
    Env env;
    // 3 pushes 9 + 32000 + ret_top 15 = 32024
    const Outcome o = env.run(push(0) + push(0) + push(0) + Op::CREATE + ret_top());
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 32024);
    const address created = InMemoryHost::create_address(kSelf, 0);
    CHECK(o.word() == created.to_word());
    CHECK(env.host.accounts.contains(created));
    CHECK(env.account(created).code.empty());
}

TEST_CASE("CREATE at depth 1024 or without the balance pushes 0 and keeps the nonce") {
    Env env;
    env.depth = 1024;
    // 12 (init into memory) + 9 + 32000 + ret_top 12 = 32033, no init code runs
    Outcome o = env.run(create_with(init_42(), 0) + ret_top());
    CHECK(o.gas_used == 12 + 9 + 32000 + 12);
    CHECK(o.word() == uint256{0});
    CHECK(env.account(kSelf).nonce == 0);

    Env poor;
    poor.account(kSelf).balance = 5;
    o = poor.run(push(0) + push(0) + push(6) + Op::CREATE + ret_top());
    CHECK(o.gas_used == 32024);
    CHECK(o.word() == uint256{0});
    CHECK(poor.account(kSelf).nonce == 0);
    CHECK(poor.account(kSelf).balance == uint256{5});
}

TEST_CASE("CREATE whose init code fails consumes the gas it was given and creates nothing") {
    Env env;
    // init = INVALID: push 0xfe, push 0, MSTORE8 = 3+3+3+3; 3 pushes 9; CREATE 32000 + everything left
    const Outcome o =
        env.run(push(0xfe) + push(0) + Op::MSTORE8 + push(1) + push(0) + push(0) + Op::CREATE, 100000);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 0);
    const address created = InMemoryHost::create_address(kSelf, 0);
    CHECK_FALSE(env.host.accounts.contains(created));
    CHECK(env.account(kSelf).nonce == 1);
}

TEST_CASE("Frontier: a code deposit that cannot be paid leaves empty code but succeeds") {
    Env env{Fork::Frontier};
    // caller before CREATE hands over its gas: 12 + 9 + 32000 = 32021; the frame gets 2017,
    // init uses 18, 1999 < 2000 left for the deposit: the account stays, code empty, 1999 back
    const Outcome o = env.run(create_with(init_42(), 0), 32021 + 2017);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_left == 1999);
    CHECK(o.gas_used == 32039);
    const address created = InMemoryHost::create_address(kSelf, 0);
    REQUIRE(env.host.accounts.contains(created));
    CHECK(env.account(created).code.empty());
    CHECK(env.account(kSelf).nonce == 1);
}

TEST_CASE("Homestead: a code deposit that cannot be paid fails the CREATE and consumes its gas") {
    const address created = InMemoryHost::create_address(kSelf, 0);
    {
        Env env{Fork::Homestead};
        const Outcome o = env.run(create_with(init_42(), 0), 32021 + 2017);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_left == 0);
        CHECK_FALSE(env.host.accounts.contains(created));
        CHECK(env.account(kSelf).nonce == 1);
    }
    {
        Env env{Fork::Homestead};  // exactly enough: 18 + 2000
        const Outcome o = env.run(create_with(init_42(), 0), 32021 + 2018);
        CHECK(o.status == Status::Success);
        CHECK(o.gas_left == 0);
        REQUIRE(env.host.accounts.contains(created));
        CHECK(env.account(created).code == runtime_42().code);
    }
}

TEST_CASE("SELFDESTRUCT moves the balance, refunds 24000, and finalize removes the account") {
    Env env;
    env.account(kSelf).balance = 500;
    env.account(kOther).balance = 10;
    // push 3, SELFDESTRUCT 0 (Frontier); nothing after it runs
    const Outcome o = env.run(push(kOther.to_word()) + Op::SELFDESTRUCT + sstore(1, push(1)));
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 3);
    CHECK(o.refund == 24000);
    CHECK(env.host.accounts.at(kOther).balance == uint256{510});
    CHECK(env.host.accounts.at(kSelf).balance == uint256{0});
    CHECK(env.storage(kSelf, 1) == uint256{0});
    env.host.finalize();
    CHECK_FALSE(env.host.accounts.contains(kSelf));
    CHECK(env.host.accounts.contains(kOther));
}

TEST_CASE("SELFDESTRUCT to a non-existent beneficiary costs nothing extra in Frontier") {
    const address fresh = make_address(0x55, 0xbeef);
    Env env;
    env.account(kSelf).balance = 500;
    const Outcome o = env.run(push(fresh.to_word()) + Op::SELFDESTRUCT);
    CHECK(o.gas_used == 3);
    CHECK(o.refund == 24000);
    CHECK(env.host.accounts.at(fresh).balance == uint256{500});
}

TEST_CASE("SELFDESTRUCT refunds 24000 once per account per transaction") {
    Env env;
    env.account(kCallee).balance = 500;
    env.account(kCallee).code = (push(kOther.to_word()) + Op::SELFDESTRUCT).code;  // 3
    // twice: (21 + 40 + 3) + POP 2 = 66 each
    const Outcome o = env.run(call_with(Op::CALL, 1000, kCallee, 0) + Op::POP +
                              call_with(Op::CALL, 1000, kCallee, 0) + Op::POP);
    CHECK(o.status == Status::Success);
    CHECK(o.gas_used == 132);
    CHECK(o.refund == 24000);
    CHECK(env.account(kOther).balance == uint256{500});
    env.host.finalize();
    CHECK_FALSE(env.host.accounts.contains(kCallee));
}
