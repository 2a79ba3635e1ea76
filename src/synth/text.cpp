#include "synth/text.h"

#include <cstdio>
#include <cstring>

namespace kindred::synth {

namespace {

char* put(std::string_view s, char* p) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

// Howard Hinnant's civil_from_days.
void format_time(uint64_t unix_seconds, std::string& out) {
  const auto days = static_cast<int64_t>(unix_seconds / 86400);
  const auto secs = static_cast<unsigned>(unix_seconds % 86400);
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(y), m,
                d, secs / 3600, secs / 60 % 60, secs % 60);
  out = buf;
}

// Writes one word at `p`, capitalised when it opens a sentence or is a name.
// Copies a fixed kWordCopy bytes (the lexicon is padded for it) so the
// copy compiles to a few vector moves instead of a memcpy call.
char* Renderer::put_word(const Token& t, char* p) const {
  const std::string_view w = lex_.word(t.word);
  std::memcpy(p, w.data(), Lexicon::kWordCopy);
  if ((t.flags & (kSentenceStart | kCapital)) && *p >= 'a' && *p <= 'z')
    *p = static_cast<char>(*p - 'a' + 'A');
  if (t.flags & kVariant) return p + respell(p, w.size());
  return p + w.size();
}
// Another spelling of a name, as transliterations differ: a sound-alike
// last letter (Lavrov / Lavrof), else an 'h' more (Riyad / Riyadh).
// Returns the new length; writes at most one byte past `size`.
size_t Renderer::respell(char* word, size_t size) {
  static constexpr std::string_view kFrom = "vfkcszyitdea", kTo = "fvckzsiydtae";
  char& last = word[size - 1];
  if (const size_t i = kFrom.find(last); i != std::string_view::npos) {
    last = kTo[i];
    return size;
  }
  word[size] = 'h';
  return size + 1;
}

void Renderer::title(const Tokens& title, std::string& out) {
  scratch_.resize(title.size() * (Lexicon::kWordCopy + 2));  // a word, a respelling byte, a space
  char* const begin = scratch_.data();
  char* p = begin;
  for (size_t i = 0; i < title.size(); ++i) {
    if (i > 0) *p++ = ' ';
    p = put_word(title[i], p);
  }
  out.assign(begin, static_cast<size_t>(p - begin));
}

// PERF: writes through a raw pointer into a buffer sized for the worst case
// (about 3x faster than std::string appends per word).
void Renderer::body(const Tokens& body, const Style& style, std::string& out) {
  constexpr size_t kPerToken = Lexicon::kWordCopy + 16;  // word, break, quotes, punctuation
  scratch_.resize((body.size() + 1) * kPerToken);
  char* const begin = scratch_.data();
  char* p = begin;
  bool closed = true;  // the current sentence already ends with its full stop
  for (size_t i = 0; i < body.size(); ++i) {
    const Token& t = body[i];
    if (i > 0) {
      if (t.flags & kSentenceStart) {
        if (!closed) *p++ = '.';
        p = put((t.flags & kParagraphStart) ? style.paragraph_break : style.sentence_break, p);
      } else {
        *p++ = ' ';
      }
    }
    closed = false;
    if (t.flags & kQuoteOpen) p = put(style.open_quote, p);
    p = put_word(t, p);
    const bool last = i + 1 == body.size() || (body[i + 1].flags & kSentenceStart);
    if (t.flags & kQuoteClose) {
      *p++ = last ? '.' : ',';
      p = put(style.close_quote, p);
      closed = last;
    } else if ((t.flags & kComma) && !last) {
      *p++ = ',';
    }
  }
  if (!closed) *p++ = '.';
  out.assign(begin, static_cast<size_t>(p - begin));
}

}  // namespace kindred::synth
