#include "synth/stories.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "synth/generator.h"
#include "synth/rng.h"

namespace kindred::synth {

namespace {

constexpr uint64_t kSaltReport = 0x7265706f7274ull;  // whether an original reports an event
constexpr uint64_t kSaltDecoy = 0x6465636f79ull;     // whether an event is a decoy
constexpr uint64_t kSaltWhen = 0x7768656eull;        // an event's time

}  // namespace

StoryLayout::StoryLayout(const CorpusSpec& spec)
    : seed_(spec.seed),
      documents_(std::max<uint64_t>(spec.documents, 1)),
      fraction_(spec.stories.fraction),
      decoys_(spec.stories.decoy_fraction) {
  const double reports = fraction_ * (1 - spec.copy_fraction) * static_cast<double>(kStoryWindow);
  events_per_window_ = std::clamp<uint64_t>(
      static_cast<uint64_t>(std::llround(reports / spec.stories.reports_per_story)), 1,
      kStoryWindow);
}

uint64_t StoryLayout::event_of(uint64_t index) const {
  if (fraction_ <= 0) return kNoEvent;
  Rng rng(stream_seed(seed_, index, kSaltReport));
  if (!rng.chance(fraction_)) return kNoEvent;
  return index / kStoryWindow * kStoryWindow + rng.below(static_cast<uint32_t>(events_per_window_));
}

uint64_t StoryLayout::people_of(uint64_t event) const {
  const uint64_t window = event / kStoryWindow;
  if (window % 2 == 0) return event;  // decoys point from odd windows to even ones
  Rng rng(stream_seed(seed_, event, kSaltDecoy));
  if (!rng.chance(decoys_)) return event;
  return (window - 1) * kStoryWindow + rng.below(static_cast<uint32_t>(events_per_window_));
}

uint64_t StoryLayout::event_time(uint64_t event) const {
  // The time of the window's first position on the corpus' year-long
  // timeline (as originals are dated), plus up to a day.
  Rng rng(stream_seed(seed_, event, kSaltWhen));
  const uint64_t first = event / kStoryWindow * kStoryWindow;
  return kEpoch2024 + first * kYearSeconds / documents_ + rng.below(86400);
}

std::string event_id(uint64_t event) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "e%07llu", static_cast<unsigned long long>(event));
  return buf;
}

}  // namespace kindred::synth
