// `kindred index create|add|query|stats|check|refresh DIR ...`: the live index
// (include/kindred/live_index.h) from the command line.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "http_server.h"
#include "ingest/batches.h"
#include "input.h"
#include "kindred/live_index.h"
#include "options.h"
#include "output.h"
#include "report/jsonl.h"
#include "report/vocabulary.h"
#include "util/json_writer.h"

namespace kindred::cli {

namespace {

struct IndexArgs {
  std::string dir;
  Params params;
  InputArgs input;
  unsigned threads = 0;
  size_t commit = 256;
  uint32_t merge_documents = LiveOpenOptions{}.merge_documents;
  bool ack = false;
  bool quiet = false;
  bool no_refresh = false;
  std::string file;
};

std::unique_ptr<LiveIndex> open_index(const char* command, const IndexArgs& a, bool read_only) {
  LiveOpenOptions o;
  o.threads = a.threads;
  o.read_only = read_only;
  o.merge_documents = a.merge_documents;
  // A command's run is short: `index add` refreshes the stories once at its
  // end rather than after every commit (a server's refresher does that).
  o.background_stories = false;
  auto index = LiveIndex::open(a.dir, o);
  if (!index) fail(command, 1, index.status().message());
  return std::move(*index);
}

void print(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
}

void run_add(const IndexArgs& a) {
  const char* cmd = "index add";
  auto index = open_index(cmd, a, false);
  OutputFile rejects;
  uint64_t added = 0, rejected = 0, links = 0;
  auto consume = [&](std::vector<Document>&& batch) {
    auto r = index->add(std::move(batch));
    if (!r) fail(cmd, 3, r.status().message());
    // Committed: acknowledge each document (the crash test relies on this order).
    if (a.ack) {
      std::string out;
      for (const LiveAdded& d : r->added) out += "added " + d.id + "\n";
      print(out);
      std::fflush(stdout);
    }
    added += r->added.size();
    // A link between two documents of this commit is listed by both; count each
    // link at its later document (documents are numbered in the order added).
    for (const LiveAdded& d : r->added) {
      for (const LiveMatch& m : d.matches) links += m.doc < d.doc;
    }
    return std::move(r->rejections);
  };
  auto on_reject = [&](Rejection&& r) {  // --skip-bad: to the rejects file
    ++rejected;
    if (rejects.path().empty() && !rejects.open(a.input.rejects)) {
      fail(cmd, 3, "cannot write rejects: " + rejects.error());
    }
    std::string line;
    report::append_rejection_record(line, r);
    rejects.write(line);
    return true;
  };
  const std::optional<Rejection> stop = ingest::read_in_batches(
      a.input.paths, a.input.read, {a.commit, a.input.skip_bad}, consume, on_reject);
  std::optional<std::string> fatal;
  if (stop) {
    ++rejected;
    fatal = stop->status.message();
  }
  if (!rejects.path().empty() && !rejects.close()) fail(cmd, 3, rejects.error());
  if (added > 0 && !a.no_refresh) {
    if (Status s = index->sync_stories(); !s) fail(cmd, 3, "story refresh: " + s.message());
  }
  if (!a.quiet) {
    std::fprintf(stderr,
                 "kindred index add: %llu documents added (%llu links to them), %llu rejected\n",
                 static_cast<unsigned long long>(added), static_cast<unsigned long long>(links),
                 static_cast<unsigned long long>(rejected));
  }
  if (fatal) fail(cmd, 1, "error: " + *fatal + " (use --skip-bad to continue past bad records)");
}

void run_query(const IndexArgs& a) {
  const char* cmd = "index query";
  auto index = open_index(cmd, a, true);
  std::vector<Document> docs;
  Status s = ingest::read_path(
      a.file, a.input.read,
      [&](Document&& d) {
        docs.push_back(std::move(d));
        return true;
      },
      [&](Rejection&& r) {
        fail(cmd, 1, r.status.message());
        return false;
      });
  if (!s) fail(cmd, 1, s.message());
  if (docs.empty()) fail(cmd, 1, "no document in '" + a.file + "'");
  std::string out;
  for (const Document& doc : docs) {
    auto r = index->query(doc);
    if (!r) fail(cmd, 1, r.status().message());
    util::JsonWriter w(out);
    w.begin_object().field("id", doc.id).key("matches").begin_array();
    for (const LiveMatch& m : r->matches) {
      w.begin_object();
      report::match_fields(m, report::fields_of(w));
      w.key("passages").begin_array();
      for (const Passage& p : m.passages) {
        w.begin_object();
        report::passage_fields(p, report::fields_of(w));
        w.end_object();
      }
      w.end_array().end_object();
    }
    w.end_array().key("family");
    r->family < 0 ? w.null() : w.value(r->family);
    w.key("story");
    r->story < 0 ? w.null() : w.value(r->story);
    w.end_object();
    out += '\n';
  }
  print(out);
}

// The index's stats, or the command fails with the Status (exit 3).
LiveStats stats_of(const char* command, const LiveIndex& index) {
  auto s = index.stats();
  if (!s) fail(command, 3, s.status().message());
  return *s;
}

void run_stats(const IndexArgs& a) {
  auto index = open_index("index stats", a, true);
  const LiveStats s = stats_of("index stats", *index);
  std::string out;
  util::JsonWriter w(out);
  server::write_stats(w, s);
  print(out + "\n");
}

void run_check(const IndexArgs& a) {
  auto index = open_index("index check", a, true);
  const std::vector<std::string> problems = index->check();
  if (!problems.empty()) {
    for (const std::string& p : problems)
      std::fprintf(stderr, "kindred index check: %s\n", p.c_str());
    fail("index check", 1, std::to_string(problems.size()) + " problems found");
  }
  const LiveStats s = stats_of("index check", *index);
  std::fprintf(
      stdout, "ok: %llu documents, %llu links, %llu families, %llu stories\n",
      static_cast<unsigned long long>(s.documents), static_cast<unsigned long long>(s.links),
      static_cast<unsigned long long>(s.families), static_cast<unsigned long long>(s.stories));
}

}  // namespace

void register_index(CLI::App& app) {
  auto args = std::make_shared<IndexArgs>();
  CLI::App* index = app.add_subcommand("index", "A persistent live index (docs/api.md)");
  index->require_subcommand(1);

  CLI::App* create = index->add_subcommand("create", "Create an empty index in DIR");
  create->add_option("dir", args->dir, "Index directory")->required();
  add_params_options(create, args->params);
  create->callback([args] {
    if (Status s = args->params.validate(); !s) fail("index create", 2, s.message());
    auto r = LiveIndex::create(args->dir, args->params);
    if (!r) fail("index create", 1, r.status().message());
    std::fprintf(stderr, "kindred index create: %s (%s)\n", args->dir.c_str(),
                 args->params.to_spec().c_str());
  });

  CLI::App* add = index->add_subcommand("add", "Add documents (scan's inputs) to the index in DIR");
  add->add_option("dir", args->dir, "Index directory")->required();
  add_input_args(add, args->input);
  add->add_option("-t,--threads", args->threads, "Sketching threads (0 = all cores)");
  add->add_option("--commit", args->commit,
                  "Documents per transaction (each is durable when committed)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  add->add_option("--merge-every", args->merge_documents,
                  "Merge the in-memory LSH postings into the store after this many documents "
                  "(at least; a quarter of the merged documents when larger, up to 32768)")
      ->check(CLI::Range(uint32_t{1}, uint32_t{1} << 30))
      ->capture_default_str();
  add->add_flag("--ack", args->ack, "Print 'added ID' for each document once it is committed");
  add->add_flag("-q,--quiet", args->quiet, "No summary on stderr");
  add->add_flag("--no-refresh", args->no_refresh,
                "Leave the stories pending (provisional) instead of refreshing them at the end");
  add->callback([args] { run_add(*args); });

  CLI::App* query = index->add_subcommand("query", "Matches of the documents of FILE (not added)");
  query->add_option("dir", args->dir, "Index directory")->required();
  query->add_option("file", args->file, "A .txt file, or JSON Lines")->required();
  add_input_options(query, args->input.read);
  query->callback([args] { run_query(*args); });

  CLI::App* stats = index->add_subcommand("stats", "Counts and sizes of the index, as JSON");
  stats->add_option("dir", args->dir, "Index directory")->required();
  stats->callback([args] { run_stats(*args); });

  CLI::App* check =
      index->add_subcommand("check", "Consistency check; exit 1 with details when it fails");
  check->add_option("dir", args->dir, "Index directory")->required();
  check->callback([args] { run_check(*args); });

  CLI::App* refresh =
      index->add_subcommand("refresh", "Recompute every story exactly as a batch scan");
  refresh->add_option("dir", args->dir, "Index directory")->required();
  refresh->add_option("-t,--threads", args->threads, "Threads (0 = all cores)");
  refresh->callback([args] {
    auto ix = open_index("index refresh", *args, false);
    if (Status s = ix->refresh_stories(); !s) fail("index refresh", 3, s.message());
    std::fprintf(stderr, "kindred index refresh: %llu stories\n",
                 static_cast<unsigned long long>(stats_of("index refresh", *ix).stories));
  });
}

}  // namespace kindred::cli
