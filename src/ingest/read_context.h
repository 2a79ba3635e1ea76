// ReadContext: what every reader of one read_path() call shares: options, the
// caller's sinks, the statistics, and whether a rejection has stopped reading.
#pragma once

#include <string>
#include <utility>

#include "ingest/folder_walk.h"
#include "ingest/reader.h"

namespace kindred::ingest {

class ReadContext {
 public:
  ReadContext(const ReadOptions& options, const DocumentSink& on_document,
              const RejectSink& on_reject, ReadStats& stats)
      : options_(options), on_document_(on_document), on_reject_(on_reject), stats_(stats) {}

  const ReadOptions& options() const { return options_; }
  ReadStats& stats() { return stats_; }

  // Hands a document to the caller; false when the caller asked to stop, and
  // stop_status() then says so.
  bool deliver(Document&& doc) {
    ++stats_.records;
    if (!on_document_ || on_document_(std::move(doc))) return true;
    stop_status_ = Status(StatusCode::kCancelled, "reading stopped by the caller");
    return false;
  }

  // Hands a rejection to the caller; false when the caller asked to stop (an
  // absent sink means fail-fast), and stop_status() then holds its Status.
  bool reject(Origin origin, std::string id, Status status) {
    ++stats_.rejected;
    Status kept = status;
    bool go_on =
        on_reject_ && on_reject_(Rejection{std::move(origin), std::move(id), std::move(status)});
    if (!go_on) stop_status_ = std::move(kept);
    return go_on;
  }

  bool stopped() const { return !stop_status_.is_ok(); }
  const Status& stop_status() const { return stop_status_; }

 private:
  const ReadOptions& options_;
  const DocumentSink& on_document_;
  const RejectSink& on_reject_;
  ReadStats& stats_;
  Status stop_status_;
};

// One file the folder walk met, read as read_path() reads it inside a folder:
// its format by content and name, a one-document file (text, HTML) named by
// its relative path, a file of no recognisable format skipped and counted.
// Returns false when reading must stop. (Readers of planned input pieces call
// it for a folder's files, so they read as the whole folder does.)
bool read_folder_file(const FolderFile& file, ReadContext& ctx);

}  // namespace kindred::ingest
