// `kindred index` and `kindred serve` in a build without the live index
// (-DKINDRED_USE_LMDB=OFF): still listed, so that a user who types them learns
// why they do nothing instead of reading "unknown subcommand".
#include <cstdio>

#include "commands.h"

namespace kindred::cli {

namespace {

void register_disabled(CLI::App& app, const char* name, const char* description) {
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->allow_extras();
  cmd->prefix_command();
  cmd->callback([name] {
    std::fprintf(stderr,
                 "kindred %s: this kindred was built without the live index and the server "
                 "(-DKINDRED_USE_LMDB=OFF); rebuild with -DKINDRED_USE_LMDB=ON (liblmdb-dev, "
                 "libcpp-httplib-dev)\n",
                 name);
    throw CommandExit{2};
  });
}

}  // namespace

void register_index(CLI::App& app) {
  register_disabled(app, "index", "A persistent live index (not built in)");
}

void register_serve(CLI::App& app) {
  register_disabled(app, "serve", "Serve a live index over HTTP (not built in)");
}

}  // namespace kindred::cli
