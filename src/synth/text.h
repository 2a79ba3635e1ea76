// Synth text: the generator's tokens (word ids with layout flags) and their
// rendering to text in an outlet's house style. Private to synth.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synth/lexicon.h"

namespace kindred::synth {

constexpr uint32_t kNew = 0xffffffffu;  // Token::origin of a word that is not the source's

enum TokenFlag : uint8_t {
  kSentenceStart = 1,   // first word of a sentence (capitalised)
  kParagraphStart = 2,  // first word of a paragraph (also a sentence start)
  kComma = 4,           // a comma follows, unless the sentence ends here
  kQuoteOpen = 8,       // an opening quote precedes (on a sentence start)
  kQuoteClose = 16,     // `,"` follows: the quotation ends, the attribution comes
  kCapital = 32,        // a name: always capitalised
  kVariant = 64,        // a name in this report's own spelling (stories)
};
constexpr uint8_t kStructural = kSentenceStart | kQuoteOpen | kQuoteClose;

struct Token {
  uint32_t word = 0;
  uint32_t origin = kNew;  ///< position in the original's body, or kNew
  uint8_t flags = 0;
};
using Tokens = std::vector<Token>;

// Rendering options: the house style of an outlet.
struct Style {
  std::string_view open_quote = "\"";
  std::string_view close_quote = "\"";
  std::string_view paragraph_break = "\n\n";
  std::string_view sentence_break = " ";
};

// "2024-03-05T14:22:07Z" for a Unix time.
void format_time(uint64_t unix_seconds, std::string& out);

// Renders tokens to text; keeps its buffer between calls. Not thread-safe.
class Renderer {
 public:
  explicit Renderer(const Lexicon& lex) : lex_(lex) {}

  /// Words separated by spaces, the first capitalised.
  void title(const Tokens& title, std::string& out);
  /// Sentences with their punctuation, quotation marks and breaks.
  void body(const Tokens& body, const Style& style, std::string& out);

 private:
  char* put_word(const Token& t, char* p) const;
  static size_t respell(char* word, size_t size);

  const Lexicon& lex_;
  std::string scratch_;
};

}  // namespace kindred::synth
