// kindred compare A B : exact similarity of two documents.
#include <cstdio>
#include <string>

#include "commands.h"
#include "kindred/pipeline.h"
#include "options.h"
#include "output.h"
#include "util/json_writer.h"

namespace kindred::cli {

namespace {

struct CompareArgs {
  std::string a, b;
  bool json = false;
  Params params;
};

void run_compare(CompareArgs& args) {
  if (Status s = args.params.validate(); !s.is_ok()) {
    std::fprintf(stderr, "kindred compare: %s\n", s.message().c_str());
    throw CommandExit{2};
  }
  if (args.a == "-" && args.b == "-") {
    std::fprintf(stderr, "kindred compare: only one of A and B can be - (stdin)\n");
    throw CommandExit{2};
  }
  std::string text_a, text_b, error;
  uint32_t bad_a = 0, bad_b = 0;
  if (!read_text_file(args.a, text_a, bad_a, error) ||
      !read_text_file(args.b, text_b, bad_b, error)) {
    std::fprintf(stderr, "kindred compare: %s\n", error.c_str());
    throw CommandExit{1};
  }
  const Comparison c = compare_texts(text_a, text_b, args.params);
  const Overlap& o = c.overlap;
  const char* relation = c.relation ? relation_name(*c.relation) : nullptr;
  const bool a_in_b = o.containment_a_in_b() >= o.containment_b_in_a();
  if (args.json) {
    std::string out;
    util::JsonWriter w(out);
    w.begin_object()
        .field("a", args.a)
        .field("b", args.b)
        .field("jaccard", o.jaccard())
        .field("containment_a_in_b", o.containment_a_in_b())
        .field("containment_b_in_a", o.containment_b_in_a())
        .field("shared_shingles", o.shared)
        .field("shingles_a", o.size_a)
        .field("shingles_b", o.size_b)
        .field("words_a", c.tokens_a)
        .field("words_b", c.tokens_b)
        .key("relation");
    if (relation) {
      w.value(relation);
    } else {
      w.null();
    }
    w.field("direction", a_in_b ? "a_in_b" : "b_in_a")
        .field("invalid_utf8_a", bad_a)
        .field("invalid_utf8_b", bad_b)
        .end_object();
    out.push_back('\n');
    std::fputs(out.c_str(), stdout);
    return;
  }
  std::printf("A: %s (%u words, %llu shingles)\n", args.a.c_str(), c.tokens_a,
              static_cast<unsigned long long>(o.size_a));
  std::printf("B: %s (%u words, %llu shingles)\n", args.b.c_str(), c.tokens_b,
              static_cast<unsigned long long>(o.size_b));
  std::printf("  jaccard              %.4f\n", o.jaccard());
  std::printf("  containment A in B   %.4f\n", o.containment_a_in_b());
  std::printf("  containment B in A   %.4f\n", o.containment_b_in_a());
  std::printf("  shared shingles      %llu\n", static_cast<unsigned long long>(o.shared));
  if (relation) {
    std::printf("  relation             %s (%s)\n", relation,
                *c.relation == Relation::kExact || *c.relation == Relation::kNearDuplicate
                    ? "either way"
                    : (a_in_b ? "A in B" : "B in A"));
  } else {
    std::printf("  relation             none (not linked at these thresholds)\n");
  }
}

}  // namespace

void register_compare(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand("compare", "Similarity of two documents");
  cmd->add_option("a", args->a, "First document (file, or - for stdin)")->required();
  cmd->add_option("b", args->b, "Second document (file, or - for stdin)")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  add_params_options(cmd, args->params);
  cmd->callback([args] { run_compare(*args); });
}

}  // namespace kindred::cli
