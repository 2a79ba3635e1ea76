// The rewrite links within stories, in parts (the Dask backend's story
// records task): an internal entry point beside include/kindred/stages.h's
// "Stories in parts", implemented in story_stages.cpp.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kindred/params.h"
#include "kindred/results.h"
#include "kindred/stages.h"
#include "kindred/status.h"

namespace kindred::pipeline {

// One rewrite link of a task's stories: its ends (indices into the task's
// documents, a < b) and its records (link, provenance, passages) as
// `kindred scan` writes them.
struct RewriteRecords {
  uint32_t a = 0, b = 0;
  std::string records;
};

// find_story_rewrites() and add_story_rewrites() of `stories` (members index
// `docs`, in collection order), as Scanner runs them: `families[d]` is
// document d's family id (-1: none), `links` the copy links among the
// documents (indices into `docs`), `collection` the collection statistics.
// Sorted by (a, b). Members or links out of range: kInvalidArgument.
Result<std::vector<RewriteRecords>> story_rewrite_records(std::span<const KeyedStory> stories,
                                                          std::span<const StoryDocument> docs,
                                                          std::span<const int32_t> families,
                                                          std::span<const Link> links,
                                                          const StoryCollection& collection,
                                                          const Params& params, bool with_passages);

}  // namespace kindred::pipeline
