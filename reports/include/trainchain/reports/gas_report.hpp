// reports/include/trainchain/reports/gas_report.hpp - the paper's gas-cost analysis (section 4.1,
// Tables 4 and 5, equations (1) and (2)) three ways: as printed, with every printed figure next to
// what its own arithmetic and its stated counts give; the paper's model recomputed for any node
// count, cycle count, prices and fork; and measured on a real run of our contracts on our VM,
// by contract, function and opcode class, with the proof of work also mined on-chain.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "trainchain/runtime/store.hpp"
#include "trainchain/vm/tracer.hpp"

namespace trainchain::reports {

/// What to model and what to measure.
struct GasReportOptions {
    uint32_t nodes = 100;              ///< N (a fresh run's nodes; the model's N)
    uint32_t cycles = 10;              ///< C: training cycles, one epoch block each
    double krw_per_eth = 3'000'000;    ///< the paper's June 2021 price
    double gas_per_eth = 100'000'000;  ///< the paper's conversion (a 10 gwei gas price)
    std::string fork = "Petersburg";   ///< gas schedule (the paper's BALANCE 400 is TW..Petersburg)
    uint32_t difficulty_bits = 16;     ///< a fresh run's proof-of-work difficulty
    std::filesystem::path chain;       ///< measure this existing chain instead of a fresh run
    std::filesystem::path work_dir;    ///< where a fresh run's chain is created (must not exist)
    uint32_t pow_samples = 3;          ///< epoch blocks whose proof of work is mined on-chain
    bool measure = true;               ///< false: the printed figures and the model only (--model-only)
};

/// A figure printed in the paper, beside what its own equation gives from its printed inputs and
/// what the paper's stated counts and prices give.
struct PrintedFigure {
    std::string item;     ///< e.g. "Table 5: CREATE"
    std::string printed;  ///< verbatim, e.g. "320M"
    double printed_value = 0;
    double own_arithmetic = 0;  ///< the figure's equation applied to its printed inputs
    double from_counts = 0;     ///< from the stated counts (100 CREATE, 65,536 ADD per node, ...)
    std::string unit;           ///< "gas", "ETH" or "KRW"
    bool agrees = true;         ///< printed equals both, to the printed precision
    std::string finding;        ///< the disagreement named; empty when it agrees
};

/// One line of the paper's cost model: an instruction, how often it runs, its unit gas.
struct ModelRow {
    std::string item;    ///< "CREATE", "BALANCE", ...
    std::string phase;   ///< "setup" (once per network) or "block" (every block)
    uint64_t count = 0;  ///< executions
    int64_t unit_gas = 0;
    std::string basis;  ///< where the count comes from
    [[nodiscard]] int64_t gas() const noexcept { return static_cast<int64_t>(count) * unit_gas; }
};

/// The paper's model for N nodes, C cycles and a fork.
struct CostModel {
    uint32_t nodes = 0, cycles = 0;  ///< N and C
    std::string fork;                ///< whose schedule prices the rows
    std::vector<ModelRow> rows;      ///< setup rows, then block rows
    int64_t setup_gas = 0;           ///< network creation
    int64_t block_gas = 0;           ///< every block
    [[nodiscard]] int64_t total_gas() const noexcept { return setup_gas + int64_t{cycles} * block_gas; }
};

/// The paper's model: setup N x CREATE; per block BALANCE once, PUSH N + 1, POP N - 1, and the
/// proof of work as 65,536 ADD and 65,536 MUL per node; unit costs from `fork`'s schedule
/// (BALANCE cold where EIP-2929 applies). Throws std::invalid_argument for an unknown fork.
CostModel paper_model(uint32_t nodes, uint32_t cycles, const std::string& fork);

/// The printed figures of Tables 4 and 5, the text and equations (1) and (2), each checked.
std::vector<PrintedFigure> printed_figures();

/// The gas of one kind of block in the measured run: its transactions by contract function, and
/// their execution gas by opcode.
struct MeasuredPhase {
    std::string name;                                  ///< "setup", "epoch block", "rollback block"
    uint64_t blocks = 0;                               ///< blocks of this kind
    std::vector<runtime::GasProfileRecord> functions;  ///< summed over its blocks (height unused)
    vm::GasProfile profile;                            ///< all its transactions' execution gas
    int64_t gas_used = 0, intrinsic = 0, refund = 0;   ///< receipts' gas, intrinsic gas, refunds (sums)
    uint64_t transactions = 0;                         ///< contract calls
};

/// The proof of work mined on-chain (contracts/ProofOfWork.sol) for one epoch block's header.
struct PowSample {
    uint64_t height = 0;
    uint64_t nonce = 0;  ///< the first passing nonce from 0, checked with runtime's SHA-256
    uint64_t attempts = 0;
    int64_t gas_used = 0;  ///< the mining transaction's gas
};

/// Mining on-chain: samples, the exact gas of one more attempt, and the expected cost per block.
struct OnChainPow {
    uint32_t difficulty_bits = 0;
    std::vector<PowSample> samples;
    int64_t gas_per_attempt = 0;   ///< marginal: gas(2 attempts) - gas(1 attempt), measured
    int64_t sha256_gas = 0;        ///< of which the precompile (60 + 12 per word)
    bool samples_skipped = false;  ///< above 20 bits no sample is mined (2^bits attempts each)
    /// 2^bits attempts (the mean of the race: the nodes search disjoint nonces until one wins).
    [[nodiscard]] double expected_block_gas() const noexcept;
};

/// The measured run.
struct MeasuredRun {
    bool present = false;                     ///< false when the report was made without a run (--model-only)
    std::string source;                       ///< "a fresh run in DIR" or "the chain in DIR"
    uint32_t nodes = 0, difficulty_bits = 0;  ///< the run's chain configuration
    std::string fork;                         ///< the run's gas schedule
    MeasuredPhase setup, epoch, rollback;     ///< genesis + registration; epoch blocks; rollback blocks
    std::vector<std::pair<uint64_t, int64_t>> epoch_block_gas;  ///< (height, gas) of each epoch block
    OnChainPow pow;                                             ///< the proof of work mined on-chain
    double run_ms = 0;                                          ///< creating the fresh run (0 for --chain)
    [[nodiscard]] double mean_block_gas() const noexcept;
};

/// Everything the report shows.
struct GasReport {
    GasReportOptions options;
    std::vector<PrintedFigure> printed;
    CostModel paper;  ///< the paper's model at its own N = 100, C = 10, BALANCE 400 (Petersburg)
    CostModel model;  ///< the paper's model at the options' (or the chain's) N, C and fork
    MeasuredRun measured;
};

/// Builds the report: a fresh run of N nodes, C epoch blocks and one rollback in
/// `options.work_dir` (or the existing `options.chain`, whose N, C and fork then apply), its
/// stored gas profiles, and the on-chain proof of work. Throws ChainError/StoreError on a bad
/// chain and std::invalid_argument on bad options.
GasReport make_gas_report(const GasReportOptions& options,
                          const std::function<void(const std::string& step)>& progress = {});

/// The opcode classes the measured gas is grouped in, in display order.
std::vector<std::string> opcode_classes();
/// The class of an opcode byte ("arithmetic", "stack: PUSH", "storage", ...).
std::string opcode_class(uint8_t opcode);

/// A Markdown report: as printed, the model recomputed, measured, and the findings.
std::string gas_markdown(const GasReport& report);
/// Tidy CSV: section,item,quantity,value,unit,note; one figure per row.
std::string gas_csv(const GasReport& report);
/// The whole report as JSON.
std::string gas_json(const GasReport& report);
/// Per-block cost by component: printed, the paper's counts recomputed, measured (log scale).
std::string gas_blocks_svg(const GasReport& report);
/// Cost in KRW over cycles (setup + c x per block) for printed, recomputed and measured.
std::string gas_cycles_svg(const GasReport& report);

}  // namespace trainchain::reports
