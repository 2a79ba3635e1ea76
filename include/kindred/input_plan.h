// Input planning: the PATH arguments of `kindred scan` as pieces that readers
// on many machines can read by themselves, in the order one reader reads them.
//
//   plan_inputs    the walk of ingest::read_path() (one walk: the reader uses it
//                  too), each file a piece, large uncompressed JSON Lines files
//                  cut into byte ranges;
//   group_shards   consecutive pieces of about a target size, for one task each;
//   count_newlines what a range needs to number its lines as a whole read does;
//   read_input     one piece, with the documents, rejections, lines, offsets
//                  and ids a read of the whole PATH gives.
//
// The Dask backend (python/kindred/dask.py) plans with these through the
// binding; the stages API (stages.h) reads and sketches pieces.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "kindred/document.h"
#include "kindred/pipeline.h"
#include "kindred/read_options.h"
#include "kindred/status.h"

namespace kindred::ingest {

// One unit of input a reader on any machine can read by itself.
struct InputPiece {
  enum class Kind : uint8_t {
    kPath,        ///< ingest::read_path(file): a PATH argument, read as `kindred scan` reads it
    kFolderFile,  ///< one file met inside a folder argument; `id` is its path relative to it
    kJsonlRange,  ///< the JSON Lines records of uncompressed `file` that start in bytes [begin,
                  ///< end)
  };
  Kind kind = Kind::kPath;
  std::string file;
  std::string id;         ///< kFolderFile only
  uint64_t begin = 0;     ///< kJsonlRange only
  uint64_t end = 0;       ///< kJsonlRange only
  uint64_t newlines = 0;  ///< kJsonlRange: newlines in bytes [0, begin) (see count_newlines)
  uint64_t size = 0;      ///< bytes on disk (of the range), to balance shards; 0 when unknown
};

// "path", "folder_file", "jsonl_range": the names the Dask backend carries.
const char* piece_kind_name(InputPiece::Kind kind);

struct InputPlan {
  std::vector<InputPiece> pieces;  ///< in the order read_path() over the PATHs reads them
  uint64_t files_skipped = 0;      ///< devices, FIFOs, sockets met in folders
  uint64_t bytes = 0;              ///< sum of the pieces' sizes
};

// The pieces of `paths`, read in order: a file is one piece (kPath); a folder
// is walked as read_path() walks it (folder_walk.h: sorted, hidden entries and
// links to folders left out) into kFolderFile pieces, and a folder that cannot
// be listed stays one kPath piece, so that reading it reports the error as
// `kindred scan` does. A file larger than `split_bytes` that is JSON Lines by
// every rule ingest has (its name, uncompressed content, a '{' opening it) is
// cut into byte ranges of at most `split_bytes` (kJsonlRange, `newlines` left
// 0 for count_newlines to fill). Nothing is read beyond a file's first KiB;
// formats are left to the readers. A path that does not exist is a kPath
// piece too (its reader reports it). "-" (stdin) is a kPath piece.
InputPlan plan_inputs(std::span<const std::string> paths, uint64_t split_bytes);

// Consecutive pieces of about `target_bytes` each (a piece counts at least one
// byte), in input order; every piece in exactly one shard.
std::vector<std::vector<InputPiece>> group_shards(std::span<const InputPiece> pieces,
                                                  uint64_t target_bytes);

// Newlines in bytes [begin, end) of `file` (read as is, never decompressed).
Result<uint64_t> count_newlines(const std::string& file, uint64_t begin, uint64_t end);

// Reads one piece with the semantics of ingest::read_path() over the whole
// PATH: documents and rejections carry the file, line, offset and id a read of
// the PATH would give them (a folder's file is read as the walk reads it; a
// range numbers its lines from `newlines`).
Status read_input(const InputPiece& piece, const ReadOptions& options,
                  const std::function<bool(Document&&)>& on_document,
                  const std::function<bool(Rejection&&)>& on_reject, ReadStats* stats);

}  // namespace kindred::ingest
