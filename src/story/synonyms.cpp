#include "story/synonyms.h"

#include "story/features.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string>

namespace kindred::story {

namespace {

// The next space-separated field of `line` from `pos`.
std::string_view field(std::string_view line, size_t& pos) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
  const size_t begin = pos;
  while (pos < line.size() && line[pos] != ' ') ++pos;
  return line.substr(begin, pos - begin);
}

bool parse_number(std::string_view s, uint32_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

void Synonyms::add_line(std::string_view line) {
  // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...
  // (wndb(5)); lines that start with a space are the licence.
  if (line.empty() || line.front() == ' ') return;
  size_t pos = 0;
  const std::string_view lemma = field(line, pos);
  const std::string_view pos_name = field(line, pos);
  // Single words of letters only: a tokeniser never makes one token of
  // "animate_being" or "o'clock".
  if (lemma.empty() ||
      !std::all_of(lemma.begin(), lemma.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    return;
  static constexpr std::string_view kPos = "nvar";
  const size_t part = pos_name.size() == 1 ? kPos.find(pos_name[0]) : std::string_view::npos;
  uint32_t synsets = 0, pointers = 0, senses = 0, tagged = 0;
  if (part == std::string_view::npos || !parse_number(field(line, pos), synsets) ||
      !parse_number(field(line, pos), pointers))
    return;
  for (uint32_t i = 0; i < pointers && pos < line.size(); ++i) field(line, pos);
  if (!parse_number(field(line, pos), senses) || !parse_number(field(line, pos), tagged)) return;
  // Senses are listed most frequent first; keep those the tagged corpus
  // attests, or the first.
  const uint64_t stem = stem_hash(lemma);
  const uint32_t keep = std::max<uint32_t>(1, std::min(tagged, synsets));
  for (uint32_t i = 0; i < keep; ++i) {
    uint32_t offset = 0;
    if (!parse_number(field(line, pos), offset) || offset >= (1u << 26)) return;
    pairs_.emplace_back(stem, static_cast<uint32_t>(part) << 26 | offset);
  }
}

void Synonyms::finish() {
  std::sort(pairs_.begin(), pairs_.end());
  pairs_.erase(std::unique(pairs_.begin(), pairs_.end()), pairs_.end());
  senses_.reserve(pairs_.size());
  for (size_t i = 0; i < pairs_.size();) {
    size_t j = i;
    while (j < pairs_.size() && pairs_[j].first == pairs_[i].first)
      senses_.push_back(pairs_[j++].second);
    ranges_.emplace(pairs_[i].first, std::pair<uint32_t, uint32_t>(uint32_t(i), uint32_t(j)));
    i = j;
  }
  pairs_ = {};
}

Synonyms Synonyms::load(const std::filesystem::path& dir) {
  Synonyms out;
  std::string line;
  for (const char* name : {"index.noun", "index.verb", "index.adj", "index.adv"}) {
    std::ifstream in(dir / name);
    while (std::getline(in, line)) out.add_line(line);
  }
  out.finish();
  return out;
}

Synonyms Synonyms::from_index_lines(std::span<const std::string_view> lines) {
  Synonyms out;
  for (std::string_view line : lines) out.add_line(line);
  out.finish();
  return out;
}

const Synonyms& Synonyms::english() {
  static const Synonyms table = [] {
    const char* dir = std::getenv("KINDRED_WORDNET_DIR");
    return load(dir && *dir ? dir : "/usr/share/wordnet");
  }();
  return table;
}

std::span<const uint32_t> Synonyms::senses(uint64_t stem) const {
  const auto it = ranges_.find(stem);
  if (it == ranges_.end()) return {};
  return std::span<const uint32_t>(senses_).subspan(it->second.first,
                                                    it->second.second - it->second.first);
}

bool Synonyms::synonyms(uint64_t stem_a, uint64_t stem_b) const {
  if (stem_a == stem_b) return true;
  const auto a = senses(stem_a), b = senses(stem_b);
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) return true;
    a[i] < b[j] ? ++i : ++j;
  }
  return false;
}

}  // namespace kindred::story
