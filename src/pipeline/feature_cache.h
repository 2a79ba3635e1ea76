// Story features remembered by text, for the story stage called in parts.
//
// A front end that runs the story stage in parts (the Dask backend, through
// include/kindred/stages.h "Stories in parts") hands each part the texts it
// needs, and a worker meets the same shard's texts in several parts: the
// collection counts, the name counts, the candidate features, the pair
// similarities, the rewrites, the records. Extracting the features (tokens,
// language, Snowball stems, names, quotations) is most of each part's work, so
// the parts ask this cache, which extracts each (text, time) once and keeps
// the features within a budget of bytes, the oldest first out.
//
// The answer never depends on the cache: a hit returns a copy of what
// extract_features() returned for the same text and time. Texts are known by
// a 128-bit hash of their bytes, their length and the time; two different
// texts meeting under one key is as unlikely as a collision of XXH3-128.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "normalize/tokenize.h"
#include "story/features.h"

namespace kindred::pipeline {

class FeatureCache {
 public:
  explicit FeatureCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // The features of `text` dated `time`, as story::extract_features() gives
  // them; `tokens` is scratch space. Safe to call from several threads.
  story::StoryFeatures features(std::string_view text, std::optional<int64_t> time,
                                std::vector<normalize::Token>& tokens);

  struct Stats {
    uint64_t hits = 0, misses = 0;
    size_t entries = 0, bytes = 0;  ///< held now; bytes estimated from the containers
  };
  Stats stats() const;

 private:
  struct Key {
    uint64_t low = 0, high = 0, length = 0;
    int64_t time = 0;
    bool dated = false;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return static_cast<size_t>(k.low); }
  };
  struct Entry {
    Key key;
    story::StoryFeatures features;
    size_t bytes = 0;
  };

  const size_t budget_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  ///< oldest first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index_;
  size_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
};

// Heap and inline bytes of a document's features, as the cache counts them.
size_t feature_bytes(const story::StoryFeatures& f);

// The cache the story parts of this process share (256 MB: the features of
// some 70,000 news articles).
FeatureCache& story_feature_cache();

}  // namespace kindred::pipeline
