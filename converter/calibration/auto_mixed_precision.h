// qconvert --auto-mixed DB: static PTQ that keeps layers in float32, one at
// a time, until the int8 model's output SQNR (the accuracy report's, on the
// calibration inputs) reaches DB. Each round converts, measures, and keeps
// in float the layer with the lowest per-layer SQNR that is below DB and not
// kept yet; it stops when the outputs reach DB or no layer is left to keep.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "converter/calibration/ptq_options.h"
#include "converter/model_import.h"
#include "converter/onnx/onnx_loader.h"

namespace qrt::convert {

struct AutoMixedResult {
  std::vector<uint8_t> qfb;
  std::set<std::string> kept_float;  // the nodes the search added
  double output_sqnr_db = 0.0;       // the lowest over the outputs, of the returned model
  std::vector<std::string> rounds;   // one line per conversion, for the summary
};

// A float ONNX model; `ptq.quantize.keep_float` seeds the search. Throws
// ImportError / std::runtime_error as import_onnx_with_ptq and the report do.
AutoMixedResult convert_auto_mixed(const std::vector<uint8_t>& onnx, const ImportOptions& options,
                                   const OnnxLoadOptions& load, PtqOptions ptq, double target_db,
                                   ImportSummary* summary);

}  // namespace qrt::convert
