#include "story/speakers.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "normalize/language.h"
#include "normalize/word_set.h"
#include "story/features.h"
#include "util/utf8.h"

namespace kindred::story {

namespace {

normalize::WordHashSet make_set(std::initializer_list<std::string_view> words) {
  normalize::WordHashSet set;
  for (std::string_view w : words) set.insert(normalize::normalize_word(w));
  return set;
}

bool is_reporting_verb(uint64_t h) {
  static const normalize::WordHashSet verbs = make_set({
      "said",      "says",         "say",      "saying",   "told",     "tells",     "telling",
      "added",     "adds",         "adding",   "stated",   "declared", "wrote",     "writes",
      "explained", "insisted",     "warned",   "asked",    "noted",    "argued",    "claimed",
      "replied",   "continued",    "stressed", "recalled", "admitted", "according", "quoting",
      "citing",    "quoted",       "writing",  "shouted",  "urged",    "vowed",     "promised",
      "conceded",  "acknowledged",
  });
  return verbs.contains(h);
}

// Verbs whose speaker follows them: "according to X", "quoting X", "citing X".
bool names_after(uint64_t h) {
  static const normalize::WordHashSet verbs = make_set({"according", "quoting", "citing"});
  return verbs.contains(h);
}

// Verbs followed by whom the speaker addressed: "X told reporters".
bool names_addressee(uint64_t h) {
  static const normalize::WordHashSet verbs =
      make_set({"told", "tells", "telling", "asked", "urged", "promised", "warned"});
  return verbs.contains(h);
}

bool is_pronoun(uint64_t h) {
  static const normalize::WordHashSet pronouns = make_set({"he", "she"});
  return pronouns.contains(h);
}

// Words that may stand between a speaker and the verb: "Lavrov also said".
bool is_speech_adverb(uint64_t h) {
  static const normalize::WordHashSet adverbs =
      make_set({"also", "later", "then", "has", "had", "previously", "earlier", "again", "further",
                "once", "reportedly", "separately", "publicly", "recently", "was", "is"});
  return adverbs.contains(h);
}

// Titles, roles and honorifics: they name what a person is, not who.
bool is_title(uint64_t h) {
  static const normalize::WordHashSet titles = make_set({
      "president",    "minister",  "foreign",    "secretary",  "spokesman", "spokeswoman",
      "spokesperson", "prime",     "chancellor", "senator",    "general",   "chief",
      "adviser",      "advisor",   "envoy",      "ambassador", "deputy",    "mayor",
      "governor",     "state",     "national",   "security",   "vice",      "leader",
      "commissioner", "director",  "chairman",   "chairwoman", "chair",     "head",
      "mr",           "mrs",       "ms",         "dr",         "sir",       "dame",
      "madam",        "mme",       "pm",         "king",       "queen",     "pope",
      "premier",      "commander", "officer",    "official",   "executive", "ceo",
      "founder",      "lawyer",    "attorney",   "judge",      "captain",   "coach",
      "manager",      "inspector", "professor",  "defence",    "defense",   "interior",
      "finance",      "economy",   "former",     "acting",     "senior",    "first",
  });
  return titles.contains(h);
}

// Lower-case words inside a name: "Ursula von der Leyen", "Bashar al-Assad".
bool is_particle(uint64_t h) {
  static const normalize::WordHashSet particles = make_set(
      {"von", "van", "der", "den", "de", "du", "da", "di", "al", "el", "bin", "ibn", "ter", "zu"});
  return particles.contains(h);
}

// Prepositions of place: a name right after one is where, not who ("landed in Saudi Arabia").
bool is_place_preposition(uint64_t h) {
  static const normalize::WordHashSet words =
      make_set({"in", "at", "near", "into", "across", "throughout", "inside", "outside"});
  return words.contains(h);
}

bool is_article(uint64_t h) {
  static const normalize::WordHashSet articles = make_set({"the", "a", "an", "its", "his", "her"});
  return articles.contains(h);
}

// The words a role is written with, "PM" read as "prime minister".
void add_role(uint64_t h, std::vector<uint64_t>& roles) {
  static const uint64_t pm = normalize::word_hash("pm");
  static const uint64_t prime = normalize::word_hash("prime");
  static const uint64_t minister = normalize::word_hash("minister");
  if (h == pm) {
    roles.push_back(prime);
    roles.push_back(minister);
  } else {
    roles.push_back(h);
  }
}

constexpr size_t kMaxNameWords = 4;
// How far back (bytes) a pronoun may reach for a person when neither its
// sentence nor the one before names anyone: about two sentences of news.
constexpr uint32_t kPronounReach = 400;
// How many words after a quotation its sentence may run before the reporting
// verb: "“…” and that a return to Ukraine's pre-war borders is unrealistic,
// Stratford said" (15).
constexpr size_t kAttributionReach = 20;

}  // namespace

bool starts_uppercase(std::string_view text, const normalize::Token& t) {
  const auto c = static_cast<unsigned char>(text[t.begin]);
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  char32_t cp;
  if (util::decode_utf8(text, t.begin, cp) == 0) return false;
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

bool SpeakerFinder::break_between(uint32_t from, uint32_t to) const {
  for (uint32_t i = from; i < to; ++i) {
    const char c = text_[i];
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';') return true;
    if (c == '\n' && !wrapped(i)) return true;
  }
  return false;
}

bool SpeakerFinder::wrapped(size_t newline) const {
  // A line break inside a sentence of hard-wrapped text: the line before
  // ends in a word or a comma, and no blank line follows.
  size_t next = newline + 1;
  while (next < text_.size() && (text_[next] == ' ' || text_[next] == '\t')) ++next;
  if (next >= text_.size() || text_[next] == '\n' || text_[next] == '\r') return false;
  size_t prev = newline;
  while (prev > 0 && (text_[prev - 1] == ' ' || text_[prev - 1] == '\r')) --prev;
  if (prev == 0) return false;
  const auto last = static_cast<unsigned char>(text_[prev - 1]);
  if (std::isalnum(last) || last >= 0x80 || last == ',' || last == '-') {
    // A letter or a comma; but not a closing quotation mark (” is E2 80 9D)
    // unless a comma stands inside it.
    if (prev >= 3 && text_.compare(prev - 3, 3, "\u201D") == 0) {
      return prev >= 4 && text_[prev - 4] == ',';
    }
    return true;
  }
  return last == '"' && prev >= 2 && text_[prev - 2] == ',';
}

bool SpeakerFinder::separator_between(size_t k) const {
  const std::string_view gap =
      text_.substr(tokens_[k - 1].end, tokens_[k].begin - tokens_[k - 1].end);
  return gap.find(',') != std::string_view::npos || gap.find("\u2013") != std::string_view::npos ||
         gap.find("\u2014") != std::string_view::npos ||
         gap.find(" - ") != std::string_view::npos || gap.find('(') != std::string_view::npos ||
         gap.find(')') != std::string_view::npos;
}

bool SpeakerFinder::participle(size_t k) const {
  const std::string_view w = text_.substr(tokens_[k].begin, tokens_[k].end - tokens_[k].begin);
  return w.size() > 4 && w.compare(w.size() - 3, 3, "ing") == 0;
}

bool SpeakerFinder::possessive(size_t k) const {
  const std::string_view w = text_.substr(tokens_[k].begin, tokens_[k].end - tokens_[k].begin);
  return (w.size() > 2 && w.compare(w.size() - 2, 2, "'s") == 0) ||
         (w.size() > 4 && w.compare(w.size() - 4, 4, "\u2019s") == 0);
}

size_t SpeakerFinder::sentence_start(uint32_t pos) const {
  size_t i = std::min<size_t>(pos, text_.size());
  while (i > 0) {
    const char c = text_[i - 1];
    if (c == '\n') return i;
    if ((c == '.' || c == '!' || c == '?') && i < text_.size() && text_[i] == ' ') return i;
    --i;
  }
  return 0;
}

SpeakerFinder::SpeakerFinder(std::string_view text, std::span<const normalize::Token> tokens)
    : text_(text), tokens_(tokens) {
  // Every name the text writes, with the titles standing before it.
  for (size_t k = 0; k < tokens_.size();) {
    if (!capital(k)) {
      ++k;
      continue;
    }
    const size_t last = run_end(k);
    const Ref ref = run_ending_at(last, k);
    if (ref.kind == Ref::Kind::kName) {
      Person p{tokens_[k].begin, ref.name, surname_key(ref.name),
               ref.roles,        false,    possessive(last)};
      // Lower-case titles just before the run: "Kremlin spokesman Dmitry Peskov".
      for (size_t j = k; j > 0 && k - j < 3 && is_title(tokens_[j - 1].hash) &&
                         !break_between(tokens_[j - 1].end, tokens_[j].begin);
           --j) {
        add_role(tokens_[j - 1].hash, p.roles);
      }
      const bool place = k > 0 && is_place_preposition(tokens_[k - 1].hash) &&
                         !break_between(tokens_[k - 1].end, tokens_[k].begin);
      p.person_like = !p.roles.empty() || (!place && ref.name.find(' ') != std::string::npos);
      if (!p.person_like && !place) {
        // "Durand" after "Aïcha Durand": the surname of a person named before.
        for (const Person& q : people_) p.person_like |= q.person_like && q.key == p.key;
      }
      people_.push_back(std::move(p));
    }
    k = last + 1;
  }
  // Everyone the text has speaking, so that "he said" can find them.
  for (size_t k = 0; k < tokens_.size(); ++k) {
    if (!is_reporting_verb(tokens_[k].hash)) continue;
    const Ref ref = names_after(tokens_[k].hash) ? name_after(k) : subject_before(k, 0);
    if (ref.kind != Ref::Kind::kNone) {
      const std::string who = resolve(ref, tokens_[k].begin);
      if (!who.empty()) attributions_.emplace_back(tokens_[k].begin, who);
    }
  }
}

bool SpeakerFinder::joined(size_t k) const {
  return !break_between(tokens_[k - 1].end, tokens_[k].begin) && !separator_between(k);
}

size_t SpeakerFinder::run_end(size_t first) const {
  // Capitalised words, and up to two particles between two of them.
  size_t last = first;
  for (size_t next = last + 1; next < tokens_.size() && joined(next);) {
    size_t p = next;
    while (p < tokens_.size() && p < next + 2 && is_particle(tokens_[p].hash) &&
           p + 1 < tokens_.size() && joined(p + 1)) {
      ++p;
    }
    if (!capital(p) || (p > next && !joined(p))) break;
    last = p;
    next = p + 1;
  }
  return last;
}

SpeakerFinder::Ref SpeakerFinder::run_ending_at(size_t last, size_t floor) const {
  size_t first = last;
  while (first > floor && joined(first)) {
    if (capital(first - 1)) {
      --first;
      continue;
    }
    size_t p = first - 1;  // up to two particles, then a capitalised word
    while (p > floor && first - p < 3 && is_particle(tokens_[p].hash) && joined(p)) --p;
    if (p == first - 1 || !capital(p) || is_particle(tokens_[p].hash)) break;
    first = p;
  }
  // The name is what follows the run's last title; leading function words
  // ("But Lavrov") are no part of it.
  Ref ref;
  size_t begin = first;
  for (size_t k = first; k <= last; ++k) {
    if (is_title(tokens_[k].hash)) {
      add_role(tokens_[k].hash, ref.roles);
      begin = k + 1;
    } else if (possessive(k) && k < last) {
      begin = k + 1;  // "Al Jazeera's Natacha Butler", "Quillon's chief executive"
    }
  }
  while (begin <= last &&
         normalize::is_stopword(normalize::Language::kEnglish, tokens_[begin].hash)) {
    ++begin;
  }
  if (begin > last) {
    if (!ref.roles.empty()) ref.kind = Ref::Kind::kRole;
    return ref;
  }
  if (last + 1 - begin > kMaxNameWords) begin = last + 1 - kMaxNameWords;
  ref.kind = Ref::Kind::kName;
  size_t end = tokens_[last].end;
  if (possessive(last)) end -= text_[end - 2] == '\'' ? 2 : 4;  // "Durand's son"
  // As written, with line breaks and runs of spaces read as one space.
  for (char c : text_.substr(tokens_[begin].begin, end - tokens_[begin].begin)) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (!space) {
      ref.name.push_back(c);
    } else if (!ref.name.empty() && ref.name.back() != ' ') {
      ref.name.push_back(' ');
    }
  }
  return ref;
}

SpeakerFinder::Ref SpeakerFinder::role_phrase(size_t first, size_t last) const {
  Ref ref;
  for (size_t k = first; k <= last; ++k) add_role(tokens_[k].hash, ref.roles);
  if (!ref.roles.empty()) ref.kind = Ref::Kind::kRole;
  return ref;
}

SpeakerFinder::Ref SpeakerFinder::subject_before(size_t verb, size_t floor) const {
  size_t j = verb;
  for (int skipped = 0; j > floor && skipped < 2 && is_speech_adverb(tokens_[j - 1].hash);
       ++skipped) {
    --j;
  }
  if (j == floor || break_between(tokens_[j - 1].end, tokens_[j].begin)) return {};
  if (is_pronoun(tokens_[j - 1].hash)) return {Ref::Kind::kPronoun, {}, {}, tokens_[j - 1].begin};
  // ", saying ..." / ", writing: ...": a participle's speaker is its clause's
  // subject, the sentence's first name or pronoun, not the word before the comma.
  if (separator_between(j) && participle(verb)) {
    size_t first = j - 1;
    while (first > floor && !break_between(tokens_[first - 1].end, tokens_[first].begin)) --first;
    // The clause's first name or pronoun, past an opening phrase such as
    // "In a statement, Kirill Dmitriev, head of ..., said".
    for (size_t i = first; i < j; ++i) {
      if (is_pronoun(tokens_[i].hash)) return {Ref::Kind::kPronoun, {}, {}, tokens_[i].begin};
      if (!capital(i)) continue;
      const size_t last = std::min(run_end(i), j - 1);
      Ref r = run_ending_at(last, i);
      if (r.kind != Ref::Kind::kNone) return r;
      i = last;
    }
  }
  // An appositive between commas or dashes: the subject stands before it.
  if (separator_between(j)) {
    for (size_t i = j - 1; i > floor && j - i < 25; --i) {
      if (break_between(tokens_[i - 1].end, tokens_[i].begin)) break;
      if (separator_between(i)) {
        if (capital(i - 1)) return run_ending_at(i - 1, floor);
        break;
      }
    }
  }
  if (capital(j - 1)) return run_ending_at(j - 1, floor);
  // "the spokesman said", "the prime minister told": a role.
  size_t first = j;
  while (first > floor && is_title(tokens_[first - 1].hash) &&
         !break_between(tokens_[first - 1].end, tokens_[first].begin)) {
    --first;
  }
  if (first < j) return role_phrase(first, j - 1);
  // "the 41-year-old teacher said": a person described by age is the one the
  // text is about, read as a pronoun is.
  static const uint64_t the = normalize::word_hash("the");
  static const uint64_t year = normalize::word_hash("year");
  static const uint64_t old = normalize::word_hash("old");
  bool aged = false;
  for (size_t k = j; k > floor && j - k < 6; --k) {
    const size_t w = k - 1;
    if (capital(w) || break_between(tokens_[w].end, tokens_[k < tokens_.size() ? k : w].begin)) {
      break;
    }
    if (tokens_[w].hash == year && w + 1 < j && tokens_[w + 1].hash == old) aged = true;
    if (tokens_[w].hash == the) {
      if (aged) return {Ref::Kind::kPronoun, {}, {}, tokens_[w].begin};
      break;
    }
    if (w + 1 < j && separator_between(w + 1)) break;
  }
  return {};
}

SpeakerFinder::Ref SpeakerFinder::name_after(size_t verb) const {
  Ref roles;
  for (size_t j = verb + 1; j < tokens_.size() && j < verb + 10; ++j) {
    if (break_between(tokens_[j - 1].end, tokens_[j].begin)) break;
    const uint64_t h = tokens_[j].hash;
    if (is_pronoun(h)) return {Ref::Kind::kPronoun, {}, {}, tokens_[j].begin};
    if (is_title(h)) {
      add_role(h, roles.roles);
      continue;
    }
    if (!capital(j)) {
      if (is_article(h) || (j == verb + 1 && h == normalize::word_hash("to"))) continue;
      break;  // "said on Friday": not a name of the speaker
    }
    const size_t last = run_end(j);
    // "Kremlin spokesman Dmitry Peskov": an institution, a title, then the name.
    size_t next = last + 1;
    while (next < tokens_.size() && is_title(tokens_[next].hash) &&
           !break_between(tokens_[next - 1].end, tokens_[next].begin)) {
      ++next;
    }
    if (next > last + 1 && next < tokens_.size() && capital(next) &&
        !break_between(tokens_[next - 1].end, tokens_[next].begin)) {
      j = next - 1;
      continue;
    }
    Ref ref = run_ending_at(last, j);
    if (ref.kind == Ref::Kind::kName) return ref;
    for (uint64_t r : ref.roles) roles.roles.push_back(r);
    j = last;
  }
  if (!roles.roles.empty()) roles.kind = Ref::Kind::kRole;
  return roles;
}

std::string SpeakerFinder::longest_form(const std::string& name) const {
  const std::string key = surname_key(name);
  std::string best = name;
  for (const Person& p : people_) {
    if (p.name.size() > best.size() && p.key == key) best = p.name;
  }
  return best;
}

std::string SpeakerFinder::resolve(const Ref& ref, uint32_t pos_in) const {
  uint32_t pos = pos_in;
  switch (ref.kind) {
    case Ref::Kind::kNone:
      return {};
    case Ref::Kind::kName:
      return longest_form(ref.name);
    case Ref::Kind::kRole: {
      // The person last named with every word of the role before `pos`.
      for (auto it = people_.rbegin(); it != people_.rend(); ++it) {
        if (it->at >= pos || it->roles.empty()) continue;
        const bool all = std::all_of(ref.roles.begin(), ref.roles.end(), [&](uint64_t r) {
          return std::find(it->roles.begin(), it->roles.end(), r) != it->roles.end();
        });
        if (all) return longest_form(it->name);
      }
      return {};
    }
    case Ref::Kind::kPronoun: {
      pos = std::min(pos, ref.at);
      // The latest speaker, or a person named more recently in this sentence
      // or the one before (who that sentence is about).
      std::string who;
      uint32_t when = 0;
      for (const auto& [at, name] : attributions_) {
        if (at < pos && at >= when) when = at, who = name;
      }
      // In this sentence, the latest person named before the pronoun; else
      // the first named in the sentence before (its subject).
      const size_t here = sentence_start(pos);
      const size_t before = here > 0 ? sentence_start(static_cast<uint32_t>(here - 1)) : 0;
      // A possessive ("Trump's close ally Elon Musk") qualifies a noun, so
      // it is that sentence's subject only when no other person is named.
      const Person* latest_here = nullptr;
      const Person* first_before = nullptr;
      const Person* first_possessive_before = nullptr;
      for (const Person& p : people_) {
        if (p.at >= pos || !p.person_like) continue;
        if (p.at >= here) {
          latest_here = &p;
        } else if (p.at >= before) {
          const Person*& slot = p.possessive ? first_possessive_before : first_before;
          if (slot == nullptr) slot = &p;
        }
      }
      if (first_before == nullptr) first_before = first_possessive_before;
      const Person* about = latest_here != nullptr ? latest_here : first_before;
      if (about == nullptr) {
        // Nobody named in either sentence: the person named last, not long
        // before ("Aïcha Durand woke ... By the time she ... “…,” she said").
        for (const Person& p : people_) {
          if (p.at < pos && p.person_like && p.at + kPronounReach >= pos) about = &p;
        }
      }
      if (about != nullptr && about->at >= when) who = longest_form(about->name);
      return who;
    }
  }
  return {};
}

std::string SpeakerFinder::find(size_t qfirst, size_t qlast, uint32_t qbegin, uint32_t qend) {
  // A quotation ending in a full stop ended its sentence: what follows is
  // another sentence ("... as it takes.” Keter also said ...).
  size_t end = qend;
  while (end > qbegin && (text_[end - 1] == ' ' || text_[end - 1] == '\n')) --end;
  const bool closed = end > qbegin && text_[end - 1] == '.';
  Ref ref;
  bool verb_after = false;  // "..., one said": attributed, if to no one named
  if (!closed) {
    // ", said X." / ", X said." / ", he said." / ", according to X."
    uint32_t prev_end = qend;
    for (size_t k = qlast; k < tokens_.size() && k < qlast + kAttributionReach; ++k) {
      if (break_between(prev_end, tokens_[k].begin)) break;
      prev_end = tokens_[k].end;
      if (!is_reporting_verb(tokens_[k].hash)) continue;
      verb_after = true;
      if (!names_after(tokens_[k].hash) && k > qlast) ref = subject_before(k, qlast);
      // "said X", but not "told X": who is told is not who speaks.
      if (ref.kind == Ref::Kind::kNone && !names_addressee(tokens_[k].hash)) ref = name_after(k);
      break;
    }
  }
  if (ref.kind == Ref::Kind::kNone) {
    // "X said: “…”" / "according to X, … “…”"
    uint32_t next_begin = qbegin;
    for (size_t k = qfirst; k-- > 0 && k + 30 > qfirst;) {
      if (break_between(tokens_[k].end, next_begin) &&
          text_.substr(tokens_[k].end, next_begin - tokens_[k].end).find(':') ==
              std::string_view::npos) {
        break;  // a colon introduces the quotation; other breaks end the search
      }
      next_begin = tokens_[k].begin;
      if (!is_reporting_verb(tokens_[k].hash)) continue;
      ref = names_after(tokens_[k].hash) ? name_after(k) : subject_before(k, 0);
      if (ref.kind != Ref::Kind::kNone) break;
    }
  }
  std::string who = resolve(ref, qbegin);
  // A quotation standing alone continues the one just before it.
  if (who.empty() && ref.kind == Ref::Kind::kNone && !verb_after && !last_quote_speaker_.empty() &&
      qbegin - last_quote_end_ < 400 && sentence_start(qbegin) + 4 >= qbegin) {
    who = last_quote_speaker_;
  }
  if (!who.empty()) attributions_.emplace_back(qend, who);
  last_quote_end_ = qend;
  last_quote_speaker_ = who;
  return who;
}

}  // namespace kindred::story
