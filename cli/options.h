// Command-line options shared by subcommands: the pipeline Params and the
// JSON Lines field names. Defaults come from the library, never from here.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "ingest/reader.h"
#include "kindred/params.h"

namespace kindred::cli {

inline void add_params_options(CLI::App* cmd, Params& p) {
  auto* g = "Similarity parameters (PARAMS.md explains each trade-off)";
  cmd->add_option("--shingle", p.shingle_size, "Words per shingle")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--bins", p.sketch_bins, "MinHash sketch size (bins)")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--bands", p.bands, "LSH bands")->group(g)->capture_default_str();
  cmd->add_option("--rows", p.rows, "LSH rows per band")->group(g)->capture_default_str();
  cmd->add_option("--max-bucket", p.max_bucket, "LSH bucket size above which pairs are capped")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--near", p.near_duplicate, "Jaccard for near_duplicate")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--contained", p.contained, "Containment of the smaller text for contained")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--link", p.link, "Containment (either way) for the weakest link, overlapping")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--min-shared", p.min_shared, "Shared shingles a non-exact link needs")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--seed", p.seed, "Hash seed")->group(g)->capture_default_str();
  cmd->add_option("--story-link", p.story_link, "Story similarity for two articles to join first")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--story-cohesion", p.story_cohesion, "Mean similarity two groups need to merge")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--story-window", p.story_window_days, "Days apart before dates discount stories")
      ->group(g)
      ->capture_default_str();
}

inline void add_input_options(CLI::App* cmd, ingest::ReadOptions& o) {
  auto* g = "Input";
  cmd->add_option("--id-field", o.fields.id, "JSON Lines field holding the id")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--text-field", o.fields.text, "JSON Lines field holding the text")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--title-field", o.fields.title, "JSON Lines title field")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--date-field", o.fields.date, "JSON Lines date field")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--url-field", o.fields.url, "JSON Lines URL field")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--source-field", o.fields.source, "JSON Lines source field")
      ->group(g)
      ->capture_default_str();
  cmd->add_option("--warc-id", o.warc_id, "WARC document ids: record (WARC-Record-ID) or uri")
      ->transform(CLI::CheckedTransformer(std::map<std::string, ingest::WarcId>{
          {"record", ingest::WarcId::kRecordId}, {"uri", ingest::WarcId::kTargetUri}}))
      ->group(g);
  cmd->add_option("--max-doc-bytes", o.max_document_bytes,
                  "Documents larger than this are rejected")
      ->group(g)
      ->capture_default_str();
}

}  // namespace kindred::cli
