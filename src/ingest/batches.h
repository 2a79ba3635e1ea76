// Ingest: documents read in batches, with the policy for bad records that
// front ends share (`kindred scan` and `report`, `kindred index add`,
// scan_paths() and read_and_sketch() of the stages API).
//
// Inputs are read in order and their documents handed to `consume` in batches
// of policy.batch (the last one shorter). A bad record is a rejection from a
// reader or from `consume`, which returns the rejections of the documents it
// took (no words, an id seen before ...). With skip_bad each one goes to
// `on_reject` and reading goes on; without it the first bad record in input
// order stops the run: a reader's rejection stops reading at once, but the
// documents read before it are consumed first, since one of them may be bad
// too and it came earlier.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ingest/reader.h"

namespace kindred::ingest {

struct BatchPolicy {
  size_t batch = 2048;    ///< documents per call of consume (at least 1)
  bool skip_bad = false;  ///< go on past bad records (each to on_reject)
  // consume runs on a thread of its own while the next batch is read (one call
  // at a time; its rejections are handled before the next batch is handed
  // over). on_reject is always called on the caller's thread.
  bool overlap = false;
};

using BatchSink = std::function<std::vector<Rejection>(std::vector<Document>&&)>;

// Reads input `i` (0 <= i < inputs) into the sinks, stopping when one of them
// returns false.
using InputReader = std::function<void(size_t i, const DocumentSink&, const RejectSink&)>;

// Returns the rejection that stopped the run (only without skip_bad), else
// nullopt. on_reject (skip_bad only) returning false stops reading too (its
// sink failed; the caller knows why).
std::optional<Rejection> read_in_batches(size_t inputs, const InputReader& read,
                                         const BatchPolicy& policy, const BatchSink& consume,
                                         const RejectSink& on_reject);

// The same over PATHs, each read with read_path().
std::optional<Rejection> read_in_batches(std::span<const std::string> paths,
                                         const ReadOptions& options, const BatchPolicy& policy,
                                         const BatchSink& consume, const RejectSink& on_reject,
                                         ReadStats* stats = nullptr);

}  // namespace kindred::ingest
