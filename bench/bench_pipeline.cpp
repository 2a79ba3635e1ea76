// End-to-end benchmark: generate a corpus with known copies, scan it, and
// report throughput per stage, peak memory, and recall/precision of the links
// against the generator's ground truth.
//
//   kindred_bench --docs 20000 --threads 2
//
// Recall is measured on copies that keep at least --min-kept of their source's
// words (default 0.5); a reported link counts as correct when both documents
// descend from the same original.
#include <sys/resource.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <unordered_set>

#include "align/overlap.h"
#include "ceiling.h"
#include "kindred/pipeline.h"
#include "kindred/stages.h"
#include "normalize/tokenize.h"
#include "pipeline/sketch_text.h"
#include "sketch/minhash.h"
#include "synth/generator.h"

namespace {

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;
}

double current_rss_mb() {
  std::ifstream in("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  in >> pages_total >> pages_resident;
  return double(pages_resident) * 4096.0 / 1e6;
}

uint64_t key(uint64_t a, uint64_t b) {
  return a < b ? (a << 32) | b : (b << 32) | a;
}

using Clock = std::chrono::steady_clock;

// CPU time of the calling thread: kernels are compared on it, so other
// processes on the machine do not skew the ratio.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// One thread, against the ceiling loop of bench/ceiling.h on the same texts
// in memory, best of three alternating runs each (thread CPU time):
//  - sketching: normalise, tokenise, shingle, one-permutation MinHash, band
//    keys (pipeline::sketch_words; what the target measures);
//  - the whole per-document analysis of Scanner::add: the same plus sorting
//    the shingles into the set exact verification needs (pipeline::sketch_text).
void sketch_against_ceiling(const std::vector<kindred::Document>& docs, double mb) {
  std::vector<std::string> padded;
  padded.reserve(docs.size());
  for (const auto& d : docs) padded.push_back(d.text + std::string(32, ' '));
  const kindred::Params params;
  const kindred::sketch::OnePermutationMinHash minhash(params.sketch_bins, params.seed);
  std::vector<kindred::normalize::Token> tokens;
  std::vector<uint32_t> signature;
  kindred::DocumentSketch out;
  uint32_t bins[128];
  double best_words = 1e30, best_text = 1e30, best_ceiling = 1e30;
  uint64_t sink = 0;
  for (int round = 0; round < 3; ++round) {
    double t = thread_cpu_seconds();
    for (const auto& d : docs) {
      kindred::pipeline::sketch_words(d.text, params, minhash, tokens, signature, out);
      sink += out.band_keys[0];
    }
    best_words = std::min(best_words, thread_cpu_seconds() - t);
    t = thread_cpu_seconds();
    for (const auto& d : docs) {
      kindred::pipeline::sketch_text(d.text, params, minhash, tokens, signature, out);
      sink += out.band_keys[0] + out.shingles.size();
    }
    best_text = std::min(best_text, thread_cpu_seconds() - t);
    t = thread_cpu_seconds();
    for (size_t i = 0; i < docs.size(); ++i) {
      sink += kindred::bench::ceiling_sketch(padded[i].data(), docs[i].text.size(), bins);
      sink += bins[0];
    }
    best_ceiling = std::min(best_ceiling, thread_cpu_seconds() - t);
  }
  std::printf(
      "sketching, one thread: kindred %.1f MB/s, ceiling loop %.1f MB/s: %.0f%% of the ceiling\n"
      "  with the sorted shingle set for exact verification (all of Scanner::add's per-document "
      "work): %.1f MB/s, %.0f%% of the ceiling (checksum %llu)\n",
      mb / best_words, mb / best_ceiling, 100.0 * best_ceiling / best_words, mb / best_text,
      100.0 * best_ceiling / best_text, static_cast<unsigned long long>(sink % 1000));
}

// Root-mean-square error of the Jaccard estimates of the one-permutation
// sketch and of classic 128-permutation MinHash, on (source, copy) pairs of
// the corpus, against the theoretical sqrt(J(1-J)/128) of an ideal sketch.
void estimate_accuracy(const kindred::synth::Corpus& corpus, size_t max_pairs) {
  const kindred::Params p;
  const kindred::Sketcher sketcher{p};
  const kindred::sketch::OnePermutationMinHash oph(p.sketch_bins, p.seed);
  double se_oph = 0, se_classic = 0, theory = 0;
  size_t pairs = 0;
  kindred::DocumentSketch a, b;
  std::vector<uint32_t> sa(p.sketch_bins), sb(p.sketch_bins);
  for (const auto& t : corpus.truth) {
    if (pairs == max_pairs) break;
    sketcher.sketch(corpus.documents[t.source].text, a);
    sketcher.sketch(corpus.documents[t.copy].text, b);
    const double j = kindred::align::overlap(a.shingles, b.shingles).jaccard();
    oph.sketch(a.shingles, sa);
    oph.sketch(b.shingles, sb);
    const double e_oph = kindred::sketch::estimate_jaccard(sa, sb);
    const double e_classic = kindred::sketch::estimate_jaccard(
        kindred::sketch::classic_minhash(a.shingles, p.sketch_bins, 99),
        kindred::sketch::classic_minhash(b.shingles, p.sketch_bins, 99));
    se_oph += (e_oph - j) * (e_oph - j);
    se_classic += (e_classic - j) * (e_classic - j);
    theory += j * (1 - j) / p.sketch_bins;
    ++pairs;
  }
  if (pairs == 0) return;
  const double n = double(pairs);
  std::printf(
      "Jaccard estimates on %zu (source, copy) pairs: RMSE one-permutation %.4f, classic "
      "128-permutation %.4f, theory %.4f (one-permutation / theory = %.3f)\n",
      pairs, std::sqrt(se_oph / n), std::sqrt(se_classic / n), std::sqrt(theory / n),
      std::sqrt(se_oph / theory));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kindred end-to-end benchmark"};
  kindred::synth::CorpusSpec spec;
  unsigned threads = 0;
  double min_kept = 0.5;
  size_t batch = 4096;
  bool stories = false;
  bool passages = false;
  app.add_option("--docs", spec.documents, "Documents to generate")->capture_default_str();
  app.add_option("--copy-fraction", spec.copy_fraction)->capture_default_str();
  app.add_option("--mean-words", spec.mean_words)->capture_default_str();
  app.add_option("--seed", spec.seed)->capture_default_str();
  app.add_option("--threads", threads, "0 = all cores")->capture_default_str();
  app.add_option("--min-kept", min_kept, "Recall counts copies keeping at least this share")
      ->capture_default_str();
  app.add_flag("--stories", stories, "Also find stories (keeps every text in memory)");
  app.add_flag("--passages", passages, "Also align the passages of every link (keeps texts)");
  unsigned repeat = 1;
  app.add_option("--repeat", repeat,
                 "Scan the corpus this many times; stages are the fastest run's, and end to end "
                 "also gives the median")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100u));
  bool kernels = false;
  app.add_flag("--kernels", kernels,
               "Also measure one-thread sketching against the ceiling loop, and sketch accuracy");
  CLI11_PARSE(app, argc, argv);

  auto t0 = Clock::now();
  kindred::synth::Corpus corpus = kindred::synth::generate_corpus(spec);
  const double gen_s = std::chrono::duration<double>(Clock::now() - t0).count();
  uint64_t bytes = 0;
  for (const auto& d : corpus.documents) bytes += d.text.size();
  const double rss_corpus = current_rss_mb();

  if (kernels) {
    sketch_against_ceiling(corpus.documents, double(bytes) / 1e6);
    estimate_accuracy(corpus, 2000);
  }

  // One scan of a copy of the corpus (copied before the clock starts; the
  // batches are moved into the Scanner, as the CLI does).
  double rss_sketched = 0, rss_before_scan = 0;
  auto scan_once = [&](double& seconds) {
    std::vector<kindred::Document> docs = corpus.documents;
    if (rss_before_scan == 0) rss_before_scan = current_rss_mb();
    const auto start = Clock::now();
    kindred::Scanner scanner(kindred::Params{},
                             {.threads = threads, .stories = stories, .passages = passages});
    for (size_t i = 0; i < docs.size(); i += batch) {
      const size_t end = std::min(docs.size(), i + batch);
      // Moved, not copied: a copy would time the benchmark's memcpy, serially.
      std::vector<kindred::Document> part(std::make_move_iterator(docs.begin() + long(i)),
                                          std::make_move_iterator(docs.begin() + long(end)));
      if (!scanner.add(std::move(part)).empty()) {
        std::fprintf(stderr, "unexpected rejection\n");
        std::exit(1);
      }
    }
    rss_sketched = std::max(rss_sketched, current_rss_mb());
    kindred::ScanResult r = scanner.finish();
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
  };
  std::vector<double> times;
  double total_s = 0;
  kindred::ScanResult result;
  for (unsigned run = 0; run < repeat; ++run) {
    double seconds = 0;
    kindred::ScanResult r = scan_once(seconds);
    times.push_back(seconds);
    if (run == 0 || seconds < total_s) {
      total_s = seconds;
      result = std::move(r);
    }
  }
  std::sort(times.begin(), times.end());
  const double median_s = times[times.size() / 2];

  // Ground truth: the original of every document.
  std::vector<uint64_t> original(corpus.documents.size());
  for (size_t i = 0; i < original.size(); ++i) original[i] = i;
  for (const auto& t : corpus.truth) original[t.copy] = t.source;
  std::unordered_set<uint64_t> reported;
  uint64_t correct = 0;
  for (const auto& l : result.links) {
    reported.insert(key(l.a, l.b));
    correct += original[l.a] == original[l.b];
  }
  uint64_t positives = 0, found = 0;
  for (const auto& t : corpus.truth) {
    if (t.kept_fraction < min_kept) continue;
    ++positives;
    found += reported.count(key(t.source, t.copy));
  }
  const double recall = positives ? double(found) / double(positives) : 1.0;
  const double precision =
      result.links.empty() ? 1.0 : double(correct) / double(result.links.size());

  const auto& s = result.stats;
  const double mb = double(bytes) / 1e6;
  const double n = double(s.documents);
  std::printf("corpus: %llu documents, %.1f MB, %zu copies (generated in %.2f s)\n",
              static_cast<unsigned long long>(s.documents), mb, corpus.truth.size(), gen_s);
  std::printf("%-12s %10s %12s %10s\n", "stage", "seconds", "docs/s", "MB/s");
  auto row = [&](const char* name, double secs) {
    std::printf("%-12s %10.3f %12.0f %10.1f\n", name, secs, secs > 0 ? n / secs : 0,
                secs > 0 ? mb / secs : 0);
  };
  row("sketch", s.seconds_sketch);
  if (stories) row("features", s.seconds_features);
  row("candidates", s.seconds_candidates);
  row("verify", s.seconds_verify);
  row("families", s.seconds_cluster);
  if (passages) row("passages", s.seconds_passages);
  if (stories) row("stories", s.seconds_stories);
  row("end-to-end", total_s);
  if (repeat > 1) {
    std::printf("end to end over %u runs: fastest %.3f s, median %.3f s, slowest %.3f s\n", repeat,
                total_s, median_s, times.back());
  }
  std::printf("candidates %llu, links %llu, families %llu\n",
              static_cast<unsigned long long>(s.candidate_pairs),
              static_cast<unsigned long long>(s.links),
              static_cast<unsigned long long>(s.families));
  std::printf(
      "memory: corpus in RAM %.0f MB, after sketching %.0f MB, peak RSS %.0f MB "
      "(pipeline ~%.0f bytes/document)\n",
      rss_corpus, rss_sketched, peak_rss_mb(),
      (rss_sketched - rss_before_scan) * 1e6 / std::max(1.0, n));
  std::printf(
      "recall %.4f (%llu of %llu copies keeping >= %.0f%%), precision %.4f (%llu of %llu links)\n",
      recall, static_cast<unsigned long long>(found), static_cast<unsigned long long>(positives),
      min_kept * 100, precision, static_cast<unsigned long long>(correct),
      static_cast<unsigned long long>(result.links.size()));
  return 0;
}
