// libFuzzer target: the HTTP request path up to the document JSON. Each input
// is the raw bytes of one connection (one or more requests, then the end):
// httplib's request line and header parsing, the connection layer's caps
// (server/connections.h), routing, the token check, and POST /documents'
// body reading (Content-Length, chunked, to the end) and JSON parsing. The
// index is opened read-only, so a request that gets as far as adding is
// answered 500 and nothing accumulates between inputs.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "http_server.h"
#include "kindred/live_index.h"

namespace {

struct Served {
  std::filesystem::path dir;
  std::unique_ptr<kindred::LiveIndex> index;
  std::unique_ptr<kindred::server::Service> service;

  Served() {
    char tmpl[] = "/tmp/kindred-fuzz-http-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    dir = tmpl;
    const std::string ix = (dir / "ix").string();
    if (!kindred::LiveIndex::create(ix, kindred::Params{})) std::abort();
    kindred::LiveOpenOptions o;
    o.read_only = true;
    auto opened = kindred::LiveIndex::open(ix, o);
    if (!opened) std::abort();
    index = std::move(*opened);
    kindred::server::ServerOptions so;
    so.max_body_bytes = 64u << 10;  // small caps: inputs reach them
    so.max_batch = 8;
    so.connections.max_head_bytes = 16u << 10;
    service = std::make_unique<kindred::server::Service>(*index, so);
  }
  ~Served() {
    service.reset();
    index.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Served served;
  const std::string answer =
      served.service->serve_bytes({reinterpret_cast<const char*>(data), size});
  // Whatever came in, what goes out is HTTP answers (or nothing).
  if (!answer.empty() && answer.rfind("HTTP/1.1 ", 0) != 0) __builtin_trap();
  return 0;
}
