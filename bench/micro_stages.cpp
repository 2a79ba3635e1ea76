// Per-stage kernels on generated text: tokenise, shingle, sketch, verify, align.
// Bytes/s is of input text, so stages compare directly with each other.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "align/overlap.h"
#include "align/passages.h"
#include "index/band_table.h"
#include "kindred/params.h"
#include "normalize/tokenize.h"
#include "sketch/minhash.h"
#include "sketch/shingle.h"
#include "story/features.h"
#include "synth/generator.h"

namespace {

const std::vector<kindred::Document>& corpus() {
  static const auto docs = [] {
    kindred::synth::CorpusSpec spec;
    spec.documents = 2000;
    spec.copy_fraction = 0.2;
    return kindred::synth::generate_corpus(spec).documents;
  }();
  return docs;
}

int64_t corpus_bytes() {
  int64_t b = 0;
  for (const auto& d : corpus()) b += static_cast<int64_t>(d.text.size());
  return b;
}

void BM_Tokenize(benchmark::State& state) {
  std::vector<kindred::normalize::Token> tokens;
  for (auto _ : state) {
    for (const auto& d : corpus()) {
      kindred::normalize::tokenize(d.text, tokens);
      benchmark::DoNotOptimize(tokens.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

void BM_TokenizeShingleSketch(benchmark::State& state) {
  const kindred::Params p;
  kindred::sketch::OnePermutationMinHash mh(p.sketch_bins, p.seed);
  std::vector<kindred::normalize::Token> tokens;
  std::vector<uint64_t> shingles;
  std::vector<uint32_t> sketch(p.sketch_bins), keys(p.bands);
  for (auto _ : state) {
    for (const auto& d : corpus()) {
      kindred::normalize::tokenize(d.text, tokens);
      kindred::sketch::shingle_set(tokens, p.shingle_size, shingles);
      mh.sketch(shingles, sketch);
      kindred::index::band_keys(sketch, p.bands, p.rows, keys);
      benchmark::DoNotOptimize(keys.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
}
BENCHMARK(BM_TokenizeShingleSketch)->Unit(benchmark::kMillisecond);

void BM_ClassicMinHash128(benchmark::State& state) {
  std::vector<kindred::normalize::Token> tokens;
  std::vector<uint64_t> shingles;
  const auto& docs = corpus();
  for (auto _ : state) {
    for (size_t i = 0; i < 200; ++i) {
      kindred::normalize::tokenize(docs[i].text, tokens);
      kindred::sketch::shingle_set(tokens, 5, shingles);
      benchmark::DoNotOptimize(kindred::sketch::classic_minhash(shingles, 128, 1).data());
    }
  }
  int64_t b = 0;
  for (size_t i = 0; i < 200; ++i) b += static_cast<int64_t>(docs[i].text.size());
  state.SetBytesProcessed(state.iterations() * b);
}
BENCHMARK(BM_ClassicMinHash128)->Unit(benchmark::kMillisecond);

void BM_Overlap(benchmark::State& state) {
  std::vector<kindred::normalize::Token> tokens;
  std::vector<std::vector<uint64_t>> sets;
  for (size_t i = 0; i < 200; ++i) {
    kindred::normalize::tokenize(corpus()[i].text, tokens);
    sets.emplace_back();
    kindred::sketch::shingle_set(tokens, 5, sets.back());
  }
  for (auto _ : state) {
    for (size_t i = 0; i + 1 < sets.size(); ++i) {
      benchmark::DoNotOptimize(kindred::align::overlap(sets[i], sets[i + 1]));
    }
  }
  state.SetItemsProcessed(state.iterations() * int64_t(sets.size() - 1));
}
BENCHMARK(BM_Overlap);

// A pair of about `words` words: b keeps four paragraphs of a in five, with 3%
// of their words replaced, and gains a paragraph of another document after
// every fifth (a rewrite, roughly).
std::pair<std::string, std::string> edited_pair(size_t words) {
  std::mt19937_64 rng(words);
  const auto& docs = corpus();
  std::string a, b;
  size_t doc = 0, n = 0;
  for (; n < words; ++doc) {
    a += docs[doc].text + "\n\n";
    n += static_cast<size_t>(std::count(docs[doc].text.begin(), docs[doc].text.end(), ' ')) + 1;
  }
  const std::string other = docs[docs.size() - 1 - doc].text;
  size_t begin = 0;
  for (int paragraph = 0; begin < a.size(); ++paragraph) {
    size_t end = a.find("\n\n", begin);
    if (end == std::string::npos) end = a.size();
    if (rng() % 5 != 0) {
      std::istringstream in(a.substr(begin, end - begin));
      for (std::string w; in >> w;) b += (rng() % 100 < 3 ? std::string("replaced") : w) + ' ';
      b += "\n\n";
    }
    if (paragraph % 5 == 4) b += other.substr(0, other.find("\n\n")) + "\n\n";
    begin = end + 2;
  }
  return {a, b};
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// align_passages on one pair per case (tokenising excluded):
// 0: the seed articles 001 and 002 (real news, an edited rewrite; ../shared/seeds),
// 1: examples/corpus strike/rewrite.txt vs strike/wire_full.txt,
// 2, 3: generated rewrites of 1,000 and 20,000 words.
void BM_AlignPassages(benchmark::State& state) {
  namespace fs = std::filesystem;
  const fs::path source = fs::path(__FILE__).parent_path().parent_path();
  std::string a, b;
  switch (state.range(0)) {
    case 0: {
      const fs::path seeds = source.parent_path() / "shared" / "seeds";
      if (!fs::exists(seeds)) return state.SkipWithError("../shared/seeds not present");
      for (const auto& e : fs::directory_iterator(seeds)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("001", 0) == 0) a = read_text(e.path());
        if (name.rfind("002", 0) == 0) b = read_text(e.path());
      }
      state.SetLabel("seeds 001 vs 002");
      break;
    }
    case 1:
      a = read_text(source / "examples/corpus/strike/rewrite.txt");
      b = read_text(source / "examples/corpus/strike/wire_full.txt");
      state.SetLabel("strike rewrite vs wire_full");
      break;
    default:
      std::tie(a, b) = edited_pair(state.range(0) == 2 ? 1000 : 20000);
      state.SetLabel(state.range(0) == 2 ? "generated, 1k words" : "generated, 20k words");
  }
  std::vector<kindred::normalize::Token> ta, tb;
  kindred::normalize::tokenize(a, ta);
  kindred::normalize::tokenize(b, tb);
  size_t passages = 0;
  for (auto _ : state) {
    const auto ps = kindred::align::align_passages(a, ta, b, tb);
    passages = ps.size();
    benchmark::DoNotOptimize(ps.data());
  }
  state.counters["words"] = double(ta.size() + tb.size());
  state.counters["passages"] = double(passages);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AlignPassages)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

}  // namespace

// Story features (terms, names, numbers, quotations and their speakers) of
// a corpus where a fifth of the originals report generated events.
const std::vector<kindred::Document>& story_corpus() {
  static const auto docs = [] {
    kindred::synth::CorpusSpec spec;
    spec.documents = 2000;
    spec.copy_fraction = 0.2;
    spec.stories.fraction = 0.2;
    return kindred::synth::generate_corpus(spec).documents;
  }();
  return docs;
}

void BM_StoryFeatures(benchmark::State& state) {
  std::vector<kindred::normalize::Token> tokens;
  int64_t bytes = 0;
  for (const auto& d : story_corpus()) bytes += static_cast<int64_t>(d.text.size());
  for (auto _ : state) {
    for (const auto& d : story_corpus()) {
      kindred::normalize::tokenize(d.text, tokens);
      auto f = kindred::story::extract_features(d.text, tokens, std::nullopt);
      benchmark::DoNotOptimize(f.terms.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(story_corpus().size()));
}
BENCHMARK(BM_StoryFeatures)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
