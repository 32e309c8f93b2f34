// cli/main.cpp - entry point of the `trainchain` command-line tool.
#include <fmt/core.h>
#include <sys/stat.h>

#include "commands.hpp"
#include "trainchain/nats/nats.hpp"

int main(int argc, char** argv) {
    // Everything a run writes is private (mode 0600 files, 0700 directories): its chain, checkpoints,
    // keys, plots and reports. The libraries set these modes themselves where they create a run's
    // files; the umask covers the rest (outputs of export, compile, report) and SQLite's own files.
    ::umask(077);
    CLI::App app{"trainchain: a deep-learning training history in a private proof-of-work blockchain"};
    app.require_subcommand(1);
    app.set_version_flag("-V,--version", std::string("trainchain ") + TRAINCHAIN_VERSION);
    int exit_code = 0;
    trainchain::cli::add_vm_commands(app, exit_code);
    trainchain::cli::add_contract_commands(app, exit_code);
    trainchain::cli::add_chain_commands(app, exit_code);
    trainchain::cli::add_train_commands(app, exit_code);
    trainchain::cli::add_report_commands(app, exit_code);
    trainchain::cli::add_serve_commands(app, exit_code);
    trainchain::cli::add_node_commands(app, exit_code);
    trainchain::cli::add_completion_commands(app, exit_code);
    try {
        app.name(argc > 0 ? argv[0] : "trainchain");
        auto args = trainchain::cli::command_line(argc, argv);
        app.parse(args);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "trainchain: error: {}\n", e.what());
        return trainchain::cli::exit_bad_input;
    }
    trainchain::nats::shutdown();
    return exit_code;
}
