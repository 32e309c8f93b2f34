// vm/src/execution_state.hpp - per-frame interpreter state and the stack view instructions use.
#pragma once

#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <vector>

#include "trainchain/vm/gas.hpp"
#include "trainchain/vm/host.hpp"
#include "trainchain/vm/tracer.hpp"

namespace trainchain::vm::detail {

/// Buffers a frame needs, kept per thread for the next frame so that a call allocates nothing
/// once the thread has run one as deep: `take` hands out a free buffer (or a new one) and `give`
/// takes it back. Frames nest, so each frame holds its own until it ends.
template <class Buffer>
class BufferPool {
public:
    /// A free buffer, or a new one.
    static std::unique_ptr<Buffer> take() {
        auto& free = free_list();
        if (free.empty()) return std::make_unique<Buffer>();
        auto b = std::move(free.back());
        free.pop_back();
        return b;
    }
    /// Returns a buffer for later frames; dropped if the list cannot grow.
    static void give(std::unique_ptr<Buffer> b) noexcept {
        try {
            free_list().push_back(std::move(b));
        } catch (const std::bad_alloc&) {
        }
    }

private:
    static std::vector<std::unique_ptr<Buffer>>& free_list() noexcept {
        thread_local std::vector<std::unique_ptr<Buffer>> free;
        return free;
    }
};

/// The frame's memory: grows in 32-byte words, zero-filled. Its buffer comes from the thread's
/// pool and goes back to it with its capacity (up to `max_kept_capacity`).
class Memory {
public:
    Memory() : data_{BufferPool<std::vector<uint8_t>>::take()} { data_->clear(); }
    ~Memory() {
        if (data_->capacity() <= max_kept_capacity) BufferPool<std::vector<uint8_t>>::give(std::move(data_));
    }
    Memory(const Memory&) = delete;
    Memory& operator=(const Memory&) = delete;

    [[nodiscard]] size_t size() const noexcept { return data_->size(); }
    uint8_t* data() noexcept { return data_->data(); }
    void grow(size_t new_size) { data_->resize(new_size, 0); }

    /// A buffer that grew past this is freed rather than kept for the next frame, so that a thread
    /// keeps at most this much per frame of its deepest call chain (contracts rarely use more).
    static constexpr size_t max_kept_capacity = size_t{64} << 10;

private:
    std::unique_ptr<std::vector<uint8_t>> data_;
};

/// What entering a basic block at one code position needs: the block runs from there to the next
/// instruction that ends a block (see `ends_block` in interpreter.cpp). With this much gas and a
/// stack height in the given range no instruction of the block can fail on gas or stack, so the
/// interpreter charges the block's base costs at once and runs its instructions unchecked.
struct BlockInfo {
    int32_t gas;  ///< the sum of the block's base costs in the fork
    /// The least stack height at entry for which no instruction underflows, in bytes (32 per item).
    uint32_t min_bytes;
    /// How many bytes of stack above min_bytes the entry height may be without an instruction
    /// overflowing. A block that can never run unchecked has min_bytes above any height.
    uint32_t span_bytes;
};

/// Jump destinations, block entries and the zero-padded copy of the code the interpreter walks,
/// for one fork.
struct CodeAnalysis {
    /// Zero bytes before the code, so that PUSH can load whole 8-byte words ending at its last
    /// immediate byte without reading outside the buffer.
    static constexpr size_t front_padding = 8;
    std::vector<uint8_t> padded;    ///< front padding, code, then 33 zero bytes (PUSH32 + STOP)
    std::vector<uint8_t> jumpdest;  ///< 1 where a JUMPDEST opcode (not PUSH data) is
    /// Indexed by code position, size code.size() + 1 (the implicit STOP at the end): valid where a
    /// block can be entered (the start, every JUMPDEST, and after every instruction that ends one).
    std::vector<BlockInfo> blocks;
    Fork fork = Fork::Frontier;  ///< the fork whose gas table priced the blocks

    /// The first byte of the code inside `padded`.
    [[nodiscard]] const uint8_t* begin() const noexcept { return padded.data() + front_padding; }
    /// The code itself (the analysis' own copy).
    [[nodiscard]] bytes_view code() const noexcept { return {begin(), jumpdest.size()}; }
};

/// Analyses `code` for `fork` (block costs come from the fork's gas table).
CodeAnalysis analyze(bytes_view code, Fork fork);

/// The analysis of `code` for `fork` from the thread's cache of recent analyses (keyed by the
/// code's bytes and the fork), analysing it on a miss. The analysis holds its own copy of the code.
std::shared_ptr<const CodeAnalysis> cached_analysis(bytes_view code, Fork fork);

/// Everything one frame's instructions read or write besides the stack and the gas counter.
struct ExecutionState {
    ExecutionState(Host& h, Fork f, const Message& m, const CodeAnalysis& a)
        : host{h},
          fork{f},
          params{gas_params(f)},
          msg{m},
          code{a.code()},
          code_begin{a.begin()},
          jumpdest{a.jumpdest.data()},
          blocks{a.blocks.data()},
          tracer{h.tracer()} {}

    Host& host;
    Fork fork;
    GasParams params;
    const Message& msg;
    bytes_view code;            ///< the code (the analysis' copy), for CODECOPY/CODESIZE
    const uint8_t* code_begin;  ///< the code inside the analysis' padded buffer
    const uint8_t* jumpdest;    ///< the analysis' JUMPDEST map
    const BlockInfo* blocks;    ///< the analysis' block entries
    Tracer* tracer;             ///< the host's tracer, if any
    Memory memory;
    bytes return_data;  ///< output of the last nested call
    bytes output;       ///< this frame's RETURN/REVERT data
    Status status = Status::Success;
    int64_t gas_refund = 0;
    std::optional<TxContext> tx;  ///< fetched from the host on first use

    const TxContext& tx_context() {
        if (!tx) tx = host.get_tx_context();
        return *tx;
    }
};

/// A view of the operand stack at its top; instructions pop and push on a local copy, and the
/// dispatcher moves the real stack pointer by the opcode's net stack change afterwards.
class StackTop {
public:
    explicit StackTop(uint256* top) noexcept : top_{top} {}
    /// The item `i` places below the top (0 = top).
    [[nodiscard]] uint256& operator[](int i) noexcept { return top_[-i]; }
    [[nodiscard]] uint256& top() noexcept { return *top_; }
    uint256& pop() noexcept { return *top_--; }
    void push(const uint256& v) noexcept { *++top_ = v; }

private:
    uint256* top_;
};

/// The result of an instruction that can fail or consume dynamic gas.
struct InstrResult {
    Status status;
    int64_t gas_left;
};

/// Memory cost of `words` 32-byte words: 3w + w^2/512.
inline int64_t memory_cost(const GasParams& p, int64_t words) noexcept {
    return p.memory_word * words + words * words / p.memory_quad_divisor;
}

/// Memory offsets and sizes must stay below 2^32. Expanding memory to 2^32 bytes costs about
/// 3.6e13 gas, so the cap changes nothing for any gas limit below that (Ethereum's blocks hold
/// 3e7); above it the VM answers out of gas rather than allocate gigabytes, as evmone does.
inline constexpr uint64_t max_buffer = uint64_t{1} << 32;

/// Expands memory to cover [offset, offset + size), charging the expansion. Returns the new gas
/// left (negative means out of gas). A zero size never expands.
inline int64_t grow_memory(ExecutionState& state, int64_t gas, uint64_t offset, uint64_t size) noexcept {
    const uint64_t end = offset + size;  // both < 2^32, no overflow
    if (end <= state.memory.size()) return gas;
    const auto new_words = static_cast<int64_t>((end + 31) / 32);
    const auto old_words = static_cast<int64_t>(state.memory.size() / 32);
    gas -= memory_cost(state.params, new_words) - memory_cost(state.params, old_words);
    if (gas < 0) return gas;
    try {
        state.memory.grow(static_cast<size_t>(new_words) * 32);
    } catch (const std::bad_alloc&) {
        return -1;  // the machine cannot hold what the gas paid for: out of gas, not a crash
    }
    return gas;
}

/// Checks a (offset, size) pair taken off the stack and grows memory for it. Returns false when
/// the region cannot be paid for.
inline bool check_memory(ExecutionState& state, int64_t& gas, const uint256& offset,
                         const uint256& size) noexcept {
    if (!size) return true;
    if (!(offset < max_buffer) || !(size < max_buffer)) return false;
    gas = grow_memory(state, gas, offset.w[0], size.w[0]);
    return gas >= 0;
}

/// Words needed to hold `size` bytes.
inline int64_t num_words(uint64_t size) noexcept { return static_cast<int64_t>((size + 31) / 32); }

}  // namespace trainchain::vm::detail
