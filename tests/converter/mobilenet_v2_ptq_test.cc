// A real-sized float CNN through static PTQ: torchvision's MobileNetV2
// (random init, benchmarks/models/export_model.py) calibrated on 8 smooth
// 224x224 images (make_inputs.py) with each of the four methods; the
// report's int8-vs-float cosine on the logits must be >= 0.97 (issue 3).
// The model is made in the build folder by Debian's /usr/bin/python3 when
// it has torch; otherwise the test says "skipped". ctest label `long`
// (about a minute on a loaded 2-core machine): tag [.long], run by
// `ctest -L long` or `qrt_converter_tests "[long]"`.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "converter/calibration/onnx_static_ptq.h"
#include "converter/calibration/calibration_inputs.h"
#include "converter/ir/float_executor.h"
#include "converter/ir/passes.h"
#include "converter/report/accuracy_report.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

const char* const kPython = "/usr/bin/python3";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The model and calibration folder, made now if absent; empty when they cannot be made (why in *why).
bool ensure_model(const fs::path& dir, std::string* why) {
  const fs::path model = dir / "mobilenet_v2.onnx", calib = dir / "calib";
  if (fs::exists(model) && fs::exists(calib / "batch_001.npy")) return true;
  const std::string probe = std::string(kPython) + " -c 'import torch, numpy' > /dev/null 2>&1";
  if (std::system(probe.c_str()) != 0) {
    *why = std::string(kPython) + " has no torch/numpy (apt-get install python3-torch python3-numpy) and " +
           model.string() + " is absent";
    return false;
  }
  const fs::path scripts = fs::path(QRT_SOURCE_DIR) / "benchmarks" / "models";
  const std::string export_model = std::string(kPython) + " '" + (scripts / "export_model.py").string() +
                                   "' mobilenet_v2 -o '" + model.string() + "'";
  const std::string make_inputs = std::string(kPython) + " '" + (scripts / "make_inputs.py").string() + "' -o '" +
                                  calib.string() + "' --batches 2 --batch-size 4";
  REQUIRE(std::system(export_model.c_str()) == 0);
  REQUIRE(std::system(make_inputs.c_str()) == 0);
  return true;
}

TEST_CASE("MobileNetV2 float executor: runs the calibration images (time printed, not asserted)", "[.long]") {
  const fs::path dir = QRT_TEST_MODELS_DIR;
  std::string why;
  if (!ensure_model(dir, &why)) {
    WARN("skipped: " << why);
    return;
  }
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((dir / "mobilenet_v2.onnx").string());
  REQUIRE(!onnx.empty());
  IrGraph graph = load_onnx_model(onnx.data(), onnx.size(), OnnxLoadOptions{}).graph;
  run_float_passes(&graph);
  const auto samples = load_calibration_samples(graph, {(dir / "calib").string()});
  REQUIRE(samples.size() == 8);
  const HostTensorMap values = run_float_graph(graph, samples[0]);  // also a warm-up
  REQUIRE(values.count("logits"));
  CHECK(values.at("logits").shape == std::vector<int64_t>{1, 1000});
  const auto start = std::chrono::steady_clock::now();
  run_float_graph(graph, samples[1]);
  std::printf("mobilenet_v2: float executor forward %.3f s\n", seconds_since(start));
}

TEST_CASE("MobileNetV2 static PTQ: int8 vs float cosine >= 0.97 for every calibration method", "[.long]") {
  const fs::path dir = QRT_TEST_MODELS_DIR;
  std::string why;
  if (!ensure_model(dir, &why)) {
    WARN("skipped: " << why);
    return;
  }
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((dir / "mobilenet_v2.onnx").string());
  REQUIRE(!onnx.empty());

  for (const char* method : {"minmax", "percentile", "entropy", "mse"}) {
    SECTION(method) {
      PtqOptions ptq;
      ptq.calibration_paths = {(dir / "calib").string()};
      REQUIRE(parse_calibration_method(method, &ptq.calibration.method));
      const auto start = std::chrono::steady_clock::now();
      ImportSummary summary;
      const std::vector<uint8_t> qfb =
          import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq, &summary);
      const double convert_seconds = seconds_since(start);
      REQUIRE(!qfb.empty());
      const AccuracyReport report = make_onnx_accuracy_report(onnx, OnnxLoadOptions{}, ptq, qfb, {});
      REQUIRE(report.outputs.size() == 1);
      REQUIRE(report.samples == 8);
      const ErrorStats& logits = report.outputs[0].stats;
      std::printf("mobilenet_v2 %-10s cosine %.5f  SQNR %.2f dB  top-1 %.0f%%  convert %.1f s\n", method,
                  logits.cosine(), logits.sqnr_db(), 100.0 * logits.top1_agreement(), convert_seconds);
      INFO(method << ": cosine " << logits.cosine() << ", SQNR " << logits.sqnr_db() << " dB");
      CHECK(logits.cosine() >= 0.97);
    }
  }
}

}  // namespace
}  // namespace qrt::convert
