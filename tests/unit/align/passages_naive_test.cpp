// align_words against a deliberately naive reference: Smith-Waterman over
// every cell of the n x m matrix, with the same scoring, repeated ("take the
// best local alignment, mask its words on both sides, start again"), on random
// inputs shaped like reuse (passages copied with substitutions, insertions and
// deletions of a few words, reordered, repeated or dropped, between fillers).
//
// Tolerance. The fast aligner computes the same recurrence, in the same order,
// but only inside bands around linked runs of shared n-grams (passages.h), so:
//  - a case whose reference holds a passage out of reach by design (no seed,
//    or more than max_gap unshared words between two seeds) is not compared;
//    such cases must stay under 2%;
//  - otherwise both must give the same number of passages, each with the same
//    matched words and every end within kEndSlack words (a band edge may cut a
//    path the full matrix keeps, and an alignment of equal score then ends a
//    word or two elsewhere);
//  - and at least 97% of the cases must agree exactly (spans, score, script).
// Measured: 19,997 of 20,000 cases identical (2 out of reach, 1 within slack);
// with 5-20% of words edited and fillers up to 60 words, 4,995 of 4,997, the
// two others extending a tail through words with no shared 3-gram.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "align/passages.h"

namespace kindred::align {
namespace {

constexpr uint32_t kEndSlack = 2;
constexpr int kCases = 300;  // per test; each case is CaseMaker(kSeed + case number)
constexpr uint64_t kSeed = 2024;

std::vector<WordAlignment> naive_align(const std::vector<uint64_t>& a,
                                       const std::vector<uint64_t>& b, const AlignParams& p) {
  const size_t n = a.size(), m = b.size();
  std::vector<char> used_a(n, 0), used_b(m, 0);
  std::vector<int32_t> h(n * m, 0);
  // (i, j) = a[i] and b[j] the last words consumed; outside the matrix: 0.
  auto at = [&](size_t i, size_t j) { return i < n && j < m ? h[i * m + j] : 0; };
  std::vector<WordAlignment> out;
  for (;;) {
    int32_t best = 0;
    size_t bi = 0, bj = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < m; ++j) {
        int32_t v = 0;
        if (!used_a[i] && !used_b[j]) {
          const int32_t s = a[i] == b[j] ? p.match : p.mismatch;
          v = std::max({0, at(i - 1, j - 1) + s, at(i - 1, j) + p.gap, at(i, j - 1) + p.gap});
        }
        h[i * m + j] = v;
        if (v > best) best = v, bi = i, bj = j;  // first of equal scores: earliest i, then j
      }
    }
    if (best < p.min_score) break;
    WordAlignment w;
    w.score = best;
    w.a_end = static_cast<uint32_t>(bi + 1);
    w.b_end = static_cast<uint32_t>(bj + 1);
    size_t i = bi, j = bj;
    for (int32_t v = best;;) {  // diagonal first, then a word of a alone, then of b
      const int32_t s = a[i] == b[j] ? p.match : p.mismatch;
      if (v == at(i - 1, j - 1) + s) {
        w.ops.push_back(s > 0 ? '=' : 'x');
        if (at(i - 1, j - 1) == 0) break;
        --i, --j;
      } else if (v == at(i - 1, j) + p.gap) {
        w.ops.push_back('a');
        --i;
      } else {
        w.ops.push_back('b');
        --j;
      }
      v = at(i, j);
    }
    std::reverse(w.ops.begin(), w.ops.end());
    w.a_begin = static_cast<uint32_t>(i);
    w.b_begin = static_cast<uint32_t>(j);
    w.matched = static_cast<uint32_t>(std::count(w.ops.begin(), w.ops.end(), '='));
    std::fill(used_a.begin() + w.a_begin, used_a.begin() + w.a_end, 1);
    std::fill(used_b.begin() + w.b_begin, used_b.begin() + w.b_end, 1);
    const uint32_t words = std::max(w.a_end - w.a_begin, w.b_end - w.b_begin);
    if (w.matched >= p.min_words && double(w.matched) >= p.min_identity * words) {
      out.push_back(std::move(w));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const WordAlignment& x, const WordAlignment& y) { return x.a_begin < y.a_begin; });
  return out;
}

// Random inputs shaped like reuse: a few passages of random words, copied into
// b with edits, between fillers; b may reorder, repeat or drop passages.
class CaseMaker {
 public:
  explicit CaseMaker(uint64_t seed) : rng_(seed) {}

  std::pair<std::vector<uint64_t>, std::vector<uint64_t>> make() {
    vocab_ = std::array<uint64_t, 3>{30, 300, 5000}[pick(3)];
    const size_t passages = 1 + pick(3);
    const double edit_rate = std::array<double, 4>{0.0, 0.03, 0.07, 0.12}[pick(4)];
    std::vector<std::vector<uint64_t>> source(passages);
    for (auto& s : source) s = words(8 + pick(33));
    std::vector<uint64_t> a, b;
    for (const auto& s : source) {
      append(a, words(pick(26)));
      append(a, s);
    }
    append(a, words(pick(26)));
    std::vector<size_t> order(passages);
    for (size_t k = 0; k < passages; ++k) order[k] = k;
    if (pick(3) == 0) std::shuffle(order.begin(), order.end(), rng_);
    if (pick(8) == 0) order.push_back(order.front());    // repeated
    if (passages > 1 && pick(8) == 0) order.pop_back();  // dropped
    for (size_t k : order) {
      append(b, words(pick(26)));
      append(b, edit(source[k], edit_rate));
    }
    append(b, words(pick(26)));
    return {a, b};
  }

 private:
  size_t pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  // A Zipf-like draw: a tenth of the words are one of 10 very common ones.
  uint64_t word() { return pick(10) == 0 ? 1 + pick(10) : 100 + pick(vocab_); }
  std::vector<uint64_t> words(size_t n) {
    std::vector<uint64_t> w(n);
    for (auto& x : w) x = word();
    return w;
  }
  static void append(std::vector<uint64_t>& to, const std::vector<uint64_t>& w) {
    to.insert(to.end(), w.begin(), w.end());
  }
  std::vector<uint64_t> edit(const std::vector<uint64_t>& s, double rate) {
    std::vector<uint64_t> out;
    for (uint64_t x : s) {
      if (std::uniform_real_distribution<double>(0, 1)(rng_) >= rate) {
        out.push_back(x);
        continue;
      }
      switch (pick(3)) {
        case 0:  // substitution
          out.push_back(word());
          break;
        case 1:  // insertion of 1-3 words before this one
          append(out, words(1 + pick(3)));
          out.push_back(x);
          break;
        default:  // deletion
          break;
      }
    }
    return out;
  }
  std::mt19937_64 rng_;
  uint64_t vocab_ = 300;
};

// The alignment's script agrees with its spans, its words and its score.
void expect_consistent(const WordAlignment& w, const std::vector<uint64_t>& a,
                       const std::vector<uint64_t>& b, const AlignParams& p) {
  ASSERT_FALSE(w.ops.empty());
  EXPECT_EQ(w.ops.front(), '=');
  EXPECT_EQ(w.ops.back(), '=');
  uint32_t i = w.a_begin, j = w.b_begin, matched = 0;
  int32_t score = 0;
  for (char op : w.ops) {
    if (op == '=' || op == 'x') {
      EXPECT_EQ(a[i] == b[j], op == '=');
      score += op == '=' ? p.match : p.mismatch;
      matched += op == '=';
      ++i, ++j;
    } else {
      score += p.gap;
      (op == 'a' ? i : j)++;
    }
  }
  EXPECT_EQ(i, w.a_end);
  EXPECT_EQ(j, w.b_end);
  EXPECT_EQ(matched, w.matched);
  EXPECT_EQ(score, w.score);
}

// Whether the fast aligner can see a reference alignment at all: it needs a
// seed (a stretch of seed_words equal words), and between two such stretches
// no more than max_gap words on either side.
bool within_reach(const WordAlignment& w, const AlignParams& p) {
  bool seeded = false;
  uint32_t ga = 0, gb = 0, equal = 0;  // words since the last seed stretch; its equal words
  for (char op : w.ops) {
    equal = op == '=' ? equal + 1 : 0;
    if (equal < p.seed_words) {
      ga += op != 'b';
      gb += op != 'a';
      continue;
    }
    if (equal == p.seed_words) {  // a stretch becomes a seed: its first words were no gap
      if (seeded && std::max(ga, gb) - (p.seed_words - 1) > p.max_gap) return false;
      seeded = true;
    }
    ga = gb = 0;
  }
  return seeded;
}

bool within_slack(const WordAlignment& x, const WordAlignment& y) {
  auto near = [](uint32_t u, uint32_t v) { return (u > v ? u - v : v - u) <= kEndSlack; };
  return x.matched == y.matched && near(x.a_begin, y.a_begin) && near(x.a_end, y.a_end) &&
         near(x.b_begin, y.b_begin) && near(x.b_end, y.b_end);
}

bool identical(const WordAlignment& x, const WordAlignment& y) {
  return x.a_begin == y.a_begin && x.a_end == y.a_end && x.b_begin == y.b_begin &&
         x.b_end == y.b_end && x.matched == y.matched && x.score == y.score && x.ops == y.ops;
}

std::string describe(const std::vector<WordAlignment>& v) {
  std::string s;
  for (const auto& w : v) {
    s += "  a[" + std::to_string(w.a_begin) + "," + std::to_string(w.a_end) + ") b[" +
         std::to_string(w.b_begin) + "," + std::to_string(w.b_end) + ") matched " +
         std::to_string(w.matched) + " score " + std::to_string(w.score) + " " + w.ops + "\n";
  }
  return s;
}

TEST(PassagesVsNaive, RandomEditedCopiesGiveTheSamePassages) {
  const AlignParams p;
  int cases = 0, exact = 0, with_passages = 0, out_of_reach = 0;
  for (; cases < kCases; ++cases) {
    const auto [a, b] = CaseMaker(kSeed + cases).make();
    const auto fast = align_words(a, b, p);
    const auto slow = naive_align(a, b, p);
    for (const auto& w : fast) expect_consistent(w, a, b, p);
    with_passages += !slow.empty();
    if (!std::all_of(slow.begin(), slow.end(), [&](const auto& w) { return within_reach(w, p); })) {
      ++out_of_reach;
      continue;
    }
    bool same = fast.size() == slow.size(), all_exact = same;
    for (size_t k = 0; same && k < fast.size(); ++k) {
      same = within_slack(fast[k], slow[k]);
      all_exact = all_exact && identical(fast[k], slow[k]);
    }
    exact += all_exact;
    EXPECT_TRUE(same) << "case " << cases << " (" << a.size() << " x " << b.size()
                      << " words)\nfast:\n"
                      << describe(fast) << "naive:\n"
                      << describe(slow);
    for (size_t k = 1; k < fast.size(); ++k) {
      EXPECT_GE(fast[k].a_begin, fast[k - 1].a_end) << "overlap in a";
    }
  }
  std::printf("%d cases, %d with passages, %d out of reach, %d identical to the naive aligner\n",
              cases, with_passages, out_of_reach, exact);
  EXPECT_GE(with_passages, cases * 3 / 4);
  EXPECT_LE(out_of_reach, cases / 50);
  EXPECT_GE(exact, cases * 97 / 100);
}

// Same, with the passage thresholds off: every local alignment scoring
// min_score is compared, chance ones included.
TEST(PassagesVsNaive, EveryLocalAlignmentAboveMinScore) {
  AlignParams p;
  p.min_words = 1;
  p.min_identity = 0;
  int exact = 0, out_of_reach = 0;
  for (int cases = 0; cases < kCases; ++cases) {
    const auto [a, b] = CaseMaker(kSeed + 100000 + cases).make();
    const auto fast = align_words(a, b, p);
    const auto slow = naive_align(a, b, p);
    if (!std::all_of(slow.begin(), slow.end(), [&](const auto& w) { return within_reach(w, p); })) {
      ++out_of_reach;
      continue;
    }
    bool same = fast.size() == slow.size(), all_exact = same;
    for (size_t k = 0; same && k < fast.size(); ++k) {
      same = within_slack(fast[k], slow[k]);
      all_exact = all_exact && identical(fast[k], slow[k]);
    }
    exact += all_exact;
    EXPECT_TRUE(same) << "case " << cases << "\nfast:\n"
                      << describe(fast) << "naive:\n"
                      << describe(slow);
  }
  EXPECT_LE(out_of_reach, kCases / 50);
  EXPECT_GE(exact, kCases * 97 / 100);
}

}  // namespace
}  // namespace kindred::align
