// Command-line options shared by subcommands: the pipeline Params and the
// JSON Lines field names. Defaults come from the library, never from here.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "ingest/reader.h"
#include "kindred/params.h"

namespace kindred::cli {

// One option per row of the parameter table (kindred/params.h).
inline void add_params_options(CLI::App* cmd, Params& p) {
  auto* g = "Similarity parameters (PARAMS.md explains each trade-off)";
  for_each_param([&](const ParamRow& row, auto member) {
    cmd->add_option(std::string("--") + row.option, p.*member, row.help)
        ->group(g)
        ->capture_default_str();
  });
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
