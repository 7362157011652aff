// Mixed precision on the digits fixture (a float ONNX CNN: conv1, conv2, fc):
// static PTQ with some nodes kept in float32 (--keep-float), run through
// qrt's C API on every held-out image and compared with the float model's
// logits that make_fixtures.py recorded.
//  - keeping the worst layer in float (the one whose float copy brings the
//    logits closest to float's) is at least as accurate as plain int8 and
//    its logits are at least as close;
//  - keeping every node in float gives the float model's logits (rtol 1e-4);
//  - a name that is not a node is refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "converter/calibration/onnx_static_ptq.h"
#include "runtime/tools/npy.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

fs::path digits_dir() { return fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "digits"; }

tools::NpyArray npy(const std::string& name) {
  tools::NpyArray a;
  std::string error;
  const bool ok = tools::read_npy((digits_dir() / name).string(), &a, &error);
  INFO(error);
  REQUIRE(ok);
  return a;
}

struct Evaluation {
  double accuracy = 0;
  double mean_abs_logit_error = 0;  // against the float model's recorded logits
  double worst_relative_error = 0;  // max |y - f| / max(|f|, 1e-3)
};

Evaluation evaluate(const std::vector<uint8_t>& qfb) {
  const tools::NpyArray pixels = npy("heldout_pixels.npy");
  const tools::NpyArray labels = npy("heldout_labels.npy");
  const tools::NpyArray logits = npy("heldout_logits.npy");
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer(qfb.data(), qfb.size(), &model) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);
  const qrt_status prepared = qrt_interpreter_prepare(interpreter);
  INFO(qrt_last_error());
  REQUIRE(prepared == QRT_OK);
  const size_t count = labels.data.size();
  REQUIRE(logits.dtype == QRT_DTYPE_FLOAT32);
  REQUIRE(logits.data.size() == count * 10 * sizeof(float));
  std::vector<float> float_logits(count * 10);
  std::memcpy(float_logits.data(), logits.data.data(), logits.data.size());
  Evaluation e;
  size_t correct = 0;
  for (size_t k = 0; k < count; ++k) {
    float image[64], scores[10];
    for (size_t i = 0; i < 64; ++i) image[i] = pixels.data[k * 64 + i] / 16.0f;
    REQUIRE(qrt_interpreter_set_input(interpreter, 0, image, sizeof(image)) == QRT_OK);
    REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
    REQUIRE(qrt_interpreter_get_output(interpreter, 0, scores, sizeof(scores)) == QRT_OK);
    size_t best = 0;
    for (size_t c = 0; c < 10; ++c) {
      best = scores[c] > scores[best] ? c : best;
      const double f = float_logits[k * 10 + c];
      e.mean_abs_logit_error += std::fabs(scores[c] - f);
      e.worst_relative_error = std::max(e.worst_relative_error, std::fabs(scores[c] - f) / std::max(std::fabs(f), 1e-3));
    }
    correct += best == labels.data[k];
  }
  qrt_interpreter_destroy(interpreter);
  qrt_model_destroy(model);
  e.accuracy = static_cast<double>(correct) / static_cast<double>(count);
  e.mean_abs_logit_error /= static_cast<double>(count * 10);
  return e;
}

std::vector<uint8_t> convert(const std::set<std::string>& keep_float, ImportSummary* summary = nullptr) {
  PtqOptions ptq;
  ptq.calibration_paths = {(digits_dir() / "calibration.npy").string()};
  ptq.quantize.keep_float = keep_float;
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((digits_dir() / "model.onnx").string());
  REQUIRE(!onnx.empty());
  ImportSummary local;
  return import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq,
                              summary ? summary : &local);
}

TEST_CASE("mixed precision: the worst layer kept in float is at least as accurate as plain int8", "[mixed]") {
  const Evaluation int8 = evaluate(convert({}));
  Evaluation best;
  std::string worst_layer;
  for (const char* layer : {"/conv1/Conv", "/conv2/Conv", "/fc/Gemm"}) {
    ImportSummary summary;
    const Evaluation e = evaluate(convert({layer}, &summary));
    INFO(layer << ": accuracy " << e.accuracy << ", mean |logit error| " << e.mean_abs_logit_error);
    CHECK(summary.op_counts.count("DEQUANTIZE"));  // the float layer sits between int8 ones (or the output)
    if (worst_layer.empty() || e.mean_abs_logit_error < best.mean_abs_logit_error) best = e, worst_layer = layer;
  }
  INFO("int8: accuracy " << int8.accuracy << ", mean |logit error| " << int8.mean_abs_logit_error << "; worst layer "
                         << worst_layer << ": " << best.accuracy << ", " << best.mean_abs_logit_error);
  CHECK(best.accuracy >= int8.accuracy);
  CHECK(best.mean_abs_logit_error <= int8.mean_abs_logit_error);
}

TEST_CASE("mixed precision: every node kept in float gives the float model's logits", "[mixed]") {
  ImportSummary summary;
  const Evaluation e = evaluate(convert({kKeepAllFloat}, &summary));
  INFO("worst relative error " << e.worst_relative_error << ", mean abs " << e.mean_abs_logit_error);
  CHECK(e.worst_relative_error < 1e-4);
  CHECK_FALSE(summary.op_counts.count("QUANTIZE"));
  CHECK_FALSE(summary.op_counts.count("DEQUANTIZE"));
  CHECK(summary.op_counts.count("CONV_2D"));
}

TEST_CASE("mixed precision: --keep-float with a name that is not a node is refused", "[mixed]") {
  CHECK_THROWS_WITH(convert({"/conv9/Conv"}), Catch::Contains("/conv9/Conv") && Catch::Contains("no node"));
}

}  // namespace
}  // namespace qrt::convert

#include "converter/calibration/auto_mixed_precision.h"

namespace qrt::convert {
namespace {

TEST_CASE("mixed precision: --auto-mixed keeps the worst layers in float until the output SQNR reaches the target",
          "[mixed]") {
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((digits_dir() / "model.onnx").string());
  PtqOptions ptq;
  ptq.calibration_paths = {(digits_dir() / "calibration.npy").string()};
  ImportSummary summary;
  // Plain int8 first: its output SQNR, and a target above it.
  const AutoMixedResult plain = convert_auto_mixed(onnx, ImportOptions{}, OnnxLoadOptions{}, ptq, 1.0, &summary);
  CHECK(plain.kept_float.empty());
  const double target = plain.output_sqnr_db + 3.0;
  const AutoMixedResult mixed = convert_auto_mixed(onnx, ImportOptions{}, OnnxLoadOptions{}, ptq, target, &summary);
  std::string rounds;
  for (const std::string& r : mixed.rounds) rounds += r + "\n";
  INFO(rounds);
  CHECK(!mixed.kept_float.empty());
  CHECK(mixed.output_sqnr_db >= target);
  CHECK(mixed.rounds.size() == mixed.kept_float.size() + 1);
  // What it returns is what --keep-float with its choice gives, and at least as accurate as int8.
  CHECK(evaluate(mixed.qfb).mean_abs_logit_error <= evaluate(plain.qfb).mean_abs_logit_error);
}

}  // namespace
}  // namespace qrt::convert
