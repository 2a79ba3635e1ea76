// Rewrites within stories: the pairs that share too few shingles to be
// candidates, found where they are likely to be.
//
// A wire story reworded by another outlet shares almost no word 5-gram with
// its source, so LSH never proposes the pair. The story stage has already put
// the two in one story (they share content words, names, quotations): within
// each story, every member is aligned with the members most similar to it
// (story similarity, at most `partners` of them) by the reuse aligner
// (align/reuse.h: exact and rewritten passages, summaries), and a pair whose
// passages cover enough of the shorter text becomes a link with relation
// `rewrite`, with its passages and a provenance.
//
// Budget: at most `partners` pairs per member, so at most partners x members
// alignments per story; each member's ranking reads the story similarity of
// at most `window` other members (all of them in smaller stories; else its
// nearest members by document index, that is in input order). Pairs already
// linked or in one copy family are skipped: the copy stage covered them.
//
// Rewrite links do not join copy families (families are copies, decided on
// shingles); they are reported as links beside the copy links.
//
// Thread-safety: free functions without shared state; `loop` decides the threading.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "kindred/params.h"
#include "kindred/results.h"
#include "normalize/language.h"
#include "normalize/tokenize.h"
#include "story/candidates.h"
#include "story/features.h"
#include "story/stories.h"

namespace kindred::pipeline {

struct StoryReuseParams {
  uint32_t partners = 16;  ///< members of its story each document is aligned with, at most
  uint32_t window = 64;    ///< members whose story similarity a document's ranking reads, at most
  /// align::reuse_score (the shorter text's words inside passages, weighted by
  /// their confidence) from which a pair is linked: half of the shorter text
  /// (the copy links' Params::link) in passages of confidence 0.5 (the bar of
  /// a rewritten passage resting on one sentence pair)
  double min_reuse = 0.25;
  /// Similar sentence pairs a summary passage needs to count toward the link
  /// (compare reports summaries from RewriteParams::summary_seeds = 2). Members
  /// of a story share their topic's words: two short independent reports of
  /// one event make 2-3 (synthetic stories, `kindred synth --stories`).
  uint32_t summary_seeds = 4;
};

struct StoryRewrite {
  Link link;                      ///< relation kRewrite; overlap of the word shingles
  std::vector<Passage> passages;  ///< by a_begin
  double reused_a = 0;            ///< share of a's words inside passages
  double reused_b = 0;            ///< share of b's words inside passages
  double reuse = 0;               ///< align::reuse_score of the passages it rests on
};

struct StoryReuseStats {
  uint64_t pairs = 0;  ///< pairs aligned
  uint64_t links = 0;  ///< rewrite links found
};

// The rewrite links of every story. `docs` carry the families, and the texts
// unless `texts` is given (then read from it, a story's members at a time),
// `features[d]` are document d's story features, `links` the copy links (in
// any order). The result is sorted by (a, b).
std::vector<StoryRewrite> find_story_rewrites(
    std::span<const Story> stories, std::span<const DocInfo> docs,
    std::span<const story::StoryFeatures> features, const story::StoryStats& stats,
    std::span<const Link> links, const Params& params, const StoryReuseParams& reuse_params,
    const story::RangeLoop& loop, StoryReuseStats* out_stats = nullptr,
    const DocumentTexts* texts = nullptr);
// The same of the documents' prepared evidence (story::prepare(), one per
// document, story/stories.h): what the scanner keeps in the story stage.
std::vector<StoryRewrite> find_story_rewrites(
    std::span<const Story> stories, std::span<const DocInfo> docs,
    std::span<const story::PreparedDoc> prepared, std::span<const Link> links, const Params& params,
    const StoryReuseParams& reuse_params, const story::RangeLoop& loop,
    StoryReuseStats* out_stats = nullptr, const DocumentTexts* texts = nullptr);

// The rewrite aligner's terms for a text (the `terms` of align::find_reuse):
// Snowball stems in the text's language (story::token_stems), so that
// "negotiations" meets "negotiating" and inflected translations meet their
// source (PAN 2013 training split, plagdet of compare's passages: 0.889 with
// normalised words, 0.894 with stems; translation 0.870 -> 0.891, summary
// 0.570 -> 0.608). Scan's rewrites, compare and the eval benchmarks use it.
// kUnknown: the language is identified from the text.
std::vector<uint64_t> reuse_terms(std::string_view text, std::span<const normalize::Token> tokens,
                                  normalize::Language language = normalize::Language::kUnknown);

// A text as the reuse aligner reads it: its tokens, and its reuse_terms()
// computed the first time the rewrite aligner asks for them (never for a text
// whose links are all copies, see align/reuse.h). Analysing a document once
// for all of its links, not once per link: a wire story with 50 copies is
// tokenised, identified and stemmed once. The text is viewed, not copied.
// Not thread-safe: terms() fills a cache (one thread at a time).
class AnalysedText {
 public:
  explicit AnalysedText(std::string_view text,
                        normalize::Language language = normalize::Language::kUnknown);
  std::string_view text() const { return text_; }
  std::span<const normalize::Token> tokens() const { return tokens_; }
  std::span<const uint64_t> terms() const;  ///< reuse_terms(text, tokens, language)

 private:
  std::string_view text_;
  normalize::Language language_;
  std::vector<normalize::Token> tokens_;
  mutable std::vector<uint64_t> terms_;
  mutable bool have_terms_ = false;
};

// The reused passages of two texts, of every kind, as scan reports them on its
// links and compare shows them: align::find_reuse with reuse_terms() as the
// rewrite aligner's terms (computed only when it runs: not for copies, see
// align/reuse.h), sorted by a_begin. kindred::align_texts() is this.
std::vector<Passage> reuse_passages(std::string_view a, std::string_view b);
// The same on texts analysed beforehand (equal to the above on their texts).
std::vector<Passage> reuse_passages(const AnalysedText& a, const AnalysedText& b);

// A document's text by index; the view needs to last only until the next call
// from the same thread.
using DocumentText = std::function<std::string_view(uint32_t doc)>;

struct LinkPassagesParams {
  /// Links per batch. Each batch analyses each of its documents once (they
  /// are kept, with their texts, until the batch ends): memory is bounded by
  /// a batch's texts per thread, whatever the number of documents. Links are
  /// sorted by (a, b), so a document's links as `a` fall in one or two
  /// batches, and a family of copies (all linked to one another) in a few.
  size_t batch = 256;
};

// out[i] = reuse_passages() of links[i]'s two texts, for every link (out has
// links.size() entries). `loop` runs the batches, possibly concurrently;
// `text` must then be callable from its threads at once.
void link_passages(std::span<const Link> links, const DocumentText& text,
                   std::span<std::vector<Passage>> out, const story::RangeLoop& loop,
                   const LinkPassagesParams& params = {});

// Adds the rewrites (sorted by (a, b), as find_story_rewrites() returns them)
// to a result whose links are sorted by (a, b), as Scanner sorts them: links
// (kept sorted), their
// provenance (from dates, else from which side is more reused), and their
// passages when the result has passages (`with_passages`).
void add_story_rewrites(ScanResult& result, std::span<const DocInfo> docs,
                        std::vector<StoryRewrite> rewrites, bool with_passages);

}  // namespace kindred::pipeline
