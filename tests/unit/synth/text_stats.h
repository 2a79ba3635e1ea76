// Text statistics for the synth tests: words, 5-word shingles and their
// overlaps, computed naively and independently of the library's tokeniser.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kindred::synth {

// Lowercased runs of ASCII letters and digits; everything else separates.
inline std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

// Words as 64-bit FNV-1a hashes of their lowercased letters and digits
// (what shingling needs, without a string per word).
inline std::vector<uint64_t> word_hashes(std::string_view text) {
  std::vector<uint64_t> words;
  uint64_t h = 0;
  bool in_word = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      if (!in_word) h = 1469598103934665603ull;
      h = (h ^ static_cast<uint64_t>(std::tolower(u))) * 1099511628211ull;
      in_word = true;
    } else if (in_word) {
      words.push_back(h);
      in_word = false;
    }
  }
  if (in_word) words.push_back(h);
  return words;
}

using Shingles = std::vector<uint64_t>;

// Sorted distinct 5-word shingles, each a hash of its five word hashes.
inline Shingles shingles_of(std::string_view text) {
  const std::vector<uint64_t> w = word_hashes(text);
  Shingles s;
  for (size_t i = 0; i + 5 <= w.size(); ++i) {
    uint64_t h = 0;
    for (size_t k = i; k < i + 5; ++k) h = (h ^ w[k]) * 0x9e3779b97f4a7c15ull + (h >> 29);
    s.push_back(h);
  }
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

inline size_t shared(const Shingles& a, const Shingles& b) {
  size_t n = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}

inline double jaccard(const Shingles& a, const Shingles& b) {
  const size_t s = shared(a, b);
  return static_cast<double>(s) / static_cast<double>(a.size() + b.size() - s);
}
// |A ∩ B| / |A|
inline double containment(const Shingles& a, const Shingles& b) {
  return static_cast<double>(shared(a, b)) / static_cast<double>(a.size());
}

}  // namespace kindred::synth
