#include "ingest/batches.h"

#include <algorithm>
#include <utility>

namespace kindred::ingest {

std::optional<Rejection> read_in_batches(std::span<const std::string> paths,
                                         const ReadOptions& options, const BatchPolicy& policy,
                                         const BatchSink& consume, const RejectSink& on_reject,
                                         ReadStats* stats) {
  std::optional<Rejection> fatal;
  bool stopped = false;  // on_reject asked to stop
  auto reject = [&](Rejection&& r) {
    if (!policy.skip_bad) {
      if (!fatal) fatal = std::move(r);
      return false;
    }
    if (!on_reject(std::move(r))) stopped = true;
    return !stopped;
  };
  std::vector<Document> batch;
  auto flush = [&] {
    if (batch.empty() || fatal || stopped) return;
    for (Rejection& r : consume(std::exchange(batch, {}))) {
      if (!reject(std::move(r))) break;
    }
  };
  const size_t size = std::max<size_t>(1, policy.batch);
  std::optional<Rejection> reader_fatal;  // strict mode: reported after the batch before it
  for (const std::string& path : paths) {
    read_path(
        path, options,
        [&](Document&& d) {
          batch.push_back(std::move(d));
          if (batch.size() >= size) flush();
          return !fatal && !stopped;
        },
        [&](Rejection&& r) {
          if (policy.skip_bad) return reject(std::move(r));
          reader_fatal = std::move(r);
          return false;
        },
        stats);
    if (reader_fatal) {
      flush();
      if (!fatal) fatal = std::move(reader_fatal);
    }
    if (fatal || stopped) return fatal;
  }
  flush();
  return fatal;
}

}  // namespace kindred::ingest
