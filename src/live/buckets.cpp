// LiveIndex: the LSH buckets as one transaction sees them (bucket runs of the
// store, then the in-memory delta), and the candidate rule of
// candidates/bucket_rule.h applied to them.
#include <algorithm>

#include "candidates/bucket_rule.h"
#include "live/index_impl.h"

namespace kindred {

using live::bucket_key;
using live::Txn;

void LiveIndex::Impl::sync_delta(Txn& t, uint32_t upto, uint32_t n) const {
  if (delta.base() != upto || delta.end() < upto) delta.reset(upto);
  std::vector<uint32_t> scratch;
  for (uint32_t i = delta.end(); i < n; ++i) {
    const std::span<const uint32_t> keys = band_keys(t, i, scratch);
    if (!t.ok()) return;  // the delta stays short; the caller refuses the answer
    delta.append(keys);
  }
}

LiveIndex::Impl::Buckets::Buckets(const Impl& impl, Txn& txn, uint32_t lim)
    : s(impl), t(txn), limit(lim) {
  for (const live::RunInfo& r : live::read_runs(txn, impl.d().meta)) {
    runs.emplace_back(txn, impl.d().buckets, r);
  }
}

LiveIndex::Impl::Buckets::Summary LiveIndex::Impl::Buckets::summary(uint64_t bk) const {
  Summary out;
  for (const live::RunView& r : runs) {
    const live::RunView::Summary rs = r.summary(bk);
    if (rs.count == 0) continue;
    if (out.count == 0) out.first = rs.first;
    out.count += rs.count;
    out.last = rs.last;
  }
  const live::BucketDelta::Summary ds = s.delta.summary(bk, limit);
  if (ds.count > 0) {
    if (out.count == 0) out.first = ds.first;
    out.count += ds.count;
    out.last = ds.last;
  }
  return out;
}

void LiveIndex::Impl::Buckets::members(uint64_t bk, std::vector<uint32_t>& out) const {
  for (const live::RunView& r : runs) {
    r.members(bk, [&](uint32_t doc) {
      out.push_back(doc);
      return true;
    });
  }
  s.delta.members(bk, limit, out);
}

void LiveIndex::Impl::candidates(const Buckets& buckets, std::span<const uint32_t> keys,
                                 std::vector<uint32_t>& out,
                                 std::vector<uint64_t>* crossing) const {
  for (uint32_t b = 0; b < keys.size(); ++b) {
    const uint64_t bk = bucket_key(b, keys[b]);
    const Buckets::Summary m = buckets.summary(bk);
    if (m.count == 0) continue;
    const candidates::JoinPairs join =
        candidates::pairs_on_join(m.count, m.first, m.last, params.max_bucket);
    if (join.all) {
      buckets.members(bk, out);
    } else {
      out.push_back(join.star);
      out.push_back(join.chain);
      // This document took the bucket past the cap: pairs it proposed may go.
      if (candidates::proposes_all_pairs(m.count, params.max_bucket) && crossing) {
        crossing->push_back(bk);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

bool LiveIndex::Impl::proposed(const Buckets& buckets, uint32_t x, uint32_t y) const {
  std::vector<uint32_t> sx, sy, members;
  const auto kx = band_keys(buckets.t, x, sx);
  const auto ky = band_keys(buckets.t, y, sy);
  if (kx.size() != ky.size()) return false;  // corrupt: the Txn has failed
  for (uint32_t b = 0; b < kx.size(); ++b) {
    if (kx[b] != ky[b]) continue;
    const uint64_t bk = bucket_key(b, kx[b]);
    const Buckets::Summary m = buckets.summary(bk);
    if (m.count == 0) continue;
    if (candidates::proposes_all_pairs(m.count, params.max_bucket) || m.first == x) return true;
    members.clear();
    buckets.members(bk, members);
    auto it = std::lower_bound(members.begin(), members.end(), x);
    if (it == members.end() || *it != x || it + 1 == members.end()) continue;
    if (candidates::bucket_proposes(m.count, m.first, x, y, *(it + 1), params.max_bucket)) {
      return true;
    }
  }
  return false;
}

}  // namespace kindred
