// The four ways to turn what calibration observed into an activation range.
// Every range returned includes 0 (so zero is exact in int8) and is not
// wider than what was observed.
#pragma once

#include <string>
#include <utility>

#include "converter/calibration/histogram.h"

namespace qrt::convert {

enum class CalibrationMethod { kMinMax, kPercentile, kEntropy, kMse };

// "minmax", "percentile", "entropy", "mse"; false for anything else.
bool parse_calibration_method(const std::string& text, CalibrationMethod* method);
const char* calibration_method_name(CalibrationMethod method);

using Range = std::pair<float, float>;

// What the observers collected for one value over all calibration inputs.
struct ValueStatistics {
  float min = 0.0f;
  float max = 0.0f;
  Histogram values;      // signed values over [min, max] (0 included)
  Histogram magnitudes;  // |values| over [0, max(|min|, |max|)]
};

Range with_zero(Range r);

// The observed [min, max].
Range minmax_range(const ValueStatistics& s);

// [the (100 - P)th percentile, the Pth percentile] of the values, P in (50, 100].
Range percentile_range(const ValueStatistics& s, double percentile);

// TensorRT's entropy calibration: over the |value| histogram (its first
// bin, the zeros, given its neighbour's count as TensorRT does), the
// threshold T whose `quantized_levels`-level quantization of [0, T] (outliers
// folded into the last bin) loses the least information (KL divergence); the
// range is [min, max] clipped to [-T, T]. entropy_range uses 128 levels
// (TensorRT's symmetric int8) for signed values and 256 for values never
// below zero, which the asymmetric int8 activations spend entirely on [0, T].
float entropy_threshold(const Histogram& magnitudes, int quantized_levels = 128);
Range entropy_range(const ValueStatistics& s);

// The range alpha * [min, max] (alpha in (0, 1]) that minimizes the expected
// squared error of 8-bit quantization: clipped values cost their distance to
// the bound, values inside step^2 / 12.
Range mse_range(const ValueStatistics& s);

Range calibrated_range(const ValueStatistics& s, CalibrationMethod method, double percentile);

}  // namespace qrt::convert
