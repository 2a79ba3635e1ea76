#include "ingest/html_extract.h"

#include <gumbo.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include "util/utf8.h"

namespace kindred::ingest {
namespace {

// ---------------------------------------------------------------- strings

constexpr size_t kMaxMetaBytes = 2048;  // longest title/date/url/site kept
constexpr uint32_t kMinParagraphChars = 25;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9');
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool starts_with_nocase(std::string_view s, size_t at, std::string_view prefix) {
  if (at > s.size() || s.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[at + i]) != lower(prefix[i])) return false;
  }
  return true;
}

size_t find_nocase(std::string_view s, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (starts_with_nocase(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

// Whitespace (ASCII, NBSP) at s[i]: its byte length, else 0. The ideographic
// space is kept: CJK headlines use it as punctuation.
size_t space_at(std::string_view s, size_t i) {
  const char c = s[i];
  if (is_space(c) || c == '\v') return 1;
  if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') return 2;  // U+00A0
  return 0;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Collapses whitespace runs to one space and trims; cuts at max_bytes on a
// character boundary.
std::string collapse(std::string_view s, size_t max_bytes = kMaxMetaBytes) {
  std::string out;
  bool pending = false;
  size_t i = 0;
  while (i < s.size() && out.size() < max_bytes) {
    if (const size_t n = space_at(s, i); n > 0) {
      pending = !out.empty();
      i += n;
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += s[i++];
  }
  if (out.size() >= max_bytes) {
    // Cut at max_bytes, moved back to the start of the character there. The
    // byte after the cut may be the next one of `s` not yet copied: stopping
    // at exactly max_bytes inside a character (a found fuzzing input) left
    // half a UTF-8 sequence.
    auto byte_at = [&](size_t k) { return k < out.size() ? out[k] : i < s.size() ? s[i] : ' '; };
    size_t cut = max_bytes;
    while (cut > 0 && is_continuation(byte_at(cut))) --cut;
    out.resize(cut);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += is_continuation(c) ? 0 : 1;
  return n;
}

// The few entities that turn up in JSON-LD strings written by HTML templates.
std::string decode_entities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kNamed{{
      {"amp", "&"},
      {"lt", "<"},
      {"gt", ">"},
      {"quot", "\""},
      {"apos", "'"},
      {"nbsp", " "},
      {"#39", "'"},
      {"rsquo", "\xE2\x80\x99"},
      {"lsquo", "\xE2\x80\x98"},
      {"ldquo", "\xE2\x80\x9C"},
      {"rdquo", "\xE2\x80\x9D"},
      {"mdash", "\xE2\x80\x94"},
      {"ndash", "\xE2\x80\x93"},
      {"hellip", "\xE2\x80\xA6"},
  }};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i++];
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    bool done = false;
    for (const auto& [entity, text] : kNamed) {
      if (name == entity) {
        out += text;
        done = true;
        break;
      }
    }
    if (!done && name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      char32_t cp = 0;
      bool ok = name.size() > (hex ? 2u : 1u);
      for (size_t k = hex ? 2 : 1; k < name.size() && ok; ++k) {
        const char c = lower(name[k]);
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        ok = digit >= 0 && cp < 0x110000;
        cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(digit);
      }
      if (ok && cp > 0 && cp < 0x110000 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
        util::append_utf8(out, cp);
        done = true;
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// ------------------------------------------------------- nesting guard

bool in_list(std::string_view name, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool is_void_tag(std::string_view n) {
  return in_list(n, {"area",   "base",     "br",      "col",   "embed",  "hr",      "img",
                     "input",  "link",     "meta",    "param", "source", "track",   "wbr",
                     "keygen", "basefont", "bgsound", "frame", "image",  "menuitem"});
}

// Elements that a sibling of their kind closes (and the document wrappers):
// they cannot nest deeply, so the guard does not count them.
bool is_self_limiting(std::string_view n) {
  return in_list(n, {"p",  "li",  "dt",       "dd",      "option", "optgroup", "tr",
                     "td", "th",  "tbody",    "thead",   "tfoot",  "rb",       "rt",
                     "rp", "rtc", "colgroup", "caption", "html",   "head",     "body"});
}

bool is_raw_text_tag(std::string_view n) {
  return in_list(n,
                 {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
}

struct TagToken {
  size_t begin = 0, end = 0;  // [begin, end) in the page
  std::string name;           // lowercased, at most 16 bytes
  bool closing = false;
  bool self_closing = false;
};

// Steps through the tags of a page as an HTML tokenizer would see them, well
// enough to estimate nesting: comments, doctypes and the contents of raw-text
// elements are skipped.
class TagScanner {
 public:
  explicit TagScanner(std::string_view s) : s_(s) {}

  bool next(TagToken* t) {
    while (pos_ < s_.size()) {
      const size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos || lt + 1 >= s_.size()) break;
      const char c = s_[lt + 1];
      if (c == '!' || c == '?') {
        const bool comment = starts_with_nocase(s_, lt, "<!--");
        const size_t close = comment ? s_.find("-->", lt + 4) : s_.find('>', lt + 2);
        pos_ = close == std::string_view::npos ? s_.size() : close + (comment ? 3 : 1);
        continue;
      }
      const bool closing = c == '/';
      const size_t name_begin = lt + (closing ? 2 : 1);
      if (name_begin >= s_.size() || !is_alpha(s_[name_begin])) {
        pos_ = lt + 1;
        continue;
      }
      size_t i = name_begin;
      while (i < s_.size() && !is_space(s_[i]) && s_[i] != '>' && s_[i] != '/') ++i;
      t->name = lowered(s_.substr(name_begin, std::min<size_t>(i - name_begin, 16)));
      // Attributes: up to the first '>' outside quotes.
      char quote = 0;
      bool self_closing = false;
      for (; i < s_.size(); ++i) {
        const char ch = s_[i];
        if (quote != 0) {
          if (ch == quote) quote = 0;
          continue;
        }
        if (ch == '>') break;
        if ((ch == '"' || ch == '\'') && i > 0 && (s_[i - 1] == '=' || is_space(s_[i - 1]))) {
          quote = ch;
        }
        self_closing = ch == '/';
      }
      t->begin = lt;
      t->end = std::min(i + 1, s_.size());
      t->closing = closing;
      t->self_closing = self_closing;
      pos_ = t->end;
      if (!closing && is_raw_text_tag(t->name)) {
        const std::string end_tag = "</" + t->name;
        const size_t close = find_nocase(s_, end_tag, pos_);
        pos_ = close == std::string_view::npos ? s_.size() : close;
      } else if (!closing && t->name == "plaintext") {
        pos_ = s_.size();
      }
      return true;
    }
    pos_ = s_.size();
    return false;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool counts_for_depth(const TagToken& t) {
  return !t.self_closing && !is_void_tag(t.name) && !is_self_limiting(t.name);
}

// The page with start and end tags nested deeper than `max_depth` removed (their
// text stays), or nullopt when no element is nested that deep. Depth is an
// upper bound of what a parser builds: implied end tags are ignored.
std::optional<std::string> flatten_deep_nesting(std::string_view html, uint32_t max_depth,
                                                uint64_t* dropped) {
  TagScanner probe(html);
  TagToken t;
  uint64_t depth = 0;
  bool too_deep = false;
  while (!too_deep && probe.next(&t)) {
    if (!counts_for_depth(t)) continue;
    if (t.closing) {
      depth -= depth > 0 ? 1 : 0;
    } else {
      too_deep = ++depth > max_depth;
    }
  }
  if (!too_deep) return std::nullopt;

  std::string out;
  out.reserve(html.size());
  std::vector<bool> kept;  // one per open counted element: was its start tag kept?
  uint64_t kept_depth = 0;
  size_t copied = 0;
  TagScanner scanner(html);
  while (scanner.next(&t)) {
    if (!counts_for_depth(t)) continue;
    bool keep = true;
    if (t.closing) {
      if (!kept.empty()) {
        keep = kept.back();
        kept.pop_back();
        if (keep) --kept_depth;
      }
    } else {
      keep = kept_depth < max_depth;
      kept.push_back(keep);
      if (keep) ++kept_depth;
    }
    if (!keep) {
      out.append(html, copied, t.begin - copied);
      copied = t.end;
      ++*dropped;
    }
  }
  out.append(html, copied, html.size() - copied);
  return out;
}

// ------------------------------------------------------ gumbo, on a budget

// Every gumbo allocation is linked here, so a parse that runs out of budget
// can be abandoned (longjmp out of the allocator) and its memory freed without
// gumbo's help; a finished tree is freed the same way, without recursion.
class ParseArena {
 public:
  explicit ParseArena(uint64_t limit) : limit_(limit) { head_.prev = head_.next = &head_; }
  ~ParseArena() {
    Header* h = head_.next;
    while (h != &head_) {
      Header* next = h->next;
      std::free(h);
      h = next;
    }
  }
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;

  static void* allocate(void* userdata, size_t size) {
    auto* arena = static_cast<ParseArena*>(userdata);
    void* raw = nullptr;
    if (arena->live_ + size <= arena->limit_) raw = std::malloc(sizeof(Header) + size);
    if (raw == nullptr) {
      arena->exceeded_ = true;
      std::longjmp(*arena->escape_, 1);
    }
    auto* h = static_cast<Header*>(raw);
    h->size = size;
    h->next = arena->head_.next;
    h->prev = &arena->head_;
    h->next->prev = h;
    arena->head_.next = h;
    arena->live_ += size;
    return h + 1;
  }

  static void deallocate(void* userdata, void* ptr) {
    if (ptr == nullptr) return;
    auto* arena = static_cast<ParseArena*>(userdata);
    Header* h = static_cast<Header*>(ptr) - 1;
    h->prev->next = h->next;
    h->next->prev = h->prev;
    arena->live_ -= h->size;
    std::free(h);
  }

  void set_escape(std::jmp_buf* escape) { escape_ = escape; }
  bool exceeded() const { return exceeded_; }

 private:
  struct alignas(16) Header {
    Header* prev;
    Header* next;
    size_t size;
  };
  Header head_{};
  uint64_t limit_;
  uint64_t live_ = 0;
  bool exceeded_ = false;
  std::jmp_buf* escape_ = nullptr;
};

// Holds no object with a destructor: the allocator may longjmp back into it.
// PERF: gumbo's parse and its allocations are most of the extraction time
// (12.7 MB/s of HTML for the whole of extract_article on tests/data/html).
GumboOutput* parse_in_arena(const char* data, size_t size, ParseArena* arena) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &ParseArena::allocate;
  options.deallocator = &ParseArena::deallocate;
  options.userdata = arena;
  options.max_errors = 0;  // each recorded error copies the open-element stack
  std::jmp_buf escape;
  arena->set_escape(&escape);
  if (setjmp(escape) != 0) return nullptr;
  return gumbo_parse_with_options(&options, data, size);
}

// ----------------------------------------------------------- element hints

std::string_view attribute(const GumboNode* node, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a == nullptr || a->value == nullptr ? std::string_view() : std::string_view(a->value);
}

bool has_attribute(const GumboNode* node, const char* name) {
  return gumbo_get_attribute(&node->v.element.attributes, name) != nullptr;
}

// Lowercase name of an element, known or not.
std::string tag_name(const GumboNode* node) {
  const GumboElement& el = node->v.element;
  if (el.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(el.tag);
  GumboStringPiece piece = el.original_tag;
  if (piece.data == nullptr || piece.length == 0) return {};
  gumbo_tag_from_original_text(&piece);
  return lowered(std::string_view(piece.data, std::min<size_t>(piece.length, 64)));
}

// CSS framework utility classes (Bootstrap, Tailwind, BEM modifiers) say
// nothing about content: "card-body" and "text-muted" are not article text,
// "has-sidebar" is not a sidebar.
bool is_utility_class(std::string_view c) {
  static constexpr std::array<std::string_view, 34> kPrefixes{
      "text-", "card-", "modal-", "panel-", "col-",   "bg-",      "d-",    "p-",    "m-",
      "pt-",   "pb-",   "pl-",    "pr-",    "px-",    "py-",      "mt-",   "mb-",   "ml-",
      "mr-",   "mx-",   "my-",    "font-",  "align-", "justify-", "flex-", "grid-", "w-",
      "h-",    "btn-",  "is-",    "has-",   "sm:",    "md:",      "lg:"};
  for (std::string_view p : kPrefixes) {
    if (c.starts_with(p)) return true;
  }
  return in_list(c, {"container", "row", "small", "clearfix", "card", "text", "body"});
}

std::vector<std::string> hint_tokens(const GumboNode* node) {
  std::vector<std::string> tokens;
  for (const char* name : {"class", "id"}) {
    const std::string value = lowered(attribute(node, name).substr(0, 512));
    size_t i = 0;
    while (i < value.size()) {
      while (i < value.size() && is_space(value[i])) ++i;
      const size_t class_begin = i;
      while (i < value.size() && !is_space(value[i])) ++i;
      const std::string_view one = std::string_view(value).substr(class_begin, i - class_begin);
      if (one.empty() || is_utility_class(one)) continue;
      size_t k = 0;
      while (k < one.size()) {
        while (k < one.size() && !is_alnum(one[k])) ++k;
        const size_t begin = k;
        while (k < one.size() && is_alnum(one[k])) ++k;
        if (k > begin) tokens.emplace_back(one.substr(begin, k - begin));
      }
    }
  }
  return tokens;
}

// Names that mark boilerplate whatever else the element is called.
constexpr std::array<std::string_view, 40> kStrongNegativePrefixes{
    "comment", "disqus",     "cookie",   "consent",   "gdpr",       "newsletter", "subscribe",
    "signup",  "related",    "outbrain", "taboola",   "promo",      "sponsor",    "advert",
    "social",  "share",      "sharing",  "recommend", "trending",   "mostread",   "mostpopular",
    "popular", "breadcrumb", "modal",    "popup",     "onetrust",   "didomi",     "byline",
    "author",  "caption",    "credit",   "toolbar",   "pagination", "pager",      "readmore",
    "replies", "respond",    "skiplink", "sronly",    "teaser"};
constexpr std::array<std::string_view, 15> kStrongNegativeTokens{
    "ad",     "ads",  "adv",      "adslot",    "adunit",   "tags",   "meta",   "sr",
    "donate", "date", "dateline", "timestamp", "datetime", "posted", "pubdate"};
// Names that mark boilerplate unless the element also has a positive name.
constexpr std::array<std::string_view, 14> kWeakNegativePrefixes{
    "sidebar",  "nav",  "menu",  "footer", "header", "widget", "banner",
    "masthead", "rail", "extra", "aside",  "hidden", "print",  "sticky"};
constexpr std::array<std::string_view, 12> kPositivePrefixes{
    "article", "body", "content", "entry", "main",   "post",
    "story",   "text", "blog",    "prose", "hentry", "articlebody"};
// Words that begin like a negative name but are not one.
constexpr std::array<std::string_view, 4> kNotNegative{"commentary", "subscriber", "shared",
                                                       "authored"};

bool matches_prefix(const std::vector<std::string>& tokens, const auto& prefixes) {
  for (const std::string& t : tokens) {
    if (std::any_of(kNotNegative.begin(), kNotNegative.end(),
                    [&](std::string_view w) { return t.starts_with(w); })) {
      continue;
    }
    for (std::string_view p : prefixes) {
      if (t.starts_with(p)) return true;
    }
  }
  return false;
}

bool matches_token(const std::vector<std::string>& tokens, const auto& words) {
  for (const std::string& t : tokens) {
    for (std::string_view w : words) {
      if (t == w) return true;
    }
  }
  return false;
}

struct Hints {
  bool strong_negative = false;
  bool weak_negative = false;
  bool positive = false;
};

Hints hints_of(const GumboNode* node) {
  const std::vector<std::string> tokens = hint_tokens(node);
  Hints h;
  h.strong_negative = matches_prefix(tokens, kStrongNegativePrefixes) ||
                      matches_token(tokens, kStrongNegativeTokens);
  h.weak_negative = matches_prefix(tokens, kWeakNegativePrefixes);
  h.positive = matches_prefix(tokens, kPositivePrefixes);
  return h;
}

bool is_hidden(const GumboNode* node) {
  if (has_attribute(node, "hidden")) return true;
  if (equals_nocase(attribute(node, "aria-hidden"), "true")) return true;
  std::string style;
  for (char c : attribute(node, "style").substr(0, 512)) {
    if (!is_space(c)) style += lower(c);
  }
  return style.find("display:none") != std::string::npos ||
         style.find("visibility:hidden") != std::string::npos;
}

bool is_excluded_role(std::string_view role) {
  const std::string r = lowered(role);
  return in_list(r, {"navigation", "banner", "contentinfo", "complementary", "dialog",
                     "alertdialog", "search", "menu", "menubar", "toolbar", "tablist", "alert"});
}

// A set of gumbo tags as a lookup table, built at compile time.
constexpr std::array<bool, GUMBO_TAG_LAST + 1> tag_set(std::initializer_list<GumboTag> tags) {
  std::array<bool, GUMBO_TAG_LAST + 1> set{};
  for (GumboTag t : tags) set[t] = true;
  return set;
}

constexpr auto kExcludedTags =
    tag_set({GUMBO_TAG_HEAD,     GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,      GUMBO_TAG_NOSCRIPT,
             GUMBO_TAG_TEMPLATE, GUMBO_TAG_IFRAME,   GUMBO_TAG_OBJECT,     GUMBO_TAG_EMBED,
             GUMBO_TAG_APPLET,   GUMBO_TAG_SVG,      GUMBO_TAG_MATH,       GUMBO_TAG_CANVAS,
             GUMBO_TAG_VIDEO,    GUMBO_TAG_AUDIO,    GUMBO_TAG_IMG,        GUMBO_TAG_BUTTON,
             GUMBO_TAG_INPUT,    GUMBO_TAG_SELECT,   GUMBO_TAG_TEXTAREA,   GUMBO_TAG_OPTION,
             GUMBO_TAG_LABEL,    GUMBO_TAG_NAV,      GUMBO_TAG_ASIDE,      GUMBO_TAG_FOOTER,
             GUMBO_TAG_HEADER,   GUMBO_TAG_FIGURE,   GUMBO_TAG_FIGCAPTION, GUMBO_TAG_MENU,
             GUMBO_TAG_MAP,      GUMBO_TAG_FRAMESET, GUMBO_TAG_NOFRAMES,   GUMBO_TAG_DATALIST,
             GUMBO_TAG_OUTPUT,   GUMBO_TAG_PROGRESS, GUMBO_TAG_METER,      GUMBO_TAG_TITLE,
             GUMBO_TAG_NOEMBED});
bool is_excluded_tag(GumboTag tag) {
  return kExcludedTags[tag];
}

// AMP components that never hold article text.
bool is_excluded_custom(std::string_view name) {
  return name.starts_with("amp-") &&
         !in_list(name, {"amp-fit-text", "amp-accordion", "amp-selector", "amp-story"});
}

constexpr auto kBlockTags =
    tag_set({GUMBO_TAG_ADDRESS,  GUMBO_TAG_ARTICLE,    GUMBO_TAG_ASIDE,   GUMBO_TAG_BLOCKQUOTE,
             GUMBO_TAG_BODY,     GUMBO_TAG_CENTER,     GUMBO_TAG_DD,      GUMBO_TAG_DETAILS,
             GUMBO_TAG_DIR,      GUMBO_TAG_DIV,        GUMBO_TAG_DL,      GUMBO_TAG_DT,
             GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,  GUMBO_TAG_FOOTER,
             GUMBO_TAG_FORM,     GUMBO_TAG_H1,         GUMBO_TAG_H2,      GUMBO_TAG_H3,
             GUMBO_TAG_H4,       GUMBO_TAG_H5,         GUMBO_TAG_H6,      GUMBO_TAG_HEADER,
             GUMBO_TAG_HGROUP,   GUMBO_TAG_HR,         GUMBO_TAG_HTML,    GUMBO_TAG_LI,
             GUMBO_TAG_MAIN,     GUMBO_TAG_MENU,       GUMBO_TAG_NAV,     GUMBO_TAG_OL,
             GUMBO_TAG_P,        GUMBO_TAG_PRE,        GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY,
             GUMBO_TAG_TABLE,    GUMBO_TAG_TBODY,      GUMBO_TAG_TD,      GUMBO_TAG_TFOOT,
             GUMBO_TAG_TH,       GUMBO_TAG_THEAD,      GUMBO_TAG_TR,      GUMBO_TAG_UL,
             GUMBO_TAG_CAPTION,  GUMBO_TAG_LEGEND,     GUMBO_TAG_LISTING, GUMBO_TAG_XMP});
bool is_block_tag(GumboTag tag) {
  return kBlockTags[tag];
}

// Paragraph-like elements credit their parent; other blocks with text of
// their own (a div of <br>-separated lines, a layout cell) are containers.
constexpr auto kParagraphTags =
    tag_set({GUMBO_TAG_P, GUMBO_TAG_PRE, GUMBO_TAG_LI, GUMBO_TAG_DD, GUMBO_TAG_DT, GUMBO_TAG_H1,
             GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_TH,
             GUMBO_TAG_CAPTION, GUMBO_TAG_SUMMARY, GUMBO_TAG_ADDRESS, GUMBO_TAG_BLOCKQUOTE,
             GUMBO_TAG_LEGEND});
bool is_paragraph_tag(GumboTag tag) {
  return kParagraphTags[tag];
}

double tag_bias(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ARTICLE:
      return 10;
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_MAIN:
      return 5;
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_BLOCKQUOTE:
      return 3;
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_FORM:
      return -3;
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_TH:
      return -5;
    default:
      return 0;
  }
}

bool is_article_body(const GumboNode* node) {
  return lowered(attribute(node, "itemprop")).find("articlebody") != std::string::npos;
}

// Text of a subtree (for <title>, <h1>, <time>), iteratively, up to max_bytes.
std::string inner_text(const GumboNode* root, size_t max_bytes = kMaxMetaBytes) {
  std::string out;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty() && out.size() < max_bytes * 2) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      out += n->v.text.text;
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) continue;
    if (n->v.element.tag == GUMBO_TAG_SCRIPT || n->v.element.tag == GUMBO_TAG_STYLE) continue;
    if (n->v.element.tag == GUMBO_TAG_BR) out += ' ';
    const GumboVector& kids = n->v.element.children;
    for (size_t i = kids.length; i > 0; --i)
      stack.push_back(static_cast<GumboNode*>(kids.data[i - 1]));
  }
  return collapse(out, max_bytes);
}

// ----------------------------------------------------------------- JSON-LD

struct JsonLd {
  std::string headline, date, body, url, publisher, website;
};

bool is_article_type(std::string_view t) {
  return in_list(
      t, {"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
          "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "LiveBlogPosting",
          "SatiricalArticle", "Report", "TechArticle", "ScholarlyArticle", "SocialMediaPosting",
          "DiscussionForumPosting", "AskPublicModerationNewsArticle"});
}

std::string string_field(simdjson::dom::object obj, std::string_view key) {
  std::string_view sv;
  if (obj.at_key(key).get_string().get(sv) == simdjson::SUCCESS) return decode_entities(sv);
  return {};
}

// "name" of an object field, or the field itself when it is a string; the
// first such of an array.
std::string name_of(simdjson::dom::object obj, std::string_view key, std::string_view name_key) {
  simdjson::dom::element el;
  if (obj.at_key(key).get(el) != simdjson::SUCCESS) return {};
  simdjson::dom::array arr;
  if (el.get_array().get(arr) == simdjson::SUCCESS) {
    if (arr.size() == 0) return {};
    el = arr.at(0).value_unsafe();
  }
  std::string_view sv;
  if (el.get_string().get(sv) == simdjson::SUCCESS) return decode_entities(sv);
  simdjson::dom::object inner;
  if (el.get_object().get(inner) == simdjson::SUCCESS) return string_field(inner, name_key);
  return {};
}

void read_json_ld(std::string_view script, simdjson::dom::parser& parser, JsonLd* out) {
  std::string_view s = script;
  // Some templates wrap the block in an HTML comment or CDATA section.
  for (std::string_view open : {"<!--", "//<![CDATA[", "<![CDATA["}) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && s.substr(first).starts_with(open)) {
      s.remove_prefix(first + open.size());
    }
  }
  for (std::string_view close : {"-->", "//]]>", "]]>"}) {
    const size_t last = s.find_last_not_of(" \t\r\n");
    if (last != std::string_view::npos && s.substr(0, last + 1).ends_with(close)) {
      s = s.substr(0, last + 1 - close.size());
    }
  }
  simdjson::padded_string padded(s);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return;
  std::vector<simdjson::dom::element> stack{root};
  size_t visited = 0;
  while (!stack.empty() && ++visited < 20'000) {
    simdjson::dom::element el = stack.back();
    stack.pop_back();
    simdjson::dom::array arr;
    if (el.get_array().get(arr) == simdjson::SUCCESS) {
      std::vector<simdjson::dom::element> items;
      for (simdjson::dom::element item : arr) items.push_back(item);
      for (size_t i = items.size(); i > 0; --i) stack.push_back(items[i - 1]);
      continue;
    }
    simdjson::dom::object obj;
    if (el.get_object().get(obj) != simdjson::SUCCESS) continue;
    bool article = false, website = false;
    simdjson::dom::element type;
    if (obj.at_key("@type").get(type) == simdjson::SUCCESS) {
      std::string_view sv;
      simdjson::dom::array types;
      if (type.get_string().get(sv) == simdjson::SUCCESS) {
        article = is_article_type(sv);
        website = sv == "WebSite";
      } else if (type.get_array().get(types) == simdjson::SUCCESS) {
        for (simdjson::dom::element t : types) {
          if (t.get_string().get(sv) == simdjson::SUCCESS) {
            article = article || is_article_type(sv);
            website = website || sv == "WebSite";
          }
        }
      }
    }
    if (website && out->website.empty()) out->website = string_field(obj, "name");
    if (article) {
      if (out->headline.empty()) out->headline = string_field(obj, "headline");
      if (out->headline.empty()) out->headline = string_field(obj, "name");
      if (out->date.empty()) out->date = string_field(obj, "datePublished");
      if (out->date.empty()) out->date = string_field(obj, "dateCreated");
      if (out->body.empty()) out->body = string_field(obj, "articleBody");
      if (out->body.empty()) out->body = string_field(obj, "text");
      if (out->url.empty()) out->url = string_field(obj, "url");
      if (out->url.empty()) out->url = name_of(obj, "mainEntityOfPage", "@id");
      if (out->publisher.empty()) out->publisher = name_of(obj, "publisher", "name");
    }
    std::vector<simdjson::dom::element> children;
    for (auto field : obj) {
      if (field.value.is_object() || field.value.is_array()) children.push_back(field.value);
    }
    for (size_t i = children.size(); i > 0; --i) stack.push_back(children[i - 1]);
  }
}

// -------------------------------------------------------------- URLs, titles

std::string resolve_url(std::string_view href, std::string_view base) {
  std::string h = collapse(href);
  if (h.empty() || base.empty()) return h;
  const size_t colon = h.find(':');
  if (colon != std::string::npos && colon > 0 &&
      std::all_of(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(colon),
                  [](char c) { return is_alnum(c) || c == '+' || c == '-' || c == '.'; })) {
    return h;  // absolute
  }
  const size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return h;
  if (h.starts_with("//")) return std::string(base.substr(0, scheme_end + 1)) + h;
  const size_t host_end = base.find_first_of("/?#", scheme_end + 3);
  const std::string_view origin = base.substr(0, host_end);
  if (h.starts_with('/')) return std::string(origin) + h;
  std::string_view path = host_end == std::string_view::npos ? "/" : base.substr(host_end);
  path = path.substr(0, path.find_first_of("?#"));
  path = path.substr(0, path.rfind('/') + 1);
  return std::string(origin) + std::string(path.empty() ? "/" : path) + h;
}

std::string host_of(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  rest = rest.substr(0, rest.find(':'));
  std::string host = lowered(rest);
  if (host.starts_with("www.")) host.erase(0, 4);
  return host;
}

constexpr std::array<std::string_view, 8> kTitleSeparators{
    " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ", " \xC2\xB7 ", " \xC2\xBB ", " / "};

bool same_name(std::string_view a, std::string_view b) {
  return !a.empty() && !b.empty() && equals_nocase(collapse(a), collapse(b));
}

size_t word_count(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = is_space(c);
    n += !space && !in_word;
    in_word = !space;
  }
  return n;
}

// "Headline | Site" or "Site | Headline" without the site. With `guess_site`
// (a <title>, which names the site nearly always) and no site name known, a
// short part after the last " | ", or a short part on either side of a dash
// with a part at least two words longer opposite, is taken for the site and
// reported in *guessed_site.
std::string strip_site(const std::string& title, std::string_view site, bool guess_site,
                       std::string* guessed_site) {
  const std::string_view t = title;
  for (std::string_view sep : kTitleSeparators) {
    const size_t last = t.rfind(sep);
    if (last != std::string::npos && last > 0 && same_name(t.substr(last + sep.size()), site)) {
      return collapse(t.substr(0, last));
    }
    const size_t first = t.find(sep);
    if (first != std::string::npos && same_name(t.substr(0, first), site)) {
      return collapse(t.substr(first + sep.size()));
    }
  }
  if (!guess_site || !site.empty()) return title;
  auto split = [&](size_t at, size_t sep_size, bool site_first) {
    const std::string head = collapse(t.substr(0, at));
    const std::string tail = collapse(t.substr(at + sep_size));
    const std::string& name = site_first ? head : tail;
    const std::string& rest = site_first ? tail : head;
    if (name.empty() || rest.empty() || word_count(name) > 5) return std::string();
    if (guessed_site != nullptr) *guessed_site = name;
    return rest;
  };
  if (const size_t bar = t.rfind(" | "); bar != std::string::npos) {
    if (std::string rest = split(bar, 3, false); !rest.empty()) return rest;
  }
  for (std::string_view dash : {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "}) {
    const size_t last = t.rfind(dash);
    if (last == std::string::npos) continue;
    const size_t first = t.find(dash);
    const size_t head_words = word_count(t.substr(0, first));
    const size_t tail_words = word_count(t.substr(last + dash.size()));
    if (tail_words + 2 <= word_count(t.substr(0, last))) {
      if (std::string rest = split(last, dash.size(), false); !rest.empty()) return rest;
    }
    if (head_words + 2 <= word_count(t.substr(first + dash.size()))) {
      if (std::string rest = split(first, dash.size(), true); !rest.empty()) return rest;
    }
  }
  return title;
}

// ------------------------------------------------------------- the walk

struct Node {
  const GumboNode* g = nullptr;
  int32_t parent = -1;
  uint32_t end = 0;  // one past the last descendant, in pre-order
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  bool element = false;
  bool in_link = false;
  bool in_pre = false;
  uint64_t text_len = 0;  // code points of text in the subtree (after the walk)
  uint64_t link_len = 0;  // of which inside links
  double score = 0;
  bool candidate = false;
};

struct Run {
  std::string text;
  uint64_t len = 0;       // code points
  uint64_t link_len = 0;  // code points inside links
  uint32_t commas = 0;
  int32_t block = -1;  // innermost block element holding it
  uint32_t first_node = 0;
};

struct Metadata {
  std::vector<std::pair<std::string, std::string>> meta;  // lowercased key, content
  std::string title_tag, first_h1, canonical, base_href, item_date, time_pubdate, article_time;
  std::vector<std::string> json_ld;

  std::string get(std::string_view key) const {
    for (const auto& [k, v] : meta) {
      if (k == key && !v.empty()) return v;
    }
    return {};
  }
};

class Extractor {
 public:
  explicit Extractor(const GumboNode* root) { walk(root); }

  const Metadata& metadata() const { return meta_; }
  std::string body(std::string_view title);

 private:
  // Both runs fill cells (td/th) of the same table row.
  bool same_row(const Run& a, const Run& b) const {
    auto row_of = [&](const Run& r) -> int32_t {
      if (r.block < 0) return -1;
      const Node& cell = nodes_[static_cast<size_t>(r.block)];
      if (cell.tag != GUMBO_TAG_TD && cell.tag != GUMBO_TAG_TH) return -1;
      return cell.parent >= 0 && nodes_[static_cast<size_t>(cell.parent)].tag == GUMBO_TAG_TR
                 ? cell.parent
                 : -1;
    };
    const int32_t row = row_of(a);
    return row >= 0 && row == row_of(b) && a.block != b.block;
  }

  void walk(const GumboNode* root);
  void visit_metadata(const GumboNode* g, bool excluded, bool in_article, bool in_negative);
  void build_runs();
  void flush(Run& run, const std::vector<int32_t>& blocks);
  void credit(int32_t node, double amount);
  bool excluded(const GumboNode* g, Hints* hints) const;

  std::vector<Node> nodes_;
  std::vector<Run> runs_;
  Metadata meta_;
};

bool Extractor::excluded(const GumboNode* g, Hints* hints) const {
  const GumboElement& el = g->v.element;
  *hints = {};
  if (g->type == GUMBO_NODE_TEMPLATE || is_excluded_tag(el.tag)) return true;
  if (el.tag_namespace != GUMBO_NAMESPACE_HTML) return true;
  if (el.tag == GUMBO_TAG_UNKNOWN && is_excluded_custom(tag_name(g))) return true;
  if (el.tag == GUMBO_TAG_BODY || el.tag == GUMBO_TAG_HTML) return false;
  if (is_hidden(g) || is_excluded_role(attribute(g, "role"))) return true;
  *hints = hints_of(g);
  if (is_article_body(g)) return false;
  return hints->strong_negative || (hints->weak_negative && !hints->positive);
}

void Extractor::visit_metadata(const GumboNode* g, bool excluded_node, bool in_article,
                               bool in_negative) {
  const GumboElement& el = g->v.element;
  switch (el.tag) {
    case GUMBO_TAG_TITLE:
      if (meta_.title_tag.empty() && el.tag_namespace == GUMBO_NAMESPACE_HTML) {
        meta_.title_tag = inner_text(g);
      }
      break;
    case GUMBO_TAG_META: {
      const std::string_view content = attribute(g, "content");
      for (const char* key : {"property", "name", "itemprop"}) {
        const std::string_view k = attribute(g, key);
        if (!k.empty()) meta_.meta.emplace_back(lowered(k.substr(0, 128)), collapse(content));
      }
      break;
    }
    case GUMBO_TAG_LINK: {
      const std::string rel = lowered(attribute(g, "rel"));
      if (meta_.canonical.empty() && rel.find("canonical") != std::string::npos) {
        meta_.canonical = collapse(attribute(g, "href"));
      }
      break;
    }
    case GUMBO_TAG_BASE:
      if (meta_.base_href.empty()) meta_.base_href = collapse(attribute(g, "href"));
      break;
    case GUMBO_TAG_SCRIPT:
      if (lowered(collapse(attribute(g, "type"))) == "application/ld+json" &&
          meta_.json_ld.size() < 32) {
        std::string text;
        for (size_t i = 0; i < el.children.length; ++i) {
          const auto* kid = static_cast<const GumboNode*>(el.children.data[i]);
          if (kid->type == GUMBO_NODE_TEXT || kid->type == GUMBO_NODE_WHITESPACE ||
              kid->type == GUMBO_NODE_CDATA) {
            text += kid->v.text.text;
          }
        }
        meta_.json_ld.push_back(std::move(text));
      }
      break;
    case GUMBO_TAG_H1:
      if (meta_.first_h1.empty() && !in_negative) meta_.first_h1 = inner_text(g);
      break;
    case GUMBO_TAG_TIME: {
      const std::string datetime = collapse(attribute(g, "datetime"));
      if (in_negative || excluded_node) break;
      if (meta_.time_pubdate.empty() && has_attribute(g, "pubdate")) {
        meta_.time_pubdate = datetime.empty() ? inner_text(g) : datetime;
      }
      if (meta_.article_time.empty() && in_article && !datetime.empty()) {
        meta_.article_time = datetime;
      }
      break;
    }
    default:
      break;
  }
  if (meta_.item_date.empty() && !in_negative &&
      lowered(attribute(g, "itemprop")) == "datepublished") {
    std::string v = collapse(attribute(g, "content"));
    if (v.empty()) v = collapse(attribute(g, "datetime"));
    if (v.empty()) v = inner_text(g);
    meta_.item_date = v;
  }
}

void Extractor::walk(const GumboNode* root) {
  struct Frame {
    const GumboNode* g;
    int32_t parent;  // index in nodes_ of the nearest kept ancestor; -1 above <body>
    bool excluded;   // inside something set aside
    bool in_link;
    bool in_pre;
    bool in_article;   // inside <article>, <main> or itemprop=articleBody
    bool in_negative;  // inside an element with a strongly negative name
    bool in_body;
    int32_t exit_of;  // >= 0: this frame closes nodes_[exit_of]
  };
  std::vector<Frame> stack;
  stack.push_back({root, -1, false, false, false, false, false, false, -1});
  while (!stack.empty()) {
    const Frame f = stack.back();
    stack.pop_back();
    if (f.exit_of >= 0) {
      nodes_[static_cast<size_t>(f.exit_of)].end = static_cast<uint32_t>(nodes_.size());
      continue;
    }
    const GumboNode* g = f.g;
    if (g->type == GUMBO_NODE_TEXT || g->type == GUMBO_NODE_WHITESPACE ||
        g->type == GUMBO_NODE_CDATA) {
      if (f.excluded || !f.in_body) continue;
      Node n;
      n.g = g;
      n.parent = f.parent;
      n.in_link = f.in_link;
      n.in_pre = f.in_pre;
      n.end = static_cast<uint32_t>(nodes_.size() + 1);
      nodes_.push_back(n);
      continue;
    }
    const GumboVector* kids = nullptr;
    Frame child = f;
    child.exit_of = -1;
    if (g->type == GUMBO_NODE_DOCUMENT) {
      kids = &g->v.document.children;
    } else if (g->type == GUMBO_NODE_ELEMENT || g->type == GUMBO_NODE_TEMPLATE) {
      const GumboElement& el = g->v.element;
      Hints hints;
      const bool out = f.excluded || excluded(g, &hints);
      child.in_negative = f.in_negative || hints.strong_negative;
      child.in_article = f.in_article || el.tag == GUMBO_TAG_ARTICLE || el.tag == GUMBO_TAG_MAIN ||
                         is_article_body(g);
      visit_metadata(g, out, child.in_article, child.in_negative);
      child.in_body = f.in_body || el.tag == GUMBO_TAG_BODY;
      child.excluded = out;
      child.in_link = f.in_link || el.tag == GUMBO_TAG_A;
      child.in_pre = f.in_pre || el.tag == GUMBO_TAG_PRE;
      if (!out && child.in_body) {
        Node n;
        n.g = g;
        n.parent = f.parent;
        n.tag = el.tag;
        n.element = true;
        n.in_link = child.in_link;
        n.in_pre = child.in_pre;
        child.parent = static_cast<int32_t>(nodes_.size());
        nodes_.push_back(n);
        stack.push_back({g, -1, false, false, false, false, false, false, child.parent});
      }
      kids = &el.children;
    }
    if (kids == nullptr) continue;
    for (size_t i = kids->length; i > 0; --i) {
      child.g = static_cast<const GumboNode*>(kids->data[i - 1]);
      stack.push_back(child);
    }
  }
  build_runs();
}

void Extractor::flush(Run& run, const std::vector<int32_t>& blocks) {
  while (!run.text.empty() && (run.text.back() == ' ' || run.text.back() == '\n')) {
    run.text.pop_back();
  }
  if (!run.text.empty()) {
    run.block = blocks.empty() ? -1 : blocks.back();
    runs_.push_back(std::move(run));
  }
  run = Run{};
}

void Extractor::build_runs() {
  std::vector<int32_t> blocks;  // open block elements, innermost last
  Run run;
  bool pending_space = false;
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    while (!blocks.empty() && nodes_[static_cast<size_t>(blocks.back())].end <= i) {
      flush(run, blocks);
      blocks.pop_back();
      pending_space = false;
    }
    Node& n = nodes_[i];
    if (n.element) {
      if (is_block_tag(n.tag)) {
        flush(run, blocks);
        blocks.push_back(static_cast<int32_t>(i));
        pending_space = false;
      } else if (n.tag == GUMBO_TAG_BR && !run.text.empty()) {
        while (!run.text.empty() && run.text.back() == ' ') run.text.pop_back();
        run.text += '\n';
        pending_space = false;
      }
      continue;
    }
    const std::string_view text = n.g->v.text.text;
    if (run.text.empty()) run.first_node = i;
    uint64_t added = 0;
    for (size_t k = 0; k < text.size();) {
      if (const size_t sp = space_at(text, k); sp > 0) {
        if (n.in_pre && text[k] == '\n' && !run.text.empty()) {
          run.text += '\n';
          pending_space = false;
        } else if (!run.text.empty() && run.text.back() != '\n') {
          pending_space = true;
        }
        k += sp;
        continue;
      }
      if (pending_space) {
        run.text += ' ';
        ++added;
        pending_space = false;
      }
      const char c = text[k];
      if (c == ',') ++run.commas;
      if (!is_continuation(c)) ++added;
      // Ideographic, Arabic and fullwidth commas count as commas too.
      if (text.substr(k).starts_with("\xEF\xBC\x8C") ||
          text.substr(k).starts_with("\xE3\x80\x81") || text.substr(k).starts_with("\xD8\x8C")) {
        ++run.commas;
      }
      run.text += c;
      ++k;
    }
    run.len += added;
    if (n.in_link) run.link_len += added;
    n.text_len = added;
    n.link_len = n.in_link ? added : 0;
  }
  while (!blocks.empty()) {
    flush(run, blocks);
    blocks.pop_back();
  }
  flush(run, blocks);
  // Subtree totals: children follow their parents in pre-order.
  for (size_t i = nodes_.size(); i > 0; --i) {
    const Node& n = nodes_[i - 1];
    if (n.parent >= 0) {
      nodes_[static_cast<size_t>(n.parent)].text_len += n.text_len;
      nodes_[static_cast<size_t>(n.parent)].link_len += n.link_len;
    }
  }
}

void Extractor::credit(int32_t index, double amount) {
  if (index < 0) return;
  Node& n = nodes_[static_cast<size_t>(index)];
  if (!n.candidate) {
    n.candidate = true;
    n.score = tag_bias(n.tag);
    const Hints h = hints_of(n.g);
    if (h.positive) n.score += 25;
    if (h.weak_negative || h.strong_negative) n.score -= 25;
    if (is_article_body(n.g)) n.score += 50;
  }
  n.score += amount;
}

bool is_heading_tag(GumboTag tag) {
  return tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3 || tag == GUMBO_TAG_H4 ||
         tag == GUMBO_TAG_H5 || tag == GUMBO_TAG_H6;
}

double link_density(uint64_t link_len, uint64_t len) {
  return len == 0 ? 0.0 : static_cast<double>(link_len) / static_cast<double>(len);
}

bool is_lone_label(std::string_view text) {
  const std::string t = lowered(text);
  return in_list(t, {"advertisement",
                     "advertising",
                     "ad",
                     "sponsored",
                     "continue reading",
                     "read more",
                     "share",
                     "share this article",
                     "skip to content",
                     "skip to main content",
                     "print",
                     "email",
                     "comments",
                     "related",
                     "related articles",
                     "top",
                     "back to top",
                     "-",
                     "|",
                     "\xE2\x80\xA2"});
}

std::string Extractor::body(std::string_view title) {
  for (const Run& r : runs_) {
    if (r.len < kMinParagraphChars || r.block < 0) continue;
    if (link_density(r.link_len, r.len) > 0.5) continue;
    const double c = 1.0 + r.commas + std::min<double>(static_cast<double>(r.len / 100), 3.0);
    const Node& b = nodes_[static_cast<size_t>(r.block)];
    const int32_t l0 = is_paragraph_tag(b.tag) ? b.parent : r.block;
    if (l0 < 0) continue;
    credit(l0, c);
    const int32_t l1 = nodes_[static_cast<size_t>(l0)].parent;
    if (l1 < 0) continue;
    credit(l1, c / 2);
    credit(nodes_[static_cast<size_t>(l1)].parent, c / 3);
  }
  int32_t top = -1;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    if (!n.candidate) continue;
    n.score *= 1.0 - link_density(n.link_len, n.text_len);
    if (top < 0 || n.score > nodes_[static_cast<size_t>(top)].score) top = static_cast<int32_t>(i);
  }

  std::vector<std::pair<uint32_t, uint32_t>> selected;  // node ranges [begin, end)
  if (top < 0) {
    // No paragraph long enough to score: keep every paragraph of the page.
    if (!nodes_.empty()) selected.emplace_back(0, static_cast<uint32_t>(nodes_.size()));
  } else {
    // Climb while the parent does better, as Readability does, but only to a
    // parent that adds little text of its own (a wrapper with a subheading or
    // a stray paragraph): a parent that also holds a sidebar of prose scores
    // higher too. Text split over sibling blocks is gathered below instead.
    double last = nodes_[static_cast<size_t>(top)].score;
    const double threshold = last / 3;
    const uint64_t top_text = nodes_[static_cast<size_t>(top)].text_len;
    for (int32_t p = nodes_[static_cast<size_t>(top)].parent; p >= 0;
         p = nodes_[static_cast<size_t>(p)].parent) {
      const Node& pn = nodes_[static_cast<size_t>(p)];
      if (pn.tag == GUMBO_TAG_BODY || top_text * 4 < pn.text_len * 3) break;
      if (!pn.candidate) continue;
      if (pn.score < threshold) break;
      if (pn.score > last) {
        top = p;
        break;
      }
      last = pn.score;
    }
    const Node& t = nodes_[static_cast<size_t>(top)];
    const int32_t parent = t.parent;
    if (parent < 0 || t.tag == GUMBO_TAG_BODY) {
      selected.emplace_back(static_cast<uint32_t>(top), t.end);
    } else {
      const double sibling_threshold = std::max(10.0, t.score * 0.2);
      const std::string top_class(attribute(t.g, "class"));
      for (uint32_t i = static_cast<uint32_t>(parent) + 1;
           i < nodes_[static_cast<size_t>(parent)].end; i = nodes_[i].end) {
        const Node& s = nodes_[i];
        bool keep = static_cast<int32_t>(i) == top;
        if (!keep && s.element && s.candidate) {
          double bonus = 0;
          if (!top_class.empty() && attribute(s.g, "class") == top_class) bonus = t.score * 0.2;
          keep = s.score + bonus >= sibling_threshold;
        }
        if (!keep && s.element && s.tag == GUMBO_TAG_P) {
          const double ld = link_density(s.link_len, s.text_len);
          const std::string text = inner_text(s.g);
          keep = (s.text_len > 80 && ld < 0.25) ||
                 (s.text_len > 0 && s.text_len <= 80 && ld == 0 &&
                  (text.find(". ") != std::string::npos || text.ends_with('.')));
        }
        if (keep) selected.emplace_back(i, s.end);
      }
    }
  }

  const std::string title_norm = lowered(collapse(title));
  std::vector<const Run*> kept;
  size_t range = 0;
  for (const Run& r : runs_) {
    while (range < selected.size() && selected[range].second <= r.first_node) ++range;
    if (range == selected.size()) break;
    if (r.first_node < selected[range].first) continue;
    if (r.link_len > 0 && link_density(r.link_len, r.len) > 0.5) continue;
    if (r.block >= 0 && nodes_[static_cast<size_t>(r.block)].tag == GUMBO_TAG_H1) continue;
    if (is_lone_label(r.text)) continue;
    if (!title_norm.empty() && lowered(r.text) == title_norm) continue;
    kept.push_back(&r);
  }
  // A heading with nothing kept under it headed something dropped ("Related
  // stories" over a list of links).
  auto is_heading = [&](const Run* r) {
    return r->block >= 0 && is_heading_tag(nodes_[static_cast<size_t>(r->block)].tag);
  };
  std::string out;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (is_heading(kept[i]) && (i + 1 == kept.size() || is_heading(kept[i + 1]))) continue;
    const Run* r = kept[i];
    if (!out.empty()) {
      // Cells of one table row share a line.
      const Run* prev = kept[i - 1];
      out += same_row(*prev, *r) ? " | " : "\n\n";
    }
    out += r->text;
  }
  return out;
}

// Paragraphs of a JSON-LD articleBody: its lines, or its HTML's paragraphs.
std::string paragraphs_of(std::string_view body) {
  std::string out;
  size_t i = 0;
  while (i <= body.size()) {
    size_t nl = body.find('\n', i);
    if (nl == std::string_view::npos) nl = body.size();
    const std::string line = collapse(body.substr(i, nl - i), body.size());
    if (!line.empty()) {
      if (!out.empty()) out += "\n\n";
      out += line;
    }
    i = nl + 1;
  }
  return out;
}

bool looks_like_markup(std::string_view s) {
  for (std::string_view tag : {"<p>", "<p ", "</p>", "<br", "<div"}) {
    if (find_nocase(s, tag, 0) != std::string_view::npos) return true;
  }
  return false;
}

std::string article_body_text(const std::string& body, uint64_t budget) {
  if (!looks_like_markup(body)) return paragraphs_of(body);
  ParseArena arena(budget);
  GumboOutput* output = parse_in_arena(body.data(), body.size(), &arena);
  if (output == nullptr) return paragraphs_of(body);
  Extractor inner(output->document);
  return inner.body({});
}

}  // namespace

Result<Article> extract_article(std::string_view html, std::string_view base_url,
                                const ExtractLimits& limits) {
  Article article;
  const std::optional<std::string> flat =
      flatten_deep_nesting(html, std::max<uint32_t>(limits.max_depth, 1), &article.tags_dropped);
  const std::string_view page = flat ? std::string_view(*flat) : html;

  ParseArena arena(limits.max_parse_bytes);
  GumboOutput* output = parse_in_arena(page.data(), page.size(), &arena);
  if (output == nullptr) {
    return Status(StatusCode::kTooLarge, "HTML page needs more than " +
                                             std::to_string(limits.max_parse_bytes >> 20) +
                                             " MiB to parse");
  }
  Extractor ex(output->document);
  const Metadata& m = ex.metadata();

  JsonLd ld;
  simdjson::dom::parser parser;
  for (const std::string& script : m.json_ld) read_json_ld(script, parser, &ld);

  // URL first: relative links resolve against <base href>, then the caller's base.
  const std::string base =
      m.base_href.empty() ? std::string(base_url) : resolve_url(m.base_href, base_url);
  for (const std::string& candidate : {m.canonical, m.get("og:url"), ld.url}) {
    if (!candidate.empty()) {
      article.url = resolve_url(candidate, base);
      break;
    }
  }

  std::string guessed_site;
  for (const std::string& candidate :
       {m.get("og:site_name"), ld.publisher, ld.website, m.get("application-name")}) {
    if (!candidate.empty()) {
      article.site = collapse(candidate);
      break;
    }
  }

  for (const std::string& candidate :
       {m.get("og:title"), collapse(ld.headline), m.get("twitter:title"), m.first_h1}) {
    if (!candidate.empty()) {
      article.title = strip_site(candidate, article.site, false, nullptr);
      break;
    }
  }
  if (!m.title_tag.empty()) {
    std::string from_tag = strip_site(m.title_tag, article.site, true, &guessed_site);
    if (article.title.empty()) article.title = std::move(from_tag);
  }
  if (article.site.empty()) article.site = guessed_site;
  if (article.site.empty()) article.site = host_of(article.url.empty() ? base : article.url);

  for (const std::string& candidate :
       {m.get("article:published_time"), collapse(ld.date), m.item_date, m.get("pubdate"),
        m.get("publishdate"), m.get("publish-date"), m.get("publish_date"),
        m.get("publication_date"), m.get("date"), m.get("dc.date"), m.get("dc.date.issued"),
        m.get("dcterms.date"), m.get("dcterms.created"), m.get("dcterms.issued"),
        m.get("sailthru.date"), m.get("parsely-pub-date"), m.get("og:published_time"),
        m.time_pubdate, m.article_time}) {
    if (!candidate.empty()) {
      article.date = candidate;
      break;
    }
  }

  article.text = ex.body(article.title);
  if (!ld.body.empty()) {
    std::string from_ld = article_body_text(ld.body, limits.max_parse_bytes);
    if (count_code_points(from_ld) > 2 * count_code_points(article.text)) {
      article.text = std::move(from_ld);
      article.body_from_json_ld = true;
    }
  }
  return article;
}

}  // namespace kindred::ingest
