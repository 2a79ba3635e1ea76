#include "align/passages.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <queue>
#include <utility>

#include "core/check.h"
#include "util/hash.h"

namespace kindred::align {

namespace {

// A cell of the alignment matrix with the score of the best local alignment
// ending there. Alignments are taken in this order: highest score, then the
// earliest end in a, then in b (the brute-force reference uses the same order).
struct Cell {
  int32_t score = 0;
  uint32_t i = 0, j = 0;  ///< token indices in a and b
};
bool taken_before(const Cell& x, const Cell& y) {
  if (x.score != y.score) return x.score > y.score;
  return x.i != y.i ? x.i < y.i : x.j < y.j;
}
struct TakenLater {  // for std::priority_queue: the top is taken first
  bool operator()(const Cell& x, const Cell& y) const { return taken_before(y, x); }
};

// a[a_begin, a_end) == b[b_begin, ...) word for word (by n-gram hash).
struct Run {
  uint32_t a_begin = 0, a_end = 0, b_begin = 0;
  int64_t diag() const { return int64_t{b_begin} - int64_t{a_begin}; }
  uint32_t b_end() const { return b_begin + (a_end - a_begin); }
};

// Hash of the n words starting at each position (order-sensitive).
std::vector<uint64_t> ngram_hashes(std::span<const uint64_t> words, uint32_t n) {
  std::vector<uint64_t> out;
  if (words.size() < n) return out;
  out.resize(words.size() - n + 1);
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t h = n;
    for (uint32_t k = 0; k < n; ++k) h = util::mix64(h ^ words[i + k]);
    out[i] = h;
  }
  return out;
}

// Seeds merged into diagonal runs, sorted by (a_begin, b_begin).
std::vector<Run> find_runs(std::span<const uint64_t> a, std::span<const uint64_t> b,
                           const AlignParams& p, uint64_t& seed_count) {
  const std::vector<uint64_t> ga = ngram_hashes(a, p.seed_words),
                              gb = ngram_hashes(b, p.seed_words);
  const bool a_short = ga.size() <= gb.size();
  const std::vector<uint64_t>& gs = a_short ? ga : gb;
  const std::vector<uint64_t>& gl = a_short ? gb : ga;
  // Index of the shorter text: an open-addressing table from n-gram hash to
  // its group; a group chains its positions (last first) through `next`.
  struct Group {
    uint64_t hash;
    uint32_t head, short_count = 0, long_count = 0;
  };
  std::vector<Group> groups;
  std::vector<uint32_t> next(gs.size());
  const size_t mask = std::bit_ceil(2 * gs.size() + 1) - 1;
  std::vector<uint32_t> table(mask + 1, UINT32_MAX);
  auto slot_of = [&](uint64_t h) {
    size_t slot = h & mask;
    while (table[slot] != UINT32_MAX && groups[table[slot]].hash != h) slot = (slot + 1) & mask;
    return slot;
  };
  for (uint32_t k = 0; k < gs.size(); ++k) {
    uint32_t& g = table[slot_of(gs[k])];
    if (g == UINT32_MAX) {
      g = static_cast<uint32_t>(groups.size());
      groups.push_back({gs[k], UINT32_MAX});
    }
    next[k] = groups[g].head;
    groups[g].head = k;
    ++groups[g].short_count;
  }
  // Hits of the longer text: (group, position), and each group's count there.
  std::vector<std::pair<uint32_t, uint32_t>> hits;
  for (uint32_t k = 0; k < gl.size(); ++k) {
    const uint32_t g = table[slot_of(gl[k])];
    if (g == UINT32_MAX || groups[g].short_count > p.max_seed_occurrences) continue;
    hits.emplace_back(g, k);
    ++groups[g].long_count;
  }
  // Seeds as (diagonal, a position) packed for sorting: diagonal + |a| >= 0.
  std::vector<uint64_t> seeds;
  for (const auto& [g, pos] : hits) {
    if (groups[g].long_count > p.max_seed_occurrences) continue;
    for (uint32_t k = groups[g].head; k != UINT32_MAX; k = next[k]) {
      const uint64_t i = a_short ? k : pos, j = a_short ? pos : k;
      seeds.push_back((j + a.size() - i) << 32 | i);
    }
  }
  seed_count = seeds.size();
  // Merge seeds that touch or overlap on the same diagonal.
  std::sort(seeds.begin(), seeds.end());
  std::vector<Run> runs;
  for (const uint64_t s : seeds) {
    const auto i = static_cast<uint32_t>(s), j = static_cast<uint32_t>((s >> 32) + i - a.size());
    const Run r{i, i + p.seed_words, j};
    if (!runs.empty() && runs.back().diag() == r.diag() && r.a_begin <= runs.back().a_end) {
      runs.back().a_end = r.a_end;
    } else {
      runs.push_back(r);
    }
  }
  std::sort(runs.begin(), runs.end(), [](const Run& x, const Run& y) {
    return x.a_begin != y.a_begin ? x.a_begin < y.a_begin : x.b_begin < y.b_begin;
  });
  return runs;
}

// Runs that one alignment may join, and the pairs of them it may bridge.
struct Cluster {
  std::vector<Run> runs;                               ///< by a_begin
  std::vector<std::pair<uint32_t, uint32_t>> bridges;  ///< (earlier, later) indices into runs
};

// y starts after x on both sides, within max_gap words of x's end on each
// side, on a diagonal at most max_gap away.
bool linked(const Run& x, const Run& y, const AlignParams& p) {
  return y.a_begin > x.a_begin && y.b_begin > x.b_begin &&
         int64_t{y.a_begin} - x.a_end <= p.max_gap && int64_t{y.b_begin} - x.b_end() <= p.max_gap &&
         std::abs(y.diag() - x.diag()) <= p.max_gap;
}

// Runs grouped by single linkage: a cluster is the runs linked to one another.
std::vector<Cluster> cluster_runs(const std::vector<Run>& runs, const AlignParams& p) {
  std::vector<uint32_t> parent(runs.size());
  for (uint32_t k = 0; k < parent.size(); ++k) parent[k] = k;
  auto root = [&](uint32_t k) {
    while (parent[k] != k) k = parent[k] = parent[parent[k]];
    return k;
  };
  std::vector<std::pair<uint32_t, uint32_t>> links;
  std::vector<uint32_t> open;
  for (uint32_t k = 0; k < runs.size(); ++k) {
    std::erase_if(open, [&](uint32_t o) { return runs[o].a_end + p.max_gap < runs[k].a_begin; });
    for (uint32_t o : open) {
      if (!linked(runs[o], runs[k], p)) continue;
      links.emplace_back(o, k);
      parent[root(o)] = root(k);
    }
    open.push_back(k);
  }
  std::vector<Cluster> clusters;
  std::vector<uint32_t> cluster_of(runs.size(), UINT32_MAX), index_in(runs.size());
  for (uint32_t k = 0; k < runs.size(); ++k) {
    uint32_t& c = cluster_of[root(k)];
    if (c == UINT32_MAX) {
      c = static_cast<uint32_t>(clusters.size());
      clusters.emplace_back();
    }
    index_in[k] = static_cast<uint32_t>(clusters[c].runs.size());
    clusters[c].runs.push_back(runs[k]);
  }
  for (const auto& [x, y] : links) {
    clusters[cluster_of[root(x)]].bridges.emplace_back(index_in[x], index_in[y]);
  }
  return clusters;
}

// What every region reads: the words, the words already in a passage, the scoring.
struct Context {
  std::span<const uint64_t> a, b;
  std::vector<char> used_a, used_b;
  const AlignParams& p;
  mutable uint64_t cells = 0;
};

// The band of one cluster and the local alignment scores in it. Row r is word
// row_begin + r of a; it covers words [lo[r], end[r]) of b. Both bounds never
// decrease from one row to the next, so the rows touching a range of b are
// contiguous. Cells outside the band count as 0 (nothing aligned there).
class Region {
 public:
  Region(const Cluster& cluster, const Context& c);

  // Recomputes the cells that masking words [a0, a1) of a and [b0, b1) of b may change.
  void refresh(const Context& c, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1);
  // Computes every cell (the first time).
  void refresh_all(const Context& c) { recompute(c, 0, rows() - 1); }
  // The first cell to take, if any scores above zero.
  const Cell* best();
  // The alignment ending at cell (i, j), traced back to where its score starts from 0.
  WordAlignment trace(const Context& c, uint32_t i, uint32_t j) const;

  uint32_t version = 0;  ///< bumped at each refresh; queue entries of older versions are dropped
  size_t masked = 0;     ///< passages taken so far that this band has been refreshed for

 private:
  uint32_t rows() const { return static_cast<uint32_t>(lo_.size()); }
  int32_t at(uint32_t i, uint32_t j) const;
  void recompute(const Context& c, uint32_t first, uint32_t last);

  uint32_t row_begin_ = 0;
  std::vector<uint32_t> lo_, end_;  ///< per row: the band's words of b, [lo, end)
  std::vector<size_t> offset_;      ///< per row: its first cell in h_
  std::vector<int32_t> h_;          ///< local alignment score of each band cell
  std::vector<Cell> row_best_;      ///< per row: its best cell (first of equal scores)
  std::priority_queue<Cell, std::vector<Cell>, TakenLater> heap_;  ///< rows' best cells, lazily
};

Region::Region(const Cluster& cluster, const Context& c) {
  const AlignParams& p = c.p;
  const auto n = static_cast<int64_t>(c.a.size()), m = static_cast<int64_t>(c.b.size());
  // Cells an ungapped extension from (i, j) on, stepping by `step`, walks
  // before its score falls x_drop below its best (at most max_gap).
  auto extend = [&](int64_t i, int64_t j, int64_t step) {
    int64_t k = 0;
    for (int32_t score = 0, top = 0; k < p.max_gap && score >= top - p.x_drop;
         ++k, i += step, j += step) {
      if (i < 0 || j < 0 || i >= n || j >= m) break;
      score += c.a[static_cast<size_t>(i)] == c.b[static_cast<size_t>(j)] ? p.match : p.mismatch;
      top = std::max(top, score);
    }
    return k;
  };
  // Rows of each run, extended both ways, and `band` more rows as a gap may shift the diagonal.
  std::vector<std::pair<int64_t, int64_t>> reach;
  int64_t begin = n, end = 0;
  for (const Run& r : cluster.runs) {
    reach.emplace_back(
        std::max<int64_t>(0, r.a_begin - extend(r.a_begin - 1, r.b_begin - 1, -1) - p.band),
        std::min<int64_t>(n, r.a_end + extend(r.a_end, r.b_end(), 1) + p.band));
    begin = std::min(begin, reach.back().first);
    end = std::max(end, reach.back().second);
  }
  // Columns of each row: `band` words either side of the diagonal of every run
  // reaching it, of both runs of a bridge from where the earlier one ends to
  // where the later one starts, and the whole gap between them.
  const auto rows = static_cast<size_t>(end - begin);
  std::vector<int64_t> lo(rows, INT64_MAX), hi(rows, INT64_MIN);  // [lo, hi) words of b
  auto cover = [&](int64_t from, int64_t to, auto&& cols) {       // rows [from, to)
    for (int64_t row = from; row < to; ++row) {
      const auto k = static_cast<size_t>(row - begin);
      const auto [c0, c1] = cols(row);
      lo[k] = std::min(lo[k], c0);
      hi[k] = std::max(hi[k], c1);
    }
  };
  auto around = [&](int64_t d) {
    return [d, w = int64_t{p.band}](int64_t row) {
      return std::pair{row + d - w, row + d + w + 1};
    };
  };
  for (size_t k = 0; k < cluster.runs.size(); ++k) {
    cover(reach[k].first, reach[k].second, around(cluster.runs[k].diag()));
  }
  for (const auto& [x, y] : cluster.bridges) {
    const Run &rx = cluster.runs[x], &ry = cluster.runs[y];
    const int64_t from = std::min<int64_t>(rx.a_end - 1, ry.a_begin),
                  to = std::max<int64_t>(rx.a_end - 1, ry.a_begin) + 1;
    cover(from, to, around(rx.diag()));
    cover(from, to, around(ry.diag()));
    const int64_t c0 = int64_t{rx.b_end()} - 1, c1 = int64_t{ry.b_begin} + 1;
    if (c0 < c1) cover(from, to, [&](int64_t) { return std::pair{c0, c1}; });
  }
  for (size_t k = 1; k < rows; ++k) {  // linked runs leave no row uncovered; stay safe anyway
    if (lo[k] > hi[k]) lo[k] = lo[k - 1], hi[k] = hi[k - 1];
  }
  // Bounds made monotone, then clamped to b.
  for (size_t k = 1; k < rows; ++k) hi[k] = std::max(hi[k], hi[k - 1]);
  for (size_t k = rows; k-- > 1;) lo[k - 1] = std::min(lo[k - 1], lo[k]);
  row_begin_ = static_cast<uint32_t>(begin);
  lo_.resize(rows);
  end_.resize(rows);
  offset_.resize(rows + 1);
  for (size_t k = 0; k < rows; ++k) {
    lo_[k] = static_cast<uint32_t>(std::clamp<int64_t>(lo[k], 0, m));
    end_[k] = static_cast<uint32_t>(std::clamp<int64_t>(hi[k], lo_[k], m));
    offset_[k + 1] = offset_[k] + (end_[k] - lo_[k]);
  }
  h_.assign(offset_[rows], 0);
  row_best_.resize(rows);
}

int32_t Region::at(uint32_t i, uint32_t j) const {
  if (i < row_begin_ || i - row_begin_ >= rows()) return 0;
  const uint32_t r = i - row_begin_;
  return j >= lo_[r] && j < end_[r] ? h_[offset_[r] + (j - lo_[r])] : 0;
}

// Rows from `first` on, until one past `last` comes out unchanged (every later
// row then would too: a row depends only on the row above and the masks).
// PERF: on the 20,000-word pair of BM_AlignPassages (one core) 7.1 ms became
// 5.5 ms with three changes: zero-filling the rows of a taken passage instead
// of computing them (1.26M cells computed became 0.72M), a hash table for the
// seed index instead of binary search in a sorted one, and keeping row bests
// below min_score out of the heap. What is left is mostly this loop (~40%).
void Region::recompute(const Context& c, uint32_t first, uint32_t last) {
  const AlignParams& p = c.p;
  for (uint32_t r = first; r < rows(); ++r) {
    const uint32_t i = row_begin_ + r;
    const uint32_t lo = lo_[r], end = end_[r];
    // The row above covers [up_lo, up_end) with up_lo <= lo (bounds never decrease).
    const uint32_t up_lo = r > 0 ? lo_[r - 1] : lo, up_end = r > 0 ? end_[r - 1] : lo;
    const int32_t* up = h_.data() + offset_[r > 0 ? r - 1 : r];  // up[j - up_lo]: cell (i - 1, j)
    int32_t* row = h_.data() + offset_[r];                       // row[j - lo]: cell (i, j)
    Cell best{0, i, lo};
    if (c.used_a[i]) {  // a row of words already in a passage: all zero
      const bool changed = std::any_of(row, row + (end - lo), [](int32_t v) { return v != 0; });
      std::fill(row, row + (end - lo), 0);
      if (changed) row_best_[r] = best;
      if (!changed && r > last) break;
      continue;
    }
    const uint64_t word = c.a[i];
    bool changed = false;
    c.cells += end - lo;
    int32_t left = 0, diag = lo > up_lo && lo <= up_end ? up[lo - 1 - up_lo] : 0;  // (i-1, j-1)
    for (uint32_t j = lo; j < end; ++j) {
      const int32_t above = j < up_end ? up[j - up_lo] : 0;
      int32_t v = 0;
      if (!c.used_b[j]) {
        v = std::max(
            {0, diag + (word == c.b[j] ? p.match : p.mismatch), above + p.gap, left + p.gap});
      }
      changed |= row[j - lo] != v;
      row[j - lo] = v;
      left = v;
      diag = above;
      if (v > best.score) best = {v, i, j};
    }
    if (changed) {
      const Cell was = std::exchange(row_best_[r], best);
      const bool moved = was.score != best.score || was.j != best.j;
      if (moved && best.score >= p.min_score) heap_.push(best);  // lower ones are never taken
    } else if (r > last) {
      break;
    }
  }
}

void Region::refresh(const Context& c, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1) {
  // Rows holding words [a0, a1) of a, and rows whose band meets words [b0, b1) of b.
  uint32_t first = rows(), last = 0;
  if (a0 < row_begin_ + rows() && a1 > row_begin_) {
    first = std::max(a0, row_begin_) - row_begin_;
    last = std::min(a1, row_begin_ + rows()) - 1 - row_begin_;
  }
  const auto from =
      static_cast<uint32_t>(std::upper_bound(end_.begin(), end_.end(), b0) - end_.begin());
  const auto to = static_cast<uint32_t>(std::lower_bound(lo_.begin(), lo_.end(), b1) - lo_.begin());
  if (from < to) {
    first = std::min(first, from);
    last = std::max(last, to - 1);
  }
  if (first < rows()) recompute(c, first, last);
}

const Cell* Region::best() {
  while (!heap_.empty()) {
    const Cell& top = heap_.top();
    const Cell& now = row_best_[top.i - row_begin_];
    if (now.score == top.score && now.j == top.j) return &top;
    heap_.pop();
  }
  return nullptr;
}

// Follows the scores back: diagonal first, then a word of a alone, then of b
// (the reference traces back in the same order, so equal scores resolve alike).
WordAlignment Region::trace(const Context& c, uint32_t i, uint32_t j) const {
  const AlignParams& p = c.p;
  WordAlignment w;
  w.a_end = i + 1;
  w.b_end = j + 1;
  w.score = at(i, j);
  for (int32_t v = w.score;;) {
    const int32_t s = c.a[i] == c.b[j] ? p.match : p.mismatch;
    const int32_t diag = i > 0 && j > 0 ? at(i - 1, j - 1) : 0;
    if (v == diag + s) {
      w.ops.push_back(s > 0 ? '=' : 'x');
      if (diag == 0) break;
      --i, --j;
    } else if (i > 0 && v == at(i - 1, j) + p.gap) {
      w.ops.push_back('a');
      --i;
    } else {
      w.ops.push_back('b');
      --j;
    }
    v = at(i, j);
  }
  w.a_begin = i;
  w.b_begin = j;
  std::reverse(w.ops.begin(), w.ops.end());
  w.matched = static_cast<uint32_t>(std::count(w.ops.begin(), w.ops.end(), '='));
  return w;
}

bool reportable(const WordAlignment& w, const AlignParams& p) {
  const uint32_t words = std::max(w.a_end - w.a_begin, w.b_end - w.b_begin);
  return w.matched >= p.min_words && double(w.matched) >= p.min_identity * double(words);
}

}  // namespace

std::vector<WordAlignment> align_words(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                       const AlignParams& p, AlignStats* stats) {
  KINDRED_CHECK(p.seed_words > 0 && p.match > 0 && p.mismatch < 0 && p.gap < 0,
                "AlignParams: seed_words and match must be positive, mismatch and gap negative");
  std::vector<WordAlignment> out;
  if (stats) *stats = {};
  if (a.empty() || b.empty()) return out;
  Context c{a, b, std::vector<char>(a.size(), 0), std::vector<char>(b.size(), 0), p};
  uint64_t seeds = 0;
  const std::vector<Run> runs = find_runs(a, b, p, seeds);
  std::vector<Region> regions;
  for (const Cluster& cluster : cluster_runs(runs, p)) regions.emplace_back(cluster, c);

  // Best first over all regions. A queue entry is the best cell of a region
  // as it was before the latest passages were masked; masking only lowers
  // scores, so an entry is an upper bound and is refreshed when it reaches the top.
  struct Entry {
    Cell cell;
    uint32_t region, version;
  };
  auto later = [](const Entry& x, const Entry& y) { return taken_before(y.cell, x.cell); };
  std::priority_queue<Entry, std::vector<Entry>, decltype(later)> queue(later);
  auto push = [&](uint32_t k) {
    if (const Cell* cell = regions[k].best()) queue.push({*cell, k, regions[k].version});
  };
  for (uint32_t k = 0; k < regions.size(); ++k) {
    regions[k].refresh_all(c);
    push(k);
  }
  struct Taken {
    uint32_t a0, a1, b0, b1;
  };
  std::vector<Taken> taken;
  while (!queue.empty() && queue.top().cell.score >= p.min_score) {
    const Entry e = queue.top();
    queue.pop();
    Region& region = regions[e.region];
    if (e.version != region.version) continue;
    if (region.masked < taken.size()) {
      for (; region.masked < taken.size(); ++region.masked) {
        const Taken& t = taken[region.masked];
        region.refresh(c, t.a0, t.a1, t.b0, t.b1);
      }
      ++region.version;
      push(e.region);
      continue;
    }
    WordAlignment w = region.trace(c, e.cell.i, e.cell.j);
    std::fill(c.used_a.begin() + w.a_begin, c.used_a.begin() + w.a_end, 1);
    std::fill(c.used_b.begin() + w.b_begin, c.used_b.begin() + w.b_end, 1);
    taken.push_back({w.a_begin, w.a_end, w.b_begin, w.b_end});
    queue.push(e);  // refreshed when it comes up again
    if (reportable(w, p)) out.push_back(std::move(w));
  }
  std::sort(out.begin(), out.end(),
            [](const WordAlignment& x, const WordAlignment& y) { return x.a_begin < y.a_begin; });
  if (stats) *stats = {seeds, runs.size(), regions.size(), c.cells};
  return out;
}

Passage to_passage(const WordAlignment& w, std::span<const normalize::Token> a,
                   std::span<const normalize::Token> b) {
  Passage p;
  p.a_begin = a[w.a_begin].begin;
  p.a_end = a[w.a_end - 1].end;
  p.b_begin = b[w.b_begin].begin;
  p.b_end = b[w.b_end - 1].end;
  p.a_words = w.a_end - w.a_begin;
  p.b_words = w.b_end - w.b_begin;
  p.matched_words = w.matched;
  p.score = w.score;
  p.confidence = p.identity();
  p.kind = p.confidence >= kVerbatimIdentity ? PassageKind::kVerbatim : PassageKind::kEdited;
  return p;
}

std::vector<Passage> align_passages(std::string_view text_a, std::span<const normalize::Token> a,
                                    std::string_view text_b, std::span<const normalize::Token> b,
                                    const AlignParams& params) {
  KINDRED_CHECK(a.empty() || a.back().end <= text_a.size(), "tokens of a lie outside text_a");
  KINDRED_CHECK(b.empty() || b.back().end <= text_b.size(), "tokens of b lie outside text_b");
  std::vector<uint64_t> ha(a.size()), hb(b.size());
  for (size_t k = 0; k < a.size(); ++k) ha[k] = a[k].hash;
  for (size_t k = 0; k < b.size(); ++k) hb[k] = b[k].hash;
  std::vector<Passage> out;
  for (const WordAlignment& w : align_words(ha, hb, params)) out.push_back(to_passage(w, a, b));
  return out;
}

}  // namespace kindred::align
