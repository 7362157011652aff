// Dynamically quantized convolutions (DYNAMIC_CONV_2D), end to end from ONNX:
//  - the graphs onnxruntime.quantization.quantize_dynamic writes for Conv
//    (DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul [-> Add(Reshape(
//    bias))]) import as one op and give, bit for bit, the outputs of an
//    independent numpy implementation of that ONNX graph;
//  - qconvert --dynamic on a float Conv -> Relu gives the same graph's
//    outputs for the weights quantized by qconvert's documented rule, and
//    stays within the quantization error of the float result.
// The models and outputs come from tests/data/make_dynamic_conv_fixture.py
// (ONNX Runtime itself is not a Debian package). Every model runs with the
// reference kernels and with the best kernel table of this CPU.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "converter/calibration/dynamic_quantization.h"
#include "converter/onnx/onnx_importer.h"
#include "qrt/qrt.h"
#include "runtime/tools/npy.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

fs::path fixture_dir() { return fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "dynamic_conv"; }

std::vector<float> npy_floats(const std::string& name, std::vector<int64_t>* shape) {
  tools::NpyArray a;
  std::string error;
  const bool ok = tools::read_npy((fixture_dir() / name).string(), &a, &error);
  INFO(name << ": " << error);
  REQUIRE(ok);
  REQUIRE(a.dtype == QRT_DTYPE_FLOAT32);
  std::vector<float> v(a.data.size() / sizeof(float));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  *shape = a.shape;
  return v;
}

// One invoke of `qfb` on the float32 input `x` with the kernel table `isa` ("" = best).
std::vector<float> run(const std::vector<uint8_t>& qfb, const float* x, size_t count, const char* isa) {
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer(qfb.data(), qfb.size(), &model) == QRT_OK);
  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  if (isa[0] != '\0') REQUIRE(qrt_options_set_isa(options, isa) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, options, &interpreter) == QRT_OK);
  qrt_options_destroy(options);
  INFO(qrt_last_error());
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_set_input(interpreter, 0, x, count * sizeof(float)) == QRT_OK);
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  qrt_tensor_info info;
  REQUIRE(qrt_interpreter_get_output_info(interpreter, 0, &info) == QRT_OK);
  std::vector<float> y(info.byte_size / sizeof(float));
  REQUIRE(qrt_interpreter_get_output(interpreter, 0, y.data(), info.byte_size) == QRT_OK);
  qrt_interpreter_destroy(interpreter);
  qrt_model_destroy(model);
  return y;
}

// Every run of NAME_inputs.npy through `qfb` equals NAME_expected.npy bit for bit.
void require_fixture_outputs(const std::string& name, const std::vector<uint8_t>& qfb) {
  std::vector<int64_t> xs, ys;
  const std::vector<float> inputs = npy_floats(name + "_inputs.npy", &xs);
  const std::vector<float> expected = npy_floats(name + "_expected.npy", &ys);
  REQUIRE(xs.size() == 5);
  REQUIRE(ys.size() == 5);
  REQUIRE(xs[0] == ys[0]);
  const size_t runs = static_cast<size_t>(xs[0]);
  const size_t x_count = inputs.size() / runs, y_count = expected.size() / runs;
  for (const char* isa : {"reference", ""}) {
    for (size_t r = 0; r < runs; ++r) {
      INFO(name << ", run " << r << ", kernel table " << (isa[0] ? isa : "best"));
      const std::vector<float> y = run(qfb, inputs.data() + r * x_count, x_count, isa);
      REQUIRE(y.size() == y_count);
      size_t first_difference = y_count;
      for (size_t i = 0; i < y_count && first_difference == y_count; ++i) {
        if (std::memcmp(&y[i], &expected[r * y_count + i], sizeof(float)) != 0) first_difference = i;
      }
      INFO("first difference at " << first_difference << ": "
                                  << (first_difference < y_count ? y[first_difference] : 0.0f) << " vs "
                                  << (first_difference < y_count ? expected[r * y_count + first_difference] : 0.0f));
      REQUIRE(first_difference == y_count);
    }
  }
}

bool fixtures_present() { return fs::exists(fixture_dir() / "conv3x3_pad1.onnx"); }

TEST_CASE("ONNX quantize_dynamic Conv graphs import to one DYNAMIC_CONV_2D and match numpy's ORT graph bit for bit",
          "[dynamic]") {
  REQUIRE(fixtures_present());
  for (const std::string name :
       {"conv3x3_pad1", "conv3x3_stride2_uint8_groups", "pointwise_per_channel", "depthwise_asym_pads"}) {
    INFO(name);
    const std::vector<uint8_t> onnx = onnx_test::read_bytes((fixture_dir() / (name + ".onnx")).string());
    REQUIRE(!onnx.empty());
    ImportSummary summary;
    const std::vector<uint8_t> qfb = import_onnx(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, &summary);
    REQUIRE(summary.op_counts.count("DYNAMIC_CONV_2D"));
    CHECK(summary.op_counts.at("DYNAMIC_CONV_2D") == 1);
    // Nothing of the chain is left: only the layout changes at the NCHW graph edges.
    for (const auto& [op, count] : summary.op_counts) {
      INFO(op);
      CHECK((op == "DYNAMIC_CONV_2D" || op == "TRANSPOSE" || op == "RESHAPE"));
    }
    require_fixture_outputs(name, qfb);
  }
}

TEST_CASE("qconvert --dynamic turns a float Conv -> Relu into one DYNAMIC_CONV_2D with ONNX's arithmetic",
          "[dynamic]") {
  REQUIRE(fixtures_present());
  const std::string name = "float_conv_relu";
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((fixture_dir() / (name + ".onnx")).string());
  REQUIRE(!onnx.empty());
  ImportOptions options;
  options.dynamic_quantization = true;
  ImportSummary summary;
  const std::vector<uint8_t> qfb = import_onnx_dynamic(onnx.data(), onnx.size(), options, OnnxLoadOptions{}, &summary);
  REQUIRE(summary.op_counts.count("DYNAMIC_CONV_2D"));
  CHECK_FALSE(summary.op_counts.count("CONV_2D"));
  CHECK_FALSE(summary.op_counts.count("RELU"));  // fused into the op
  require_fixture_outputs(name, qfb);
  // And near the float model: the expected outputs differ from float by the quantization error only.
  std::vector<int64_t> es, fs_shape;
  const std::vector<float> expected = npy_floats(name + "_expected.npy", &es);
  const std::vector<float> real = npy_floats(name + "_float.npy", &fs_shape);
  REQUIRE(expected.size() == real.size());
  double worst = 0.0, peak = 0.0;
  for (size_t i = 0; i < real.size(); ++i) {
    worst = std::max(worst, std::fabs(double{expected[i]} - real[i]));
    peak = std::max(peak, std::fabs(double{real[i]}));
  }
  CHECK(worst <= 0.02 * peak);
}

}  // namespace
}  // namespace qrt::convert
