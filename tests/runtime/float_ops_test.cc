// The float32 path through the interpreter: models built with QfbWriter whose
// ops run on float32 tensors must give exactly what the float32 reference
// kernels give when called directly with parameters worked out here from
// docs/format.md (the kernels themselves are checked against oracles in
// tests/kernels/*_f32_test.cc); int8 and float32 ops mix through QUANTIZE /
// DEQUANTIZE; and a model that mixes dtypes inside one op is refused at
// load with a message naming the tensor.
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/binary_elementwise_f32.h"
#include "kernels/reference/conv2d_f32.h"
#include "kernels/reference/data_movement_x32.h"
#include "kernels/reference/depthwise_conv2d_f32.h"
#include "kernels/reference/fully_connected_f32.h"
#include "kernels/reference/mean_f32.h"
#include "kernels/reference/pool2d_f32.h"
#include "kernels/reference/softmax_f32.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"
#include "runtime/op_precision.h"

using namespace qrt;

namespace {

constexpr fb::DType kF32 = fb::DType::FLOAT32;

std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

template <typename Table>
fb::OpOptionsUnion options_of(Table t) {
  fb::OpOptionsUnion u;
  u.Set(std::move(t));
  return u;
}

int float_constant(QfbWriter& w, const std::string& name, const std::vector<int32_t>& shape,
                   const std::vector<float>& values) {
  return w.add_constant(name, kF32, shape, to_bytes(values));
}

Status load(const QfbWriter& writer, std::unique_ptr<Model>* model) {
  const std::vector<uint8_t> bytes = writer.serialize();
  return Model::load_buffer(bytes.data(), bytes.size(), /*copy=*/true, model);
}

std::unique_ptr<Model> load_ok(const QfbWriter& writer) {
  std::unique_ptr<Model> model;
  const Status status = load(writer, &model);
  INFO(status.message);
  REQUIRE(status.ok());
  return model;
}

void require_refused(const QfbWriter& writer, const std::string& fragment) {
  std::unique_ptr<Model> model;
  const Status status = load(writer, &model);
  INFO("status " << status.code << ": " << status.message);
  REQUIRE_FALSE(status.ok());
  REQUIRE(status.message.find(fragment) != std::string::npos);
}

// Prepares, writes the float input, invokes and returns float output `index`.
std::vector<float> run_float(Interpreter& interpreter, const std::vector<float>& input, size_t index = 0) {
  const Status status = interpreter.prepare();
  INFO(status.message);
  REQUIRE(status.ok());
  std::memcpy(interpreter.input_buffer(0), input.data(), input.size() * sizeof(float));
  REQUIRE(interpreter.invoke().ok());
  const Model& model = interpreter.model();
  const size_t count = model.tensors()[model.outputs()[index].tensor].element_count;
  const float* y = reinterpret_cast<const float*>(interpreter.output_buffer(index));
  return std::vector<float>(y, y + count);
}

TEST_CASE("float32 ops: a float CNN gives the float32 reference kernels' values", "[float_ops]") {
  QfbWriter w;
  const auto input_values = random_floats(7 * 7 * 3, 1, -2, 2);
  const auto conv_w = random_floats(4 * 3 * 3 * 3, 2), conv_b = random_floats(4, 3);
  const auto dw_w = random_floats(3 * 3 * 8, 4), dw_b = random_floats(8, 5);
  const auto add_c = random_floats(8, 6), fc_w = random_floats(5 * 8, 7), fc_b = random_floats(5, 8);

  const int x = w.add_tensor("x", kF32, {1, 7, 7, 3});
  const int conv = w.add_tensor("conv", kF32, {1, 4, 4, 4});
  fb::Conv2DOptionsT co;
  co.padding = fb::Padding::SAME;
  co.stride_h = co.stride_w = 2;
  co.activation = fb::Activation::RELU6;
  w.add_op(fb::OpType::CONV_2D, {x, float_constant(w, "cw", {4, 3, 3, 3}, conv_w), float_constant(w, "cb", {4}, conv_b)},
           {conv}, options_of(co), fb::RequantRule::FP32, "conv");
  const int dw = w.add_tensor("dw", kF32, {1, 3, 3, 8});
  fb::DepthwiseConv2DOptionsT dwo;
  dwo.padding = fb::Padding::EXPLICIT;
  dwo.pad_top = 1, dwo.pad_bottom = 0, dwo.pad_left = 0, dwo.pad_right = 1;
  dwo.depth_multiplier = 2;
  w.add_op(fb::OpType::DEPTHWISE_CONV_2D, {conv, float_constant(w, "dww", {1, 3, 3, 8}, dw_w), float_constant(w, "dwb", {8}, dw_b)},
           {dw}, options_of(dwo), fb::RequantRule::FP32, "dw");
  const int avg = w.add_tensor("avg", kF32, {1, 2, 2, 8});
  fb::Pool2DOptionsT po;
  po.filter_h = po.filter_w = 2;
  w.add_op(fb::OpType::AVERAGE_POOL_2D, {dw}, {avg}, options_of(po), fb::RequantRule::FP32, "avg");
  const int mx = w.add_tensor("max", kF32, {1, 2, 2, 8});
  po.padding = fb::Padding::SAME;
  w.add_op(fb::OpType::MAX_POOL_2D, {avg}, {mx}, options_of(po), fb::RequantRule::FP32, "max");
  const int sum = w.add_tensor("sum", kF32, {1, 2, 2, 8});
  fb::BinaryOptionsT bo;
  bo.activation = fb::Activation::RELU;
  w.add_op(fb::OpType::ADD, {mx, float_constant(w, "c", {8}, add_c)}, {sum}, options_of(bo), fb::RequantRule::FP32, "add");
  const int mean = w.add_tensor("mean", kF32, {1, 8});
  fb::MeanOptionsT mo;
  mo.axes = {1, 2};
  mo.keep_dims = false;
  w.add_op(fb::OpType::MEAN, {sum}, {mean}, options_of(mo), fb::RequantRule::FP32, "mean");
  const int fc = w.add_tensor("fc", kF32, {1, 5});
  w.add_op(fb::OpType::FULLY_CONNECTED, {mean, float_constant(w, "fw", {5, 8}, fc_w), float_constant(w, "fb", {5}, fc_b)},
           {fc}, options_of(fb::FullyConnectedOptionsT{}), fb::RequantRule::FP32, "fc");
  const int y = w.add_tensor("y", kF32, {1, 5});
  w.add_op(fb::OpType::SOFTMAX, {fc}, {y}, options_of(fb::SoftmaxOptionsT{}), fb::RequantRule::FP32, "softmax");
  w.add_input(x, kF32);
  w.add_output(y, kF32);

  const auto model = load_ok(w);
  // The reference table: exactly the reference kernels' values.
  Interpreter interpreter(*model, InterpreterOptions{1, "reference"});
  const std::vector<float> got = run_float(interpreter, input_values);
  CHECK(interpreter.prepared_op(0).kernel_name() == "conv2d_f32_reference");
  CHECK(interpreter.prepared_op(1).kernel_name() == "depthwise_conv2d_f32_reference");
  CHECK(interpreter.prepared_op(6).kernel_name() == "fully_connected_f32_reference");

  // The same chain, kernel by kernel. SAME 7 -> 4 at stride 2: total padding 2, top 1.
  using namespace reference;
  Conv2DF32Params cp;
  cp.input_height = cp.input_width = 7, cp.input_channels = 3;
  cp.output_height = cp.output_width = 4, cp.output_channels = 4;
  cp.kernel_height = cp.kernel_width = 3, cp.stride_height = cp.stride_width = 2;
  cp.pad_top = cp.pad_left = 1;
  cp.clamp = activation_range_f32(FusedActivation::kRelu6);
  std::vector<float> t1(64), t2(72), t3(32), t4(32), t5(32), t6(8), t7(5), want(5);
  conv2d_f32(cp, input_values.data(), conv_w.data(), conv_b.data(), t1.data());
  DepthwiseConv2DF32Params dp;
  dp.input_height = dp.input_width = 4, dp.input_channels = 4, dp.depth_multiplier = 2;
  dp.output_height = dp.output_width = 3, dp.kernel_height = dp.kernel_width = 3;
  dp.pad_top = 1, dp.pad_left = 0;
  depthwise_conv2d_f32(dp, t1.data(), dw_w.data(), dw_b.data(), t2.data());
  Pool2DF32Params pp;
  pp.input_height = pp.input_width = 3, pp.channels = 8, pp.output_height = pp.output_width = 2;
  pp.filter_height = pp.filter_width = 2;
  average_pool2d_f32(pp, t2.data(), t3.data());
  pp.input_height = pp.input_width = 2;  // SAME 2 -> 2 at stride 1: padding 1, all after
  max_pool2d_f32(pp, t3.data(), t4.data());
  BinaryF32Params bp;
  const int32_t a_shape[4] = {1, 2, 2, 8}, c_shape[1] = {8};
  REQUIRE(broadcast_shapes(a_shape, 4, c_shape, 1, &bp.shapes.input1, &bp.shapes.input2, &bp.shapes.output));
  bp.clamp = activation_range_f32(FusedActivation::kRelu);
  binary_elementwise_f32(bp, t4.data(), add_c.data(), t5.data());
  mean_f32(MeanF32Params{1, 2, 2, 8}, t5.data(), t6.data());
  FullyConnectedF32Params fp;
  fp.input_depth = 8, fp.output_depth = 5;
  fully_connected_f32(fp, t6.data(), fc_w.data(), fc_b.data(), t7.data());
  softmax_f32(SoftmaxF32Params{1, 5, 1.0f}, t7.data(), want.data());
  REQUIRE(got == want);

  // The best table (vectorised float32 kernels where the CPU has them: FMA
  // changes roundings, kernels/README.md "float32 tolerance"): the same
  // probabilities within a few float32 roundings of these small sums.
  // Two threads: the GEMM tiles split over them.
  Interpreter best(*model, InterpreterOptions{2});
  const std::vector<float> fast = run_float(best, input_values);
  std::string error;
  const KernelTable* table = find_kernel_table(nullptr, &error);
  REQUIRE(table != nullptr);
  if (table->gemm_f32.run != nullptr) {
    CHECK(best.prepared_op(0).kernel_name() == table->gemm_f32.name);  // 3x3 stride-2 conv: indirect GEMM
    CHECK(best.prepared_op(6).kernel_name() == table->gemm_f32.name);
    CHECK(best.prepared_op(4).kernel_name() == table->vbinary_f32.name);  // + a per-channel row
  }
  CHECK(best.prepared_op(1).kernel_name() == "depthwise_conv2d_f32_reference");  // depth multiplier 2
  REQUIRE(fast.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("output " << i << " (" << best.prepared_op(0).kernel_name() << ")");
    CHECK(std::fabs(fast[i] - want[i]) <= 1e-5f);
  }
}

TEST_CASE("float32 ops: int8 and float32 ops meet at QUANTIZE and DEQUANTIZE", "[float_ops]") {
  // x f32 -> QUANTIZE (0.05, zp 3) -> int8 RELU -> DEQUANTIZE -> f32 TANH -> y
  QfbWriter w;
  const int x = w.add_tensor("x", kF32, {1, 3, 3, 2});
  const int q = w.add_tensor("q", fb::DType::INT8, {1, 3, 3, 2}, {0.05f}, {3});
  const int r = w.add_tensor("r", fb::DType::INT8, {1, 3, 3, 2}, {0.05f}, {3});
  const int d = w.add_tensor("d", kF32, {1, 3, 3, 2});
  const int y = w.add_tensor("y", kF32, {1, 3, 3, 2});
  w.add_op(fb::OpType::QUANTIZE, {x}, {q}, {}, fb::RequantRule::FP32, "quantize");
  w.add_op(fb::OpType::RELU, {q}, {r}, {}, fb::RequantRule::FP32, "relu_int8");
  w.add_op(fb::OpType::DEQUANTIZE, {r}, {d}, {}, fb::RequantRule::FP32, "dequantize");
  w.add_op(fb::OpType::TANH, {d}, {y}, {}, fb::RequantRule::FP32, "tanh_f32");
  w.add_input(x, kF32);
  w.add_output(y, kF32);
  const auto model = load_ok(w);
  Interpreter interpreter(*model, InterpreterOptions{1});
  const auto input = random_floats(18, 9, -4, 4);
  const auto got = run_float(interpreter, input);
  CHECK(interpreter.prepared_op(3).kernel_name() == "unary_f32_reference");
  CHECK(std::string(op_precision(*model, model->ops()[0])) == "float32->int8");
  CHECK(std::string(op_precision(*model, model->ops()[1])) == "int8");
  CHECK(std::string(op_precision(*model, model->ops()[2])) == "int8->float32");
  CHECK(std::string(op_precision(*model, model->ops()[3])) == "float32");
  for (size_t i = 0; i < input.size(); ++i) {
    const double qv = std::min(127.0, std::max(-128.0, std::nearbyint(static_cast<double>(input[i] / 0.05f)) + 3));
    const double relu = std::max(qv, 3.0);
    const float deq = static_cast<float>((relu - 3) * 0.05f);
    INFO("element " << i << " x " << input[i]);
    REQUIRE(std::fabs(got[i] - std::tanh(static_cast<double>(deq))) < 1e-6);
  }
}

TEST_CASE("float32 ops: data movement moves float32 elements", "[float_ops]") {
  // x [2,3,4] -> TRANSPOSE [2,0,1] -> [4,2,3] -> PAD dim0 (1,0), dim2 (0,1) -> [5,2,4]
  //   -> CONCATENATION with a constant [1,2,4] on axis 0 -> [6,2,4] -> SPLIT axis 2 -> [6,2,1], [6,2,3]
  //   and STRIDED_SLICE of the second: rows 5, 3, 1 -> [3,2,3]
  QfbWriter w;
  const int x = w.add_tensor("x", kF32, {2, 3, 4});
  const int t = w.add_tensor("t", kF32, {4, 2, 3});
  const int p = w.add_tensor("p", kF32, {5, 2, 4});
  const int c = w.add_tensor("c", kF32, {6, 2, 4});
  const int s0 = w.add_tensor("s0", kF32, {6, 2, 1});
  const int s1 = w.add_tensor("s1", kF32, {6, 2, 3});
  const int sl = w.add_tensor("sl", kF32, {3, 2, 3});
  fb::TransposeOptionsT to;
  to.perm = {2, 0, 1};
  w.add_op(fb::OpType::TRANSPOSE, {x}, {t}, options_of(to));
  fb::PadOptionsT pad;
  pad.paddings = {1, 0, 0, 0, 0, 1};
  w.add_op(fb::OpType::PAD, {t}, {p}, options_of(pad));
  const auto extra = random_floats(8, 10);
  fb::ConcatenationOptionsT cc;
  cc.axis = 0;
  w.add_op(fb::OpType::CONCATENATION, {p, float_constant(w, "extra", {1, 2, 4}, extra)}, {c}, options_of(cc));
  fb::SplitOptionsT so;
  so.axis = -1;
  w.add_op(fb::OpType::SPLIT, {c}, {s0, s1}, options_of(so));
  fb::StridedSliceOptionsT ss;
  ss.begin = {5, 0, 0};
  ss.strides = {-2, 1, 1};
  w.add_op(fb::OpType::STRIDED_SLICE, {s1}, {sl}, options_of(ss));
  w.add_input(x, kF32);
  w.add_output(s0, kF32);
  w.add_output(sl, kF32);
  const auto model = load_ok(w);
  Interpreter interpreter(*model, InterpreterOptions{1});
  const auto input = random_floats(24, 11);
  const auto got0 = run_float(interpreter, input, 0);
  const float* got1 = reinterpret_cast<const float*>(interpreter.output_buffer(1));
  // c[i][j][k]: i = 0 is padding, 1..4 is x transposed (c[1 + a][b][k] = x[b][k][a], k < 3), 5 is extra.
  auto c_at = [&](int i, int j, int k) -> float {
    if (i == 5) return extra[j * 4 + k];
    if (i == 0 || k == 3) return 0.0f;
    return input[(j * 3 + k) * 4 + (i - 1)];
  };
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 2; ++j) REQUIRE(got0[i * 2 + j] == c_at(i, j, 0));
  for (int r = 0; r < 3; ++r)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k) REQUIRE(got1[(r * 2 + j) * 3 + k] == c_at(5 - 2 * r, j, 1 + k));
}

// x f32 [1,4,4,2] -> CONV_2D 1x1 with the given weights / output dtypes.
QfbWriter conv_model(fb::DType weights_dtype, fb::DType output_dtype, bool quantized_float_output = false) {
  QfbWriter w;
  const int x = w.add_tensor("x", kF32, {1, 4, 4, 2});
  const bool int8_w = weights_dtype == fb::DType::INT8;
  const int wt = int8_w ? w.add_constant("w", fb::DType::INT8, {3, 1, 1, 2}, std::vector<uint8_t>(6, 1), {0.1f}, {0})
                        : float_constant(w, "w", {3, 1, 1, 2}, random_floats(6, 1));
  const bool int8_y = output_dtype == fb::DType::INT8 || quantized_float_output;
  const int y = w.add_tensor("y", output_dtype, {1, 4, 4, 3}, int8_y ? std::vector<float>{0.1f} : std::vector<float>{},
                             int8_y ? std::vector<int32_t>{0} : std::vector<int32_t>{});
  w.add_op(fb::OpType::CONV_2D, {x, wt, -1}, {y}, options_of(fb::Conv2DOptionsT{}), fb::RequantRule::FP32, "conv");
  w.add_input(x, kF32);
  w.add_output(y, output_dtype);
  return w;
}

TEST_CASE("float32 ops: an op mixing dtypes is refused at load, naming the tensor", "[float_ops]") {
  require_refused(conv_model(fb::DType::INT8, kF32), "weights 'w' int8[3,1,1,2] must be float32");
  require_refused(conv_model(kF32, fb::DType::INT8), "output 'y' int8[1,4,4,3] must be float32");
  require_refused(conv_model(kF32, kF32, /*quantized_float_output=*/true), "is float32 but quantized");
  std::unique_ptr<Model> model;
  REQUIRE(load(conv_model(kF32, kF32), &model).ok());

  // int8 input, float32 output: the float path says what it needs.
  QfbWriter add;
  const int a = add.add_tensor("a", fb::DType::INT8, {4}, {0.5f}, {0});
  const int b = add.add_tensor("b", kF32, {4});
  const int y = add.add_tensor("y", kF32, {4});
  add.add_op(fb::OpType::ADD, {a, b}, {y}, options_of(fb::BinaryOptionsT{}), fb::RequantRule::FP32, "add");
  add.add_input(a);
  add.add_input(b, kF32);
  add.add_output(y, kF32);
  require_refused(add, "input 1 'a' int8[4] must be float32");

  // Ops with no float32 kernel yet.
  QfbWriter arg;
  const int x = arg.add_tensor("x", kF32, {2, 3});
  const int i = arg.add_tensor("i", fb::DType::INT32, {2});
  fb::ArgMaxOptionsT ao;
  ao.axis = 1;
  arg.add_op(fb::OpType::ARG_MAX, {x}, {i}, options_of(ao), fb::RequantRule::FP32, "argmax");
  arg.add_input(x, kF32);
  arg.add_output(i, fb::DType::INT32);
  require_refused(arg, "no float32 kernel");
}

}  // namespace

namespace {

uint16_t to_half_exact(float f) {  // test values are exact halves: sign, 5-bit exponent, 10-bit mantissa
  int e = 0;
  const float m = std::frexp(std::fabs(f), &e);  // f = m * 2^e, m in [0.5, 1)
  if (f == 0.0f) return std::signbit(f) ? 0x8000 : 0;
  const uint16_t mantissa = static_cast<uint16_t>(std::lround((m * 2 - 1) * 1024));
  return static_cast<uint16_t>((f < 0 ? 0x8000 : 0) | ((e - 1 + 15) << 10) | mantissa);
}

TEST_CASE("float32 ops: float16 weights are widened at prepare and give the float32 weights' results",
          "[float_ops]") {
  // Weights that halves hold exactly: k / 64 for k in [-64, 64].
  std::vector<float> weights(6 * 5);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<float>(static_cast<int>(i * 7 % 129) - 64) / 64.0f;
  std::vector<uint16_t> halves(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) halves[i] = to_half_exact(weights[i]);
  const std::vector<float> bias = {0.5f, -0.25f, 1.0f, 0.0f, 2.0f, -1.0f};
  auto model_with = [&](bool half) {
    QfbWriter w;
    const int x = w.add_tensor("x", kF32, {2, 5});
    const int wt = half ? w.add_constant("w", fb::DType::FLOAT16, {6, 5}, to_bytes(halves))
                        : float_constant(w, "w", {6, 5}, weights);
    const int y = w.add_tensor("y", kF32, {2, 6});
    w.add_op(fb::OpType::FULLY_CONNECTED, {x, wt, float_constant(w, "b", {6}, bias)}, {y},
             options_of(fb::FullyConnectedOptionsT{}), fb::RequantRule::FP32, "fc");
    w.add_input(x, kF32);
    w.add_output(y, kF32);
    return w;
  };
  const auto input = random_floats(10, 21);
  const auto half_model = load_ok(model_with(true));
  const auto float_model = load_ok(model_with(false));
  Interpreter half_run(*half_model, InterpreterOptions{1}), float_run(*float_model, InterpreterOptions{1});
  const auto got = run_float(half_run, input);
  const auto want = run_float(float_run, input);
  REQUIRE(got == want);
  CHECK(std::string(op_precision(*half_model, half_model->ops()[0])) == "float32+fp16 weights");
  CHECK(std::string(op_precision(*float_model, float_model->ops()[0])) == "float32");

  // A float16 tensor that is quantized is refused.
  QfbWriter bad;
  const int x = bad.add_tensor("x", kF32, {1, 5});
  const int wt = bad.add_constant("w", fb::DType::FLOAT16, {6, 5}, to_bytes(halves), {0.5f}, {0});
  const int y = bad.add_tensor("y", kF32, {1, 6});
  bad.add_op(fb::OpType::FULLY_CONNECTED, {x, wt, -1}, {y}, options_of(fb::FullyConnectedOptionsT{}),
             fb::RequantRule::FP32, "fc");
  bad.add_input(x, kF32);
  bad.add_output(y, kF32);
  require_refused(bad, "must be a constant without quantization");
}

}  // namespace

TEST_CASE("float32 ops: the best table's depthwise, MUL by a scalar and HARD_SWISH agree with the reference table",
          "[float_ops]") {
  QfbWriter w;
  const auto input_values = random_floats(6 * 5 * 11, 41, -3, 3);
  const auto dw_w = random_floats(3 * 3 * 11, 42), dw_b = random_floats(11, 43);
  const int x = w.add_tensor("x", kF32, {1, 6, 5, 11});
  const int dw = w.add_tensor("dw", kF32, {1, 6, 5, 11});
  fb::DepthwiseConv2DOptionsT dwo;
  dwo.padding = fb::Padding::SAME;
  dwo.depth_multiplier = 1;
  dwo.activation = fb::Activation::RELU6;
  w.add_op(fb::OpType::DEPTHWISE_CONV_2D,
           {x, float_constant(w, "dww", {1, 3, 3, 11}, dw_w), float_constant(w, "dwb", {11}, dw_b)}, {dw},
           options_of(dwo), fb::RequantRule::FP32, "dw");
  const int scaled = w.add_tensor("scaled", kF32, {1, 6, 5, 11});
  w.add_op(fb::OpType::MUL, {float_constant(w, "half", {1}, {0.5f}), dw}, {scaled},
           options_of(fb::BinaryOptionsT{}), fb::RequantRule::FP32, "mul");
  const int y = w.add_tensor("y", kF32, {1, 6, 5, 11});
  w.add_op(fb::OpType::HARD_SWISH, {scaled}, {y}, {}, fb::RequantRule::FP32, "hswish");
  w.add_input(x, kF32);
  w.add_output(y, kF32);
  const auto model = load_ok(w);
  Interpreter reference(*model, InterpreterOptions{1, "reference"});
  const std::vector<float> want = run_float(reference, input_values);
  CHECK(reference.prepared_op(0).kernel_name() == "depthwise_conv2d_f32_reference");
  Interpreter best(*model, InterpreterOptions{1});
  const std::vector<float> got = run_float(best, input_values);
  std::string error;
  const KernelTable* table = find_kernel_table(nullptr, &error);
  REQUIRE(table != nullptr);
  if (table->dwconv_f32.run != nullptr) {
    CHECK(best.prepared_op(0).kernel_name() == table->dwconv_f32.name);
    CHECK(best.prepared_op(1).kernel_name() == table->vbinary_f32.name);  // the scalar is the first input
    CHECK(best.prepared_op(2).kernel_name() == table->vunary_f32.name);
  }
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i);
    CHECK(std::fabs(got[i] - want[i]) <= 1e-5f * (1.0f + std::fabs(want[i])));
  }
}
