#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace kindred::cli {

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

TerminalProgress::TerminalProgress(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_() {}

TerminalProgress::~TerminalProgress() {
  clear();
}

void TerminalProgress::note_bytes(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  bytes_ = bytes;
}

void TerminalProgress::update(std::string_view stage, uint64_t done, uint64_t total) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done != total) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  if (total > 0) {
    std::fprintf(stderr, "\r\033[K%-10.*s %llu / %llu (%.0f%%)  %.1fs", int(stage.size()),
                 stage.data(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), 100.0 * double(done) / double(total),
                 secs);
  } else {
    std::fprintf(stderr, "\r\033[K%-10.*s %llu documents  %.1f MB/s  %.1fs", int(stage.size()),
                 stage.data(), static_cast<unsigned long long>(done),
                 secs > 0 ? double(bytes_) / 1e6 / secs : 0.0, secs);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void TerminalProgress::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace kindred::cli
