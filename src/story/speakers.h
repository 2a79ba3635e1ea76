// Story: who said a quotation.
//
// News attributes quotations in a handful of shapes, and the finder reads
// those, within the quotation's sentence first:
//   “…,” X said / “…,” said X / X said: “…” / X told reporters: “…”
//   X, the Kremlin spokesman, said … (an appositive between commas or dashes)
//   according to X, … / quoting X, … / citing X (the name after the verb)
//   Mr Macron / President Putin (honorifics and titles are not the name)
//   the PM said / said the spokesman (the person last named with that role)
//   he said / she told (the person the text is about at that point: the
//     latest person named as a speaker or with a title, in this sentence or
//     the one before)
//   a quotation alone in its sentence continues the previous quotation's
//     speaker when that ended shortly before (across a paragraph break).
// A speaker is given in the longest form the text writes that name in
// ("Leyen" -> "Ursula von der Leyen").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/tokenize.h"

namespace kindred::story {

// True when the token's first letter is upper case (Lu or Lt).
bool starts_uppercase(std::string_view text, const normalize::Token& t);

// Thread-safety: none; one per text.
class SpeakerFinder {
 public:
  SpeakerFinder(std::string_view text, std::span<const normalize::Token> tokens);

  // The speaker of the quotation whose words are tokens [qfirst, qlast) and
  // bytes [qbegin, qend); empty when the text does not say. Call in text order.
  std::string find(size_t qfirst, size_t qlast, uint32_t qbegin, uint32_t qend);

 private:
  struct Person {
    uint32_t at;                  // byte where the name starts
    std::string name;             // as written, titles excluded
    std::string key;              // surname_key(name)
    std::vector<uint64_t> roles;  // hashes of the title words naming it ("prime", "minister")
    bool person_like;             // two name words or a title: not a place or an institution
    bool possessive;              // written "X's": it qualifies a noun, it is not a subject
  };
  // A resolved subject: a name, a pronoun or a role ("the PM").
  struct Ref {
    enum class Kind { kNone, kName, kPronoun, kRole } kind = Kind::kNone;
    std::string name;
    std::vector<uint64_t> roles;
    uint32_t at = UINT32_MAX;  // a pronoun's byte: who it means is named before it
  };

  bool capital(size_t k) const { return starts_uppercase(text_, tokens_[k]); }
  bool separator_between(size_t k) const;  // comma or dash between tokens k-1 and k
  bool break_between(uint32_t from, uint32_t to) const;
  bool wrapped(size_t newline) const;  // a line break inside a hard-wrapped sentence
  bool joined(size_t k) const;         // tokens k-1 and k are in one name: only spaces between
  bool possessive(size_t k) const;     // token k ends in 's
  bool participle(size_t k) const;     // token k ends in -ing ("saying", "writing")
  size_t run_end(size_t first) const;  // last token of the name run starting at first
  size_t sentence_start(uint32_t pos) const;  // byte where pos's sentence starts

  Ref subject_before(size_t verb, size_t floor) const;
  Ref name_after(size_t verb) const;
  Ref run_ending_at(size_t last, size_t floor) const;
  Ref role_phrase(size_t first, size_t last) const;
  std::string resolve(const Ref& ref, uint32_t pos) const;
  std::string longest_form(const std::string& name) const;

  std::string_view text_;
  std::span<const normalize::Token> tokens_;
  std::vector<Person> people_;                                  // every name run, in text order
  std::vector<std::pair<uint32_t, std::string>> attributions_;  // (byte, speaker) in order
  uint32_t last_quote_end_ = 0;
  std::string last_quote_speaker_;
};

}  // namespace kindred::story
