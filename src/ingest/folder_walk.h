// The folder walk: which files of a folder are read, and in which order. One
// rule for the reader (read_path) and the planner (input_plan.h), so that a
// folder split across machines reads as it does on one.
//
//   * entries in byte order of their names, folders recursed in place, so
//     files come sorted by path, component by component (as
//     std::filesystem::path compares them): runs are reproducible;
//   * hidden entries (a name starting with '.') are left out, files and folders;
//   * links to folders are not followed: they could loop, or read a folder
//     twice under two names;
//   * devices, FIFOs and sockets are not documents (and could block a reader
//     forever): skipped and counted;
//   * a link whose target is missing or unreadable is a file: reading it
//     reports the problem precisely.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <system_error>

namespace kindred::ingest {

struct FolderFile {
  std::string path;   ///< as the walk reached it: the folder argument joined with `rel`
  std::string rel;    ///< relative to the folder argument ('/'-separated): a one-document file's id
  std::string name;   ///< the last component
  uint64_t size = 0;  ///< bytes (the link target's) when asked for (want_sizes), else 0
};

struct FolderVisitor {
  enum class Next { kStop, kSkipFolder, kGoOn };
  /// Each file, in order; false stops the walk.
  std::function<bool(const FolderFile&)> file;
  /// A folder that could not be listed (wholly, or only in part: the entries
  /// listed before the error are walked on kGoOn).
  std::function<Next(const std::string& folder, const std::error_code&)> unlistable;
  /// An entry that is not a document (a device, FIFO or socket).
  std::function<void()> skipped;
  /// Fill FolderFile::size (one more stat per file: the planner needs it, a reader not).
  bool want_sizes = false;
};

// Walks `folder` (whose entries' rel names start with `rel_prefix`); false
// when a visitor stopped it.
bool walk_folder(const std::string& folder, const std::string& rel_prefix,
                 const FolderVisitor& visitor);

}  // namespace kindred::ingest
