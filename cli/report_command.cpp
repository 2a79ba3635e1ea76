// kindred report PATH... -o FILE.html : the pipeline, then one self-contained
// HTML page (report/html.h) with the stories, their accounts and passages.
#include <chrono>
#include <cstdio>
#include <string>

#include "commands.h"
#include "input.h"
#include "kindred/pipeline.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "report/html.h"
#include "report/jsonl.h"

namespace kindred::cli {

namespace {

struct ReportArgs {
  InputArgs input;
  std::string output;
  std::string title = "kindred report";
  AnalysisArgs analysis;
};

void run_report(ReportArgs& args) {
  TerminalProgress progress(!args.analysis.quiet && stderr_is_terminal());
  ScanOptions options = scan_options("report", args.analysis, &progress);
  options.keep_text = true;  // untitled documents' headlines are their first lines
  Scanner scanner(args.analysis.params, options);
  if (!scanner.status().is_ok()) fail("report", 2, scanner.status().message());

  // Opened before any input is read: a missing folder fails at once, not after the work.
  OutputFile out;
  if (!out.open(args.output, OutputFile::Commit::kWhenComplete)) {
    fail("report", 3, "cannot write output: " + out.error());
  }
  OutputFile rejects_file;
  const InputCounts counts = read_inputs("report", args.input, scanner, progress, rejects_file);

  ScanResult result = scanner.finish();
  progress.clear();
  account_reading(counts, result.stats);

  report::HtmlOptions html;
  html.title = args.title;
  html.rejected = counts.rejected;
  uint64_t bytes = 0;
  const auto write_start = std::chrono::steady_clock::now();
  const Status written =
      report::write_html_report(args.analysis.params, result, html, [&](std::string_view chunk) {
        bytes += chunk.size();
        out.write(chunk);
      });
  // A page missing a text is not committed (OutputFile discards it).
  if (!written.is_ok()) fail("report", 3, written.message());
  if (!out.close()) fail("report", 3, out.error());
  result.stats.seconds_write =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - write_start).count();
  if (!rejects_file.close()) fail("report", 3, rejects_file.error());

  if (!args.analysis.quiet) {
    std::string text =
        report::summary_text(result, counts.rejected) + input_summary_text(args.input, counts);
    char buf[256];
    std::snprintf(buf, sizeof buf, "  report: %s (%.1f MB)\n",
                  args.output == "-" ? "stdout" : args.output.c_str(), double(bytes) / 1e6);
    text += buf;
    std::fputs(text.c_str(), stderr);
  }
}

}  // namespace

void register_report(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Find copies and stories among documents; one self-contained HTML page out");
  add_input_args(cmd, args->input);
  cmd->add_option("-o,--output", args->output, "Output HTML file (- = stdout)")->required();
  cmd->add_option("--title", args->title, "Title of the page")->capture_default_str();
  add_analysis_args(cmd, args->analysis);
  cmd->callback([args] { run_report(*args); });
}

}  // namespace kindred::cli
