// The interpreter end to end: a small CNN built in the test runs through
// load, prepare and invoke, and must give exactly what calling the reference
// kernels by hand gives (so the glue resolves padding, quantization and
// tensor plumbing correctly). Also: one model shared by threads.
#include <cstring>
#include <thread>

#include <catch2/catch.hpp>

#include "kernels/kernel_table.h"
#include "runtime/interpreter.h"
#include "test_models.h"

using namespace qrt;

namespace {

std::unique_ptr<Model> load(const std::vector<uint8_t>& bytes) {
  std::unique_ptr<Model> model;
  const Status status = Model::load_buffer(bytes.data(), bytes.size(), true, &model);
  INFO(status.message);
  REQUIRE(status.ok());
  return model;
}

std::vector<int8_t> run(const Model& model, const std::vector<int8_t>& input, int threads = 1) {
  Interpreter interpreter(model, InterpreterOptions{threads});
  const Status status = interpreter.prepare();
  INFO(status.message);
  REQUIRE(status.ok());
  std::memcpy(interpreter.input_buffer(0), input.data(), input.size());
  REQUIRE(interpreter.invoke().ok());
  const TensorDesc& out = model.tensors()[model.outputs()[0].tensor];
  const int8_t* data = reinterpret_cast<const int8_t*>(interpreter.output_buffer(0));
  return std::vector<int8_t>(data, data + out.byte_size);
}

std::vector<int8_t> random_input(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

const int8_t* s8(const TensorDesc& t) { return reinterpret_cast<const int8_t*>(t.data); }
const int32_t* s32(const TensorDesc& t) { return reinterpret_cast<const int32_t*>(t.data); }

// The same network computed by calling the reference kernels directly, with
// every geometry worked out by hand.
std::vector<int8_t> run_by_hand(const Model& model, const test::SmallCnn& m, RequantRule rule,
                                const std::vector<int8_t>& input) {
  const auto& t = model.tensors();
  // Conv and fully connected round the fixedpoint rule once, depthwise twice.
  auto epilogue = [&](int in, int weights, int out, ClampRange clamp, FixedPointRounding rounding) {
    return make_output_requant(rule, t[in].scale(), t[weights].quantization.scales.data(),
                               t[weights].quantization.scales.size(), t[out].scale(), t[out].zero_point(), clamp,
                               rounding);
  };

  reference::Conv2DParams conv;
  conv.input_height = conv.input_width = 9;
  conv.input_channels = 3;
  conv.output_height = conv.output_width = 5;
  conv.output_channels = 8;
  conv.kernel_height = conv.kernel_width = 3;
  conv.stride_height = conv.stride_width = 2;
  conv.pad_top = conv.pad_left = 1;  // SAME: total (5-1)*2+3-9 = 2, split 1/1
  conv.input_zero_point = -7;
  // ReLU6 on scale 0.03, zero point -128: [-128, -128 + round(6 / 0.03)] = [-128, 72].
  OutputRequantStorage conv_rq = epilogue(m.input, m.conv_weights, m.conv_out, ClampRange{-128, 72}, FixedPointRounding::kSingle);
  conv.requant = conv_rq.requant;
  std::vector<int8_t> conv_out(5 * 5 * 8);
  reference::conv2d_s8(conv, input.data(), s8(t[m.conv_weights]), s32(t[m.conv_bias]), conv_out.data());

  reference::DepthwiseConv2DParams dw;
  dw.input_height = dw.input_width = 5;
  dw.input_channels = 8;
  dw.output_height = dw.output_width = 4;
  dw.kernel_height = dw.kernel_width = 3;
  dw.pad_top = 1;
  dw.pad_left = 0;
  dw.depth_multiplier = 2;
  dw.input_zero_point = -128;
  dw.filter_zero_point = 3;
  OutputRequantStorage dw_rq = epilogue(m.conv_out, m.dw_weights, m.dw_out, ClampRange{}, FixedPointRounding::kDouble);
  dw.requant = dw_rq.requant;
  std::vector<int8_t> dw_out(4 * 4 * 16);
  reference::depthwise_conv2d_s8(dw, conv_out.data(), s8(t[m.dw_weights]), s32(t[m.dw_bias]), dw_out.data());

  reference::Pool2DParams pool;
  pool.input_height = pool.input_width = 4;
  pool.channels = 16;
  pool.output_height = pool.output_width = 3;
  pool.filter_height = pool.filter_width = 2;
  const reference::AveragePool2DParams avg =
      reference::init_average_pool2d_params(pool, rule, false, 0.05f, 10, 0.05f, 10);
  std::vector<int8_t> pool_out(3 * 3 * 16);
  reference::average_pool2d_s8(avg, dw_out.data(), pool_out.data());

  reference::FullyConnectedParams fc;
  fc.input_depth = 144;
  fc.output_depth = 10;
  fc.input_zero_point = 10;
  OutputRequantStorage fc_rq = epilogue(m.flat, m.fc_weights, m.output, ClampRange{}, FixedPointRounding::kSingle);
  fc.requant = fc_rq.requant;
  std::vector<int8_t> out(10);
  reference::fully_connected_s8(fc, pool_out.data(), s8(t[m.fc_weights]), s32(t[m.fc_bias]), out.data());
  return out;
}

}  // namespace

TEST_CASE("interpreter: a small CNN equals the reference kernels called by hand", "[interpreter]") {
  for (fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
    test::SmallCnn m = test::small_cnn(rule);
    const std::vector<uint8_t> bytes = m.writer.serialize();
    std::unique_ptr<Model> model = load(bytes);
    const RequantRule kernel_rule = rule == fb::RequantRule::FIXEDPOINT ? RequantRule::kFixedPoint : RequantRule::kFp32;
    for (uint32_t seed = 0; seed < 5; ++seed) {
      const std::vector<int8_t> input = random_input(9 * 9 * 3, seed);
      const std::vector<int8_t> expected = run_by_hand(*model, m, kernel_rule, input);
      INFO("rule " << fb::EnumNameRequantRule(rule) << " seed " << seed);
      REQUIRE(run(*model, input) == expected);
    }
  }
}

TEST_CASE("interpreter: the arena reuses memory and reports the kernels", "[interpreter]") {
  test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
  const std::vector<uint8_t> bytes = m.writer.serialize();
  std::unique_ptr<Model> model = load(bytes);
  Interpreter interpreter(*model, {});
  REQUIRE(interpreter.prepare().ok());
  size_t activations = 0;
  for (const TensorDesc& t : model->tensors()) activations += t.is_constant() ? 0 : t.byte_size;
  REQUIRE(interpreter.arena_size() > 0);
  REQUIRE(interpreter.arena_size() < activations);
  // FULLY_CONNECTED runs the table's packed GEMM when this CPU has one, the
  // 3x3 CONV_2D on 3 input channels its small-channel kernel, else its IGEMM.
  std::string isa_error;
  const KernelTable* table = find_kernel_table(nullptr, &isa_error);
  REQUIRE(table != nullptr);
  REQUIRE(interpreter.prepared_op(0).kernel_name() ==
          std::string(table->conv_smallcin.run ? table->conv_smallcin.name
                      : table->conv.run        ? table->conv.name
                                               : "conv2d_s8_reference"));
  REQUIRE(interpreter.prepared_op(4).kernel_name() ==
          std::string(table->gemm.run ? table->gemm_for_rows(1).name : "fully_connected_s8_reference"));
}

TEST_CASE("interpreter: one model, many interpreters on many threads", "[interpreter][threads]") {
  test::SmallCnn m = test::small_cnn(fb::RequantRule::FIXEDPOINT, 7);
  const std::vector<uint8_t> bytes = m.writer.serialize();
  std::unique_ptr<Model> model = load(bytes);
  const std::vector<int8_t> input = random_input(9 * 9 * 3, 99);
  const std::vector<int8_t> expected = run(*model, input);
  std::vector<std::vector<int8_t>> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      Interpreter interpreter(*model, InterpreterOptions{static_cast<int>(i % 2) + 1});
      if (!interpreter.prepare().ok()) return;
      for (int iteration = 0; iteration < 20; ++iteration) {
        std::memcpy(interpreter.input_buffer(0), input.data(), input.size());
        if (!interpreter.invoke().ok()) return;
      }
      const int8_t* out = reinterpret_cast<const int8_t*>(interpreter.output_buffer(0));
      results[i].assign(out, out + expected.size());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& result : results) REQUIRE(result == expected);
}

TEST_CASE("interpreter: op checks refuse inconsistent models with a message", "[interpreter]") {
  auto expect_refusal = [](test::SmallCnn& m, const std::string& fragment) {
    const std::vector<uint8_t> bytes = m.writer.serialize();
    std::unique_ptr<Model> model;
    const Status status = Model::load_buffer(bytes.data(), bytes.size(), true, &model);
    INFO(status.message);
    REQUIRE_FALSE(status.ok());
    REQUIRE(status.message.find(fragment) != std::string::npos);
  };
  SECTION("conv output shape disagrees with the geometry") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
    m.writer.model().graph->tensors[m.conv_out]->shape = {1, 4, 5, 8};
    expect_refusal(m, "op 0 'conv' (CONV_2D): output 'conv' int8[1,4,5,8] should have shape [1,5,5,8]");
  }
  SECTION("conv weights channel mismatch") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
    m.writer.model().graph->tensors[m.input]->shape = {1, 9, 9, 4};
    expect_refusal(m, "input channels per group");
  }
  SECTION("bias length") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
    m.writer.model().graph->operators[0]->inputs[2] = m.fc_bias;
    expect_refusal(m, "bias 'fc/b' int32[10] should have 8 values");
  }
  SECTION("options of the wrong type") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
    fb::PadOptionsT pad;
    m.writer.model().graph->operators[0]->options.Set(pad);
    expect_refusal(m, "needs options of type Conv2DOptions");
  }
  SECTION("zero stride") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
    m.writer.model().graph->operators[0]->options.AsConv2DOptions()->stride_h = 0;
    expect_refusal(m, "stride 0x2 out of range");
  }
  SECTION("depth multiplier mismatch") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
    m.writer.model().graph->operators[1]->options.AsDepthwiseConv2DOptions()->depth_multiplier = 3;
    expect_refusal(m, "depth multiplier 3");
  }
  SECTION("fully connected rows") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FP32);
    // Same byte count, so only the op check can object.
    m.writer.model().graph->tensors[m.fc_weights]->shape = {9, 160};
    expect_refusal(m, "input 'flat' int8[1,144] does not split into rows of 160");
  }
  SECTION("average pool in fixedpoint with different quantization") {
    test::SmallCnn m = test::small_cnn(fb::RequantRule::FIXEDPOINT);
    m.writer.model().graph->tensors[m.pool_out]->quantization->scale = {0.06f};
    expect_refusal(m, "must share scale and zero point");
  }
}
