#include "synth/lexicon.h"

#include <string>
#include <unordered_set>

#include "core/check.h"

namespace kindred::synth {

AliasTable::AliasTable(const std::vector<double>& weights) {
  KINDRED_CHECK(!weights.empty() && weights.size() < (1ull << 32), "alias table size");
  size_ = static_cast<uint32_t>(weights.size());
  double sum = 0;
  for (double w : weights) sum += w;
  KINDRED_CHECK(sum > 0, "alias table needs a positive weight");
  std::vector<double> scaled(size_);
  std::vector<uint32_t> small, large;
  for (uint32_t i = 0; i < size_; ++i) {
    scaled[i] = weights[i] * size_ / sum;
    (scaled[i] < 1.0 ? small : large).push_back(i);
  }
  columns_.resize(size_);
  for (uint32_t i = 0; i < size_; ++i) columns_[i] = {0xffffffffu, i};
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back();
    small.pop_back();
    const uint32_t l = large.back();
    columns_[s] = {static_cast<uint32_t>(scaled[s] * 4294967296.0), l};
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding: keep them always.
}

namespace {

struct Frequent {
  const char* word;
  double per_million;  ///< occurrences per million words of running English text
};

// The most common English words (Brown-corpus-like counts), "said" and a few
// nouns raised to what news copy shows. "I" and "Mr" are left out because they
// are always capitalised.
constexpr Frequent kFunctionWords[] = {
    {"the", 69971},      {"of", 36412},   {"and", 28853},     {"to", 26149},      {"a", 23237},
    {"in", 21341},       {"that", 10595}, {"is", 10099},      {"was", 9816},      {"he", 9543},
    {"for", 9489},       {"it", 8756},    {"with", 7289},     {"as", 7250},       {"his", 6997},
    {"on", 6742},        {"be", 6377},    {"at", 5372},       {"by", 5306},       {"had", 5133},
    {"this", 5146},      {"not", 4610},   {"are", 4394},      {"but", 4381},      {"from", 4370},
    {"or", 4207},        {"have", 3941},  {"an", 3747},       {"they", 3618},     {"which", 3562},
    {"one", 3292},       {"you", 3286},   {"were", 3284},     {"her", 3037},      {"all", 3001},
    {"she", 2860},       {"there", 2725}, {"would", 2714},    {"their", 2670},    {"we", 2653},
    {"him", 2619},       {"been", 2472},  {"has", 2439},      {"when", 2331},     {"who", 2252},
    {"will", 2244},      {"more", 2216},  {"no", 2201},       {"if", 2199},       {"out", 2096},
    {"so", 1985},        {"said", 4500},  {"what", 1908},     {"up", 1895},       {"its", 1858},
    {"about", 1815},     {"into", 1791},  {"than", 1789},     {"them", 1789},     {"can", 1772},
    {"only", 1747},      {"other", 1702}, {"new", 1635},      {"some", 1617},     {"could", 1601},
    {"time", 1598},      {"these", 1573}, {"two", 1412},      {"may", 1400},      {"then", 1377},
    {"do", 1363},        {"first", 1361}, {"any", 1344},      {"my", 1318},       {"now", 1314},
    {"such", 1303},      {"like", 1290},  {"our", 1252},      {"over", 1236},     {"me", 1181},
    {"even", 1171},      {"most", 1160},  {"made", 1125},     {"after", 1070},    {"also", 1069},
    {"did", 1044},       {"many", 1030},  {"before", 1016},   {"must", 1013},     {"through", 969},
    {"back", 967},       {"years", 949},  {"where", 937},     {"much", 937},      {"your", 923},
    {"way", 909},        {"well", 897},   {"down", 895},      {"should", 888},    {"because", 883},
    {"each", 877},       {"just", 872},   {"those", 850},     {"people", 847},    {"how", 834},
    {"too", 832},        {"very", 796},   {"still", 782},     {"between", 730},   {"both", 730},
    {"under", 707},      {"never", 697},  {"while", 680},     {"last", 677},      {"might", 672},
    {"us", 672},         {"year", 658},   {"since", 628},     {"against", 626},   {"three", 610},
    {"government", 600}, {"week", 560},   {"officials", 520}, {"president", 500},
};

// Syllable parts. Onsets and codas repeat to weight the common ones.
constexpr const char* kOnsets[] = {
    "b",  "c",  "d",   "f",  "g",  "h",  "j",  "k",  "l",  "m",  "n",  "p",  "r",  "s",
    "t",  "v",  "w",   "z",  "b",  "d",  "l",  "m",  "n",  "r",  "s",  "t",  "br", "bl",
    "cl", "cr", "dr",  "fl", "fr", "gl", "gr", "pl", "pr", "sc", "sk", "sl", "sm", "sn",
    "sp", "st", "str", "sw", "tr", "th", "ch", "sh", "wh", "qu", "y"};
constexpr const char* kVowels[] = {"a",  "e",  "i",  "o",  "u",  "a",  "e",  "i",
                                   "o",  "u",  "a",  "e",  "i",  "o",  "a",  "e",
                                   "ai", "ea", "ee", "ie", "oa", "ou", "oo", "y"};
constexpr const char* kCodas[] = {"",   "",   "",   "",   "",   "",   "n",  "r",
                                  "s",  "t",  "l",  "m",  "d",  "k",  "nd", "nt",
                                  "st", "rk", "ld", "ng", "ck", "sh", "th"};

template <typename T, size_t N>
const T& pick(Rng& rng, const T (&items)[N]) {
  return items[rng.below(static_cast<uint32_t>(N))];
}

std::string make_pseudo_word(Rng& rng, uint32_t syllables) {
  std::string w;
  for (uint32_t s = 0; s < syllables; ++s) {
    // Words may open on a vowel; later syllables always get an onset so that
    // vowels do not pile up.
    if (s > 0 || syllables == 1 || rng.below(5) != 0) w += pick(rng, kOnsets);
    w += pick(rng, kVowels);
    if (s + 1 == syllables || rng.below(3) == 0) w += pick(rng, kCodas);
  }
  return w;
}

// Zipf's law of abbreviation: the frequent words are the short ones.
uint32_t syllables_for_rank(Rng& rng, uint32_t rank) {
  const uint32_t r = rng.below(100);
  if (rank < 150) return r < 70 ? 1 : 2;
  if (rank < 3000) return r < 25 ? 1 : r < 90 ? 2 : 3;
  return r < 10 ? 1 : r < 65 ? 2 : r < 96 ? 3 : 4;
}

}  // namespace

void Lexicon::add(std::string_view w) {
  chars_.append(w);
  offsets_.push_back(static_cast<uint32_t>(chars_.size()));
}

Lexicon::Lexicon() {
  std::unordered_set<std::string> seen;
  std::vector<double> function_weights;
  for (const Frequent& f : kFunctionWords) {
    KINDRED_CHECK(seen.insert(f.word).second, "duplicate function word");
    if (std::string_view(f.word) == "said") said_ = size();
    add(f.word);
    function_weights.push_back(f.per_million);
  }
  function_ = AliasTable(function_weights);

  number_begin_ = size();
  for (int n = 1; n <= 100; ++n) add(std::to_string(n));
  for (int y = 1990; y <= 2030; ++y) add(std::to_string(y));

  content_begin_ = size();
  Rng rng(0x6b696e6472656421ull);  // fixed: the lexicon is the same for every corpus
  std::vector<double> zipf;
  zipf.reserve(kContentWords);
  for (uint32_t rank = 0; rank < kContentWords; ++rank) {
    std::string w;
    do {
      w = make_pseudo_word(rng, syllables_for_rank(rng, rank));
    } while (w.size() < 2 || !seen.insert(w).second);
    add(w);
    zipf.push_back(1.0 / (rank + 2.7));
  }
  content_ = AliasTable(zipf);
  for (uint32_t id = 0; id < size(); ++id)
    KINDRED_CHECK(word(id).size() <= kWordCopy, "word too long");
  chars_.append(kWordCopy, '\0');  // padding for fixed-size copies of the last words
}

const Lexicon& Lexicon::instance() {
  static const Lexicon lexicon;
  return lexicon;
}

}  // namespace kindred::synth
