// Synth: deterministic news-like corpora with known copies, for tests and
// benchmarks.
//
// A corpus is a stream of documents "d0000000", "d0000001", ... Each is either
// an original (fresh English-like prose, unrelated to every other original:
// two originals share essentially no 5-word shingle) or a copy of a uniformly
// chosen earlier original, made by one of the edit models below. Copies are
// never made from copies, so the ground truth is exactly one TruthPair per copy
// and the copy families are stars around their originals.
//
// Text: a body of paragraphs separated by a blank line; sentences of 8-30
// words (quotations add a three-word attribution), capitalised, with commas
// and full stops; words from a Zipf-distributed vocabulary of 60,000 syllable
// pseudo-words plus ~120 real English function words at their real
// frequencies (see synth/lexicon.h). The headline goes in Document::title, not
// in the text. At the default 550 words an original is ~3.3 KB of text.
//
// Edit model (EditModel::kind_weights, defaults in brackets; "e" is a word
// edit rate drawn per copy, split 60% substitutions, 20% deletions, 20%
// insertions of single words):
//   exact           [0.15] same words; 30% of all copies also get a house
//                          style (curly quotes, CRLF or single-newline
//                          paragraphs, two spaces after a full stop)
//   light_edit      [0.25] e in [1%, 3%]; half get a new title
//   heavy_edit      [0.15] e in [5%, 12%], 1-3 new sentences, new title
//   abridged        [0.15] keeps 30-60% of the source's words as whole
//                          sentences in their order: half the time the opening
//                          sentences (cut from the bottom, as wire editors
//                          do), else a random subset of whole paragraphs,
//                          topped up with sentences to reach the range (the
//                          range holds for sources of ten sentences or more)
//   abridged_edited [0.10] abridged, then a light edit
//   reordered       [0.10] paragraphs shuffled (at least one moves), no word changes
//   expanded        [0.10] new sentences adding 10-40% more words, inserted
//                          inside paragraphs or as new paragraphs
// Word edits come as round(e * words) operations at distinct random places,
// never deleting the first word of a sentence or a word next to a quotation mark.
// TruthPair::kept_fraction counts the source's words that survive into the
// copy (never the edit statistics): 1 for exact, reordered and expanded.
// Measured on the default 20,000 documents (word 5-gram shingles; J = Jaccard,
// C(x in y) = containment), min / mean:
//   light_edit       J 0.73 / 0.83
//   heavy_edit       J 0.30 / 0.47, C(src in copy) 0.49 / 0.65
//   abridged         C(copy in src) 0.86 / 0.98, J 0.26 / 0.45
//   abridged_edited  C(copy in src) 0.76 / 0.89
//   reordered        J 0.75 / 0.83
//   expanded         C(src in copy) 0.92 / 0.96, J 0.60 / 0.73
//
// Metadata: dates spread over 2024 in id order ("2024-03-05T14:22:07Z"); a copy
// is dated 10 minutes to 3 days after its source, by a different fake outlet.
//
// Stories (off by default; see synth/stories.h): a share of the originals are
// independent reports of generated events, with decoy events of the same
// people; on_story then gives every document's story.
//
// Determinism: the output is a pure function of the CorpusSpec, identical on
// every platform (no <random> distributions, no transcendental libm calls).
// Each document has its own random streams, so generating one costs the same wherever it sits; a
// copy regenerates its source instead of keeping originals in memory, so
// memory stays at 8 bytes per original however long the stream.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/document.h"
#include "kindred/status.h"
#include "synth/stories.h"

namespace kindred::synth {

enum class CopyKind : uint8_t {
  kExact,
  kLightEdit,
  kHeavyEdit,
  kAbridged,
  kAbridgedEdited,
  kReordered,
  kExpanded,
};
inline constexpr size_t kCopyKindCount = 7;

// "exact", "light_edit", "heavy_edit", "abridged", "abridged_edited", "reordered", "expanded"
const char* copy_kind_name(CopyKind kind);
// The kind of a name above; false when unknown.
bool parse_copy_kind(std::string_view name, CopyKind& kind);

// How copies are made. Rates are per word of the source.
struct EditModel {
  /// Relative probability of each kind, indexed by CopyKind (normalised; need not sum to 1).
  std::array<double, kCopyKindCount> kind_weights = {0.15, 0.25, 0.15, 0.15, 0.10, 0.10, 0.10};
  double light_min = 0.01, light_max = 0.03;  ///< word edit rate of light edits
  double heavy_min = 0.05, heavy_max = 0.12;  ///< word edit rate of heavy edits
  double abridge_min = 0.30,
         abridge_max = 0.60;  ///< share of the source's words an abridgement keeps
  double expand_min = 0.10, expand_max = 0.40;  ///< new words an expansion adds, per source word
  double restyle = 0.30;  ///< probability that a copy is rendered in another house style
};

// Sets kind_weights from "abridged=2,exact=1" (kinds not named get weight 0).
Status parse_kind_weights(std::string_view text, EditModel& model);

// Independent reports of shared events (synth/stories.h).
struct StorySpec {
  double fraction = 0;  ///< share of originals that report an event; 0 leaves the corpus as without
  double reports_per_story = 3;  ///< mean reports per event, in [1, 32]
  double decoy_fraction = 0.3;   ///< share of events with the people of an earlier event
};

struct CorpusSpec {
  uint64_t documents = 20000;  ///< total documents, copies included
  double copy_fraction =
      0.2;  ///< share of documents that are copies: round(documents * this), at most documents - 1
  uint32_t mean_words =
      550;  ///< original length ~ normal(mean, mean / 4), clamped to [mean / 2, 2 * mean]
  uint64_t seed = 1;
  EditModel edits;
  StorySpec stories;

  /// Checks ranges; the message names the command-line option.
  Status validate() const;
  /// round(documents * copy_fraction), capped at documents - 1.
  uint64_t copies() const;
};

struct TruthPair {
  uint64_t source = 0;  ///< index of the original (its id is doc_id(source))
  uint64_t copy = 0;    ///< index of the copy, > source
  CopyKind kind = CopyKind::kExact;
  double kept_fraction = 1.0;  ///< share of the source's words present in the copy, in [0, 1]
};

// The story of a document: the event it reports (a copy: that its source
// reports), or else the original itself (a story of its own).
struct StoryTruth {
  uint64_t document = 0;
  uint64_t event = 0;     ///< the event, or kNoEvent
  uint64_t original = 0;  ///< the original the document is or copies
  bool decoy = false;     ///< the event shares its people with an earlier event
  /// "e0000042" for an event, else the original's id.
  std::string story_id() const;
};

// The corpus' timeline: originals are dated through 2024 in id order.
inline constexpr uint64_t kEpoch2024 = 1704067200;  // 2024-01-01T00:00:00Z
inline constexpr uint64_t kYearSeconds = 366ull * 86400;

// "d0000042": "d" and the index in at least 7 digits.
std::string doc_id(uint64_t index);

// Streams the corpus in id order: on_doc for every document, then on_truth for
// the document just delivered when it is a copy, and on_story for every
// document when stories are on (spec.stories.fraction > 0). The callbacks
// after on_doc may be empty. The spec must be valid (validate() is checked;
// an invalid spec aborts).
void generate(const CorpusSpec& spec, const std::function<void(Document&&)>& on_doc,
              const std::function<void(const TruthPair&)>& on_truth,
              const std::function<void(const StoryTruth&)>& on_story = {});

struct Corpus {
  std::vector<Document> documents;  ///< documents[i].id == doc_id(i)
  std::vector<TruthPair> truth;     ///< one per copy, in copy order
  std::vector<StoryTruth> stories;  ///< one per document when stories are on, else empty
};

// generate() collected into memory (20,000 documents: ~70 MB).
Corpus generate_corpus(const CorpusSpec& spec);

}  // namespace kindred::synth
