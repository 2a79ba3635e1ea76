// Subcommands of the `kindred` executable. Each registers itself on the app;
// its callback returns through CommandExit so main() owns the exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace kindred::cli {

// Thrown by a subcommand callback to end the program with `code` (CLI11 lets
// callbacks only throw). The message, when not empty, is printed to stderr.
struct CommandExit {
  int code = 0;
};

void register_scan(CLI::App& app);
void register_report(CLI::App& app);
void register_compare(CLI::App& app);
void register_synth(CLI::App& app);
void register_index(CLI::App& app);
void register_serve(CLI::App& app);

}  // namespace kindred::cli
