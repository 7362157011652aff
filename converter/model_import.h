// What every importer (TFLite now, ONNX later) takes and gives back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace qrt {

namespace convert {
struct PtqOptions;  // converter/calibration/ptq_options.h
}

struct ImportOptions {
  std::string producer;     // e.g. "qconvert 0.1.0"; empty: "qconvert <this version>"
  std::string description;  // empty: the source model's own description, if any
  std::vector<std::string> labels;
  // ONNX: --input-shape NAME=1x3x224x224 for dynamic dimensions.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // ONNX: keep rank-4 graph inputs and outputs NHWC (--nhwc-io) instead of the declared NCHW.
  bool nhwc_io = false;
  // ONNX float models: static PTQ settings (--calib ...); null or not requested: float models are refused.
  const convert::PtqOptions* ptq = nullptr;
  // ONNX float models: dynamic quantization (qconvert --dynamic; converter/calibration/dynamic_quantization.h).
  bool dynamic_quantization = false;
};

// What was converted, for qconvert's report.
struct ImportSummary {
  std::string source_format;           // "TFLite"
  std::map<std::string, int> op_counts;  // by qfb op type name
  size_t op_count = 0;
  size_t tensor_count = 0;
  size_t constant_bytes = 0;
  std::vector<std::string> notes;       // interface changes worth telling the user
};

// The source model cannot be converted; what() says why and where. Every
// failure of an importer is one of these (never a crash: input is untrusted).
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace qrt
