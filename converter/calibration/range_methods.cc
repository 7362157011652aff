#include "converter/calibration/range_methods.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace qrt::convert {

bool parse_calibration_method(const std::string& text, CalibrationMethod* method) {
  if (text == "minmax") *method = CalibrationMethod::kMinMax;
  else if (text == "percentile") *method = CalibrationMethod::kPercentile;
  else if (text == "entropy") *method = CalibrationMethod::kEntropy;
  else if (text == "mse") *method = CalibrationMethod::kMse;
  else return false;
  return true;
}

const char* calibration_method_name(CalibrationMethod method) {
  switch (method) {
    case CalibrationMethod::kMinMax: return "minmax";
    case CalibrationMethod::kPercentile: return "percentile";
    case CalibrationMethod::kEntropy: return "entropy";
    case CalibrationMethod::kMse: return "mse";
  }
  return "unknown";
}

Range with_zero(Range r) { return {std::min(r.first, 0.0f), std::max(r.second, 0.0f)}; }

Range minmax_range(const ValueStatistics& s) { return with_zero({s.min, s.max}); }

namespace {

// The value below which `fraction` of the histogram's mass lies, interpolated within its bin.
double quantile(const Histogram& h, double fraction) {
  const double total = h.total();
  if (total <= 0.0) return 0.0;
  const double target = fraction * total;
  double below = 0.0;
  for (size_t k = 0; k < h.counts.size(); ++k) {
    if (below + h.counts[k] >= target && h.counts[k] > 0.0) {
      const double within = (target - below) / h.counts[k];
      return h.lo + (k + within) * h.bin_width();
    }
    below += h.counts[k];
  }
  return h.hi;
}

// MXNet's smoothing: zero bins get eps, taken evenly from the non-zero ones, so KL stays finite.
void smooth(std::vector<double>* p) {
  constexpr double kEps = 1e-4;
  size_t zeros = 0;
  for (double v : *p) zeros += v == 0.0;
  const size_t nonzeros = p->size() - zeros;
  if (zeros == 0 || nonzeros == 0) return;
  const double take = kEps * static_cast<double>(zeros) / static_cast<double>(nonzeros);
  for (double& v : *p) v = v == 0.0 ? kEps : std::max(v - take, kEps * 0.01);
}

void normalize(std::vector<double>* p) {
  double sum = 0.0;
  for (double v : *p) sum += v;
  if (sum > 0.0) {
    for (double& v : *p) v /= sum;
  }
}

}  // namespace

Range percentile_range(const ValueStatistics& s, double percentile) {
  const double upper = std::clamp(percentile, 50.0, 100.0) / 100.0;
  const float lo = static_cast<float>(std::max<double>(quantile(s.values, 1.0 - upper), s.min));
  const float hi = static_cast<float>(std::min<double>(quantile(s.values, upper), s.max));
  return with_zero({lo, hi});
}

float entropy_threshold(const Histogram& h, int quantized_levels) {
  const size_t bins = h.counts.size();
  const size_t levels = static_cast<size_t>(std::max(quantized_levels, 1));
  if (bins <= levels) return h.hi;
  // As TensorRT's calibrator (and pytorch-quantization's copy of it): the
  // first bin takes its neighbour's count. After a ReLU that bin holds every
  // zero, often half the mass; left as it is, the divergence is dominated by
  // how well that one spike is kept, and the search clips the body hard.
  std::vector<double> counts = h.counts;
  counts[0] = counts[1];
  double best_divergence = std::numeric_limits<double>::infinity();
  size_t best_bins = bins;
  std::vector<double> p, q;
  for (size_t i = levels; i <= bins; ++i) {
    // Reference: the first i bins, everything beyond clipped into the last.
    p.assign(counts.begin(), counts.begin() + i);
    for (size_t k = i; k < bins; ++k) p[i - 1] += counts[k];
    // Candidate: the first i bins merged into `levels` groups, each group's
    // mass spread back over its non-empty bins.
    q.assign(i, 0.0);
    const size_t merged = i / levels;
    for (size_t j = 0; j < levels; ++j) {
      const size_t start = j * merged;
      const size_t end = j + 1 == levels ? i : start + merged;
      double mass = 0.0;
      size_t nonzero = 0;
      for (size_t k = start; k < end; ++k) {
        mass += counts[k];
        nonzero += counts[k] != 0.0;
      }
      for (size_t k = start; k < end; ++k) q[k] = counts[k] != 0.0 && nonzero ? mass / nonzero : 0.0;
    }
    normalize(&p);
    normalize(&q);
    smooth(&p);
    smooth(&q);
    double divergence = 0.0;
    for (size_t k = 0; k < i; ++k) {
      if (p[k] > 0.0) divergence += p[k] * std::log(p[k] / q[k]);
    }
    if (divergence < best_divergence) {
      best_divergence = divergence;
      best_bins = i;
    }
  }
  return static_cast<float>(h.lo + best_bins * h.bin_width());
}

Range entropy_range(const ValueStatistics& s) {
  if (s.magnitudes.total() <= 0.0) return minmax_range(s);
  // A value that is never negative (a ReLU's output) spends all 256 int8
  // levels on [0, T]; a signed one spends about 128 on each side.
  const float t = entropy_threshold(s.magnitudes, s.min >= 0.0f ? 256 : 128);
  return with_zero({std::max(s.min, -t), std::min(s.max, t)});
}

Range mse_range(const ValueStatistics& s) {
  const Range full = minmax_range(s);
  const Histogram& h = s.values;
  if (h.total() <= 0.0 || full.second - full.first <= 0.0f) return full;
  constexpr int kCandidates = 200;
  double best_error = std::numeric_limits<double>::infinity();
  Range best = full;
  for (int c = 1; c <= kCandidates; ++c) {
    const double alpha = static_cast<double>(c) / kCandidates;
    const double lo = alpha * full.first, hi = alpha * full.second;
    const double step = (hi - lo) / 255.0;
    double error = 0.0;
    for (size_t k = 0; k < h.counts.size(); ++k) {
      if (h.counts[k] == 0.0) continue;
      const double x = h.bin_center(k);
      const double d = x < lo ? lo - x : (x > hi ? x - hi : 0.0);
      error += h.counts[k] * (d > 0.0 ? d * d : step * step / 12.0);
    }
    if (error < best_error) {
      best_error = error;
      best = {static_cast<float>(lo), static_cast<float>(hi)};
    }
  }
  return with_zero(best);
}

Range calibrated_range(const ValueStatistics& s, CalibrationMethod method, double percentile) {
  switch (method) {
    case CalibrationMethod::kMinMax: return minmax_range(s);
    case CalibrationMethod::kPercentile: return percentile_range(s, percentile);
    case CalibrationMethod::kEntropy: return entropy_range(s);
    case CalibrationMethod::kMse: return mse_range(s);
  }
  return minmax_range(s);
}

}  // namespace qrt::convert
