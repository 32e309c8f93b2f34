// cli/report_commands.cpp - `trainchain report recovery`: the paper's evaluation reproduced and
// measured (the gas-cost report is still to come).
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>

#include "commands.hpp"
#include "trainchain/runtime/store.hpp"
#include "trainchain/training/recovery.hpp"
#include "trainchain/training/server.hpp"

namespace trainchain::cli {
namespace {

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    runtime::write_file_atomically(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

}  // namespace

void add_report_commands(CLI::App& app, int& exit_code) {
    auto* report = app.add_subcommand("report", "Reproduce and measure the paper's evaluation");
    report->require_subcommand(1);

    auto* rec = report->add_subcommand(
        "recovery", "Recovery rate (Fig. 7): a keep-last-K checkpoint manager against the chain, measured");
    struct Flags {
        training::RecoveryOptions options;
        std::string out;
        std::string format = "md";
        bool quiet = false;
    };
    auto f = std::make_shared<Flags>();
    rec->add_option("--max-epochs", f->options.max_epochs, "epochs to train (N)")->capture_default_str();
    rec->add_option("--keep", f->options.keep, "the manager's max_to_keep (K)")->capture_default_str();
    rec->add_option("--nodes", f->options.nodes, "the chain's user nodes")->capture_default_str();
    rec->add_option("--difficulty", f->options.difficulty_bits, "proof-of-work difficulty (bits)")
        ->capture_default_str();
    rec->add_option("-o,--output", f->out,
                    "directory for recovery.{csv,md,json,svg} and the experiment's stores (must not exist)");
    rec->add_option("--format", f->format, "what to print: md, csv or json")
        ->check(CLI::IsMember({"md", "csv", "json"}))
        ->capture_default_str();
    rec->add_flag("-q,--quiet", f->quiet, "no progress on stderr");
    rec->callback(guarded(
        exit_code,
        [f] {
            const std::filesystem::path out = f->out;
            if (!out.empty() && std::filesystem::exists(out))
                throw InputError(
                    fmt::format("{}: error: already exists; give a new output directory", out.string()));
            // Without -o the stores go to a temporary directory that is removed afterwards.
            const std::filesystem::path work =
                out.empty() ? std::filesystem::temp_directory_path() /
                                  fmt::format("trainchain-recovery-{}", static_cast<long>(::getpid()))
                            : out;
            if (out.empty()) std::filesystem::remove_all(work);  // a leftover of an earlier process
            training::RecoveryOptions options = f->options;
            options.dir = work;
            const auto result = training::measure_recovery(options, [&](uint32_t n) {
                if (!f->quiet) fmt::print(stderr, "\r  epoch {}/{}", n, options.max_epochs);
            });
            if (!f->quiet) fmt::print(stderr, "\n");
            const std::string md = training::recovery_markdown(result), csv = training::recovery_csv(result),
                              json = training::recovery_json(result);
            if (out.empty()) {
                std::filesystem::remove_all(work);
            } else {
                write_text_file(out / "recovery.md", md);
                write_text_file(out / "recovery.csv", csv);
                write_text_file(out / "recovery.json", json);
                write_text_file(out / "recovery.svg", training::recovery_svg(result));
            }
            fmt::print("{}", f->format == "csv" ? csv : f->format == "json" ? json : md);
            if (!out.empty() && !f->quiet)
                fmt::print(stderr,
                           "wrote {0}/recovery.md, .csv, .json, .svg (stores: {0}/keep-last, {0}/chain)\n",
                           out.string());
            return 0;
        },
        1,
        [](const std::exception& e) { return dynamic_cast<const training::ConfigError*>(&e) != nullptr; }));
}

}  // namespace trainchain::cli
