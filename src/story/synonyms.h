// English synonyms from WordNet, keyed by the stem hashes quotations hold.
//
// A paraphrased quotation keeps the speaker's content but not always the
// words: "a different animal entirely" / "another beast altogether". Two
// words are synonyms here when their stems name one WordNet synset among the
// senses their lemmas are attested in (the senses of the tagged corpus that
// WordNet counts; the first sense when none is counted), so rare senses do
// not make common words alike.
//
// The table is read once per process, on first use, from the WordNet 3.0
// database of Debian's wordnet-base (/usr/share/wordnet, or the directory in
// KINDRED_WORDNET_DIR). Without it nothing is a synonym and every comparison
// is by stems alone; `available()` says which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kindred::story {

class Synonyms {
 public:
  /// The process's table (loaded on the first call; thread-safe).
  static const Synonyms& english();

  /// A table read from the index files (index.noun, .verb, .adj, .adv) of a
  /// WordNet database directory; empty when they cannot be read.
  static Synonyms load(const std::filesystem::path& dir);

  /// A table from lines in WordNet's index format (for tests).
  static Synonyms from_index_lines(std::span<const std::string_view> lines);

  bool available() const { return !senses_.empty(); }

  /// Whether two stem hashes (as `stem()` hashes English words) share a sense.
  bool synonyms(uint64_t stem_a, uint64_t stem_b) const;

  /// The sense ids of a stem, sorted (empty when WordNet does not know it).
  std::span<const uint32_t> senses(uint64_t stem) const;

 private:
  Synonyms() = default;
  void add_line(std::string_view line);
  void finish();

  // PERF: a hash lookup per stem, since most words of a quotation are
  // compared and most are not synonyms of anything there: ~100,000 stems,
  // ~150,000 senses, ~4 MB for all of WordNet.
  std::vector<std::pair<uint64_t, uint32_t>> pairs_;  // (stem, sense) while loading
  std::vector<uint32_t> senses_;                      // grouped by stem, sorted within
  std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>> ranges_;  // stem -> [begin, end)
};

}  // namespace kindred::story
