// Metrics shared by the evaluation programs: ROC-AUC, Spearman correlation,
// and the best-threshold accuracy/F1 of a score against binary labels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace kindred::eval {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Ranks with ties averaged, 1-based.
inline std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
    for (size_t k = i; k <= j; ++k) r[idx[k]] = (double(i) + double(j)) / 2.0 + 1.0;
    i = j + 1;
  }
  return r;
}

// Area under the ROC curve (Mann-Whitney U / (n_pos n_neg)); ties count half.
inline double roc_auc(const std::vector<double>& score, const std::vector<bool>& positive) {
  const auto r = ranks(score);
  double pos = 0, rank_sum = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    if (positive[i]) pos += 1, rank_sum += r[i];
  }
  const double neg = double(r.size()) - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

inline double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  const double n = double(ra.size());
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
  const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) * (ra[i] - ma);
    vb += (rb[i] - mb) * (rb[i] - mb);
  }
  return cov / std::sqrt(va * vb);
}

struct Binary {
  double threshold = 0, accuracy = 0, precision = 0, recall = 0, f1 = 0;
};

inline Binary at_threshold(const std::vector<double>& score, const std::vector<bool>& positive,
                           double threshold) {
  double tp = 0, fp = 0, fn = 0, tn = 0;
  for (size_t i = 0; i < score.size(); ++i) {
    const bool p = score[i] >= threshold;
    tp += p && positive[i];
    fp += p && !positive[i];
    fn += !p && positive[i];
    tn += !p && !positive[i];
  }
  Binary b;
  b.threshold = threshold;
  b.accuracy = (tp + tn) / double(score.size());
  b.precision = tp + fp > 0 ? tp / (tp + fp) : 1.0;
  b.recall = tp + fn > 0 ? tp / (tp + fn) : 1.0;
  b.f1 = b.precision + b.recall > 0 ? 2 * b.precision * b.recall / (b.precision + b.recall) : 0;
  return b;
}

// The threshold (among the scores) with the best accuracy.
inline Binary best_threshold(const std::vector<double>& score, const std::vector<bool>& positive) {
  Binary best;
  for (double t : score) {
    const Binary b = at_threshold(score, positive, t);
    if (b.accuracy > best.accuracy) best = b;
  }
  return best;
}

}  // namespace kindred::eval
