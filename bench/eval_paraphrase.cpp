// Sentence and quotation matching under rewording, on the MSRP training file
// (../shared/eval/msrp-train): the quotation matcher that groups variants of a
// quote across articles, applied to each sentence pair.
//
//   kindred_eval_paraphrase [../shared/eval/msrp-train/msr_paraphrase_train.txt]
//
// Prints ROC-AUC, accuracy and F1 at the library's default quote threshold, and
// at the best threshold for this file (reported for reference, not used).
#include <cstdio>
#include <string>
#include <vector>

#include "eval_common.h"
#include "story/features.h"
#include "story/stories.h"

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : "../shared/eval/msrp-train/msr_paraphrase_train.txt";
  const std::string data = kindred::eval::read_file(path);
  if (data.empty()) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::istringstream lines(data);
  std::string line;
  std::getline(lines, line);  // header (with a BOM)
  std::vector<double> score;
  std::vector<bool> paraphrase;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(line.substr(start, tab - start));
    }
    cols.push_back(line.substr(start));
    if (cols.size() < 5) continue;
    const auto a = kindred::story::make_quote(cols[3]);
    const auto b = kindred::story::make_quote(cols[4]);
    score.push_back(kindred::story::quote_similarity(a, b));
    paraphrase.push_back(cols[0] == "1");
  }
  const double default_threshold = kindred::story::StoryParams{}.quote_match;
  const auto fixed = kindred::eval::at_threshold(score, paraphrase, default_threshold);
  const auto best = kindred::eval::best_threshold(score, paraphrase);
  size_t positives = size_t(std::count(paraphrase.begin(), paraphrase.end(), true));
  std::printf("MSRP train: %zu pairs, %zu paraphrases (majority baseline accuracy %.3f)\n",
              score.size(), positives, double(positives) / double(score.size()));
  std::printf("quote matcher ROC-AUC %.3f\n", kindred::eval::roc_auc(score, paraphrase));
  std::printf("at the default threshold %.2f: accuracy %.3f precision %.3f recall %.3f F1 %.3f\n",
              fixed.threshold, fixed.accuracy, fixed.precision, fixed.recall, fixed.f1);
  std::printf("at the best threshold for this file %.2f: accuracy %.3f F1 %.3f\n", best.threshold,
              best.accuracy, best.f1);
  return 0;
}
