// cli/commands.hpp - registration of the CLI's subcommands, one function per area.
#pragma once

#include <CLI/CLI.hpp>

namespace trainchain::cli {

/// The exit code of bad input (source, bytecode, files, flags).
inline constexpr int exit_bad_input = 2;

/// Registers `asm`, `disasm`, `exec` and `vmtest`; the command's exit code goes to `exit_code`.
void add_vm_commands(CLI::App& app, int& exit_code);

}  // namespace trainchain::cli
