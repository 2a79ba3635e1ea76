// Normalize: Unicode normalisation and word tokenisation that keeps offsets.
//
// A token is a word of the original text: its byte range [begin, end) in the
// original UTF-8 and a 64-bit hash of its normalised form. Normalisation is
// NFKC with case folding and marks stripped (utf8proc), default-ignorable
// characters (soft hyphen, zero-width joiners) removed and apostrophes inside
// words dropped, so "Zoë’s", "ZOE'S" and "zoes" hash alike. Quotes, dashes and
// other punctuation separate words, which makes curly and straight quotes and
// every dash equivalent.
//
// Per script, that means (docs/input.md lists the choices):
//   Latin: accents go with the marks ("café" = "cafe").
//   Turkish: İ, I, ı and i all fold to "i", so text upper-cased by Turkish or
//     by English rules matches; the price is merging the few word pairs that
//     differ only by the dot (kır/kir), harmless for finding copies.
//   Cyrillic: ё = е (mark stripping; Russian prints ё optionally); й also
//     becomes и that way, which only merges spellings, never splits them.
//   Arabic: tashkeel (harakat, shadda, sukun) stripped as marks; tatweel
//     removed; أ إ آ ٱ → ا; ى → ي; ة → ه; Persian ی ک → ي ك; Arabic-Indic
//     digits → ASCII.
//
// Words are maximal runs of letters, marks and digits; an apostrophe joins two
// word characters ("don't"), '.' and ',' join two digits ("3.5", "1,000").
// Scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) are
// split into words by ICU's dictionary-based word break (UAX #29 plus its
// CJK and Southeast Asian dictionaries): each maximal run of such letters is
// converted to UTF-16, segmented, and the words mapped back to byte offsets.
// Everything else takes the fast path above, without ICU.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kindred::normalize {

struct Token {
  uint32_t begin = 0;  ///< byte offset of the word's first byte in the original text
  uint32_t end = 0;    ///< one past its last byte
  uint64_t hash = 0;   ///< hash of the normalised word
};

// Tokenises valid UTF-8 `text` (invalid bytes are treated as separators),
// replacing the contents of `out`. Texts over 4 GiB are not supported (offsets
// are 32-bit); ingest caps document size far below that.
void tokenize(std::string_view text, std::vector<Token>& out);

// tokenize() without its ASCII fast path: every character is decoded and
// classified by the general rules. The reference the fast path is tested
// against; same output, several times slower.
void tokenize_reference(std::string_view text, std::vector<Token>& out);

// The normalised form of one word, as hashed by tokenize() (for tests, display
// and the quote/name matching of later stages).
std::string normalize_word(std::string_view word);

// Hash of a normalised word; tokenize() uses exactly this. Words of up to 16
// bytes (nearly all) are hashed without a branch on their length: two 8-byte
// halves, bytes past the word masked off, folded by a 128-bit multiply (as
// XXH3 does for short input) and mixed. Longer words use XXH3.
uint64_t word_hash(std::string_view normalized_word);

// Hash of a whole token sequence: equal for texts that are identical after
// normalisation (the "exact" relation).
uint64_t sequence_fingerprint(const std::vector<Token>& tokens);

}  // namespace kindred::normalize
