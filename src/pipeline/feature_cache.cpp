#include "pipeline/feature_cache.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace kindred::pipeline {

size_t feature_bytes(const story::StoryFeatures& f) {
  size_t n = sizeof(f) + f.terms.capacity() * sizeof(f.terms[0]) +
             f.names.capacity() * sizeof(std::string) + f.quotes.capacity() * sizeof(story::Quote) +
             f.years.capacity() * sizeof(uint16_t) + f.dated_years.capacity() * sizeof(uint16_t) +
             f.numbers.capacity() * sizeof(uint64_t);
  for (const std::string& s : f.names) n += s.capacity();
  for (const story::Quote& q : f.quotes) {
    n += q.speaker.capacity() + q.bag_bytes();
  }
  return n;
}

story::StoryFeatures FeatureCache::features(std::string_view text, std::optional<int64_t> time,
                                            std::vector<normalize::Token>& tokens) {
  const XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  const Key key{h.low64, h.high64, text.size(), time.value_or(0), time.has_value()};
  {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      ++hits_;
      entries_.splice(entries_.end(), entries_, it->second);  // now the newest
      return it->second->features;
    }
    ++misses_;
  }
  // Extracted outside the lock: other threads go on meanwhile (two of them
  // may extract one text at once; the second finds it held and keeps its own).
  normalize::tokenize(text, tokens);
  story::StoryFeatures f = story::extract_features(text, tokens, time);
  const size_t bytes = feature_bytes(f);
  if (bytes > budget_) return f;
  std::lock_guard lock(mutex_);
  if (index_.count(key)) return f;
  while (bytes_ + bytes > budget_ && !entries_.empty()) {
    bytes_ -= entries_.front().bytes;
    index_.erase(entries_.front().key);
    entries_.pop_front();
  }
  entries_.push_back(Entry{key, f, bytes});
  index_.emplace(key, std::prev(entries_.end()));
  bytes_ += bytes;
  return f;
}

FeatureCache::Stats FeatureCache::stats() const {
  std::lock_guard lock(mutex_);
  return {hits_, misses_, entries_.size(), bytes_};
}

FeatureCache& story_feature_cache() {
  static FeatureCache cache(size_t{256} << 20);
  return cache;
}

}  // namespace kindred::pipeline
