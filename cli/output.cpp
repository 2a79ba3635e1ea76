#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>

namespace kindred::cli {

namespace {

std::string folder_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// A name beside `path` that no other kindred process picks: hidden, with the
// process id and a counter.
std::string temporary_name(const std::string& path, int attempt) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path p(path);
  const std::string name = "." + p.filename().string() + ".kindred-" + std::to_string(::getpid()) +
                           "-" + std::to_string(counter++) + "-" + std::to_string(attempt);
  return (p.parent_path() / name).string();
}

// Removes the hidden temporaries of `path` (temporary_name()) left by kindred
// processes that no longer run: a process killed in the instant between
// naming its finished output and renaming it over `path`. Temporaries of live
// processes (another run writing the same path) are left alone.
void remove_stale_temporaries(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string prefix = "." + p.filename().string() + ".kindred-";
  std::error_code ec;
  std::filesystem::directory_iterator it(folder_of(path), ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string rest = name.substr(prefix.size());
    const size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos) continue;
    const std::string digits = rest.substr(0, dash);
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    const auto pid = static_cast<pid_t>(std::stol(digits));
    if (pid > 0 && pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::filesystem::remove(it->path(), ec);
      ec.clear();
    }
  }
}

// So that the rename survives a power cut with the data it names.
void sync_folder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

OutputFile::~OutputFile() {
  if (anonymous_ || !temp_path_.empty()) {
    discard();  // never completed: the path keeps what it had
  } else {
    close();
  }
}

bool OutputFile::fail(const std::string& what) {
  if (!failed_) {
    failed_ = true;
    error_ = path_ + ": " + what + std::strerror(errno);
  }
  return false;
}

bool OutputFile::open(const std::string& path, Commit commit) {
  path_ = path;
  if (path == "-") {
    file_ = stdout;
    owned_ = false;
    return true;
  }
  struct stat st {};
  const bool special = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  if (commit == Commit::kStreaming || special) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) {
      error_ = path + ": " + std::strerror(errno);
      return false;
    }
    owned_ = true;
    return true;
  }
  remove_stale_temporaries(path);
  const std::string dir = folder_of(path);
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  anonymous_ = fd >= 0;
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    // No O_TMPFILE here: a hidden named file, removed unless completed.
    for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
      temp_path_ = temporary_name(path, attempt);
      fd = ::open(temp_path_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
      if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) temp_path_.clear();
  }
  if (fd < 0) {
    error_ = path + ": " + std::strerror(errno);
    return false;
  }
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    error_ = path + ": " + std::strerror(errno);
    ::close(fd);
    discard();
    return false;
  }
  owned_ = true;
  return true;
}

void OutputFile::write(std::string_view data) {
  if (!file_ || failed_) return;
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) fail("write failed: ");
}

bool OutputFile::commit_temporary() {
  if (::fsync(::fileno(file_)) != 0) return fail("write failed: ");
  std::string name = temp_path_;
  if (anonymous_) {
    // Give the unnamed file a temporary name, then rename it over the target:
    // link() cannot replace an existing file.
    const std::string self = "/proc/self/fd/" + std::to_string(::fileno(file_));
    for (int attempt = 0; name.empty() && attempt < 100; ++attempt) {
      const std::string candidate = temporary_name(path_, attempt);
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, candidate.c_str(), AT_SYMLINK_FOLLOW) == 0 ||
          ::linkat(::fileno(file_), "", AT_FDCWD, candidate.c_str(), AT_EMPTY_PATH) == 0) {
        name = candidate;
      } else if (errno != EEXIST) {
        return fail("cannot put the output in place: ");
      }
    }
    if (name.empty()) return fail("cannot put the output in place: ");
  }
  if (::rename(name.c_str(), path_.c_str()) != 0) {
    fail("cannot put the output in place: ");
    ::unlink(name.c_str());
    return false;
  }
  anonymous_ = false;
  temp_path_.clear();
  sync_folder(folder_of(path_));
  return true;
}

bool OutputFile::close() {
  if (!file_) return !failed_;
  if (std::fflush(file_) != 0) fail("write failed: ");
  if ((anonymous_ || !temp_path_.empty()) && !failed_) commit_temporary();
  if (owned_ && std::fclose(file_) != 0) fail("close failed: ");
  file_ = nullptr;
  discard();  // after a failure: the temporary file goes, the path keeps what it had
  return !failed_;
}

void OutputFile::discard() {
  if (file_ && owned_) std::fclose(file_);
  file_ = nullptr;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
  anonymous_ = false;
}

}  // namespace kindred::cli
