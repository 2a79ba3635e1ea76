// kindred compare A B : exact similarity of two documents, then their reused
// passages side by side (align/reuse.h finds them; this file only shows them).
// A and B are read as `kindred scan` reads its inputs (ingest: HTML article
// extraction, gzip and zstd, charsets, a WARC record, a JSON Lines record), so
// both commands judge the same text.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "align/reuse.h"
#include "commands.h"
#include "ingest/reader.h"
#include "kindred/pipeline.h"
#include "normalize/tokenize.h"
#include "options.h"
#include "output.h"
#include "pipeline/story_reuse.h"
#include "report/jsonl.h"
#include "report/vocabulary.h"
#include "util/json_writer.h"

namespace kindred::cli {

namespace {

struct CompareArgs {
  std::string a, b;
  bool json = false;
  bool no_passages = false;
  bool exact_only = false;
  Params params;
};

// --- passages, side by side ---

// Columns of the terminal stdout is on, else $COLUMNS, else 100.
size_t output_width(bool tty) {
  winsize ws{};
  if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const long v = std::strtol(columns, nullptr, 10);
    if (v > 0) return static_cast<size_t>(v);
  }
  return 100;
}

// Display width, counted in code points (wide scripts are not measured).
size_t width(std::string_view s) {
  size_t w = 0;
  for (char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

// Text shown in one style: plain, or highlighted as a word that differs.
struct Piece {
  std::string text;
  bool highlight = false;
};
using Pieces = std::vector<Piece>;

void append(Pieces& to, std::string_view text, bool highlight) {
  if (text.empty()) return;
  if (to.empty() || to.back().highlight != highlight) to.push_back({std::string(), highlight});
  to.back().text += text;
}

size_t width(const Pieces& ps) {
  size_t w = 0;
  for (const Piece& p : ps) w += width(p.text);
  return w;
}

// One side of a passage: its text, its tokens, and which of them the
// alignment did not match.
struct Side {
  std::string_view text;
  std::span<const normalize::Token> tokens;
  std::vector<bool> differs;

  bool space(size_t at) const {
    return text[at] == ' ' || text[at] == '\n' || text[at] == '\r' || text[at] == '\t';
  }
  // Where the text between tokens t - 1 and t is cut when a segment starts at
  // token t: at its first whitespace (closing punctuation stays behind).
  size_t cut_before(size_t t) const {
    size_t at = tokens[t - 1].end;
    while (at < tokens[t].begin && !space(at)) ++at;
    return at;
  }
  // Whether a sentence ends between tokens t - 1 and t: a full stop, question
  // or exclamation mark followed by whitespace ("2 a.m." does not end one).
  bool sentence_before(size_t t) const {
    const size_t stop = text.find_first_of(".!?", tokens[t - 1].end);
    if (stop >= tokens[t].begin) return false;
    for (size_t at = stop + 1; at < tokens[t].begin; ++at) {
      if (space(at)) return true;
    }
    return false;
  }
};

// Tokens [t0, t1) of a side as display words (whitespace runs become single
// breaks). Tokens that differ are highlighted when `colour`, else each run of
// them is wrapped in the plain markers open ... close.
std::vector<Pieces> display_words(const Side& side, size_t t0, size_t t1, bool colour,
                                  const char* open, const char* close) {
  const auto& tok = side.tokens;
  Pieces flow;
  auto text = [&](size_t from, size_t to) { return side.text.substr(from, to - from); };
  if (t0 > 0) append(flow, text(side.cut_before(t0), tok[t0].begin), false);
  for (size_t k = t0; k < t1; ++k) {
    if (k > t0) append(flow, text(tok[k - 1].end, tok[k].begin), false);
    const bool d = side.differs[k];
    if (!colour && d && (k == t0 || !side.differs[k - 1])) append(flow, open, false);
    append(flow, text(tok[k].begin, tok[k].end), d && colour);
    if (!colour && d && (k + 1 == t1 || !side.differs[k + 1])) append(flow, close, false);
  }
  if (t1 < tok.size()) append(flow, text(tok[t1 - 1].end, side.cut_before(t1)), false);
  std::vector<Pieces> words(1);
  for (const Piece& p : flow) {
    for (char c : p.text) {
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        if (!words.back().empty()) words.emplace_back();
      } else {
        append(words.back(), std::string_view(&c, 1), p.highlight);
      }
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// The first `n` code points of `word`, removed from it.
Pieces take_prefix(Pieces& word, size_t n) {
  Pieces head, tail;
  bool to_head = true;
  for (const Piece& p : word) {
    for (const char& c : p.text) {
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {  // a character starts here
        to_head = n > 0;
        n -= to_head;
      }
      append(to_head ? head : tail, std::string_view(&c, 1), p.highlight);
    }
  }
  word = std::move(tail);
  return head;
}

// Greedy word wrap to `cols` code points a line; a longer word is cut.
std::vector<Pieces> wrap(std::vector<Pieces> words, size_t cols) {
  std::vector<Pieces> lines(1);
  size_t used = 0;
  auto put = [&](const Pieces& ps) {
    for (const Piece& p : ps) append(lines.back(), p.text, p.highlight);
  };
  for (Pieces& word : words) {
    size_t w = width(word);
    if (used > 0 && used + 1 + w > cols) lines.emplace_back(), used = 0;
    if (used > 0) append(lines.back(), " ", false), ++used;
    for (; used + w > cols; w = width(word)) {  // only on a fresh line
      put(take_prefix(word, cols));
      lines.emplace_back();
    }
    put(word);
    used += w;
  }
  if (lines.back().empty()) lines.pop_back();
  return lines;
}

std::string render(const Pieces& line, const char* colour) {
  std::string out;
  for (const Piece& p : line) {
    if (p.highlight && colour) {
      out += colour + p.text + "\033[0m";
    } else {
      out += p.text;
    }
  }
  return out;
}

// Each passage as two columns, A left and B right. The columns are cut into
// segments at sentence starts (or every kSegmentWords aligned words) and
// re-synchronised there, so matching text stays side by side.
// Exact passages are cut by their edit script; rewritten and summary ones,
// which have none, are shown whole, the words the other side lacks marked.
void print_side_by_side(const std::string& text_a, std::span<const normalize::Token> ta,
                        std::span<const uint64_t> terms_a, const std::string& text_b,
                        std::span<const normalize::Token> tb, std::span<const uint64_t> terms_b,
                        const std::vector<align::ReuseSpan>& found) {
  constexpr size_t kSegmentWords = 60;
  const bool tty = isatty(STDOUT_FILENO) == 1;
  const size_t cols = (std::max<size_t>(output_width(tty), 23) - 3) / 2;
  if (found.empty()) {
    std::printf("\nNo reused passages.\n");
    return;
  }
  std::printf("\n%zu reused passage%s%s\n", found.size(), found.size() == 1 ? "" : "s",
              tty ? "" : "; [-A only or replaced-] {+B only or replacing+}");
  for (size_t k = 0; k < found.size(); ++k) {
    const align::ReuseSpan& w = found[k];
    const Passage p = align::to_passage(w, ta, tb);
    std::printf(
        "\n#%zu  %s (confidence %.2f)  A bytes %u-%u (%u words) | B bytes %u-%u (%u words) | "
        "%u matched, identity %.2f, score %.0f\n",
        k + 1, passage_kind_name(p.kind), p.confidence, p.a_begin, p.a_end, p.a_words, p.b_begin,
        p.b_end, p.b_words, p.matched_words, p.identity(), p.score);
    Side a{text_a, ta.subspan(w.a_begin, w.a_end - w.a_begin), {}};
    Side b{text_b, tb.subspan(w.b_begin, w.b_end - w.b_begin), {}};
    if (w.ops.empty()) {
      a.differs = align::unshared(terms_a, w.a_begin, w.a_end, terms_b, w.b_begin, w.b_end);
      b.differs = align::unshared(terms_b, w.b_begin, w.b_end, terms_a, w.a_begin, w.a_end);
    }
    for (char op : w.ops) {
      if (op != 'b') a.differs.push_back(op != '=');
      if (op != 'a') b.differs.push_back(op != '=');
    }
    auto print_segment = [&](size_t a0, size_t a1, size_t b0, size_t b1) {
      const auto left = wrap(display_words(a, a0, a1, tty, "[-", "-]"), cols);
      const auto right = wrap(display_words(b, b0, b1, tty, "{+", "+}"), cols);
      for (size_t l = 0; l < std::max(left.size(), right.size()); ++l) {
        const Pieces none;
        const Pieces& x = l < left.size() ? left[l] : none;
        const Pieces& y = l < right.size() ? right[l] : none;
        std::string out = render(x, tty ? "\033[31m" : nullptr);
        out.append(cols - std::min(cols, width(x)), ' ');
        out += " | ";
        out += render(y, tty ? "\033[32m" : nullptr);
        while (out.back() == ' ') out.pop_back();
        std::printf("%s\n", out.c_str());
      }
    };
    if (w.ops.empty()) {
      print_segment(0, a.tokens.size(), 0, b.tokens.size());
      continue;
    }
    size_t i = 0, j = 0, a0 = 0, b0 = 0;
    for (char op : w.ops) {
      const bool cut = op == '=' && i > a0 && j > b0 &&
                       (a.sentence_before(i) || b.sentence_before(j) ||
                        std::max(i - a0, j - b0) >= kSegmentWords);
      if (cut) {
        print_segment(a0, i, b0, j);
        a0 = i, b0 = j;
      }
      i += op != 'b';
      j += op != 'a';
    }
    print_segment(a0, i, b0, j);
  }
}

// The one document of a compare argument, as ingest reads it for `scan`
// (ingest::read_path_or_text): a file or stdin of no recognisable format is
// plain text, as compare always took any file, so a pasted text is not read
// as JSON Lines (scan's stdin default) and turned into a data error.
bool read_compared(const std::string& path, std::string& text, uint32_t& invalid_utf8,
                   std::string& error) {
  std::vector<Document> docs;
  std::vector<Rejection> rejected;
  const ingest::DocumentSink on_document = [&](Document&& d) {
    docs.push_back(std::move(d));
    return docs.size() < 2;  // a second document is already one too many
  };
  const ingest::RejectSink on_reject = [&](Rejection&& r) {
    rejected.push_back(std::move(r));
    return false;
  };
  (void)ingest::read_path_or_text(path, ingest::ReadOptions{}, on_document, on_reject);
  if (!rejected.empty()) {
    error = rejected.front().status.message();
    return false;
  }
  if (docs.size() != 1) {
    error = path + (docs.empty() ? ": no document in it" : ": more than one document in it") +
            " (compare takes one document each for A and B)";
    return false;
  }
  text = std::move(docs.front().text);
  invalid_utf8 = docs.front().invalid_utf8;
  return true;
}

void run_compare(CompareArgs& args) {
  if (Status s = args.params.validate(); !s.is_ok()) {
    std::fprintf(stderr, "kindred compare: %s\n", s.message().c_str());
    throw CommandExit{2};
  }
  if (args.a == "-" && args.b == "-") {
    std::fprintf(stderr, "kindred compare: only one of A and B can be - (stdin)\n");
    throw CommandExit{2};
  }
  std::string text_a, text_b, error;
  uint32_t bad_a = 0, bad_b = 0;
  if (!read_compared(args.a, text_a, bad_a, error) ||
      !read_compared(args.b, text_b, bad_b, error)) {
    std::fprintf(stderr, "kindred compare: %s\n", error.c_str());
    throw CommandExit{1};
  }
  const Comparison c = compare_texts(text_a, text_b, args.params);
  const Overlap& o = c.overlap;
  const char* relation = c.relation ? relation_name(*c.relation) : nullptr;
  const bool a_in_b = o.containment_a_in_b() >= o.containment_b_in_a();
  std::vector<normalize::Token> ta, tb;
  std::vector<uint64_t> terms_a, terms_b;
  std::vector<align::ReuseSpan> found;
  if (!args.no_passages) {
    normalize::tokenize(text_a, ta);
    normalize::tokenize(text_b, tb);
    terms_a = pipeline::reuse_terms(text_a, ta);
    terms_b = pipeline::reuse_terms(text_b, tb);
    align::ReuseParams rp;
    rp.rewritten = !args.exact_only;
    found = align::find_reuse(text_a, ta, terms_a, text_b, tb, terms_b, rp);
  }
  if (args.json) {
    std::string out;
    util::JsonWriter w(out);
    w.begin_object().field("a", args.a).field("b", args.b);
    report::overlap_fields(o, report::fields_of(w));
    w.field("words_a", c.tokens_a).field("words_b", c.tokens_b).key("relation");
    if (relation) {
      w.value(relation);
    } else {
      w.null();
    }
    w.field("direction", report::direction_name(o))
        .field("story_similarity", c.story)
        .key("story_evidence")
        .begin_object()
        .field("words", c.story_words)
        .field("names", c.story_names)
        .field("quotes", c.story_quotes)
        .end_object()
        .field("invalid_utf8_a", bad_a)
        .field("invalid_utf8_b", bad_b);
    if (!args.no_passages) {
      w.field("reuse", align::reuse_score(found, ta.size(), tb.size()));
      w.key("passages").begin_array();
      for (const align::ReuseSpan& found_one : found) {
        w.begin_object();
        report::write_passage_fields(w, align::to_passage(found_one, ta, tb), text_a, text_b);
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
    out.push_back('\n');
    std::fputs(out.c_str(), stdout);
    return;
  }
  std::printf("A: %s (%u words, %llu shingles)\n", args.a.c_str(), c.tokens_a,
              static_cast<unsigned long long>(o.size_a));
  std::printf("B: %s (%u words, %llu shingles)\n", args.b.c_str(), c.tokens_b,
              static_cast<unsigned long long>(o.size_b));
  std::printf("  jaccard              %.4f\n", o.jaccard());
  std::printf("  containment A in B   %.4f\n", o.containment_a_in_b());
  std::printf("  containment B in A   %.4f\n", o.containment_b_in_a());
  std::printf("  shared shingles      %llu\n", static_cast<unsigned long long>(o.shared));
  if (relation) {
    std::printf("  relation             %s (%s)\n", relation,
                *c.relation == Relation::kExact || *c.relation == Relation::kNearDuplicate
                    ? "either way"
                    : (a_in_b ? "A in B" : "B in A"));
  } else {
    std::printf("  relation             none (not linked at these thresholds)\n");
  }
  std::printf("  story similarity     %.4f (words %.2f, names %.2f, quotes %.2f; 1 = same story)\n",
              c.story, c.story_words, c.story_names, c.story_quotes);
  if (!args.no_passages) {
    std::printf("  reuse                %.4f (share of the shorter text reused, by confidence)\n",
                align::reuse_score(found, ta.size(), tb.size()));
    print_side_by_side(text_a, ta, terms_a, text_b, tb, terms_b, found);
  }
}

}  // namespace

void register_compare(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand("compare", "Similarity of two documents");
  cmd->add_option("a", args->a,
                  "First document: a file scan reads as one document (text, HTML, one JSON "
                  "Lines record, one WARC record; gzip or zstd), or - for text on stdin")
      ->required();
  cmd->add_option("b", args->b, "Second document (as A)")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->add_flag("--no-passages", args->no_passages,
                "Skip passage alignment (similarity numbers only)");
  cmd->add_flag("--exact-passages", args->exact_only,
                "Only word-for-word passages (verbatim, edited): no rewritten or summary ones");
  add_params_options(cmd, args->params);
  cmd->callback([args] { run_compare(*args); });
}

}  // namespace kindred::cli
