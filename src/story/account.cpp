#include "story/account.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "normalize/tokenize.h"
#include "story/features.h"

namespace kindred::story {

namespace {

struct Sentence {
  uint32_t doc, begin, end;
  uint64_t wording;               // hash of its stems in order: equal for the same words
  std::vector<uint64_t> content;  // stems of non-stopwords, sorted, unique
  std::vector<uint64_t> numbers;  // hashes of the numbers it writes, sorted, unique
  std::vector<uint32_t> quotes;   // quotations it carries a variant of, sorted, unique
  std::vector<double> weight;     // the isf of each of `content`
  std::vector<std::pair<double, uint64_t>> by_weight;  // (isf, stem), heaviest (rarest) first
  double norm = 0;  // sqrt of the sum of squared weights of `content`
};

uint64_t mix(uint64_t h, uint64_t v) {
  return (h ^ v) * 0x100000001B3ull + (h >> 29);
}

template <class T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

Sentence make_sentence(uint32_t doc, uint32_t begin, uint32_t end, std::string_view text,
                       normalize::Language language, size_t& words) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  std::vector<char> stop;
  const std::vector<uint64_t> stems = token_stems(text, tokens, language, &stop);
  Sentence s{doc, begin, end, 0x9E3779B97F4A7C15ull, {}, {}, {}, {}, {}, 0};
  for (size_t k = 0; k < tokens.size(); ++k) {
    s.wording = mix(s.wording, stems[k]);
    if (std::isdigit(static_cast<unsigned char>(text[tokens[k].begin]))) {
      s.numbers.push_back(tokens[k].hash);
    } else if (!stop[k]) {
      s.content.push_back(stems[k]);
    }
  }
  sort_unique(s.content);
  sort_unique(s.numbers);
  words = tokens.size();
  return s;
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

  // Sentences of each document, in its order.
  std::vector<Sentence> sentences;
  std::vector<std::pair<uint32_t, uint32_t>> of_doc;  // [first, last) per entry of `order`
  for (uint32_t d : order) {
    const auto first = static_cast<uint32_t>(sentences.size());
    std::vector<normalize::Token> tokens;
    normalize::tokenize(texts[d], tokens);
    const normalize::Language language = normalize::identify_language(texts[d], tokens);
    auto span = std::lower_bound(spans.begin(), spans.end(), d,
                                 [](const Span& s, uint32_t doc) { return s.doc < doc; });
    for (const auto& [b, e] : split_sentences(texts[d])) {
      size_t words = 0;
      Sentence s = make_sentence(d, b, e, texts[d].substr(b, e - b), language, words);
      if (words < params.min_words) continue;
      while (span != spans.end() && span->doc == d && span->end <= b) ++span;
      for (auto q = span; q != spans.end() && q->doc == d && q->begin < e; ++q) {
        if (q->end > b) s.quotes.push_back(q->quote);
      }
      sort_unique(s.quotes);
      sentences.push_back(std::move(s));
    }
    of_doc.emplace_back(first, static_cast<uint32_t>(sentences.size()));
  }

  // Weights: the story's inverse sentence frequency, over distinct wordings.
  std::unordered_map<uint64_t, double> weights;
  {
    std::unordered_map<uint64_t, uint32_t> sf;
    std::unordered_map<uint64_t, char> seen;
    for (const Sentence& s : sentences) {
      if (seen.emplace(s.wording, 1).second) {
        for (uint64_t st : s.content) ++sf[st];
      }
    }
    const double n = double(seen.size());
    for (const auto& [st, count] : sf)
      weights[st] = std::log((n + params.background) / (double(count) + 1.0));
  }
  for (Sentence& s : sentences) {
    double sum = 0;
    for (uint64_t st : s.content) {
      const double w = weights.find(st)->second;
      s.weight.push_back(w);
      s.by_weight.emplace_back(w, st);
      sum += w * w;
    }
    s.norm = std::sqrt(sum);
    std::sort(s.by_weight.begin(), s.by_weight.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
  }

  // How surely sentence x (of a new article) tells the fact shown by y.
  auto sameness = [&](const Sentence& x, const Sentence& y) {
    if (x.wording == y.wording) return 1.0;
    if (!x.numbers.empty() && !y.numbers.empty() &&
        sorted_intersection(x.numbers, y.numbers) == 0) {
      return 0.0;  // different numbers: different facts
    }
    double dot = 0;
    uint32_t shared = 0;
    for (size_t i = 0, j = 0; i < x.content.size() && j < y.content.size();) {
      if (x.content[i] < y.content[j]) {
        ++i;
      } else if (y.content[j] < x.content[i]) {
        ++j;
      } else {
        const double w = x.weight[i];
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
  std::vector<uint32_t> account;                                 // group ids in narrative order
  std::unordered_map<uint64_t, std::vector<uint32_t>> by_stem;   // content stem -> groups
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_quote;  // quotation -> groups
  std::unordered_map<uint64_t, uint32_t> by_wording;             // wording -> group

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
      if (auto it = by_wording.find(s.wording); it != by_wording.end()) {
        matches.push_back({1.0, i, it->second});
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
        for (const auto& [w, st] : s.by_weight) {
          if (rest < floor || read >= params.max_candidates) break;
          rest -= w * w;
          auto it = by_stem.find(st);
          if (it == by_stem.end()) continue;
          for (uint32_t g : it->second) {
            if (read++ >= params.max_candidates) break;
            candidates.push_back(g);
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
      for (uint64_t st : s.content) by_stem[st].push_back(g);
      for (uint32_t q : s.quotes) by_quote[q].push_back(g);
      by_wording.emplace(s.wording, g);
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
