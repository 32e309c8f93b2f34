// cli/report_commands.cpp - `trainchain report gas` and `report recovery`: the paper's evaluation
// (section 4) reproduced as printed and measured on the running system.
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>

#include "commands.hpp"
#include "torch_commands.hpp"
#include "trainchain/vm/fork.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/reports/gas_report.hpp"
#include "trainchain/runtime/store.hpp"
#include "trainchain/reports/recovery.hpp"
#include "trainchain/training/config.hpp"

namespace trainchain::cli {
namespace {

/// A new output directory (created), or an InputError when it exists.
void create_output_dir(const std::filesystem::path& out) {
    if (std::filesystem::exists(out))
        throw InputError(fmt::format("{}: error: already exists; give a new output directory", out.string()));
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec)
        throw InputError(fmt::format("{}: error: cannot create directory: {}", out.string(), ec.message()));
}

void add_gas_command(CLI::App& report, int& exit_code) {
    auto* gas = report.add_subcommand(
        "gas", "Gas cost (section 4.1, Tables 4-5): as printed, the paper's model recomputed, and measured");
    struct Flags {
        reports::GasReportOptions options;
        std::string chain, out;
        std::string format = "md";
        bool quiet = false;
        bool model_only = false;
    };
    auto f = std::make_shared<Flags>();
    auto* nodes =
        gas->add_option("--nodes", f->options.nodes, "user nodes (N); a measured run takes up to 1,000")
            ->capture_default_str()
            ->check(CLI::Range(1u, 100000u));
    auto* cycles = gas->add_option("--cycles", f->options.cycles,
                                   "training cycles, one epoch block each (C); measured: up to 1,000")
                       ->capture_default_str()
                       ->check(CLI::Range(1u, 1000000u));
    gas->add_option("--krw-per-eth", f->options.krw_per_eth, "price of 1 ETH in KRW")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    gas->add_option("--gas-per-eth", f->options.gas_per_eth, "gas bought by 1 ETH")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    auto* fork = gas->add_option("--fork", f->options.fork, "gas schedule: Frontier ... Cancun")
                     ->capture_default_str();
    auto* difficulty =
        gas->add_option("--difficulty", f->options.difficulty_bits, "proof-of-work difficulty (bits)")
            ->capture_default_str()
            ->check(CLI::Range(0u, 32u));
    gas->add_option("--pow-samples", f->options.pow_samples,
                    "epoch blocks whose proof of work is mined on-chain")
        ->capture_default_str()
        ->check(CLI::Range(0u, 1000u));
    auto* chain = gas->add_option("--chain", f->chain, "measure this existing chain instead of a fresh run");
    for (auto* o : {nodes, cycles, fork, difficulty}) chain->excludes(o);
    auto* model_only = gas->add_flag("--model-only", f->model_only,
                                     "no measured run: the printed figures and the paper's model "
                                     "(for any N, C and fork) only");
    model_only->excludes(chain);
    gas->add_option("-o,--output", f->out,
                    "directory for gas.{md,csv,json}, gas-blocks.svg, gas-cycles.svg and "
                    "the fresh run's chain (must not exist)");
    gas->add_option("--format", f->format, "what to print: md, csv or json")
        ->check(CLI::IsMember({"md", "csv", "json"}))
        ->capture_default_str();
    gas->add_flag("-q,--quiet", f->quiet, "no progress on stderr");
    gas->callback(guarded(
        exit_code,
        [f] {
            reports::GasReportOptions options = f->options;
            if (!vm::parse_fork(options.fork))
                throw InputError(fmt::format("--fork: error: unknown fork '{}'", options.fork));
            const std::filesystem::path out = f->out;
            options.measure = !f->model_only;
            if (!out.empty()) create_output_dir(out);
            // A failed report leaves no half-written output directory behind.
            struct RemoveOnFailure {
                std::filesystem::path dir;
                bool done = false;
                ~RemoveOnFailure() {
                    std::error_code ec;
                    if (!done && !dir.empty()) std::filesystem::remove_all(dir, ec);
                }
            } cleanup{out};
            if (!f->chain.empty()) options.chain = f->chain;
            const std::filesystem::path scratch =
                out.empty() && f->chain.empty() && !f->model_only ? scratch_dir("gas") : "";
            if (f->chain.empty() && options.measure)
                options.work_dir = out.empty() ? scratch / "chain" : out / "chain";
            const auto progress = [&](const std::string& step) {
                if (!f->quiet) fmt::print(stderr, "  {}\n", step);
            };
            reports::GasReport rep;
            try {
                rep = reports::make_gas_report(options, progress);
            } catch (...) {
                if (!scratch.empty()) std::filesystem::remove_all(scratch);
                throw;
            }
            if (!scratch.empty()) std::filesystem::remove_all(scratch);
            const std::string md = reports::gas_markdown(rep), csv = reports::gas_csv(rep),
                              json = reports::gas_json(rep);
            if (!out.empty()) {
                write_text_file(out / "gas.md", md);
                write_text_file(out / "gas.csv", csv);
                write_text_file(out / "gas.json", json);
                write_text_file(out / "gas-blocks.svg", reports::gas_blocks_svg(rep));
                write_text_file(out / "gas-cycles.svg", reports::gas_cycles_svg(rep));
            }
            cleanup.done = true;
            fmt::print("{}", f->format == "csv" ? csv : f->format == "json" ? json : md);
            if (!out.empty() && !f->quiet)
                fmt::print(stderr, "wrote {0}/gas.md, .csv, .json, gas-blocks.svg, gas-cycles.svg\n",
                           out.string());
            return 0;
        },
        1,
        [](const std::exception& e) {
            return dynamic_cast<const runtime::StoreError*>(&e) != nullptr ||
                   dynamic_cast<const std::invalid_argument*>(&e) != nullptr;
        }));
}

}  // namespace

void add_report_commands(CLI::App& app, int& exit_code) {
    auto* report = app.add_subcommand("report", "Reproduce and measure the paper's evaluation");
    report->require_subcommand(1);
    add_gas_command(*report, exit_code);

    auto* forg = report->add_subcommand(
        "forgery", "Sampled replay: detection rate of forged epochs against the bound 1-(1-f)^Q, measured");
    auto ff = std::make_shared<ForgeryFlags>();
    forg->add_option("--epochs", ff->options.epochs, "forged epochs per cell (and honest ones)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    forg->add_option("--segment-steps", ff->options.segment_steps, "s: steps between committed states")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    forg->add_option("--sample", ff->options.sample, "Q: segments re-run per check")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    forg->add_option("--seed", ff->options.seed, "the experiment's seed")->capture_default_str();
    forg->add_option("-o,--output", ff->out, "directory for forgery.{md,csv,json} (must not exist)");
    forg->add_option("--format", ff->format, "what to print: md, csv or json")
        ->check(CLI::IsMember({"md", "csv", "json"}))
        ->capture_default_str();
    forg->add_flag("-q,--quiet", ff->quiet, "no progress on stderr");
    forg->callback(guarded(
        exit_code, [ff] { return run_forgery(*ff); }, 1,
        [](const std::exception& e) { return dynamic_cast<const training::ConfigError*>(&e) != nullptr; }));

    auto* rec = report->add_subcommand(
        "recovery", "Recovery rate (Fig. 7): a keep-last-K checkpoint manager against the chain, measured");
    auto f = std::make_shared<RecoveryFlags>();
    rec->add_option("--max-epochs", f->options.max_epochs, "epochs to train (N)")->capture_default_str();
    rec->add_option("--keep", f->options.keep, "the manager's max_to_keep (K)")->capture_default_str();
    rec->add_option("--nodes", f->options.nodes, "the chain's user nodes")->capture_default_str();
    rec->add_option("--difficulty", f->options.difficulty_bits,
                    "proof-of-work difficulty (bits) of every block, the rollback blocks included")
        ->capture_default_str();
    rec->add_option("--tamper-epoch", f->options.tamper_epoch,
                    "testing: overwrite this epoch's checkpoint file in the chain's store with the previous "
                    "epoch's, so its chain-side restores fail the digest check");
    rec->add_option("-o,--output", f->out,
                    "directory for recovery.{csv,md,json,svg} and the experiment's stores (must not exist)");
    rec->add_option("--format", f->format, "what to print: md, csv or json")
        ->check(CLI::IsMember({"md", "csv", "json"}))
        ->capture_default_str();
    rec->add_flag("-q,--quiet", f->quiet, "no progress on stderr");
    rec->callback(guarded(
        exit_code, [f] { return run_recovery(*f); }, 1,
        [](const std::exception& e) { return dynamic_cast<const training::ConfigError*>(&e) != nullptr; }));
}

}  // namespace trainchain::cli
