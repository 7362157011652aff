#include "converter/calibration/static_ptq.h"

#include <stdexcept>

#include "converter/calibration/calibration_inputs.h"
#include "converter/ir/passes.h"

namespace qrt::convert {

IrGraph quantize_float_graph(IrGraph graph, const std::vector<HostTensorMap>& samples, const PtqOptions& options,
                             std::vector<std::string>* notes) {
  const std::string unsupported = unsupported_float_nodes(graph);
  if (!unsupported.empty()) throw FloatExecutorError(unsupported);
  for (const std::string& line : run_float_passes(&graph)) notes->push_back("pass: " + line);
  calibrate_graph(&graph, samples, options.calibration);
  std::string method = calibration_method_name(options.calibration.method);
  if (options.calibration.method == CalibrationMethod::kPercentile) {
    method += " " + std::to_string(options.calibration.percentile);
  }
  notes->push_back("static PTQ: " + std::to_string(samples.size()) + " calibration samples, " + method + " ranges, " +
                   (options.quantize.per_tensor_weights ? "per-tensor" : "per-channel") + " int8 weights");
  if (options.quantize.int4_weights) {  // int4_weights.h
    notes->push_back("weight-only int4: Gemm / MatMul / 1x1 Conv weights in [-7, 7], " +
                     (options.quantize.int4_group_size ? "one scale per " + std::to_string(options.quantize.int4_group_size) +
                                                             " inputs"
                                                       : std::string("one scale per output channel")) +
                     "; those layers run in float32");
  }
  return quantize_graph(graph, options.quantize);
}

IrGraph quantize_float_graph(IrGraph graph, const PtqOptions& options, std::vector<std::string>* notes) {
  std::vector<HostTensorMap> samples;
  if (options.random_calibration && options.calibration_paths.empty()) {
    notes->push_back("WARNING: calibrated on random inputs (--calib random); the int8 model's accuracy will suffer. "
                     "Give --calib with real inputs");
    samples = random_calibration_samples(graph, kRandomCalibrationSamples);
  } else {
    samples = load_calibration_samples(graph, options.calibration_paths, options.images);
    if (samples.empty()) throw std::runtime_error("the calibration data holds no samples");
  }
  return quantize_float_graph(std::move(graph), samples, options, notes);
}

}  // namespace qrt::convert
