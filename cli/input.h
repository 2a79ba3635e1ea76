// Input shared by the subcommands that run the pipeline (scan, report): the
// PATH arguments and their options, and reading them into a Scanner under the
// reject policy (stop at the first bad record, or --skip-bad: write each to
// --rejects and go on).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "ingest/reader.h"
#include "kindred/pipeline.h"
#include "output.h"
#include "progress.h"

namespace kindred::cli {

struct InputArgs {
  std::vector<std::string> paths;
  std::string rejects = "kindred-rejects.jsonl";
  bool skip_bad = false;
  size_t batch = 2048;
  ingest::ReadOptions read;
};

// Registers PATH..., --skip-bad, --rejects, --batch and the input field options.
void add_input_args(CLI::App* cmd, InputArgs& args);

struct InputCounts {
  uint64_t rejected = 0;  ///< records rejected by the readers and the Scanner
  ingest::ReadStats read;
  double seconds = 0;  ///< wall time of read_inputs(): reading, with the sketching it overlaps
};

// Sets stats.seconds_read to the reading time that sketching did not cover.
void account_reading(const InputCounts& counts, ScanStats& stats);

// Prints "kindred COMMAND: MESSAGE" to stderr and ends the program with `code`
// (through CommandExit).
[[noreturn]] void fail(const char* command, int code, const std::string& message);

// Reads every path into `scanner`. Rejections go to `rejects_file` (opened on
// the first one) with --skip-bad, else the first one ends the run with exit
// code 1 (3 when the rejects file cannot be written). Ends the run with code 1
// too when no document was accepted. `rejects_file` stays open so the caller
// closes it after writing its output, and reports a failure to close it.
InputCounts read_inputs(const char* command, const InputArgs& args, Scanner& scanner,
                        TerminalProgress& progress, OutputFile& rejects_file);

// How much analysis runs, and with what parameters: shared by scan and report.
struct AnalysisArgs {
  unsigned threads = 0;
  bool quiet = false;
  bool no_stories = false;
  bool no_passages = false;
  bool no_rewrites = false;
  uint64_t memory_mb = 512;  // shingle sets, texts and story terms held in memory, together
  std::string temp_dir;      // where they spill (empty: $TMPDIR or /tmp)
  Params params;
};

// Registers --threads, --quiet, --no-stories, --no-passages, --memory,
// --temp-dir and the parameters.
void add_analysis_args(CLI::App* cmd, AnalysisArgs& args);

// Validates the parameters (ending the run with code 2 when they are invalid)
// and returns the Scanner's options.
ScanOptions scan_options(const char* command, const AnalysisArgs& args, ProgressSink* progress);

// The lines a summary adds about input: skipped files, where rejects went.
std::string input_summary_text(const InputArgs& args, const InputCounts& counts);

}  // namespace kindred::cli
