// cli/main.cpp - entry point of the `trainchain` command-line tool: registers the commands the
// command line names (all of them for help, completion or an unknown name) and runs one.
#include <fmt/core.h>
#include <sys/stat.h>

#include <algorithm>
#include <string_view>

#include "commands.hpp"
#include "torch_commands.hpp"
#include "trainchain/nats/nats.hpp"

namespace {

using namespace trainchain::cli;

/// The command areas: the top-level commands each registration function adds. Building every
/// command's options costs a process more than its dynamic linking (CLI11 makes each option with
/// its validators and strings), so a command line that names one of these commands registers only
/// its area. cli_e2e_test runs `CMD --help` for every command `--help` lists, which fails when a
/// name here is missing or in the wrong area.
struct Area {
    std::initializer_list<std::string_view> commands;
    void (*add)(CLI::App&, int&);
};
const Area areas[] = {
    {{"asm", "disasm", "exec", "vmtest", "statetest"}, add_vm_commands},
    {{"compile"}, add_contract_commands},
    {{"chain", "history", "verify", "rollback", "export", "plot"}, add_chain_commands},
    {{"train"}, add_train_commands},
    {{"report"}, add_report_commands},
    {{"serve"}, add_serve_commands},
    {{"node"}, add_node_commands},
    // `completion` walks every command: registered with all of them, last.
};

/// The area of the command a command line (as command_line returns it: reversed) starts with, or
/// null when it starts with none of them (an option such as --help or --version, `completion`, a
/// mistyped name: register all).
const Area* named_area(const std::vector<std::string>& reversed_args) {
    if (reversed_args.empty()) return nullptr;
    const std::string& first = reversed_args.back();
    for (const auto& area : areas)
        if (std::find(area.commands.begin(), area.commands.end(), first) != area.commands.end()) return &area;
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    // Everything a run writes is private (mode 0600 files, 0700 directories): its chain, checkpoints,
    // keys, plots and reports. The libraries set these modes themselves where they create a run's
    // files; the umask covers the rest (outputs of export, compile, report) and SQLite's own files.
    ::umask(077);
    keep_command_line(argc, argv);
    CLI::App app{"trainchain: a deep-learning training history in a private proof-of-work blockchain"};
    app.require_subcommand(1);
    app.set_version_flag("-V,--version", std::string("trainchain ") + TRAINCHAIN_VERSION);
    int exit_code = 0;
    auto args = command_line(argc, argv);
    if (const Area* area = named_area(args)) {
        area->add(app, exit_code);
    } else if (args.size() == 1 && (args[0] == "--version" || args[0] == "-V")) {
        // The version alone needs no command.
    } else {
        for (const auto& a : areas) a.add(app, exit_code);
        add_completion_commands(app, exit_code);
    }
    try {
        app.name(argc > 0 ? argv[0] : "trainchain");
        app.parse(args);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "trainchain: error: {}\n", e.what());
        return exit_bad_input;
    }
    trainchain::nats::shutdown();
    return exit_code;
}
