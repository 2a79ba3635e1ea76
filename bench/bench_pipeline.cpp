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

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_set>

#include "kindred/pipeline.h"
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
  CLI11_PARSE(app, argc, argv);

  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  const kindred::synth::Corpus corpus = kindred::synth::generate_corpus(spec);
  const double gen_s = std::chrono::duration<double>(Clock::now() - t0).count();
  uint64_t bytes = 0;
  for (const auto& d : corpus.documents) bytes += d.text.size();
  const double rss_corpus = current_rss_mb();

  t0 = Clock::now();
  kindred::Scanner scanner(kindred::Params{},
                           {.threads = threads, .stories = stories, .passages = passages});
  for (size_t i = 0; i < corpus.documents.size(); i += batch) {
    const size_t end = std::min(corpus.documents.size(), i + batch);
    std::vector<kindred::Document> part(corpus.documents.begin() + long(i),
                                        corpus.documents.begin() + long(end));
    if (!scanner.add(std::move(part)).empty()) {
      std::fprintf(stderr, "unexpected rejection\n");
      return 1;
    }
  }
  const double rss_sketched = current_rss_mb();
  const kindred::ScanResult result = scanner.finish();
  const double total_s = std::chrono::duration<double>(Clock::now() - t0).count();

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
  row("candidates", s.seconds_candidates);
  row("verify", s.seconds_verify);
  row("families", s.seconds_cluster);
  if (passages) row("passages", s.seconds_passages);
  if (stories) row("stories", s.seconds_stories);
  row("end-to-end", total_s);
  std::printf("candidates %llu, links %llu, families %llu\n",
              static_cast<unsigned long long>(s.candidate_pairs),
              static_cast<unsigned long long>(s.links),
              static_cast<unsigned long long>(s.families));
  std::printf(
      "memory: corpus in RAM %.0f MB, after sketching %.0f MB, peak RSS %.0f MB "
      "(pipeline ~%.0f bytes/document)\n",
      rss_corpus, rss_sketched, peak_rss_mb(),
      (rss_sketched - rss_corpus) * 1e6 / std::max(1.0, n));
  std::printf(
      "recall %.4f (%llu of %llu copies keeping >= %.0f%%), precision %.4f (%llu of %llu links)\n",
      recall, static_cast<unsigned long long>(found), static_cast<unsigned long long>(positives),
      min_kept * 100, precision, static_cast<unsigned long long>(correct),
      static_cast<unsigned long long>(result.links.size()));
  return 0;
}
