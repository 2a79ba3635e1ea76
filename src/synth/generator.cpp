#include "synth/generator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "core/check.h"
#include "synth/lexicon.h"
#include "synth/rng.h"
#include "synth/text.h"

namespace kindred::synth {

namespace {

constexpr const char* kKindNames[kCopyKindCount] = {
    "exact", "light_edit", "heavy_edit", "abridged", "abridged_edited", "reordered", "expanded"};

// Purposes of the per-document random streams.
constexpr uint64_t kSaltLayout = 0x6c61796f7574ull;  // which documents are copies, and of what
constexpr uint64_t kSaltText = 0x74657874ull;        // an original's words
constexpr uint64_t kSaltMeta = 0x6d657461ull;        // an original's date and outlet
constexpr uint64_t kSaltCopy = 0x636f7079ull;        // a copy's edits
constexpr uint64_t kSaltEvent = 0x6576656e74ull;     // an event's topic words
constexpr uint64_t kSaltPeople = 0x70656f706c65ull;  // an event's people
constexpr uint64_t kSaltQuote = 0x71756f7465ull;     // an event's quotations

// Per-article recurring words: what the story is about and who speaks.
struct Cast {
  std::array<uint32_t, 8> topic{};
  std::array<uint32_t, 6> names{};  ///< three people, first and last names
};

struct Article {
  Tokens title, body;
  Cast cast;
};

struct Span {
  uint32_t begin = 0, end = 0;
};

constexpr const char* kOutlets[] = {
    "The Daily Meridian",    "Harbor City Tribune",  "Northgate Herald",     "Valley Courier",
    "The Evening Ledger",    "Eastbrook Gazette",    "Capital Wire Service", "Ridgeline Post",
    "The Morning Sentinel",  "Lakeside Examiner",    "Global Dispatch",      "Summit Press Agency",
    "The Weekly Observer",   "Riverbend Journal",    "Coastal Times",        "Metro Bulletin",
    "The Prairie Record",    "Westfield Chronicle",  "National Newsdesk",    "The Highland Star",
    "Southport Mirror",      "Union Press",          "The Civic Review",     "Bayview Reporter",
    "Frontier News Network", "The Granite Standard", "Pinecrest Register",   "Atlas Newswire",
};
constexpr uint32_t kOutletCount = sizeof kOutlets / sizeof kOutlets[0];

// Positions of sentence (or paragraph) starts in `body`, as spans.
std::vector<Span>& spans_of(const Tokens& body, uint8_t flag, std::vector<Span>& spans) {
  spans.clear();
  for (uint32_t i = 0; i < body.size(); ++i) {
    if (i == 0 || (body[i].flags & flag)) {
      if (!spans.empty()) spans.back().end = i;
      spans.push_back({i, 0});
    }
  }
  if (!spans.empty()) spans.back().end = static_cast<uint32_t>(body.size());
  return spans;
}

template <typename T>
void shuffle(Rng& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(static_cast<uint32_t>(i))]);
}

class Generator {
 public:
  explicit Generator(const CorpusSpec& spec)
      : spec_(spec), lex_(Lexicon::instance()), stories_(spec), render_(lex_) {
    std::vector<double> w(spec.edits.kind_weights.begin(), spec.edits.kind_weights.end());
    double sum = 0;
    for (double x : w) sum += x;
    if (sum > 0) kinds_ = AliasTable(w);
  }

  void original(uint64_t index, Document& doc) {
    make_article(index, src_);
    doc.id = doc_id(index);
    render_.title(src_.title, doc.title);
    render_.body(src_.body, Style{}, doc.text);
    format_time(published_time(index), doc.date);
    doc.source = kOutlets[original_outlet(index)];
  }

  void copy(uint64_t index, uint64_t source, Document& doc, TruthPair& truth) {
    make_article(source, src_);
    Rng rng(stream_seed(spec_.seed, index, kSaltCopy));
    const auto kind = static_cast<CopyKind>(kinds_.sample(rng));
    const EditModel& em = spec_.edits;
    copy_.cast = src_.cast;
    copy_.title = src_.title;
    switch (kind) {
      case CopyKind::kExact:
        copy_.body = src_.body;
        break;
      case CopyKind::kLightEdit:
        word_edits(rng, src_.body, rng.uniform(em.light_min, em.light_max), copy_.body);
        if (rng.chance(0.5)) make_title(rng, copy_.cast, copy_.title);
        break;
      case CopyKind::kHeavyEdit:
        word_edits(rng, src_.body, rng.uniform(em.heavy_min, em.heavy_max), tmp_);
        insert_sentences(rng, tmp_, 0, rng.between(1, 3), copy_.body);
        make_title(rng, copy_.cast, copy_.title);
        break;
      case CopyKind::kAbridged:
        abridge(rng, src_.body, copy_.body);
        break;
      case CopyKind::kAbridgedEdited:
        abridge(rng, src_.body, tmp_);
        word_edits(rng, tmp_, rng.uniform(em.light_min, em.light_max), copy_.body);
        break;
      case CopyKind::kReordered:
        reorder(rng, src_.body, copy_.body);
        break;
      case CopyKind::kExpanded: {
        const double extra =
            rng.uniform(em.expand_min, em.expand_max) * static_cast<double>(src_.body.size());
        insert_sentences(rng, src_.body, static_cast<uint32_t>(extra), 1, copy_.body);
        break;
      }
    }

    uint64_t kept = 0;
    for (const Token& t : copy_.body) kept += t.origin != kNew ? 1 : 0;
    truth.source = source;
    truth.copy = index;
    truth.kind = kind;
    truth.kept_fraction =
        src_.body.empty() ? 1.0 : static_cast<double>(kept) / static_cast<double>(src_.body.size());

    Style style;
    if (rng.chance(em.restyle)) {
      switch (rng.below(4)) {
        case 0:
          style.open_quote = "\u201c";
          style.close_quote = "\u201d";
          break;
        case 1:
          style.paragraph_break = "\r\n\r\n";
          break;
        case 2:
          style.paragraph_break = "\n";
          break;
        default:
          style.sentence_break = "  ";
          break;
      }
    }
    doc.id = doc_id(index);
    render_.title(copy_.title, doc.title);
    render_.body(copy_.body, style, doc.text);
    format_time(published_time(source) + 600 + rng.below(3 * 86400), doc.date);
    uint32_t outlet = rng.below(kOutletCount - 1);
    if (outlet >= original_outlet(source)) ++outlet;  // never the source's own outlet
    doc.source = kOutlets[outlet];
  }

 private:
  // --- originals ---

  uint64_t original_time(uint64_t index) const {
    Rng rng(stream_seed(spec_.seed, index, kSaltMeta));
    const uint64_t n = std::max<uint64_t>(spec_.documents, 1);
    const uint64_t slot = kYearSeconds / n;
    return kEpoch2024 + index * kYearSeconds / n + (slot > 0 ? rng.below64(slot) : 0);
  }
  // A report is dated half an hour to three days after its event.
  uint64_t published_time(uint64_t index) const {
    const uint64_t event = stories_.event_of(index);
    if (event == kNoEvent) return original_time(index);
    Rng rng(stream_seed(spec_.seed, index, kSaltMeta));
    return stories_.event_time(event) + 1800 + rng.below(3 * 86400);
  }
  uint32_t original_outlet(uint64_t index) const {
    Rng rng(stream_seed(spec_.seed, index, kSaltMeta));
    rng.next();
    return rng.below(kOutletCount);
  }

  void make_article(uint64_t index, Article& a) {
    if (const uint64_t event = stories_.event_of(index); event != kNoEvent) {
      make_report(index, event, a);
      return;
    }
    Rng rng(stream_seed(spec_.seed, index, kSaltText));
    for (uint32_t& w : a.cast.topic) w = lex_.sample_rare(rng);
    for (uint32_t& w : a.cast.names) w = lex_.sample_rare(rng);
    make_title(rng, a.cast, a.title);
    make_body(rng, a.cast, a.body);
    for (uint32_t i = 0; i < a.body.size(); ++i) a.body[i].origin = i;
  }

  void make_body(Rng& rng, const Cast& cast, Tokens& body) {
    const double mean = spec_.mean_words;
    const double words = std::clamp(mean + rng.normal() * mean / 4, mean / 2, mean * 2);
    // Stop half a sentence early on average, so lengths centre on the target.
    const auto target = static_cast<size_t>(std::max(words - 9, words / 2));
    body.clear();
    bool lede = true;
    while (body.size() < target) {
      // News paragraphs are short: the lede is one sentence, later ones 1-4.
      const uint32_t r = rng.below(100);
      const uint32_t sentences = lede ? 1 : r < 35 ? 1 : r < 70 ? 2 : r < 90 ? 3 : 4;
      for (uint32_t s = 0; s < sentences && body.size() < target; ++s) {
        add_sentence(rng, cast, s == 0, !lede, body);
      }
      lede = false;
    }
  }

  // --- stories ---

  // What every report of `event` shares: four topic words and the people
  // (topic[4..8] are left to the report).
  void event_cast(uint64_t event, Cast& cast) const {
    Rng what(stream_seed(spec_.seed, event, kSaltEvent));
    for (size_t i = 0; i < 4; ++i) cast.topic[i] = lex_.sample_rare(what);
    Rng who(stream_seed(spec_.seed, stories_.people_of(event), kSaltPeople));
    for (uint32_t& w : cast.names) w = lex_.sample_rare(who);
  }

  // Quotation q (0-2) of `event` in its words as spoken; returns the speaker (0-2).
  uint32_t event_quote(uint64_t event, uint32_t q, const Cast& cast, Tokens& out) {
    Cast spoken = cast;  // only the event's own topic words
    for (size_t i = 4; i < spoken.topic.size(); ++i) spoken.topic[i] = spoken.topic[i - 4];
    Rng rng(stream_seed(spec_.seed, event * 4 + q, kSaltQuote));
    const uint32_t speaker = rng.below(3);
    const uint32_t length = 8 + rng.below(8) + rng.below(8);
    bool function = rng.chance(0.5);
    uint32_t previous = kNew;
    out.clear();
    while (out.size() < length) {
      previous = draw_word(rng, spoken, function, previous);
      if (out.empty() && lex_.is_number(previous)) continue;
      out.push_back({previous, kNew, 0});
    }
    return speaker;
  }

  // A report: its own prose and angle around the event's topic words, people
  // and one to three of its quotations, verbatim or reworded.
  void make_report(uint64_t index, uint64_t event, Article& a) {
    Rng rng(stream_seed(spec_.seed, index, kSaltText));
    event_cast(event, a.cast);
    for (size_t i = 4; i < a.cast.topic.size(); ++i) a.cast.topic[i] = lex_.sample_rare(rng);
    make_title(rng, a.cast, a.title);
    make_body(rng, a.cast, tmp_);

    uint32_t quotes[3] = {0, 1, 2};
    for (uint32_t i = 2; i > 0; --i) std::swap(quotes[i], quotes[rng.below(i + 1)]);
    const uint32_t count = 1 + rng.below(3);
    spans_of(tmp_, kParagraphStart, paragraphs_);
    a.body.clear();
    for (uint32_t p = 0, placed = 0; p < paragraphs_.size(); ++p) {
      a.body.insert(a.body.end(), tmp_.begin() + paragraphs_[p].begin,
                    tmp_.begin() + paragraphs_[p].end);
      // After the lede, a quotation opens a paragraph of its own with the
      // chance that spreads the rest over the article; the last ones go at the end.
      const auto left = static_cast<uint32_t>(paragraphs_.size() - 1 - p);
      while (placed < count && (left == 0 || rng.below(left) < count - placed)) {
        quoted_paragraph(rng, event, quotes[placed++], a.cast, a.body);
        if (left != 0) break;
      }
    }
    // Each report spells each person its own way with chance 0.3.
    bool variant[3];
    for (bool& v : variant) v = rng.chance(0.3);
    for (Tokens* t : {&a.title, &a.body}) {
      for (Token& tok : *t) {
        for (uint32_t person = 0; person < 3; ++person) {
          if (variant[person] && (tok.flags & kCapital) &&
              (tok.word == a.cast.names[2 * person] || tok.word == a.cast.names[2 * person + 1]))
            tok.flags |= kVariant;
        }
      }
    }
    for (uint32_t i = 0; i < a.body.size(); ++i) a.body[i].origin = i;
  }

  // Appends quotation q of `event` as a paragraph: reworded in 60% of
  // reports (10-35% of its content words replaced, sometimes a word dropped).
  void quoted_paragraph(Rng& rng, uint64_t event, uint32_t q, const Cast& cast, Tokens& out) {
    const uint32_t speaker = event_quote(event, q, cast, added_);
    const double reword = rng.chance(0.4) ? 0.0 : rng.uniform(0.10, 0.35);
    for (Token& t : added_) {
      if (lex_.is_content(t.word) && rng.chance(reword)) t.word = substitute(rng, t.word);
    }
    if (reword > 0 && rng.chance(0.3))
      added_.erase(added_.begin() + 1 + rng.below(static_cast<uint32_t>(added_.size() - 1)));
    added_.front().flags = kSentenceStart | kParagraphStart | kQuoteOpen;
    added_.back().flags = kQuoteClose;
    out.insert(out.end(), added_.begin(), added_.end());
    append_attribution(rng, cast, speaker, out);
  }

  // One word; keeps function and content words alternating roughly as in English.
  uint32_t draw_word(Rng& rng, const Cast& cast, bool& function, uint32_t previous) {
    const double p_function = function ? 0.22 : 0.58;
    for (;;) {
      uint32_t w;
      function = rng.chance(p_function);
      if (function) {
        w = lex_.sample_function(rng);
      } else {
        const double r = rng.uniform();
        if (r < 0.015) {
          w = lex_.sample_number(rng);
        } else if (r < 0.085) {
          w = cast.topic[rng.below(static_cast<uint32_t>(cast.topic.size()))];
        } else {
          w = lex_.sample_content(rng);
        }
      }
      if (w != previous) return w;
    }
  }

  void add_name(Rng& rng, const Cast& cast, Tokens& out) {
    const uint32_t person = rng.below(3);
    if (rng.chance(0.5)) out.push_back({cast.names[2 * person], kNew, kCapital});
    out.push_back({cast.names[2 * person + 1], kNew, kCapital});
  }

  // Appends one sentence: 8-30 words, or a quotation of 6-24 words and its attribution.
  void add_sentence(Rng& rng, const Cast& cast, bool paragraph_start, bool may_quote, Tokens& out) {
    const size_t first = out.size();
    const bool quote = may_quote && rng.chance(0.12);
    const uint32_t length =
        quote ? 6 + rng.below(10) + rng.below(10) : 8 + rng.below(12) + rng.below(12);
    bool function = rng.chance(0.5);
    uint32_t previous = kNew;
    while (out.size() - first < length) {
      if (out.size() - first >= 2 && !function && rng.chance(0.02)) {
        add_name(rng, cast, out);
        function = false;
        previous = kNew;
        continue;
      }
      previous = draw_word(rng, cast, function, previous);
      if (out.size() == first && lex_.is_number(previous)) continue;  // no numeral opens a sentence
      uint8_t flags = 0;
      if (!function && out.size() - first + 2 < length && rng.chance(0.08)) flags |= kComma;
      out.push_back({previous, kNew, flags});
    }
    out[first].flags =
        static_cast<uint8_t>(kSentenceStart | (paragraph_start ? kParagraphStart : 0));
    if (quote) {
      out[first].flags |= kQuoteOpen;
      out.back().flags = static_cast<uint8_t>((out.back().flags & ~kComma) | kQuoteClose);
      append_attribution(rng, cast, rng.below(3), out);
    }
  }

  // "said Given Family" (60%) or "Given Family said".
  void append_attribution(Rng& rng, const Cast& cast, uint32_t person, Tokens& out) {
    const Token said{lex_.said(), kNew, 0};
    const Token given{cast.names[2 * person], kNew, kCapital};
    const Token family{cast.names[2 * person + 1], kNew, kCapital};
    if (rng.chance(0.6)) {
      out.insert(out.end(), {said, given, family});
    } else {
      out.insert(out.end(), {given, family, said});
    }
  }

  void make_title(Rng& rng, const Cast& cast, Tokens& title) {
    title.clear();
    const uint32_t length = rng.between(5, 11);
    bool function = false;
    while (title.size() < length) {
      if (rng.chance(0.08)) {
        add_name(rng, cast, title);
        continue;
      }
      function = !function && rng.chance(0.4);  // headlines are light on function words
      const uint32_t topic = rng.below(static_cast<uint32_t>(cast.topic.size()));
      const uint32_t w = function          ? lex_.sample_function(rng)
                         : rng.chance(0.3) ? cast.topic[topic]
                                           : lex_.sample_content(rng);
      title.push_back({w, kNew, 0});
    }
    title.front().flags |= kSentenceStart;
  }

  // --- edits ---

  // A different word of the same class: function, number or content.
  uint32_t substitute(Rng& rng, uint32_t word) {
    for (;;) {
      uint32_t w = lex_.is_function(word) ? lex_.sample_function(rng)
                   : lex_.is_number(word) ? lex_.sample_number(rng)
                                          : lex_.sample_content(rng);
      if (w != word) return w;
    }
  }

  // Word edits, round(rate * words) of them: 60% substitutions, 20%
  // deletions, 20% insertions, at distinct random positions (a fixed count
  // rather than a per-word coin keeps short documents near the nominal rate).
  // Sentence starts and quotation marks are never deleted.
  void word_edits(Rng& rng, const Tokens& in, double rate, Tokens& out) {
    enum : uint8_t { kDelete = 1, kSubstitute = 2, kInsertAfter = 4 };
    const auto n = static_cast<uint32_t>(in.size());
    const auto count = [&](double share) {
      return static_cast<uint32_t>(share * rate * n + rng.uniform());  // stochastic rounding
    };
    ops_.assign(n, 0);
    // Marks up to k positions among those `eligible`, drawn without replacement.
    const auto mark = [&](uint32_t k, uint8_t op, auto eligible) {
      order_.clear();
      for (uint32_t i = 0; i < n; ++i) {
        if (eligible(i)) order_.push_back(i);
      }
      const auto m = static_cast<uint32_t>(order_.size());
      for (uint32_t t = 0; t < k && t < m; ++t) {
        std::swap(order_[t], order_[t + rng.below(m - t)]);
        ops_[order_[t]] |= op;
      }
    };
    mark(count(0.2), kDelete, [&](uint32_t i) { return !(in[i].flags & kStructural); });
    mark(count(0.6), kSubstitute, [&](uint32_t i) { return ops_[i] == 0; });
    mark(count(0.2), kInsertAfter, [](uint32_t) { return true; });
    out.clear();
    out.reserve(n + n / 16 + 8);
    for (uint32_t i = 0; i < n; ++i) {
      if (!(ops_[i] & kDelete)) {
        out.push_back(in[i]);
        if (ops_[i] & kSubstitute) {
          out.back().word = substitute(rng, in[i].word);
          out.back().origin = kNew;
        }
      }
      if (ops_[i] & kInsertAfter) {
        const uint32_t w = rng.chance(0.5) ? lex_.sample_function(rng) : lex_.sample_content(rng);
        out.push_back({w, kNew, 0});
      }
    }
  }

  // Keeps 30-60% of the words as whole sentences, in order: either the first
  // sentences (cut from the bottom) or a random subset of whole paragraphs,
  // topped up with single sentences when paragraphs alone miss the range.
  void abridge(Rng& rng, const Tokens& in, Tokens& out) {
    const EditModel& em = spec_.edits;
    spans_of(in, kSentenceStart, sentences_);
    spans_of(in, kParagraphStart, paragraphs_);
    const auto n = static_cast<double>(in.size());
    const double target = rng.uniform(em.abridge_min, em.abridge_max) * n;
    const double lo = em.abridge_min * n, hi = em.abridge_max * n;
    const auto count = static_cast<uint32_t>(sentences_.size());
    keep_.assign(count, 0);
    double kept = 0;
    // Takes sentences [first, last) when they keep the total under `hi`.
    const auto take = [&](uint32_t first, uint32_t last) {
      double len = 0;
      for (uint32_t s = first; s < last; ++s)
        len += keep_[s] ? 0 : sentences_[s].end - sentences_[s].begin;
      if (kept + len > hi) return;
      for (uint32_t s = first; s < last; ++s) keep_[s] = 1;
      kept += len;
    };
    if (rng.chance(0.5)) {
      for (uint32_t s = 0; s < count && kept < target; ++s) take(s, s + 1);
    } else {
      // Paragraph p holds sentences [first_sentence_[p], first_sentence_[p + 1]).
      first_sentence_.clear();
      for (uint32_t s = 0; s < count; ++s) {
        if (s == 0 || (in[sentences_[s].begin].flags & kParagraphStart))
          first_sentence_.push_back(s);
      }
      first_sentence_.push_back(count);
      order_.resize(first_sentence_.size() - 1);
      for (uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
      shuffle(rng, order_);
      for (uint32_t p : order_) {
        if (kept >= target) break;
        take(first_sentence_[p], first_sentence_[p + 1]);
      }
    }
    for (int attempt = 0; kept < lo && attempt < 4; ++attempt) {  // top up with sentences
      order_.resize(count);
      for (uint32_t i = 0; i < count; ++i) order_[i] = i;
      shuffle(rng, order_);
      for (uint32_t s : order_) {
        if (kept >= target) break;
        if (!keep_[s]) take(s, s + 1);
      }
    }
    if (kept == 0 && count > 0) keep_[0] = 1;  // a one-sentence source: keep it whole
    // Emit, marking the first kept sentence of each source paragraph.
    out.clear();
    int64_t last_paragraph = -1, paragraph = -1;
    for (uint32_t s = 0; s < count; ++s) {
      if (in[sentences_[s].begin].flags & kParagraphStart) ++paragraph;
      if (!keep_[s]) continue;
      const size_t at = out.size();
      out.insert(out.end(), in.begin() + sentences_[s].begin, in.begin() + sentences_[s].end);
      out[at].flags &= static_cast<uint8_t>(~kParagraphStart);
      if (paragraph != last_paragraph) out[at].flags |= kParagraphStart;
      last_paragraph = paragraph;
    }
    if (!out.empty()) out.front().flags |= kParagraphStart;
  }

  // Shuffles paragraphs (sentences when there is one paragraph); at least one moves.
  void reorder(Rng& rng, const Tokens& in, Tokens& out) {
    spans_of(in, kParagraphStart, paragraphs_);
    const bool by_sentence = paragraphs_.size() < 2;
    if (by_sentence) spans_of(in, kSentenceStart, paragraphs_);
    order_.resize(paragraphs_.size());
    for (uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
    if (order_.size() >= 2) {
      shuffle(rng, order_);
      if (std::is_sorted(order_.begin(), order_.end())) std::swap(order_[0], order_[1]);
    }
    out.clear();
    for (uint32_t p : order_) {
      const size_t at = out.size();
      out.insert(out.end(), in.begin() + paragraphs_[p].begin, in.begin() + paragraphs_[p].end);
      if (by_sentence && at > 0) out[at].flags &= static_cast<uint8_t>(~kParagraphStart);
      if (at == 0) out[at].flags |= kParagraphStart;
    }
  }

  // Adds new sentences, at least `min_sentences` and at least `words` words,
  // inside paragraphs or as paragraphs of their own, never before the lede.
  void insert_sentences(Rng& rng, const Tokens& in, uint32_t words, uint32_t min_sentences,
                        Tokens& out) {
    spans_of(in, kSentenceStart, sentences_);
    Rng text_rng(rng.next());
    Cast cast = copy_.cast;  // the same people speak; the added material has its own topic
    for (size_t i = 0; i < 4; ++i) cast.topic[i] = lex_.sample_rare(text_rng);
    added_.clear();
    inserts_.clear();
    uint32_t count = 0;
    while (count < min_sentences || added_.size() < words) {
      const auto begin = static_cast<uint32_t>(added_.size());
      const bool own_paragraph = rng.chance(0.5);
      add_sentence(text_rng, cast, own_paragraph, true, added_);
      // Position: before source sentence `at` (sentences_.size() = at the end).
      const auto n = static_cast<uint32_t>(sentences_.size());
      uint32_t at = n == 0 ? 0 : 1 + rng.below(n);
      if (own_paragraph) {  // move to the next paragraph boundary
        while (at < sentences_.size() && !(in[sentences_[at].begin].flags & kParagraphStart)) ++at;
      }
      inserts_.push_back({at, begin, static_cast<uint32_t>(added_.size())});
      ++count;
    }
    std::stable_sort(inserts_.begin(), inserts_.end(),
                     [](const Insert& a, const Insert& b) { return a.at < b.at; });
    out.clear();
    out.reserve(in.size() + added_.size());
    size_t next = 0;
    for (uint32_t s = 0; s <= sentences_.size(); ++s) {
      for (; next < inserts_.size() && inserts_[next].at == s; ++next) {
        out.insert(out.end(), added_.begin() + inserts_[next].begin,
                   added_.begin() + inserts_[next].end);
      }
      if (s < sentences_.size()) {
        out.insert(out.end(), in.begin() + sentences_[s].begin, in.begin() + sentences_[s].end);
      }
    }
  }

  // --- rendering ---
  struct Insert {
    uint32_t at, begin, end;
  };

  const CorpusSpec& spec_;
  const Lexicon& lex_;
  StoryLayout stories_;
  AliasTable kinds_;
  Article src_, copy_;
  Tokens tmp_, added_;
  Renderer render_;
  std::vector<Span> sentences_, paragraphs_;
  std::vector<uint32_t> order_, first_sentence_;
  std::vector<uint8_t> keep_, ops_;
  std::vector<Insert> inserts_;
};

Status invalid(const std::string& message) {
  return {StatusCode::kInvalidArgument, message};
}

bool range_ok(double lo, double hi, double min, double max) {
  return std::isfinite(lo) && std::isfinite(hi) && lo >= min && lo <= hi && hi <= max;
}

}  // namespace

const char* copy_kind_name(CopyKind kind) {
  const auto i = static_cast<size_t>(kind);
  return i < kCopyKindCount ? kKindNames[i] : "unknown";
}

bool parse_copy_kind(std::string_view name, CopyKind& kind) {
  for (size_t i = 0; i < kCopyKindCount; ++i) {
    if (name == kKindNames[i]) {
      kind = static_cast<CopyKind>(i);
      return true;
    }
  }
  return false;
}

Status parse_kind_weights(std::string_view text, EditModel& model) {
  std::array<double, kCopyKindCount> weights{};
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t eq = item.find('=');
    CopyKind kind;
    if (eq == std::string_view::npos || !parse_copy_kind(item.substr(0, eq), kind)) {
      return invalid(
          "--kinds: expected KIND=WEIGHT with KIND one of exact, light_edit, heavy_edit, "
          "abridged, abridged_edited, reordered, expanded; got '" +
          std::string(item) + "'");
    }
    const std::string_view number = item.substr(eq + 1);
    double w = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), w);
    if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
        !std::isfinite(w) || w < 0) {
      return invalid("--kinds: bad weight in '" + std::string(item) + "'");
    }
    weights[static_cast<size_t>(kind)] = w;
  }
  model.kind_weights = weights;
  return Status::ok();
}

Status CorpusSpec::validate() const {
  if (!(copy_fraction >= 0.0 && copy_fraction < 1.0))
    return invalid("--copy-fraction must be in [0, 1)");
  if (documents > 100000000000ull) return invalid("--documents must be at most 1e11");
  if (mean_words < 20 || mean_words > 1000000)
    return invalid("--mean-words must be in [20, 1000000]");
  double sum = 0;
  for (double w : edits.kind_weights) {
    if (!(std::isfinite(w) && w >= 0)) return invalid("--kinds: weights must be finite and >= 0");
    sum += w;
  }
  if (!(sum > 0) && copies() > 0) return invalid("--kinds: at least one weight must be positive");
  if (!range_ok(edits.light_min, edits.light_max, 0, 0.5))
    return invalid("light edit rates must satisfy 0 <= min <= max <= 0.5");
  if (!range_ok(edits.heavy_min, edits.heavy_max, 0, 0.5))
    return invalid("heavy edit rates must satisfy 0 <= min <= max <= 0.5");
  if (!range_ok(edits.abridge_min, edits.abridge_max, 0.01, 1)) {
    return invalid("abridgement shares must satisfy 0.01 <= min <= max <= 1");
  }
  if (!range_ok(edits.expand_min, edits.expand_max, 0, 10))
    return invalid("expansion shares must satisfy 0 <= min <= max <= 10");
  if (!(edits.restyle >= 0 && edits.restyle <= 1))
    return invalid("restyle probability must be in [0, 1]");
  if (!(stories.fraction >= 0 && stories.fraction <= 1))
    return invalid("--stories must be in [0, 1]");
  if (!(stories.reports_per_story >= 1 && stories.reports_per_story <= 32))
    return invalid("--reports-per-story must be in [1, 32]");
  if (!(stories.decoy_fraction >= 0 && stories.decoy_fraction <= 1))
    return invalid("--decoys must be in [0, 1]");
  return Status::ok();
}

uint64_t CorpusSpec::copies() const {
  if (documents == 0) return 0;
  const auto c =
      static_cast<uint64_t>(std::llround(static_cast<double>(documents) * copy_fraction));
  return std::min(c, documents - 1);
}

std::string doc_id(uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "d%07llu", static_cast<unsigned long long>(index));
  return buf;
}

std::string StoryTruth::story_id() const {
  return event != kNoEvent ? event_id(event) : doc_id(original);
}

void generate(const CorpusSpec& spec, const std::function<void(Document&&)>& on_doc,
              const std::function<void(const TruthPair&)>& on_truth,
              const std::function<void(const StoryTruth&)>& on_story) {
  const Status valid = spec.validate();
  KINDRED_CHECK(valid.is_ok(), valid.message().c_str());
  Generator generator(spec);
  const StoryLayout stories(spec);
  const auto story = [&](uint64_t index, uint64_t original) {
    if (!on_story || !stories.enabled()) return;
    StoryTruth t;
    t.document = index;
    t.original = original;
    t.event = stories.event_of(original);
    t.decoy = t.event != kNoEvent && stories.is_decoy(t.event);
    on_story(t);
  };
  Rng layout(stream_seed(spec.seed, 0, kSaltLayout));
  uint64_t copies_left = spec.copies();
  std::vector<uint64_t> originals;
  originals.reserve(spec.documents - copies_left);
  TruthPair truth;
  for (uint64_t i = 0; i < spec.documents; ++i) {
    Document doc;
    // Selection sampling: exactly copies() of positions 1..n-1 become copies,
    // each subset equally likely.
    if (i > 0 && layout.below64(spec.documents - i) < copies_left) {
      --copies_left;
      const uint64_t source = originals[layout.below64(originals.size())];
      generator.copy(i, source, doc, truth);
      on_doc(std::move(doc));
      if (on_truth) on_truth(truth);
      story(i, source);
    } else {
      originals.push_back(i);
      generator.original(i, doc);
      on_doc(std::move(doc));
      story(i, i);
    }
  }
}

Corpus generate_corpus(const CorpusSpec& spec) {
  Corpus corpus;
  corpus.documents.reserve(spec.documents);
  corpus.truth.reserve(spec.copies());
  generate(
      spec, [&](Document&& d) { corpus.documents.push_back(std::move(d)); },
      [&](const TruthPair& t) { corpus.truth.push_back(t); },
      [&](const StoryTruth& t) { corpus.stories.push_back(t); });
  return corpus;
}

}  // namespace kindred::synth
