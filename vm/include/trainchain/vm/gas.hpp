// vm/include/trainchain/vm/gas.hpp - Ethereum gas schedules, one table per fork.
//
// Each fork's table starts as a copy of its predecessor's and overrides what the fork changed,
// exactly as the Ethereum protocol evolved. A negative cost marks an opcode the fork lacks. The
// static_assert sweep at the bottom ties the tables to the opcode list in opcodes.hpp.
#pragma once

#include <array>
#include <cstdint>

#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/opcodes.hpp"

namespace trainchain::vm {

/// Base (static) gas cost of each opcode byte in one fork; -1 means undefined in that fork.
using GasTable = std::array<int16_t, 256>;

/// How SSTORE is priced.
enum class SstoreRule : uint8_t {
    Legacy,       ///< Frontier .. Byzantium, Petersburg: on the previous value alone
    NetMetering,  ///< EIP-1283 (Constantinople), EIP-2200 (Istanbul on): on original, current, new
};

/// The dynamic parts of a fork's schedule: costs that depend on operands or state.
struct GasParams {
    SstoreRule sstore_rule = SstoreRule::Legacy;  ///< which SSTORE pricing applies
    int64_t sstore_noop = 0;                      ///< net metering: a no-op or dirty write (SLOAD_GAS)
    bool sstore_stipend_check = false;            ///< EIP-2200: SSTORE with gas left <= 2300 fails
    bool access_lists = false;                    ///< EIP-2929: warm/cold accounts and storage slots
    int64_t cold_sload = 2100;                    ///< EIP-2929: first access to a storage slot
    int64_t cold_account = 2600;                  ///< EIP-2929: first access to an account
    int64_t warm_access = 100;                    ///< EIP-2929: any later access
    int64_t create2_word = 6;                     ///< CREATE2: hashing the init code, per word
    int64_t initcode_word = 0;                    ///< EIP-3860: CREATE/CREATE2 per word of init code
    size_t max_initcode_size = 0;                 ///< EIP-3860: 0 means no limit
    size_t max_code_size = 0;                     ///< EIP-170: 0 means no limit
    bool reject_ef_code = false;                  ///< EIP-3541: created code may not start with 0xEF
    bool selfdestruct_same_tx_only = false;       ///< EIP-6780: only accounts created in this tx vanish
    bool empty_is_dead = false;                   ///< EIP-161: an empty account counts as absent
    int64_t exp_byte = 10;                        ///< EXP, per significant byte of the exponent
    int64_t sstore_set = 20000;                   ///< SSTORE zero -> non-zero
    int64_t sstore_reset = 5000;                  ///< SSTORE any other change or no-op
    int64_t sstore_clear_refund = 15000;          ///< refund for SSTORE non-zero -> zero
    int64_t selfdestruct_refund = 24000;          ///< refund for the first SELFDESTRUCT of an account
    int64_t call_value = 9000;                    ///< CALL/CALLCODE with non-zero value
    int64_t call_stipend = 2300;                  ///< gas given to the callee on a value transfer
    int64_t new_account = 25000;                  ///< CALL creating an account
    int64_t create_data_byte = 200;               ///< code deposit per byte of created code
    int64_t memory_word = 3;                      ///< linear memory cost per 32-byte word
    int64_t memory_quad_divisor = 512;            ///< quadratic memory cost divisor
    int64_t copy_word = 3;                        ///< *COPY per word copied
    int64_t keccak_word = 6;                      ///< KECCAK256 per word hashed
    int64_t log_topic = 375;                      ///< LOGn per topic
    int64_t log_data_byte = 8;                    ///< LOGn per data byte
    bool create_oog_fails = false;                ///< Homestead: code deposit out of gas fails the CREATE
};

namespace detail {

constexpr GasTable frontier_table() noexcept {
    GasTable t{};
    for (auto& c : t) c = -1;
    for (int op = 0x60; op <= 0x9f; ++op) t[static_cast<size_t>(op)] = 3;  // PUSHn, DUPn, SWAPn
    using enum Opcode;
    auto set = [&t](Opcode op, int16_t cost) { t[static_cast<uint8_t>(op)] = cost; };
    set(STOP, 0);
    set(ADD, 3), set(MUL, 5), set(SUB, 3), set(DIV, 5), set(SDIV, 5), set(MOD, 5), set(SMOD, 5);
    set(ADDMOD, 8), set(MULMOD, 8), set(EXP, 10), set(SIGNEXTEND, 5);
    set(LT, 3), set(GT, 3), set(SLT, 3), set(SGT, 3), set(EQ, 3), set(ISZERO, 3);
    set(AND, 3), set(OR, 3), set(XOR, 3), set(NOT, 3), set(BYTE, 3);
    set(KECCAK256, 30);
    set(ADDRESS, 2), set(BALANCE, 20), set(ORIGIN, 2), set(CALLER, 2), set(CALLVALUE, 2);
    set(CALLDATALOAD, 3), set(CALLDATASIZE, 2), set(CALLDATACOPY, 3), set(CODESIZE, 2);
    set(CODECOPY, 3), set(GASPRICE, 2), set(EXTCODESIZE, 20), set(EXTCODECOPY, 20);
    set(BLOCKHASH, 20), set(COINBASE, 2), set(TIMESTAMP, 2), set(NUMBER, 2);
    set(PREVRANDAO, 2), set(GASLIMIT, 2);
    set(POP, 2), set(MLOAD, 3), set(MSTORE, 3), set(MSTORE8, 3), set(SLOAD, 50), set(SSTORE, 0);
    set(JUMP, 8), set(JUMPI, 10), set(PC, 2), set(MSIZE, 2), set(GAS, 2), set(JUMPDEST, 1);
    set(LOG0, 375), set(LOG1, 750), set(LOG2, 1125), set(LOG3, 1500), set(LOG4, 1875);
    set(CREATE, 32000), set(CALL, 40), set(CALLCODE, 40), set(RETURN, 0);
    set(INVALID, 0), set(SELFDESTRUCT, 0);
    return t;
}

constexpr GasTable with(GasTable t, std::initializer_list<std::pair<Opcode, int16_t>> changes) noexcept {
    for (const auto& [op, cost] : changes) t[static_cast<uint8_t>(op)] = cost;
    return t;
}

using enum Opcode;
inline constexpr GasTable frontier = frontier_table();
inline constexpr GasTable homestead = with(frontier, {{DELEGATECALL, 40}});
// EIP-150: IO-heavy operations repriced.
inline constexpr GasTable tangerine_whistle = with(homestead, {{BALANCE, 400},
                                                               {EXTCODESIZE, 700},
                                                               {EXTCODECOPY, 700},
                                                               {SLOAD, 200},
                                                               {CALL, 700},
                                                               {CALLCODE, 700},
                                                               {DELEGATECALL, 700},
                                                               {SELFDESTRUCT, 5000}});
inline constexpr GasTable spurious_dragon = tangerine_whistle;
inline constexpr GasTable byzantium =
    with(spurious_dragon, {{RETURNDATASIZE, 2}, {RETURNDATACOPY, 3}, {STATICCALL, 700}, {REVERT, 0}});
inline constexpr GasTable constantinople =
    with(byzantium, {{SHL, 3}, {SHR, 3}, {SAR, 3}, {EXTCODEHASH, 400}, {CREATE2, 32000}});
inline constexpr GasTable petersburg = constantinople;
// EIP-1884 repricing, EIP-1344 CHAINID, EIP-1884 SELFBALANCE.
inline constexpr GasTable istanbul =
    with(petersburg, {{BALANCE, 700}, {EXTCODEHASH, 700}, {SLOAD, 800}, {CHAINID, 2}, {SELFBALANCE, 5}});
// EIP-2929: the static part is the warm access cost; cold surcharges are dynamic.
inline constexpr GasTable berlin = with(istanbul, {{BALANCE, 100},
                                                   {EXTCODESIZE, 100},
                                                   {EXTCODECOPY, 100},
                                                   {EXTCODEHASH, 100},
                                                   {SLOAD, 100},
                                                   {CALL, 100},
                                                   {CALLCODE, 100},
                                                   {DELEGATECALL, 100},
                                                   {STATICCALL, 100}});
inline constexpr GasTable london = with(berlin, {{BASEFEE, 2}});
inline constexpr GasTable paris = london;
inline constexpr GasTable shanghai = with(paris, {{PUSH0, 2}});
inline constexpr GasTable cancun =
    with(shanghai, {{TLOAD, 100}, {TSTORE, 100}, {MCOPY, 3}, {BLOBHASH, 3}, {BLOBBASEFEE, 2}});

}  // namespace detail

/// Base gas costs of every fork, indexed by `Fork`.
inline constexpr std::array<GasTable, num_forks> gas_tables = {
    detail::frontier,        detail::homestead, detail::tangerine_whistle,
    detail::spurious_dragon, detail::byzantium, detail::constantinople,
    detail::petersburg,      detail::istanbul,  detail::berlin,
    detail::london,          detail::paris,     detail::shanghai,
    detail::cancun,
};

/// The base gas table of one fork.
constexpr const GasTable& gas_table(Fork fork) noexcept { return gas_tables[static_cast<size_t>(fork)]; }

/// The dynamic gas parameters of one fork.
constexpr GasParams gas_params(Fork fork) noexcept {
    GasParams p;
    if (fork >= Fork::Homestead) p.create_oog_fails = true;
    if (fork >= Fork::SpuriousDragon) {
        p.exp_byte = 50;          // EIP-160
        p.max_code_size = 24576;  // EIP-170
        p.empty_is_dead = true;   // EIP-161
    }
    if (fork == Fork::Constantinople) {  // EIP-1283, withdrawn in Petersburg
        p.sstore_rule = SstoreRule::NetMetering;
        p.sstore_noop = 200;
    }
    if (fork >= Fork::Istanbul) {  // EIP-2200
        p.sstore_rule = SstoreRule::NetMetering;
        p.sstore_noop = 800;
        p.sstore_stipend_check = true;
    }
    if (fork >= Fork::Berlin) {  // EIP-2929
        p.access_lists = true;
        p.sstore_noop = p.warm_access;
        p.sstore_reset = 5000 - p.cold_sload;
    }
    if (fork >= Fork::London) {  // EIP-3529, EIP-3541
        p.sstore_clear_refund =
            p.sstore_reset + 1900;  // 4800: SSTORE_RESET_GAS + ACCESS_LIST_STORAGE_KEY_COST
        p.selfdestruct_refund = 0;
        p.reject_ef_code = true;
    }
    if (fork >= Fork::Shanghai) {  // EIP-3860
        p.initcode_word = 2;
        p.max_initcode_size = 2 * 24576;
    }
    if (fork >= Fork::Cancun) p.selfdestruct_same_tx_only = true;  // EIP-6780
    return p;
}

namespace detail {
/// The sweep: an opcode has a cost in a fork exactly when the opcode list says it exists there.
constexpr bool gas_tables_consistent() noexcept {
    for (int f = 0; f < num_forks; ++f) {
        for (int op = 0; op < 256; ++op) {
            const bool has_cost = gas_tables[static_cast<size_t>(f)][static_cast<size_t>(op)] >= 0;
            if (has_cost != is_defined_in(static_cast<uint8_t>(op), static_cast<Fork>(f))) return false;
        }
    }
    return true;
}
/// A fork never removes an opcode its predecessor had.
constexpr bool forks_only_add_opcodes() noexcept {
    for (int f = 1; f < num_forks; ++f)
        for (size_t op = 0; op < 256; ++op)
            if (gas_tables[static_cast<size_t>(f) - 1][op] >= 0 && gas_tables[static_cast<size_t>(f)][op] < 0)
                return false;
    return true;
}
}  // namespace detail

static_assert(detail::gas_tables_consistent(), "gas tables disagree with the opcode list");
static_assert(detail::forks_only_add_opcodes(), "a fork dropped an opcode");
static_assert(gas_table(Fork::Petersburg)[static_cast<uint8_t>(Opcode::BALANCE)] == 400,
              "the paper's Table 4 prices BALANCE at 400 (EIP-150 .. Petersburg)");

}  // namespace trainchain::vm
