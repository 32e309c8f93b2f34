// vm/src/interpreter.cpp - code analysis and the dispatch loop.
//
// The loop is generated from the opcode list. Code is cut into basic blocks: a block runs to the
// next instruction that may fail other than on gas or stack, reads or charges gas beyond its base
// cost, or leaves the straight line (`ends_block`). Entering a block checks once that the gas
// covers the block's base costs and that the stack height keeps every instruction of it within
// bounds; then the block's instructions run without checks ("fast" handlers). A block that fails
// the check runs with every instruction checked on its own ("checked" handlers: charge the base
// gas from the fork's table, check the stack height against the opcode's inputs and outputs), so
// the outcome, the status and the gas are exactly those of instruction-by-instruction execution.
// Either handler calls the instruction body through `invoke`, which adapts the body's shape (see
// instructions.hpp).
#include "trainchain/vm/interpreter.hpp"

#include <pthread.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "instructions.hpp"

namespace trainchain::vm {
namespace detail {

namespace {

/// The base cost of an opcode when every fork that defines it charges the same (ADD, PUSH, DUP,
/// JUMP, ...): a constant in the dispatch block instead of a table load. -1 when it varies.
constexpr int16_t fork_invariant_cost(uint8_t op) noexcept {
    int16_t cost = -1;
    for (const auto& table : gas_tables) {
        if (table[op] < 0) continue;
        if (cost >= 0 && table[op] != cost) return -1;
        cost = table[op];
    }
    return cost;
}
static_assert(fork_invariant_cost(0x01) == 3 && fork_invariant_cost(0x31) == -1);

// ---- invoke: adapt each instruction shape to "next pc or nullptr" -----------------------------

inline code_iterator invoke(void (*f)(StackTop) noexcept, StackTop s, code_iterator pc, int64_t&,
                            ExecutionState&) noexcept {
    f(s);
    return pc + 1;
}
inline code_iterator invoke(void (*f)(StackTop, ExecutionState&) noexcept, StackTop s, code_iterator pc,
                            int64_t&, ExecutionState& state) noexcept {
    f(s, state);
    return pc + 1;
}
inline code_iterator invoke(InstrResult (*f)(StackTop, int64_t, ExecutionState&) noexcept, StackTop s,
                            code_iterator pc, int64_t& gas, ExecutionState& state) noexcept {
    const auto r = f(s, gas, state);
    gas = r.gas_left;
    if (r.status != Status::Success) {
        state.status = r.status;
        return nullptr;
    }
    return pc + 1;
}
inline code_iterator invoke(code_iterator (*f)(StackTop, ExecutionState&, code_iterator) noexcept, StackTop s,
                            code_iterator pc, int64_t&, ExecutionState& state) noexcept {
    return f(s, state, pc);
}
inline code_iterator invoke(Terminate (*f)(StackTop, int64_t, ExecutionState&) noexcept, StackTop s,
                            code_iterator, int64_t& gas, ExecutionState& state) noexcept {
    const auto r = f(s, gas, state);
    gas = r.gas_left;
    state.status = r.status;
    return nullptr;
}

// ---- basic blocks -------------------------------------------------------------------------------

/// Shapes whose instructions charge dynamic gas, read the gas, may fail other than on gas and
/// stack, or end the frame: such an instruction is the last of its block.
template <class F>
inline constexpr bool shape_ends_block = false;
template <>
inline constexpr bool shape_ends_block<InstrResult (*)(StackTop, int64_t, ExecutionState&) noexcept> = true;
template <>
inline constexpr bool shape_ends_block<Terminate (*)(StackTop, int64_t, ExecutionState&) noexcept> = true;

/// True for the opcodes that end a basic block: the shapes above and the jumps. Bytes no fork
/// defines end one too (they fail).
constexpr std::array<bool, 256> block_enders = [] {
    std::array<bool, 256> t{};
    for (auto& e : t) e = true;
#define TRAINCHAIN_X(byte, name, imm, in, out, since, group) \
    t[byte] = shape_ends_block<std::decay_t<decltype(op_##name)>> || (byte) == 0x56 || (byte) == 0x57;
    TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X
    return t;
}();
static_assert(block_enders[0x56] && block_enders[0x57] && block_enders[0x00] && block_enders[0x5a] &&
              !block_enders[0x01] && !block_enders[0x5b] && !block_enders[0x60] && !block_enders[0x58]);

}  // namespace

CodeAnalysis analyze(bytes_view code, Fork fork) {
    CodeAnalysis a;
    a.padded.assign(CodeAnalysis::front_padding, 0);
    a.padded.insert(a.padded.end(), code.begin(), code.end());
    a.padded.resize(CodeAnalysis::front_padding + code.size() + 33, 0);
    a.jumpdest.assign(code.size(), 0);
    a.fork = fork;
    std::vector<uint32_t> starts;  // instruction positions, in order
    starts.reserve(code.size());
    for (size_t i = 0; i < code.size(); ++i) {
        starts.push_back(static_cast<uint32_t>(i));
        const uint8_t op = code[i];
        if (op == static_cast<uint8_t>(Opcode::JUMPDEST))
            a.jumpdest[i] = 1;
        else if (op >= static_cast<uint8_t>(Opcode::PUSH1) && op <= static_cast<uint8_t>(Opcode::PUSH32))
            i += static_cast<size_t>(op - static_cast<uint8_t>(Opcode::PUSH1) + 1);
    }

    // Backwards, each instruction's block is itself followed by the block of the next instruction
    // unless it ends one. The implicit STOP after the code (also after a truncated PUSH) ends the
    // last block and costs nothing.
    constexpr uint32_t item = sizeof(uint256);
    a.blocks.assign(code.size() + 1, BlockInfo{0, 0, max_stack_height * item});
    const GasTable& costs = gas_table(fork);
    constexpr int64_t never = int64_t{1} << 40;       // an entry no gas or stack height can satisfy
    int64_t gas = 0, min_height = 0, max_growth = 0;  // of the block starting at the next instruction
    for (auto it = starts.rbegin(); it != starts.rend(); ++it) {
        const uint8_t op = code[*it];
        const OpcodeInfo& info = opcode_infos[op];
        const int64_t in = info.stack_in, change = int64_t{info.stack_out} - info.stack_in;
        const bool defined = costs[op] >= 0;
        if (!defined || block_enders[op]) {
            gas = defined ? costs[op] : 0;
            min_height = defined ? in : 0;
            max_growth = defined ? std::max<int64_t>(change, 0) : 0;
        } else {
            gas = std::min(gas + costs[op], never);
            min_height = std::max(in, min_height - change);
            max_growth = std::max<int64_t>(change + max_growth, 0);
        }
        const int64_t max_height = max_stack_height - max_growth;
        a.blocks[*it] = gas > INT32_MAX || min_height > max_height
                            ? BlockInfo{INT32_MAX, (max_stack_height + 1) * item, 0}
                            : BlockInfo{static_cast<int32_t>(gas), static_cast<uint32_t>(min_height) * item,
                                        static_cast<uint32_t>(max_height - min_height) * item};
    }
    return a;
}

namespace {

/// Recent analyses, per thread (no locking): keyed by a hash of the code's bytes and the fork,
/// confirmed by comparing the bytes. Hashing and comparing cost a small part of an analysis
/// (the code is read twice, word by word, instead of walked opcode by opcode and its blocks
/// costed). Keccak-256, the code hash the chain knows accounts by, would cost more than the
/// analysis itself. When the analyses held pass `max_bytes`, the cache starts over.
class AnalysisCache {
public:
    std::shared_ptr<const CodeAnalysis> get(bytes_view code, Fork fork) {
        const size_t key = std::hash<std::string_view>{}(
                               std::string_view{reinterpret_cast<const char*>(code.data()), code.size()}) ^
                           static_cast<size_t>(fork);
        for (auto [it, end] = entries_.equal_range(key); it != end; ++it) {
            const CodeAnalysis& a = *it->second;
            if (a.fork == fork && a.code().size() == code.size() &&
                (code.empty() || std::memcmp(a.code().data(), code.data(), code.size()) == 0))
                return it->second;
        }
        auto a = std::make_shared<const CodeAnalysis>(analyze(code, fork));
        const size_t cost = footprint(*a);
        if (bytes_ + cost > max_bytes) {
            entries_.clear();
            bytes_ = 0;
        }
        entries_.emplace(key, a);
        bytes_ += cost;
        return a;
    }

private:
    static size_t footprint(const CodeAnalysis& a) noexcept {
        return a.padded.capacity() + a.jumpdest.capacity() + a.blocks.capacity() * sizeof(BlockInfo);
    }
    static constexpr size_t max_bytes = size_t{32} << 20;
    std::unordered_multimap<size_t, std::shared_ptr<const CodeAnalysis>> entries_;
    size_t bytes_ = 0;
};

}  // namespace

std::shared_ptr<const CodeAnalysis> cached_analysis(bytes_view code, Fork fork) {
    thread_local AnalysisCache cache;
    return cache.get(code, fork);
}

namespace {

/// The operand stack's storage: max_stack_height words and the slot below the bottom.
struct StackSpace {
    alignas(32) unsigned char bytes[(max_stack_height + 1) * sizeof(uint256)];
};

/// A stack buffer from the thread's pool for the length of one frame.
struct StackLease {
    std::unique_ptr<StackSpace> space = BufferPool<StackSpace>::take();
    /// Slot 0 of the stack.
    [[nodiscard]] uint256* bottom() const noexcept { return reinterpret_cast<uint256*>(space->bytes); }
    StackLease() = default;
    StackLease(const StackLease&) = delete;
    StackLease& operator=(const StackLease&) = delete;
    ~StackLease() { BufferPool<StackSpace>::give(std::move(space)); }
};

/// The dispatch loop over the operand stack whose slot 0 is at `bottom` (one slot below the
/// stack's first item, so that the empty stack's top pointer stays in bounds; every slot is
/// written by a push before it is read). Returns the gas left; the outcome is in state.status.
///
/// Dispatch is threaded (GCC's computed goto): every opcode's handler ends in its own indirect
/// jump to the next opcode, which the branch predictor learns far better than one shared switch.
/// Each opcode has two handlers. The checked one charges the base gas from the fork's table and
/// checks the stack height against the opcode's constant inputs and outputs; the fast one does
/// neither, because entering its block did both for the whole block (see the file comment).
/// Opcodes the fork lacks jump straight to the undefined-instruction exit. An instruction that
/// ends a block picks the handlers for the next block (TRAINCHAIN_ENTER_BLOCK). `Traced` adds
/// one call to the host's tracer per instruction, before its charge, and runs every instruction
/// checked (the tracer sees the gas before each one); the untraced instantiation is the plain loop.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
template <bool Traced>
int64_t run(ExecutionState& state, int64_t gas, uint256* const bottom) noexcept {
    const GasTable& costs = gas_table(state.fork);
    uint256* sp = bottom;
    const code_iterator code_begin = state.code_begin;
    code_iterator pc = code_begin;
    const BlockInfo* const blocks = state.blocks;

    // Handlers by opcode byte; bytes that no fork defines go to the undefined-instruction exit,
    // and the handlers of opcodes newer than Frontier check the fork's table before running.
    // Label addresses only exist inside this function, so the tables are filled on first use;
    // relaxed atomics make concurrent first uses (identical stores) well-defined and cost
    // nothing on x86. Static, so a deep call chain does not pay for the tables per frame.
    static std::atomic<void*> fast[256];
    static std::atomic<void*> checked[256];
    static std::atomic<bool> targets_ready{false};
    if (!targets_ready.load(std::memory_order_acquire)) {
        for (auto& t : fast) t.store(&&undefined_byte, std::memory_order_relaxed);
        for (auto& t : checked) t.store(&&undefined_byte, std::memory_order_relaxed);
#define TRAINCHAIN_X(byte, name, imm, in, out, since, group)    \
    fast[byte].store(&&fast_##name, std::memory_order_relaxed); \
    checked[byte].store(&&checked_##name, std::memory_order_relaxed);
        TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X
        targets_ready.store(true, std::memory_order_release);
    }
#define TRAINCHAIN_DISPATCH(table) goto* table[*pc].load(std::memory_order_relaxed)

    // Entering the block at pc: unchecked when it fits, checked otherwise. Expanded in every
    // handler that ends a block, so that each has its own indirect jumps for the predictor.
#define TRAINCHAIN_ENTER_BLOCK()                                                                       \
    do {                                                                                               \
        if constexpr (!Traced) {                                                                       \
            const BlockInfo& b = blocks[pc - code_begin];                                              \
            /* One unsigned comparison: below min_bytes the difference wraps past span_bytes. */       \
            const auto height = static_cast<uint32_t>(reinterpret_cast<const unsigned char*>(sp) -     \
                                                      reinterpret_cast<const unsigned char*>(bottom)); \
            if (gas >= b.gas && height - b.min_bytes <= b.span_bytes) {                                \
                gas -= b.gas; /* a JUMPDEST does nothing but cost 1, which b.gas holds: skip it */     \
                pc += *pc == static_cast<uint8_t>(Opcode::JUMPDEST);                                   \
                TRAINCHAIN_DISPATCH(fast);                                                             \
            }                                                                                          \
        }                                                                                              \
        TRAINCHAIN_DISPATCH(checked);                                                                  \
    } while (false)

    TRAINCHAIN_ENTER_BLOCK();

#define TRAINCHAIN_X(byte, name, imm, in, out, since, group)                            \
    checked_##name : {                                                                  \
        if constexpr (Traced) state.tracer->on_instruction(byte, gas);                  \
        if constexpr (Fork::since != Fork::Frontier)                                    \
            if (costs[byte] < 0) goto undefined;                                        \
        if constexpr (fork_invariant_cost(byte) >= 0)                                   \
            gas -= fork_invariant_cost(byte);                                           \
        else                                                                            \
            gas -= costs[byte];                                                         \
        if (gas < 0) goto out_of_gas;                                                   \
        if constexpr ((in) > 0)                                                         \
            if (sp < bottom + (in)) goto stack_underflow;                               \
        if constexpr ((out) > (in))                                                     \
            if (sp > bottom + (max_stack_height - ((out) - (in)))) goto stack_overflow; \
        pc = invoke(op_##name, StackTop{sp}, pc, gas, state);                           \
        if (pc == nullptr) return gas;                                                  \
        sp += (out) - (in);                                                             \
        if constexpr (block_enders[byte]) TRAINCHAIN_ENTER_BLOCK();                     \
        TRAINCHAIN_DISPATCH(checked);                                                   \
    }                                                                                   \
    fast_##name : {                                                                     \
        if constexpr (Fork::since != Fork::Frontier)                                    \
            if (costs[byte] < 0) goto undefined;                                        \
        pc = invoke(op_##name, StackTop{sp}, pc, gas, state);                           \
        if (pc == nullptr) return gas;                                                  \
        sp += (out) - (in);                                                             \
        if constexpr (block_enders[byte]) TRAINCHAIN_ENTER_BLOCK();                     \
        TRAINCHAIN_DISPATCH(fast);                                                      \
    }
    TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X

undefined_byte:  // a byte no fork defines: no opcode block reported it
    if constexpr (Traced) state.tracer->on_instruction(*pc, gas);
undefined:
    state.status = Status::UndefinedInstruction;
    return gas;
out_of_gas:
    state.status = Status::OutOfGas;
    return gas;
stack_underflow:
    state.status = Status::StackUnderflow;
    return gas;
stack_overflow:
    state.status = Status::StackOverflow;
    return gas;
#undef TRAINCHAIN_ENTER_BLOCK
#undef TRAINCHAIN_DISPATCH
}
#pragma GCC diagnostic pop

}  // namespace
}  // namespace detail

namespace {

Result execute_here(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept {
    // Init code usually runs once: analysed, not cached.
    const bool once = msg.kind == CallKind::Create || msg.kind == CallKind::Create2;
    const std::shared_ptr<const detail::CodeAnalysis> analysis =
        once ? std::make_shared<const detail::CodeAnalysis>(detail::analyze(code, fork))
             : detail::cached_analysis(code, fork);
    detail::ExecutionState state{host, fork, msg, *analysis};
    // Taken here rather than in the loop, which then has no cleanup to run on its many exits.
    const detail::StackLease stack;
    // The traced loop is a separate instantiation, so the untraced one has no tracer checks.
    const int64_t gas_left = state.tracer != nullptr ? detail::run<true>(state, msg.gas, stack.bottom())
                                                     : detail::run<false>(state, msg.gas, stack.bottom());

    Result r;
    r.status = state.status;
    switch (state.status) {
        case Status::Success:
            r.gas_left = gas_left;
            r.gas_refund = state.gas_refund;
            r.output = std::move(state.output);
            break;
        case Status::Revert:
            r.gas_left = gas_left;
            r.output = std::move(state.output);
            break;
        default:
            break;  // exceptional halt: all gas consumed, no output, no refund
    }
    return r;
}

/// Nested frames recurse on the native stack (interpreter -> host -> interpreter). A chain of
/// 1024 frames needs a few MB (tens of MB under AddressSanitizer), more than a thread may have,
/// so every `frames_per_stack` levels the chain continues on a fresh thread with its own large
/// stack (virtual memory, committed only as used) while the caller waits. Ordinary contracts never
/// get that deep and never pay for it.
constexpr int32_t frames_per_stack = 128;
constexpr size_t segment_stack_bytes = size_t{64} << 20;

struct Segment {
    Host& host;
    Fork fork;
    const Message& msg;
    bytes_view code;
    Result result;
};

void* run_segment(void* arg) noexcept {
    auto* s = static_cast<Segment*>(arg);
    s->result = execute_here(s->host, s->fork, s->msg, s->code);
    return nullptr;
}

Result execute_on_new_stack(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept {
    Segment segment{host, fork, msg, code, {}};
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return {Status::Failure, 0, 0, {}, {}};
    pthread_t thread;
    const bool started = pthread_attr_setstacksize(&attr, segment_stack_bytes) == 0 &&
                         pthread_create(&thread, &attr, run_segment, &segment) == 0;
    pthread_attr_destroy(&attr);
    // Without a thread (resources exhausted) the frame fails like any other exceptional halt.
    if (!started || pthread_join(thread, nullptr) != 0) return {Status::Failure, 0, 0, {}, {}};
    return std::move(segment.result);
}

}  // namespace

Result execute(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept {
    if (static_cast<int>(fork) >= num_forks) return {Status::Failure, 0, 0, {}, {}};  // not a Fork value
    if (msg.depth > 0 && msg.depth % frames_per_stack == 0)
        return execute_on_new_stack(host, fork, msg, code);
    return execute_here(host, fork, msg, code);
}

}  // namespace trainchain::vm
