// Text alignment on the PAN 2013 training corpus (../shared/eval/pan13-train),
// scored with PAN's own measures (Potthast et al. 2010), as
// ../shared/eval/score_pan.py scores `kindred compare SUSP SRC --json`: macro
// precision and recall over the characters of cases and detections in both
// documents, granularity (detections per detected case), plagdet = F1 /
// log2(1 + granularity); overall and per folder, and the share of
// no-plagiarism pairs with any passage. The passages are those of compare
// (align::find_reuse with default parameters), computed in-process.
//
//   kindred_eval_pan [CORPUS] [--limit N] [--folder F] [--threads N] [--exact-only]
//                    [--set NAME=VALUE]... [--speed] [--words]
//
// --limit takes the first N pairs of each folder, --folder F (1-5) that folder
// alone; --set changes a parameter of align/rewrite.h (see the list below);
// --speed times compare's passages instead (see time_pairs); --exact-only reports the
// exact aligner's passages alone (what compare reported before issue 13);
// --words gives the rewrite aligner normalised words as terms instead of
// compare's stems (what compare used before).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "align/reuse.h"
#include "eval_common.h"
#include "normalize/tokenize.h"
#include "pipeline/story_reuse.h"

namespace {

using kindred::eval::read_file;

const char* const kFolders[] = {"01-no-plagiarism", "02-no-obfuscation", "03-random-obfuscation",
                                "04-translation-obfuscation", "05-summary-obfuscation"};

struct Span4 {
  long a0, a1, b0, b1;  // characters of susp [a0, a1), of src [b0, b1)
};

struct Pair {
  int folder = 0;
  std::string susp, src;
  std::vector<Span4> cases, detections;
  std::vector<kindred::PassageKind> kinds;
};

std::string attribute(const std::string& tag, const char* name) {
  const std::string key = std::string(" ") + name + "=\"";
  const size_t at = tag.find(key);
  if (at == std::string::npos) return "";
  const size_t begin = at + key.size();
  return tag.substr(begin, tag.find('"', begin) - begin);
}

std::vector<Span4> read_cases(const std::string& xml) {
  std::vector<Span4> out;
  for (size_t at = xml.find("<feature"); at != std::string::npos;
       at = xml.find("<feature", at + 1)) {
    const std::string tag = xml.substr(at, xml.find('>', at) - at);
    if (attribute(tag, "name") != "plagiarism") continue;
    const long o = std::atol(attribute(tag, "this_offset").c_str());
    const long l = std::atol(attribute(tag, "this_length").c_str());
    const long so = std::atol(attribute(tag, "source_offset").c_str());
    const long sl = std::atol(attribute(tag, "source_length").c_str());
    out.push_back({o, o + l, so, so + sl});
  }
  return out;
}

// Character index of each byte offset (offsets in PAN files are characters).
std::vector<long> byte_to_char(const std::string& text) {
  std::vector<long> m(text.size() + 1);
  long c = 0;
  for (size_t b = 0; b < text.size(); ++b) {
    m[b] = c;
    const auto next = b + 1 < text.size() ? static_cast<unsigned char>(text[b + 1]) : 0;
    c += b + 1 == text.size() || (next & 0xC0) != 0x80;
  }
  m[text.size()] = c;
  return m;
}

long inter(long a0, long a1, long b0, long b1) {
  return std::max(0L, std::min(a1, b1) - std::max(a0, b0));
}

long union_len(std::vector<std::pair<long, long>> r) {
  std::sort(r.begin(), r.end());
  long total = 0, c0 = 0, c1 = -1;
  for (const auto& [x0, x1] : r) {
    if (x1 <= x0) continue;
    if (c1 < 0 || x0 > c1) {
      if (c1 >= 0) total += c1 - c0;
      c0 = x0, c1 = x1;
    } else {
      c1 = std::max(c1, x1);
    }
  }
  return c1 >= 0 ? total + c1 - c0 : total;
}

struct Score {
  double plagdet = 0, recall = 0, precision = 0, granularity = 1;
  size_t cases = 0, detections = 0;
};

bool hit(const Span4& x, const Span4& y) {
  return inter(x.a0, x.a1, y.a0, y.a1) > 0 && inter(x.b0, x.b1, y.b0, y.b1) > 0;
}

// Share of x's characters (both documents) inside the spans it hits.
double covered(const Span4& x, const std::vector<const Span4*>& hits) {
  std::vector<std::pair<long, long>> ra, rb;
  for (const Span4* h : hits) {
    ra.emplace_back(std::max(x.a0, h->a0), std::min(x.a1, h->a1));
    rb.emplace_back(std::max(x.b0, h->b0), std::min(x.b1, h->b1));
  }
  return double(union_len(ra) + union_len(rb)) /
         double(std::max(1L, (x.a1 - x.a0) + (x.b1 - x.b0)));
}

// PAN's precision of one detection: its characters inside the cases it hits.
double detection_precision(const Span4& r, const std::vector<Span4>& cases) {
  std::vector<const Span4*> hits;
  for (const Span4& s : cases) {
    if (hit(s, r)) hits.push_back(&s);
  }
  return covered(r, hits);
}

Score score(const std::vector<const Pair*>& pairs) {
  double rec = 0, prec = 0, gran = 0;
  size_t cases = 0, dets = 0, detected = 0;
  for (const Pair* p : pairs) {
    for (const Span4& s : p->cases) {
      ++cases;
      std::vector<const Span4*> hits;
      for (const Span4& r : p->detections) {
        if (hit(s, r)) hits.push_back(&r);
      }
      if (!hits.empty()) ++detected, gran += double(hits.size());
      rec += covered(s, hits);
    }
    for (const Span4& r : p->detections) {
      ++dets;
      prec += detection_precision(r, p->cases);
    }
  }
  Score s;
  s.cases = cases, s.detections = dets;
  s.recall = cases ? rec / double(cases) : 0;
  s.precision = dets ? prec / double(dets) : 0;
  s.granularity = detected ? gran / double(detected) : 1;
  const double f1 =
      s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  s.plagdet = f1 / std::log2(1 + s.granularity);
  return s;
}

// The rewrite aligner's terms: compare's (pipeline::reuse_terms, stems), or
// with --words the normalised words themselves.
std::vector<uint64_t> terms(const std::string& text,
                            const std::vector<kindred::normalize::Token>& tokens, bool stems) {
  if (!stems) return kindred::align::terms_of(text, tokens);
  return kindred::pipeline::reuse_terms(text, tokens);
}

void detect(const std::string& corpus, Pair& p, const kindred::align::ReuseParams& params,
            bool stems) {
  namespace align = kindred::align;
  namespace normalize = kindred::normalize;
  const std::string a = read_file(corpus + "/susp/" + p.susp),
                    b = read_file(corpus + "/src/" + p.src);
  std::vector<normalize::Token> ta, tb;
  normalize::tokenize(a, ta);
  normalize::tokenize(b, tb);
  const auto ca = byte_to_char(a), cb = byte_to_char(b);
  if (std::getenv("KDBG"))
    std::fprintf(stderr, "PAIR %d %s %s\n", p.folder, p.susp.c_str(), p.src.c_str());
  const std::vector<uint64_t> xa = terms(a, ta, stems), xb = terms(b, tb, stems);
  for (const align::ReuseSpan& s : align::find_reuse(a, ta, xa, b, tb, xb, params)) {
    const kindred::Passage x = align::to_passage(s, ta, tb);
    p.detections.push_back({ca[x.a_begin], ca[x.a_end], cb[x.b_begin], cb[x.b_end]});
    p.kinds.push_back(x.kind);
  }
}

// --speed: the time of one compare's passages (tokenising both texts,
// terms, find_reuse) on the pairs whose two texts have 4,000-6,000 words
// each: median and 90th percentile of the best of 3 runs per pair, one thread.
int time_pairs(const std::string& corpus, const std::vector<Pair>& pairs,
               const kindred::align::ReuseParams& params) {
  namespace normalize = kindred::normalize;
  std::vector<double> ms;
  uint64_t words = 0, passages = 0;
  for (const Pair& p : pairs) {
    const std::string a = read_file(corpus + "/susp/" + p.susp),
                      b = read_file(corpus + "/src/" + p.src);
    std::vector<normalize::Token> ta, tb;
    normalize::tokenize(a, ta);
    normalize::tokenize(b, tb);
    if (ta.size() < 4000 || ta.size() > 6000 || tb.size() < 4000 || tb.size() > 6000) continue;
    double best = 1e9;
    for (int r = 0; r < 3; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<normalize::Token> xa, xb;
      normalize::tokenize(a, xa);
      normalize::tokenize(b, xb);
      const std::vector<uint64_t> ya = kindred::pipeline::reuse_terms(a, xa),
                                  yb = kindred::pipeline::reuse_terms(b, xb);
      const auto spans = kindred::align::find_reuse(a, xa, ya, b, xb, yb, params);
      const double t =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      best = std::min(best, t);
      passages += spans.size();
    }
    ms.push_back(best);
    words += ta.size() + tb.size();
  }
  if (ms.empty()) {
    std::fprintf(stderr, "no pair of 4,000-6,000-word texts\n");
    return 1;
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "%zu pairs of 4,000-6,000 words (mean %.0f words a text): median %.2f ms, p90 %.2f ms, max "
      "%.2f ms\n",
      ms.size(), double(words) / double(2 * ms.size()), ms[ms.size() / 2], ms[ms.size() * 9 / 10],
      ms.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = "../shared/eval/pan13-train";
  size_t limit = 0;
  int only = 0;  // 1-5: that folder alone
  bool speed = false;
  bool stems = true;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  kindred::align::ReuseParams params;
  for (int k = 1; k < argc; ++k) {
    if (!std::strcmp(argv[k], "--limit") && k + 1 < argc) {
      limit = std::strtoul(argv[++k], nullptr, 10);
    } else if (!std::strcmp(argv[k], "--threads") && k + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1L, std::atol(argv[++k])));
    } else if (!std::strcmp(argv[k], "--folder") && k + 1 < argc) {
      only = std::atoi(argv[++k]);
    } else if (!std::strcmp(argv[k], "--set") && k + 1 < argc) {
      // name=value for a few RewriteParams, to compare settings.
      const std::string kv = argv[++k];
      const std::string name = kv.substr(0, kv.find('='));
      const double v = std::atof(kv.substr(kv.find('=') + 1).c_str());
      kindred::align::RewriteParams& r = params.rewrite;
      if (name == "seed_cosine")
        r.seed_cosine = v;
      else if (name == "seed_dice")
        r.seed_dice = v;
      else if (name == "max_gap")
        r.max_gap = static_cast<uint32_t>(v);
      else if (name == "min_fragment_cosine")
        r.min_fragment_cosine = v;
      else if (name == "min_words")
        r.min_words = static_cast<uint32_t>(v);
      else if (name == "single_seed_cosine")
        r.single_seed_cosine = v;
      else if (name == "min_sentence_words")
        r.min_sentence_words = static_cast<uint32_t>(v);
      else if (name == "summary_cosine")
        r.summary_cosine = v;
      else if (name == "summary_explained")
        r.summary_explained = v;
      else if (name == "summary_balanced")
        r.summary_balanced = v;
      else if (name == "summary_adjacent")
        r.summary_adjacent = v;
      else if (name == "summary_ratio")
        r.summary_ratio = v;
      else if (name == "absorb")
        params.absorb = v;
      else if (name == "condense_gap")
        params.condense_gap = static_cast<uint32_t>(v);
      else {
        std::fprintf(stderr, "unknown parameter %s\n", name.c_str());
        return 2;
      }
    } else if (!std::strcmp(argv[k], "--speed")) {
      speed = true;
    } else if (!std::strcmp(argv[k], "--words")) {
      stems = false;
    } else if (!std::strcmp(argv[k], "--exact-only")) {
      params.rewritten = false;
    } else {
      corpus = argv[k];
    }
  }
  std::vector<Pair> pairs;
  for (int f = 0; f < 5; ++f) {
    if (only && f != only - 1) continue;
    const std::string dir = corpus + "/" + kFolders[f];
    std::istringstream lines(read_file(dir + "/pairs"));
    std::string susp, src;
    size_t n = 0;
    while (lines >> susp >> src && (limit == 0 || n < limit)) {
      Pair p{f, susp, src, {}, {}, {}};
      const std::string xml = read_file(dir + "/" + susp.substr(0, susp.size() - 4) + "-" +
                                        src.substr(0, src.size() - 4) + ".xml");
      p.cases = read_cases(xml);
      pairs.push_back(std::move(p));
      ++n;
    }
  }
  if (pairs.empty()) {
    std::fprintf(stderr, "no pairs under %s\n", corpus.c_str());
    return 1;
  }
  if (speed) return time_pairs(corpus, pairs, params);
  const auto start = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t k; (k = next.fetch_add(1)) < pairs.size();)
        detect(corpus, pairs[k], params, stems);
    });
  }
  for (auto& t : pool) t.join();
  if (const char* show = std::getenv("KINDRED_EVAL_SHOW")) {  // e.g. "2:3": folder 02, summaries
    const int folder = show[0] - '1', kind = show[2] - '0';
    for (const Pair& p : pairs) {
      if (p.folder != folder) continue;
      for (size_t k = 0; k < p.kinds.size(); ++k) {
        if (static_cast<int>(p.kinds[k]) != kind) continue;
        const Span4& d = p.detections[k];
        std::printf("%s %s det %ld-%ld %ld-%ld", p.susp.c_str(), p.src.c_str(), d.a0, d.a1, d.b0,
                    d.b1);
        for (const Span4& c : p.cases) std::printf(" case %ld-%ld %ld-%ld", c.a0, c.a1, c.b0, c.b1);
        std::printf(" precision %.2f\n", detection_precision(d, p.cases));
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  auto print = [](const char* name, const Score& s) {
    std::printf("%-28s plagdet %.3f  rec %.3f  prec %.3f  gran %.3f  cases %zu dets %zu\n", name,
                s.plagdet, s.recall, s.precision, s.granularity, s.cases, s.detections);
  };
  std::vector<const Pair*> all;
  for (const Pair& p : pairs) all.push_back(&p);
  print("all", score(all));
  std::printf("all plagdet, 4 digits: %.4f\n", score(all).plagdet);
  size_t negatives = 0, flagged = 0;
  for (int f = 0; f < 5; ++f) {
    std::vector<const Pair*> in;
    for (const Pair& p : pairs) {
      if (p.folder == f) in.push_back(&p);
    }
    print(kFolders[f], score(in));
    if (f == 0) {
      negatives = in.size();
      for (const Pair* p : in) flagged += !p->detections.empty();
    }
  }
  std::printf("no-plagiarism pairs with a passage: %.3f (%zu of %zu)\n",
              double(flagged) / double(std::max<size_t>(1, negatives)), flagged, negatives);
  std::printf("passages by kind (verbatim, edited, rewritten, summary):");
  for (int f = 0; f < 5; ++f) {
    size_t by_kind[4] = {0, 0, 0, 0};
    for (const Pair& p : pairs) {
      if (p.folder != f) continue;
      for (kindred::PassageKind k : p.kinds) ++by_kind[static_cast<int>(k)];
    }
    std::printf("%s %.2s %zu/%zu/%zu/%zu", f ? "," : "", kFolders[f], by_kind[0], by_kind[1],
                by_kind[2], by_kind[3]);
  }
  std::printf("\n");
  // Where precision is lost: per folder and passage kind, the detections and
  // the sum over them of (1 - their precision), i.e. how many detections'
  // worth of precision each kind costs (overall precision = 1 - loss / dets).
  std::printf("precision lost, folder x kind (dets / loss):\n");
  const char* const kind_names[] = {"verbatim", "edited", "rewritten", "summary"};
  for (int f = 0; f < 5; ++f) {
    size_t n[4] = {0, 0, 0, 0};
    double loss[4] = {0, 0, 0, 0};
    for (const Pair& p : pairs) {
      if (p.folder != f) continue;
      for (size_t k = 0; k < p.detections.size(); ++k) {
        const int kind = static_cast<int>(p.kinds[k]);
        ++n[kind];
        loss[kind] += 1 - detection_precision(p.detections[k], p.cases);
      }
    }
    std::printf("  %-28s", kFolders[f]);
    for (int kind = 0; kind < 4; ++kind) {
      std::printf(" %s %zu/%.1f", kind_names[kind], n[kind], loss[kind]);
    }
    std::printf("\n");
  }
  std::printf("%zu pairs in %.1f s on %u threads\n", pairs.size(), seconds, threads);
  return 0;
}
