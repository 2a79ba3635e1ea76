#include "output.h"

#include <cerrno>
#include <cstring>

#include "util/utf8.h"

namespace kindred::cli {

OutputFile::~OutputFile() {
  close();
}

bool OutputFile::open(const std::string& path) {
  path_ = path;
  if (path == "-") {
    file_ = stdout;
    owned_ = false;
    return true;
  }
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) {
    error_ = path + ": " + std::strerror(errno);
    return false;
  }
  owned_ = true;
  return true;
}

void OutputFile::write(std::string_view data) {
  if (!file_ || failed_) return;
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    failed_ = true;
    error_ = path_ + ": write failed: " + std::strerror(errno);
  }
}

bool OutputFile::close() {
  if (!file_) return !failed_;
  if (std::fflush(file_) != 0 && !failed_) {
    failed_ = true;
    error_ = path_ + ": write failed: " + std::strerror(errno);
  }
  if (owned_ && std::fclose(file_) != 0 && !failed_) {
    failed_ = true;
    error_ = path_ + ": close failed: " + std::strerror(errno);
  }
  file_ = nullptr;
  return !failed_;
}

bool read_text_file(const std::string& path, std::string& text, uint32_t& invalid_utf8,
                    std::string& error) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  text.clear();
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (failed) {
    error = path + ": read failed";
    return false;
  }
  invalid_utf8 = util::repair_utf8(text);
  return true;
}

}  // namespace kindred::cli
