#include "story/quotations.h"

#include "story/synonyms.h"
#include "util/disjoint_sets.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

namespace kindred::story {

namespace {

using util::DisjointSets;

struct Ref {
  uint32_t doc, index;  // document, quote index in it
};

uint64_t bag_hash(std::span<const uint64_t> stems) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ stems.size();
  for (uint64_t s : stems) h = (h ^ s) * 0x100000001B3ull + (h >> 29);
  return h;
}

bool one_speaker(const std::string& a, const std::string& b) {
  return !a.empty() && !b.empty() && spelling_variants(surname_key(a), surname_key(b));
}

// Whether two quotes are one quotation by their words and attributions.
bool same_quotation(const Quote& a, const Quote& b, const QuotationParams& params) {
  const double sim = quote_similarity(a, b);
  const bool both_named = !a.speaker.empty() && !b.speaker.empty();
  return sim >= params.same_words || (!both_named && sim >= params.match) ||
         (one_speaker(a.speaker, b.speaker) && sim >= params.same_speaker);
}

// (sense, stem) for each of `stems` WordNet knows, sorted.
using Senses = std::vector<std::pair<uint32_t, uint64_t>>;
void add_senses(std::span<const uint64_t> stems, Senses& out) {
  const Synonyms& synonyms = Synonyms::english();
  for (uint64_t st : stems) {
    for (uint32_t sense : synonyms.senses(st)) out.emplace_back(sense, st);
  }
  std::sort(out.begin(), out.end());
}

// Calls f(x, y) for each pair of synonyms, x of `a` and y of `b`, where `b`
// does not use x itself and `a` does not use y (`a_words`, `b_words`: every
// stem each uses, sorted); each word in one pair at most, pairs taken in
// (x, y) order.
template <typename F>
void for_each_synonym(const Senses& a, const Senses& b, std::span<const uint64_t> a_words,
                      std::span<const uint64_t> b_words, F&& f) {
  auto uses = [](std::span<const uint64_t> words, uint64_t st) {
    return std::binary_search(words.begin(), words.end(), st);
  };
  std::vector<std::pair<uint64_t, uint64_t>> pairs;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].first < b[j].first) {
      ++i;
    } else if (b[j].first < a[i].first) {
      ++j;
    } else {
      const uint32_t sense = a[i].first;
      size_t j_end = j;
      while (j_end < b.size() && b[j_end].first == sense) ++j_end;
      for (; i < a.size() && a[i].first == sense; ++i) {
        if (uses(b_words, a[i].second)) continue;
        for (size_t k = j; k < j_end; ++k) {
          if (!uses(a_words, b[k].second)) pairs.emplace_back(a[i].second, b[k].second);
        }
      }
      j = j_end;
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<uint64_t> used_x, used_y;  // a few words: linear search
  for (const auto& [x, y] : pairs) {
    if (std::find(used_x.begin(), used_x.end(), x) != used_x.end() ||
        std::find(used_y.begin(), used_y.end(), y) != used_y.end())
      continue;
    used_x.push_back(x), used_y.push_back(y);
    f(x, y);
  }
}

// Content words of `a` that `b` says in other words.
size_t said_otherwise(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  Senses a_senses, b_senses;
  add_senses(a, a_senses);
  add_senses(b, b_senses);
  size_t n = 0;
  for_each_synonym(a_senses, b_senses, a, b, [&](uint64_t, uint64_t) { ++n; });
  return n;
}

// A speaker's turn: quotes of one document standing one after the other with
// the same named speaker.
struct Turn {
  uint32_t doc;
  std::vector<uint32_t> quotes;   // indices into the story's quote list, in text order
  std::vector<uint64_t> words;    // the stems of all their words, sorted, unique
  std::vector<uint64_t> content;  // those of non-stopwords
  std::string speaker;
};

std::vector<uint64_t> unique_sorted(std::vector<uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Turns of the same speaker in two documents that are each other's best match
// and share enough content words: their quotes are aligned in order (each
// quote of the turn with fewer quotes joins the quote of the other that shares
// most of its content words; the earliest on a tie), so that a re-translation
// made of other words still meets its original.
void unite_turns(std::span<const StoryFeatures> docs, const std::vector<Ref>& quotes,
                 std::span<const uint32_t> distinct, const QuotationParams& params,
                 DisjointSets& sets) {
  // Word weights from the story's own quotes: isf = ln(N / quotes using the
  // stem), so function words (in most quotes) weigh about nothing and no
  // stopword list decides what a paraphrase keeps ("a week" / "one week").
  std::unordered_map<uint64_t, uint32_t> df;
  for (uint32_t i : distinct) {
    const auto stems = docs[quotes[i].doc].quotes[quotes[i].index].stems();
    for (size_t k = 0; k < stems.size(); ++k) {
      if (k == 0 || stems[k] != stems[k - 1]) ++df[stems[k]];
    }
  }
  const double n = double(distinct.size());
  auto isf = [&](uint64_t stem) {
    const auto it = df.find(stem);
    return it == df.end() ? std::log(n) : std::log(n / double(it->second));
  };
  const double rare = std::log(2.0);  // a stem in fewer than half the quotes

  std::vector<Turn> turns;
  for (uint32_t i = 0; i < quotes.size(); ++i) {
    const Quote& q = docs[quotes[i].doc].quotes[quotes[i].index];
    if (q.speaker.empty()) continue;
    bool extends = false;
    if (!turns.empty() && turns.back().doc == quotes[i].doc) {
      const Ref prev = quotes[turns.back().quotes.back()];
      const Quote& p = docs[prev.doc].quotes[prev.index];
      extends = prev.index + 1 == quotes[i].index && one_speaker(p.speaker, q.speaker) &&
                q.begin >= p.end && q.begin - p.end <= params.turn_gap_bytes;
    }
    if (!extends) turns.push_back({quotes[i].doc, {}, {}, {}, q.speaker});
    turns.back().quotes.push_back(i);
    const auto stems = q.stems();
    turns.back().words.insert(turns.back().words.end(), stems.begin(), stems.end());
    const auto content = q.content();
    turns.back().content.insert(turns.back().content.end(), content.begin(), content.end());
  }
  for (Turn& t : turns) {
    t.words = unique_sorted(std::move(t.words));
    t.content = unique_sorted(std::move(t.content));
  }

  // Copies of a turn (the same quotations in the same order) are compared once,
  // and only turns of one speaker (spelling variants of a surname) are compared.
  std::map<std::vector<uint32_t>, uint32_t> seen_turns;
  std::map<std::string, std::vector<uint32_t>> by_key;  // surname key -> distinct turns
  for (uint32_t t = 0; t < turns.size(); ++t) {
    std::vector<uint32_t> signature;
    for (uint32_t q : turns[t].quotes) signature.push_back(sets.find(q));
    if (!seen_turns.emplace(std::move(signature), t).second) continue;
    by_key[surname_key(turns[t].speaker)].push_back(t);
  }
  std::vector<std::vector<uint32_t>> speakers;  // distinct turns of each speaker
  {
    std::vector<std::string> keys;
    for (const auto& [key, list] : by_key) keys.push_back(key);
    DisjointSets same(keys.size());
    for (uint32_t i = 0; i < keys.size(); ++i) {
      for (uint32_t j = i + 1; j < keys.size(); ++j) {
        if (spelling_variants(keys[i], keys[j])) same.unite(i, j);
      }
    }
    std::map<uint32_t, std::vector<uint32_t>> groups;
    for (uint32_t i = 0; i < keys.size(); ++i) {
      auto& g = groups[same.find(i)];
      const auto& list = by_key[keys[i]];
      g.insert(g.end(), list.begin(), list.end());
    }
    for (auto& [root, g] : groups) speakers.push_back(std::move(g));
  }

  // Weighted overlap of two turns (shared weight / the smaller's weight), 0
  // when they share fewer than turn_shared rare stems.
  auto weight = [&](const std::vector<uint64_t>& words) {
    double w = 0;
    for (uint64_t st : words) w += isf(st);
    return w;
  };
  std::vector<double> weights;
  for (const Turn& t : turns) weights.push_back(weight(t.words));
  // WordNet is English: other languages are compared by their stems alone
  // (and the table is not even read for them).
  auto in_english = [&](const Turn& a, const Turn& b) {
    return docs[a.doc].language == normalize::Language::kEnglish &&
           docs[b.doc].language == normalize::Language::kEnglish && Synonyms::english().available();
  };
  // The senses of each turn's rare content words, made when first compared.
  std::vector<std::optional<Senses>> rare_senses(turns.size());
  auto senses_of = [&](uint32_t t) -> const Senses& {
    if (!rare_senses[t]) {
      std::vector<uint64_t> rare_words;
      for (uint64_t st : turns[t].content) {
        if (isf(st) > rare) rare_words.push_back(st);
      }
      add_senses(rare_words, rare_senses[t].emplace());
    }
    return *rare_senses[t];
  };
  auto overlap = [&](uint32_t a, uint32_t b) {
    double shared = 0;
    uint32_t rare_shared = 0;
    const auto& x = turns[a].words;
    const auto& y = turns[b].words;
    for (size_t i = 0, j = 0; i < x.size() && j < y.size();) {
      if (x[i] < y[j]) {
        ++i;
      } else if (y[j] < x[i]) {
        ++j;
      } else {
        const double w = isf(x[i]);
        shared += w;
        rare_shared += w > rare;
        ++i, ++j;
      }
    }
    // Rare words of one turn that the other says in other words ("animal" /
    // "beast").
    if (in_english(turns[a], turns[b])) {
      for_each_synonym(senses_of(a), senses_of(b), x, y, [&](uint64_t xs, uint64_t ys) {
        shared += std::min(isf(xs), isf(ys));
        ++rare_shared;
      });
    }
    const double smaller = std::min(weights[a], weights[b]);
    if (rare_shared < params.turn_shared || smaller <= 0) return 0.0;
    return shared / smaller;
  };
  // Best turn of the same speaker in each other document: (turn, doc) -> (best, score).
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, double>> best;
  for (const auto& group : speakers) {
    for (uint32_t a : group) {
      for (uint32_t b : group) {
        if (turns[a].doc == turns[b].doc) continue;
        const double score = overlap(a, b);
        auto [it, fresh] = best.try_emplace({a, turns[b].doc}, b, score);
        if (!fresh && score > it->second.second) it->second = {b, score};
      }
    }
  }
  for (const auto& [key, match] : best) {
    const uint32_t a = key.first;
    const auto [b, score] = match;
    if (a > b || score < params.turn_overlap) continue;
    const auto back = best.find({b, turns[a].doc});
    if (back == best.end() || back->second.first != a) continue;  // not mutual
    const Turn& few = turns[a].quotes.size() <= turns[b].quotes.size() ? turns[a] : turns[b];
    const Turn& many = &few == &turns[a] ? turns[b] : turns[a];
    const bool in_other_words = in_english(few, many);
    for (uint32_t qi : few.quotes) {
      const Quote& q = docs[quotes[qi].doc].quotes[quotes[qi].index];
      uint32_t pick = many.quotes.front();
      size_t most = 0;
      for (uint32_t rj : many.quotes) {
        const Quote& r = docs[quotes[rj].doc].quotes[quotes[rj].index];
        const size_t shared = sorted_intersection(q.content(), r.content()) +
                              (in_other_words ? said_otherwise(q.content(), r.content()) : 0);
        if (shared > most) most = shared, pick = rj;
      }
      sets.unite(qi, pick);
    }
  }
}

// The quotations of one story, ordered by first variant; ids are left to the caller.
std::vector<Quotation> quotations_of(std::span<const StoryFeatures> docs, const Story& story,
                                     const QuotationParams& params) {
  std::vector<Quotation> out;
  std::vector<Ref> quotes;
  for (uint32_t d : story.members) {
    for (uint32_t q = 0; q < docs[d].quotes.size(); ++q) quotes.push_back({d, q});
  }
  auto quote = [&](uint32_t i) -> const Quote& {
    return docs[quotes[i].doc].quotes[quotes[i].index];
  };
  DisjointSets sets(quotes.size());

  // Copies first: quotes with the same stems and speaker are one, and only
  // one of them (the representative) is compared with the others.
  std::vector<uint32_t> distinct;
  {
    std::unordered_map<uint64_t, std::vector<uint32_t>> by_bag;
    for (uint32_t i = 0; i < quotes.size(); ++i) {
      const Quote& q = quote(i);
      auto& reps = by_bag[bag_hash(q.stems()) ^ std::hash<std::string>{}(q.speaker)];
      const auto rep = std::find_if(reps.begin(), reps.end(), [&](uint32_t r) {
        return std::ranges::equal(quote(r).stems(), q.stems()) && quote(r).speaker == q.speaker;
      });
      if (rep != reps.end()) {
        sets.unite(i, *rep);
      } else {
        reps.push_back(i);
        distinct.push_back(i);
      }
    }
  }
  // Candidates share a content stem (quote_similarity is 0 otherwise, except
  // for the same words, which the stem postings of all words find).
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  for (uint32_t i : distinct) {
    const Quote& qi = quote(i);
    std::vector<uint32_t> seen;
    const auto keys = qi.content().empty() ? qi.stems() : qi.content();
    for (size_t k = 0; k < keys.size(); ++k) {
      if (k > 0 && keys[k] == keys[k - 1]) continue;
      auto& list = postings[keys[k]];
      if (list.size() <= params.max_postings) {
        for (uint32_t j : list) seen.push_back(j);
      }
      list.push_back(i);
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (uint32_t j : seen) {
      if (sets.find(i) != sets.find(j) && same_quotation(qi, quote(j), params)) sets.unite(i, j);
    }
  }
  unite_turns(docs, quotes, distinct, params, sets);

  std::map<uint32_t, Quotation> groups;
  for (uint32_t i = 0; i < quotes.size(); ++i) {
    const Quote& q = quote(i);
    groups[sets.find(i)].variants.push_back({quotes[i].doc, q.begin, q.end, q.speaker});
  }
  std::vector<Quotation> story_quotes;
  for (auto& [rep, g] : groups) story_quotes.push_back(std::move(g));
  std::sort(story_quotes.begin(), story_quotes.end(), [](const Quotation& a, const Quotation& b) {
    return std::tie(a.variants[0].doc, a.variants[0].begin) <
           std::tie(b.variants[0].doc, b.variants[0].begin);
  });
  // Each surname in the longest form any article of the story writes it.
  std::map<std::string, std::string> longest;
  for (uint32_t i = 0; i < quotes.size(); ++i) {
    const std::string& who = quote(i).speaker;
    if (who.empty()) continue;
    std::string& l = longest[surname_key(who)];
    if (who.size() > l.size()) l = who;
  }
  for (Quotation& g : story_quotes) {
    // The speaker: the surname most variants agree on, in its longest form;
    // every other surname given is listed as an attribution too. Spelling
    // variants of one surname count as one.
    struct Surname {
      std::string key;   // surname_key of the first spelling seen
      std::string name;  // the longest form written of any of its spellings
      int count;
    };
    std::vector<Surname> by_surname;
    for (const QuoteVariant& v : g.variants) {
      if (v.speaker.empty()) continue;
      const std::string key = surname_key(v.speaker);
      const std::string& name = longest[key];
      auto it = std::find_if(by_surname.begin(), by_surname.end(),
                             [&](const Surname& e) { return spelling_variants(e.key, key); });
      if (it == by_surname.end()) {
        by_surname.push_back({key, name, 1});
        continue;
      }
      ++it->count;
      // Longest first, then the first in alphabetical order: independent of document order.
      if (name.size() > it->name.size() || (name.size() == it->name.size() && name < it->name)) {
        it->name = name;
      }
    }
    int most = 0;
    for (const Surname& s : by_surname) {
      if (s.count > most) most = s.count, g.speaker = s.name;
    }
    if (by_surname.size() > 1) {
      for (const Surname& s : by_surname) g.attributions.push_back(s.name);
    }
    g.story = story.id;
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace

std::vector<Quotation> story_quotations(std::span<const StoryFeatures> docs,
                                        std::span<const Story> stories,
                                        const QuotationParams& params, const RangeLoop& loop) {
  // Stories are independent: each one's quotations are found through `loop`
  // (possibly in parallel), then numbered in story order, as one pass would.
  std::vector<std::vector<Quotation>> of_story(stories.size());
  loop(stories.size(), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) of_story[i] = quotations_of(docs, stories[i], params);
  });
  size_t total = 0;
  for (const auto& v : of_story) total += v.size();
  std::vector<Quotation> out;
  out.reserve(total);
  for (auto& v : of_story) {
    for (Quotation& g : v) {
      g.id = static_cast<uint32_t>(out.size());
      out.push_back(std::move(g));
    }
    std::vector<Quotation>().swap(v);
  }
  return out;
}

}  // namespace kindred::story
