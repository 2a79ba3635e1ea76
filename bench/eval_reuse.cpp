// Reuse detection on the Clough & Stevenson corpus of short answers
// (../shared/eval/clough-stevenson): each answer against the source text of its
// task. Levels: cut (3), light (2), heavy (1), non (0).
//
//   kindred_eval_reuse [../shared/eval/clough-stevenson]
//
// Prints, for several scores: ROC-AUC of reuse (cut, light, heavy) vs non,
// Spearman correlation with the level, source retrieval accuracy at 1 (the
// right source ranked first among the five), and for the copy link decision
// (compare's relation) precision, recall and recall per level.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "align/reuse.h"
#include "eval_common.h"
#include "kindred/pipeline.h"
#include "normalize/tokenize.h"
#include "pipeline/story_reuse.h"
#include "util/utf8.h"

namespace {

struct Answer {
  std::string file, task, category, text;
};

int level(const std::string& category) {
  if (category == "cut") return 3;
  if (category == "light") return 2;
  if (category == "heavy") return 1;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "../shared/eval/clough-stevenson";
  const std::string labels = kindred::eval::read_file(dir + "/labels.csv");
  if (labels.empty()) {
    std::fprintf(stderr, "no labels at %s/labels.csv\n", dir.c_str());
    return 1;
  }
  std::map<std::string, std::string> sources;  // task -> source text
  std::vector<Answer> answers;
  std::istringstream lines(labels);
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    Answer a{line.substr(0, c1), line.substr(c1 + 1, c2 - c1 - 1), line.substr(c2 + 1), ""};
    a.text = kindred::eval::read_file(dir + "/texts/" + a.file);
    kindred::util::repair_utf8(a.text);  // mixed encodings: decode leniently
    if (a.category == "orig") {
      sources[a.task] = a.text;
    } else {
      answers.push_back(std::move(a));
    }
  }

  kindred::Params k5;
  kindred::Params k3;
  k3.shingle_size = 3;
  struct Score {
    const char* name;
    std::vector<double> value;  // answer vs its own source
    size_t retrieved = 0;       // own source ranked first among the five
  };
  std::vector<Score> scores = {{"containment k=5 (answer in source)", {}},
                               {"containment k=3", {}},
                               {"story similarity", {}},
                               {"reuse (compare --json)", {}}};
  // The scores of an answer against a source; `linked` receives the default
  // link decision when asked for.
  auto compute = [&](const std::string& answer, const std::string& source, bool* linked) {
    const auto c5 = kindred::compare_texts(answer, source, k5);
    const auto c3 = kindred::compare_texts(answer, source, k3);
    if (linked) *linked = c5.relation.has_value();
    std::vector<kindred::normalize::Token> ta, tb;
    kindred::normalize::tokenize(answer, ta);
    kindred::normalize::tokenize(source, tb);
    const double reuse = kindred::align::reuse_score(
        kindred::align::find_reuse(answer, ta, kindred::pipeline::reuse_terms(answer, ta), source,
                                   tb, kindred::pipeline::reuse_terms(source, tb)),
        ta.size(), tb.size());
    return std::vector<double>{c5.overlap.containment_a_in_b(), c3.overlap.containment_a_in_b(),
                               c5.story, reuse};
  };
  std::vector<bool> reuse;
  std::vector<double> levels;
  std::vector<bool> linked;
  for (const Answer& a : answers) {
    bool own_linked = false;
    const auto own = compute(a.text, sources[a.task], &own_linked);
    for (size_t s = 0; s < scores.size(); ++s) scores[s].value.push_back(own[s]);
    std::vector<size_t> best(scores.size(), 0);
    std::vector<double> best_value(scores.size(), -1);
    std::vector<std::string> tasks;
    for (const auto& [task, text] : sources) {
      const auto v = compute(a.text, text, nullptr);
      for (size_t s = 0; s < scores.size(); ++s) {
        if (v[s] > best_value[s]) best_value[s] = v[s], best[s] = tasks.size();
      }
      tasks.push_back(task);
    }
    for (size_t s = 0; s < scores.size(); ++s) scores[s].retrieved += tasks[best[s]] == a.task;
    reuse.push_back(a.category != "non");
    levels.push_back(level(a.category));
    linked.push_back(own_linked);
  }

  std::printf("Clough-Stevenson: %zu answers (%zu reuse, %zu non), 5 sources\n", answers.size(),
              size_t(std::count(reuse.begin(), reuse.end(), true)),
              size_t(std::count(reuse.begin(), reuse.end(), false)));
  std::printf("%-36s %8s %9s %8s\n", "score", "ROC-AUC", "Spearman", "acc@1");
  for (const auto& s : scores) {
    std::printf("%-36s %8.3f %9.3f %8.3f\n", s.name, kindred::eval::roc_auc(s.value, reuse),
                kindred::eval::spearman(s.value, levels),
                double(s.retrieved) / double(answers.size()));
  }
  std::vector<double> as_score(linked.begin(), linked.end());
  const auto b = kindred::eval::at_threshold(as_score, reuse, 0.5);
  std::printf(
      "copy link decision (compare's relation; scan's rewrite links: "
      "bench/scripts/reuse_scan_eval.py): precision %.3f recall %.3f F1 %.3f\n",
      b.precision, b.recall, b.f1);
  for (const char* cat : {"cut", "light", "heavy", "non"}) {
    size_t n = 0, hit = 0;
    for (size_t i = 0; i < answers.size(); ++i) {
      if (answers[i].category != cat) continue;
      ++n;
      hit += linked[i];
    }
    std::printf("  %-6s linked %zu of %zu\n", cat, hit, n);
  }
  return 0;
}
