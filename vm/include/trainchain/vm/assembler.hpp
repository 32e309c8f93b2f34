// vm/include/trainchain/vm/assembler.hpp - text assembly <-> bytecode, generated from the opcode
// list. assemble(disassemble(code)) == code for any bytecode.
//
// Syntax: whitespace-separated instructions; `;` or `//` start a comment. `PUSHn IMM` takes a hex
// (0x...) or decimal immediate that fits in n bytes; `PUSH IMM` picks the smallest n. `name:`
// marks a position and `@name` is usable as an immediate (`PUSH2 @loop`, `PUSH @loop` = PUSH2).
// `.bytes 0x...` emits raw bytes (data, undefined opcodes, a truncated final PUSH).
#pragma once

#include <string>
#include <string_view>

#include "trainchain/vm/hex.hpp"

namespace trainchain::vm {

/// Assembles source text; on error the diagnostic points at the offending token.
ParseResult<bytes> assemble(std::string_view source);

/// Disassembles bytecode to assembly text, one instruction per line.
std::string disassemble(bytes_view code);

}  // namespace trainchain::vm
