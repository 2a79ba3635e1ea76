// Lexicon: the fixed vocabulary every synthetic corpus draws its words from.
//
// Word ids index one table in three ranges:
//   function words  ~120 real English words ("the", "of", "said") with their
//                   relative frequencies in running English text;
//   numbers         "1".."100" and the years 1990..2030;
//   content words   kContentWords distinct pseudo-words built from syllables
//                   ("brandel", "tosk"), drawn with a Zipf law (weight
//                   1 / (rank + 2.7)); frequent ranks get fewer syllables, as
//                   in real languages.
// The lexicon does not depend on the corpus seed: corpora made with different
// seeds speak the same language. Built once, on first use; thread-safe and
// immutable afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synth/rng.h"

namespace kindred::synth {

// Samples index i with probability weights[i] / sum (Vose's alias method):
// one 64-bit random draw per sample.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(const std::vector<double>& weights);

  uint32_t sample(Rng& rng) const {
    const uint64_t x = rng.next();
    const auto i = static_cast<uint32_t>(((x >> 32) * size_) >> 32);
    const Column& c = columns_[i];
    return static_cast<uint32_t>(x) < c.threshold ? i : c.alias;
  }
  uint32_t size() const { return size_; }

 private:
  struct Column {
    uint32_t threshold;  ///< keep i when the low 32 random bits are below this
    uint32_t alias;      ///< else take this
  };
  uint32_t size_ = 0;
  std::vector<Column> columns_;  // PERF: one cache line per sample, not two
};

class Lexicon {
 public:
  static constexpr uint32_t kContentWords = 60000;
  /// No word is longer, and word(id).data() can be read for this many bytes.
  static constexpr size_t kWordCopy = 32;

  static const Lexicon& instance();

  std::string_view word(uint32_t id) const {
    return {chars_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]};
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }

  bool is_function(uint32_t id) const { return id < number_begin_; }
  bool is_number(uint32_t id) const { return id >= number_begin_ && id < content_begin_; }
  bool is_content(uint32_t id) const { return id >= content_begin_; }
  uint32_t content_begin() const { return content_begin_; }
  uint32_t said() const { return said_; }

  uint32_t sample_function(Rng& rng) const { return function_.sample(rng); }
  uint32_t sample_number(Rng& rng) const {
    return number_begin_ + rng.below(content_begin_ - number_begin_);
  }
  // A content word by Zipf rank.
  uint32_t sample_content(Rng& rng) const { return content_begin_ + content_.sample(rng); }
  // A content word uniformly from the rare tail (rank >= 2000): topic words and names.
  uint32_t sample_rare(Rng& rng) const {
    return content_begin_ + 2000 + rng.below(kContentWords - 2000);
  }

 private:
  Lexicon();
  void add(std::string_view w);

  std::string chars_;
  std::vector<uint32_t> offsets_{0};
  uint32_t number_begin_ = 0, content_begin_ = 0, said_ = 0;
  AliasTable function_, content_;
};

}  // namespace kindred::synth
