// `kindred serve --index DIR`: the HTTP API of server/ (docs/api.md) over a live index.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "http_server.h"
#include "input.h"
#include "kindred/live_index.h"

namespace kindred::cli {

namespace {

server::Service* g_service = nullptr;  // for the signal handler only

extern "C" void stop_on_signal(int) {
  if (g_service) g_service->stop();
}

}  // namespace

void register_serve(CLI::App& app) {
  struct Args {
    std::string dir;
    server::ServerOptions options;
    unsigned threads = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve a live index over HTTP (docs/api.md)");
  cmd->add_option("--index", args->dir, "Index directory (kindred index create)")->required();
  cmd->add_option("--host", args->options.host, "Address to bind")->capture_default_str();
  cmd->add_option("--port", args->options.port, "Port (0: any free port)")->capture_default_str();
  cmd->add_option("--token", args->options.token, "Require 'Authorization: Bearer TOKEN'");
  cmd->add_option("--max-body", args->options.max_body_bytes, "Largest request body, bytes")
      ->capture_default_str();
  cmd->add_option("--max-batch", args->options.max_batch, "Most documents per POST /documents")
      ->capture_default_str();
  cmd->add_option("--http-threads", args->options.threads,
                  "Requests handled at once (once they have arrived)")
      ->capture_default_str();
  server::ConnectionLimits& limits = args->options.connections;
  cmd->add_option("--max-connections", limits.max_connections,
                  "Connections open at once; more are answered 503")
      ->capture_default_str();
  auto seconds = [&](const char* name, server::Millis& value, const char* what) {
    cmd->add_option_function<double>(
           name, [&value](double s) { value = server::Millis(static_cast<int64_t>(s * 1000)); },
           what)
        ->check(CLI::Range(0.001, 86400.0))
        ->default_str(std::to_string(value.count() / 1000));
  };
  seconds("--header-timeout", limits.header_timeout,
          "Seconds a request's line and headers may take (408 after)");
  seconds("--request-timeout", limits.request_timeout,
          "Seconds a whole request, body included, may take (408 after)");
  seconds("--read-timeout", limits.read_timeout,
          "Longest pause, in seconds, while a request arrives (408 after)");
  seconds("--idle-timeout", limits.idle_timeout,
          "Seconds a connection may wait without a request before it is closed");
  cmd->add_option("-t,--threads", args->threads, "Sketching threads per add (0 = all cores)");
  cmd->callback([args] {
    LiveOpenOptions o;
    o.threads = args->threads;
    auto index = LiveIndex::open(args->dir, o);
    if (!index) fail("serve", 1, index.status().message());
    server::Service service(**index, args->options);
    if (!service.bind()) fail("serve", 3, service.error());
    g_service = &service;
    std::signal(SIGINT, stop_on_signal);
    std::signal(SIGTERM, stop_on_signal);
    std::fprintf(stderr, "kindred serve: listening on http://%s:%d/\n", args->options.host.c_str(),
                 service.port());
    std::fflush(stderr);
    service.listen();
    g_service = nullptr;
  });
}

}  // namespace kindred::cli
