// Static PTQ of a model with two inputs: each input gets its own calibration
// data (--calib NAME=PATH), and the int8 model follows the float one on both.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <unistd.h>
#include <random>

#include "converter/calibration/calibration_inputs.h"
#include "converter/calibration/onnx_static_ptq.h"
#include "converter/report/accuracy_report.h"
#include "onnx/onnx_pb.h"
#include "runtime/tools/npy.h"
#include "tests/converter/ir_test_helpers.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

constexpr int kSamples = 16;

// One folder per process: ctest runs this file's test cases in parallel.
fs::path fresh_dir() {
  const fs::path dir = fs::temp_directory_path() / ("qrt_calib_multi_input_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void add_value(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

void add_floats(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float x : v) t->add_float_data(x);
}

const std::vector<float> kWeights = {0.5f, -1.0f, 0.25f, 2.0f, 1.5f, 0.0f, -0.75f, 1.0f, -2.0f, 0.5f, 1.0f, -0.5f};
const std::vector<float> kBias = {0.1f, -0.2f, 0.3f};

// out [1,3] = Gemm(x [1,4], W [3,4]^T, bias) + y [1,3]; x is about +-1, y about +-100.
std::vector<uint8_t> two_input_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("two_inputs");
  add_value(g->add_input(), "x", {1, 4});
  add_value(g->add_input(), "y", {1, 3});
  add_value(g->add_output(), "out", {1, 3});
  add_floats(g, "w", {3, 4}, kWeights);
  add_floats(g, "b", {3}, kBias);
  auto* gemm = g->add_node();
  gemm->set_op_type("Gemm");
  gemm->set_name("fc");
  gemm->add_input("x");
  gemm->add_input("w");
  gemm->add_input("b");
  gemm->add_output("h");
  auto* trans_b = gemm->add_attribute();
  trans_b->set_name("transB");
  trans_b->set_type(onnx::AttributeProto::INT);
  trans_b->set_i(1);
  auto* add = g->add_node();
  add->set_op_type("Add");
  add->set_name("add");
  add->add_input("h");
  add->add_input("y");
  add->add_output("out");
  std::string bytes;
  m.SerializeToString(&bytes);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

std::vector<float> random_values(size_t n, float scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-scale, scale);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

void write_batch(const fs::path& path, std::vector<int64_t> shape, const std::vector<float>& values) {
  tools::NpyArray a;
  a.dtype = QRT_DTYPE_FLOAT32;
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(float));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  std::string error;
  INFO(error);
  REQUIRE(tools::write_npy(path.string(), a, &error));
}

std::vector<uint8_t> float_bytes(const float* v, size_t n) {
  std::vector<uint8_t> b(n * sizeof(float));
  std::memcpy(b.data(), v, b.size());
  return b;
}

TEST_CASE("multi-input PTQ: --calib NAME=PATH gives each input its data, and the int8 model follows the float one") {
  const fs::path dir = fresh_dir();
  const std::vector<float> xs = random_values(kSamples * 4, 1.0f, 1), ys = random_values(kSamples * 3, 100.0f, 2);
  write_batch(dir / "x.npy", {kSamples, 1, 4}, xs);
  write_batch(dir / "y.npy", {kSamples, 1, 3}, ys);
  const std::vector<uint8_t> onnx = two_input_model();
  PtqOptions ptq;
  // Given in the other order than the graph's inputs: the names decide.
  ptq.calibration_paths = {"y=" + (dir / "y.npy").string(), "x=" + (dir / "x.npy").string()};
  ImportSummary summary;
  const std::vector<uint8_t> qfb = import_onnx_with_ptq(onnx.data(), onnx.size(), {}, {}, ptq, &summary);
  bool noted = false;
  for (const std::string& note : summary.notes) {
    noted = noted || note.find("16 calibration samples") != std::string::npos;
  }
  CHECK(noted);

  // Each input's scale comes from its own data: y (+-100) in ~0.8 steps, x
  // (+-1) in ~0.008 steps. Fed y's data as x, the Gemm would lose x entirely.
  double worst = 0.0;
  for (int k = 0; k < kSamples; ++k) {
    const float* x = xs.data() + 4 * k;
    const float* y = ys.data() + 3 * k;
    const auto out = onnx_test::run_qfb(qfb, {float_bytes(x, 4), float_bytes(y, 3)});
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].size() == 3 * sizeof(float));
    float got[3];
    std::memcpy(got, out[0].data(), sizeof(got));
    for (int j = 0; j < 3; ++j) {
      double want = kBias[j] + y[j];
      for (int p = 0; p < 4; ++p) want += static_cast<double>(x[p]) * kWeights[j * 4 + p];
      worst = std::max(worst, std::fabs(got[j] - want));
    }
  }
  // The output spans about +-105: one int8 step is ~0.8; the inputs' and
  // Gemm's rounding add at most a step or two more.
  CHECK(worst < 2.5);

  // The accuracy report feeds both inputs by name, from the same NAME=PATH data.
  const AccuracyReport report = make_onnx_accuracy_report(onnx, {}, ptq, qfb, {});
  REQUIRE(report.samples == kSamples);
  REQUIRE(report.outputs.size() == 1);
  CHECK(report.outputs[0].stats.cosine() > 0.999);
}

TEST_CASE("multi-input calibration: unnamed, missing and mismatched data are refused with the input's name") {
  IrGraph g;
  test::add_float_input(&g, "x", {1, 4});
  test::add_float_input(&g, "y", {1, 3});
  const fs::path dir = fresh_dir();
  write_batch(dir / "x.npy", {4, 1, 4}, random_values(16, 1.0f, 3));
  write_batch(dir / "y.npy", {3, 1, 3}, random_values(9, 1.0f, 4));
  write_batch(dir / "y4.npy", {4, 1, 3}, random_values(12, 1.0f, 5));
  const std::string x = (dir / "x.npy").string(), y = (dir / "y.npy").string(), y4 = (dir / "y4.npy").string();
  CHECK_THROWS_WITH(load_calibration_samples(g, {x}),
                    Catch::Contains("2 inputs ('x', 'y')") && Catch::Contains("NAME=PATH"));
  CHECK_THROWS_WITH(load_calibration_samples(g, {"x=" + x}), Catch::Contains("no calibration data for input 'y'"));
  CHECK_THROWS_WITH(load_calibration_samples(g, {"x=" + x, "y=" + y}),
                    Catch::Contains("input 'y' has 3 calibration samples but 'x' has 4"));
  CHECK_THROWS_WITH(load_calibration_samples(g, {"x=" + x, "z=" + y4}),
                    Catch::Contains("no input 'z' (its inputs: 'x', 'y')"));
  const auto samples = load_calibration_samples(g, {"x=" + x, "y=" + y4});
  REQUIRE(samples.size() == 4);
  CHECK(samples[3].at("x").shape == std::vector<int64_t>{1, 4});
  CHECK(samples[3].at("y").shape == std::vector<int64_t>{1, 3});
  // A single-input model takes bare paths and NAME=PATH alike.
  IrGraph one;
  test::add_float_input(&one, "x", {1, 4});
  CHECK(load_calibration_samples(one, {x, "x=" + x}).size() == 8);
  CHECK_THROWS_WITH(load_calibration_samples(one, {"image=" + x}), Catch::Contains("no input 'image'"));
  // --calib random covers every input.
  const auto random = random_calibration_samples(g, 2);
  REQUIRE(random.size() == 2);
  CHECK(random[1].count("x") == 1);
  CHECK(random[1].count("y") == 1);
}

}  // namespace
}  // namespace qrt::convert
