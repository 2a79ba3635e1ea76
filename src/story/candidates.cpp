#include "story/candidates.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace kindred::story {

void sequential_ranges(size_t n, const std::function<void(size_t, size_t)>& body) {
  body(0, n);
}

std::vector<uint64_t> candidate_pairs(const CandidateInput& input, const CandidateParams& params,
                                      const RangeLoop& loop) {
  const uint32_t n = input.units;
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  std::vector<uint64_t> features;
  for (uint32_t d = 0; d < n; ++d) {
    features.clear();
    input.features(d, features);
    for (uint64_t f : features) postings[f].push_back(d);
  }
  // Posting lists that propose candidates (shared by 2 to max_postings units),
  // and for each unit the lists it is on.
  std::vector<std::vector<uint32_t>> lists;
  std::vector<std::vector<uint32_t>> lists_of(n);
  for (auto& [feature, list] : postings) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    if (list.size() < 2 || list.size() > params.max_postings) continue;
    for (uint32_t d : list) lists_of[d].push_back(static_cast<uint32_t>(lists.size()));
    lists.push_back(std::move(list));
  }

  // Candidates: unit pairs on two or more common lists (or one, for copies),
  // counted per unit in a dense array over the units after it. PERF: a hash
  // map of every co-listed pair made this stage quadratic in practice (2.0 s
  // at 20,000 documents, 30.8 s at 100,000).
  std::mutex mu;
  std::vector<uint64_t> pairs;
  loop(n, [&](size_t begin, size_t end) {
    // Per-thread scratch, all zero between units: each unit resets what it touched.
    thread_local std::vector<uint32_t> shared;
    if (shared.size() < n) shared.assign(n, 0);
    std::vector<uint32_t> touched;
    std::vector<uint64_t> local;
    for (auto x = static_cast<uint32_t>(begin); x < end; ++x) {
      touched.clear();
      for (uint32_t l : lists_of[x]) {
        for (uint32_t y : lists[l]) {
          if (y > x && shared[y]++ == 0) touched.push_back(y);
        }
      }
      for (uint32_t y : touched) {
        const uint32_t count = shared[y];
        shared[y] = 0;
        const uint64_t k = unit_pair_key(x, y);
        if (count < 2 && !input.copies(k)) continue;
        local.push_back(k);
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    pairs.insert(pairs.end(), local.begin(), local.end());
  });
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace kindred::story
