// qconvert --weights int4 [--group G]: the converter's int4 quantizer and
// packing, and the digits fixture converted with int4 Gemm weights (the rest
// int8, or float32 with --keep-float '*'), run through qrt's C API on every
// held-out image: within 2 points of the float model's accuracy, and smaller
// than the same model with float32 weights.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "converter/calibration/int4_weights.h"
#include "converter/calibration/onnx_static_ptq.h"
#include "runtime/tools/npy.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

TEST_CASE("int4 weights: symmetric [-7, 7] per group, packed low nibble first", "[int4]") {
  // One row, K = 6, groups of 3: peaks 1.4 and 0.7.
  const std::vector<float> w = {1.4f, -0.7f, 0.1f, 0.0f, -0.7f, 0.35f};
  const Int4Weights q = quantize_int4_weights(w, 1, 6, 3);
  REQUIRE(q.group_size == 3);
  REQUIRE(q.scales.size() == 2);
  CHECK(q.scales[0] == 1.4f / 7.0f);
  CHECK(q.scales[1] == 0.7f / 7.0f);
  // 7, -3.5 -> -4 (half to even), 0.5 -> 0 | 0, -7, 3.5 -> 4
  const int want[6] = {7, -4, 0, 0, -7, 4};
  REQUIRE(q.packed.size() == 3);
  for (int k = 0; k < 6; ++k) {
    const int nibble = (q.packed[k / 2] >> (k % 2 ? 4 : 0)) & 0xF;
    INFO("k " << k);
    CHECK((nibble >= 8 ? nibble - 16 : nibble) == want[k]);
  }
  CHECK(int4_weight_value(q, 6, 0, 4) == -7 * q.scales[1]);
}

TEST_CASE("int4 weights: every weight within half a step, odd K, groups that do not divide K", "[int4]") {
  std::mt19937 rng(12);
  std::normal_distribution<float> d(0.0f, 0.3f);
  for (const auto [n, k, group, want_group] : {std::array<int64_t, 4>{3, 64, 32, 32}, {2, 7, 0, 7}, {4, 100, 32, 100},
                                                {1, 128, 128, 128}, {5, 33, 64, 33}}) {
    std::vector<float> w(static_cast<size_t>(n * k));
    for (float& v : w) v = d(rng);
    w[0] = 0.0f;
    const Int4Weights q = quantize_int4_weights(w, n, k, group);
    INFO("n " << n << " k " << k << " group " << group);
    REQUIRE(q.group_size == want_group);
    REQUIRE(q.packed.size() == static_cast<size_t>(n * ((k + 1) / 2)));
    REQUIRE(q.scales.size() == static_cast<size_t>(n * (k / want_group)));
    for (int64_t o = 0; o < n; ++o) {
      for (int64_t i = 0; i < k; ++i) {
        const float s = q.scales[static_cast<size_t>(o * (k / want_group) + i / want_group)];
        REQUIRE(std::fabs(int4_weight_value(q, k, o, i) - w[static_cast<size_t>(o * k + i)]) <= s * 0.5f * 1.0001f);
      }
    }
    if (k % 2) {  // the padding nibble of each row is 0
      for (int64_t o = 0; o < n; ++o) REQUIRE((q.packed[static_cast<size_t>(o * ((k + 1) / 2) + k / 2)] >> 4) == 0);
    }
  }
  // An all-zero group keeps a valid scale.
  const Int4Weights z = quantize_int4_weights(std::vector<float>(8, 0.0f), 1, 8, 0);
  CHECK(z.scales[0] > 0.0f);
}

fs::path digits_dir() { return fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "digits"; }

double recorded_float_accuracy() {
  std::ifstream f(digits_dir() / "float_accuracy.json");
  std::stringstream text;
  text << f.rdbuf();
  const std::string json = text.str();
  const size_t key = json.find("\"float_accuracy\":");
  REQUIRE(key != std::string::npos);
  return std::stod(json.substr(key + 17));
}

double heldout_accuracy(const std::vector<uint8_t>& qfb) {
  tools::NpyArray pixels, labels;
  std::string error;
  INFO(error);
  REQUIRE(tools::read_npy((digits_dir() / "heldout_pixels.npy").string(), &pixels, &error));
  REQUIRE(tools::read_npy((digits_dir() / "heldout_labels.npy").string(), &labels, &error));
  qrt_model* model = nullptr;
  INFO(qrt_last_error());
  REQUIRE(qrt_model_load_buffer(qfb.data(), qfb.size(), &model) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  size_t correct = 0;
  for (size_t k = 0; k < labels.data.size(); ++k) {
    float image[64], scores[10];
    for (size_t e = 0; e < 64; ++e) image[e] = pixels.data[k * 64 + e] / 16.0f;
    REQUIRE(qrt_interpreter_set_input(interpreter, 0, image, sizeof(image)) == QRT_OK);
    REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
    REQUIRE(qrt_interpreter_get_output(interpreter, 0, scores, sizeof(scores)) == QRT_OK);
    size_t best = 0;
    for (size_t c = 1; c < 10; ++c) best = scores[c] > scores[best] ? c : best;
    correct += best == labels.data[k];
  }
  qrt_interpreter_destroy(interpreter);
  qrt_model_destroy(model);
  return static_cast<double>(correct) / static_cast<double>(labels.data.size());
}

std::vector<uint8_t> convert_digits(bool keep_float, bool int4, int group, ImportSummary* summary) {
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((digits_dir() / "model.onnx").string());
  REQUIRE(!onnx.empty());
  PtqOptions ptq;
  ptq.calibration_paths = {(digits_dir() / "calibration.npy").string()};
  if (keep_float) ptq.quantize.keep_float = {kKeepAllFloat};
  ptq.quantize.int4_weights = int4;
  ptq.quantize.int4_group_size = group;
  return import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq, summary);
}

TEST_CASE("qconvert --weights int4: digits keeps accuracy within 2 points of float and shrinks", "[int4]") {
  const double float_accuracy = recorded_float_accuracy();
  ImportSummary float_summary;
  const std::vector<uint8_t> float_qfb = convert_digits(true, false, 0, &float_summary);
  CHECK(float_summary.op_counts.count("FULLY_CONNECTED_W4") == 0);
  for (const bool keep_float : {true, false}) {
    for (const int group : {0, 32, 64, 128}) {
      ImportSummary summary;
      const std::vector<uint8_t> qfb = convert_digits(keep_float, true, group, &summary);
      const double accuracy = heldout_accuracy(qfb);
      INFO((keep_float ? "float32 rest" : "int8 rest") << ", group " << group << ": accuracy " << accuracy
                                                       << " (float " << float_accuracy << "), " << qfb.size()
                                                       << " bytes (float32 weights: " << float_qfb.size() << ")");
      CHECK(summary.op_counts["FULLY_CONNECTED_W4"] == 1);
      CHECK(summary.op_counts.count("FULLY_CONNECTED") == 0);
      CHECK(accuracy >= float_accuracy - 0.02);
      CHECK(qfb.size() < float_qfb.size());
    }
  }
}

}  // namespace
}  // namespace qrt::convert
