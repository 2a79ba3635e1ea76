// Server: the JSON HTTP API over a LiveIndex (reference: docs/api.md).
//
// Routes only translate: they parse requests, call LiveIndex, and write the
// answers as JSON (or the HTML story view of src/report/html.h). Requests are
// parsed by cpp-httplib, each connection on its own thread (connections.h),
// at most `threads` handled at once: reads run in parallel on LMDB snapshots,
// adds are serialised by the index.
//
// Safety: binds 127.0.0.1 unless told otherwise; with a token every route but
// /health needs "Authorization: Bearer TOKEN" (401 without); bodies over
// max_body_bytes get 413 (chunked ones too, as soon as they pass it, never
// buffered whole), batches over max_batch 413, bad JSON or documents 400 with
// the reason, and nothing is stored unless the whole request is valid. Slow
// or idle clients are timed out and connections limited (connections.h), so
// one client cannot stall the others. docs/api.md lists every limit.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "connections.h"
#include "kindred/live_index.h"
#include "util/json_writer.h"

namespace kindred::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                    ///< 0: any free port (see Service::port())
  std::string token;                  ///< empty: no authentication
  size_t max_body_bytes = 32u << 20;  ///< request bodies larger than this: 413
  size_t max_batch = 1000;            ///< documents per POST /documents
  size_t threads = 8;                 ///< requests handled at once (once they have arrived)
  ConnectionLimits connections;       ///< timeouts and the connection limit
  /// How long `?final=true` and POST /stories/sync wait for final stories (then 503).
  double story_wait_seconds = 60;
};

// The index's counts as one JSON object: GET /stats and `kindred index stats`.
void write_stats(util::JsonWriter& w, const LiveStats& stats);

// Thread-safety: start()/stop() from one thread; requests are served on the pool.
class Service {
 public:
  Service(LiveIndex& index, ServerOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Binds the socket; returns false (with a message in error()) when it cannot.
  bool bind();
  int port() const;  ///< the bound port
  // Serves until stop() (blocks); call after bind().
  bool listen();
  void stop();
  const std::string& error() const { return error_; }
  // Serves `request` (raw HTTP: one or more requests) as one connection that
  // then ends, without a socket; returns the raw answers (tests, fuzzing).
  std::string serve_bytes(std::string_view request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace kindred::server
