#include "ingest/batches.h"

#include <algorithm>
#include <future>
#include <utility>

namespace kindred::ingest {

std::optional<Rejection> read_in_batches(size_t inputs, const InputReader& read,
                                         const BatchPolicy& policy, const BatchSink& consume,
                                         const RejectSink& on_reject) {
  std::optional<Rejection> fatal;
  bool stopped = false;  // on_reject asked to stop
  auto reject = [&](Rejection&& r) {
    if (fatal || stopped) return false;
    if (!policy.skip_bad) {
      fatal = std::move(r);
      return false;
    }
    if (!on_reject(std::move(r))) stopped = true;
    return !stopped;
  };
  auto handle = [&](std::vector<Rejection>&& rejections) {
    for (Rejection& r : rejections) {
      if (!reject(std::move(r))) break;
    }
  };
  std::future<std::vector<Rejection>> pending;  // policy.overlap: the batch being consumed
  auto collect = [&] {
    if (pending.valid()) handle(pending.get());
  };
  std::vector<Document> batch;
  auto flush = [&] {
    collect();
    if (batch.empty() || fatal || stopped) return;
    if (!policy.overlap) {
      handle(consume(std::exchange(batch, {})));
      return;
    }
    pending = std::async(std::launch::async, [&consume, docs = std::exchange(batch, {})]() mutable {
      return consume(std::move(docs));
    });
  };
  const size_t size = std::max<size_t>(1, policy.batch);
  const DocumentSink on_document = [&](Document&& d) {
    batch.push_back(std::move(d));
    if (batch.size() >= size) flush();
    return !fatal && !stopped;
  };
  std::optional<Rejection> reader_fatal;  // strict mode: reported after the documents before it
  const RejectSink on_read_reject = [&](Rejection&& r) {
    if (policy.skip_bad) return reject(std::move(r));
    reader_fatal = std::move(r);
    return false;
  };
  for (size_t i = 0; i < inputs && !fatal && !stopped; ++i) {
    read(i, on_document, on_read_reject);
    if (reader_fatal) {
      flush();
      collect();
      if (!fatal) fatal = std::move(reader_fatal);
    }
  }
  flush();
  collect();
  return fatal;
}

std::optional<Rejection> read_in_batches(std::span<const std::string> paths,
                                         const ReadOptions& options, const BatchPolicy& policy,
                                         const BatchSink& consume, const RejectSink& on_reject,
                                         ReadStats* stats) {
  return read_in_batches(
      paths.size(),
      [&](size_t i, const DocumentSink& on_document, const RejectSink& on_read_reject) {
        (void)read_path(paths[i], options, on_document, on_read_reject, stats);
      },
      policy, consume, on_reject);
}

}  // namespace kindred::ingest
