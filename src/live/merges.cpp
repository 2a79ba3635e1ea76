// LiveIndex: the in-memory delta written to the store as a bucket run, and
// runs merged geometrically (live/bucket_runs.h), on the index's background
// thread or, without background_merges, in the add that crossed the threshold.
#include <algorithm>

#include "live/index_impl.h"

namespace kindred {

using live::Txn;

LiveIndex::Impl::~Impl() {
  {
    std::lock_guard lock(compact_mu);
    stopping = true;
  }
  compact_cv.notify_all();
  {
    std::lock_guard lock(refresh_mu);  // the refresher sees `stopping` when it waits next
  }
  refresh_cv.notify_all();
  if (compactor.joinable()) compactor.join();
  if (refresher.joinable()) refresher.join();
}

uint32_t LiveIndex::Impl::merge_threshold(uint32_t upto) const {
  const uint32_t low = std::max(1u, options.merge_documents);
  return std::clamp(upto / 4, low, std::max(low, kMergeMax));
}

// Writes the delta's postings as a new run of the `buckets` table and moves
// the mark to the delta's end, in one transaction, then merges runs. (With
// background_merges, merge_delta_background does this on the compactor thread
// instead.)
Status LiveIndex::Impl::merge_delta() {
  Txn t(*env, true);
  if (!t.ok()) return t.status();
  const uint32_t upto = buckets_upto(t), n = next_doc(t);
  std::vector<live::BucketPosting> postings;
  {
    std::unique_lock lock(delta_mu);
    sync_delta(t, upto, n);  // a no-op unless another process wrote
    if (!t.ok()) return t.status();
    // sync_delta made it so; anything else is a bug here.
    if (delta.base() != upto || delta.end() != n) {
      return Status(StatusCode::kCorrupt, "bucket delta out of step with the index");
    }
    postings = delta.sorted_postings();
  }
  std::vector<live::RunInfo> runs = live::read_runs(t, d().meta);
  uint32_t next_run = live::read_next_run(t, d().meta);
  if (runs.empty() ? upto != 0 : runs.back().hi != upto) {
    t.corrupt("the bucket runs end at document " +
              std::to_string(runs.empty() ? 0 : runs.back().hi) + ", the bucket mark is " +
              std::to_string(upto));
  }
  if (!t.ok()) return t.status();
  if (Status st = live::write_run(t, d().buckets, next_run, postings); !st) return st;
  runs.push_back({next_run++, upto, n});
  if (Status st = live::write_runs(t, d().meta, runs, next_run); !st) return st;
  if (Status st = live::put(t, d().meta, live::val("buckets_upto"), live::val_of(n)); !st)
    return st;
  if (Status st = t.commit(); !st) return st;
  {
    std::unique_lock lock(delta_mu);
    delta.reset(n);
  }
  while (compact_once(true)) {
  }
  return Status::ok();
}

// merge_delta on the compactor thread: copies the postings of the committed
// documents [upto, cut) from the delta and sorts them into a run without the
// writer lock, then takes it to write the run and move the mark to `cut`
// (documents added meanwhile stay in the delta). Returns whether it merged.
bool LiveIndex::Impl::merge_delta_background() {
  uint32_t upto = 0, cut = 0;
  std::vector<live::BucketPosting> postings;
  {
    std::shared_lock lock(delta_mu);
    Txn t(*env, false);
    if (!t.ok()) return false;
    upto = buckets_upto(t);
    cut = next_doc(t);
    if (!t.ok() || cut - upto < merge_threshold(upto)) return false;
    // Another process wrote: the next add brings the delta up to date and asks again.
    if (delta.base() != upto || delta.end() < cut) return false;
    postings = delta.unsorted_postings(cut);
  }
  std::sort(postings.begin(), postings.end());
  const live::RunRecords records = live::make_run(postings);
  postings = {};
  if (stopping) return false;
  std::lock_guard lock(write_mu);
  Txn t(*env, true);
  if (!t.ok()) return false;
  std::vector<live::RunInfo> runs = live::read_runs(t, d().meta);
  if (buckets_upto(t) != upto || (runs.empty() ? upto != 0 : runs.back().hi != upto)) {
    return false;
  }
  const uint32_t next_run = live::read_next_run(t, d().meta);
  if (!live::write_run(t, d().buckets, next_run, records)) return false;
  runs.push_back({next_run, upto, cut});
  if (!live::write_runs(t, d().meta, runs, next_run + 1)) return false;
  if (!live::put(t, d().meta, live::val("buckets_upto"), live::val_of(cut))) return false;
  if (!t.commit()) return false;
  std::unique_lock delta_lock(delta_mu);
  delta.drop_below(cut);
  return true;
}

namespace {

// The newest adjacent pair of runs to merge: the older no larger than the
// newer, together within kMaxRunDocuments (a binary counter).
std::optional<size_t> run_pair(const std::vector<live::RunInfo>& runs) {
  for (size_t i = runs.size(); i-- > 1;) {
    const uint32_t older = runs[i - 1].documents(), newer = runs[i].documents();
    if (older <= newer && older + newer <= live::kMaxRunDocuments) return i - 1;
  }
  return std::nullopt;
}

}  // namespace

void LiveIndex::Impl::request_compaction() {
  if (options.read_only) return;
  std::lock_guard lock(compact_mu);
  compact_wanted = true;
  if (!compactor.joinable()) compactor = std::thread([this] { compactor_loop(); });
  compact_cv.notify_one();
}

void LiveIndex::Impl::compactor_loop() {
  std::unique_lock lock(compact_mu);
  while (true) {
    compact_cv.wait(lock, [&] { return stopping || compact_wanted; });
    if (stopping) return;
    compact_wanted = false;
    lock.unlock();
    while (!stopping && (merge_delta_background() || compact_once(false))) {
    }
    lock.lock();
  }
}

// Merges one pair of runs: reads and merges them from a read snapshot (runs
// never change), then takes the writer lock only to swap them for the merged
// run in one transaction, if they are still listed. Returns whether to look
// for another pair. `locked`: the caller holds write_mu. A corrupt run is
// left as it is (the read path reports it; `kindred index check` names it).
bool LiveIndex::Impl::compact_once(bool locked) {
  std::vector<live::RunInfo> runs;
  size_t i = 0;
  live::RunRecords records;
  {
    std::vector<live::BucketPosting> postings;
    Txn t(*env, false);
    if (!t.ok()) return false;
    runs = live::read_runs(t, d().meta);
    const auto pair = run_pair(runs);
    if (!pair) return false;
    i = *pair;
    // Both are sorted by (key, document) and hold disjoint documents.
    live::read_run(t, d().buckets, runs[i].id, postings);
    const auto middle = static_cast<std::ptrdiff_t>(postings.size());
    live::read_run(t, d().buckets, runs[i + 1].id, postings);
    if (!t.ok()) return false;
    std::inplace_merge(postings.begin(), postings.begin() + middle, postings.end());
    records = live::make_run(postings);
  }
  if (stopping) return false;
  std::unique_lock lock(write_mu, std::defer_lock);
  if (!locked) lock.lock();
  Txn t(*env, true);
  if (!t.ok()) return false;
  std::vector<live::RunInfo> now = live::read_runs(t, d().meta);
  auto at = std::find(now.begin(), now.end(), runs[i]);
  if (at == now.end() || at + 1 == now.end() || *(at + 1) != runs[i + 1]) return t.ok();
  const uint32_t next_run = live::read_next_run(t, d().meta);
  for (uint32_t id : {runs[i].id, runs[i + 1].id}) {
    if (!live::delete_run(t, d().buckets, id)) return false;
  }
  if (!live::write_run(t, d().buckets, next_run, records)) return false;
  *at = {next_run, runs[i].lo, runs[i + 1].hi};
  now.erase(at + 1);
  if (!live::write_runs(t, d().meta, now, next_run + 1)) return false;
  return t.commit().is_ok();
}

}  // namespace kindred
