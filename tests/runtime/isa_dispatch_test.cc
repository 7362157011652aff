// Kernel ISA dispatch through the interpreter: a small model whose
// FULLY_CONNECTED and 1x1 CONV_2D ops run on the packed GEMM kernels gives
// the same bytes with every ISA forced (InterpreterOptions::isa or QRT_ISA)
// as with `reference`; an unknown or unavailable ISA fails prepare with a
// message instead of falling back.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "kernels/kernel_table.h"
#include "runtime/interpreter.h"
#include "test_models.h"

using namespace qrt;

namespace {

// A FULLY_CONNECTED over `rows` rows with random weights (-128 to 127;
// per-channel, or per-tensor with zero point weight_zp) and bias; returns
// its output tensor.
int add_fully_connected(QfbWriter& w, std::mt19937& rng, fb::RequantRule rule, int input, int rows, int depth,
                        int out_c, bool per_channel, int32_t weight_zp, float out_scale, int32_t out_zp,
                        const std::string& name) {
  std::vector<float> scales(per_channel ? out_c : 1, 0.003f);
  const int weights = w.add_constant(name + "/w", fb::DType::INT8, {out_c, depth},
                                     test::random_int8_bytes(size_t(out_c) * depth, rng, -128, 127), scales,
                                     std::vector<int32_t>(scales.size(), weight_zp), per_channel ? 0 : -1);
  const int bias = w.add_constant(name + "/b", fb::DType::INT32, {out_c}, to_bytes(test::random_bias(out_c, rng)));
  const int out = w.add_tensor(name, fb::DType::INT8, {rows, out_c}, {out_scale}, {out_zp});
  fb::OpOptionsUnion options;
  options.Set(fb::FullyConnectedOptionsT{});
  w.add_op(fb::OpType::FULLY_CONNECTED, {input, weights, bias}, {out}, std::move(options), rule, name);
  return out;
}

// input [2,6,5,13] -> CONV_2D 1x1 per-channel 13->20, ReLU
//   -> CONV_2D 1x1 per-tensor weights (zero point 5) 20->9
//   -> CONV_2D 3x3 SAME 9->4 (IGEMM)
//   -> CONV_2D 5x5 SAME per-tensor weights (zero point -7) 4->4 (IGEMM, or
//      the small-channel kernel where it takes any weights)
//   -> FULLY_CONNECTED per-tensor (zero point -3) over rows of 4: [60,4] -> [60,7]
//   -> FULLY_CONNECTED per-channel 7->33 -> output [60,33].
std::vector<uint8_t> gemm_model(fb::RequantRule rule) {
  std::mt19937 rng(5);
  QfbWriter w;
  const int in = w.add_tensor("input", fb::DType::INT8, {2, 6, 5, 13}, {0.03f}, {-128});
  auto conv = [&](int input, int in_c, int out_c, int kernel, bool per_channel, int32_t weight_zp, float out_scale,
                  int32_t out_zp, fb::Activation activation, const std::string& name, int dilation = 1) {
    std::vector<float> scales(per_channel ? out_c : 1);
    for (size_t c = 0; c < scales.size(); ++c) scales[c] = 0.002f * static_cast<float>(c % 5 + 1);
    const int weights = w.add_constant(name + "/w", fb::DType::INT8, {out_c, kernel, kernel, in_c},
                                       test::random_int8_bytes(size_t(out_c) * kernel * kernel * in_c, rng, -128, 127),
                                       scales, std::vector<int32_t>(scales.size(), weight_zp), per_channel ? 0 : -1);
    const int bias = w.add_constant(name + "/b", fb::DType::INT32, {out_c}, to_bytes(test::random_bias(out_c, rng)));
    const int out = w.add_tensor(name, fb::DType::INT8, {2, 6, 5, out_c}, {out_scale}, {out_zp});
    fb::Conv2DOptionsT o;
    o.padding = fb::Padding::SAME;
    o.stride_h = o.stride_w = 1;
    o.dilation_h = dilation;
    o.activation = activation;
    fb::OpOptionsUnion options;
    options.Set(o);
    w.add_op(fb::OpType::CONV_2D, {input, weights, bias}, {out}, std::move(options), rule, name);
    return out;
  };
  const int c1 = conv(in, 13, 20, 1, true, 0, 0.05f, -128, fb::Activation::RELU, "pw1");
  const int c2 = conv(c1, 20, 9, 1, false, 5, 0.08f, 3, fb::Activation::NONE, "pw2");
  const int c3 = conv(c2, 9, 4, 3, true, 0, 0.1f, 0, fb::Activation::NONE, "conv3x3");
  auto fc = [&](int input, int depth, int out_c, bool per_channel, int32_t weight_zp, float out_scale, int32_t out_zp,
                const std::string& name) {
    return add_fully_connected(w, rng, rule, input, 60, depth, out_c, per_channel, weight_zp, out_scale, out_zp, name);
  };
  const int c4 = conv(c3, 4, 4, 5, false, -7, 0.12f, 1, fb::Activation::RELU6, "conv5x5", 2);
  const int f1 = fc(c4, 4, 7, false, -3, 0.04f, -10, "fc1");
  const int f2 = fc(f1, 7, 33, true, 0, 0.2f, 20, "fc2");
  w.add_input(in);
  w.add_output(f2);
  return w.serialize();
}

// input [2,9,7,37] -> DEPTHWISE 3x3 SAME per-channel, ReLU6 (3x3 kernel)
//   -> DEPTHWISE 3x3 stride 2 explicit padding 1,0,0,2, per-tensor weights
//      (zero point 7) (3x3 kernel)
//   -> DEPTHWISE 5x3 SAME dilation 2x1 (generic kernel)
//   -> DEPTHWISE 3x3 depth multiplier 2 (stays on the reference kernel)
//   -> CONV_2D 1x1 74->40 (GEMM) -> output [2,5,4,40].
std::vector<uint8_t> depthwise_model(fb::RequantRule rule) {
  std::mt19937 rng(7);
  QfbWriter w;
  const int in = w.add_tensor("input", fb::DType::INT8, {2, 9, 7, 37}, {0.03f}, {-128});
  auto dw = [&](int input, std::vector<int32_t> out_shape, int kh, int kw, int multiplier, bool per_channel,
                int32_t weight_zp, fb::DepthwiseConv2DOptionsT o, float out_scale, int32_t out_zp,
                const std::string& name) {
    const int out_c = out_shape[3];
    std::vector<float> scales(per_channel ? out_c : 1);
    for (size_t c = 0; c < scales.size(); ++c) scales[c] = 0.01f * static_cast<float>(c % 7 + 1);
    const int weights = w.add_constant(name + "/w", fb::DType::INT8, {1, kh, kw, out_c},
                                       test::random_int8_bytes(size_t(kh) * kw * out_c, rng, -128, 127), scales,
                                       std::vector<int32_t>(scales.size(), weight_zp), per_channel ? 3 : -1);
    const int bias = w.add_constant(name + "/b", fb::DType::INT32, {out_c}, to_bytes(test::random_bias(out_c, rng)));
    const int out = w.add_tensor(name, fb::DType::INT8, out_shape, {out_scale}, {out_zp});
    o.depth_multiplier = multiplier;
    fb::OpOptionsUnion options;
    options.Set(o);
    w.add_op(fb::OpType::DEPTHWISE_CONV_2D, {input, weights, bias}, {out}, std::move(options), rule, name);
    return out;
  };
  fb::DepthwiseConv2DOptionsT same;
  same.padding = fb::Padding::SAME;
  same.activation = fb::Activation::RELU6;
  const int d1 = dw(in, {2, 9, 7, 37}, 3, 3, 1, true, 0, same, 0.05f, -128, "dw3x3");
  fb::DepthwiseConv2DOptionsT strided;
  strided.padding = fb::Padding::EXPLICIT;
  strided.pad_top = 1, strided.pad_bottom = 0, strided.pad_left = 0, strided.pad_right = 2;
  strided.stride_h = strided.stride_w = 2;
  const int d2 = dw(d1, {2, 4, 4, 37}, 3, 3, 1, false, 7, strided, 0.07f, 5, "dw3x3s2");
  fb::DepthwiseConv2DOptionsT dilated;
  dilated.padding = fb::Padding::SAME;
  dilated.dilation_h = 2;
  const int d3 = dw(d2, {2, 4, 4, 37}, 5, 3, 1, true, 0, dilated, 0.1f, -3, "dw5x3d2");
  fb::DepthwiseConv2DOptionsT multiplier;
  multiplier.padding = fb::Padding::SAME;
  const int d4 = dw(d3, {2, 4, 4, 74}, 3, 3, 2, true, 0, multiplier, 0.2f, 1, "dw_m2");
  std::vector<float> scales(40, 0.004f);
  const int weights = w.add_constant("pw/w", fb::DType::INT8, {40, 1, 1, 74},
                                     test::random_int8_bytes(40 * 74, rng, -128, 127), scales,
                                     std::vector<int32_t>(40, 0), 0);
  const int bias = w.add_constant("pw/b", fb::DType::INT32, {40}, to_bytes(test::random_bias(40, rng)));
  const int out = w.add_tensor("pw", fb::DType::INT8, {2, 4, 4, 40}, {0.3f}, {0});
  fb::Conv2DOptionsT o;
  o.padding = fb::Padding::VALID;
  fb::OpOptionsUnion options;
  options.Set(o);
  w.add_op(fb::OpType::CONV_2D, {d4, weights, bias}, {out}, std::move(options), rule, "pw");
  w.add_input(in);
  w.add_output(out);
  return w.serialize();
}

// input [2,5,7,19] + constant [2,5,7,19] (ADD, ReLU) -> MUL by the input
//   -> SUB the sum -> ADD a constant [19] (a row broadcast: the vector kernel row by row).
std::vector<uint8_t> elementwise_model(fb::RequantRule rule) {
  std::mt19937 rng(9);
  QfbWriter w;
  const std::vector<int32_t> shape = {2, 5, 7, 19};
  const int in = w.add_tensor("input", fb::DType::INT8, shape, {0.03f}, {-7});
  const int c = w.add_constant("c", fb::DType::INT8, shape, test::random_int8_bytes(2 * 5 * 7 * 19, rng, -128, 127),
                               {0.05f}, {127});
  const int row = w.add_constant("row", fb::DType::INT8, {19}, test::random_int8_bytes(19, rng, -128, 127), {0.02f},
                                 {-128});
  const int sum = w.add_tensor("sum", fb::DType::INT8, shape, {0.07f}, {-128});
  const int product = w.add_tensor("product", fb::DType::INT8, shape, {0.09f}, {4});
  const int diff = w.add_tensor("diff", fb::DType::INT8, shape, {0.11f}, {-3});
  const int out = w.add_tensor("out", fb::DType::INT8, shape, {0.1f}, {0});
  auto binary = [&](fb::OpType type, int a, int b, int y, fb::Activation activation, const char* name) {
    fb::BinaryOptionsT o;
    o.activation = activation;
    fb::OpOptionsUnion options;
    options.Set(o);
    w.add_op(type, {a, b}, {y}, std::move(options), rule, name);
  };
  binary(fb::OpType::ADD, in, c, sum, fb::Activation::RELU, "add");
  binary(fb::OpType::MUL, sum, in, product, fb::Activation::NONE, "mul");
  binary(fb::OpType::SUB, product, sum, diff, fb::Activation::NONE, "sub");
  binary(fb::OpType::ADD, diff, row, out, fb::Activation::NONE, "add_row");
  w.add_input(in);
  w.add_output(out);
  return w.serialize();
}

// x float32 [2,9,11,37] (the test's random bytes: NaN, infinities and
// denormals among them) -> QUANTIZE (0.05, zp 3) -> LOGISTIC (a table)
//   -> MAX_POOL 3x3 stride 2 SAME, ReLU6-like clamp -> AVERAGE_POOL 2x2
//   stride 1 VALID (count 4) -> AVERAGE_POOL 3x3 SAME stride 2 (clipped
//   windows, count_include_pad) -> HARD_SWISH (a table) -> DEQUANTIZE -> y.
std::vector<uint8_t> elementwise_lut_pool_model(fb::RequantRule rule) {
  QfbWriter w;
  const int x = w.add_tensor("x", fb::DType::FLOAT32, {2, 9, 11, 37});
  const int q = w.add_tensor("q", fb::DType::INT8, {2, 9, 11, 37}, {0.05f}, {3});
  const int l = w.add_tensor("l", fb::DType::INT8, {2, 9, 11, 37}, {1.0f / 256}, {-128});
  const int m = w.add_tensor("m", fb::DType::INT8, {2, 5, 6, 37}, {1.0f / 256}, {-128});
  const bool fixedpoint = rule == fb::RequantRule::FIXEDPOINT;
  const int a = w.add_tensor("a", fb::DType::INT8, {2, 4, 5, 37}, {fixedpoint ? 1.0f / 256 : 0.003f},
                             {fixedpoint ? -128 : 7});
  const int a2 = w.add_tensor("a2", fb::DType::INT8, {2, 2, 3, 37}, {fixedpoint ? 1.0f / 256 : 0.002f},
                              {fixedpoint ? -128 : -9});
  const int h = w.add_tensor("h", fb::DType::INT8, {2, 2, 3, 37}, {0.01f}, {-20});
  const int y = w.add_tensor("y", fb::DType::FLOAT32, {2, 2, 3, 37});
  auto pool = [&](fb::OpType type, int in, int out, int filter, int stride, fb::Padding padding, bool include_pad,
                  const char* name) {
    fb::Pool2DOptionsT o;
    o.padding = padding;
    o.filter_h = o.filter_w = filter;
    o.stride_h = o.stride_w = stride;
    o.count_include_pad = include_pad;
    if (type == fb::OpType::MAX_POOL_2D) o.activation = fb::Activation::RELU6;
    fb::OpOptionsUnion options;
    options.Set(o);
    w.add_op(type, {in}, {out}, std::move(options), rule, name);
  };
  w.add_op(fb::OpType::QUANTIZE, {x}, {q}, {}, rule, "quantize");
  w.add_op(fb::OpType::LOGISTIC, {q}, {l}, {}, rule, "logistic");
  pool(fb::OpType::MAX_POOL_2D, l, m, 3, 2, fb::Padding::SAME, false, "max_pool");
  pool(fb::OpType::AVERAGE_POOL_2D, m, a, 2, 1, fb::Padding::VALID, false, "avg_pool");
  pool(fb::OpType::AVERAGE_POOL_2D, a, a2, 3, 2, fb::Padding::SAME, !fixedpoint, "avg_pool_same");
  w.add_op(fb::OpType::HARD_SWISH, {a2}, {h}, {}, rule, "hard_swish");
  w.add_op(fb::OpType::DEQUANTIZE, {h}, {y}, {}, rule, "dequantize");
  w.add_input(x, fb::DType::FLOAT32);
  w.add_output(y, fb::DType::FLOAT32);
  return w.serialize();
}

struct Result {
  Status status;
  std::vector<int8_t> output;
  std::vector<std::string> kernels;
};

Result run(const Model& model, const std::string& isa, int threads = 1) {
  Result r;
  Interpreter interpreter(model, InterpreterOptions{threads, isa});
  r.status = interpreter.prepare();
  if (!r.status.ok()) return r;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> dist(-128, 127);
  const TensorDesc& in = model.tensors()[model.inputs()[0].tensor];
  for (size_t i = 0; i < in.byte_size; ++i) interpreter.input_buffer(0)[i] = static_cast<uint8_t>(dist(rng));
  REQUIRE(interpreter.invoke().ok());
  const TensorDesc& out = model.tensors()[model.outputs()[0].tensor];
  const int8_t* data = reinterpret_cast<const int8_t*>(interpreter.output_buffer(0));
  r.output.assign(data, data + out.byte_size);
  for (size_t i = 0; i < model.ops().size(); ++i) r.kernels.push_back(interpreter.prepared_op(i).kernel_name());
  return r;
}

std::unique_ptr<Model> load(const std::vector<uint8_t>& bytes) {
  std::unique_ptr<Model> model;
  const Status status = Model::load_buffer(bytes.data(), bytes.size(), true, &model);
  INFO(status.message);
  REQUIRE(status.ok());
  return model;
}

void check_isa_matches_reference(const char* isa) {
  std::string error;
  const KernelTable* table = find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return;
  }
  for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
    const std::vector<uint8_t> bytes = gemm_model(rule);
    std::unique_ptr<Model> model = load(bytes);
    const Result reference = run(*model, "reference");
    const Result forced = run(*model, isa);
    INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << ": " << forced.status.message);
    REQUIRE(reference.status.ok());
    REQUIRE(forced.status.ok());
    REQUIRE(forced.output == reference.output);
    REQUIRE(reference.kernels[0] == "conv2d_s8_reference");
    REQUIRE(reference.kernels[2] == "conv2d_s8_reference");
    REQUIRE(reference.kernels[4] == "fully_connected_s8_reference");
    const std::string gemm = table->gemm.run ? table->gemm.name : "";
    if (!gemm.empty()) {
      REQUIRE(forced.kernels[0] == gemm);
      REQUIRE(forced.kernels[1] == gemm);
      REQUIRE(forced.kernels[4] == gemm);
      REQUIRE(forced.kernels[5] == gemm);
    }
    if (table->conv.run != nullptr) {
      REQUIRE(forced.kernels[2] == table->conv.name);
      // The 5x5 convolution's 4 input channels and per-tensor weights (which
      // leave int8 after their zero point): the int16-pair small-channel
      // kernels take it, the other tables leave it to the IGEMM.
      const bool pairs =
          table->conv_smallcin.run != nullptr && table->conv_smallcin.scheme == ConvSmallCinScheme::kPairs;
      REQUIRE(forced.kernels[3] == (pairs ? table->conv_smallcin.name : table->conv.name));
      // Split over two threads, the bytes stay the same.
      const Result two = run(*model, isa, 2);
      REQUIRE(two.status.ok());
      REQUIRE(two.output == reference.output);
    }
  }
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

}  // namespace

namespace {

// One broadcasting ADD / SUB / MUL: each input a constant or a model input.
struct BroadcastCase {
  fb::OpType type;
  std::vector<int32_t> shape1, shape2, out_shape;
  bool constant1, constant2;
  fb::Activation activation;
  int32_t zp1, zp2, out_zp;
  bool row_broadcast;  // expected to run on the vector kernel
};

std::vector<uint8_t> broadcast_model(const BroadcastCase& c, fb::RequantRule rule, std::mt19937& rng) {
  QfbWriter w;
  auto count = [](const std::vector<int32_t>& shape) {
    size_t n = 1;
    for (int32_t d : shape) n *= static_cast<size_t>(d);
    return n;
  };
  auto operand = [&](const char* name, const std::vector<int32_t>& shape, bool constant, float scale, int32_t zp) {
    return constant ? w.add_constant(name, fb::DType::INT8, shape, test::random_int8_bytes(count(shape), rng, -128, 127),
                                     {scale}, {zp})
                    : w.add_tensor(name, fb::DType::INT8, shape, {scale}, {zp});
  };
  const int x1 = operand("x1", c.shape1, c.constant1, 0.03f, c.zp1);
  const int x2 = operand("x2", c.shape2, c.constant2, 0.05f, c.zp2);
  const int y = w.add_tensor("y", fb::DType::INT8, c.out_shape, {c.type == fb::OpType::MUL ? 0.01f : 0.07f}, {c.out_zp});
  fb::BinaryOptionsT o;
  o.activation = c.activation;
  fb::OpOptionsUnion options;
  options.Set(o);
  w.add_op(c.type, {x1, x2}, {y}, std::move(options), rule, "binary");
  if (!c.constant1) w.add_input(x1);
  if (!c.constant2) w.add_input(x2);
  w.add_output(y);
  return w.serialize();
}

// Every model input filled from `seed`; the output bytes and the op's kernel.
Result run_all_inputs(const Model& model, const std::string& isa, uint32_t seed) {
  Result r;
  Interpreter interpreter(model, InterpreterOptions{1, isa});
  r.status = interpreter.prepare();
  if (!r.status.ok()) return r;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  for (size_t i = 0; i < model.inputs().size(); ++i) {
    const TensorDesc& in = model.tensors()[model.inputs()[i].tensor];
    for (size_t j = 0; j < in.byte_size; ++j) interpreter.input_buffer(i)[j] = static_cast<uint8_t>(dist(rng));
  }
  REQUIRE(interpreter.invoke().ok());
  const TensorDesc& out = model.tensors()[model.outputs()[0].tensor];
  const int8_t* data = reinterpret_cast<const int8_t*>(interpreter.output_buffer(0));
  r.output.assign(data, data + out.byte_size);
  r.kernels.push_back(interpreter.prepared_op(0).kernel_name());
  return r;
}

}  // namespace

TEST_CASE("isa dispatch: row-broadcast ADD / SUB / MUL run the vector kernels and give the reference bytes", "[isa]") {
  using fb::OpType;
  const fb::Activation none = fb::Activation::NONE, relu = fb::Activation::RELU;
  const std::vector<BroadcastCase> cases = {
      {OpType::ADD, {2, 5, 7, 19}, {19}, {2, 5, 7, 19}, false, true, none, -7, -128, 0, true},
      {OpType::ADD, {1, 64, 128}, {128}, {1, 64, 128}, false, true, none, 3, 127, -5, true},  // a bias
      {OpType::SUB, {7, 19}, {2, 5, 7, 19}, {2, 5, 7, 19}, true, false, relu, 127, -128, -128, true},
      {OpType::MUL, {3, 4, 10, 10}, {1}, {3, 4, 10, 10}, false, true, none, -128, 127, 127, true},  // scalar
      {OpType::MUL, {2, 3, 50}, {50}, {2, 3, 50}, false, false, none, 0, 9, -3, true},
      {OpType::SUB, {5, 300}, {1}, {5, 300}, false, false, none, 11, -128, 4, true},  // chunks 512, 512, 476
      {OpType::ADD, {1}, {3, 1000}, {3, 1000}, false, false, relu, -128, -128, 127, true},
      {OpType::MUL, {1000}, {3, 1000}, {3, 1000}, true, false, relu, 5, -6, -128, true},
      {OpType::ADD, {4, 1, 19}, {4, 6, 19}, {4, 6, 19}, false, false, none, 1, 2, 3, false},  // not a row broadcast
      {OpType::MUL, {4, 6, 1}, {4, 6, 19}, {4, 6, 19}, false, false, none, 1, 2, 3, false},
  };
  const char* const isas[] = {"avx512vnni", "avxvnni", "avx2", "sse41", "i8mm", "neondot", "neon"};
  std::mt19937 rng(23);
  int ran = 0;
  for (const BroadcastCase& c : cases) {
    for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
      std::unique_ptr<Model> model = load(broadcast_model(c, rule, rng));
      const uint32_t seed = rng();
      const Result reference = run_all_inputs(*model, "reference", seed);
      REQUIRE(reference.status.ok());
      for (const char* isa : isas) {
        std::string why;
        const KernelTable* table = find_kernel_table(isa, &why);
        if (table == nullptr) continue;
        const bool has_vector = c.type == OpType::ADD   ? table->vadd.run != nullptr
                                : c.type == OpType::SUB ? table->vsub.run != nullptr
                                                        : table->vmul.run != nullptr;
        if (!has_vector) continue;
        const std::string vector_name = c.type == OpType::ADD   ? table->vadd.name
                                        : c.type == OpType::SUB ? table->vsub.name
                                                                : table->vmul.name;
        ++ran;
        const Result forced = run_all_inputs(*model, isa, seed);
        INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << " op " << fb::EnumNameOpType(c.type) << " shapes "
                 << c.shape1.size() << "/" << c.shape2.size() << ": " << forced.status.message);
        REQUIRE(forced.status.ok());
        REQUIRE(forced.output == reference.output);
        if (c.row_broadcast) {
          REQUIRE(forced.kernels[0] == vector_name);
        } else {
          REQUIRE(forced.kernels[0] == reference.kernels[0]);
        }
      }
    }
  }
  if (ran == 0) WARN("skipped: no ISA with vector ADD / SUB / MUL kernels on this CPU");
}

TEST_CASE("isa dispatch: x86 and ARM vector ADD / MUL / SUB give the reference bytes", "[isa]") {
  int ran = 0;
  std::string why;
  for (const char* isa : {"avx512vnni", "avx2", "i8mm", "neondot", "neon"}) {
    const KernelTable* table = find_kernel_table(isa, &why);
    if (table == nullptr) continue;
    ++ran;
    for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
      std::unique_ptr<Model> model = load(elementwise_model(rule));
      const Result reference = run(*model, "reference");
      const Result forced = run(*model, isa);
      INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << ": " << forced.status.message);
      REQUIRE(reference.status.ok());
      REQUIRE(forced.status.ok());
      REQUIRE(forced.output == reference.output);
      REQUIRE(forced.kernels[0] == table->vadd.name);
      REQUIRE(forced.kernels[1] == table->vmul.name);
      REQUIRE(forced.kernels[2] == table->vsub.name);
      REQUIRE(forced.kernels[3] == table->vadd.name);  // a row broadcast, row by row
    }
  }
  if (ran == 0) WARN("skipped: " << why);
}

TEST_CASE("isa dispatch: x86 and ARM LUT, pooling, QUANTIZE and DEQUANTIZE give the reference bytes", "[isa]") {
  int ran = 0;
  std::string why;
  for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "i8mm", "neondot", "neon"}) {
    const KernelTable* table = find_kernel_table(isa, &why);
    if (table == nullptr) continue;
    ++ran;
    for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
      std::unique_ptr<Model> model = load(elementwise_lut_pool_model(rule));
      const Result reference = run(*model, "reference");
      const Result forced = run(*model, isa);
      INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << ": " << reference.status.message
               << forced.status.message);
      REQUIRE(reference.status.ok());
      REQUIRE(forced.status.ok());
      REQUIRE(forced.output == reference.output);
      REQUIRE(reference.kernels[0] == "quantize_f32_s8_reference");
      REQUIRE(forced.kernels[0] == table->quantize.name);
      REQUIRE(forced.kernels[1] == table->lut.name);
      REQUIRE(forced.kernels[2] == table->max_pool2d.name);
      REQUIRE(forced.kernels[3] == table->average_pool2d.name);
      REQUIRE(forced.kernels[4] == table->average_pool2d.name);
      REQUIRE(forced.kernels[5] == table->lut.name);
      REQUIRE(forced.kernels[6] == table->dequantize.name);
      REQUIRE(std::string(table->average_pool2d.name) != "average_pool2d_s8_reference");
#if defined(__x86_64__) || defined(__aarch64__)  // ARMv7 keeps the reference LUT
      REQUIRE(std::string(table->lut.name) != "lut_s8_reference");
#endif
      if (std::string(isa) == "avx512vnni") {  // its own AVX-512 kernels, not the AVX2 ones
        for (const char* name : {table->quantize.name, table->lut.name, table->max_pool2d.name,
                                 table->average_pool2d.name, table->dequantize.name}) {
          INFO(name);
          REQUIRE(std::string(name).find("__avx512vnni") != std::string::npos);
        }
      }
    }
  }
  if (ran == 0) WARN("skipped: " << why);
}

namespace {

// One CONV_2D with few input channels (a first layer), batch 2, on the
// small-channel kernels where the table has one; per-tensor weights within
// zero point +- 100 (which every such kernel's packing takes), or anywhere
// in int8 (full_range: the int16 pairs only, as uint8 models' first layers).
struct FirstLayerCase {
  int height, width, channels, outputs, kernel, stride, dilation;
  fb::Padding padding;
  bool per_channel;
  int32_t weight_zp;
  bool full_range;
};

std::vector<uint8_t> first_layer_model(const FirstLayerCase& c, fb::RequantRule rule) {
  std::mt19937 rng(9);
  QfbWriter w;
  const int in = w.add_tensor("input", fb::DType::INT8, {2, c.height, c.width, c.channels}, {0.02f}, {-5});
  std::vector<float> scales(c.per_channel ? c.outputs : 1);
  for (size_t i = 0; i < scales.size(); ++i) scales[i] = 0.003f * static_cast<float>(i % 4 + 1);
  const int lo = c.full_range ? -128 : std::max(-128, c.weight_zp - 100);
  const int hi = c.full_range ? 127 : std::min(127, c.weight_zp + 100);
  const int weights = w.add_constant(
      "conv/w", fb::DType::INT8, {c.outputs, c.kernel, c.kernel, c.channels},
      test::random_int8_bytes(size_t(c.outputs) * c.kernel * c.kernel * c.channels, rng, lo, hi), scales,
      std::vector<int32_t>(scales.size(), c.weight_zp), c.per_channel ? 0 : -1);
  const int bias = w.add_constant("conv/b", fb::DType::INT32, {c.outputs}, to_bytes(test::random_bias(c.outputs, rng)));
  const int extent = (c.kernel - 1) * c.dilation + 1;
  auto size = [&](int input) {
    return c.padding == fb::Padding::SAME ? (input + c.stride - 1) / c.stride : (input - extent) / c.stride + 1;
  };
  const int out = w.add_tensor("conv", fb::DType::INT8, {2, size(c.height), size(c.width), c.outputs}, {0.05f}, {-7});
  fb::Conv2DOptionsT o;
  o.padding = c.padding;
  o.stride_h = o.stride_w = c.stride;
  o.dilation_h = o.dilation_w = c.dilation;
  o.activation = c.per_channel ? fb::Activation::RELU6 : fb::Activation::NONE;
  fb::OpOptionsUnion options;
  options.Set(o);
  w.add_op(fb::OpType::CONV_2D, {in, weights, bias}, {out}, std::move(options), rule, "conv");
  w.add_input(in);
  w.add_output(out);
  return w.serialize();
}

}  // namespace

TEST_CASE("isa dispatch: first layers (1 to 4 input channels) give the reference bytes on every x86 ISA", "[isa]") {
  const FirstLayerCase cases[] = {
      {17, 23, 3, 32, 3, 2, 1, fb::Padding::SAME, true, 0, false},    // MobileNet's stem
      {19, 21, 3, 64, 7, 2, 1, fb::Padding::SAME, false, 3, false},   // ResNet's stem, per-tensor weights
      {12, 15, 1, 17, 5, 1, 2, fb::Padding::SAME, true, 0, false},    // gray, dilated
      {9, 10, 4, 24, 1, 2, 1, fb::Padding::VALID, false, -9, false},  // 1x1, stride 2
      {11, 13, 2, 8, 4, 1, 1, fb::Padding::VALID, true, 0, false},    // an even filter
      {13, 14, 4, 72, 5, 2, 1, fb::Padding::SAME, true, 0, false},    // the IGEMM on avxvnni (72 channels, rows of 20)
      {15, 16, 3, 32, 3, 2, 1, fb::Padding::SAME, false, 101, true},  // a uint8 model's stem: w - zw to -229
  };
  for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
    for (const FirstLayerCase& c : cases) {
      const std::vector<uint8_t> bytes = first_layer_model(c, rule);
      std::unique_ptr<Model> model = load(bytes);
      const Result reference = run(*model, "reference");
      REQUIRE(reference.status.ok());
      for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "sse41"}) {
        std::string error;
        const KernelTable* table = find_kernel_table(isa, &error);
        if (table == nullptr) continue;
        INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << " " << c.kernel << "x" << c.kernel << "x"
                 << c.channels << " -> " << c.outputs);
        for (int threads : {1, 2}) {
          const Result forced = run(*model, isa, threads);
          REQUIRE(forced.status.ok());
          REQUIRE(forced.output == reference.output);
          reference::Conv2DParams p;
          p.input_channels = c.channels;
          p.output_channels = c.outputs;
          p.kernel_height = p.kernel_width = c.kernel;
          const bool fits = !c.full_range || table->conv_smallcin.scheme == ConvSmallCinScheme::kPairs;
          if (table->conv_smallcin.run != nullptr && fits &&
              (table->conv_smallcin.takes == nullptr || table->conv_smallcin.takes(p))) {
            REQUIRE(forced.kernels[0] == table->conv_smallcin.name);
          } else if (table->conv.run != nullptr) {
            REQUIRE(forced.kernels[0] == table->conv.name);
          }
        }
      }
    }
  }
}

// input [rows, 300] -> FULLY_CONNECTED per-channel 300->70
//   -> FULLY_CONNECTED per-tensor (zero point -3) 70->19 -> output [rows, 19].
std::vector<uint8_t> classifier_model(int rows, fb::RequantRule rule) {
  std::mt19937 rng(static_cast<uint32_t>(rows));
  QfbWriter w;
  const int x = w.add_tensor("input", fb::DType::INT8, {rows, 300}, {0.03f}, {-9});
  const int f1 = add_fully_connected(w, rng, rule, x, rows, 300, 70, true, 0, 0.1f, 5, "fc1");
  const int f2 = add_fully_connected(w, rng, rule, f1, rows, 70, 19, false, -3, 0.2f, 5, "fc2");
  w.add_input(x);
  w.add_output(f2);
  return w.serialize();
}

// FULLY_CONNECTED over 1 to 3 rows on every x86 ISA: the reference bytes,
// from the table's GEMM for that many rows (AVX2's int8-weight tiles for 1
// and 2 rows, its int16-weight ones for 3), on 1 and 2 threads.
TEST_CASE("isa dispatch: batch-1 to batch-3 FULLY_CONNECTED run the table's GEMM for that many rows", "[isa]") {
  int ran = 0;
  std::string why;
  for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "sse41"}) {
    const KernelTable* table = find_kernel_table(isa, &why);
    if (table == nullptr || table->gemm.run == nullptr) continue;
    ++ran;
    for (int rows = 1; rows <= 3; ++rows) {
      for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
        std::unique_ptr<Model> model = load(classifier_model(rows, rule));
        const Result reference = run(*model, "reference");
        const Result one = run(*model, isa, 1);
        const Result two = run(*model, isa, 2);
        INFO(isa << " rows " << rows << " rule " << fb::EnumNameRequantRule(rule) << ": " << one.status.message);
        REQUIRE(one.status.ok());
        REQUIRE(one.output == reference.output);
        REQUIRE(two.output == reference.output);
        const std::string expected = table->gemm_for_rows(static_cast<size_t>(rows)).name;
        REQUIRE(one.kernels == std::vector<std::string>{expected, expected});
        if (std::string(isa) == "avx2") {
          REQUIRE(expected == (rows <= 2 ? "qs8_gemm_minmax_6x16c2_w8__avx2" : "qs8_gemm_minmax_6x16c2__avx2"));
        }
      }
    }
  }
  if (ran == 0) WARN("skipped: " << why);
}

TEST_CASE("isa dispatch: avx2 gives the reference bytes", "[isa]") { check_isa_matches_reference("avx2"); }

TEST_CASE("isa dispatch: avx512vnni gives the reference bytes", "[isa]") { check_isa_matches_reference("avx512vnni"); }

TEST_CASE("isa dispatch: avxvnni gives the reference bytes", "[isa]") { check_isa_matches_reference("avxvnni"); }

TEST_CASE("isa dispatch: sse41 gives the reference bytes", "[isa]") { check_isa_matches_reference("sse41"); }

TEST_CASE("isa dispatch: neon gives the reference bytes", "[isa][arm]") { check_isa_matches_reference("neon"); }

TEST_CASE("isa dispatch: neondot gives the reference bytes", "[isa][arm]") { check_isa_matches_reference("neondot"); }

TEST_CASE("isa dispatch: i8mm gives the reference bytes", "[isa][arm]") { check_isa_matches_reference("i8mm"); }

TEST_CASE("isa dispatch: ARM depthwise kernels give the reference bytes on 1 and 2 threads", "[isa][dwconv][arm]") {
  int ran = 0;
  std::string why;
  for (const char* isa : {"i8mm", "neondot", "neon"}) {
    const KernelTable* table = find_kernel_table(isa, &why);
    if (table == nullptr) continue;
    ++ran;
    for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
      std::unique_ptr<Model> model = load(depthwise_model(rule));
      const Result reference = run(*model, "reference");
      const Result one = run(*model, isa, 1);
      const Result two = run(*model, isa, 2);
      INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << ": " << one.status.message << two.status.message);
      REQUIRE(reference.status.ok());
      REQUIRE(one.status.ok());
      REQUIRE(two.status.ok());
      REQUIRE(one.output == reference.output);
      REQUIRE(two.output == one.output);
      REQUIRE(one.kernels[0] == table->dwconv.name_3x3);
      REQUIRE(one.kernels[2] == table->dwconv.name);
      REQUIRE(one.kernels[4] == table->gemm.name);
    }
  }
  if (ran == 0) WARN("skipped: " << why);
}

TEST_CASE("isa dispatch: QRT_ISA forces an ISA, and refuses unknown or unavailable ones", "[isa]") {
  const std::vector<uint8_t> bytes = gemm_model(fb::RequantRule::FP32);
  std::unique_ptr<Model> model = load(bytes);
  {
    ScopedEnv env("QRT_ISA", "reference");
    const Result r = run(*model, "");
    REQUIRE(r.status.ok());
    REQUIRE(r.kernels[4] == "fully_connected_s8_reference");
  }
  {
    ScopedEnv env("QRT_ISA", "sse9");
    const Result r = run(*model, "");
    REQUIRE_FALSE(r.status.ok());
    REQUIRE(r.status.code == QRT_INVALID_ARGUMENT);
    INFO(r.status.message);
    REQUIRE(r.status.message.find("unknown ISA 'sse9'") != std::string::npos);
  }
  {
    // The interpreter option wins over the environment.
    ScopedEnv env("QRT_ISA", "sse9");
    REQUIRE(run(*model, "reference").status.ok());
  }
  // Without QRT_ISA: the best ISA of this CPU.
  ScopedEnv env("QRT_ISA", "");
  const Result best = run(*model, "");
  REQUIRE(best.status.ok());
  const KernelTable& table = select_kernel_table();
  REQUIRE(best.kernels[4] == std::string(table.gemm.run ? table.gemm.name : "fully_connected_s8_reference"));
}

TEST_CASE("isa dispatch: depthwise kernels give the reference bytes on 1 and 2 threads", "[isa][dwconv]") {
  int ran = 0;
  std::string why;
  for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "sse41"}) {
    const KernelTable* table = find_kernel_table(isa, &why);
    if (table == nullptr) continue;
    ++ran;
    for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
      std::unique_ptr<Model> model = load(depthwise_model(rule));
      const Result reference = run(*model, "reference");
      const Result one = run(*model, isa, 1);
      const Result two = run(*model, isa, 2);
      INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << ": " << one.status.message << two.status.message);
      REQUIRE(reference.status.ok());
      REQUIRE(one.status.ok());
      REQUIRE(two.status.ok());
      REQUIRE(one.output == reference.output);
      REQUIRE(two.output == one.output);
      REQUIRE(reference.kernels[0] == "depthwise_conv2d_s8_reference");
      REQUIRE(one.kernels == two.kernels);
      if (table->dwconv.run != nullptr) {
        // Per-channel weights fit the int8 3x3 packing where the table has
        // its kernel; the second filter (zero point 7, weights down to -128)
        // does not and stays on the int16 3x3 kernel.
        REQUIRE(one.kernels[0] == (table->dwconv.run_3x3_c4 ? table->dwconv.name_3x3_c4 : table->dwconv.name_3x3));
        REQUIRE(one.kernels[1] == table->dwconv.name_3x3);
        REQUIRE(one.kernels[2] == table->dwconv.name);
      }
      REQUIRE(one.kernels[3] == "depthwise_conv2d_s8_reference");  // depth multiplier 2
      if (table->gemm.run != nullptr) REQUIRE(one.kernels[4] == table->gemm.name);
    }
    // The GEMM model too, with its packed ops split over 2 threads.
    for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
      std::unique_ptr<Model> model = load(gemm_model(rule));
      REQUIRE(run(*model, isa, 2).output == run(*model, "reference").output);
    }
  }
  if (ran == 0) WARN("skipped: " << why);
}
