// vm/include/trainchain/vm/tracer.hpp - watching execution: a Tracer sees every frame and every
// instruction, and GasProfile attributes a transaction's gas to the opcodes that spent it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "trainchain/vm/host.hpp"

namespace trainchain::vm {

/// Observes execution. The host reports frames: `on_frame_enter` before a frame (the outermost one
/// of a transaction, a nested call or creation, a precompile) and `on_frame_exit` with its result;
/// the interpreter reports each instruction before charging its gas. A tracer is installed on a
/// host (InMemoryHost::set_tracer); the interpreter runs a separate, traced instantiation of its
/// loop only then, so untraced execution pays nothing for it.
class Tracer {
public:
    virtual ~Tracer() = default;
    /// A frame starts; `precompile` is the precompile number when the callee is one, else 0.
    virtual void on_frame_enter(const Message& msg, uint8_t precompile) noexcept = 0;
    /// An instruction is about to be charged and run, with `gas_left` before its charge.
    virtual void on_instruction(uint8_t opcode, int64_t gas_left) noexcept = 0;
    /// A creation's code deposit (200 gas per byte) was charged after its init code returned.
    virtual void on_code_deposit(int64_t gas) noexcept = 0;
    /// The frame entered last ends with `result` (its gas_left after any code deposit).
    virtual void on_frame_exit(const Result& result) noexcept = 0;
};

/// How often something ran and the gas it spent.
struct GasUse {
    uint64_t count = 0;  ///< executions
    int64_t gas = 0;     ///< gas charged to them
    /// Adds another count and its gas.
    GasUse& operator+=(const GasUse& o) noexcept {
        count += o.count;
        gas += o.gas;
        return *this;
    }
};

/// A Tracer that attributes gas exclusively: each instruction is charged what the frame's gas fell
/// by from its start to the next instruction (or the frame's end), minus what the frames it
/// started consumed, which are counted in their own instructions. Memory expansion, cold-access
/// surcharges, SSTORE's rules and a CALL's value and new-account costs therefore land on the
/// instruction that caused them, except the 2,300 stipend a value transfer hands to its callee:
/// the CALL keeps 9,000 - 2,300 and what the callee spends of the stipend counts in the callee.
/// A failing instruction is charged the gas its frame lost. The
/// parts of all outermost frames add up exactly to their gas used, so for a transaction
///   receipt.gas_used == receipt.intrinsic_gas + total() - receipt.gas_refund.
class GasProfile final : public Tracer {
public:
    std::array<GasUse, 256> opcodes{};      ///< by opcode byte
    std::map<uint8_t, GasUse> precompiles;  ///< by precompile number: calls and their gas
    GasUse code_deposit;                    ///< creations' code deposits (count = creations)
    GasUse other;                           ///< frames that ran no code (collisions, transfers)

    /// The sum of everything attributed.
    [[nodiscard]] int64_t total() const noexcept;
    /// Forgets everything counted, open frames included.
    void clear() noexcept;
    /// Adds another profile's counts.
    GasProfile& operator+=(const GasProfile& other_profile) noexcept;

    /// Opens a frame (its gas, and whether it is a precompile).
    void on_frame_enter(const Message& msg, uint8_t precompile) noexcept override;
    /// Charges the frame's previous instruction and starts counting this one.
    void on_instruction(uint8_t opcode, int64_t gas_left) noexcept override;
    /// Notes the code deposit of the frame that is ending.
    void on_code_deposit(int64_t gas) noexcept override;
    /// Charges the last instruction (or the precompile), and the frame's use to its caller.
    void on_frame_exit(const Result& result) noexcept override;

private:
    struct Frame {
        int64_t msg_gas = 0;      ///< gas the frame started with
        int op = -1;              ///< the instruction running, -1 before the first
        int64_t gas_at_op = 0;    ///< gas left when it started
        int64_t callee_used = 0;  ///< consumed by frames it started
        int64_t deposit = 0;      ///< its code deposit, if it is a creation
        uint8_t precompile = 0;   ///< the precompile it calls, 0 for code
    };
    void close_instruction(Frame& f, int64_t gas_left) noexcept;
    std::vector<Frame> frames_;
};

}  // namespace trainchain::vm
