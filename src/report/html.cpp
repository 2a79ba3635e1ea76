#include "report/html.h"

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

#include "kindred/version.h"
#include "report/html_assets.h"  // generated: kReportCss, kReportJs
#include "report/texts.h"
#include "util/hash.h"

namespace kindred::report {

void append_html_escaped(std::string& out, std::string_view text) {
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = 0; i < text.size(); ++i) {
    const char* ref = nullptr;
    switch (text[i]) {
      case '&':
        ref = "&amp;";
        break;
      case '<':
        ref = "&lt;";
        break;
      case '>':
        ref = "&gt;";
        break;
      case '"':
        ref = "&quot;";
        break;
      case '\'':
        ref = "&#39;";
        break;
      case '\0':
        ref = "\xEF\xBF\xBD";
        break;  // U+FFFD: NUL is never valid in HTML text
      default:
        continue;
    }
    out.append(text.data() + plain, i - plain);
    out += ref;
    plain = i + 1;
  }
  out.append(text.data() + plain, text.size() - plain);
}

namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kKeyColours = 8;             // .k0 ... .k7 in report.css
constexpr size_t kContextBytes = 160;         // text shown around a passage, each side
constexpr size_t kHeadlineBytes = 200;        // a headline taken from a text's first line
constexpr uint64_t kMaxDiffCells = 1u << 20;  // word-diff table of one passage

// Markup written by this file. Only a string literal converts to it (the
// constructor is consteval), so anything read from the input can reach the
// page only as Text, which is escaped: an injection cannot compile.
struct Markup {
  template <size_t N>
  consteval Markup(const char (&literal)[N]) : s(literal, N - 1) {}  // NOLINT: implicit on purpose
  std::string_view s;
};
// Text for the page, escaped as it is written.
struct Text {
  std::string_view s;
};
// A number with a fixed count of decimals.
struct Fixed {
  double v;
  int decimals = 2;
};

Markup plural(uint64_t n, Markup one, Markup many) {
  return n == 1 ? one : many;
}

// The page under construction. Full chunks go to the sink as they fill.
class Page {
 public:
  explicit Page(const std::function<void(std::string_view)>& sink) : sink_(sink) {
    out_.reserve(kChunk + (kChunk >> 2));
  }
  Page& operator<<(Markup m) {
    out_ += m.s;
    return *this;
  }
  Page& operator<<(Text t) {
    append_html_escaped(out_, t.s);
    return *this;
  }
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) Page& operator<<(T v) {
    out_ += std::to_string(v);
    return *this;
  }
  Page& operator<<(Fixed f) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", f.decimals, f.v);
    out_ += buf;
    return *this;
  }
  // The report's own stylesheet and script (compiled in; see html_assets/).
  void asset(std::string_view trusted) { out_ += trusted; }
  void flush_if_full() {
    if (out_.size() >= kChunk) flush();
  }
  void flush() {
    if (!out_.empty()) sink_(out_);
    out_.clear();
  }

 private:
  const std::function<void(std::string_view)>& sink_;
  std::string out_;
};

// ------------------------------------------------------------------ text helpers

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The longest prefix of `s` of at most `n` bytes that ends on a code point boundary.
std::string_view utf8_prefix(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && is_continuation(static_cast<unsigned char>(s[n]))) --n;
  return s.substr(0, n);
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// What names a document for a reader: its title, else the first line of its
// text (a .txt file's headline; read only then), else its id.
std::string headline(const DocInfo& d, uint32_t doc, TextReader& texts) {
  std::string_view h = trim(d.title);
  if (h.empty()) {
    std::string_view t = trim(texts.text(doc));
    h = trim(t.substr(0, t.find('\n')));
  }
  if (h.empty()) return d.id;
  if (h.size() <= kHeadlineBytes) return std::string(h);
  return std::string(utf8_prefix(h, kHeadlineBytes)) + "\xE2\x80\xA6";  // …
}

// A story member's short key: A..Z, AA..ZZ, AAA...
std::string member_key(size_t i) {
  std::string key;
  for (size_t n = i + 1; n > 0; n = (n - 1) / 26) key.insert(key.begin(), char('A' + (n - 1) % 26));
  return key;
}

// ------------------------------------------------------------------ word diff

struct Word {
  uint32_t begin = 0, end = 0;  ///< bytes in the text
  uint64_t key = 0;             ///< hash of the folded word; 0 = punctuation only
  bool matched = true;          ///< also on the other side (or punctuation)
};

// Folds a word for comparison: ASCII letters lower-cased, punctuation (ASCII,
// typographic quotes and dashes, guillemets, ellipsis) dropped. Other bytes stay.
uint64_t word_key(std::string_view w) {
  std::string folded;
  for (size_t i = 0; i < w.size(); ++i) {
    const auto c = static_cast<unsigned char>(w[i]);
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) folded += char(c);
      if (c >= 'A' && c <= 'Z') folded += char(c - 'A' + 'a');
      continue;
    }
    // U+2010..U+201F (dashes, quotes), U+2026 (ellipsis): E2 80 90..9F, E2 80 A6.
    if (c == 0xE2 && i + 2 < w.size() && static_cast<unsigned char>(w[i + 1]) == 0x80) {
      const auto c2 = static_cast<unsigned char>(w[i + 2]);
      if ((c2 >= 0x90 && c2 <= 0x9F) || c2 == 0xA6) {
        i += 2;
        continue;
      }
    }
    // U+00AB, U+00BB (guillemets), U+00A0 (no-break space): C2 AB, C2 BB, C2 A0.
    if (c == 0xC2 && i + 1 < w.size()) {
      const auto c1 = static_cast<unsigned char>(w[i + 1]);
      if (c1 == 0xAB || c1 == 0xBB || c1 == 0xA0) {
        ++i;
        continue;
      }
    }
    folded += char(c);
  }
  if (folded.empty()) return 0;
  const uint64_t h = util::hash_bytes(folded);
  return h == 0 ? 1 : h;
}

std::vector<Word> split_words(std::string_view text, uint32_t begin, uint32_t end) {
  std::vector<Word> words;
  uint32_t i = begin;
  while (i < end) {
    while (i < end && is_space(text[i])) ++i;
    const uint32_t start = i;
    while (i < end && !is_space(text[i])) ++i;
    if (i > start) words.push_back({start, i, word_key(text.substr(start, i - start)), true});
  }
  return words;
}

// Marks the words of `a` and `b` that a longest common subsequence (over
// words, punctuation ignored) leaves out. Common ends are trimmed first; a
// middle too large for kMaxDiffCells is left all matched (nothing flagged).
void diff_words(std::vector<Word>& a, std::vector<Word>& b) {
  std::vector<size_t> ia, ib;  // indices of the words that carry letters
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].key) ia.push_back(i);
  for (size_t i = 0; i < b.size(); ++i)
    if (b[i].key) ib.push_back(i);
  size_t lo = 0, ha = ia.size(), hb = ib.size();
  while (lo < ha && lo < hb && a[ia[lo]].key == b[ib[lo]].key) ++lo;
  while (ha > lo && hb > lo && a[ia[ha - 1]].key == b[ib[hb - 1]].key) --ha, --hb;
  const size_t n = ha - lo, m = hb - lo;
  if (n == 0 || m == 0) {
    for (size_t i = lo; i < ha; ++i) a[ia[i]].matched = false;
    for (size_t i = lo; i < hb; ++i) b[ib[i]].matched = false;
    return;
  }
  if (uint64_t{n} * m > kMaxDiffCells) return;
  // len[i][j]: LCS of a-middle[i..] and b-middle[j..].
  std::vector<uint32_t> len((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return len[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) = a[ia[lo + i]].key == b[ib[lo + j]].key ? at(i + 1, j + 1) + 1
                                                        : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  for (size_t i = 0; i < n; ++i) a[ia[lo + i]].matched = false;
  for (size_t j = 0; j < m; ++j) b[ib[lo + j]].matched = false;
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (a[ia[lo + i]].key == b[ib[lo + j]].key) {
      a[ia[lo + i]].matched = b[ib[lo + j]].matched = true;
      ++i, ++j;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      ++i;
    } else {
      ++j;
    }
  }
}

// ------------------------------------------------------------------ the result, indexed

struct Index {
  const ScanResult& r;
  std::vector<int64_t> family_at;      ///< Family::id -> index into r.families
  std::vector<int64_t> story_at;       ///< Story::id -> index into r.stories
  std::vector<uint32_t> member_index;  ///< document -> position in its story's members
  std::vector<int64_t> provenance_of;  ///< document -> its strongest Provenance as a copy
  std::vector<std::vector<uint32_t>> story_links;   ///< per story index: link indices
  std::vector<std::vector<uint32_t>> story_quotes;  ///< per story index: quotation indices
  std::vector<uint32_t> outside_links;              ///< links touching no story
  uint64_t passages = 0;

  explicit Index(const ScanResult& result) : r(result) {
    const size_t nd = r.docs.size();
    for (size_t i = 0; i < r.families.size(); ++i) {
      const uint32_t id = r.families[i].id;
      if (id >= family_at.size()) family_at.resize(id + 1, -1);
      family_at[id] = int64_t(i);
    }
    for (size_t i = 0; i < r.stories.size(); ++i) {
      const uint32_t id = r.stories[i].id;
      if (id >= story_at.size()) story_at.resize(id + 1, -1);
      story_at[id] = int64_t(i);
    }
    member_index.assign(nd, 0);
    for (const Story& s : r.stories) {
      for (size_t k = 0; k < s.members.size(); ++k) {
        if (s.members[k] < nd) member_index[s.members[k]] = uint32_t(k);
      }
    }
    provenance_of.assign(nd, -1);
    for (size_t i = 0; i < r.provenance.size(); ++i) {
      const Provenance& p = r.provenance[i];
      if (p.copy >= nd || p.source >= nd) continue;
      int64_t& best = provenance_of[p.copy];
      if (best < 0 || p.confidence > r.provenance[size_t(best)].confidence) best = int64_t(i);
    }
    story_links.resize(r.stories.size());
    story_quotes.resize(r.stories.size());
    for (size_t i = 0; i < r.links.size(); ++i) {
      const Link& l = r.links[i];
      int64_t s = story_of(l.a);
      if (s < 0) s = story_of(l.b);
      (s < 0 ? outside_links : story_links[size_t(s)]).push_back(uint32_t(i));
      if (i < r.passages.size()) passages += r.passages[i].size();
    }
    for (size_t i = 0; i < r.quotations.size(); ++i) {
      const int64_t s = story_index(r.quotations[i].story);
      if (s >= 0) story_quotes[size_t(s)].push_back(uint32_t(i));
    }
  }

  int64_t story_index(int64_t id) const {
    return id >= 0 && size_t(id) < story_at.size() ? story_at[size_t(id)] : -1;
  }
  int64_t story_of(uint32_t doc) const {
    return doc < r.docs.size() ? story_index(r.docs[doc].story) : -1;
  }
  const Family* family(int64_t id) const {
    if (id < 0 || size_t(id) >= family_at.size() || family_at[size_t(id)] < 0) return nullptr;
    return &r.families[size_t(family_at[size_t(id)])];
  }
  const Provenance* provenance(uint32_t doc) const {
    return provenance_of[doc] < 0 ? nullptr : &r.provenance[size_t(provenance_of[doc])];
  }
};

// A story's facts shown in the list and its heading.
struct StoryFacts {
  uint32_t lead = 0;  ///< the longest member: its headline names the story
  std::string first_date, last_date;
};

StoryFacts story_facts(const Story& s, const ScanResult& r) {
  StoryFacts f;
  if (s.members.empty()) return f;
  f.lead = s.members.front();
  for (uint32_t d : s.members) {
    if (document_text_length(r, d) > document_text_length(r, f.lead)) f.lead = d;
    const std::string& date = r.docs[d].date;
    if (date.empty()) continue;
    if (f.first_date.empty() || date < f.first_date) f.first_date = date;
    if (f.last_date.empty() || date > f.last_date) f.last_date = date;
  }
  return f;
}

// ------------------------------------------------------------------ writer

// Typographic characters used in markup, as UTF-8.
constexpr char kDot[] = " \xC2\xB7 ";         // " · "
constexpr char kDash[] = "\xE2\x80\x93";      // "–"
constexpr char kEllipsis[] = "\xE2\x80\xA6";  // "…"

class ReportWriter {
 public:
  ReportWriter(const Params& params, const ScanResult& r, const HtmlOptions& options,
               const std::function<void(std::string_view)>& sink)
      : params_(params),
        r_(r),
        opt_(options),
        page_(sink),
        ix_(r),
        texts_(r),
        variant_texts_(r),
        headline_texts_(r) {}

  Status write() {
    nonce_ = opt_.nonce.empty() ? random_nonce() : opt_.nonce;
    // Largest stories first; ties by id.
    for (size_t i = 0; i < r_.stories.size(); ++i) {
      if (!r_.stories[i].members.empty()) order_.push_back(uint32_t(i));
    }
    std::stable_sort(order_.begin(), order_.end(), [&](uint32_t x, uint32_t y) {
      return r_.stories[x].members.size() > r_.stories[y].members.size();
    });
    facts_.reserve(r_.stories.size());
    for (const Story& s : r_.stories) facts_.push_back(story_facts(s, r_));

    head();
    header();
    page_ << "<main id=\"main\">\n";
    story_list();
    for (uint32_t s : order_) {
      story(s);
      page_.flush_if_full();
    }
    outside();
    page_ << "</main>\n<footer class=\"page\"><p>Written by kindred " << Text{kVersion}
          << ". Self-contained: this page loads nothing from the network.</p></footer>\n"
          << "<script nonce=\"" << Text{nonce_} << "\">\n";
    page_.asset(kReportJs);
    page_ << "</script>\n</body>\n</html>\n";
    page_.flush();
    return texts_status(r_);
  }

 private:
  static std::string random_nonce() {
    std::random_device rd;
    std::string hex;
    for (int i = 0; i < 4; ++i) {
      char buf[9];
      std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
      hex += buf;
    }
    return hex;
  }

  const DocInfo& doc(uint32_t d) const { return r_.docs[d]; }
  bool in_story(uint32_t d) const { return ix_.story_of(d) >= 0; }

  // ---- small pieces

  // The coloured key of a story member ("B"), with its id and source as tooltip.
  void key(uint32_t d) {
    if (!in_story(d)) return;
    const uint32_t k = ix_.member_index[d];
    page_ << "<span class=\"key k" << k % kKeyColours << "\" title=\"" << Text{doc(d).id};
    if (!doc(d).source.empty()) page_ << " \xE2\x80\x94 " << Text{doc(d).source};  // —
    page_ << "\">" << Text{member_key(k)} << "</span>";
  }

  // A story member's key ("B"), else `fallback`.
  std::string short_name(uint32_t d, const char* fallback) const {
    return in_story(d) ? member_key(ix_.member_index[d]) : fallback;
  }

  // A reference to a document: its key and id, linking to its row.
  void doc_ref(uint32_t d) {
    page_ << "<a class=\"doc-ref\" href=\"#d" << d << "\">";
    doc_label(d);
    page_ << "</a>";
  }
  // The same without the link (inside a <summary>, where a link would steal the click).
  void doc_label(uint32_t d) {
    key(d);
    page_ << "<span class=\"doc-id\">" << Text{doc(d).id} << "</span>";
  }

  // The day of an ISO 8601 timestamp ("2025-03-11T05:12:59Z" -> "2025-03-11"); other dates whole.
  static std::string_view day(std::string_view date) {
    const bool iso = date.size() > 10 && date[4] == '-' && date[7] == '-' && date[10] == 'T';
    return iso ? date.substr(0, 10) : date;
  }

  void date_range(const StoryFacts& f) {
    const std::string_view first = day(f.first_date), last = day(f.last_date);
    if (first.empty()) {
      page_ << "<span class=\"muted\">no dates</span>";
    } else if (first == last) {
      page_ << Text{first};
    } else {
      page_ << Text{first} << " " << kDash << " " << Text{last};
    }
  }

  void provenance_text(const Provenance& p) {
    page_ << "derives from ";
    doc_ref(p.source);
    page_ << " <span class=\"conf\">(" << Fixed{p.confidence};
    if (!p.evidence.empty()) page_ << ", " << Text{p.evidence};
    page_ << ")</span>";
  }

  // ---- page parts

  void head() {
    page_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          // Nothing may be fetched; only this page's own style and script may run.
          << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             "style-src 'nonce-"
          << Text{nonce_} << "'; script-src 'nonce-" << Text{nonce_}
          << "'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
          << "<meta name=\"generator\" content=\"kindred " << Text{kVersion} << "\">\n"
          << "<title>" << Text{opt_.title} << "</title>\n"
          << "<style nonce=\"" << Text{nonce_} << "\">\n";
    page_.asset(kReportCss);
    page_ << "</style>\n</head>\n<body>\n"
             "<a class=\"skip\" href=\"#main\">Skip to the stories</a>\n";
  }

  void count(Markup label, uint64_t value, Markup id = "") {
    page_ << "<div";
    if (!id.s.empty()) page_ << " id=\"" << id << "\"";
    page_ << "><dt>" << label << "</dt><dd>" << value << "</dd></div>";
  }

  void header() {
    std::array<uint64_t, kRelationCount> relations{};
    for (const Link& l : r_.links) ++relations[static_cast<size_t>(l.relation)];
    uint64_t in_stories = 0;
    for (const Story& st : r_.stories) in_stories += st.members.size();
    page_ << "<header class=\"page\">\n<h1>" << Text{opt_.title} << "</h1>\n<dl class=\"counts\">";
    count("Documents", r_.docs.size(), "count-docs");
    count("Rejected", opt_.rejected);
    count("Stories", r_.stories.size(), "count-stories");
    count("Documents in stories", in_stories);
    count("Copy families", r_.families.size());
    count("Links", r_.links.size());
    count("Passages", ix_.passages);
    count("Quotations", r_.quotations.size());
    page_ << "</dl>\n<p class=\"meta\">Links: ";
    for (size_t i = 0; i < relations.size(); ++i) {
      if (i) page_ << ", ";
      page_ << relations[i] << " " << Text{relation_name(static_cast<Relation>(i))};
    }
    page_ << ". " << r_.stats.documents_in_families << " documents in copy families. "
          << "Parameters: <code>" << Text{params_.to_spec()} << "</code>.</p>\n</header>\n";
  }

  void story_list() {
    page_ << "<nav class=\"story-list\" aria-labelledby=\"stories-h\">\n"
             "<h2 id=\"stories-h\">Stories</h2>\n<div id=\"kr-tools\"></div>\n";
    if (order_.empty()) {
      page_ << "<p class=\"note\">No stories: no two documents tell the same story "
               "(or stories were not searched for).</p>\n</nav>\n";
      return;
    }
    page_ << "<div class=\"scroll\"><table class=\"stories\" id=\"story-table\">\n<thead><tr>"
             "<th scope=\"col\" data-sort=\"text\">Story</th>"
             "<th scope=\"col\" class=\"n\" data-sort=\"size\">Articles</th>"
             "<th scope=\"col\" data-sort=\"date\">Dates</th>"
             "<th scope=\"col\" class=\"n\" data-sort=\"cohesion\">Cohesion</th>"
             "<th scope=\"col\" class=\"n\" data-sort=\"families\">Families</th>"
             "<th scope=\"col\" class=\"n\" data-sort=\"quotes\">Quotations</th>"
             "</tr></thead>\n<tbody>\n";
    for (uint32_t si : order_) {
      const Story& s = r_.stories[si];
      const StoryFacts& f = facts_[si];
      const size_t nq = ix_.story_quotes[si].size();
      page_ << "<tr data-story=\"" << s.id << "\" data-size=\"" << s.members.size()
            << "\" data-date=\"" << Text{f.first_date} << "\" data-cohesion=\""
            << Fixed{s.cohesion, 4} << "\" data-families=\"" << s.families.size()
            << "\" data-quotes=\"" << nq << "\"><td><a href=\"#story-" << s.id << "\">"
            << Text{headline(doc(f.lead), f.lead, headline_texts_)} << "</a></td><td class=\"n\">"
            << s.members.size() << "</td><td class=\"date\">";
      date_range(f);
      page_ << "</td><td class=\"n\">" << Fixed{s.cohesion} << "</td><td class=\"n\">"
            << s.families.size() << "</td><td class=\"n\">" << nq << "</td></tr>\n";
      page_.flush_if_full();
    }
    page_ << "</tbody>\n</table></div>\n</nav>\n";
  }

  void story(uint32_t si) {
    const Story& s = r_.stories[si];
    const StoryFacts& f = facts_[si];
    const size_t nf = s.families.size(), nq = ix_.story_quotes[si].size();
    page_ << "<section class=\"story\" id=\"story-" << s.id << "\" aria-labelledby=\"story-" << s.id
          << "-h\">\n<h2 id=\"story-" << s.id << "-h\"><span class=\"sid\">Story " << s.id
          << "</span> " << Text{headline(doc(f.lead), f.lead, headline_texts_)}
          << "</h2>\n<p class=\"facts\">" << s.members.size() << " articles" << kDot;
    date_range(f);
    page_ << kDot << "cohesion " << Fixed{s.cohesion} << " <meter min=\"0\" max=\"1\" value=\""
          << Fixed{s.cohesion, 4} << "\" aria-hidden=\"true\"></meter>" << kDot << nf
          << plural(nf, " copy family", " copy families") << kDot << nq
          << plural(nq, " quotation", " quotations") << "</p>\n"
          << "<details class=\"story-body\">\n"
             "<summary>Articles, merged account, quotations and passages</summary>\n"
             "<h3>Articles</h3>\n";
    articles_table(s.members, true);

    page_ << "<h3>Copy families</h3>\n";
    if (s.families.empty()) {
      page_ << "<p class=\"note\">No copy families: no two articles share enough text.</p>\n";
    } else {
      page_ << "<ul class=\"families\">\n";
      for (uint32_t id : s.families) family_item(id);
      page_ << "</ul>\n";
    }
    page_ << "<h3>Merged account</h3>\n";
    account(s);
    page_ << "<h3>Quotations</h3>\n";
    quotations(si);
    page_ << "<h3>Reused passages</h3>\n";
    pairs(ix_.story_links[si], opt_.max_pairs_per_story);
    page_ << "</details>\n</section>\n";
  }

  void articles_table(const std::vector<uint32_t>& docs, bool keys) {
    page_ << "<div class=\"scroll\"><table class=\"articles\">\n<thead><tr>";
    if (keys) page_ << "<th scope=\"col\">Key</th>";
    page_ << "<th scope=\"col\">Article</th><th scope=\"col\">Source</th>"
             "<th scope=\"col\">Date</th><th scope=\"col\">Family</th>"
             "<th scope=\"col\">Provenance</th></tr></thead>\n<tbody>\n";
    for (uint32_t d : docs) {
      const DocInfo& di = doc(d);
      page_ << "<tr id=\"d" << d << "\"";
      if (keys) {
        page_ << " data-key=\"" << ix_.member_index[d] << "\"><td>";
        key(d);
        page_ << "</td>";
      } else {
        page_ << ">";
      }
      page_ << "<td><span class=\"doc-title\">" << Text{headline(di, d, headline_texts_)}
            << "</span><br><span class=\"doc-id\">" << Text{di.id} << "</span>";
      if (!di.url.empty()) page_ << " <span class=\"url\">" << Text{di.url} << "</span>";
      page_ << "</td><td>" << Text{di.source} << "</td><td class=\"date\">" << Text{di.date}
            << "</td><td>";
      if (const Family* fam = ix_.family(di.family)) {
        page_ << "<a href=\"#family-" << fam->id << "\">family " << fam->id << "</a>";
        if (fam->root == d) {
          page_ << " <span class=\"tag\" title=\"the member with the most shingles\">root</span>";
        }
      } else {
        page_ << "<span class=\"muted\">none</span>";
      }
      page_ << "</td><td>";
      if (const Provenance* p = ix_.provenance(d)) {
        provenance_text(*p);
      } else {
        page_ << "<span class=\"muted\">\xE2\x80\x94</span>";  // —
      }
      page_ << "</td></tr>\n";
      page_.flush_if_full();
    }
    page_ << "</tbody>\n</table></div>\n";
  }

  void family_item(uint32_t id) {
    const Family* f = ix_.family(id);
    if (!f) return;
    page_ << "<li id=\"family-" << f->id << "\"><strong>Family " << f->id << "</strong>" << kDot
          << f->members.size() << " articles" << kDot << "root ";
    doc_ref(f->root);
    page_ << "<br><span class=\"muted\">members:</span> ";
    for (size_t i = 0; i < f->members.size(); ++i) {
      if (i) page_ << ", ";
      doc_ref(f->members[i]);
    }
    page_ << "</li>\n";
  }

  void account(const Story& s) {
    if (s.account.empty()) {
      page_ << "<p class=\"note\">No merged account.</p>\n";
      return;
    }
    page_ << "<p class=\"hint\">Each fact once, in narrative order, with the articles that "
             "tell it (its other wordings under it). A fact only one article tells is marked as "
             "its <span class=\"addition-sample\">addition</span>.</p>\n<ol class=\"account\">\n";
    for (const AccountSentence& a : s.account) {
      const bool addition = a.sources.size() == 1;
      page_ << "<li";
      if (addition && in_story(a.sources.front())) {
        page_ << " class=\"addition k" << ix_.member_index[a.sources.front()] % kKeyColours << "\"";
      }
      page_ << " data-src=\"";
      for (size_t i = 0; i < a.sources.size(); ++i) {
        if (i) page_ << " ";
        page_ << ix_.member_index[a.sources[i]];
      }
      page_ << "\"><span class=\"sent\">";
      if (a.doc < r_.docs.size()) page_ << Text{trim(texts_.span(a.doc, a.begin, a.end))};
      page_ << "</span> <span class=\"srcs\">";
      if (addition) page_ << "<span class=\"only\">only in</span> ";
      for (uint32_t d : a.sources) key(d);
      page_ << "</span>";
      if (a.variants.size() > 1) {
        // The same fact as the other articles word it, each with who writes it so.
        const size_t others = a.variants.size() - 1;
        page_ << "<details class=\"wordings\"><summary>" << others
              << plural(others, " other wording", " other wordings") << "</summary>";
        for (size_t i = 1; i < a.variants.size(); ++i) {
          const AccountVariant& v = a.variants[i];
          if (v.doc >= r_.docs.size()) continue;
          page_ << "<p class=\"wording\">";
          for (uint32_t d : v.sources) key(d);
          page_ << " " << Text{trim(variant_texts_.span(v.doc, v.begin, v.end))} << "</p>";
        }
        page_ << "</details>";
      }
      page_ << "</li>\n";
      page_.flush_if_full();
    }
    page_ << "</ol>\n";
  }

  void quotations(uint32_t si) {
    const auto& qs = ix_.story_quotes[si];
    if (qs.empty()) {
      page_ << "<p class=\"note\">No quotations found.</p>\n";
      return;
    }
    page_ << "<ul class=\"quotes\">\n";
    for (uint32_t qi : qs) {
      const Quotation& q = r_.quotations[qi];
      size_t sources = 0;
      for (size_t i = 0; i < q.variants.size(); ++i) {
        sources += i == 0 || q.variants[i].doc != q.variants[i - 1].doc;
      }
      page_ << "<li><p class=\"speaker\">";
      if (q.speaker.empty()) {
        page_ << "<span class=\"muted\">Speaker not named</span>";
      } else {
        page_ << Text{q.speaker};
      }
      if (!q.attributions.empty()) {
        // The articles disagree on who spoke: every attribution is shown.
        page_ << " <span class=\"muted\">(attributed to ";
        for (size_t i = 0; i < q.attributions.size(); ++i) {
          if (i + 1 == q.attributions.size() && i > 0) {
            page_ << " and ";
          } else if (i > 0) {
            page_ << ", ";
          }
          page_ << Text{q.attributions[i]};
        }
        page_ << ")</span>";
      }
      page_ << " <span class=\"muted\">\xC2\xB7 " << q.variants.size()
            << plural(q.variants.size(), " variant", " variants") << " in " << sources
            << plural(sources, " article", " articles") << "</span></p>\n<ul class=\"variants\">\n";
      for (const QuoteVariant& v : q.variants) {
        if (v.doc >= r_.docs.size()) continue;
        page_ << "<li>";
        key(v.doc);
        page_ << " <q>" << Text{trim(texts_.span(v.doc, v.begin, v.end))} << "</q>";
        if (!v.speaker.empty() && v.speaker != q.speaker) {
          page_ << " <span class=\"muted\">(speaker named as " << Text{v.speaker} << ")</span>";
        }
        page_ << "</li>\n";
      }
      page_ << "</ul></li>\n";
      page_.flush_if_full();
    }
    page_ << "</ul>\n";
  }

  // The linked pairs of `links`, weakest reuse first (an edited rewrite says
  // more than an exact repost), at most `cap` of them.
  void pairs(std::vector<uint32_t> links, size_t cap) {
    if (links.empty()) {
      page_ << "<p class=\"note\">No linked pairs: the articles share no passages.</p>\n";
      return;
    }
    std::stable_sort(links.begin(), links.end(), [&](uint32_t x, uint32_t y) {
      const Link& a = r_.links[x];
      const Link& b = r_.links[y];
      if (a.relation != b.relation) return a.relation > b.relation;
      return a.overlap.shared > b.overlap.shared;
    });
    page_ << "<div class=\"pairs\">\n";
    const size_t shown = std::min(cap, links.size());
    for (size_t i = 0; i < shown; ++i) {
      pair(links[i]);
      page_.flush_if_full();
    }
    page_ << "</div>\n";
    if (shown < links.size()) {
      page_ << "<p class=\"note\">" << links.size() - shown
            << " more linked pairs are not shown here; the JSON Lines output of "
               "<code>kindred scan</code> lists them all.</p>\n";
    }
  }

  void pair(uint32_t li) {
    const Link& l = r_.links[li];
    const Overlap& o = l.overlap;
    // No passages at all means the scan did not align; an empty list, that it found none.
    const bool aligned = li < r_.passages.size();
    const size_t np = aligned ? r_.passages[li].size() : 0;
    const std::string a = short_name(l.a, "a"), b = short_name(l.b, "b");
    page_ << "<details class=\"pair\"><summary>";
    doc_label(l.a);
    page_ << " <span class=\"arrow\" aria-label=\"and\">\xE2\x86\x94</span> ";  // ↔
    doc_label(l.b);
    page_ << " <span class=\"rel rel-" << Text{relation_name(l.relation)} << "\">"
          << Text{relation_name(l.relation)} << "</span> <span class=\"muted\">Jaccard "
          << Fixed{o.jaccard()} << kDot << Text{a} << " in " << Text{b} << " "
          << Fixed{o.containment_a_in_b()} << kDot << Text{b} << " in " << Text{a} << " "
          << Fixed{o.containment_b_in_a()};
    if (aligned) page_ << kDot << np << plural(np, " passage", " passages");
    page_ << "</span></summary>\n";
    if (li < r_.provenance.size()) {
      const Provenance& p = r_.provenance[li];
      page_ << "<p class=\"prov\">";
      doc_ref(p.copy);
      page_ << " ";
      provenance_text(p);
      page_ << "</p>\n";
    }
    if (np == 0) {
      page_ << (aligned ? Markup("<p class=\"note\">The aligner found no passage long and close "
                                 "enough to show.</p>\n")
                        : Markup("<p class=\"note\">No passage alignment for this pair.</p>\n"))
            << "</details>\n";
      return;
    }
    const size_t shown = std::min(np, opt_.max_passages_per_pair);
    for (size_t i = 0; i < shown; ++i) passage(l, r_.passages[li][i], i);
    if (shown < np)
      page_ << "<p class=\"note\">" << np - shown << " more passages not shown.</p>\n";
    page_ << "</details>\n";
  }

  void passage(const Link& l, const Passage& p, size_t n) {
    const std::string_view ta = texts_.text(l.a);
    const std::string_view tb = variant_texts_.text(l.b);
    const bool valid = p.a_begin <= p.a_end && p.a_end <= ta.size() && p.b_begin <= p.b_end &&
                       p.b_end <= tb.size();
    page_ << "<div class=\"passage\" role=\"group\" aria-label=\"Passage " << n + 1 << "\">\n"
          << "<p class=\"pmeta\">Passage " << n + 1 << kDot << Text{passage_kind_name(p.kind)}
          << " (confidence " << Fixed{p.confidence} << ")" << kDot << "identity "
          << Fixed{p.identity()} << kDot << p.matched_words << " matched words" << kDot << "score "
          << Fixed{p.score, 1} << "</p>\n";
    if (!valid) {
      page_ << "<p class=\"note\">The passage's offsets lie outside the texts.</p>\n</div>\n";
      return;
    }
    std::vector<Word> wa = split_words(ta, p.a_begin, p.a_end);
    std::vector<Word> wb = split_words(tb, p.b_begin, p.b_end);
    diff_words(wa, wb);
    side(l.a, ta, p.a_begin, p.a_end, p.a_words, wa);
    side(l.b, tb, p.b_begin, p.b_end, p.b_words, wb);
    page_ << "</div>\n";
  }

  // One side of a passage: some context, the passage marked, the words the
  // other side lacks flagged inside it, the part past max_passage_bytes elided.
  void side(uint32_t d, std::string_view text, uint32_t begin, uint32_t end, uint32_t words,
            const std::vector<Word>& ws) {
    page_ << "<div class=\"side\"><p class=\"side-h\">";
    doc_ref(d);
    page_ << " <span class=\"muted\">bytes " << begin << kDash << end << kDot << words
          << " words</span></p>\n<p class=\"ptext\"><span class=\"ctx\">";
    // Context before: whole words only.
    size_t from = begin > kContextBytes ? begin - kContextBytes : 0;
    if (from > 0) {
      while (from < begin && !is_space(text[from])) ++from;
      page_ << kEllipsis;
    }
    page_ << Text{text.substr(from, begin - from)} << "</span><mark>";
    bool in_edit = false;
    uint32_t at = begin;
    size_t w = 0;
    for (; w < ws.size(); ++w) {
      const Word& word = ws[w];
      if (word.end - begin > opt_.max_passage_bytes && w > 0) break;
      if (in_edit && word.matched) {
        page_ << "</span>";
        in_edit = false;
      }
      page_ << Text{text.substr(at, word.begin - at)};
      if (!in_edit && !word.matched) {
        page_ << "<span class=\"ed\">";
        in_edit = true;
      }
      page_ << Text{text.substr(word.begin, word.end - word.begin)};
      at = word.end;
    }
    if (in_edit) page_ << "</span>";
    page_ << "</mark>";
    if (w < ws.size()) {
      page_ << " <span class=\"more\">" << kEllipsis << " " << ws.size() - w
            << " more words of the passage</span>";
    } else {
      // Context after: whole words only.
      size_t to = std::min(text.size(), size_t(end) + kContextBytes);
      if (to < text.size()) {
        while (to > end && !is_space(text[to])) --to;
      }
      page_ << "<span class=\"ctx\">" << Text{text.substr(end, to - end)};
      if (to < text.size()) page_ << kEllipsis;
      page_ << "</span>";
    }
    page_ << "</p></div>\n";
  }

  // Documents in no story, and the families and links outside stories.
  void outside() {
    std::vector<uint32_t> alone;
    for (uint32_t d = 0; d < r_.docs.size(); ++d) {
      if (!in_story(d)) alone.push_back(d);
    }
    page_ << "<section class=\"outside\" id=\"unstoried\" aria-labelledby=\"unstoried-h\">\n"
             "<h2 id=\"unstoried-h\">Documents in no story</h2>\n";
    if (alone.empty()) {
      page_ << "<p class=\"note\">Every document belongs to a story.</p>\n";
    } else {
      page_ << "<p class=\"facts\">" << alone.size()
            << plural(alone.size(), " document tells", " documents tell")
            << " a story no other document tells.</p>\n";
      articles_table(alone, false);
    }
    std::vector<uint32_t> families;
    for (const Family& f : r_.families) {
      if (!in_story(f.root)) families.push_back(f.id);
    }
    if (!families.empty()) {
      page_ << "<h3>Copy families outside stories</h3>\n<ul class=\"families\">\n";
      for (uint32_t id : families) family_item(id);
      page_ << "</ul>\n";
    }
    if (!ix_.outside_links.empty()) {
      page_ << "<h3>Linked pairs outside stories</h3>\n";
      pairs(ix_.outside_links, opt_.max_unstoried_pairs);
    }
    page_ << "</section>\n";
  }

  const Params& params_;
  const ScanResult& r_;
  const HtmlOptions& opt_;
  Page page_;
  Index ix_;
  // Texts read one at a time (report/texts.h): sentences, quotations and a
  // passage's first side; wordings and a passage's second side; headlines.
  TextReader texts_, variant_texts_, headline_texts_;
  std::string nonce_;
  std::vector<uint32_t> order_;    ///< story indices in page order
  std::vector<StoryFacts> facts_;  ///< per story index
};

}  // namespace

Status write_html_report(const Params& params, const ScanResult& result, const HtmlOptions& options,
                         const std::function<void(std::string_view)>& sink) {
  return ReportWriter(params, result, options, sink).write();
}

std::string html_report(const Params& params, const ScanResult& result,
                        const HtmlOptions& options) {
  std::string out;
  write_html_report(params, result, options, [&](std::string_view chunk) { out += chunk; });
  return out;
}

}  // namespace kindred::report
