// tests/unit/vm/vm_assembler_test.cpp - assembler and disassembler: syntax, diagnostics, exact round-trip.
#include <doctest/doctest.h>

#include <random>

#include "trainchain/vm/assembler.hpp"
#include "trainchain/vm/hex.hpp"

using namespace trainchain::vm;

namespace {
bytes asm_ok(std::string_view src) {
    auto r = assemble(src);
    INFO(r.error.message);
    REQUIRE(r);
    return *r.value;
}
}  // namespace

TEST_CASE("assembler: mnemonics, immediates, aliases and comments") {
    CHECK(to_hex(asm_ok("PUSH1 0x60 PUSH1 0x40 MSTORE")) == "6060604052");
    CHECK(to_hex(asm_ok("push2 258 ; decimal\nadd // comment\nstop")) == "6101020100");
    CHECK(to_hex(asm_ok("PUSH 0 PUSH 0x1234 PUSH 256")) ==
          "600061123461"
          "0100");
    CHECK(to_hex(asm_ok("SHA3 SUICIDE DIFFICULTY")) == "20ff44");
    CHECK(to_hex(asm_ok("PUSH32 0x01")) == "7f" + std::string(62, '0') + "01");
    CHECK(to_hex(asm_ok(".bytes 0xdeadbeef STOP")) == "deadbeef00");
}

TEST_CASE("assembler: labels resolve forward and backward") {
    const bytes code = asm_ok("start: JUMPDEST PUSH @end JUMP PUSH1 @start end: JUMPDEST STOP");
    // 0: JUMPDEST, 1: PUSH2 0x0007, 4: JUMP, 5: PUSH1 0x00, 7: JUMPDEST, 8: STOP
    CHECK(to_hex(code) == "5b6100075660005b00");
}

TEST_CASE("assembler: errors name the token with line and column") {
    auto r = assemble("PUSH1 1\n  FOO");
    REQUIRE(!r);
    CHECK(r.error.line == 2);
    CHECK(r.error.column == 3);
    CHECK(r.error.message == "unknown mnemonic 'FOO'");

    r = assemble("PUSH1 0x100");
    REQUIRE(!r);
    CHECK(r.error.column == 7);
    CHECK(r.error.message == "immediate 0x100 does not fit in PUSH1 (1 bytes)");

    r = assemble("ADD PUSH2");
    REQUIRE(!r);
    CHECK(r.error.message == "'PUSH2' needs an immediate value");

    r = assemble("PUSH1 zz");
    REQUIRE(!r);
    CHECK(r.error.message == "invalid immediate 'zz'");

    r = assemble("PUSH2 @nowhere");
    REQUIRE(!r);
    CHECK(r.error.message == "undefined label 'nowhere'");

    r = assemble("a: a:");
    REQUIRE(!r);
    CHECK(r.error.message == "label 'a' defined twice");

    r = assemble(".bytes 0xabc");
    REQUIRE(!r);
    CHECK(r.error.message == "odd number of hex digits (3)");
}

TEST_CASE("disassembler: one instruction per line, raw bytes for undefined and truncated") {
    CHECK(disassemble(*from_hex("6001600201").value) == "PUSH1 0x01\nPUSH1 0x02\nADD\n");
    CHECK(disassemble(*from_hex("0c").value) == ".bytes 0x0c\n");
    CHECK(disassemble(*from_hex("0061ab").value) ==
          "STOP\n.bytes 0x61ab  ; truncated PUSH2: 1 of 2 immediate bytes\n");
    CHECK(disassemble(*from_hex("fe").value) == "INVALID\n");
}

TEST_CASE("assembler and disassembler round-trip random bytecode exactly") {
    std::mt19937_64 rng{42};
    for (int i = 0; i < 2000; ++i) {
        bytes code(rng() % 200);
        for (auto& b : code) b = static_cast<uint8_t>(rng());
        const auto text = disassemble(code);
        const auto back = assemble(text);
        INFO(text);
        REQUIRE(back);
        REQUIRE(*back.value == code);
    }
}

TEST_CASE("hex: prefix, whitespace and errors with positions") {
    CHECK(*from_hex(" 0xABcd\n").value == bytes{0xab, 0xcd});
    CHECK(from_hex("").value->empty());
    auto r = from_hex("0x12g4");
    REQUIRE(!r);
    CHECK(r.error.column == 5);
    CHECK(r.error.message == "invalid hex digit 'g'");
    r = from_hex("123");
    REQUIRE(!r);
    CHECK(r.error.message == "odd number of hex digits (3)");
}

TEST_CASE("hex: to_hex0x, and parse_hex_digits takes exactly what to_hex writes") {
    const bytes data{0x00, 0x7f, 0xab, 0xff};
    CHECK(to_hex(data) == "007fabff");
    CHECK(to_hex0x(data) == "0x007fabff");
    CHECK(to_hex0x(bytes{}) == "0x");
    CHECK(parse_hex_digits(to_hex(data)) == data);
    CHECK(parse_hex_digits("007FABff") == data);  // either case
    CHECK(parse_hex_digits("")->empty());
    for (const char* bad : {"0x00", " 00", "00 ", "0 0", "123", "0g", "--"}) {
        INFO(bad);
        CHECK_FALSE(parse_hex_digits(bad));
    }
    const auto four = parse_hex_digits_n<4>("007fabff");
    REQUIRE(four);
    CHECK(*four == std::array<uint8_t, 4>{0x00, 0x7f, 0xab, 0xff});
    CHECK_FALSE(parse_hex_digits_n<4>("007fab"));
    CHECK_FALSE(parse_hex_digits_n<4>("007fabff00"));
    CHECK_FALSE(parse_hex_digits_n<4>("007fabfg"));
    // The address and bytes32 forms use the same encoder.
    address a;
    a.bytes[19] = 0x5e;
    CHECK(a.to_hex() == "0x" + std::string(38, '0') + "5e");
}
