#include "input.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

#include "commands.h"
#include "ingest/batches.h"
#include "options.h"
#include "report/jsonl.h"

namespace kindred::cli {

namespace {

std::string describe(const Rejection& r) {
  std::string where = r.origin.file;
  if (r.origin.line > 0) where += ":" + std::to_string(r.origin.line);
  // Reader messages already name the file; pipeline messages name the document.
  const std::string& msg = r.status.message();
  if (!where.empty() && msg.find(r.origin.file) == std::string::npos) return where + ": " + msg;
  return msg;
}

}  // namespace

void fail(const char* command, int code, const std::string& message) {
  std::fprintf(stderr, "kindred %s: %s\n", command, message.c_str());
  throw CommandExit{code};
}

void add_input_args(CLI::App* cmd, InputArgs& args) {
  cmd->add_option("paths", args.paths,
                  "Folders or files (.txt, .html, .jsonl, .warc; gzip or zstd too; "
                  "docs/input.md), or - for stdin")
      ->required();
  cmd->add_flag("--skip-bad", args.skip_bad,
                "Continue past bad records, writing each with its reason to --rejects");
  cmd->add_option("--rejects", args.rejects, "Where --skip-bad writes rejected records")
      ->capture_default_str();
  cmd->add_option("--batch", args.batch, "Documents analysed per parallel batch")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24))
      ->capture_default_str();
  add_input_options(cmd, args.read);
}

InputCounts read_inputs(const char* command, const InputArgs& args, Scanner& scanner,
                        TerminalProgress& progress, OutputFile& rejects_file) {
  const auto start = std::chrono::steady_clock::now();
  InputCounts counts;
  std::string rejects_error;  // --skip-bad: the rejects file could not be written
  auto on_reject = [&](Rejection&& r) {
    ++counts.rejected;
    if (rejects_file.path().empty() && !rejects_file.open(args.rejects)) {
      rejects_error = "cannot write rejects: " + rejects_file.error();
      return false;
    }
    std::string line;
    report::append_rejection_record(line, r);
    rejects_file.write(line);
    return true;
  };
  // Reading and analysing overlap: while the Scanner analyses one batch on
  // its workers, this thread parses the next (BatchPolicy::overlap).
  const std::optional<Rejection> fatal = ingest::read_in_batches(
      args.paths.size(),
      [&](size_t i, const ingest::DocumentSink& on_document, const ingest::RejectSink& reject) {
        ingest::read_path(
            args.paths[i], args.read,
            [&](Document&& d) {
              progress.note_bytes(counts.read.bytes);
              return on_document(std::move(d));
            },
            reject, &counts.read);
      },
      {args.batch, args.skip_bad, /*overlap=*/true},
      [&scanner](std::vector<Document>&& docs) { return scanner.add(std::move(docs)); }, on_reject);
  if (!rejects_error.empty()) {
    progress.clear();
    fail(command, 3, rejects_error);
  }
  if (fatal) {
    progress.clear();
    fail(command, 1,
         "error: " + describe(*fatal) + " (use --skip-bad to continue past bad records)");
  }
  if (scanner.size() == 0) {
    progress.clear();
    fail(command, 1,
         "no documents to scan (" + std::to_string(counts.read.files) + " files read, " +
             std::to_string(counts.read.files_skipped) + " skipped, " +
             std::to_string(counts.rejected) + " records rejected)");
  }
  counts.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return counts;
}

void account_reading(const InputCounts& counts, ScanStats& stats) {
  // Batches are sketched one at a time while the next is read, so the
  // reading that no sketching covered is the wall time less the sketching.
  stats.seconds_read =
      std::max(0.0, counts.seconds - stats.seconds_sketch - stats.seconds_features);
}

std::string input_summary_text(const InputArgs& args, const InputCounts& counts) {
  std::string text;
  auto line = [&](uint64_t n, const char* what) {
    if (n > 0) text += "  " + std::to_string(n) + " " + what + "\n";
  };
  line(counts.read.files_skipped, "files skipped (no recognisable format)");
  line(counts.read.warc_skipped, "WARC records skipped (request, metadata, warcinfo ...)");
  line(counts.read.warc_non_html, "WARC responses skipped (not HTML)");
  line(counts.read.warc_not_ok, "WARC responses skipped (HTTP status not 2xx)");
  line(counts.read.charset_unknown, "pages with an unknown charset, read as UTF-8");
  if (counts.rejected > 0) text += "  rejected records written to " + args.rejects + "\n";
  return text;
}

void add_analysis_args(CLI::App* cmd, AnalysisArgs& args) {
  cmd->add_option("-t,--threads", args.threads, "Worker threads (0 = all cores)")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args.quiet, "No summary or progress on stderr");
  cmd->add_flag("--no-stories", args.no_stories, "No stories, quotations or merged accounts");
  cmd->add_flag("--no-passages", args.no_passages, "No passage alignment of linked pairs");
  cmd->add_flag("--no-rewrites", args.no_rewrites,
                "No alignment of unlinked pairs within stories (no rewrite links)");
  cmd->add_option(
         "--memory", args.memory_mb,
         "MB of shingle sets, texts and story terms kept in memory, together (shares 3:3:2 of "
         "those a scan keeps); the rest spill to a temporary file")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--temp-dir", args.temp_dir,
                  "Directory of the spill file (default: $TMPDIR or /tmp)");
  add_params_options(cmd, args.params);
}

ScanOptions scan_options(const char* command, const AnalysisArgs& args, ProgressSink* progress) {
  if (Status s = args.params.validate(); !s.is_ok()) fail(command, 2, s.message());
  ScanOptions options;
  options.threads = args.threads;
  options.progress = progress;
  options.stories = !args.no_stories;
  options.passages = !args.no_passages;
  options.rewrites = !args.no_rewrites;
  options.spill_after_bytes = args.memory_mb << 20;
  options.spill_dir = args.temp_dir;
  return options;
}

}  // namespace kindred::cli
