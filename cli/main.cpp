// The `kindred` executable: parses the command line and hands over to a
// subcommand. Exit codes: 0 ok, 1 bad input or no documents, 2 usage, 3 output error.
#include <CLI/CLI.hpp>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <string>

#include "commands.h"
#include "kindred/params.h"
#include "kindred/version.h"
#include "manual.h"

namespace {

// A scan allocates and frees each batch's texts (megabytes) on different
// threads. With glibc's defaults the freed top of the heap is returned to the
// kernel after every batch and faulted back, zeroed, for the next: 15% of a
// scan's time went to clearing pages. Keeping up to 256 MB of free heap
// instead cut a 200,000-document scan from 5.8 s to 4.9 s. Memory policy of
// the process, so it lives here, not in the library.
void tune_allocator() {
#if defined(__GLIBC__)
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

// What `kindred --version` prints: the version, the default parameters' spec
// string (a `run` record's "params") and the features compiled in.
std::string version_text() {
  return std::string("kindred ") + kindred::kVersion + "\nparams: " + kindred::Params{}.to_spec() +
         "\nfeatures: " + kindred::kFeatures;
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator();
  CLI::App app{"kindred: traces reused text through the news"};
  app.set_version_flag("--version", version_text, "Print the version, parameters and features");
  app.footer(
      "Exit codes: 0 ok; 1 bad input (the message names file and line) or nothing to scan; "
      "2 usage error, or a feature this kindred was built without; 3 the output could not be "
      "written.");
  app.require_subcommand(1);
  kindred::cli::register_scan(app);
  kindred::cli::register_report(app);
  kindred::cli::register_compare(app);
  kindred::cli::register_synth(app);
  kindred::cli::register_index(app);
  kindred::cli::register_serve(app);
  // Manual pages and completion scripts, written at build time from this table.
  if (const int code = kindred::cli::run_generator(app, argc, argv); code >= 0) return code;
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
