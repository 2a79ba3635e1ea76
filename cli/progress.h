// A progress line on stderr for long runs. It draws only when stderr is a
// terminal (so pipes and CI logs stay clean) and at most ten times a second.
#pragma once

#include <chrono>
#include <mutex>
#include <string_view>

#include "kindred/pipeline.h"

namespace kindred::cli {

class TerminalProgress : public ProgressSink {
 public:
  // `enabled` false makes every call a no-op (--quiet, or stderr not a tty).
  explicit TerminalProgress(bool enabled);
  ~TerminalProgress() override;
  void update(std::string_view stage, uint64_t done, uint64_t total) override;
  void note_bytes(uint64_t bytes);  ///< input bytes read so far, for the rate
  void clear();                     ///< erases the line before normal output

 private:
  bool enabled_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_;
  uint64_t bytes_ = 0;
  bool drawn_ = false;
};

// True when stderr is an interactive terminal.
bool stderr_is_terminal();

}  // namespace kindred::cli
