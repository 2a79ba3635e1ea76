// Output files for the CLI: "-" is stdout. Write errors (disk full, closed
// pipe) are reported, never ignored.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace kindred::cli {

class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Opens `path` for writing ("-" = stdout). Returns false and sets error().
  bool open(const std::string& path);
  void write(std::string_view data);
  // Flushes and closes; returns false when any write failed.
  bool close();
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool failed_ = false;
  std::string path_, error_;
};

// Reads a whole file ("-" = stdin) as text, replacing invalid UTF-8. Returns
// false and sets `error` when it cannot be read.
bool read_text_file(const std::string& path, std::string& text, uint32_t& invalid_utf8,
                    std::string& error);

}  // namespace kindred::cli
