// Output files for the CLI: "-" is stdout. Write errors (disk full, closed
// pipe) are reported, never ignored.
//
// An output opened with Commit::kWhenComplete is written to an unnamed
// temporary file in the target's folder (O_TMPFILE; a hidden named one where
// the file system has none) and linked into place by close() only when every
// write, the flush and the fsync succeeded. A run that is killed, or that
// fills the disk, leaves the previous file (or no file) at the path, never a
// torn one that looks complete. Opening fails at once when the folder is
// missing or not writable, so commands open their outputs before reading
// input. Devices, pipes and other non-regular files are written in place.
// The one window: the file is linked under a hidden temporary name
// (".NAME.kindred-PID-N-M") just before the rename, so a kill within those
// microseconds leaves that hidden file beside an intact target; the next
// output opened at that path removes it (temporaries of processes that no
// longer run, never those of a live one).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace kindred::cli {

class OutputFile {
 public:
  enum class Commit {
    kStreaming,     ///< written in place as it goes (logs such as --rejects)
    kWhenComplete,  ///< appears at the path only when complete (see above)
  };

  OutputFile() = default;
  // Without a successful close(), a kWhenComplete output is discarded.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Opens `path` for writing ("-" = stdout). Returns false and sets error().
  bool open(const std::string& path, Commit commit = Commit::kStreaming);
  void write(std::string_view data);
  // Flushes and closes (and puts a kWhenComplete file in place); returns false
  // when any write failed, and then leaves the path as it was.
  bool close();
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  bool fail(const std::string& what);
  bool commit_temporary();
  void discard();

  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool failed_ = false;
  bool anonymous_ = false;  ///< an O_TMPFILE file, linked in at close
  std::string temp_path_;   ///< the named temporary file, when not anonymous
  std::string path_, error_;
};

}  // namespace kindred::cli
