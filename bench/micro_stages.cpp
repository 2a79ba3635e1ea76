// Per-stage kernels on generated text: tokenise, shingle, sketch, verify.
// Bytes/s is of input text, so stages compare directly with each other.
#include <benchmark/benchmark.h>

#include "align/overlap.h"
#include "index/band_table.h"
#include "kindred/params.h"
#include "normalize/tokenize.h"
#include "sketch/minhash.h"
#include "sketch/shingle.h"
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

}  // namespace

BENCHMARK_MAIN();
