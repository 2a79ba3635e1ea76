#include "story/account.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "normalize/tokenize.h"
#include "story/features.h"

namespace kindred::story {

namespace {

// A sentence of a member. Its stems, numbers and weights are ranges of the
// account's pools (one allocation per account, not five per sentence).
struct Sentence {
  uint32_t doc = 0, begin = 0, end = 0;
  uint64_t wording = 0;          // hash of its stems in order: equal for the same words
  uint32_t wording_id = 0;       // rank of `wording` among the story's distinct wordings
  uint32_t content = 0;          // its content stems: [content, content_end) of the pools
  uint32_t content_end = 0;      //   (ranks of non-stopword stems, ascending = by hash)
  uint32_t numbers = 0;          // the hashes of the numbers it writes, sorted, unique:
  uint32_t numbers_end = 0;      //   [numbers, numbers_end) of Pools::numbers
  std::vector<uint32_t> quotes;  // quotations it carries a variant of, sorted, unique
  double norm = 0;               // sqrt of the sum of squared weights of its content
};

struct Pools {
  std::vector<uint64_t> stems;  // content stems by hash, then replaced by their ranks
  std::vector<uint32_t> rank;   // the rank of each entry of `stems`
  std::vector<double> weight;   // the isf of each entry
  std::vector<std::pair<double, uint32_t>> by_weight;  // per sentence: (isf, rank), heaviest first
  std::vector<uint64_t> numbers;
};

uint64_t mix(uint64_t h, uint64_t v) {
  return (h ^ v) * 0x100000001B3ull + (h >> 29);
}

template <class T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Sorts and dedupes pool[from, end) in place; returns its new end.
template <class T>
uint32_t sort_unique_tail(std::vector<T>& pool, size_t from) {
  std::sort(pool.begin() + static_cast<long>(from), pool.end());
  pool.erase(std::unique(pool.begin() + static_cast<long>(from), pool.end()), pool.end());
  return static_cast<uint32_t>(pool.size());
}

// The sentence [begin, end) of `text` from its tokens (offsets in `text`)
// and their stems and stopword flags.
Sentence make_sentence(uint32_t doc, uint32_t begin, uint32_t end, std::string_view text,
                       std::span<const normalize::Token> tokens, std::span<const uint64_t> stems,
                       std::span<const char> stop, Pools& pools) {
  Sentence s;
  s.doc = doc, s.begin = begin, s.end = end, s.wording = 0x9E3779B97F4A7C15ull;
  s.content = static_cast<uint32_t>(pools.stems.size());
  s.numbers = static_cast<uint32_t>(pools.numbers.size());
  for (size_t k = 0; k < tokens.size(); ++k) {
    s.wording = mix(s.wording, stems[k]);
    if (std::isdigit(static_cast<unsigned char>(text[tokens[k].begin]))) {
      pools.numbers.push_back(tokens[k].hash);
    } else if (!stop[k]) {
      pools.stems.push_back(stems[k]);
    }
  }
  s.content_end = sort_unique_tail(pools.stems, s.content);
  s.numbers_end = sort_unique_tail(pools.numbers, s.numbers);
  return s;
}

// Whether tokenising text[begin, end) alone gives tokens[first, last) of the
// whole text: ASCII is tokenised by its characters and their neighbours only
// (an apostrophe or a point joins word characters), so it does unless a word
// of the whole text runs across an edge.
bool tokens_stand_alone(std::span<const normalize::Token> tokens, size_t first, size_t last,
                        uint32_t begin, uint32_t end) {
  if (first > 0 && tokens[first - 1].end > begin) return false;
  if (last < tokens.size() && tokens[last].begin < end) return false;
  return true;
}

// One fact of the account: its shown sentence and the sentence of each source.
struct Group {
  uint32_t shown;                 // index of the sentence whose wording is shown
  std::vector<uint32_t> members;  // sentence indices, one per document
};

}  // namespace

std::vector<AccountSentence> merged_account(const Story& story,
                                            std::span<const std::string_view> texts,
                                            std::span<const Quotation> quotations,
                                            const AccountParams& params) {
  // Longest articles first: the backbone is the most complete account.
  std::vector<uint32_t> order = story.members;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return texts[x].size() > texts[y].size(); });
  if (order.size() > params.max_documents) order.resize(params.max_documents);

  // Where the story's quotations stand in each document: (doc, begin, end, id).
  struct Span {
    uint32_t doc, begin, end, quote;
  };
  std::vector<Span> spans;
  for (const Quotation& q : quotations) {
    if (q.story != story.id) continue;
    for (const QuoteVariant& v : q.variants) spans.push_back({v.doc, v.begin, v.end, q.id});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return std::tie(a.doc, a.begin) < std::tie(b.doc, b.begin);
  });

  // Sentences of each document, in its order. PERF: an ASCII text is
  // tokenised and stemmed once, its sentences taking their range of its
  // tokens (the same tokens as tokenising each sentence alone, which a text
  // in other scripts still does: a word break there may read a whole run).
  std::vector<Sentence> sentences;
  Pools pools;
  std::vector<std::pair<uint32_t, uint32_t>> of_doc;  // [first, last) per entry of `order`
  std::vector<normalize::Token> tokens, sentence_tokens;
  std::vector<uint64_t> stems;
  std::vector<char> stop;
  for (uint32_t d : order) {
    const auto first = static_cast<uint32_t>(sentences.size());
    const std::string_view text = texts[d];
    normalize::tokenize(text, tokens);
    const normalize::Language language = normalize::identify_language(text, tokens);
    const bool ascii = !params.sentences_alone && std::all_of(text.begin(), text.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x80;
    });
    if (ascii) stems = token_stems(text, tokens, language, &stop);
    auto span = std::lower_bound(spans.begin(), spans.end(), d,
                                 [](const Span& s, uint32_t doc) { return s.doc < doc; });
    for (const auto& sentence : split_sentences(text)) {
      // Named copies, not structured bindings: clang before 16 cannot capture
      // a binding in the lambda below.
      const uint32_t b = sentence.first;
      const uint32_t e = sentence.second;
      const size_t next = static_cast<size_t>(
          std::partition_point(tokens.begin(), tokens.end(),
                               [&](const normalize::Token& t) { return t.begin < b; }) -
          tokens.begin());  // the first token not before the sentence
      size_t last = next;
      while (last < tokens.size() && tokens[last].end <= e) ++last;
      const auto words = ascii && tokens_stand_alone(tokens, next, last, b, e)
                             ? last - next
                             : std::numeric_limits<size_t>::max();
      if (words != std::numeric_limits<size_t>::max() && words < params.min_words) continue;
      Sentence s{};
      if (words != std::numeric_limits<size_t>::max()) {
        s = make_sentence(d, b, e, text, std::span(tokens).subspan(next, words),
                          std::span<const uint64_t>(stems).subspan(next, words),
                          std::span<const char>(stop).subspan(next, words), pools);
      } else {
        const std::string_view sub = text.substr(b, e - b);
        normalize::tokenize(sub, sentence_tokens);
        if (sentence_tokens.size() < params.min_words) continue;
        std::vector<char> sub_stop;
        const std::vector<uint64_t> sub_stems =
            token_stems(sub, sentence_tokens, language, &sub_stop);
        s = make_sentence(d, b, e, sub, sentence_tokens, sub_stems, sub_stop, pools);
      }
      while (span != spans.end() && span->doc == d && span->end <= b) ++span;
      for (auto q = span; q != spans.end() && q->doc == d && q->begin < e; ++q) {
        if (q->end > b) s.quotes.push_back(q->quote);
      }
      sort_unique(s.quotes);
      sentences.push_back(std::move(s));
    }
    of_doc.emplace_back(first, static_cast<uint32_t>(sentences.size()));
  }

  // Content stems as ranks among the story's stems (the order of their
  // hashes), and wordings as ranks among its distinct wordings.
  uint32_t distinct_stems = 0;
  {
    std::vector<uint64_t> all(pools.stems);
    sort_unique(all);
    distinct_stems = static_cast<uint32_t>(all.size());
    pools.rank.resize(pools.stems.size());
    for (size_t k = 0; k < pools.stems.size(); ++k) {
      pools.rank[k] = static_cast<uint32_t>(
          std::lower_bound(all.begin(), all.end(), pools.stems[k]) - all.begin());
    }
  }
  std::vector<uint64_t> wordings;
  for (const Sentence& s : sentences) wordings.push_back(s.wording);
  sort_unique(wordings);
  for (Sentence& s : sentences) {
    s.wording_id = static_cast<uint32_t>(
        std::lower_bound(wordings.begin(), wordings.end(), s.wording) - wordings.begin());
  }

  // Weights: the story's inverse sentence frequency, over distinct wordings.
  std::vector<double> weights(distinct_stems);
  {
    std::vector<uint32_t> sf(distinct_stems, 0);
    std::vector<char> seen(wordings.size(), 0);
    for (const Sentence& s : sentences) {
      if (seen[s.wording_id]) continue;
      seen[s.wording_id] = 1;
      for (uint32_t k = s.content; k < s.content_end; ++k) ++sf[pools.rank[k]];
    }
    const double n = double(wordings.size());
    for (uint32_t st = 0; st < distinct_stems; ++st) {
      if (sf[st] > 0) weights[st] = std::log((n + params.background) / (double(sf[st]) + 1.0));
    }
  }
  pools.weight.resize(pools.rank.size());
  pools.by_weight.resize(pools.rank.size());
  for (Sentence& s : sentences) {
    double sum = 0;
    for (uint32_t k = s.content; k < s.content_end; ++k) {
      const double w = weights[pools.rank[k]];
      pools.weight[k] = w;
      pools.by_weight[k] = {w, pools.rank[k]};
      sum += w * w;
    }
    s.norm = std::sqrt(sum);
    std::sort(pools.by_weight.begin() + s.content, pools.by_weight.begin() + s.content_end,
              [](const auto& x, const auto& y) {
                return x.first != y.first ? x.first > y.first : x.second < y.second;
              });
  }
  const auto numbers_of = [&](const Sentence& s) {
    return std::span<const uint64_t>(pools.numbers).subspan(s.numbers, s.numbers_end - s.numbers);
  };

  // How surely sentence x (of a new article) tells the fact shown by y.
  auto sameness = [&](const Sentence& x, const Sentence& y) {
    if (x.wording == y.wording) return 1.0;
    if (x.numbers != x.numbers_end && y.numbers != y.numbers_end &&
        sorted_intersection(numbers_of(x), numbers_of(y)) == 0) {
      return 0.0;  // different numbers: different facts
    }
    double dot = 0;
    uint32_t shared = 0;
    const uint32_t* rank = pools.rank.data();
    for (uint32_t i = x.content, j = y.content; i < x.content_end && j < y.content_end;) {
      if (rank[i] < rank[j]) {
        ++i;
      } else if (rank[j] < rank[i]) {
        ++j;
      } else {
        const double w = pools.weight[i];
        dot += w * w;
        ++shared;
        ++i, ++j;
      }
    }
    // One shared word is no fact ("Who is striking for me?" / "A strike of a week ...").
    const double cosine =
        shared >= params.min_shared && x.norm > 0 && y.norm > 0 ? dot / (x.norm * y.norm) : 0.0;
    bool quoted = false;
    for (uint32_t q : x.quotes) {
      quoted |= std::binary_search(y.quotes.begin(), y.quotes.end(), q);
    }
    // A variant of the same quotation tells the same fact (its grouping
    // already judged speaker and words).
    return quoted ? std::max(cosine, params.same_sentence) : cosine;
  };

  std::vector<Group> groups;
  std::vector<uint32_t> account;  // group ids in narrative order
  // Content stem (rank) -> groups, in the order added: lists linked
  // through one pool (head and tail per stem, -1 for none).
  std::vector<int32_t> stem_head(distinct_stems, -1), stem_tail(distinct_stems, -1);
  std::vector<std::pair<uint32_t, int32_t>> stem_groups;         // (group, next)
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_quote;  // quotation -> groups
  std::vector<int32_t> by_wording(wordings.size(), -1);          // wording -> its first group

  for (const auto& [first, last] : of_doc) {
    // 1. Candidates of each sentence and their scores.
    struct Match {
      double score;
      uint32_t sentence, group;
    };
    std::vector<Match> matches;
    for (uint32_t i = first; i < last; ++i) {
      const Sentence& s = sentences[i];
      // The same words (a copy): the first fact written so, nothing else read.
      if (by_wording[s.wording_id] >= 0) {
        matches.push_back({1.0, i, static_cast<uint32_t>(by_wording[s.wording_id])});
        continue;
      }
      std::vector<uint32_t> candidates;
      if (params.exhaustive) {
        for (uint32_t g = 0; g < groups.size(); ++g) candidates.push_back(g);
      } else {
        for (uint32_t q : s.quotes) {
          if (auto it = by_quote.find(q); it != by_quote.end()) {
            candidates.insert(candidates.end(), it->second.begin(), it->second.end());
          }
        }
        // The prefix of the heaviest stems outside which the rest of the
        // sentence's weight is below the threshold.
        double rest = s.norm * s.norm;
        const double floor = params.same_sentence * params.same_sentence * s.norm * s.norm;
        size_t read = 0;
        for (uint32_t k = s.content; k < s.content_end; ++k) {
          const auto [w, st] = pools.by_weight[k];
          if (rest < floor || read >= params.max_candidates) break;
          rest -= w * w;
          for (int32_t e = stem_head[st]; e >= 0; e = stem_groups[size_t(e)].second) {
            if (read++ >= params.max_candidates) break;
            candidates.push_back(stem_groups[size_t(e)].first);
          }
        }
      }
      sort_unique(candidates);
      for (uint32_t g : candidates) {
        const double score = sameness(s, sentences[groups[g].shown]);
        if (score >= params.same_sentence) matches.push_back({score, i, g});
      }
    }
    // 2. Best pairs first; a sentence joins one fact, a fact takes one
    //    sentence of this article.
    std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
      return std::tie(b.score, a.sentence, a.group) < std::tie(a.score, b.sentence, b.group);
    });
    std::vector<int64_t> joined(last - first, -1);
    std::vector<char> taken(groups.size(), 0);
    for (const Match& m : matches) {
      if (joined[m.sentence - first] >= 0 || taken[m.group]) continue;
      joined[m.sentence - first] = m.group;
      taken[m.group] = 1;
      groups[m.group].members.push_back(m.sentence);
    }
    // 3. Anchors: the longest run of matched sentences whose account positions
    //    rise in the article's order (patience sorting, O(n log n)).
    std::vector<uint32_t> position(groups.size(), 0);
    for (uint32_t p = 0; p < account.size(); ++p) position[account[p]] = p;
    std::vector<uint32_t> matched;  // sentence offsets with a group
    for (uint32_t k = 0; k < joined.size(); ++k) {
      if (joined[k] >= 0) matched.push_back(k);
    }
    std::vector<uint32_t> tails, tail_of, parent(matched.size(), UINT32_MAX);
    for (uint32_t m = 0; m < matched.size(); ++m) {
      const uint32_t pos = position[static_cast<uint32_t>(joined[matched[m]])];
      auto it = std::lower_bound(tails.begin(), tails.end(), pos);
      const auto len = static_cast<size_t>(it - tails.begin());
      if (len > 0) parent[m] = tail_of[len - 1];
      if (it == tails.end()) {
        tails.push_back(pos);
        tail_of.push_back(m);
      } else {
        *it = pos;
        tail_of[len] = m;
      }
    }
    std::vector<char> anchor(joined.size(), 0);
    for (uint32_t m = tail_of.empty() ? UINT32_MAX : tail_of.back(); m != UINT32_MAX;
         m = parent[m]) {
      anchor[matched[m]] = 1;
    }
    // 4. New facts: after the anchor they follow, before the first anchor, or
    //    at the end when the article shares nothing.
    std::vector<std::vector<uint32_t>> after(groups.size());
    std::vector<uint32_t> opening, closing;
    int64_t first_anchor = -1, previous = -1;
    for (uint32_t k = 0; k < joined.size(); ++k) {
      if (anchor[k] && first_anchor < 0) first_anchor = joined[k];
    }
    for (uint32_t k = 0; k < joined.size(); ++k) {
      if (anchor[k]) {
        previous = joined[k];
        continue;
      }
      if (joined[k] >= 0) continue;  // a variant out of order: told, but not placed by it
      const uint32_t i = first + k;
      const auto g = static_cast<uint32_t>(groups.size());
      groups.push_back({i, {i}});
      const Sentence& s = sentences[i];
      for (uint32_t c = s.content; c < s.content_end; ++c) {
        const uint32_t st = pools.rank[c];
        const auto e = static_cast<int32_t>(stem_groups.size());
        stem_groups.emplace_back(g, -1);
        if (stem_tail[st] >= 0) {
          stem_groups[size_t(stem_tail[st])].second = e;
        } else {
          stem_head[st] = e;
        }
        stem_tail[st] = e;
      }
      for (uint32_t q : s.quotes) by_quote[q].push_back(g);
      if (by_wording[s.wording_id] < 0) by_wording[s.wording_id] = static_cast<int32_t>(g);
      if (previous >= 0) {
        after[static_cast<size_t>(previous)].push_back(g);
      } else if (first_anchor >= 0) {
        opening.push_back(g);
      } else {
        closing.push_back(g);
      }
    }
    if (opening.empty() && closing.empty() &&
        std::all_of(after.begin(), after.end(), [](const auto& v) { return v.empty(); })) {
      continue;
    }
    std::vector<uint32_t> merged;
    merged.reserve(groups.size());
    for (uint32_t g : account) {
      if (int64_t(g) == first_anchor) merged.insert(merged.end(), opening.begin(), opening.end());
      merged.push_back(g);
      // Chains of new facts: a new fact may be followed by more of them.
      merged.insert(merged.end(), after[g].begin(), after[g].end());
    }
    merged.insert(merged.end(), closing.begin(), closing.end());
    account = std::move(merged);
  }

  std::vector<AccountSentence> out;
  out.reserve(account.size());
  for (uint32_t g : account) {
    const Group& group = groups[g];
    const Sentence& shown = sentences[group.shown];
    AccountSentence a{shown.doc, shown.begin, shown.end, {}, {}};
    for (uint32_t i : group.members) a.sources.push_back(sentences[i].doc);
    // Distinct wordings, the shown one first, each with the documents writing it.
    std::vector<std::pair<uint64_t, size_t>> wording_at;  // wording -> index in variants
    for (uint32_t i : group.members) {
      const Sentence& s = sentences[i];
      auto it = std::find_if(wording_at.begin(), wording_at.end(),
                             [&](const auto& w) { return w.first == s.wording; });
      if (it == wording_at.end()) {
        wording_at.emplace_back(s.wording, a.variants.size());
        a.variants.push_back({s.doc, s.begin, s.end, {s.doc}});
      } else {
        a.variants[it->second].sources.push_back(s.doc);
      }
    }
    std::sort(a.sources.begin(), a.sources.end());
    for (AccountVariant& v : a.variants) std::sort(v.sources.begin(), v.sources.end());
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace kindred::story
