#include "util/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace kindred::util {

int open_spill_file(const std::string& dir, const char* prefix, std::string& error) {
  std::string path = dir;
  if (path.empty()) {
    std::error_code ec;
    path = std::filesystem::temp_directory_path(ec).string();
    if (ec) path = "/tmp";
  }
  path += std::string("/") + prefix + "-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    error = "cannot create a spill file in " + path.substr(0, path.rfind('/')) + ": " +
            std::strerror(errno);
    return -1;
  }
  ::unlink(path.c_str());
  return fd;
}

bool write_all(int fd, const char* data, size_t bytes) {
  while (bytes > 0) {
    const ssize_t n = ::write(fd, data, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;
    if (n <= 0) return false;
    data += n;
    bytes -= static_cast<size_t>(n);
  }
  return true;
}

bool read_all(int fd, char* data, size_t bytes, uint64_t offset) {
  while (bytes > 0) {
    const ssize_t n = ::pread(fd, data, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    bytes -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace kindred::util
