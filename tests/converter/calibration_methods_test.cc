// The four range methods on synthetic distributions whose right answer is known.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "converter/calibration/activation_observer.h"
#include "converter/calibration/range_methods.h"

namespace qrt::convert {
namespace {

ValueStatistics observe(const std::vector<float>& values) {
  ActivationObserver observer;
  const HostTensorMap map = {{"v", HostTensor::floats({static_cast<int64_t>(values.size())}, values)}};
  observer.observe_extremes(map);
  observer.start_histograms();
  observer.observe_histograms(map);
  return observer.statistics().at("v");
}

std::vector<float> uniform(size_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<float> gaussian(size_t n, float sigma, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, sigma);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

TEST_CASE("parse_calibration_method") {
  CalibrationMethod m;
  CHECK(parse_calibration_method("entropy", &m));
  CHECK(m == CalibrationMethod::kEntropy);
  CHECK_FALSE(parse_calibration_method("kl", &m));
}

TEST_CASE("minmax: the observed extremes, widened to include 0") {
  const ValueStatistics s = observe({0.5f, 2.0f, 1.25f});
  CHECK(minmax_range(s) == Range{0.0f, 2.0f});
  const ValueStatistics t = observe({-3.0f, -1.0f});
  CHECK(minmax_range(t) == Range{-3.0f, 0.0f});
}

TEST_CASE("minmax over several batches keeps the overall extremes") {
  ActivationObserver observer;
  observer.observe_extremes({{"v", HostTensor::floats({2}, {-1, 1})}});
  observer.observe_extremes({{"v", HostTensor::floats({2}, {0, 4})}});
  CHECK(minmax_range(observer.statistics().at("v")) == Range{-1.0f, 4.0f});
}

TEST_CASE("percentile: uniform [-1, 1] at P = 99 is [-0.98, 0.98]") {
  const ValueStatistics s = observe(uniform(200000, -1, 1, 3));
  const Range r = percentile_range(s, 99.0);
  CHECK(r.first == Approx(-0.98f).margin(0.005));
  CHECK(r.second == Approx(0.98f).margin(0.005));
  const Range all = percentile_range(s, 100.0);
  CHECK(all.second == Approx(s.max).margin(1e-3));
}

TEST_CASE("percentile: non-negative data keeps 0 as its lower bound") {
  const ValueStatistics s = observe(uniform(100000, 0, 10, 4));
  const Range r = percentile_range(s, 99.9);
  CHECK(r.first == 0.0f);
  CHECK(r.second == Approx(9.99f).margin(0.02));
}

TEST_CASE("entropy: a uniform body with a far outlier clips near the body's edge") {
  // The body spans ~205 of the 2048 bins, more than the 128 levels, so the
  // search can reach it (it never looks below 128 bins, as in TensorRT).
  std::vector<float> v = uniform(100000, 0, 1, 5);
  v.push_back(10.0f);  // min-max would spend 90% of the levels on nothing
  const ValueStatistics s = observe(v);
  CHECK(minmax_range(s).second == 10.0f);
  const Range r = entropy_range(s);
  CHECK(r.first == 0.0f);
  CHECK(r.second >= 0.95f);
  CHECK(r.second <= 1.3f);
}

TEST_CASE("entropy: a uniform distribution without outliers keeps (almost) its whole range") {
  const ValueStatistics s = observe(uniform(200000, -4, 4, 6));
  const Range r = entropy_range(s);
  CHECK(r.second >= 3.8f);
  CHECK(r.first <= -3.8f);
}

TEST_CASE("entropy: Gaussian data is clipped inside its extremes, symmetrically") {
  const ValueStatistics s = observe(gaussian(500000, 1.0f, 7));
  const Range r = entropy_range(s);
  CHECK(r.second < s.max);
  CHECK(r.second > 2.0f);
  CHECK(-r.first == Approx(r.second).margin(0.01));
}

TEST_CASE("entropy: a ReLU's output (half its mass at zero) is clipped like the Gaussian it came from") {
  // The zero spike must not drive the search (TensorRT gives the first bin
  // its neighbour's count), and a value never below zero gets 256 levels.
  std::vector<float> v = gaussian(500000, 1.0f, 12);
  for (float& x : v) x = std::max(x, 0.0f);
  const ValueStatistics s = observe(v);
  const Range r = entropy_range(s);
  CHECK(r.first == 0.0f);
  CHECK(r.second > 2.5f);
  CHECK(r.second < s.max);
}

TEST_CASE("entropy_threshold: a histogram with 128 bins or fewer keeps its top") {
  Histogram h(0.0f, 2.0f, 100);
  h.counts[10] = 5;
  CHECK(entropy_threshold(h) == 2.0f);
}

TEST_CASE("mse: uniform data keeps its range (clipping only adds error)") {
  const ValueStatistics s = observe(uniform(200000, -1, 1, 8));
  const Range r = mse_range(s);
  CHECK(r.second == Approx(s.max).margin(0.01));
  CHECK(r.first == Approx(s.min).margin(0.01));
}

TEST_CASE("mse: Gaussian clipping lands near the known 8-bit optimum (about 3.9 sigma)") {
  // Banner et al. (ACIQ): for N(0, 1) and 256 levels the MSE-optimal clip is about 3.9.
  const ValueStatistics s = observe(gaussian(1000000, 1.0f, 9));
  const Range r = mse_range(s);
  CHECK(r.second > 3.3f);
  CHECK(r.second < 4.6f);
  CHECK(r.second < s.max);
}

TEST_CASE("mse: two outliers are clipped where the error balances") {
  // N values in [-1, 1] and outliers at +-10; for a clip a >= 1 the error is
  // N * (2a/255)^2 / 12 + 2 * (10 - a)^2, least at a = 40 / (4 + 8N / (255^2 * 12)).
  const size_t n = 100000;
  std::vector<float> v = uniform(n, -1, 1, 10);
  v.push_back(10.0f);
  v.push_back(-10.0f);
  const double optimum = 40.0 / (4.0 + 8.0 * n / (255.0 * 255.0 * 12.0));
  const Range r = mse_range(observe(v));
  CHECK(r.second == Approx(optimum).margin(0.15));
  CHECK(r.first == Approx(-optimum).margin(0.15));
}

TEST_CASE("calibrated_range dispatches on the method") {
  const ValueStatistics s = observe(uniform(10000, -1, 3, 11));
  CHECK(calibrated_range(s, CalibrationMethod::kMinMax, 99) == minmax_range(s));
  CHECK(calibrated_range(s, CalibrationMethod::kPercentile, 99) == percentile_range(s, 99));
}

}  // namespace
}  // namespace qrt::convert
