// Synth stories: independent reports of shared events, decoys, story truth.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "synth/generator.h"
#include "synth/stories.h"
#include "text_stats.h"

namespace kindred::synth {
namespace {

// Capitalised words inside a sentence (names), lowercased: a word after a
// space whose previous word does not end a sentence and that opens no quotation.
std::set<std::string> names_of(std::string_view text) {
  std::set<std::string> names;
  size_t i = 0;
  char before = '.';  // the last character of the previous word
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
      if (text[i] == '\n') before = '.';
      ++i;
    }
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) break;
    const std::string_view w = text.substr(start, i - start);
    if (before != '.' && std::isupper(static_cast<unsigned char>(w[0]))) {
      std::string n;
      for (char c : w)
        if (std::isalpha(static_cast<unsigned char>(c)))
          n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      names.insert(n);
    }
    before = w.back();
  }
  return names;
}

// Two spellings of one name as the generator respells: the last letter
// changed, or an 'h' appended.
bool respelled(const std::string& a, const std::string& b) {
  if (a.size() == b.size() && a.size() > 1)
    return a.compare(0, a.size() - 1, b, 0, b.size() - 1) == 0 && a.back() != b.back();
  const std::string& shorter = a.size() < b.size() ? a : b;
  const std::string& longer = a.size() < b.size() ? b : a;
  return longer.size() == shorter.size() + 1 && longer.back() == 'h' &&
         longer.compare(0, shorter.size(), shorter) == 0;
}

size_t common(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t n = 0;
  for (const std::string& x : a) n += b.count(x);
  return n;
}

CorpusSpec story_spec(uint64_t documents) {
  CorpusSpec spec;
  spec.documents = documents;
  spec.stories.fraction = 0.5;
  return spec;
}

TEST(SynthStories, OffLeavesTheCorpusAsItWas) {
  CorpusSpec plain;
  plain.documents = 300;
  CorpusSpec off = plain;
  off.stories.reports_per_story = 7;
  off.stories.decoy_fraction = 0.9;
  const Corpus a = generate_corpus(plain), b = generate_corpus(off);
  ASSERT_EQ(a.documents.size(), b.documents.size());
  for (size_t i = 0; i < a.documents.size(); ++i) {
    EXPECT_EQ(a.documents[i].text, b.documents[i].text);
    EXPECT_EQ(a.documents[i].date, b.documents[i].date);
  }
  EXPECT_TRUE(a.stories.empty());
}

TEST(SynthStories, TruthCoversEveryDocumentAndCopiesFollowTheirSource) {
  const Corpus c = generate_corpus(story_spec(3000));
  ASSERT_EQ(c.stories.size(), c.documents.size());
  const StoryLayout layout(story_spec(3000));
  uint64_t originals = 0, reports = 0;
  std::map<uint64_t, uint64_t> source_of;
  for (const TruthPair& t : c.truth) source_of[t.copy] = t.source;
  for (size_t i = 0; i < c.stories.size(); ++i) {
    const StoryTruth& s = c.stories[i];
    EXPECT_EQ(s.document, i);
    const auto copy = source_of.find(i);
    EXPECT_EQ(s.original, copy == source_of.end() ? i : copy->second);
    EXPECT_EQ(s.event, layout.event_of(s.original));
    if (copy == source_of.end()) {
      ++originals;
      reports += s.event != kNoEvent;
    }
    if (s.event != kNoEvent) {
      EXPECT_EQ(s.story_id(), event_id(s.event));
      EXPECT_EQ(s.event / kStoryWindow, s.original / kStoryWindow);  // an event of its window
    } else {
      EXPECT_EQ(s.story_id(), doc_id(s.original));
    }
  }
  const double share = static_cast<double>(reports) / static_cast<double>(originals);
  EXPECT_NEAR(share, 0.5, 0.05);
}

// Reports of one event are independent texts (no copies of each other) that
// share its people, some spelled differently, and its date; decoy events
// share the people of another event.
TEST(SynthStories, ReportsShareNamesNotText) {
  const Corpus c = generate_corpus(story_spec(4000));
  std::map<uint64_t, std::vector<uint64_t>> reports;  // event -> originals reporting it
  for (const StoryTruth& s : c.stories)
    if (s.event != kNoEvent && s.original == s.document) reports[s.event].push_back(s.document);

  size_t same_pairs = 0, same_with_names = 0, respellings = 0, multi = 0;
  for (const auto& [event, docs] : reports) {
    multi += docs.size() >= 2;
    for (size_t i = 0; i < docs.size(); ++i) {
      for (size_t j = i + 1; j < docs.size(); ++j) {
        const Document& a = c.documents[docs[i]];
        const Document& b = c.documents[docs[j]];
        EXPECT_LT(jaccard(shingles_of(a.text), shingles_of(b.text)), 0.2) << a.id << " " << b.id;
        const auto na = names_of(a.text), nb = names_of(b.text);
        ++same_pairs;
        same_with_names += common(na, nb) >= 2;
        for (const std::string& x : na)
          for (const std::string& y : nb) respellings += respelled(x, y);
        // Published within three days of the event (ISO dates compare as text).
        EXPECT_EQ(a.date.substr(0, 4), "2024");
      }
    }
  }
  ASSERT_GT(multi, 50u);
  EXPECT_GT(static_cast<double>(same_with_names), 0.8 * static_cast<double>(same_pairs));
  EXPECT_GT(respellings, same_pairs / 10);

  // Reports of unrelated events (not decoys of each other, other windows)
  // rarely share two names.
  const StoryLayout layout(story_spec(4000));
  size_t other_pairs = 0, other_with_names = 0;
  std::vector<std::pair<uint64_t, uint64_t>> firsts;  // (event, first report)
  for (const auto& [event, docs] : reports) firsts.emplace_back(event, docs.front());
  for (size_t i = 0; i + 3 < firsts.size(); i += 3) {
    const auto [ea, da] = firsts[i];
    const auto [eb, db] = firsts[i + 3];
    if (ea / kStoryWindow == eb / kStoryWindow) continue;
    if (layout.people_of(ea) == layout.people_of(eb)) continue;
    ++other_pairs;
    other_with_names += common(names_of(c.documents[da].text), names_of(c.documents[db].text)) >= 2;
  }
  ASSERT_GT(other_pairs, 20u);
  EXPECT_LT(static_cast<double>(other_with_names), 0.05 * static_cast<double>(other_pairs));

  // Decoys: two events of the same people.
  size_t decoys = 0, decoys_with_names = 0;
  for (const auto& [event, docs] : reports) {
    if (!layout.is_decoy(event)) continue;
    const auto root = reports.find(layout.people_of(event));
    if (root == reports.end()) continue;
    ++decoys;
    decoys_with_names += common(names_of(c.documents[docs.front()].text),
                                names_of(c.documents[root->second.front()].text)) >= 2;
    EXPECT_LT(jaccard(shingles_of(c.documents[docs.front()].text),
                      shingles_of(c.documents[root->second.front()].text)),
              0.2);
  }
  ASSERT_GT(decoys, 5u);
  EXPECT_GT(static_cast<double>(decoys_with_names), 0.8 * static_cast<double>(decoys));
}

TEST(SynthStories, StreamingMatchesCollectedAndSpecIsChecked) {
  const CorpusSpec spec = story_spec(500);
  const Corpus all = generate_corpus(spec);
  size_t docs = 0, stories = 0;
  generate(
      spec, [&](Document&& d) { EXPECT_EQ(d.text, all.documents[docs++].text); }, nullptr,
      [&](const StoryTruth& s) {
        EXPECT_EQ(s.document + 1, docs);  // right after its document
        EXPECT_EQ(s.story_id(), all.stories[stories++].story_id());
      });
  EXPECT_EQ(stories, all.documents.size());

  CorpusSpec bad = spec;
  bad.stories.fraction = 1.5;
  EXPECT_FALSE(bad.validate().is_ok());
  bad = spec;
  bad.stories.reports_per_story = 0.5;
  EXPECT_FALSE(bad.validate().is_ok());
  bad = spec;
  bad.stories.decoy_fraction = -0.1;
  EXPECT_FALSE(bad.validate().is_ok());
}

}  // namespace
}  // namespace kindred::synth
