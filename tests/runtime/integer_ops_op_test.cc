// CONV_INTEGER, MATMUL_INTEGER and DYNAMIC_QUANTIZE_LINEAR through the
// interpreter and the C API's uint8 boundary: models built with QfbWriter
// give what the reference kernels give when called directly, MACs are
// counted, and hostile fields are refused at load naming the problem.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/reference/conv_integer_s8.h"
#include "kernels/reference/dynamic_quantize_linear_f32.h"
#include "kernels/reference/matmul_integer_s8.h"
#include "qrt/qrt.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"
#include "runtime/ops/op_registry.h"

using namespace qrt;

namespace {

// What a test may change in an otherwise valid CONV_INTEGER / MATMUL_INTEGER model.
struct Spec {
  std::vector<int32_t> input_shape = {1, 5, 4, 6};   // conv: NHWC; matmul: [.., K]
  std::vector<int32_t> weight_shape = {4, 3, 2, 3};  // conv: OHWI (groups 2); matmul: [N, K]
  std::vector<int32_t> output_shape = {1, 3, 3, 4};
  fb::DType input_dtype = fb::DType::INT8;
  fb::DType weight_dtype = fb::DType::INT8;
  fb::DType output_dtype = fb::DType::INT32;
  std::vector<int32_t> weight_zero_points = {3, -128, 127, 0};
  int32_t weight_axis = 0;
  int32_t input_zero_point = -7;
  bool output_quantized = false;
  bool weights_constant = true;
  int groups = 2;
  int stride = 1;
  int pad = 0;
  fb::Activation activation = fb::Activation::NONE;
  bool options = true;
};

size_t count(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d < 1 ? 1 : d);
  return n;
}

std::vector<int8_t> values(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  return v;
}

std::vector<uint8_t> build(const Spec& s, fb::OpType type) {
  QfbWriter w;
  const int x = w.add_tensor("x", s.input_dtype, s.input_shape, {0.5f}, {s.input_zero_point});
  const int y = s.output_quantized ? w.add_tensor("y", s.output_dtype, s.output_shape, {1.0f}, {0})
                                   : w.add_tensor("y", s.output_dtype, s.output_shape);
  const std::vector<float> scales(s.weight_zero_points.size(), 1.0f);
  const int32_t axis = s.weight_zero_points.size() > 1 ? s.weight_axis : -1;
  const int weights = s.weights_constant
                          ? w.add_constant("w", s.weight_dtype, s.weight_shape,
                                           to_bytes(values(count(s.weight_shape), 9)), scales, s.weight_zero_points, axis)
                          : w.add_tensor("w", s.weight_dtype, s.weight_shape, scales, s.weight_zero_points, axis);
  fb::OpOptionsUnion options;
  if (type == fb::OpType::CONV_INTEGER && s.options) {
    fb::Conv2DOptionsT o;
    o.padding = fb::Padding::EXPLICIT;
    o.pad_top = o.pad_bottom = o.pad_left = o.pad_right = s.pad;
    o.stride_h = o.stride_w = s.stride;
    o.groups = s.groups;
    o.activation = s.activation;
    options.Set(std::move(o));
  } else if (type == fb::OpType::MATMUL_INTEGER && !s.options) {
    options.Set(fb::FullyConnectedOptionsT());  // MATMUL_INTEGER takes none
  }
  w.add_op(type, {x, weights}, {y}, std::move(options), fb::RequantRule::FP32, "integer_op");
  w.add_input(x, s.input_dtype);
  if (!s.weights_constant) w.add_input(weights, s.weight_dtype);
  w.add_output(y, s.output_dtype);
  return w.serialize();
}

void require_refused(const Spec& s, fb::OpType type, const std::string& fragment) {
  const std::vector<uint8_t> bytes = build(s, type);
  std::unique_ptr<Model> model;
  const Status status = Model::load_buffer(bytes.data(), bytes.size(), true, &model);
  INFO("status " << status.code << ": " << status.message);
  REQUIRE_FALSE(status.ok());
  REQUIRE(status.message.find(fragment) != std::string::npos);
}

std::vector<int32_t> run(const Spec& s, fb::OpType type, const std::vector<int8_t>& input, uint64_t* macs = nullptr) {
  const std::vector<uint8_t> bytes = build(s, type);
  std::unique_ptr<Model> model;
  const Status loaded = Model::load_buffer(bytes.data(), bytes.size(), true, &model);
  INFO(loaded.message);
  REQUIRE(loaded.ok());
  if (macs) *macs = op_macs(*model, model->ops()[0]);
  Interpreter interpreter(*model, InterpreterOptions());
  REQUIRE(interpreter.prepare().ok());
  std::memcpy(interpreter.input_buffer(0), input.data(), input.size());
  REQUIRE(interpreter.invoke().ok());
  const int32_t* y = reinterpret_cast<const int32_t*>(interpreter.output_buffer(0));
  return std::vector<int32_t>(y, y + count(s.output_shape));
}

}  // namespace

TEST_CASE("CONV_INTEGER op: the interpreter gives the reference kernel's values", "[integer_ops_op]") {
  Spec s;
  const std::vector<int8_t> x = values(count(s.input_shape), 4);
  for (int pad : {0, 1}) {
    s.pad = pad;
    s.output_shape = {1, 3 + 2 * pad, 3 + 2 * pad, 4};
    uint64_t macs = 0;
    const std::vector<int32_t> got = run(s, fb::OpType::CONV_INTEGER, x, &macs);
    reference::ConvIntegerParams p;
    p.input_height = 5; p.input_width = 4; p.input_channels = 6;
    p.output_height = p.output_width = 3 + 2 * pad; p.output_channels = 4;
    p.kernel_height = 3; p.kernel_width = 2; p.groups = 2;
    p.pad_top = p.pad_left = pad;
    p.input_zero_point = s.input_zero_point;
    p.filter_zero_points = s.weight_zero_points.data();
    p.filter_zero_point_count = 4;
    std::vector<int32_t> expected(got.size());
    const std::vector<int8_t> w = values(count(s.weight_shape), 9);
    reference::conv_integer_s8s32(p, x.data(), w.data(), expected.data());
    REQUIRE(got == expected);
    REQUIRE(macs == got.size() * 3u * 2u * 3u);
  }
}

TEST_CASE("MATMUL_INTEGER op: the interpreter gives the reference kernel's values", "[integer_ops_op]") {
  Spec s;
  s.input_shape = {2, 3, 7};
  s.weight_shape = {5, 7};
  s.output_shape = {2, 3, 5};
  s.weight_zero_points = {1, -128, 127, 0, -3};
  const std::vector<int8_t> x = values(42, 6);
  uint64_t macs = 0;
  const std::vector<int32_t> got = run(s, fb::OpType::MATMUL_INTEGER, x, &macs);
  reference::MatMulIntegerParams p;
  p.rows = 6;
  p.depth = 7;
  p.units = 5;
  p.input_zero_point = s.input_zero_point;
  p.weight_zero_points = s.weight_zero_points.data();
  p.weight_zero_point_count = 5;
  std::vector<int32_t> expected(30);
  const std::vector<int8_t> w = values(35, 9);
  reference::matmul_integer_s8s32(p, x.data(), w.data(), expected.data());
  REQUIRE(got == expected);
  REQUIRE(macs == 30u * 7u);
}

TEST_CASE("CONV_INTEGER and MATMUL_INTEGER: hostile models are refused at load", "[integer_ops_op]") {
  Spec s;
  SECTION("a fused activation") {
    s.activation = fb::Activation::RELU;
    require_refused(s, fb::OpType::CONV_INTEGER, "activation must be NONE");
  }
  SECTION("missing options") {
    s.options = false;
    require_refused(s, fb::OpType::CONV_INTEGER, "Conv2DOptions");
  }
  SECTION("groups that do not divide the channels") {
    s.groups = 4;
    require_refused(s, fb::OpType::CONV_INTEGER, "groups");
  }
  SECTION("an int8 output") {
    s.output_dtype = fb::DType::INT8;
    require_refused(s, fb::OpType::CONV_INTEGER, "must be int32");
  }
  SECTION("a quantized int32 output") {
    s.output_quantized = true;
    require_refused(s, fb::OpType::CONV_INTEGER, "must not be quantized");
  }
  SECTION("the wrong output shape") {
    s.output_shape = {1, 3, 2, 4};
    require_refused(s, fb::OpType::CONV_INTEGER, "should have shape [1,3,3,4]");
  }
  SECTION("weights that are not a constant") {
    s.weights_constant = false;
    s.weight_zero_points = {0};  // a graph input has one zero point
    require_refused(s, fb::OpType::CONV_INTEGER, "must be a constant");
  }
  SECTION("zero points along the wrong axis") {
    s.weight_zero_points = {0, 0, 0};
    s.weight_axis = 1;
    require_refused(s, fb::OpType::CONV_INTEGER, "axis");
  }
  SECTION("a reduction that could overflow int32") {
    s.input_shape = {1, 1, 1, 33026};
    s.weight_shape = {1, 1, 1, 33026};
    s.output_shape = {1, 1, 1, 1};
    s.weight_zero_points = {0};
    s.groups = 1;
    require_refused(s, fb::OpType::CONV_INTEGER, "overflow");
    s.input_shape = {1, 33026};
    s.weight_shape = {1, 33026};
    s.output_shape = {1, 1};
    require_refused(s, fb::OpType::MATMUL_INTEGER, "overflow");
  }
  SECTION("matmul: depth mismatch, options, float input") {
    s.input_shape = {2, 6};
    s.weight_shape = {4, 5};
    s.output_shape = {2, 4};
    require_refused(s, fb::OpType::MATMUL_INTEGER, "depth");
    s.weight_shape = {4, 6};
    s.options = false;
    require_refused(s, fb::OpType::MATMUL_INTEGER, "takes no options");
    s.options = true;
    s.input_dtype = fb::DType::INT16;
    require_refused(s, fb::OpType::MATMUL_INTEGER, "must be int8");
  }
}

namespace {

struct DqlSpec {
  std::vector<int32_t> shape = {3, 4};
  std::vector<int32_t> y_shape = {3, 4};
  std::vector<int32_t> scale_shape = {1};  // a scalar: QfbWriter stores shape [] as no shape
  fb::DType y_dtype = fb::DType::INT8;
  fb::DType zp_dtype = fb::DType::INT8;
  bool y_quantized = false;
  int outputs = 3;
};

std::vector<uint8_t> build_dql(const DqlSpec& s) {
  QfbWriter w;
  const int x = w.add_tensor("x", fb::DType::FLOAT32, s.shape);
  const int y = s.y_quantized ? w.add_tensor("y", s.y_dtype, s.y_shape, {0.1f}, {0})
                              : w.add_tensor("y", s.y_dtype, s.y_shape);
  const int scale = w.add_tensor("y_scale", fb::DType::FLOAT32, s.scale_shape);
  const int zp = w.add_tensor("y_zero_point", s.zp_dtype, {1});
  std::vector<int32_t> outputs = {y, scale, zp};
  outputs.resize(static_cast<size_t>(s.outputs));
  w.add_op(fb::OpType::DYNAMIC_QUANTIZE_LINEAR, {x}, outputs, {}, fb::RequantRule::FP32, "dql");
  w.add_input(x, fb::DType::FLOAT32);
  w.add_output(y, fb::DType::UINT8);
  if (s.outputs == 3) {
    w.add_output(scale, fb::DType::FLOAT32);
    w.add_output(zp, fb::DType::UINT8);
  }
  return w.serialize();
}

}  // namespace

TEST_CASE("DYNAMIC_QUANTIZE_LINEAR op: uint8 outputs through the C API equal the reference", "[integer_ops_op]") {
  const std::vector<uint8_t> bytes = build_dql(DqlSpec{});
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer(bytes.data(), bytes.size(), &model) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> d(-1.5f, 4.0f);
  std::vector<float> x(12);
  for (float& v : x) v = d(rng);
  REQUIRE(qrt_interpreter_set_input(interpreter, 0, x.data(), x.size() * sizeof(float)) == QRT_OK);
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  qrt_tensor_info info;
  REQUIRE(qrt_interpreter_get_output_info(interpreter, 0, &info) == QRT_OK);
  REQUIRE(info.dtype == QRT_DTYPE_UINT8);
  REQUIRE(info.quantized == 0);
  std::vector<uint8_t> y(12);
  float scale = 0.0f;
  uint8_t zp = 0;
  REQUIRE(qrt_interpreter_get_output(interpreter, 0, y.data(), y.size()) == QRT_OK);
  REQUIRE(qrt_interpreter_get_output(interpreter, 1, &scale, sizeof(scale)) == QRT_OK);
  REQUIRE(qrt_interpreter_get_output(interpreter, 2, &zp, 1) == QRT_OK);
  std::vector<int8_t> ref_y(12);
  float ref_scale = 0.0f;
  int8_t ref_zp = 0;
  reference::dynamic_quantize_linear_f32(x.data(), x.size(), ref_y.data(), &ref_scale, &ref_zp);
  REQUIRE(std::memcmp(&scale, &ref_scale, sizeof(float)) == 0);
  REQUIRE(zp == static_cast<uint8_t>(ref_zp + 128));
  for (size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == static_cast<uint8_t>(ref_y[i] + 128));
  qrt_interpreter_destroy(interpreter);
  qrt_model_destroy(model);
}

TEST_CASE("DYNAMIC_QUANTIZE_LINEAR op: hostile models are refused at load", "[integer_ops_op]") {
  auto refused = [](const DqlSpec& s, const std::string& fragment) {
    const std::vector<uint8_t> bytes = build_dql(s);
    std::unique_ptr<Model> model;
    const Status status = Model::load_buffer(bytes.data(), bytes.size(), true, &model);
    INFO(status.message);
    REQUIRE_FALSE(status.ok());
    REQUIRE(status.message.find(fragment) != std::string::npos);
  };
  DqlSpec s;
  SECTION("y of another shape") {
    s.y_shape = {4, 3};
    refused(s, "input's shape");
  }
  SECTION("a quantized y") {
    s.y_quantized = true;
    refused(s, "unquantized int8");
  }
  SECTION("a scale that is not a scalar") {
    s.scale_shape = {2};
    refused(s, "scalar");
  }
  SECTION("an int32 zero point") {
    s.zp_dtype = fb::DType::INT32;
    refused(s, "external dtype");  // the uint8 interface already refuses it; the op would too
  }
  SECTION("two outputs") {
    s.outputs = 2;
    refused(s, "outputs");
  }
}
