// Manual pages and shell completion, written from the option table the CLI
// parses with (the CLI::App the subcommands register on), so that they can
// never drift from the options themselves. The build runs
//   kindred --help-man [SUBCOMMAND]     roff for man(1): kindred.1, kindred-SUBCOMMAND.1
//   kindred --completion bash|zsh       a completion script
// and installs what they print (cli/CMakeLists.txt).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace kindred::cli {

// The man page of `app` (the whole program) when `subcommand` is empty, else
// of that top-level subcommand (its own subcommands are sections of it).
// Empty when there is no such subcommand.
std::string man_page(const CLI::App& app, std::string_view subcommand);

// A completion script for `shell` ("bash" or "zsh"); empty for another shell.
std::string completion_script(const CLI::App& app, std::string_view shell);

// Handles `--help-man` and `--completion` when argv[1] is one of them: prints
// to stdout and returns the exit code; returns -1 for any other command line.
int run_generator(const CLI::App& app, int argc, char** argv);

}  // namespace kindred::cli
