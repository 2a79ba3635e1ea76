// kindred scan PATH... : the batch pipeline from files to JSON Lines.
#include <chrono>
#include <cstdio>
#include <string>

#include "commands.h"
#include "input.h"
#include "kindred/pipeline.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "report/jsonl.h"

namespace kindred::cli {

namespace {

struct ScanArgs {
  InputArgs input;
  AnalysisArgs analysis;
  std::string output = "-";
};

void run_scan(ScanArgs& args) {
  TerminalProgress progress(!args.analysis.quiet && stderr_is_terminal());
  ScanOptions options = scan_options("scan", args.analysis, &progress);
  // Each story's account is made as its record is written, then dropped.
  options.accounts_on_demand = true;
  Scanner scanner(args.analysis.params, options);
  if (!scanner.status().is_ok()) fail("scan", 2, scanner.status().message());

  // Opened before any input is read: a missing folder fails at once, not after the work.
  OutputFile out;
  if (!out.open(args.output, OutputFile::Commit::kWhenComplete)) {
    fail("scan", 3, "cannot write output: " + out.error());
  }
  OutputFile rejects_file;
  const InputCounts counts = read_inputs("scan", args.input, scanner, progress, rejects_file);

  ScanResult result = scanner.finish();
  progress.clear();
  account_reading(counts, result.stats);

  const auto write_start = std::chrono::steady_clock::now();
  report::StoryAccounts accounts;
  size_t held_from = 0;  // the accounts of the stories before it are written and dropped
  accounts.make = [&](size_t first, size_t last) {
    for (; held_from < first; ++held_from) {
      std::vector<AccountSentence>().swap(result.stories[held_from].account);
    }
    scanner.make_accounts(result, first, last);
  };
  const Status written = report::write_scan_jsonl(
      args.analysis.params, result, counts.rejected,
      [&](std::string_view chunk) { out.write(chunk); }, &accounts);
  // An output missing a text is not committed (OutputFile discards it).
  if (!written.is_ok()) fail("scan", 3, written.message());
  if (!out.close()) fail("scan", 3, out.error());
  result.stats.seconds_write =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - write_start).count() -
      accounts.seconds;
  if (!rejects_file.close()) fail("scan", 3, rejects_file.error());

  if (!args.analysis.quiet) {
    const std::string text =
        report::summary_text(result, counts.rejected) + input_summary_text(args.input, counts);
    std::fputs(text.c_str(), stderr);
  }
}

}  // namespace

void register_scan(CLI::App& app) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand("scan", "Find copies among documents; JSON Lines out");
  add_input_args(cmd, args->input);
  cmd->add_option("-o,--output", args->output, "Output JSON Lines file (- = stdout)")
      ->capture_default_str();
  add_analysis_args(cmd, args->analysis);
  cmd->callback([args] { run_scan(*args); });
}

}  // namespace kindred::cli
