// qconvert --compare-variants: the trade between size, speed and accuracy in
// one table. Converts the float ONNX model as plain int8, as the user's mixed
// precision choice (when --keep-float, --auto-mixed or --weights asked for one)
// and as all-float32 (--keep-float '*'), and for each gives the accuracy
// report's numbers on its worst output (lowest SQNR), the .qfb size and the
// median invoke latency through qrt's public C API, every variant with the
// same thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "converter/calibration/ptq_options.h"
#include "converter/model_import.h"
#include "converter/onnx/onnx_loader.h"
#include "converter/report/accuracy_report.h"

namespace qrt::convert {

struct VariantAccuracy {
  std::string variant;     // "int8", "mixed" or "float32"
  OutputAccuracy output;   // the output with the lowest SQNR
  AccuracyReport report;   // the variant's whole accuracy report
  size_t qfb_bytes = 0;
  double median_latency_ms = 0.0;
};

struct VariantReport {
  size_t samples = 0;
  std::string inputs_from;
  int threads = 1;
  int latency_runs = 0;
  std::vector<VariantAccuracy> variants;  // int8, [mixed,] float32
};

// `mixed_qfb`: the .qfb of the user's conversion when it is a mixed one, else
// empty (no "mixed" row). Throws std::runtime_error / ImportError.
VariantReport make_variant_report(const std::vector<uint8_t>& onnx, const ImportOptions& options,
                                  const OnnxLoadOptions& load, const PtqOptions& ptq,
                                  const std::vector<uint8_t>& mixed_qfb,
                                  const std::vector<std::string>& validate_paths, int threads, int latency_runs);

// The median wall time of `runs` invokes (after one warm-up) of `qfb` on
// zeroed inputs, with `threads` threads. Throws std::runtime_error.
double median_invoke_ms(const std::vector<uint8_t>& qfb, int threads, int runs);

std::string variant_report_table(const VariantReport& report);
// {"threads", "latency_runs", "samples", "variants": [{"variant", "output", "cosine", "sqnr_db",
//  "max_abs_error", "top1_agreement", "qfb_bytes", "median_latency_ms"}]}
std::string variant_report_json(const VariantReport& report);

}  // namespace qrt::convert
