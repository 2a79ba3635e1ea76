#include "story/features.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <unordered_map>

#include "story/speakers.h"
#include "util/hash.h"
#include "util/utf8.h"

namespace kindred::story {

namespace {

// A fixed set of normalised words, looked up by word hash (normalize::word_hash,
// which is a Token's hash), so a token is tested without building its string.
// PERF: the unordered_set<string_view> lookups these replace (hashing and
// comparing strings, after building each token's string) were ~10% of story
// feature extraction. A word whose 64-bit hash equals a listed word's by
// chance is out of practical reach.
class WordSet {
 public:
  WordSet(std::initializer_list<std::string_view> words) {
    size_t size = 16;
    while (size < 2 * words.size()) size *= 2;
    table_.assign(size, 0);  // 0 = empty; no word hashes to 0 in practice
    for (std::string_view w : words) {
      const uint64_t h = normalize::word_hash(w);
      size_t i = h & (size - 1);
      while (table_[i] != 0 && table_[i] != h) i = (i + 1) & (size - 1);
      table_[i] = h;
    }
  }
  bool contains(uint64_t word_hash) const {
    for (size_t i = word_hash & (table_.size() - 1);; i = (i + 1) & (table_.size() - 1)) {
      if (table_[i] == word_hash) return true;
      if (table_[i] == 0) return false;
    }
  }
  bool contains(std::string_view word) const { return contains(normalize::word_hash(word)); }

 private:
  std::vector<uint64_t> table_;
};

// Function words, reporting verbs, titles and calendar words: frequent in every
// news story, so evidence of none. Normalised forms (apostrophes dropped).
const WordSet& stopwords() {
  static const WordSet words = {
      "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
      "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
      "but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "dont", "down", "during",
      "each", "even", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
      "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "im", "in", "into",
      "is", "it", "its", "itself", "just", "last", "like", "made", "make", "many", "may", "me",
      "might", "more", "most", "much", "must", "my", "myself", "new", "no", "nor", "not", "now",
      "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own",
      "same", "she", "should", "since", "so", "some", "still", "such", "than", "that", "thats",
      "the", "their", "theirs", "them", "then", "there", "these", "they", "theyre", "this", "those",
      "through", "to", "too", "two", "under", "until", "up", "upon", "us", "very", "was", "we",
      "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why",
      "will", "with", "within", "without", "would", "year", "years", "yet", "you", "your", "yours",
      "week", "weeks", "day", "days", "time", "mr", "mrs", "ms", "dr", "sir",
      // reporting verbs
      "said", "says", "say", "saying", "told", "tell", "tells", "added", "adds", "stated",
      "declared", "wrote", "writes", "explained", "insisted", "warned", "asked", "noted", "argued",
      "claimed", "replied", "according", "reported", "reports", "announced",
      // calendar
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
      "february", "march", "april", "june", "july", "august", "september", "october", "november",
      "december", "today", "yesterday", "tomorrow"};
  return words;
}

// True when nothing but spaces and opening marks separate `pos` from the start
// of its sentence.
bool sentence_initial(std::string_view text, uint32_t pos) {
  size_t i = pos;
  while (i > 0) {
    const auto c = static_cast<unsigned char>(text[i - 1]);
    if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '(' || c == '[') {
      --i;
      continue;
    }
    if (c >= 0x80) {  // skip a multi-byte opening mark such as “ or ‘
      size_t j = i - 1;
      while (j > 0 && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) --j;
      char32_t cp;
      util::decode_utf8(text, j, cp);
      if (cp == U'“' || cp == U'‘' || cp == U'«' || cp == U'—' || cp == U'–') {
        i = j;
        continue;
      }
      return false;
    }
    return c == '.' || c == '!' || c == '?' || c == ':' || c == '\n' || c == '\r';
  }
  return true;
}

// The normalised form of token `t` into `w` (whose capacity is reused).
void word_of(std::string_view text, const normalize::Token& t, std::string& w) {
  const std::string_view raw = text.substr(t.begin, t.end - t.begin);
  // PERF: most news words are ASCII; lower-casing them here (apostrophes
  // dropped, as normalize_word does) avoids a Unicode pass and, with the
  // caller's buffer, any allocation (a string per token was 3% of a scan).
  if (std::all_of(raw.begin(), raw.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    w.clear();
    for (char c : raw) {
      if (c == '\'') continue;
      w.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
    return;
  }
  w = normalize::normalize_word(raw);
}

// Stems through a per-thread cache: news vocabulary is Zipfian, so nearly
// every token is a hit and Snowball runs once per distinct word and thread.
// PERF: a direct-mapped table of (language-salted word hash, stem hash).
constexpr size_t kStemCacheSlots = size_t{1} << 15;
constexpr uint64_t kStemSeed = 0x7374656dull;
constexpr uint64_t kNumberSeed = 0x6e756d62ull;

uint64_t cache_key(normalize::Language language, uint64_t word_hash) {
  const uint64_t k = word_hash ^ ((uint64_t(language) + 1) * 0x9E3779B97F4A7C15ull);
  return k == 0 ? 1 : k;
}

// The lower-case form a Snowball stemmer expects: case folded and composed,
// accents kept (the rules of French, German and Turkish read them), apostrophes
// dropped as normalize_word() drops them.
std::string stemmer_input(std::string_view raw) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(raw.data()),
                              static_cast<utf8proc_ssize_t>(raw.size()), &out,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                             UTF8PROC_CASEFOLD | UTF8PROC_IGNORE));
  if (n < 0) return normalize::normalize_word(raw);
  std::string folded(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
  std::string w;
  w.reserve(folded.size());
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded[i] == '\'') continue;
    if (folded.compare(i, 3, "\u2019") == 0 || folded.compare(i, 2, "\u0307") == 0) {
      i += folded[i] == '\xE2' ? 2 : 1;  // typographic apostrophe; Turkish dotted-I residue
      continue;
    }
    w.push_back(folded[i]);
  }
  return w;
}

class StemHasher {
 public:
  explicit StemHasher(normalize::Language language) : language_(language) {
    thread_local std::vector<std::pair<uint64_t, uint64_t>> slots;
    if (slots.empty()) slots.assign(kStemCacheSlots, {0, 0});
    slots_ = &slots;
    // PERF: one Snowball stemmer per thread, not one per document.
    thread_local normalize::Stemmer stemmer;
    stemmer_ = &stemmer;
  }
  // The stem hash of the token whose raw text is `raw`, normalised form
  // `normalized` and word hash `hash`.
  uint64_t operator()(std::string_view raw, const std::string& normalized, uint64_t hash) {
    const uint64_t key = cache_key(language_, hash);
    auto& slot = (*slots_)[key & (kStemCacheSlots - 1)];
    if (slot.first == key) return slot.second;
    uint64_t h;
    if (!normalize::Stemmer::has_stemmer(language_)) {
      h = util::hash_bytes(normalized, kStemSeed);
    } else {
      const bool ascii = std::all_of(raw.begin(), raw.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      std::string folded;
      if (!ascii) folded = stemmer_input(raw);
      const std::string_view st = stemmer_->stem(language_, ascii ? normalized : folded);
      // Stems are compared in normalised form, so that accents and letter
      // variants meet as the tokeniser makes them meet.
      h = ascii ? util::hash_bytes(st, kStemSeed)
                : util::hash_bytes(normalize::normalize_word(st), kStemSeed);
    }
    slot = {key, h};
    return h;
  }

 private:
  normalize::Language language_;
  normalize::Stemmer* stemmer_;
  std::vector<std::pair<uint64_t, uint64_t>>* slots_;
};

struct QuoteSpan {
  uint32_t begin, end;  // bytes inside the marks
};

// Finds spans between quotation marks: “…”, «…», "…", and ‘…’ where the
// single marks stand at word edges (so apostrophes are not taken for quotes).
std::vector<QuoteSpan> find_quote_spans(std::string_view text) {
  enum class Open { kNone, kCurly, kStraight, kSingle, kGuillemet };
  std::vector<QuoteSpan> spans;
  Open open = Open::kNone;
  uint32_t start = 0;
  auto is_letter_at = [&](size_t i) {
    if (i >= text.size()) return false;
    char32_t cp;
    if (util::decode_utf8(text, i, cp) == 0) return false;
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
  };
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    int n = util::decode_utf8(text, i, cp);
    if (n == 0) n = 1;
    const size_t next = i + static_cast<size_t>(n);
    if (cp == '\n' && next < text.size() && (text[next] == '\n' || text[next] == '\r')) {
      open = Open::kNone;  // quotations do not run across paragraphs here
    } else if (cp == U'“' || cp == U'„') {
      open = Open::kCurly;
      start = static_cast<uint32_t>(next);
    } else if (cp == U'«') {
      open = Open::kGuillemet;
      start = static_cast<uint32_t>(next);
    } else if ((cp == U'”' && open == Open::kCurly) || (cp == U'»' && open == Open::kGuillemet)) {
      spans.push_back({start, static_cast<uint32_t>(i)});
      open = Open::kNone;
    } else if (cp == '"') {
      if (open == Open::kStraight) {
        spans.push_back({start, static_cast<uint32_t>(i)});
        open = Open::kNone;
      } else if (open == Open::kNone) {
        open = Open::kStraight;
        start = static_cast<uint32_t>(next);
      }
    } else if (cp == U'‘' && open == Open::kNone && (i == 0 || !is_letter_at(i - 1))) {
      open = Open::kSingle;
      start = static_cast<uint32_t>(next);
    } else if (cp == U'’' && open == Open::kSingle && !is_letter_at(next)) {
      spans.push_back({start, static_cast<uint32_t>(i)});
      open = Open::kNone;
    }
    i = next;
  }
  return spans;
}

int year_of(int64_t seconds_since_1970) {
  using namespace std::chrono;
  const auto day = floor<days>(sys_seconds{seconds{seconds_since_1970}});
  return int(year_month_day{day}.year());
}

// Month names and their abbreviations, normalised: what makes a year a date.
const WordSet& month_names() {
  static const WordSet words = {
      "january",   "february", "march",    "april",    "may",  "june", "july", "august",
      "september", "october",  "november", "december", "jan",  "feb",  "mar",  "apr",
      "jun",       "jul",      "aug",      "sep",      "sept", "oct",  "nov",  "dec"};
  return words;
}

bool is_digits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The numbers a text writes: four-digit tokens from 1900 to 2099 are years
// ("in 2009", "2010-05-05", a dated URL); other tokens of digits (and the
// '.' and ',' the tokeniser joins them with) of two characters or more go to
// `numbers` by hash. One-digit numbers are in every text.
void written_numbers(std::string_view text, std::span<const normalize::Token> tokens,
                     StoryFeatures& f) {
  auto word = [&](size_t k) {
    return text.substr(tokens[k].begin, tokens[k].end - tokens[k].begin);
  };
  std::vector<uint16_t> once;  // years seen once and not in a date, so far
  for (size_t k = 0; k < tokens.size(); ++k) {
    const std::string_view w = word(k);
    if (w.size() < 2 || w[0] < '0' || w[0] > '9') continue;
    if (!std::all_of(w.begin(), w.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == ','; }))
      continue;
    const int y = w.size() == 4 && is_digits(w)
                      ? (w[0] - '0') * 1000 + (w[1] - '0') * 100 + (w[2] - '0') * 10 + (w[3] - '0')
                      : 0;
    if (y < 1900 || y > 2099) {
      f.numbers.push_back(util::hash_bytes(w, kNumberSeed));
      continue;
    }
    const auto year = static_cast<uint16_t>(y);
    // A year in a date: a month name within three words ("May 03, 2013",
    // "12 January 2010", "2009/dec/07"), or year-month-day in digits.
    bool dated = false;
    for (size_t j = k >= 3 ? k - 3 : 0; j < std::min(tokens.size(), k + 4) && !dated; ++j) {
      dated = j != k && month_names().contains(tokens[j].hash);
    }
    if (!dated && k + 2 < tokens.size()) {
      const std::string_view m = word(k + 1), d = word(k + 2);
      dated = is_digits(m) && m.size() <= 2 && is_digits(d) && d.size() <= 2 &&
              std::atoi(std::string(m).c_str()) >= 1 && std::atoi(std::string(m).c_str()) <= 12;
    }
    // ... or a year written twice.
    const bool again = std::find(once.begin(), once.end(), year) != once.end();
    if (dated || again) {
      f.dated_years.push_back(year);
    } else {
      once.push_back(year);
    }
    f.years.push_back(year);
  }
}

}  // namespace

bool is_stopword(std::string_view w) {
  return stopwords().contains(w);
}

bool is_stopword_hash(uint64_t word_hash) {
  return stopwords().contains(word_hash);
}

bool is_stopword_hash(normalize::Language language, uint64_t word_hash) {
  // The story list (English function words, reporting verbs, titles, calendar)
  // holds for every language: English words in a French text are names or
  // quotations, and rarely these.
  return stopwords().contains(word_hash) || normalize::is_stopword(language, word_hash);
}

namespace {
bool within_one_edit(const std::string& a, const std::string& b) {
  if (a.size() > b.size()) return within_one_edit(b, a);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;
  if (a.size() == b.size()) return a.compare(i + 1, std::string::npos, b, i + 1) == 0;
  return a.compare(i, std::string::npos, b, i + 1) == 0;
}
}  // namespace

bool spelling_variants(const std::string& a, const std::string& b) {
  if (a == b) return true;
  return std::max(a.size(), b.size()) >= 6 && within_one_edit(a, b);
}

std::string surname_key(const std::string& speaker) {
  // The last word, after a space or a hyphen: "Santos-Kahn" and "Santos Kahn" meet.
  const size_t space = speaker.find_last_of(" -");
  return name_key(normalize::normalize_word(
      space == std::string::npos ? speaker : std::string_view(speaker).substr(space + 1)));
}

std::string stem(std::string_view w, normalize::Language language) {
  thread_local normalize::Stemmer stemmer;  // a Snowball stemmer is costly to create
  return normalize::normalize_word(stemmer.stem(language, stemmer_input(w)));
}

uint64_t stem_hash(std::string_view w, normalize::Language language) {
  return util::hash_bytes(
      normalize::Stemmer::has_stemmer(language) ? stem(w, language) : normalize::normalize_word(w),
      kStemSeed);
}

std::vector<uint64_t> token_stems(std::string_view text, std::span<const normalize::Token> tokens,
                                  normalize::Language language, std::vector<char>* stop) {
  StemHasher hasher(language);
  std::vector<uint64_t> out(tokens.size());
  std::string w;
  if (stop) stop->assign(tokens.size(), 0);
  for (size_t k = 0; k < tokens.size(); ++k) {
    const normalize::Token& t = tokens[k];
    word_of(text, t, w);
    out[k] = hasher(text.substr(t.begin, t.end - t.begin), w, t.hash);
    if (stop) (*stop)[k] = is_stopword_hash(language, t.hash);
  }
  return out;
}

std::string name_key(std::string_view w) {
  std::string s;
  s.reserve(w.size() + 2);
  auto is_vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  for (size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    if (c == 'y') c = 'i';
    if (c == 'x') {
      s += "ks";
      continue;
    }
    if (c == 'p' && i + 1 < w.size() && w[i + 1] == 'h') {
      s += 'f';
      ++i;
      continue;
    }
    if (c == 'h' && i > 0 && (!is_vowel(s.empty() ? 'a' : s.back()) || i + 1 == w.size())) {
      continue;  // silent-ish h: "dh", "th", "kh", final h
    }
    if (!s.empty() && s.back() == c) continue;  // doubled letters
    s += c;
  }
  return s;
}

void Quote::set_stems(std::span<const uint64_t> stems, std::span<const char> stop) {
  // Exactly sized: every document's quotations are kept until the stories are found.
  bags_.clear();
  bags_.reserve(stems.size() + static_cast<size_t>(std::count(stop.begin(), stop.end(), 0)));
  bags_.assign(stems.begin(), stems.end());
  for (size_t i = 0; i < stems.size(); ++i) {
    if (i < stop.size() && !stop[i]) bags_.push_back(stems[i]);
  }
  stems_ = static_cast<uint32_t>(stems.size());
  std::sort(bags_.begin(), bags_.begin() + stems_);
  std::sort(bags_.begin() + stems_, bags_.end());
}

size_t sorted_intersection(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  // PERF: branch-free steps (both indices advance on a match); the branchy
  // merge mispredicted on every other element and was 11% of a default scan.
  size_t i = 0, j = 0, shared = 0;
  while (i < a.size() && j < b.size()) {
    const uint64_t x = a[i], y = b[j];
    shared += x == y;
    i += x <= y;
    j += y <= x;
  }
  return shared;
}

Quote make_quote(std::string_view text) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  std::vector<char> stop;
  const std::vector<uint64_t> stems =
      token_stems(text, tokens, normalize::identify_language(text, tokens), &stop);
  Quote q;
  q.end = static_cast<uint32_t>(text.size());
  q.set_stems(stems, stop);
  return q;
}

double quote_similarity(const Quote& a, const Quote& b) {
  // The same words: short remarks made of common words ("tonight, tomorrow or
  // any day this week") have too few content words for the test below.
  const auto a_stems = a.stems(), b_stems = b.stems();
  if (a_stems.size() >= 4 && std::ranges::equal(a_stems, b_stems)) return 1.0;
  // Decided on content words: function words make any two sentences look alike.
  const auto a_content = a.content(), b_content = b.content();
  const size_t shared = sorted_intersection(a_content, b_content);
  const size_t smaller = std::min(a_content.size(), b_content.size());
  if (shared < 2 || shared < std::min<size_t>(3, smaller)) return 0.0;
  const double content = double(shared) / double(smaller);
  const double all = double(sorted_intersection(a_stems, b_stems)) /
                     double(std::min(a_stems.size(), b_stems.size()));
  return std::min(content, all);
}

namespace {

// True when the word ending just before the period at `dot` is an
// abbreviation: one letter ("W.", the "U." of "U. S."), letters each followed
// by a period ("U.S.", "p.m."), or a title or month written short ("Mr.",
// "Feb."). Such a period ends a sentence only before a sentence's first word.
bool abbreviation_before(std::string_view text, size_t dot) {
  static constexpr std::string_view kShort[] = {
      "mr",  "mrs",  "ms",  "dr",  "prof", "gen", "sen", "rep", "gov", "st",  "lt",
      "col", "capt", "sgt", "rev", "mt",   "jr",  "sr",  "jan", "feb", "mar", "apr",
      "jun", "jul",  "aug", "sep", "sept", "oct", "nov", "dec", "no",  "vs"};
  size_t b = dot;
  while (b > 0 && (std::isalpha(static_cast<unsigned char>(text[b - 1])) || text[b - 1] == '.'))
    --b;
  const std::string_view word = text.substr(b, dot - b);
  if (word.empty() || word.front() == '.') return false;
  bool initials = true;  // every part between periods one letter
  size_t part = 0;
  for (char c : word) {
    part = c == '.' ? 0 : part + 1;
    initials = initials && part <= 1;
  }
  if (initials) return true;
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(std::begin(kShort), std::end(kShort), lower) != std::end(kShort);
}

// True when the word at `pos` can begin a sentence after an abbreviation: a
// capitalised function word ("The", "He", "On"), not a name ("U.S. Treasury")
// or another initial ("U. S.").
bool starts_sentence_after_abbreviation(std::string_view text, size_t pos) {
  size_t e = pos;
  while (e < text.size() && std::isalpha(static_cast<unsigned char>(text[e]))) ++e;
  if (e - pos < 2 || !std::isupper(static_cast<unsigned char>(text[pos]))) return false;
  std::string lower(text.substr(pos, e - pos));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return is_stopword(lower);
}

}  // namespace

std::vector<std::pair<uint32_t, uint32_t>> split_sentences(std::string_view text) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  auto push = [&](size_t b, size_t e) {
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    if (e > b) out.emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(e));
  };
  size_t start = 0;
  // The width hard-wrapped text is wrapped at: the longest line that another
  // line follows in its paragraph, the first line (a headline may be longer
  // than the body's lines) and a paragraph's last line (a closing note)
  // aside. Zero when no such line is there: nothing wraps by width.
  size_t width = 0;
  {
    size_t b = text.find('\n');
    while (b != std::string_view::npos && b < text.size()) {
      const size_t line = b + 1;
      size_t e = text.find('\n', line);
      if (e == std::string_view::npos) break;  // the last line
      size_t end = e;
      while (end > line && text[end - 1] == '\r') --end;
      size_t after = e + 1;
      while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
      const bool followed = after < text.size() && text[after] != '\n' && text[after] != '\r';
      if (followed) width = std::max(width, end - line);
      b = e;
    }
  }
  // A line break ends a sentence unless it only wraps one: in hard-wrapped
  // text the line goes on in lower case, or the line before stops mid-phrase
  // because the next word would not have fitted on it.
  auto wraps = [&](size_t newline) {
    size_t prev = newline;
    while (prev > start && std::isspace(static_cast<unsigned char>(text[prev - 1]))) --prev;
    size_t next = newline + 1;
    while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) ++next;
    if (next >= text.size() || text[next] == '\n' || text[next] == '\r')
      return false;  // blank line
    if (std::islower(static_cast<unsigned char>(text[next]))) return true;
    if (prev == start) return false;
    const char last = text[prev - 1];
    const bool closes = last == '.' || last == '!' || last == '?' || last == ':' || last == '"' ||
                        static_cast<unsigned char>(last) >= 0x80;  // ” ’ and other marks
    // A short line not closed by punctuation is a headline; a long one wraps
    // when the next word would not have fitted within the text's width (a
    // long headline above paragraphs written as single lines does not).
    const size_t nl = newline == 0 ? std::string_view::npos : text.rfind('\n', newline - 1);
    const size_t line_start = nl == std::string_view::npos ? 0 : nl + 1;
    if (closes || prev <= line_start || prev - line_start < 60) return false;
    size_t word_end = next;
    while (word_end < text.size() && !std::isspace(static_cast<unsigned char>(text[word_end])))
      ++word_end;
    return width > 0 && (prev - line_start) + 1 + (word_end - next) > width;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      if (wraps(i)) continue;
      push(start, i);
      start = i + 1;
      continue;
    }
    if (c != '.' && c != '!' && c != '?') continue;
    size_t j = i + 1;
    // Closing marks after the terminator belong to the sentence: .” ." .)
    while (j < text.size()) {
      const auto u = static_cast<unsigned char>(text[j]);
      if (u == '"' || u == '\'' || u == ')') {
        ++j;
      } else if (u == 0xE2 && j + 2 < text.size() &&
                 static_cast<unsigned char>(text[j + 1]) == 0x80 &&
                 (static_cast<unsigned char>(text[j + 2]) == 0x9D ||
                  static_cast<unsigned char>(text[j + 2]) == 0x99)) {
        j += 3;  // ” or ’
      } else {
        break;
      }
    }
    if (j < text.size() && (text[j] == ' ' || text[j] == '\t')) {
      if (c == '.' && j == i + 1) {
        // "U.S. officials", "3 p.m. on Friday", "Mr. Smith": no sentence ends
        // before a lower-case word, nor after an abbreviation unless a
        // sentence's first word follows ("... in the U.S. The ministry").
        size_t next = j;
        while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) ++next;
        if (next < text.size() && std::islower(static_cast<unsigned char>(text[next]))) continue;
        if (abbreviation_before(text, i) && !starts_sentence_after_abbreviation(text, next))
          continue;
      }
      push(start, j);
      start = j;
      i = j - 1;
    }
  }
  push(start, text.size());
  return out;
}

StoryFeatures extract_features(std::string_view text, std::span<const normalize::Token> tokens,
                               std::optional<int64_t> time) {
  StoryFeatures f;
  f.time = time;
  f.language = normalize::identify_language(text, tokens);

  // Content terms and name candidates in one pass. PERF: the terms' stems are
  // collected, then sorted and counted by runs (a hash map of counts made a
  // node per distinct stem).
  StemHasher hasher(f.language);
  std::vector<uint64_t> token_stem(tokens.size());
  std::vector<char> stop(tokens.size());
  std::vector<uint64_t> stems;
  stems.reserve(tokens.size());
  std::unordered_map<std::string, bool> capitalised;  // word -> seen capitalised mid-sentence
  std::string w;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const normalize::Token& t = tokens[k];
    word_of(text, t, w);
    token_stem[k] = hasher(text.substr(t.begin, t.end - t.begin), w, t.hash);
    stop[k] = is_stopword_hash(f.language, t.hash);
    if (w.size() < 3 || stop[k]) continue;
    stems.push_back(token_stem[k]);
    if (starts_uppercase(text, t) &&
        !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      bool& mid = capitalised[w];
      mid = mid || !sentence_initial(text, t.begin);
    }
  }
  std::sort(stems.begin(), stems.end());
  // Exactly sized: the features of every document are kept until the stories are found.
  size_t distinct = 0;
  for (size_t i = 0; i < stems.size(); ++i) distinct += i == 0 || stems[i] != stems[i - 1];
  f.terms.reserve(distinct);
  for (size_t i = 0; i < stems.size();) {
    size_t j = i + 1;
    while (j < stems.size() && stems[j] == stems[i]) ++j;
    f.terms.emplace_back(stems[i], static_cast<uint32_t>(j - i));
    i = j;
  }
  for (const auto& [word, mid] : capitalised) {
    if (mid) f.names.push_back(name_key(word));
  }
  std::sort(f.names.begin(), f.names.end());
  f.names.erase(std::unique(f.names.begin(), f.names.end()), f.names.end());
  written_numbers(text, tokens, f);
  std::sort(f.numbers.begin(), f.numbers.end());
  f.numbers.erase(std::unique(f.numbers.begin(), f.numbers.end()), f.numbers.end());
  if (f.time) {
    const int y = year_of(*f.time);
    if (y >= 1900 && y <= 2099) {
      f.years.push_back(static_cast<uint16_t>(y));
      f.dated_years.push_back(static_cast<uint16_t>(y));
    }
  }
  static const std::array<uint64_t, 7> kWeekdays = [] {
    std::array<uint64_t, 7> h{};
    const char* names[] = {"monday", "tuesday",  "wednesday", "thursday",
                           "friday", "saturday", "sunday"};
    for (size_t i = 0; i < 7; ++i) h[i] = normalize::word_hash(names[i]);
    return h;
  }();
  for (const normalize::Token& t : tokens) {
    for (size_t i = 0; i < 7; ++i) {
      if (t.hash == kWeekdays[i]) f.weekdays |= static_cast<uint8_t>(1u << i);
    }
  }
  for (auto* v : {&f.years, &f.dated_years}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
    v->shrink_to_fit();
  }
  f.names.shrink_to_fit();
  f.numbers.shrink_to_fit();

  // Quotations and their speakers.
  // PERF: the finder reads every name and verb of the text; made only for a
  // text with quotation marks.
  const std::vector<QuoteSpan> spans = find_quote_spans(text);
  if (spans.empty()) return f;
  SpeakerFinder speakers(text, tokens);
  for (const QuoteSpan& span : spans) {
    auto first =
        std::lower_bound(tokens.begin(), tokens.end(), span.begin,
                         [](const normalize::Token& t, uint32_t pos) { return t.begin < pos; });
    auto last = first;
    while (last != tokens.end() && last->end <= span.end) ++last;
    const auto k0 = static_cast<size_t>(first - tokens.begin());
    const auto k1 = static_cast<size_t>(last - tokens.begin());
    if (k1 - k0 < 4) continue;
    Quote q;
    q.begin = span.begin;
    q.end = span.end;
    q.set_stems(std::span<const uint64_t>(token_stem).subspan(k0, k1 - k0),
                std::span<const char>(stop).subspan(k0, k1 - k0));
    q.speaker = speakers.find(k0, k1, span.begin, span.end);
    f.quotes.push_back(std::move(q));
  }
  f.quotes.shrink_to_fit();
  return f;
}

}  // namespace kindred::story
