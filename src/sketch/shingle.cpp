#include "sketch/shingle.h"

#include <algorithm>

#include "util/hash.h"
#include "util/sort_hashes.h"

namespace kindred::sketch {

namespace {
constexpr uint64_t kBase = 0x100000001b3ull * 2 + 1;  // odd multiplier of the polynomial

// Calls emit(hash) for each window of k tokens, in text order (see shingle_hashes()).
template <class Emit>
void roll_windows(std::span<const normalize::Token> tokens, uint32_t k, Emit&& emit) {
  const size_t n = tokens.size();
  if (n == 0) return;
  const size_t w = std::min<size_t>(k, n);
  // H = sum t[i+j] * B^(w-1-j)  (mod 2^64); rolled forward one token at a time.
  uint64_t top = 1;  // B^(w-1)
  for (size_t j = 1; j < w; ++j) top *= kBase;
  uint64_t h = 0;
  for (size_t j = 0; j < w; ++j) h = h * kBase + tokens[j].hash;
  emit(util::mix64(h ^ w));
  for (size_t i = w; i < n; ++i) {
    h = (h - tokens[i - w].hash * top) * kBase + tokens[i].hash;
    emit(util::mix64(h ^ w));
  }
}

size_t window_count(size_t tokens, uint32_t k) {
  return tokens == 0 ? 0 : tokens - std::min<size_t>(k, tokens) + 1;
}

}  // namespace

void shingle_hashes(std::span<const normalize::Token> tokens, uint32_t k,
                    std::vector<uint64_t>& out) {
  out.resize(window_count(tokens.size(), k));
  uint64_t* next = out.data();
  roll_windows(tokens, k, [&](uint64_t h) { *next++ = h; });
}

void shingle_hashes_and_sketch(std::span<const normalize::Token> tokens, uint32_t k,
                               const OnePermutationMinHash& minhash, std::vector<uint64_t>& out,
                               std::span<uint32_t> sketch) {
  out.resize(window_count(tokens.size(), k));
  uint64_t* next = out.data();
  OnePermutationMinHash::Builder bins(minhash, sketch);
  roll_windows(tokens, k, [&](uint64_t h) {
    *next++ = h;
    bins.add(h);
  });
  bins.finish();
}

void sort_into_set(std::vector<uint64_t>& hashes) {
  // Scratch per thread: one allocation per thread rather than per document.
  thread_local std::vector<uint64_t> scratch;
  util::sort_unique_hashes(hashes, scratch);
}

void shingle_set(std::span<const normalize::Token> tokens, uint32_t k, std::vector<uint64_t>& out) {
  shingle_hashes(tokens, k, out);
  sort_into_set(out);
}

}  // namespace kindred::sketch
