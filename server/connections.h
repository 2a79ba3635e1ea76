// Connections of the HTTP server: deadlines, size caps and a connection limit.
//
// cpp-httplib 0.11 (Debian 12) serves each connection on one pool thread until
// the client closes it, and times out only a single silent read: a client that
// sends one header byte a second holds its thread for ever, and as many such
// clients as threads stall everyone else. Chunked bodies are read without any
// limit. GuardedServer keeps httplib's request parsing and routing and
// replaces what is around them:
//   - each connection has its own thread, up to `max_connections` at once; one
//     more is answered 503 and closed at once, so slow clients can take
//     connection slots but never the threads of the clients behind them;
//   - a request's line and headers must arrive within `header_timeout` of its
//     first byte, and the whole request within `request_timeout`; no single
//     silence may last `read_timeout`; a connection with no request started
//     is closed after `idle_timeout`. A late request gets 408 and is closed;
//   - the head is capped at `max_head_bytes` (431) and the bytes a body may
//     take on the wire at `max_wire_body_bytes` (413), whatever the route and
//     the transfer encoding.
// Routes learn what happened to their request through current_connection().
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kindred::server {

using Millis = std::chrono::milliseconds;

struct ConnectionLimits {
  size_t max_connections = 64;               ///< open at once, each on its own thread
  size_t max_requests = 100;                 ///< per connection (keep-alive)
  Millis header_timeout{10'000};             ///< request line and headers, from their first byte
  Millis request_timeout{60'000};            ///< the whole request, body included
  Millis read_timeout{5'000};                ///< longest silence inside a request
  Millis idle_timeout{5'000};                ///< waiting for a request to start
  Millis write_timeout{5'000};               ///< longest wait for the client to take the answer
  size_t max_head_bytes = 64u << 10;         ///< request line and headers
  uint64_t max_wire_body_bytes = 64u << 20;  ///< body bytes on the wire, framing included
};

// What happened to the request being served on this thread.
struct ConnectionState {
  bool timed_out = false;       ///< a deadline passed while it was arriving
  bool head_too_large = false;  ///< over max_head_bytes
  bool body_too_large = false;  ///< over max_wire_body_bytes on the wire
  bool close = false;           ///< close the connection after this answer
};
// The state of the connection served on this thread; null on other threads.
ConnectionState* current_connection();

// Where a connection's bytes come from and go to: a socket, or memory.
class Transport {
 public:
  virtual ~Transport() = default;
  // 1: bytes (or the end) can be read; 0: none within `wait`; -1: broken.
  virtual int wait_readable(Millis wait) = 0;
  virtual ssize_t receive(char* buf, size_t size) = 0;  ///< 0 at the end, -1 on error
  virtual ssize_t send(const char* data, size_t size, Millis timeout) = 0;
  virtual int fd() const { return -1; }
  virtual void peer(std::string& ip, int& port) const = 0;
  virtual void local(std::string& ip, int& port) const = 0;
};

// httplib's server with the connection handling above. Thread-safety: as
// httplib::Server; shutdown() may be called from any thread.
class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits);
  // Serves one connection to its end on this thread; true when it ended with
  // input possibly unread (then a socket should linger before closing, or the
  // client may get a reset instead of the answer).
  bool serve(Transport& transport);
  // Serves `request` (one or more requests, then the end of input) as one
  // connection and returns everything answered: for tests and fuzzing.
  std::string serve_bytes(std::string_view request);
  // After bind: a longer queue of connections not yet accepted than httplib's
  // 5, so that a burst of clients is not dropped by the kernel.
  void widen_backlog(int backlog);
  // Stops listening and makes the connections end their waits.
  void shutdown();
  const ConnectionLimits& limits() const { return limits_; }

 private:
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits limits_;
  std::atomic<bool> stopping_{false};
};

}  // namespace kindred::server
