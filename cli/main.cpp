// The `kindred` executable: parses the command line and hands over to a
// subcommand. Exit codes: 0 ok, 1 bad input or no documents, 2 usage, 3 output error.
#include <CLI/CLI.hpp>

#include "commands.h"
#include "kindred/version.h"

int main(int argc, char** argv) {
  CLI::App app{"kindred: traces reused text through the news"};
  app.set_version_flag("--version", kindred::kVersion);
  app.require_subcommand(1);
  kindred::cli::register_scan(app);
  kindred::cli::register_report(app);
  kindred::cli::register_compare(app);
  kindred::cli::register_synth(app);
  kindred::cli::register_index(app);
  kindred::cli::register_serve(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const kindred::cli::CommandExit& e) {
    return e.code;
  }
  return 0;
}
