// vm/include/trainchain/vm/opcodes.hpp - the EVM opcode list: the single source of truth.
//
// TRAINCHAIN_OPCODES(X) expands X(byte, NAME, immediate_bytes, stack_in, stack_out, since_fork,
// group) once per defined opcode; group is the OpcodeGroup the gas report counts it under. The
// interpreter's dispatch, the gas-table consistency sweep, the assembler, the disassembler and the
// gas report's opcode classes are all generated from this list.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "trainchain/vm/fork.hpp"

// clang-format off
#define TRAINCHAIN_OPCODES_PUSH(X) \
    X(0x60, PUSH1, 1, 0, 1, Frontier, Push)  X(0x61, PUSH2, 2, 0, 1, Frontier, Push)  \
    X(0x62, PUSH3, 3, 0, 1, Frontier, Push)  X(0x63, PUSH4, 4, 0, 1, Frontier, Push)  \
    X(0x64, PUSH5, 5, 0, 1, Frontier, Push)  X(0x65, PUSH6, 6, 0, 1, Frontier, Push)  \
    X(0x66, PUSH7, 7, 0, 1, Frontier, Push)  X(0x67, PUSH8, 8, 0, 1, Frontier, Push)  \
    X(0x68, PUSH9, 9, 0, 1, Frontier, Push)  X(0x69, PUSH10, 10, 0, 1, Frontier, Push) \
    X(0x6a, PUSH11, 11, 0, 1, Frontier, Push) X(0x6b, PUSH12, 12, 0, 1, Frontier, Push) \
    X(0x6c, PUSH13, 13, 0, 1, Frontier, Push) X(0x6d, PUSH14, 14, 0, 1, Frontier, Push) \
    X(0x6e, PUSH15, 15, 0, 1, Frontier, Push) X(0x6f, PUSH16, 16, 0, 1, Frontier, Push) \
    X(0x70, PUSH17, 17, 0, 1, Frontier, Push) X(0x71, PUSH18, 18, 0, 1, Frontier, Push) \
    X(0x72, PUSH19, 19, 0, 1, Frontier, Push) X(0x73, PUSH20, 20, 0, 1, Frontier, Push) \
    X(0x74, PUSH21, 21, 0, 1, Frontier, Push) X(0x75, PUSH22, 22, 0, 1, Frontier, Push) \
    X(0x76, PUSH23, 23, 0, 1, Frontier, Push) X(0x77, PUSH24, 24, 0, 1, Frontier, Push) \
    X(0x78, PUSH25, 25, 0, 1, Frontier, Push) X(0x79, PUSH26, 26, 0, 1, Frontier, Push) \
    X(0x7a, PUSH27, 27, 0, 1, Frontier, Push) X(0x7b, PUSH28, 28, 0, 1, Frontier, Push) \
    X(0x7c, PUSH29, 29, 0, 1, Frontier, Push) X(0x7d, PUSH30, 30, 0, 1, Frontier, Push) \
    X(0x7e, PUSH31, 31, 0, 1, Frontier, Push) X(0x7f, PUSH32, 32, 0, 1, Frontier, Push)

#define TRAINCHAIN_OPCODES_DUP(X) \
    X(0x80, DUP1, 0, 1, 2, Frontier, DupSwap)   X(0x81, DUP2, 0, 2, 3, Frontier, DupSwap)   \
    X(0x82, DUP3, 0, 3, 4, Frontier, DupSwap)   X(0x83, DUP4, 0, 4, 5, Frontier, DupSwap)   \
    X(0x84, DUP5, 0, 5, 6, Frontier, DupSwap)   X(0x85, DUP6, 0, 6, 7, Frontier, DupSwap)   \
    X(0x86, DUP7, 0, 7, 8, Frontier, DupSwap)   X(0x87, DUP8, 0, 8, 9, Frontier, DupSwap)   \
    X(0x88, DUP9, 0, 9, 10, Frontier, DupSwap)  X(0x89, DUP10, 0, 10, 11, Frontier, DupSwap) \
    X(0x8a, DUP11, 0, 11, 12, Frontier, DupSwap) X(0x8b, DUP12, 0, 12, 13, Frontier, DupSwap) \
    X(0x8c, DUP13, 0, 13, 14, Frontier, DupSwap) X(0x8d, DUP14, 0, 14, 15, Frontier, DupSwap) \
    X(0x8e, DUP15, 0, 15, 16, Frontier, DupSwap) X(0x8f, DUP16, 0, 16, 17, Frontier, DupSwap)

#define TRAINCHAIN_OPCODES_SWAP(X) \
    X(0x90, SWAP1, 0, 2, 2, Frontier, DupSwap)  X(0x91, SWAP2, 0, 3, 3, Frontier, DupSwap)  \
    X(0x92, SWAP3, 0, 4, 4, Frontier, DupSwap)  X(0x93, SWAP4, 0, 5, 5, Frontier, DupSwap)  \
    X(0x94, SWAP5, 0, 6, 6, Frontier, DupSwap)  X(0x95, SWAP6, 0, 7, 7, Frontier, DupSwap)  \
    X(0x96, SWAP7, 0, 8, 8, Frontier, DupSwap)  X(0x97, SWAP8, 0, 9, 9, Frontier, DupSwap)  \
    X(0x98, SWAP9, 0, 10, 10, Frontier, DupSwap) X(0x99, SWAP10, 0, 11, 11, Frontier, DupSwap) \
    X(0x9a, SWAP11, 0, 12, 12, Frontier, DupSwap) X(0x9b, SWAP12, 0, 13, 13, Frontier, DupSwap) \
    X(0x9c, SWAP13, 0, 14, 14, Frontier, DupSwap) X(0x9d, SWAP14, 0, 15, 15, Frontier, DupSwap) \
    X(0x9e, SWAP15, 0, 16, 16, Frontier, DupSwap) X(0x9f, SWAP16, 0, 17, 17, Frontier, DupSwap)

#define TRAINCHAIN_OPCODES(X) \
    X(0x00, STOP, 0, 0, 0, Frontier, Halting) \
    X(0x01, ADD, 0, 2, 1, Frontier, AddSub) \
    X(0x02, MUL, 0, 2, 1, Frontier, MulDiv) \
    X(0x03, SUB, 0, 2, 1, Frontier, AddSub) \
    X(0x04, DIV, 0, 2, 1, Frontier, MulDiv) \
    X(0x05, SDIV, 0, 2, 1, Frontier, MulDiv) \
    X(0x06, MOD, 0, 2, 1, Frontier, ArithmeticOther) \
    X(0x07, SMOD, 0, 2, 1, Frontier, ArithmeticOther) \
    X(0x08, ADDMOD, 0, 3, 1, Frontier, ArithmeticOther) \
    X(0x09, MULMOD, 0, 3, 1, Frontier, ArithmeticOther) \
    X(0x0a, EXP, 0, 2, 1, Frontier, ArithmeticOther) \
    X(0x0b, SIGNEXTEND, 0, 2, 1, Frontier, ArithmeticOther) \
    X(0x10, LT, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x11, GT, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x12, SLT, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x13, SGT, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x14, EQ, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x15, ISZERO, 0, 1, 1, Frontier, ComparisonBitwise) \
    X(0x16, AND, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x17, OR, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x18, XOR, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x19, NOT, 0, 1, 1, Frontier, ComparisonBitwise) \
    X(0x1a, BYTE, 0, 2, 1, Frontier, ComparisonBitwise) \
    X(0x1b, SHL, 0, 2, 1, Constantinople, ComparisonBitwise) \
    X(0x1c, SHR, 0, 2, 1, Constantinople, ComparisonBitwise) \
    X(0x1d, SAR, 0, 2, 1, Constantinople, ComparisonBitwise) \
    X(0x20, KECCAK256, 0, 2, 1, Frontier, Keccak) \
    X(0x30, ADDRESS, 0, 0, 1, Frontier, Environment) \
    X(0x31, BALANCE, 0, 1, 1, Frontier, Balance) \
    X(0x32, ORIGIN, 0, 0, 1, Frontier, Environment) \
    X(0x33, CALLER, 0, 0, 1, Frontier, Environment) \
    X(0x34, CALLVALUE, 0, 0, 1, Frontier, Environment) \
    X(0x35, CALLDATALOAD, 0, 1, 1, Frontier, Environment) \
    X(0x36, CALLDATASIZE, 0, 0, 1, Frontier, Environment) \
    X(0x37, CALLDATACOPY, 0, 3, 0, Frontier, Environment) \
    X(0x38, CODESIZE, 0, 0, 1, Frontier, Environment) \
    X(0x39, CODECOPY, 0, 3, 0, Frontier, Environment) \
    X(0x3a, GASPRICE, 0, 0, 1, Frontier, Environment) \
    X(0x3b, EXTCODESIZE, 0, 1, 1, Frontier, Environment) \
    X(0x3c, EXTCODECOPY, 0, 4, 0, Frontier, Environment) \
    X(0x3d, RETURNDATASIZE, 0, 0, 1, Byzantium, Environment) \
    X(0x3e, RETURNDATACOPY, 0, 3, 0, Byzantium, Environment) \
    X(0x3f, EXTCODEHASH, 0, 1, 1, Constantinople, Environment) \
    X(0x40, BLOCKHASH, 0, 1, 1, Frontier, Environment) \
    X(0x41, COINBASE, 0, 0, 1, Frontier, Environment) \
    X(0x42, TIMESTAMP, 0, 0, 1, Frontier, Environment) \
    X(0x43, NUMBER, 0, 0, 1, Frontier, Environment) \
    X(0x44, PREVRANDAO, 0, 0, 1, Frontier, Environment) \
    X(0x45, GASLIMIT, 0, 0, 1, Frontier, Environment) \
    X(0x46, CHAINID, 0, 0, 1, Istanbul, Environment) \
    X(0x47, SELFBALANCE, 0, 0, 1, Istanbul, Environment) \
    X(0x48, BASEFEE, 0, 0, 1, London, Environment) \
    X(0x49, BLOBHASH, 0, 1, 1, Cancun, Environment) \
    X(0x4a, BLOBBASEFEE, 0, 0, 1, Cancun, Environment) \
    X(0x50, POP, 0, 1, 0, Frontier, Pop) \
    X(0x51, MLOAD, 0, 1, 1, Frontier, Memory) \
    X(0x52, MSTORE, 0, 2, 0, Frontier, Memory) \
    X(0x53, MSTORE8, 0, 2, 0, Frontier, Memory) \
    X(0x54, SLOAD, 0, 1, 1, Frontier, Storage) \
    X(0x55, SSTORE, 0, 2, 0, Frontier, Storage) \
    X(0x56, JUMP, 0, 1, 0, Frontier, ControlFlow) \
    X(0x57, JUMPI, 0, 2, 0, Frontier, ControlFlow) \
    X(0x58, PC, 0, 0, 1, Frontier, ControlFlow) \
    X(0x59, MSIZE, 0, 0, 1, Frontier, Memory) \
    X(0x5a, GAS, 0, 0, 1, Frontier, ControlFlow) \
    X(0x5b, JUMPDEST, 0, 0, 0, Frontier, ControlFlow) \
    X(0x5c, TLOAD, 0, 1, 1, Cancun, Storage) \
    X(0x5d, TSTORE, 0, 2, 0, Cancun, Storage) \
    X(0x5e, MCOPY, 0, 3, 0, Cancun, Memory) \
    X(0x5f, PUSH0, 0, 0, 1, Shanghai, Push) \
    TRAINCHAIN_OPCODES_PUSH(X) \
    TRAINCHAIN_OPCODES_DUP(X) \
    TRAINCHAIN_OPCODES_SWAP(X) \
    X(0xa0, LOG0, 0, 2, 0, Frontier, Logs) \
    X(0xa1, LOG1, 0, 3, 0, Frontier, Logs) \
    X(0xa2, LOG2, 0, 4, 0, Frontier, Logs) \
    X(0xa3, LOG3, 0, 5, 0, Frontier, Logs) \
    X(0xa4, LOG4, 0, 6, 0, Frontier, Logs) \
    X(0xf0, CREATE, 0, 3, 1, Frontier, Create) \
    X(0xf1, CALL, 0, 7, 1, Frontier, Calls) \
    X(0xf2, CALLCODE, 0, 7, 1, Frontier, Calls) \
    X(0xf3, RETURN, 0, 2, 0, Frontier, Halting) \
    X(0xf4, DELEGATECALL, 0, 6, 1, Homestead, Calls) \
    X(0xf5, CREATE2, 0, 4, 1, Constantinople, Create) \
    X(0xfa, STATICCALL, 0, 6, 1, Byzantium, Calls) \
    X(0xfd, REVERT, 0, 2, 0, Byzantium, Halting) \
    X(0xfe, INVALID, 0, 0, 0, Frontier, Halting) \
    X(0xff, SELFDESTRUCT, 0, 1, 0, Frontier, Halting)
// clang-format on

namespace trainchain::vm {

/// The classes the gas report sums execution gas under (reports/gas_report.hpp names them): the
/// paper's instructions (ADD, MUL, BALANCE, POP, PUSH, CREATE) each in a class of its own or with
/// the opcodes of the same cost tier, the rest by the Yellow Paper's sections.
enum class OpcodeGroup : uint8_t {
    AddSub,             ///< ADD, SUB
    MulDiv,             ///< MUL, DIV, SDIV
    ArithmeticOther,    ///< MOD .. SIGNEXTEND
    ComparisonBitwise,  ///< LT .. SAR
    Keccak,             ///< KECCAK256
    Balance,            ///< BALANCE
    Environment,        ///< the environment and block information but BALANCE
    Pop,                ///< POP
    Push,               ///< PUSH0 .. PUSH32
    DupSwap,            ///< DUP1 .. SWAP16
    Memory,             ///< MLOAD, MSTORE, MSTORE8, MSIZE, MCOPY
    Storage,            ///< SLOAD, SSTORE, TLOAD, TSTORE
    ControlFlow,        ///< JUMP, JUMPI, PC, GAS, JUMPDEST
    Logs,               ///< LOG0 .. LOG4
    Create,             ///< CREATE, CREATE2
    Calls,              ///< CALL, CALLCODE, DELEGATECALL, STATICCALL
    Halting,            ///< STOP, RETURN, REVERT, INVALID, SELFDESTRUCT
    Undefined,          ///< a byte no fork defines
};
/// How many groups there are.
inline constexpr size_t num_opcode_groups = static_cast<size_t>(OpcodeGroup::Undefined) + 1;

/// Opcode bytes by name, e.g. `Opcode::ADD`.
enum class Opcode : uint8_t {
#define TRAINCHAIN_X(byte, name, imm, in, out, since, group) name = byte,
    TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X
};

/// Static facts about one opcode byte, taken from TRAINCHAIN_OPCODES.
struct OpcodeInfo {
    std::string_view name;                       ///< mnemonic; empty for a byte that no fork defines
    uint8_t immediate_size;                      ///< bytes of immediate data following the opcode (PUSHn)
    uint8_t stack_in;                            ///< items consumed
    uint8_t stack_out;                           ///< items produced
    Fork since;                                  ///< first fork in which the opcode exists
    OpcodeGroup group = OpcodeGroup::Undefined;  ///< what the gas report counts it under
    [[nodiscard]] constexpr bool defined() const noexcept { return !name.empty(); }
};

/// The table of all 256 bytes.
inline constexpr std::array<OpcodeInfo, 256> opcode_infos = [] {
    std::array<OpcodeInfo, 256> t{};
#define TRAINCHAIN_X(byte, name, imm, in, out, since, group) \
    t[byte] = OpcodeInfo{#name, imm, in, out, Fork::since, OpcodeGroup::group};
    TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X
    return t;
}();

/// True when `op` exists in `fork`.
constexpr bool is_defined_in(uint8_t op, Fork fork) noexcept {
    const auto& info = opcode_infos[op];
    return info.defined() && info.since <= fork;
}

/// Looks a mnemonic up (case-insensitive); accepts the historical aliases SHA3, SUICIDE and
/// DIFFICULTY. std::nullopt for an unknown name.
std::optional<uint8_t> find_opcode(std::string_view mnemonic) noexcept;

}  // namespace trainchain::vm
