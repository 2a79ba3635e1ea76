// Report: the JSON Lines records of a scan (schema in docs/output.md) and the
// short human summary. Each function appends one complete line, '\n' included,
// so callers can write records as they come.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "kindred/pipeline.h"
#include "kindred/results.h"
#include "util/json_writer.h"

namespace kindred::report {

// {"type":"run",...}: first record of an output; names version and parameters.
void append_run_record(std::string& out, const Params& params, const ScanStats& stats);
// {"type":"link",...}: one verified pair.
void append_link_record(std::string& out, const Link& link, const ScanResult& result);
// {"type":"family",...}: one copy family.
void append_family_record(std::string& out, const Family& family, const ScanResult& result);
// {"type":"provenance",...}: which document of link `i` derives from which.
void append_provenance_record(std::string& out, size_t link_index, const ScanResult& result);
// {"type":"passage",...}: one aligned reused passage of link `i`.
void append_passage_record(std::string& out, size_t link_index, const Passage& passage,
                           const ScanResult& result);
// The fields of a passage (report/vocabulary.h, passage_fields, then the two
// texts), written into an object `w` has open. `text_a`/`text_b` are the texts
// the offsets point into.
void write_passage_fields(util::JsonWriter& w, const Passage& passage, std::string_view text_a,
                          std::string_view text_b);
// {"type":"story",...}: one story, with its merged account.
void append_story_record(std::string& out, const Story& story, const ScanResult& result);
// {"type":"quotation",...}: one quotation of a story with its variants.
void append_quotation_record(std::string& out, const Quotation& quotation,
                             const ScanResult& result);
// {"type":"summary",...}: last record; counts and timings.
// `seconds_write`: the time spent writing the records before this one (the
// summary cannot time its own writing).
void append_summary_record(std::string& out, const ScanResult& result, uint64_t rejected,
                           double seconds_write = 0);
// {"type":"rejected",...}: a record that could not be used, with its reason.
void append_rejection_record(std::string& out, const Rejection& rejection);

// Merged accounts made while the story records are written
// (ScanOptions::accounts_on_demand): write_scan_jsonl() calls `make` before
// the story records [first, last) are written, range after range in order, the
// ranges covering every story; `make` fills their accounts (Scanner::
// make_accounts(), which counts its time to the story stage in result.stats)
// and may drop those of the stories before `first`. The time spent in `make`
// is not writing: it is left out of the summary's write time.
struct StoryAccounts {
  std::function<void(size_t first, size_t last)> make;
  size_t range = 4096;  ///< stories per call
  double seconds = 0;   ///< time spent in `make`, added by write_scan_jsonl()
};

// All records of a result, in order: run, links (each followed by its
// provenance and passages), families, stories, quotations, summary. They reach
// `sink` in chunks of about a megabyte. Not OK when a text the records quote
// could not be read back (texts_status(), report/texts.h): the output is then
// incomplete. `accounts`: see StoryAccounts; null when the result has them.
Status write_scan_jsonl(const Params& params, const ScanResult& result, uint64_t rejected,
                        const std::function<void(std::string_view)>& sink,
                        StoryAccounts* accounts = nullptr);
// The same into one string (small results, tests; a read error is not reported).
std::string scan_to_jsonl(const Params& params, const ScanResult& result, uint64_t rejected);

// A few lines for a person: counts, relations, largest families, timings.
std::string summary_text(const ScanResult& result, uint64_t rejected);

}  // namespace kindred::report
