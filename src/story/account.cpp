#include "story/account.h"

#include <algorithm>
#include <list>
#include <unordered_map>

#include "normalize/tokenize.h"
#include "story/features.h"

namespace kindred::story {

namespace {

struct Sentence {
  uint32_t doc, begin, end;
  std::vector<uint64_t> stems;    // sorted, unique
  std::vector<uint64_t> content;  // the stems of non-stopwords: what candidates are found by
};

Sentence make_sentence(uint32_t doc, uint32_t begin, uint32_t end, std::string_view text,
                       normalize::Language language) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  Sentence s{doc, begin, end, {}, {}};
  std::vector<char> stop;
  s.stems = token_stems(text, tokens, language, &stop);
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (!stop[k]) s.content.push_back(s.stems[k]);
  }
  for (auto* v : {&s.stems, &s.content}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return s;
}

double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  const size_t shared = sorted_intersection(a, b);
  const size_t uni = a.size() + b.size() - shared;
  return uni == 0 ? 0.0 : double(shared) / double(uni);
}

// How surely two sentences tell the same fact: the stem Jaccard (nearly the
// same wording), or, for a rewording that keeps the facts' words, the overlap
// of their content stems (shared / smaller) when enough of them are shared.
double sameness(const Sentence& a, const Sentence& b, const AccountParams& params) {
  const double wording = jaccard(a.stems, b.stems);
  const size_t shared = sorted_intersection(a.content, b.content);
  if (shared < params.min_shared_content) return wording;
  const double facts = double(shared) / double(std::min(a.content.size(), b.content.size()));
  return std::max(wording, facts);
}

}  // namespace

std::vector<AccountSentence> merged_account(const Story& story,
                                            std::span<const std::string_view> texts,
                                            const AccountParams& params) {
  // Longest articles first: the backbone is the most complete account.
  std::vector<uint32_t> order = story.members;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return texts[x].size() > texts[y].size(); });
  if (order.size() > params.max_documents) order.resize(params.max_documents);

  struct Entry {
    Sentence sentence;
    std::vector<uint32_t> sources;
  };
  std::list<Entry> account;  // insertion in the middle keeps other positions valid
  std::unordered_map<uint64_t, std::vector<std::list<Entry>::iterator>> by_stem;

  for (uint32_t d : order) {
    auto previous = account.end();  // where this article's last sentence sits
    bool placed_any = false;
    std::vector<normalize::Token> tokens;
    normalize::tokenize(texts[d], tokens);
    const normalize::Language language = normalize::identify_language(texts[d], tokens);
    for (const auto& [b, e] : split_sentences(texts[d])) {
      Sentence s = make_sentence(d, b, e, texts[d].substr(b, e - b), language);
      if (s.stems.size() < params.min_words) continue;
      // Candidates share a content stem; take the most similar above the threshold.
      std::list<Entry>::iterator best = account.end();
      double best_score = params.same_sentence;
      std::unordered_map<const Entry*, int> seen;
      for (uint64_t st : s.content) {
        auto it = by_stem.find(st);
        if (it == by_stem.end()) continue;
        for (auto entry : it->second) {
          if (seen[&*entry]++) continue;
          const double score = sameness(s, entry->sentence, params);
          if (score >= best_score) best_score = score, best = entry;
        }
      }
      if (best != account.end()) {
        if (std::find(best->sources.begin(), best->sources.end(), d) == best->sources.end()) {
          best->sources.push_back(d);
        }
        previous = best;
        placed_any = true;
        continue;
      }
      // After this article's previous sentence; at the end when it has none yet.
      auto at = placed_any ? std::next(previous) : account.end();
      auto inserted = account.insert(at, Entry{std::move(s), {d}});
      for (uint64_t st : inserted->sentence.content) by_stem[st].push_back(inserted);
      previous = inserted;
      placed_any = true;
    }
  }

  std::vector<AccountSentence> out;
  for (auto& e : account) {
    std::sort(e.sources.begin(), e.sources.end());
    out.push_back({e.sentence.doc, e.sentence.begin, e.sentence.end, std::move(e.sources)});
  }
  return out;
}

}  // namespace kindred::story
