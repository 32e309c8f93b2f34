// reports/src/gas_report.cpp - the gas-cost report: the paper's printed figures checked, its model
// recomputed, a real run measured by contract, function and opcode class, and the proof of work
// mined on-chain.
#include "trainchain/reports/gas_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/reports/chart.hpp"
#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/pow.hpp"
#include "trainchain/vm/gas.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/opcodes.hpp"

namespace trainchain::reports {

// The reports read the chain: its blocks, store and ledger.
using namespace runtime;
namespace {

using vm::Opcode;

// The paper's stated counts and prices (section 4.1).
constexpr uint32_t paper_nodes = 100;
constexpr uint32_t paper_cycles = 10;
constexpr double paper_krw_per_eth = 3'000'000;
constexpr double paper_gas_per_eth = 100'000'000;
constexpr uint64_t paper_pow_ops_per_node = 65'536;  // "SHA-256 10 times" counted as 65,536 ADD and MUL
/// The printed figure of the whole run: setup + 10 cycles, 25,355,000 KRW.
constexpr const char* printed_total_item = "total: setup + 10 cycles";

// What a measured run takes: the contracts dispatch with SHR (Constantinople on); every block is
// mined for real; the on-chain miner runs only up to `max_sample_bits` (2^20 attempts, seconds).
constexpr vm::Fork measurable_fork = vm::Fork::Constantinople;
constexpr uint32_t max_nodes = 1000;
constexpr uint32_t max_cycles = 1000;
constexpr uint32_t max_run_bits = 24;
constexpr uint32_t max_sample_bits = 20;

uint8_t byte_of(Opcode op) { return static_cast<uint8_t>(op); }

/// The row of `m` for `item` ("CREATE", "BALANCE", "PUSH", "POP", "ADD", "MUL": paper_model makes
/// each of them).
const ModelRow& model_row(const CostModel& m, const std::string& item) {
    return *std::find_if(m.rows.begin(), m.rows.end(), [&](const ModelRow& r) { return r.item == item; });
}
double model_gas(const CostModel& m, const std::string& item) {
    return static_cast<double>(model_row(m, item).gas());
}

vm::Fork fork_or_throw(const std::string& name) {
    const auto f = vm::parse_fork(name);
    if (!f) throw std::invalid_argument(fmt::format("unknown fork '{}'", name));
    return *f;
}

/// The gas BALANCE costs as the first access to an account in a transaction under `fork`.
int64_t balance_cost(vm::Fork fork) {
    const vm::GasParams p = vm::gas_params(fork);
    const int64_t base = vm::gas_table(fork)[byte_of(Opcode::BALANCE)];
    return p.access_lists ? base - p.warm_access + p.cold_account : base;
}

/// The block gas limit our ledger runs every block's transactions under (their GASLIMIT).
int64_t ledger_block_gas_limit() {
    Ledger ledger(vm::Fork::Petersburg);
    ledger.set_block(0, 0);
    return ledger.host().get_tx_context().gas_limit;
}

/// 12,345,678 -> "12,345,678"; fractions kept to `decimals`.
std::string grouped(double v, int decimals = 0) {
    if (!std::isfinite(v)) return v != v ? "n/a" : (v > 0 ? "inf" : "-inf");
    std::string s = fmt::format("{:.{}f}", std::abs(v), decimals);
    const size_t dot = s.find('.');
    const size_t int_end = dot == std::string::npos ? s.size() : dot;
    std::string out;
    for (size_t i = 0; i < int_end; ++i) {
        if (i != 0 && (int_end - i) % 3 == 0) out += ',';
        out += s[i];
    }
    out += s.substr(int_end);
    return (v < 0 ? "-" : "") + out;
}

/// An ETH amount with enough digits to be read.
std::string eth_text(double eth) { return fmt::format("{:.6g}", eth); }

void add_record(std::vector<GasProfileRecord>& into, const GasProfileRecord& r) {
    auto it = std::find_if(into.begin(), into.end(), [&](const GasProfileRecord& x) {
        return x.contract == r.contract && x.function == r.function;
    });
    if (it == into.end()) {
        into.push_back(r);
        into.back().height = 0;
        return;
    }
    it->calls += r.calls;
    it->gas_used += r.gas_used;
    it->intrinsic += r.intrinsic;
    it->refund += r.refund;
    it->profile += r.profile;
}

void add_to_phase(MeasuredPhase& phase, const GasProfileRecord& r) {
    add_record(phase.functions, r);
    phase.profile += r.profile;
    phase.gas_used += r.gas_used;
    phase.intrinsic += r.intrinsic;
    phase.refund += r.refund;
    phase.transactions += r.calls;
}

/// Deterministic stand-in weights for a fresh run's epochs: the gas does not depend on them.
Bytes synthetic_checkpoint(uint64_t epoch) {
    Bytes b;
    Hash h = sha256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&epoch), sizeof epoch));
    while (b.size() < 4096) {
        b.insert(b.end(), h.begin(), h.end());
        h = sha256(h);
    }
    return b;
}

/// Mines `header` on-chain from nonce 0 and checks the nonce with the runtime's own SHA-256.
PowSample mine_on_chain(Ledger& ledger, const vm::address& miner, const Block& block, unsigned bits) {
    BlockHeader h = block.header;
    h.nonce = 0;
    const auto encoded = h.encode();
    const Bytes header(encoded.begin(), encoded.end());
    // 2^(bits + 6) attempts fail with probability e^-64; gas: 4,000 per attempt is ample.
    const uint64_t max_attempts = uint64_t{1} << std::min(bits + 6, 40u);
    const auto r = ledger.call(
        miner, "ProofOfWork", "mine(bytes,uint256,uint256,uint256)",
        {header, vm::uint256::from_be(target_of(bits).data(), 32), vm::uint256{0}, vm::uint256{max_attempts}},
        static_cast<int64_t>(std::min<uint64_t>(max_attempts * 4'000 + 1'000'000, INT64_MAX / 2)));
    if (!r.ok())
        throw ChainError(fmt::format("mining block #{} on-chain failed: {}", h.height, r.revert_reason));
    PowSample s;
    s.height = h.height;
    s.nonce = r.get_u64(0);
    s.attempts = r.get_u64(2);
    s.gas_used = r.receipt.gas_used;
    h.nonce = s.nonce;
    const auto mined = h.encode();
    const Hash digest = sha256(mined);
    if (!check_proof_of_work(digest, bits) || digest != r.get<Hash>(1))
        throw ChainError(
            fmt::format("block #{}: the on-chain miner's nonce {} does not pass", h.height, s.nonce));
    return s;
}

OnChainPow measure_pow(const std::vector<Block>& blocks, unsigned bits, uint32_t samples, vm::Fork fork,
                       const std::function<void(const std::string&)>& progress) {
    OnChainPow pow;
    pow.difficulty_bits = bits;
    Ledger ledger(fork);
    const vm::address miner = ledger.deploy("ProofOfWork", {});
    ledger.take_profiles(0);

    // The marginal attempt: the same header with an impossible target, one and two attempts.
    const auto epoch_it = std::find_if(blocks.begin(), blocks.end(),
                                       [](const Block& b) { return b.payload.kind == BlockKind::Epoch; });
    const Block& probe = epoch_it != blocks.end() ? *epoch_it : blocks.back();
    const auto encoded = probe.header.encode();
    const Bytes header(encoded.begin(), encoded.end());
    int64_t gas[2]{}, sha[2]{};
    for (int i = 0; i < 2; ++i) {
        const auto r = ledger.call(miner, "ProofOfWork", "mine(bytes,uint256,uint256,uint256)",
                                   {header, vm::uint256{0}, vm::uint256{0}, vm::uint256{uint64_t(i + 1)}});
        if (r.ok()) throw ChainError("the on-chain miner passed an impossible target");
        const auto prof = ledger.take_profiles(0);
        gas[i] = r.receipt.gas_used;
        sha[i] = prof.empty() || !prof[0].profile.precompiles.contains(2)
                     ? 0
                     : prof[0].profile.precompiles.at(2).gas;
    }
    pow.gas_per_attempt = gas[1] - gas[0];
    pow.sha256_gas = sha[1] - sha[0];

    if (bits > max_sample_bits) {
        pow.samples_skipped = true;
        return pow;  // the expected cost still follows from the measured attempt
    }
    for (const auto& b : blocks) {
        if (pow.samples.size() >= samples) break;
        if (b.payload.kind != BlockKind::Epoch) continue;
        if (progress) progress(fmt::format("mining block #{} on-chain at {} bits", b.header.height, bits));
        pow.samples.push_back(mine_on_chain(ledger, miner, b, bits));
        ledger.take_profiles(0);
    }
    return pow;
}

/// Creates the fresh run: N nodes, C synthetic epochs, one rollback (C >= 2).
void fresh_run(const GasReportOptions& o, const std::function<void(const std::string&)>& progress) {
    ChainConfig cfg;
    cfg.nodes = o.nodes;
    cfg.difficulty_bits = o.difficulty_bits;
    cfg.fork = o.fork;
    if (progress) progress(fmt::format("creating a chain of {} nodes", o.nodes));
    auto chain = Chain::init(o.work_dir, cfg);
    for (uint32_t e = 1; e <= o.cycles; ++e) {
        if (progress) progress(fmt::format("epoch block {}/{}", e, o.cycles));
        EpochResult r;
        r.epoch = e;
        r.accuracy = 0.5 + 0.4 * (1.0 - std::pow(0.7, e));
        r.loss = 1.5 * std::pow(0.7, e);
        r.checkpoint = synthetic_checkpoint(e);
        r.note = R"({"source":"report gas"})";
        const auto rep = chain->append_epoch(std::move(r));
        if (!rep.accepted) throw ChainError("epoch block " + std::to_string(e) + " rejected: " + rep.reason);
    }
    // One rollback, back to the best earlier epoch (there is none with a single epoch).
    if (o.cycles < 2) return;
    if (progress) progress("one rollback");
    chain->rollback(std::nullopt, "report gas: the cost of one rollback",
                    chain->blocks().back().header.height);
}

double to_eth(double gas, const GasReportOptions& o) { return gas / o.gas_per_eth; }
double to_krw(double gas, const GasReportOptions& o) { return gas / o.gas_per_eth * o.krw_per_eth; }

uint64_t count_of(const vm::GasProfile& p, std::initializer_list<Opcode> ops) {
    uint64_t n = 0;
    for (const Opcode op : ops) n += p.opcodes[byte_of(op)].count;
    return n;
}
int64_t gas_of(const vm::GasProfile& p, std::initializer_list<Opcode> ops) {
    int64_t n = 0;
    for (const Opcode op : ops) n += p.opcodes[byte_of(op)].gas;
    return n;
}
vm::GasUse push_use(const vm::GasProfile& p) {
    vm::GasUse u;
    for (int op = 0x5f; op <= 0x7f; ++op) u += p.opcodes[static_cast<size_t>(op)];
    return u;
}

/// The gas of each class in a phase (opcodes by class, then precompiles, deposits, other).
std::map<std::string, vm::GasUse> by_class(const MeasuredPhase& ph) {
    std::map<std::string, vm::GasUse> m;
    for (size_t op = 0; op < 256; ++op)
        if (ph.profile.opcodes[op].count != 0)
            m[opcode_class(static_cast<uint8_t>(op))] += ph.profile.opcodes[op];
    for (const auto& [n, u] : ph.profile.precompiles)
        m[n == 2 ? "precompile: SHA-256" : fmt::format("precompile: 0x{:02x}", n)] += u;
    if (ph.profile.code_deposit.count != 0) m["code deposit"] += ph.profile.code_deposit;
    if (ph.profile.other.count != 0) m["frames without code"] += ph.profile.other;
    m["intrinsic (21,000 + calldata; 32,000 per creation)"] += vm::GasUse{ph.transactions, ph.intrinsic};
    if (ph.refund != 0) m["refund"] += vm::GasUse{ph.transactions, -ph.refund};
    return m;
}

std::vector<std::string> class_order() {
    auto v = opcode_classes();
    for (const char* extra : {"precompile: SHA-256", "code deposit", "frames without code",
                              "intrinsic (21,000 + calldata; 32,000 per creation)", "refund"})
        v.emplace_back(extra);
    return v;
}

}  // namespace

namespace {
// The label of each vm::OpcodeGroup, in the enum's order (the report's row order).
constexpr std::array<std::string_view, vm::num_opcode_groups> group_labels = {
    // clang-format off
    "arithmetic: ADD/SUB", "arithmetic: MUL/DIV", "arithmetic: other", "comparison & bitwise",
    "KECCAK256", "BALANCE", "environment & block", "stack: POP", "stack: PUSH", "stack: DUP/SWAP",
    "memory", "storage", "control flow", "logs", "CREATE", "calls", "halting", "undefined",
    // clang-format on
};
static_assert(group_labels.back() == "undefined", "one label per vm::OpcodeGroup, in order");
}  // namespace

std::vector<std::string> opcode_classes() { return {group_labels.begin(), group_labels.end()}; }

std::string opcode_class(uint8_t op) {
    return std::string(group_labels[static_cast<size_t>(vm::opcode_infos[op].group)]);
}

CostModel paper_model(uint32_t nodes, uint32_t cycles, const std::string& fork_name) {
    const vm::Fork fork = fork_or_throw(fork_name);
    const auto& t = vm::gas_table(fork);
    CostModel m;
    m.nodes = nodes;
    m.cycles = cycles;
    m.fork = std::string(vm::fork_name(fork));
    const uint64_t n = nodes;
    m.rows = {
        {"CREATE", "setup", n, t[byte_of(Opcode::CREATE)], "one Node contract per node"},
        {"BALANCE", "block", 1, balance_cost(fork), "check the Results Queue"},
        {"PUSH", "block", n + 1, t[byte_of(Opcode::PUSH1)],
         "broadcast to N nodes, post to the Consensus Queue"},
        {"POP", "block", n == 0 ? 0 : n - 1, t[byte_of(Opcode::POP)], "N - 1 nodes read the result"},
        {"ADD", "block", n * paper_pow_ops_per_node, t[byte_of(Opcode::ADD)],
         "proof of work: 65,536 per node"},
        {"MUL", "block", n * paper_pow_ops_per_node, t[byte_of(Opcode::MUL)],
         "proof of work: 65,536 per node"},
    };
    for (const auto& r : m.rows) (r.phase == "setup" ? m.setup_gas : m.block_gas) += r.gas();
    return m;
}

namespace {
std::vector<std::string> forks_where_balance_costs(int64_t gas) {
    std::vector<std::string> out;
    for (int i = 0; i < vm::num_forks; ++i)
        if (balance_cost(static_cast<vm::Fork>(i)) == gas)
            out.emplace_back(vm::fork_name(static_cast<vm::Fork>(i)));
    return out;
}
}  // namespace

std::vector<PrintedFigure> printed_figures() {
    const CostModel m = paper_model(paper_nodes, paper_cycles, "Petersburg");
    const auto gas = [&](const std::string& item) { return model_gas(m, item); };
    const double setup = static_cast<double>(m.setup_gas), block = static_cast<double>(m.block_gas);
    const double eth = paper_gas_per_eth, krw = paper_krw_per_eth;
    const auto& pet = vm::gas_table(vm::Fork::Petersburg);
    const auto unit = [&](Opcode op) { return static_cast<double>(pet[byte_of(op)]); };

    std::vector<PrintedFigure> f;
    // A figure agrees when its own arithmetic and the stated counts both come within one unit of
    // its last printed digit (`digit`), which allows the tables' truncation (32,768,000 as 32.7M).
    const auto add = [&](std::string item, std::string printed, double value, double digit, double own,
                         double counts, std::string unit_name, std::string why) {
        const bool agrees =
            std::abs(own - value) <= digit * (1 + 1e-9) && std::abs(counts - value) <= digit * (1 + 1e-9);
        f.push_back({std::move(item), std::move(printed), value, own, counts, std::move(unit_name), agrees,
                     agrees ? std::string() : std::move(why)});
    };
    add("Table 4: ADD, SUB", "3", 3, 0, unit(Opcode::ADD), unit(Opcode::SUB), "gas", "");
    add("Table 4: MUL, DIV", "5", 5, 0, unit(Opcode::MUL), unit(Opcode::DIV), "gas", "");
    add("Table 4: POP", "2", 2, 0, unit(Opcode::POP), unit(Opcode::POP), "gas", "");
    add("Table 4: PUSH", "3", 3, 0, unit(Opcode::PUSH1), unit(Opcode::PUSH32), "gas", "");
    add("Table 4: BALANCE", "400", 400, 0, static_cast<double>(balance_cost(vm::Fork::Petersburg)), 400,
        "gas", "");
    add("Table 4: CREATE", "32,000", 32000, 0, unit(Opcode::CREATE), unit(Opcode::CREATE), "gas", "");
    add("Table 5: POP (99 x 2)", "198", 198, 0, gas("POP"), gas("POP"), "gas", "");
    add("Table 5: PUSH (101 x 3)", "303", 303, 0, gas("PUSH"), gas("PUSH"), "gas", "");
    add("Table 5: ADD (65,536 x 3 x 100)", "19.6M", 19.6e6, 1e5, gas("ADD"), gas("ADD"), "gas", "");
    add("Table 5: MUL (65,536 x 5 x 100)", "32.7M", 32.7e6, 1e5, gas("MUL"), gas("MUL"), "gas", "");
    add("Table 5: BALANCE (1 x 400)", "400", 400, 0, gas("BALANCE"), gas("BALANCE"), "gas", "");
    add("Table 5: CREATE (100 x 32,000)", "320M", 320e6, 1e6, setup, setup, "gas",
        "100 x 32,000 = 3,200,000 gas; the printed 320M is 10,000 CREATEs");
    add("text: gas per block", "about 525,000", 525'000, 1'000, block, block, "gas",
        "the per-block counts sum to 52,429,701 gas (198 + 303 + 19,660,800 + 32,768,000 + 400), 100x the "
        "text");
    add("eq. (1): network creation", "3.2 ETH", 3.2, 0.1, 320e6 / eth, setup / eth, "ETH",
        "3.2 ETH follows from the printed 320M; the stated 100 CREATEs give 0.032 ETH");
    add("eq. (1): network creation", "9,600,000 KRW", 9.6e6, 1e5, 3.2 * krw, setup / eth * krw, "KRW",
        "3.2 ETH x 3,000,000 KRW is 9,600,000; the stated counts give 96,000 KRW");
    add("eq. (2): per block", "0.525 ETH", 0.525, 0.001, 525'000 / eth, block / eth, "ETH",
        "0.525 ETH is 52.5M gas: it follows the per-block counts (0.524297 ETH), not the text's 525,000 gas "
        "(0.00525 ETH)");
    add("eq. (2): per block", "1,575,500 KRW", 1'575'500, 100, 0.525 * krw, block / eth * krw, "KRW",
        "0.525 ETH x 3,000,000 KRW is 1,575,000, not 1,575,500; the counts give 1,572,891.03");
    add(printed_total_item, "25,355,000 KRW", 25'355'000, 1'000, 9.6e6 + paper_cycles * 1'575'500.0,
        (setup + paper_cycles * block) / eth * krw, "KRW",
        "9,600,000 + 10 x 1,575,500 = 25,355,000 adds up, but with 1,575,000 it is 25,350,000, and from the "
        "stated counts 96,000 + 10 x 1,572,891.03 = 15,824,910.30");
    return f;
}

double OnChainPow::expected_block_gas() const noexcept {
    return std::ldexp(static_cast<double>(gas_per_attempt), static_cast<int>(difficulty_bits));
}

double MeasuredRun::mean_block_gas() const noexcept {
    if (epoch_block_gas.empty()) return 0;
    double s = 0;
    for (const auto& [h, g] : epoch_block_gas) s += static_cast<double>(g);
    return s / static_cast<double>(epoch_block_gas.size());
}

GasReport make_gas_report(const GasReportOptions& options,
                          const std::function<void(const std::string& step)>& progress) {
    GasReport rep;
    rep.options = options;
    if (options.gas_per_eth <= 0 || !std::isfinite(options.gas_per_eth) || options.krw_per_eth < 0 ||
        !std::isfinite(options.krw_per_eth))
        throw std::invalid_argument("gas per ETH must be positive and KRW per ETH non-negative");
    if (options.measure && options.chain.empty() && fork_or_throw(options.fork) < measurable_fork)
        throw std::invalid_argument(
            "--fork: error: " + options.fork +
            " cannot run the contracts: they dispatch with SHR (EIP-145), which exists from Constantinople; "
            "measure under Constantinople or later, or compute the model alone (--model-only)");
    rep.printed = printed_figures();
    rep.paper = paper_model(paper_nodes, paper_cycles, "Petersburg");

    std::filesystem::path dir = options.chain;
    MeasuredRun& m = rep.measured;
    if (!options.measure) {
        rep.model = paper_model(options.nodes, options.cycles, options.fork);
        return rep;
    }
    m.present = true;
    if (dir.empty()) {
        if (options.nodes == 0 || options.cycles == 0 || options.nodes > max_nodes ||
            options.cycles > max_cycles)
            throw std::invalid_argument(
                fmt::format("--nodes/--cycles: error: a measured run takes 1 to {} nodes and 1 to {} cycles "
                            "(--model-only takes more)",
                            max_nodes, max_cycles));
        if (options.difficulty_bits > max_run_bits)
            throw std::invalid_argument(fmt::format(
                "--difficulty: error: a measured run mines at most {} bits (each block is mined for "
                "real)",
                max_run_bits));
        const auto t0 = std::chrono::steady_clock::now();
        fresh_run(options, progress);
        m.run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        dir = options.work_dir;
        m.source = "a fresh run in " + dir.string();
    } else {
        m.source = "the chain in " + dir.string();
    }
    const auto store = Store::open(dir);
    const auto snapshot = store->snapshot();  // blocks, records and profiles of one moment
    const auto blocks = store->blocks();
    m.nodes = store->config().nodes;
    m.difficulty_bits = store->config().difficulty_bits;
    m.fork = store->config().fork;
    m.setup.name = "setup";
    m.epoch.name = "epoch block";
    m.rollback.name = "rollback block";
    std::map<uint64_t, BlockKind> kind;
    for (const auto& b : blocks) {
        kind[b.header.height] = b.payload.kind;
        MeasuredPhase& ph = b.payload.kind == BlockKind::Epoch      ? m.epoch
                            : b.payload.kind == BlockKind::Rollback ? m.rollback
                                                                    : m.setup;
        ph.blocks += 1;
        if (b.payload.kind == BlockKind::Epoch) m.epoch_block_gas.emplace_back(b.header.height, 0);
    }
    const auto profiles = store->gas_profiles();
    // Every block whose calls were recorded needs its profile: a chain begun by an older trainchain
    // (before profiles) would otherwise count its first blocks as free.
    std::map<uint64_t, int64_t> recorded, profiled;
    for (const auto& g : store->gas_records()) recorded[g.height] += g.gas_used;
    for (const auto& r : profiles) profiled[r.height] += r.gas_used;
    for (const auto& [h, gas] : recorded)
        if (profiled.find(h) == profiled.end() || profiled[h] != gas)
            throw StoreError(fmt::format(
                "{}: error: block {} has no gas profile matching its gas records (the chain was begun by "
                "an older trainchain, before gas profiles)",
                dir.string(), h));
    std::map<uint64_t, size_t> epoch_index;
    for (size_t i = 0; i < m.epoch_block_gas.size(); ++i) epoch_index[m.epoch_block_gas[i].first] = i;
    for (const auto& r : profiles) {
        const auto k = kind.find(r.height);
        const BlockKind bk = k == kind.end() ? BlockKind::Genesis : k->second;
        add_to_phase(bk == BlockKind::Epoch ? m.epoch : bk == BlockKind::Rollback ? m.rollback : m.setup, r);
        if (const auto e = epoch_index.find(r.height); e != epoch_index.end())
            m.epoch_block_gas[e->second].second += r.gas_used;
    }
    rep.model =
        paper_model(m.nodes, options.chain.empty() ? options.cycles : static_cast<uint32_t>(m.epoch.blocks),
                    options.chain.empty() ? options.fork : m.fork);
    m.pow = measure_pow(blocks, m.difficulty_bits, options.pow_samples, fork_or_throw(m.fork), progress);
    return rep;
}

// ---- rendering -------------------------------------------------------------------------------

namespace {

struct Totals {
    double setup = 0, block = 0, rollback = 0;
};

Totals measured_totals(const MeasuredRun& m) {
    Totals t;
    t.setup = static_cast<double>(m.setup.gas_used);
    t.block = m.mean_block_gas();
    t.rollback = m.rollback.blocks == 0
                     ? 0
                     : static_cast<double>(m.rollback.gas_used) / static_cast<double>(m.rollback.blocks);
    return t;
}

double per_block(const MeasuredPhase& ph, double v) {
    return ph.blocks == 0 ? 0 : v / static_cast<double>(ph.blocks);
}

std::string money(double gas, const GasReportOptions& o) {
    return fmt::format("{} gas = {} ETH = {} KRW", grouped(gas), eth_text(to_eth(gas, o)),
                       grouped(to_krw(gas, o), 2));
}

}  // namespace

namespace {
void measured_markdown(std::string& s, const GasReport& r);
}  // namespace

std::string gas_markdown(const GasReport& r) {
    const auto& o = r.options;
    const auto& m = r.measured;

    std::string s;
    s += "# Gas cost: the paper's section 4.1 reproduced and measured\n\n";
    s += fmt::format("Prices: 1 ETH = {} gas, 1 ETH = {} KRW.\n\n", grouped(o.gas_per_eth),
                     grouped(o.krw_per_eth));

    s += "## As printed\n\nEach printed figure beside what its own equation gives from its printed inputs, "
         "and what "
         "the paper's stated counts (100 nodes, 10 cycles, Table 4's unit costs) give.\n\n";
    s += "| item | printed | its own arithmetic | from the stated counts | unit | agrees | finding |\n";
    s += "| --- | ---: | ---: | ---: | --- | --- | --- |\n";
    for (const auto& p : r.printed)
        s += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", p.item, p.printed,
                         grouped(p.own_arithmetic, p.unit == "ETH" ? 6 : 2),
                         grouped(p.from_counts, p.unit == "ETH" ? 6 : 2), p.unit, p.agrees ? "yes" : "**no**",
                         p.finding);
    const auto dis =
        std::count_if(r.printed.begin(), r.printed.end(), [](const PrintedFigure& p) { return !p.agrees; });
    s += fmt::format(
        "\n{} of {} printed figures disagree with their own arithmetic or the stated counts. Table 4's "
        "BALANCE = 400 holds only in {}; it is 20 before, 700 in Istanbul and 2,600 cold / 100 warm from "
        "Berlin (EIP-2929).\n\n",
        dis, r.printed.size(), fmt::join(forks_where_balance_costs(400), ", "));

    const auto model_table = [&](const CostModel& cm) {
        std::string out =
            "| phase | instruction | count | unit gas | gas | basis |\n| --- | --- | ---: | ---: | ---: | "
            "--- |\n";
        for (const auto& row : cm.rows)
            out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", row.phase, row.item,
                               grouped(static_cast<double>(row.count)),
                               grouped(static_cast<double>(row.unit_gas)),
                               grouped(static_cast<double>(row.gas())), row.basis);
        out += fmt::format("\n- network creation: {}\n- per block: {}\n- {} cycles: {}\n",
                           money(static_cast<double>(cm.setup_gas), o),
                           money(static_cast<double>(cm.block_gas), o), cm.cycles,
                           money(static_cast<double>(cm.total_gas()), o));
        return out;
    };
    s += fmt::format("## The paper's model, recomputed (N = {}, C = {}, {})\n\n", r.model.nodes,
                     r.model.cycles, r.model.fork);
    s += "The paper's own counts, with unit costs from the fork's schedule (BALANCE as a cold access where "
         "EIP-2929 "
         "applies).\n\n";
    s += model_table(r.model);

    if (!m.present) {
        s += "\n## Measured\n\nNot measured (`--model-only`).\n";
    } else {
        measured_markdown(s, r);
    }
    const double cyc = r.model.cycles;
    s += fmt::format(
        "\n## Totals\n\nAt 1 ETH = {} gas = {} KRW (the printed row keeps the paper's own figures).\n\n",
        grouped(o.gas_per_eth), grouped(o.krw_per_eth));
    s += fmt::format(
        "| | network creation (gas) | per block (gas) | per rollback (gas) | {0} cycles (gas) | {0} cycles "
        "(ETH) | {0} cycles (KRW) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        r.model.cycles);
    const auto total_line = [&](const std::string& name, double setup, double block, const std::string& roll,
                                const std::string& eth, double krw_total) {
        s += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name, grouped(setup), grouped(block), roll,
                         grouped(setup + cyc * block), eth, grouped(krw_total, 2));
    };
    total_line("printed (Table 5, eq. 1-2, at the paper's prices)", 320e6, 52.5e6, "",
               eth_text(3.2 + cyc * 0.525), 9.6e6 + cyc * 1'575'500);
    const double model_total = static_cast<double>(r.model.total_gas());
    total_line("paper's counts, recomputed", static_cast<double>(r.model.setup_gas),
               static_cast<double>(r.model.block_gas), "", eth_text(to_eth(model_total, o)),
               to_krw(model_total, o));
    if (m.present) {
        const Totals t = measured_totals(m);
        const double pow = m.pow.expected_block_gas();
        total_line("measured", t.setup, t.block, grouped(t.rollback),
                   eth_text(to_eth(t.setup + cyc * t.block, o)), to_krw(t.setup + cyc * t.block, o));
        total_line("measured + PoW on-chain", t.setup, t.block + pow, grouped(t.rollback),
                   eth_text(to_eth(t.setup + cyc * (t.block + pow), o)),
                   to_krw(t.setup + cyc * (t.block + pow), o));
        s += fmt::format("\nMeasured costs: network creation {}; an epoch block {}; a rollback block {}.\n",
                         money(t.setup, o), money(t.block, o), money(t.rollback, o));
    }
    // The paper's whole run (its N's setup + 10 cycles at its prices), whatever C this report has.
    const auto printed_total = std::find_if(r.printed.begin(), r.printed.end(), [](const PrintedFigure& p) {
        return p.item == printed_total_item;
    });
    if (printed_total != r.printed.end()) {
        s += fmt::format("\nAt the paper's own {} cycles and prices (1 ETH = {} gas = {} KRW): printed {}",
                         paper_cycles, grouped(paper_gas_per_eth), grouped(paper_krw_per_eth),
                         printed_total->printed);
        if (m.present) {
            const Totals t = measured_totals(m);
            s += fmt::format(
                "; measured (setup + {} x an epoch block) {} KRW", paper_cycles,
                grouped((t.setup + paper_cycles * t.block) / paper_gas_per_eth * paper_krw_per_eth, 2));
        }
        s += ".\n";
    }

    s += "\n## Findings\n\n";
    s += "- The printed CREATE total (320M) and the per-block text (525,000) are each 100x off their own "
         "counts: 3,200,000 and 52,429,701 gas. Equation (1) follows the 320M, equation (2) the 52.4M; "
         "1,575,500 KRW is 500 more than its own 0.525 ETH x 3,000,000.\n";
    const double paper_pow = model_gas(r.model, "ADD") + model_gas(r.model, "MUL");
    if (m.present) {
        const Totals t = measured_totals(m);
        s += fmt::format(
            "- Measured, our contracts cost {} gas to set up {} nodes ({:.1f}x the stated counts' {}) "
            "and {} gas per epoch block ({:.2f}x the counts' {}, of which {} is their proof of work as "
            "ADD and MUL).\n",
            grouped(t.setup), m.nodes, t.setup / std::max(1.0, static_cast<double>(r.model.setup_gas)),
            grouped(static_cast<double>(r.model.setup_gas)), grouped(t.block),
            t.block / std::max(1.0, static_cast<double>(r.model.block_gas)),
            grouped(static_cast<double>(r.model.block_gas)), grouped(paper_pow));
        const auto votes = std::find_if(m.epoch.functions.begin(), m.epoch.functions.end(),
                                        [](const GasProfileRecord& f) { return f.function == "vote"; });
        if (votes != m.epoch.functions.end() && t.block > 0)
            s += fmt::format(
                "- The votes: {} vote transactions per block, {} gas each on average, {:.0f} % of the "
                "block; their intrinsic gas alone is {:.0f} % of it.\n",
                grouped(per_block(m.epoch, static_cast<double>(votes->calls)), 1),
                grouped(static_cast<double>(votes->gas_used) / static_cast<double>(votes->calls)),
                100.0 * per_block(m.epoch, static_cast<double>(votes->gas_used)) / t.block,
                100.0 * per_block(m.epoch, static_cast<double>(votes->intrinsic)) / t.block);
        // SSTORE: what the contracts' storage layout costs a block.
        if (const auto& sstore = m.epoch.profile.opcodes[0x55]; sstore.count > 0 && t.block > 0)
            s += fmt::format(
                "- Storage writes: {} SSTORE per epoch block, {} gas each on average, {:.0f} % of the block. "
                "The contracts keep the open round, one slot per node for its last vote (overwritten round "
                "after round), the latest candidate and the open rollback request; every vote, candidate and "
                "proposal is in their events. So a block writes no fresh slot once every voter has voted "
                "before, and what the contracts store does not grow with the chain (store format 3; before, "
                "every vote and every candidate took fresh slots).\n",
                grouped(per_block(m.epoch, static_cast<double>(sstore.count)), 1),
                grouped(static_cast<double>(sstore.gas) / static_cast<double>(sstore.count)),
                100.0 * per_block(m.epoch, static_cast<double>(sstore.gas)) / t.block);
        const double pow = m.pow.expected_block_gas();
        if (pow > 0)
            s += fmt::format(
                "- The paper's proof-of-work estimate (65,536 ADD + 65,536 MUL per node: {} gas per block "
                "for N = {}) is {:.2f}x what mining on-chain at {} bits is expected to cost ({} gas).\n",
                grouped(paper_pow), r.model.nodes, paper_pow / pow, m.pow.difficulty_bits, grouped(pow));
        const double limit = static_cast<double>(ledger_block_gas_limit());
        if (pow > limit) {
            const auto most = std::max_element(
                m.pow.samples.begin(), m.pow.samples.end(),
                [](const PowSample& a, const PowSample& b) { return a.gas_used < b.gas_used; });
            s += fmt::format(
                "- On-chain mining could never run in one Ethereum block: at {} bits a block's proof of work "
                "is expected to cost {} gas, {:.1f}x the {} gas block limit our own ledger runs every block "
                "under{}. The paper's own count ({} gas per block at its N = {}) is {:.2f}x that limit.\n",
                m.pow.difficulty_bits, grouped(pow), pow / limit, grouped(limit),
                most == m.pow.samples.end()
                    ? std::string()
                    : fmt::format(" (the costliest sampled mining transaction used {} gas)",
                                  grouped(static_cast<double>(most->gas_used))),
                grouped(static_cast<double>(r.paper.block_gas)), r.paper.nodes,
                static_cast<double>(r.paper.block_gas) / limit);
        }
    }
    return s;
}

namespace {

/// The measured sections of the Markdown report.
void measured_markdown(std::string& s, const GasReport& r) {
    const auto& o = r.options;
    const auto& m = r.measured;
    const Totals t = measured_totals(m);
    s += fmt::format("\n## Measured: {}\n\n", m.source);
    s += fmt::format(
        "{} nodes, proof of work at {} bits, fork {}; blocks: {} setup, {} epoch, {} rollback. "
        "Every transaction's gas is its receipt's, as an Ethereum network would charge it, including the "
        "intrinsic 21,000 + calldata; the execution gas is attributed to the opcodes that spent it "
        "(a CALL or CREATE counts its own cost, its callee's instructions count in the callee).\n\n",
        m.nodes, m.difficulty_bits, m.fork, m.setup.blocks, m.epoch.blocks, m.rollback.blocks);
    s +=
        "### By transaction\n\nSetup counts its blocks together (genesis: the deployments; registration: the "
        "nodes joining, and its consensus); the other phases are per block, averaged.\n\n"
        "| phase | contract.function | calls | gas per call | intrinsic per call | refund per call | gas |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (const MeasuredPhase* ph : {&m.setup, &m.epoch, &m.rollback}) {
        const double blocks = ph == &m.setup ? 1.0 : std::max<double>(1.0, static_cast<double>(ph->blocks));
        for (const auto& f : ph->functions) {
            const double calls = static_cast<double>(f.calls);
            s += fmt::format("| {} | {}.{} | {} | {} | {} | {} | {} |\n",
                             ph == &m.setup ? "setup (all)" : ph->name, f.contract, f.function,
                             grouped(calls / blocks, ph == &m.setup ? 0 : 1),
                             grouped(static_cast<double>(f.gas_used) / calls),
                             grouped(static_cast<double>(f.intrinsic) / calls),
                             grouped(static_cast<double>(f.refund) / calls),
                             grouped(static_cast<double>(f.gas_used) / blocks));
        }
    }

    s += "\n### By opcode class\n\n| class | setup (all) | per epoch block | per rollback block |\n| --- | "
         "---: | ---: | ---: |\n";
    const auto cs = by_class(m.setup), ce = by_class(m.epoch), cr = by_class(m.rollback);
    for (const auto& c : class_order()) {
        const auto get = [&](const std::map<std::string, vm::GasUse>& mm) {
            const auto it = mm.find(c);
            return it == mm.end() ? vm::GasUse{} : it->second;
        };
        const auto a = get(cs), b = get(ce), d = get(cr);
        if (a.count == 0 && b.count == 0 && d.count == 0) continue;
        s += fmt::format("| {} | {} | {} | {} |\n", c, grouped(static_cast<double>(a.gas)),
                         grouped(per_block(m.epoch, static_cast<double>(b.gas))),
                         grouped(per_block(m.rollback, static_cast<double>(d.gas))));
    }
    s += fmt::format("| **total** | {} | {} | {} |\n", grouped(t.setup), grouped(t.block),
                     grouped(t.rollback));

    s += "\n### The paper's instructions, counted\n\n| instruction | paper: count per block | measured: "
         "count per "
         "block | paper: gas | measured: gas |\n| --- | ---: | ---: | ---: | ---: |\n";
    const auto& ep = m.epoch.profile;
    const auto line = [&](const std::string& name, double pc, double pg, double mc, double mg) {
        s += fmt::format("| {} | {} | {} | {} | {} |\n", name, grouped(pc),
                         grouped(per_block(m.epoch, mc), 1), grouped(pg), grouped(per_block(m.epoch, mg), 1));
    };
    const auto row = [&](const std::string& item) { return model_row(r.model, item); };
    line("BALANCE", 1, static_cast<double>(row("BALANCE").gas()),
         static_cast<double>(count_of(ep, {Opcode::BALANCE})),
         static_cast<double>(gas_of(ep, {Opcode::BALANCE})));
    const auto push = push_use(ep);
    line("PUSH", static_cast<double>(row("PUSH").count), static_cast<double>(row("PUSH").gas()),
         static_cast<double>(push.count), static_cast<double>(push.gas));
    line("POP", static_cast<double>(row("POP").count), static_cast<double>(row("POP").gas()),
         static_cast<double>(count_of(ep, {Opcode::POP})), static_cast<double>(gas_of(ep, {Opcode::POP})));
    line("ADD, SUB", static_cast<double>(row("ADD").count), static_cast<double>(row("ADD").gas()),
         static_cast<double>(count_of(ep, {Opcode::ADD, Opcode::SUB})),
         static_cast<double>(gas_of(ep, {Opcode::ADD, Opcode::SUB})));
    line("MUL, DIV", static_cast<double>(row("MUL").count), static_cast<double>(row("MUL").gas()),
         static_cast<double>(count_of(ep, {Opcode::MUL, Opcode::DIV})),
         static_cast<double>(gas_of(ep, {Opcode::MUL, Opcode::DIV})));
    s += fmt::format(
        "\nIn setup, CREATE ran {} times ({} gas with the Node contracts' init code and code deposit "
        "counted apart; the paper: {} x 32,000).\n",
        count_of(m.setup.profile, {Opcode::CREATE}),
        grouped(static_cast<double>(gas_of(m.setup.profile, {Opcode::CREATE}))), r.model.nodes);

    const auto& pw = m.pow;
    s += fmt::format(
        "\n### The proof of work, mined on-chain\n\nThe chain mines off-chain and the Consensus contract "
        "verifies only the winner (one SHA-256 precompile call). Mined on-chain instead "
        "(contracts/ProofOfWork.sol, the nonce written into the 92-byte header, SHA-256 through the "
        "precompile) one attempt costs **{} gas** (of which {} in the precompile), measured as the "
        "difference between one and two attempts. At {} bits a block needs 2^{} = {} attempts on average "
        "(the nodes search disjoint nonces until one wins): **{}** per block.\n\n",
        grouped(static_cast<double>(pw.gas_per_attempt)), grouped(static_cast<double>(pw.sha256_gas)),
        pw.difficulty_bits, pw.difficulty_bits,
        grouped(std::ldexp(1.0, static_cast<int>(pw.difficulty_bits))), money(pw.expected_block_gas(), o));
    if (pw.samples_skipped)
        s += fmt::format(
            "No block was mined on-chain: above {} bits each sample needs 2^{} attempts on average; the "
            "cost per block follows from the measured attempt.\n\n",
            max_sample_bits, pw.difficulty_bits);
    if (!pw.samples.empty()) {
        s += "| block | nonce found from 0 | attempts | gas used |\n| ---: | ---: | ---: | ---: |\n";
        for (const auto& x : pw.samples)
            s += fmt::format("| #{} | {} | {} | {} |\n", x.height, x.nonce,
                             grouped(static_cast<double>(x.attempts)),
                             grouped(static_cast<double>(x.gas_used)));
    }
}

}  // namespace

std::string gas_csv(const GasReport& r) {
    const auto& o = r.options;
    const auto& m = r.measured;
    std::string s = "section,item,quantity,value,unit,note\n";
    const auto q = [](const std::string& x) {
        std::string out = "\"";
        for (const char c : x) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    };
    const auto row = [&](const std::string& sec, const std::string& item, const std::string& quantity,
                         double v, const std::string& unit, const std::string& note) {
        // Whole numbers in full (gas can pass 10 digits), others with 10 significant digits.
        const bool whole = std::abs(v) < 9e15 && v == std::floor(v);
        const std::string value =
            whole ? fmt::format("{}", static_cast<int64_t>(v)) : fmt::format("{:.10g}", v);
        s += fmt::format("{},{},{},{},{},{}\n", sec, q(item), quantity, value, unit, q(note));
    };
    for (const auto& p : r.printed) {
        row("printed", p.item, "printed", p.printed_value, p.unit, p.printed);
        row("printed", p.item, "own_arithmetic", p.own_arithmetic, p.unit, "");
        row("printed", p.item, "from_counts", p.from_counts, p.unit, p.agrees ? "agrees" : p.finding);
    }
    const std::string model_sec =
        fmt::format("model N={} C={} {}", r.model.nodes, r.model.cycles, r.model.fork);
    for (const auto& x : r.model.rows) {
        row(model_sec, x.phase + " " + x.item, "count", static_cast<double>(x.count), "", x.basis);
        row(model_sec, x.phase + " " + x.item, "gas", static_cast<double>(x.gas()), "gas", "");
    }
    row(model_sec, "network creation", "gas", static_cast<double>(r.model.setup_gas), "gas", "");
    row(model_sec, "per block", "gas", static_cast<double>(r.model.block_gas), "gas", "");
    row(model_sec, "total", "gas", static_cast<double>(r.model.total_gas()), "gas", "");
    row(model_sec, "total", "eth", to_eth(static_cast<double>(r.model.total_gas()), o), "ETH", "");
    row(model_sec, "total", "krw", to_krw(static_cast<double>(r.model.total_gas()), o), "KRW", "");
    if (m.present) {
        const Totals t = measured_totals(m);
        for (const auto& [item, gas] : {std::pair<std::string, double>{"network creation", t.setup},
                                        {"per epoch block", t.block},
                                        {"per rollback block", t.rollback}}) {
            row("measured cost", item, "gas", gas, "gas", "");
            row("measured cost", item, "eth", to_eth(gas, o), "ETH", "");
            row("measured cost", item, "krw", to_krw(gas, o), "KRW", "");
        }
        for (const MeasuredPhase* ph : {&m.setup, &m.epoch, &m.rollback}) {
            const std::string sec = "measured " + ph->name;
            row(sec, "blocks", "count", static_cast<double>(ph->blocks), "", "");
            for (const auto& f : ph->functions) {
                const std::string item = f.contract + "." + f.function;
                row(sec, item, "calls", static_cast<double>(f.calls), "", "");
                row(sec, item, "gas_used", static_cast<double>(f.gas_used), "gas", "");
                row(sec, item, "intrinsic", static_cast<double>(f.intrinsic), "gas", "");
                row(sec, item, "refund", static_cast<double>(f.refund), "gas", "");
            }
            for (const auto& [c, u] : by_class(*ph)) {
                row(sec, c, "count", static_cast<double>(u.count), "", "");
                row(sec, c, "gas", static_cast<double>(u.gas), "gas", "");
            }
            row(sec, "total", "gas", static_cast<double>(ph->gas_used), "gas", "");
        }
        for (const auto& [h, g] : m.epoch_block_gas)
            row("measured epoch block", fmt::format("#{}", h), "gas", static_cast<double>(g), "gas", "");
        row("pow on-chain", "per attempt", "gas", static_cast<double>(m.pow.gas_per_attempt), "gas", "");
        row("pow on-chain", "per attempt sha256 precompile", "gas", static_cast<double>(m.pow.sha256_gas),
            "gas", "");
        row("pow on-chain", "expected per block", "gas", m.pow.expected_block_gas(), "gas",
            fmt::format("2^{} attempts", m.pow.difficulty_bits));
        row("pow on-chain", "block gas limit", "gas", static_cast<double>(ledger_block_gas_limit()), "gas",
            "the ledger's GASLIMIT");
        for (const auto& x : m.pow.samples) {
            row("pow on-chain", fmt::format("#{}", x.height), "attempts", static_cast<double>(x.attempts), "",
                "");
            row("pow on-chain", fmt::format("#{}", x.height), "gas_used", static_cast<double>(x.gas_used),
                "gas", "");
        }
    }
    return s;
}

std::string gas_json(const GasReport& r) {
    using nlohmann::json;
    const auto& m = r.measured;
    const auto model = [](const CostModel& cm) {
        json rows = json::array();
        for (const auto& x : cm.rows)
            rows.push_back({{"item", x.item},
                            {"phase", x.phase},
                            {"count", x.count},
                            {"unit_gas", x.unit_gas},
                            {"gas", x.gas()},
                            {"basis", x.basis}});
        return json{{"nodes", cm.nodes},
                    {"cycles", cm.cycles},
                    {"fork", cm.fork},
                    {"rows", rows},
                    {"setup_gas", cm.setup_gas},
                    {"block_gas", cm.block_gas},
                    {"total_gas", cm.total_gas()}};
    };
    const auto phase = [](const MeasuredPhase& ph) {
        json fns = json::array();
        for (const auto& f : ph.functions)
            fns.push_back({{"contract", f.contract},
                           {"function", f.function},
                           {"calls", f.calls},
                           {"gas_used", f.gas_used},
                           {"intrinsic", f.intrinsic},
                           {"refund", f.refund}});
        json classes = json::object();
        for (const auto& [c, u] : by_class(ph)) classes[c] = {{"count", u.count}, {"gas", u.gas}};
        json ops = json::object();
        for (size_t op = 0; op < 256; ++op)
            if (ph.profile.opcodes[op].count != 0) {
                const auto& info = vm::opcode_infos[op];
                ops[info.defined() ? std::string(info.name) : fmt::format("0x{:02x}", op)] = {
                    {"count", ph.profile.opcodes[op].count}, {"gas", ph.profile.opcodes[op].gas}};
            }
        return json{{"name", ph.name},         {"blocks", ph.blocks},       {"transactions", ph.transactions},
                    {"gas_used", ph.gas_used}, {"intrinsic", ph.intrinsic}, {"refund", ph.refund},
                    {"functions", fns},        {"classes", classes},        {"opcodes", ops}};
    };
    json printed = json::array();
    for (const auto& p : r.printed)
        printed.push_back({{"item", p.item},
                           {"printed", p.printed},
                           {"printed_value", p.printed_value},
                           {"own_arithmetic", p.own_arithmetic},
                           {"from_counts", p.from_counts},
                           {"unit", p.unit},
                           {"agrees", p.agrees},
                           {"finding", p.finding}});
    json samples = json::array();
    for (const auto& x : m.pow.samples)
        samples.push_back(
            {{"height", x.height}, {"nonce", x.nonce}, {"attempts", x.attempts}, {"gas_used", x.gas_used}});
    json blocks = json::array();
    for (const auto& [h, g] : m.epoch_block_gas) blocks.push_back({{"height", h}, {"gas", g}});
    json j = {{"prices", {{"gas_per_eth", r.options.gas_per_eth}, {"krw_per_eth", r.options.krw_per_eth}}},
              {"printed", printed},
              {"paper_model", model(r.paper)},
              {"model", model(r.model)},
              {"measured", nullptr}};
    if (m.present) {
        const Totals t = measured_totals(m);
        const auto cost = [&](double gas) {
            return json{{"gas", gas}, {"eth", to_eth(gas, r.options)}, {"krw", to_krw(gas, r.options)}};
        };
        j["measured"] = {{"source", m.source},
                         {"nodes", m.nodes},
                         {"difficulty_bits", m.difficulty_bits},
                         {"fork", m.fork},
                         {"setup", phase(m.setup)},
                         {"epoch", phase(m.epoch)},
                         {"rollback", phase(m.rollback)},
                         {"epoch_blocks", blocks},
                         {"mean_block_gas", m.mean_block_gas()},
                         {"costs",
                          {{"network_creation", cost(t.setup)},
                           {"per_epoch_block", cost(t.block)},
                           {"per_rollback_block", cost(t.rollback)}}},
                         {"run_ms", m.run_ms},
                         {"pow_on_chain",
                          {{"difficulty_bits", m.pow.difficulty_bits},
                           {"block_gas_limit", ledger_block_gas_limit()},
                           {"gas_per_attempt", m.pow.gas_per_attempt},
                           {"sha256_gas", m.pow.sha256_gas},
                           {"expected_block_gas", m.pow.expected_block_gas()},
                           {"samples_skipped", m.pow.samples_skipped},
                           {"samples", samples}}}};
    }
    return j.dump(2) + "\n";
}

std::string gas_blocks_svg(const GasReport& r) {
    const auto& m = r.measured;
    const auto& ep = m.epoch.profile;
    const auto pb = [&](double v) { return per_block(m.epoch, v); };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto push = push_use(ep);
    const double known = static_cast<double>(
        gas_of(ep, {Opcode::BALANCE, Opcode::POP, Opcode::ADD, Opcode::SUB, Opcode::MUL, Opcode::DIV}) +
        push.gas);
    BarChart c;
    c.title = fmt::format("Gas per block by component: printed, the paper's counts, measured (N = {})",
                          r.model.nodes);
    c.y_label = "gas per block (log scale)";
    c.log_scale = true;
    c.categories = {"BALANCE",         "PUSH",      "POP",   "ADD/SUB",      "MUL/DIV",
                    "other execution", "intrinsic", "total", "proof of work"};
    c.series.push_back({"printed (Table 5, text)", {400, 303, 198, 19.6e6, 32.7e6, nan, nan, 525'000, nan}});
    c.series.push_back(
        {fmt::format("paper's counts, N = {} ({})", r.model.nodes, r.model.fork),
         {model_gas(r.model, "BALANCE"), model_gas(r.model, "PUSH"), model_gas(r.model, "POP"),
          model_gas(r.model, "ADD"), model_gas(r.model, "MUL"), nan, nan,
          static_cast<double>(r.model.block_gas), model_gas(r.model, "ADD") + model_gas(r.model, "MUL")}});
    // The measured parts add up to the total: the rest of the execution (other opcodes, the SHA-256
    // precompile, less refunds) and the intrinsic gas; the proof of work is the on-chain estimate.
    if (m.present)
        c.series.push_back(
            {"measured (proof of work: mined on-chain)",
             {pb(static_cast<double>(gas_of(ep, {Opcode::BALANCE}))), pb(static_cast<double>(push.gas)),
              pb(static_cast<double>(gas_of(ep, {Opcode::POP}))),
              pb(static_cast<double>(gas_of(ep, {Opcode::ADD, Opcode::SUB}))),
              pb(static_cast<double>(gas_of(ep, {Opcode::MUL, Opcode::DIV}))),
              pb(static_cast<double>(ep.total()) - known - static_cast<double>(m.epoch.refund)),
              pb(static_cast<double>(m.epoch.intrinsic)), m.mean_block_gas(), m.pow.expected_block_gas()}});
    return bar_chart_svg(c);
}

std::string gas_cycles_svg(const GasReport& r) {
    const auto& o = r.options;
    LineChart c;
    c.title =
        fmt::format("Cost of a training run over cycles: setup + cycles x per block (N = {})", r.model.nodes);
    c.x_label = "training cycles (epoch blocks)";
    c.y_label = "KRW (log scale)";
    c.log_y = true;
    // Each cost is a straight line in c; at most 11 points (every cycle up to 10 cycles).
    const uint32_t cycles = std::max<uint32_t>(r.model.cycles, 1);
    const uint32_t steps = std::min<uint32_t>(cycles, 10);
    const auto series = [&](std::string name, double setup_krw, double block_krw, bool dashed) {
        LineSeries s{std::move(name), {}, dashed};
        for (uint32_t i = 0; i <= steps; ++i) {
            const double k = std::round(static_cast<double>(cycles) * i / steps);
            s.points.emplace_back(k, setup_krw + k * block_krw);
        }
        return s;
    };
    c.series.push_back(
        series("printed: 9,600,000 + c x 1,575,500 (the paper's prices)", 9.6e6, 1'575'500, true));
    c.series.push_back(series(fmt::format("paper's counts (N = {}, {})", r.model.nodes, r.model.fork),
                              to_krw(static_cast<double>(r.model.setup_gas), o),
                              to_krw(static_cast<double>(r.model.block_gas), o), true));
    if (r.measured.present) {
        const Totals t = measured_totals(r.measured);
        const double pow = r.measured.pow.expected_block_gas();
        c.series.push_back(series("measured", to_krw(t.setup, o), to_krw(t.block, o), false));
        c.series.push_back(
            series("measured + PoW on-chain", to_krw(t.setup, o), to_krw(t.block + pow, o), false));
    }
    return line_chart_svg(c);
}

}  // namespace trainchain::reports
