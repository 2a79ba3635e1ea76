// kindred synth : writes a synthetic news corpus with known copies (JSON Lines,
// optionally gzip or zstd), and optionally its ground truth, for tests and
// benchmarks. Exit codes: 2 bad options, 3 output error (as main.cpp).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "synth/generator.h"
#include "synth/jsonl.h"
#include "synth/output.h"

namespace kindred::cli {

namespace {

struct SynthArgs {
  synth::CorpusSpec spec;
  std::string output = "-";
  std::string truth;
  std::string story_truth;
  std::string kinds;
  int level = synth::OutputStream::kDefaultLevel;
  bool verbose = false;
};

[[noreturn]] void fail(int code, const std::string& message) {
  std::fprintf(stderr, "kindred synth: %s\n", message.c_str());
  throw CommandExit{code};
}

// Batches lines into large writes to a file, compressed by its suffix.
class BufferedOutput {
 public:
  static constexpr size_t kFlushBytes = 1 << 22;

  void open(const std::string& path, int level) {
    if (Status s = stream_.open(path, level); !s.is_ok()) {
      if (s.code() == StatusCode::kInvalidArgument) fail(2, "--level: " + s.message());
      fail(3, "cannot write output: " + s.message());
    }
    buffer_.reserve(kFlushBytes + (1 << 16));
  }
  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kFlushBytes) flush();
  }
  void flush() {
    if (Status s = stream_.write(buffer_); !s.is_ok()) fail(3, s.message());
    buffer_.clear();
  }
  void close() {
    flush();
    if (Status s = stream_.close(); !s.is_ok()) fail(3, s.message());
  }
  uint64_t bytes_in() const { return stream_.bytes_in(); }
  uint64_t bytes_out() const { return stream_.bytes_out(); }

 private:
  synth::OutputStream stream_;
  std::string buffer_;
};

void run_synth(SynthArgs& args) {
  if (!args.kinds.empty()) {
    if (Status s = synth::parse_kind_weights(args.kinds, args.spec.edits); !s.is_ok())
      fail(2, s.message());
  }
  if (Status s = args.spec.validate(); !s.is_ok()) fail(2, s.message());
  if (args.output.empty()) args.output = "-";
  if (args.truth == args.output) fail(2, "--truth and --output must be different files");
  const bool with_stories = !args.story_truth.empty();
  if (with_stories && (args.story_truth == args.output || args.story_truth == args.truth))
    fail(2, "--story-truth must be a file of its own");
  if (with_stories && args.spec.stories.fraction <= 0)
    fail(2, "--story-truth needs --stories F with F > 0");

  BufferedOutput docs, truth, stories;
  docs.open(args.output, args.level);
  const bool with_truth = !args.truth.empty();
  if (with_truth) truth.open(args.truth, args.level);
  if (with_stories) stories.open(args.story_truth, args.level);

  const auto start = std::chrono::steady_clock::now();
  synth::generate(
      args.spec,
      [&](Document&& d) {
        synth::append_document_jsonl(docs.buffer(), d);
        docs.maybe_flush();
      },
      [&](const synth::TruthPair& t) {
        if (!with_truth) return;
        synth::append_truth_jsonl(truth.buffer(), t);
        truth.maybe_flush();
      },
      [&](const synth::StoryTruth& t) {
        if (!with_stories) return;
        synth::append_story_jsonl(stories.buffer(), t);
        stories.maybe_flush();
      });
  docs.close();
  if (with_truth) truth.close();
  if (with_stories) stories.close();

  if (args.verbose) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double mb = static_cast<double>(docs.bytes_in()) / 1e6;
    std::fprintf(
        stderr,
        "kindred synth: %llu documents (%llu copies), %.1f MB of JSON Lines (%.1f MB written) "
        "in %.2f s: %.1f MB/s\n",
        static_cast<unsigned long long>(args.spec.documents),
        static_cast<unsigned long long>(args.spec.copies()), mb,
        static_cast<double>(docs.bytes_out()) / 1e6, seconds, seconds > 0 ? mb / seconds : 0.0);
  }
}

}  // namespace

void register_synth(CLI::App& app) {
  auto args = std::make_shared<SynthArgs>();
  CLI::App* cmd = app.add_subcommand(
      "synth",
      "Generate a synthetic news corpus with known copies (JSON Lines: id, title, text, date, "
      "source); --truth writes one {source, copy, kind, kept} line per copy, --story-truth one "
      "{id, story, decoy} line per document");
  cmd->add_option("-n,--documents", args->spec.documents, "Documents in all, copies included")
      ->capture_default_str();
  cmd->add_option("--copy-fraction", args->spec.copy_fraction,
                  "Share of documents that are copies, in [0, 1)")
      ->capture_default_str();
  cmd->add_option("--mean-words", args->spec.mean_words, "Mean length of an original in words")
      ->capture_default_str();
  cmd->add_option("--seed", args->spec.seed, "Random seed: equal seeds give identical corpora")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output,
                  "Corpus file (- = stdout); *.gz and *.zst are compressed")
      ->capture_default_str();
  cmd->add_option("--truth", args->truth,
                  "Ground-truth file, one line per copy (- = stdout); *.gz, *.zst as -o");
  cmd->add_option("--level", args->level,
                  "Compression level (gzip 1-9, default 1; zstd 1-19, default 3)");
  cmd->add_option(
      "--kinds", args->kinds,
      "Copy kinds and relative weights, e.g. exact=1,abridged=2 (unnamed kinds: 0); "
      "kinds: exact, light_edit, heavy_edit, abridged, abridged_edited, reordered, expanded");
  cmd->add_option("--stories", args->spec.stories.fraction,
                  "Share of originals that are independent reports of shared events, in [0, 1] "
                  "(0: none)")
      ->capture_default_str();
  cmd->add_option("--reports-per-story", args->spec.stories.reports_per_story,
                  "Mean reports per event, in [1, 32]")
      ->capture_default_str();
  cmd->add_option("--decoys", args->spec.stories.decoy_fraction,
                  "Share of events with the people of an earlier, different event, in [0, 1]")
      ->capture_default_str();
  cmd->add_option("--story-truth", args->story_truth,
                  "Story truth file, one {id, story, decoy} line per document; *.gz, *.zst as -o");
  cmd->add_flag("-v,--verbose", args->verbose, "Print size and speed to stderr at the end");
  cmd->callback([args] { run_synth(*args); });
}

}  // namespace kindred::cli
