// kindred scan PATH... : the batch pipeline from files to JSON Lines.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "ingest/reader.h"
#include "kindred/pipeline.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "report/jsonl.h"

namespace kindred::cli {

namespace {

struct ScanArgs {
  std::vector<std::string> paths;
  std::string output = "-";
  std::string rejects = "kindred-rejects.jsonl";
  unsigned threads = 0;
  bool skip_bad = false;
  bool quiet = false;
  bool no_stories = false;
  size_t batch = 2048;
  Params params;
  ingest::ReadOptions read;
};

[[noreturn]] void fail(int code, const std::string& message) {
  std::fprintf(stderr, "kindred scan: %s\n", message.c_str());
  throw CommandExit{code};
}

std::string describe(const Rejection& r) {
  std::string where = r.origin.file;
  if (r.origin.line > 0) where += ":" + std::to_string(r.origin.line);
  // Reader messages already name the file; pipeline messages name the document.
  const std::string& msg = r.status.message();
  if (!where.empty() && msg.find(r.origin.file) == std::string::npos) return where + ": " + msg;
  return msg;
}

void run_scan(ScanArgs& args) {
  if (Status s = args.params.validate(); !s.is_ok()) fail(2, s.message());
  TerminalProgress progress(!args.quiet && stderr_is_terminal());
  ScanOptions options;
  options.threads = args.threads;
  options.progress = &progress;
  options.stories = !args.no_stories;
  Scanner scanner(args.params, options);

  OutputFile rejects_file;
  uint64_t rejected = 0;
  std::optional<Rejection> fatal;  // strict mode: the first bad record ends the run
  // Every rejection passes here: stop (default), or record it and go on (--skip-bad).
  auto on_reject = [&](Rejection&& r) {
    ++rejected;
    if (!args.skip_bad) {
      fatal = std::move(r);
      return false;
    }
    if (rejects_file.path().empty() && !rejects_file.open(args.rejects)) {
      Rejection io;
      io.status = Status(StatusCode::kIoError, "cannot write rejects: " + rejects_file.error());
      fatal = std::move(io);
      return false;
    }
    std::string line;
    report::append_rejection_record(line, r);
    rejects_file.write(line);
    return true;
  };
  auto stop_if_fatal = [&] {
    if (!fatal) return;
    progress.clear();
    if (fatal->status.code() == StatusCode::kIoError && fatal->origin.file.empty()) {
      fail(3, fatal->status.message());
    }
    fail(1, "error: " + describe(*fatal) + " (use --skip-bad to continue past bad records)");
  };

  std::vector<Document> batch;
  auto flush = [&] {
    for (Rejection& r : scanner.add(std::move(batch))) {
      if (!on_reject(std::move(r))) break;
    }
    batch.clear();
  };
  ingest::ReadStats read_stats;
  for (const std::string& path : args.paths) {
    ingest::read_path(
        path, args.read,
        [&](Document&& d) {
          batch.push_back(std::move(d));
          if (batch.size() < args.batch) return true;
          flush();
          progress.note_bytes(read_stats.bytes);
          return !fatal;
        },
        on_reject, &read_stats);
    stop_if_fatal();
  }
  flush();
  stop_if_fatal();
  if (scanner.size() == 0) {
    progress.clear();
    fail(1, "no documents to scan (" + std::to_string(read_stats.files) + " files read, " +
                std::to_string(read_stats.files_skipped) + " skipped, " + std::to_string(rejected) +
                " records rejected)");
  }

  ScanResult result = scanner.finish();
  progress.clear();

  OutputFile out;
  if (!out.open(args.output)) fail(3, "cannot write output: " + out.error());
  report::write_scan_jsonl(args.params, result, rejected,
                           [&](std::string_view chunk) { out.write(chunk); });
  if (!out.close()) fail(3, out.error());
  if (!rejects_file.close()) fail(3, rejects_file.error());

  if (!args.quiet) {
    std::string text = report::summary_text(result, rejected);
    if (read_stats.files_skipped > 0) {
      text += "  " + std::to_string(read_stats.files_skipped) +
              " files skipped (unsupported extension)\n";
    }
    if (rejected > 0) text += "  rejected records written to " + args.rejects + "\n";
    std::fputs(text.c_str(), stderr);
  }
}

}  // namespace

void register_scan(CLI::App& app) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand("scan", "Find copies among documents; JSON Lines out");
  cmd->add_option("paths", args->paths,
                  "Folders of .txt, JSON Lines files (.jsonl[.gz|.zst]), or - for stdin")
      ->required();
  cmd->add_option("-o,--output", args->output, "Output JSON Lines file (- = stdout)")
      ->capture_default_str();
  cmd->add_option("-t,--threads", args->threads, "Worker threads (0 = all cores)")
      ->capture_default_str();
  cmd->add_flag("--skip-bad", args->skip_bad,
                "Continue past bad records, writing each with its reason to --rejects");
  cmd->add_option("--rejects", args->rejects, "Where --skip-bad writes rejected records")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "No summary or progress on stderr");
  cmd->add_flag("--no-stories", args->no_stories,
                "Copies only: no stories, quotations or merged accounts (texts are not kept)");
  cmd->add_option("--batch", args->batch, "Documents analysed per parallel batch")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24))
      ->capture_default_str();
  add_params_options(cmd, args->params);
  add_input_options(cmd, args->read);
  cmd->callback([args] { run_scan(*args); });
}

}  // namespace kindred::cli
