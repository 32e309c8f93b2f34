// compiler/src/assembly.hpp - EVM assembly as a list of items with symbolic labels, the
// peephole optimizer over it, and the assembler that resolves labels into bytecode and writes the
// listing with source positions.
#pragma once

#include <string>
#include <vector>

#include "source.hpp"
#include "trainchain/vm/host.hpp"
#include "trainchain/vm/uint256.hpp"

namespace trainchain::compiler {

/// One assembly item.
struct AsmItem {
    enum class Kind {
        Op,               ///< `opcode` (not PUSH)
        Push,             ///< PUSH of `value` (the smallest PUSHn, PUSH0 where the target has it)
        PushLabel,        ///< PUSH2 of the offset of `label`
        Label,            ///< JUMPDEST that `label` names
        PushData,         ///< PUSH2 of the offset of data blob `label`
        PushDataSize,     ///< PUSH2 of the size of data blob `label`
        PushProgramSize,  ///< PUSH2 of the size of the whole program, data included
        PushImmutable,    ///< PUSH32 placeholder for immutable number `label`
    };
    Kind kind = Kind::Op;
    uint8_t opcode = 0;
    vm::uint256 value;
    size_t label = 0;
    Location loc;
};

/// A program: items plus data blobs appended after the code (embedded contract code).
struct Assembly {
    std::vector<AsmItem> items;
    std::vector<vm::bytes> data;
    size_t label_count = 0;

    size_t new_label() { return label_count++; }
};

/// The output of assembling.
struct Assembled {
    vm::bytes code;
    /// Byte offsets of each immutable placeholder's 32 bytes: immutable_offsets[i] lists those of
    /// immutable i.
    std::vector<std::vector<size_t>> immutable_offsets;
    std::string listing;
};

/// Rewrites `assembly` with peephole rules until nothing changes: constant folding, removal of
/// code after terminators, jump threading, jumps to the next item, redundant stack shuffles; then
/// long constants written as shorter code (`PUSH1 0x1f NOT` for ~31).
void optimize(Assembly& assembly);

/// Resolves labels and data offsets. `file` labels positions in the listing. Fails (returns
/// false, message in `error`) when the code exceeds what 2-byte offsets can address.
bool assemble(const Assembly& assembly, size_t immutable_count, const std::string& file, Assembled& out,
              std::string& error);

}  // namespace trainchain::compiler
