// OutputStream: a file the synthetic corpus is written to, compressed by its
// name: "*.gz" gzip, "*.zst" zstd, anything else as is; "-" is stdout,
// uncompressed. Benchmark corpora are large (1M documents: 3.3 GB of JSON
// Lines, ~1 GB as zstd), so writing them compressed saves disk and time.
//
// Not thread-safe. Every failure (open, write, compress, close) is returned as
// a Status naming the path; after one, later calls return it again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kindred/status.h"

namespace kindred::synth {

enum class Codec : uint8_t { kNone, kGzip, kZstd };

// The codec a path asks for by its suffix.
Codec codec_for_path(std::string_view path);

class OutputStream {
 public:
  /// gzip 1 (gzip 6 runs at ~10 MB/s on this text, far below the generator),
  /// zstd 3 (zstd's own default: smaller than gzip 6 and ~6x faster).
  static constexpr int kDefaultLevel = -1;

  OutputStream();
  ~OutputStream();  // closes, ignoring errors: call close() to see them
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  // `level`: gzip 1-9, zstd 1-19, or kDefaultLevel.
  Status open(const std::string& path, int level = kDefaultLevel);
  Status write(std::string_view data);
  // Finishes the compressed stream, flushes and closes the file.
  Status close();

  Codec codec() const;
  uint64_t bytes_in() const;   ///< uncompressed bytes accepted
  uint64_t bytes_out() const;  ///< bytes written to the file

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kindred::synth
