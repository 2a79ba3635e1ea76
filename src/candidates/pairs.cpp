#include "candidates/pairs.h"

#include <algorithm>
#include <utility>

#include "candidates/bucket_rule.h"
#include "util/sort_hashes.h"

namespace kindred::candidates {

namespace {

// A band's entries are (band key, document) packed as pairs are, so that
// integer order is (key, doc): pair_first is the key, pair_second the document.

void emit_bucket(const uint64_t* first, size_t m, uint32_t max_bucket, std::vector<uint64_t>& out,
                 CandidateStats& stats) {
  if (!proposes_all_pairs(m, max_bucket)) ++stats.capped_buckets;
  for_each_bucket_pair(m, max_bucket, [&](size_t i, size_t j) {
    out.push_back(pack_pair(pair_second(first[i]), pair_second(first[j])));
  });
}

}  // namespace

void sequential_bands(uint32_t bands, const std::function<void(uint32_t)>& body) {
  for (uint32_t b = 0; b < bands; ++b) body(b);
}

std::vector<uint64_t> candidate_pairs(const index::BandTable& table, uint32_t max_bucket,
                                      const BandLoop& parallel_for_bands, CandidateStats* stats) {
  const uint32_t n = table.size();
  const uint32_t bands = table.bands();
  std::vector<std::vector<uint64_t>> of_band(bands);  // each sorted, distinct
  std::vector<CandidateStats> band_stats(bands);
  parallel_for_bands(bands, [&](uint32_t band) {
    // Band keys are hashes, so the counting sort on their top bits applies;
    // entries are distinct (one per document), so nothing is deduplicated.
    // PERF: std::sort here was 12% of a 200,000-document scan.
    std::vector<uint64_t> entries(n), scratch;
    for (uint32_t d = 0; d < n; ++d) entries[d] = pack_pair(table.key(d, band), d);
    util::sort_unique_hashes(entries, scratch);
    std::vector<uint64_t>& local = of_band[band];
    CandidateStats& s = band_stats[band];
    for (size_t i = 0; i < n;) {
      size_t j = i + 1;
      while (j < n && pair_first(entries[j]) == pair_first(entries[i])) ++j;
      if (j - i > 1) {
        emit_bucket(&entries[i], j - i, max_bucket, local, s);
        s.largest_bucket = std::max<uint64_t>(s.largest_bucket, j - i);
      }
      i = j;
    }
    // Deduplicate per band first: a pair sharing several bands is stored once per band at most.
    std::sort(local.begin(), local.end());
    local.erase(std::unique(local.begin(), local.end()), local.end());
    local.shrink_to_fit();  // all bands' lists are held until the merge
  });
  // Pairs found in several bands are merged per range of first documents, one
  // range per task: each band's sorted list contributes a contiguous slice,
  // and the slices are merged without duplicates. The ranges' results are in
  // order, so their concatenation is sorted.
  // PERF: one serial sort of every band's pairs was 40% of the candidate stage
  // on two threads; merging sorted slices also needs no copy of them.
  const uint32_t shards = bands;
  std::vector<std::vector<uint64_t>> of_shard(shards);
  parallel_for_bands(shards, [&](uint32_t shard) {
    const auto lo = static_cast<uint32_t>(uint64_t{n} * shard / shards);
    const auto hi = static_cast<uint32_t>(uint64_t{n} * (shard + 1) / shards);
    using Slice = std::pair<const uint64_t*, const uint64_t*>;  // [next, end)
    std::vector<Slice> heap;                                    // min-heap on *next
    for (const std::vector<uint64_t>& band : of_band) {
      const auto first = std::lower_bound(band.begin(), band.end(), pack_pair(lo, 0));
      const auto last = std::lower_bound(first, band.end(), pack_pair(hi, 0));
      if (first != last) heap.emplace_back(&*first, &*first + (last - first));
    }
    auto later = [](const Slice& x, const Slice& y) { return *x.first > *y.first; };
    std::make_heap(heap.begin(), heap.end(), later);
    std::vector<uint64_t>& out = of_shard[shard];
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      Slice& s = heap.back();
      if (out.empty() || out.back() != *s.first) out.push_back(*s.first);
      if (++s.first == s.second) {
        heap.pop_back();
      } else {
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
  });
  std::vector<std::vector<uint64_t>>().swap(of_band);
  size_t total_pairs = 0;
  for (const auto& v : of_shard) total_pairs += v.size();
  std::vector<uint64_t> all;
  all.reserve(total_pairs);
  for (auto& v : of_shard) {
    all.insert(all.end(), v.begin(), v.end());
    std::vector<uint64_t>().swap(v);
  }
  CandidateStats total;
  for (const CandidateStats& s : band_stats) {
    total.capped_buckets += s.capped_buckets;
    total.largest_bucket = std::max(total.largest_bucket, s.largest_bucket);
  }
  total.pairs = all.size();
  if (stats) *stats = total;
  return all;
}

}  // namespace kindred::candidates
