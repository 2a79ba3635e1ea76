// kindred_story_memory: what the story evidence of a corpus costs in memory,
// structure by structure, as the scanner holds it (BENCHMARKS.md, "Issue 15,
// session 11"). Counts heap bytes from the containers' capacities and the
// allocations they make (glibc adds about 8-16 B to each and rounds to 16).
//
//   kindred_story_memory CORPUS [-n DOCUMENTS] [--term-budget MB]
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "ingest/reader.h"
#include "normalize/tokenize.h"
#include "story/features.h"
#include "story/stories.h"
#include "story/term_store.h"
#include "util/date.h"

namespace {

using namespace kindred;

struct Cost {
  double bytes = 0;
  double allocations = 0;
};

template <typename V>
void add_vector(Cost& c, const V& v) {
  c.bytes += double(v.capacity() * sizeof(typename V::value_type));
  c.allocations += v.capacity() > 0;
}

void add_string(Cost& c, const std::string& s) {
  if (s.capacity() > 15) c.bytes += double(s.capacity() + 1), c.allocations += 1;  // past SSO
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Story evidence bytes per document, by structure"};
  std::string path;
  uint64_t limit = 100000;
  app.add_option("corpus", path, "Corpus (any input kindred scan reads)")->required();
  app.add_option("-n,--documents", limit, "Documents to read, at most");
  uint64_t term_budget_mb = 128;
  app.add_option("--term-budget", term_budget_mb,
                 "MB of story terms kept in memory, the rest spilled (the scanner's default: a "
                 "quarter of --memory, 128)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<story::StoryFeatures> features;
  std::vector<normalize::Token> tokens;
  Cost terms_before, names, quotes, quote_bags, numbers, years;
  story::TermStore store(story::TermStore::kDefaultBlock, term_budget_mb << 20);
  const Status st = ingest::read_path(
      path, ingest::ReadOptions{},
      [&](Document&& doc) {
        normalize::tokenize(doc.text, tokens);
        story::StoryFeatures f =
            story::extract_features(doc.text, tokens, util::parse_iso8601(doc.date));
        add_vector(terms_before, f.terms);
        store.append(f.terms);
        std::vector<std::pair<uint64_t, uint32_t>>().swap(f.terms);
        add_vector(names, f.names);
        for (const std::string& n : f.names) add_string(names, n);
        add_vector(quotes, f.quotes);
        for (const story::Quote& q : f.quotes) {
          add_string(quotes, q.speaker);
          // Both bags in one allocation, exactly sized.
          quote_bags.bytes += double(q.bag_bytes());
          quote_bags.allocations += !q.stems().empty();
        }
        add_vector(numbers, f.numbers);
        add_vector(years, f.years);
        add_vector(years, f.dated_years);
        features.push_back(std::move(f));
        return features.size() < limit;
      },
      [](Rejection&&) { return true; });
  if (!st && st.code() != StatusCode::kCancelled) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  const double n = double(features.size());
  if (n == 0) return 1;
  const size_t store_before_seal = store.memory_bytes();
  store.seal();
  const story::StoryStats stats(
      features, std::vector<uint64_t>(store.hashes().begin(), store.hashes().end()),
      std::vector<uint32_t>(store.document_counts().begin(), store.document_counts().end()));
  Cost prepared_names, prepared_numbers, prepared_terms_before;
  std::vector<story::TermCount> buffer;
  for (uint32_t d = 0; d < features.size(); ++d) {
    const story::PreparedDoc p = story::prepare(features[d], store, d, stats);
    add_vector(prepared_names, p.names);
    add_vector(prepared_numbers, p.numbers);
    // Before this session a prepared document held (stem hash, weight), 16 B per stem.
    const size_t terms = store.terms(d, buffer).size();
    prepared_terms_before.bytes += double(terms * 16);
    prepared_terms_before.allocations += terms > 0;
  }
  double stems = 0;
  for (uint32_t d = 0; d < features.size(); ++d) stems += double(store.terms(d, buffer).size());

  std::printf(
      "%.0f documents, %.1f distinct stems each, %zu distinct stems in all; term budget %llu "
      "MB%s\n",
      n, stems / n, store.hashes().size(), static_cast<unsigned long long>(term_budget_mb),
      store.spill_error().empty() ? "" : (" (" + store.spill_error() + ")").c_str());
  std::printf("| structure | bytes per document | allocations per document |\n|---|---:|---:|\n");
  auto row = [&](const char* what, double bytes, double allocs) {
    std::printf("| %s | %.0f | %.2f |\n", what, bytes / n, allocs / n);
  };
  row("StoryFeatures itself (the vector of documents)", n * sizeof(story::StoryFeatures), 0);
  row("terms as (hash, count) vectors, before", terms_before.bytes, terms_before.allocations);
  row("terms in the TermStore while adding (blocks, index, dictionary)", double(store_before_seal),
      0);
  row("terms in the TermStore, sealed", double(store.memory_bytes()), 0);
  row("terms in the TermStore's spill file (not in memory)", double(store.spilled_bytes()), 0);
  row("names (key strings)", names.bytes, names.allocations);
  row("quotes (Quote structs, speakers)", quotes.bytes, quotes.allocations);
  row("quote stem bags (stems, content)", quote_bags.bytes, quote_bags.allocations);
  row("numbers", numbers.bytes, numbers.allocations);
  row("years, dated years", years.bytes, years.allocations);
  row("PreparedDoc itself", n * sizeof(story::PreparedDoc), 0);
  row("PreparedDoc terms (hash, weight), before", prepared_terms_before.bytes,
      prepared_terms_before.allocations);
  row("PreparedDoc names", prepared_names.bytes, prepared_names.allocations);
  row("PreparedDoc numbers", prepared_numbers.bytes, prepared_numbers.allocations);
  return 0;
}
