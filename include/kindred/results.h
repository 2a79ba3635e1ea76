// Value types produced by the pipeline: links between documents and copy families.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/document.h"
#include "kindred/params.h"

namespace kindred {

// How two documents relate, strongest first. A pair is reported with the
// strongest relation whose test it passes (see classify()).
enum class Relation : uint8_t {
  kExact,          ///< identical after normalisation (same token sequence)
  kNearDuplicate,  ///< Jaccard >= params.near_duplicate
  kContained,      ///< the smaller document's containment >= params.contained
  kOverlapping,    ///< max containment >= params.link
  /// reworded reuse: too few shared shingles for the above, but members of one
  /// story whose reused passages cover enough of the shorter text (scan only,
  /// see src/pipeline/story_reuse.h; never returned by classify())
  kRewrite,
};
inline constexpr size_t kRelationCount = 5;  ///< values of Relation

/// "exact", "near_duplicate", "contained", "overlapping", "rewrite"
const char* relation_name(Relation r);

// Exact set statistics of two shingle sets.
struct Overlap {
  uint64_t shared = 0;                ///< |A ∩ B|
  uint64_t size_a = 0;                ///< |A|
  uint64_t size_b = 0;                ///< |B|
  double jaccard() const;             ///< |A∩B| / |A∪B|; 0 for two empty sets
  double containment_a_in_b() const;  ///< |A∩B| / |A|
  double containment_b_in_a() const;  ///< |A∩B| / |B|
};

// The relation a pair is given, or nullopt when it is not linked.
// `same_text` is true when both token sequences are identical.
std::optional<Relation> classify(const Overlap& overlap, bool same_text, const Params& params);

// What kind of reuse a passage is, from the closest to the loosest.
enum class PassageKind : uint8_t {
  kVerbatim,   ///< the same words in the same order (identity >= 0.95)
  kEdited,     ///< aligned word for word, with words replaced, added or dropped
  kRewritten,  ///< similar sentences: reworded, reordered, translated
  kSummary,    ///< a compact region of one text condensing the whole other text
};

/// "verbatim", "edited", "rewritten", "summary"
inline const char* passage_kind_name(PassageKind k) {
  switch (k) {
    case PassageKind::kVerbatim:
      return "verbatim";
    case PassageKind::kEdited:
      return "edited";
    case PassageKind::kRewritten:
      return "rewritten";
    case PassageKind::kSummary:
      return "summary";
  }
  return "verbatim";
}

// A reused passage: aligned spans of two texts, with byte offsets into the
// original (un-normalised) UTF-8 of each. Produced by align::align_passages()
// (verbatim and edited) and align::find_reuse() (all kinds).
struct Passage {
  uint32_t a_begin = 0, a_end = 0;    ///< [begin, end) bytes in document a's text
  uint32_t b_begin = 0, b_end = 0;    ///< [begin, end) bytes in document b's text
  uint32_t a_words = 0, b_words = 0;  ///< words of each span
  uint32_t matched_words = 0;         ///< words aligned as equal (after normalisation)
  double score = 0;                   ///< alignment score (see align/passages.h)
  PassageKind kind = PassageKind::kVerbatim;
  /// How sure the passage is reuse, in [0, 1]: for verbatim and edited
  /// passages their identity; for rewritten and summary ones the tf-isf cosine
  /// of the two spans (align/rewrite.h)
  double confidence = 1;
  /// matched_words / max(a_words, b_words): 1 for a verbatim passage
  double identity() const {
    const uint32_t n = a_words > b_words ? a_words : b_words;
    return n == 0 ? 0.0 : double(matched_words) / double(n);
  }
};

struct Link {
  uint32_t a = 0;  ///< document index (into ScanResult::docs), a < b
  uint32_t b = 0;
  Relation relation = Relation::kOverlapping;
  Overlap overlap;
};

// A connected group of copies. The root is the member most likely to be the
// original: the earliest dated member, else the one with the most shingles
// (ties: earliest added).
struct Family {
  uint32_t id = 0;
  uint32_t root = 0;              ///< document index
  std::vector<uint32_t> members;  ///< document indices, ascending
};

// What the pipeline keeps of each document after analysis. The text is read
// with document_text(): a Scanner keeps it in ScanResult::texts, the stages
// API and the live index in DocInfo::text.
struct DocInfo {
  std::string id, title, date, url, source;
  /// `date` read once, when the document was accepted: seconds since
  /// 1970-01-01T00:00:00Z of an ISO 8601 date (util/date.h), empty when the
  /// date is absent or not ISO 8601. Every stage compares this, never `date`.
  std::optional<int64_t> time;
  Origin origin;
  uint32_t tokens = 0;    ///< words after normalisation
  uint32_t shingles = 0;  ///< distinct shingles
  uint32_t invalid_utf8 = 0;
  uint64_t fingerprint = 0;  ///< hash of the normalised token sequence (equal for exact copies)
  int32_t family = -1;       ///< Family::id, or -1 when the document is in no family
  int32_t story = -1;        ///< Story::id, or -1 when the document is in no story
  std::string text;          ///< empty when ScanResult::texts has it
};

// Which document of a linked pair derives from which.
struct Provenance {
  uint32_t source = 0;      ///< document index of the likely original
  uint32_t copy = 0;        ///< document index of the likely copy
  double confidence = 0.5;  ///< in [0.5, 1]: 0.5 = a coin toss, 1 = certain
  std::string evidence;     ///< "containment", "date", "containment+date", "order"
};

// A quotation as one article words it.
struct QuoteVariant {
  uint32_t doc = 0;
  uint32_t begin = 0,
           end = 0;     ///< bytes of the quoted words in the document's text (marks excluded)
  std::string speaker;  ///< as the text names them; empty when not found
  bool operator==(const QuoteVariant&) const = default;
};

// One quotation across a story, however differently each article words it.
struct Quotation {
  uint32_t id = 0;
  uint32_t story = 0;
  std::string speaker;  ///< the most frequent speaker of its variants, in its longest written form
  std::vector<std::string> attributions;  ///< every speaker the variants give, when they disagree
  std::vector<QuoteVariant> variants;     ///< at least one; ordered by document
  bool operator==(const Quotation&) const = default;
};

// One wording of an account sentence and the documents that write it so.
struct AccountVariant {
  uint32_t doc = 0;               ///< a document writing it (the first of the story's order)
  uint32_t begin = 0, end = 0;    ///< bytes in that document's text
  std::vector<uint32_t> sources;  ///< every document writing this wording, ascending
};

// A sentence of a story's merged account: one fact, however each article
// words it, and the documents that tell it.
struct AccountSentence {
  uint32_t doc = 0;               ///< the document whose wording is shown
  uint32_t begin = 0, end = 0;    ///< bytes in that document's text
  std::vector<uint32_t> sources;  ///< every document telling it (in any wording), ascending
  /// Its distinct wordings, the shown one first; each source is in exactly one.
  std::vector<AccountVariant> variants;
};

// Articles about the same event, copies or independent reports.
struct Story {
  uint32_t id = 0;
  std::vector<uint32_t> members;         ///< document indices, ascending
  std::vector<uint32_t> families;        ///< copy families inside the story
  double cohesion = 0;                   ///< mean story similarity of member pairs
  std::vector<AccountSentence> account;  ///< the merged account, in narrative order
};

struct ScanStats {
  uint64_t documents = 0;
  uint64_t bytes = 0;  ///< UTF-8 bytes of text analysed
  uint64_t tokens = 0;
  uint64_t invalid_utf8 = 0;     ///< invalid sequences replaced across all documents
  uint64_t candidate_pairs = 0;  ///< distinct pairs proposed by LSH and verified
  uint64_t capped_buckets = 0;   ///< buckets over max_bucket (linked as star + chain)
  uint64_t links = 0;
  uint64_t families = 0;
  uint64_t documents_in_families = 0;
  uint64_t stories = 0;
  uint64_t quotations = 0;
  double seconds_sketch = 0, seconds_candidates = 0, seconds_verify = 0, seconds_cluster = 0;
  /// Extracting each document's story evidence (ScanOptions::stories). It runs
  /// in the sketching pass, so the pass's wall time is shared between the two
  /// in proportion to the threads' time in each.
  double seconds_features = 0;
  double seconds_stories = 0;
  double seconds_passages = 0;
  double seconds_rewrites = 0;  ///< aligning pairs within stories (ScanOptions::rewrites)
  uint64_t rewrite_pairs = 0;   ///< pairs within stories aligned for rewrites
  uint64_t rewrite_links = 0;   ///< of them, linked as Relation::kRewrite
  /// Reading input while no batch was being sketched (front ends that read
  /// files set it; reading overlaps sketching, so this is what it adds).
  double seconds_read = 0;
  double seconds_write = 0;    ///< writing the output (front ends set it)
  uint64_t spilled_bytes = 0;  ///< shingle sets written to the spill file (ScanOptions)
  std::string spill_error;  ///< why spilling stopped and sets stayed in memory; empty if it did not
};

// Every document's text, read back one at a time from where a scan kept them
// (src/index/text_store.h: in memory up to a budget, past it in a temporary
// file), so that no structure holds all texts at once.
//
// Thread-safety: const members from any number of threads.
class DocumentTexts {
 public:
  virtual ~DocumentTexts() = default;
  virtual uint32_t size() const = 0;
  virtual uint32_t length(uint32_t doc) const = 0;  ///< bytes of document `doc`'s text
  /// Document `doc`'s text: points into the store or into `buffer`, valid
  /// until the next call with that buffer. Empty when it cannot be read back
  /// (error() then says why).
  virtual std::string_view text(uint32_t doc, std::string& buffer) const = 0;
  virtual std::string error() const = 0;  ///< empty while every text was read back
};

struct ScanResult {
  std::vector<DocInfo> docs;
  /// The texts, when a Scanner kept them (passages, stories or
  /// ScanOptions::keep_text); else null. Read them with document_text().
  std::shared_ptr<const DocumentTexts> texts;
  std::vector<Link> links;                     ///< sorted by (a, b)
  std::vector<Family> families;                ///< families of two or more, by id
  std::vector<Provenance> provenance;          ///< one per link, same order
  std::vector<std::vector<Passage>> passages;  ///< per link when aligned, same order; else empty
  std::vector<Story> stories;                  ///< stories of two or more documents, by id
  std::vector<Quotation> quotations;           ///< every quotation of every story, by story
  ScanStats stats;
};

// Document `doc`'s text: from result.texts when set, else DocInfo::text.
// `buffer` as DocumentTexts::text().
inline std::string_view document_text(const ScanResult& result, uint32_t doc, std::string& buffer) {
  if (result.texts) return result.texts->text(doc, buffer);
  return result.docs[doc].text;
}
inline size_t document_text_length(const ScanResult& result, uint32_t doc) {
  return result.texts ? result.texts->length(doc) : result.docs[doc].text.size();
}

}  // namespace kindred
