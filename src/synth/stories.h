// Synth stories: which originals are independent reports of one generated event.
//
// With CorpusSpec::story_fraction > 0, that share of the originals are not
// unrelated articles but reports of an event, written independently: each
// report has its own wording, and shares with the other reports of its event
// only what reporters of one event share:
//   * what happened: four rare topic words of the event (a report adds four
//     of its own);
//   * who: the event's three people, each spelled by some reports in a
//     variant form (a last letter changed, as in Riyadh / Riyad);
//   * the event's quotations (three per event, 8-22 words, each with its
//     speaker); a report carries one to three of them, verbatim or worded
//     differently (a share of the content words replaced, a word dropped);
//   * when: dated within three days of the event.
// A share of the events (StorySpec::decoy_fraction) are decoys: another
// event of the same people, a day or so later, with its own topic words and
// quotations (two statements by the same minister). Stories split those.
//
// Layout: the document positions are cut into windows of kStoryWindow; a
// report belongs to one of the window's events, drawn uniformly, so the
// number of reports per event is about StorySpec::reports_per_story (a
// Poisson-like spread: some events have one report, some six). Events are
// numbered window * kStoryWindow + k. Every answer below is a pure function
// of the spec and the index: nothing is kept per document.
#pragma once

#include <cstdint>
#include <string>

namespace kindred::synth {

struct CorpusSpec;

inline constexpr uint64_t kNoEvent = ~0ull;
inline constexpr uint64_t kStoryWindow = 64;  ///< document positions per window of events

class StoryLayout {
 public:
  explicit StoryLayout(const CorpusSpec& spec);

  bool enabled() const { return fraction_ > 0; }
  /// The event that the original at `index` reports, or kNoEvent.
  uint64_t event_of(uint64_t index) const;
  /// The event whose people `event` has: itself, or for a decoy an event of
  /// the window before (never itself a decoy, so decoys do not chain).
  uint64_t people_of(uint64_t event) const;
  bool is_decoy(uint64_t event) const { return people_of(event) != event; }
  /// Unix seconds at which `event` happened.
  uint64_t event_time(uint64_t event) const;

 private:
  uint64_t seed_;
  uint64_t documents_;
  double fraction_;
  double decoys_;
  uint64_t events_per_window_;
};

// "e0000042": the id of an event in a story truth file.
std::string event_id(uint64_t event);

}  // namespace kindred::synth
