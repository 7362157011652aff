// The dynamically quantized ops (float input quantized per run, int8
// weights, float output: what qconvert --dynamic writes) against the same
// layers with float32 weights, as one-op models through the public API, in
// the same process: DYNAMIC_CONV_2D vs CONV_2D on the float path, and int8
// vs float32 LSTM / GRU. Counters: GOPS (a multiply-add is 2 ops); the label
// is the kernel that ran.
#include "dynamic_ops_bench.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>

#include "converter/qfb_writer.h"
#include "one_op_model.h"

namespace qrt::bench {
namespace {

struct DynamicConvShape {
  const char* name;
  int height, width, input_channels, output_channels, kernel, stride;
};

// ResNet-18's 3x3 body convolution, a stride-2 one, and MobileNet's stem.
constexpr DynamicConvShape kShapes[] = {
    {"conv3x3s1_56x56_64x64", 56, 56, 64, 64, 3, 1},
    {"conv3x3s2_56x56_64x128", 56, 56, 64, 128, 3, 2},
    {"conv3x3s2_224x224_3x32", 224, 224, 3, 32, 3, 2},
};

int output_size(int input, int stride) { return (input + stride - 1) / stride; }

// A one-op model: NHWC float input, SAME padding, per-channel int8 weights
// (dynamic) or float weights (float), float bias.
std::vector<uint8_t> conv_model(const DynamicConvShape& s, bool dynamic) {
  QfbWriter w;
  std::mt19937 rng(3);
  const int n = s.output_channels, k = s.kernel * s.kernel * s.input_channels;
  const int oh = output_size(s.height, s.stride), ow = output_size(s.width, s.stride);
  const int in = w.add_tensor("x", fb::DType::FLOAT32, {1, s.height, s.width, s.input_channels});
  const int out = w.add_tensor("y", fb::DType::FLOAT32, {1, oh, ow, n});
  int filter = 0;
  if (dynamic) {
    std::uniform_int_distribution<int> dist(-127, 127);
    std::vector<int8_t> weights(static_cast<size_t>(n) * k);
    for (int8_t& v : weights) v = static_cast<int8_t>(dist(rng));
    filter = w.add_constant("w", fb::DType::INT8, {n, s.kernel, s.kernel, s.input_channels}, to_bytes(weights),
                            std::vector<float>(n, 0.01f), std::vector<int32_t>(n, 0), 0);
  } else {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> weights(static_cast<size_t>(n) * k);
    for (float& v : weights) v = dist(rng);
    filter = w.add_constant("w", fb::DType::FLOAT32, {n, s.kernel, s.kernel, s.input_channels}, to_bytes(weights));
  }
  const int bias = w.add_constant("b", fb::DType::FLOAT32, {n}, to_bytes(std::vector<float>(n, 0.5f)));
  fb::Conv2DOptionsT o;
  o.padding = fb::Padding::SAME;
  o.stride_h = o.stride_w = s.stride;
  o.activation = fb::Activation::RELU;
  fb::OpOptionsUnion options;
  options.Set(o);
  w.add_op(dynamic ? fb::OpType::DYNAMIC_CONV_2D : fb::OpType::CONV_2D, {in, filter, bias}, {out},
           std::move(options), fb::RequantRule::FP32, "conv");
  w.add_input(in, fb::DType::FLOAT32);
  w.add_output(out, fb::DType::FLOAT32);
  return w.serialize();
}

double conv_macs(const DynamicConvShape& s) {
  return double(output_size(s.height, s.stride)) * output_size(s.width, s.stride) * s.kernel * s.kernel *
         s.input_channels * s.output_channels;
}

struct RnnShape {
  const char* name;
  bool lstm;
  int steps, batch, input, hidden;
};

// A speech model's recurrent layers (80 filterbank features, 256 units).
constexpr RnnShape kRnnShapes[] = {
    {"lstm_s50_b1_80x256", true, 50, 1, 80, 256},
    {"gru_s50_b1_80x256", false, 50, 1, 80, 256},
};

// A one-op LSTM / GRU, one direction: int8 weights with per-row scales
// (dynamic) or float32 weights, float32 bias.
std::vector<uint8_t> rnn_model(const RnnShape& s, bool dynamic) {
  QfbWriter w;
  std::mt19937 rng(5);
  const int rows = (s.lstm ? 4 : 3) * s.hidden;
  auto weights = [&](const char* name, int depth) {
    const size_t count = static_cast<size_t>(rows) * depth;
    if (dynamic) {
      std::uniform_int_distribution<int> dist(-127, 127);
      std::vector<int8_t> v(count);
      for (int8_t& e : v) e = static_cast<int8_t>(dist(rng));
      return w.add_constant(name, fb::DType::INT8, {rows, depth}, to_bytes(v), std::vector<float>(rows, 0.002f),
                            std::vector<int32_t>(rows, 0), 0);
    }
    std::uniform_real_distribution<float> dist(-0.25f, 0.25f);
    std::vector<float> v(count);
    for (float& e : v) e = dist(rng);
    return w.add_constant(name, fb::DType::FLOAT32, {rows, depth}, to_bytes(v));
  };
  const int x = w.add_tensor("x", fb::DType::FLOAT32, {s.steps, s.batch, s.input});
  const int wi = weights("W", s.input), ri = weights("R", s.hidden);
  const int b = w.add_constant("B", fb::DType::FLOAT32, {1, 2 * rows}, to_bytes(std::vector<float>(2 * rows, 0.1f)));
  std::vector<int32_t> outputs = {w.add_tensor("y", fb::DType::FLOAT32, {s.steps, 1, s.batch, s.hidden}),
                                  w.add_tensor("y_h", fb::DType::FLOAT32, {1, s.batch, s.hidden})};
  if (s.lstm) outputs.push_back(w.add_tensor("y_c", fb::DType::FLOAT32, {1, s.batch, s.hidden}));
  fb::RnnOptionsT o;
  o.hidden_size = s.hidden;
  fb::OpOptionsUnion options;
  options.Set(o);
  w.add_op(s.lstm ? fb::OpType::LSTM : fb::OpType::GRU, {x, wi, ri, b}, outputs, std::move(options),
           fb::RequantRule::FP32, "rnn");
  w.add_input(x, fb::DType::FLOAT32);
  w.add_output(outputs[0], fb::DType::FLOAT32);
  return w.serialize();
}

double rnn_macs(const RnnShape& s) {
  return double(s.steps) * s.batch * (s.lstm ? 4 : 3) * s.hidden * double(s.input + s.hidden);
}

// Invokes a one-op model with a float input of values in [-1, 2] on `isa`.
void run_float_model(benchmark::State& state, const std::vector<uint8_t>& file, const std::string& isa,
                     double macs) {
  PreparedOneOpModel model(file, "qrt", isa.c_str());
  if (!model.ok()) {
    state.SkipWithError(qrt_last_error());
    return;
  }
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 2.0f);
  std::vector<float> values(model.input_bytes() / sizeof(float));
  for (float& v : values) v = dist(rng);
  std::memcpy(model.input(), values.data(), model.input_bytes());
  for (auto _ : state) qrt_interpreter_invoke(model.interpreter());
  state.counters["GOPS"] =
      benchmark::Counter(2.0 * macs, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.SetLabel(model.kernel());
}

// dynamic/<layer>/qrt_<isa> and float/<layer>/qrt_<isa> for each ISA.
template <typename MakeModel>
void register_layer(const std::string& layer, const std::vector<std::string>& isas, const MakeModel& make_model,
                    double macs) {
  for (const std::string& isa : isas) {
    for (const bool dynamic : {true, false}) {
      const std::string name = std::string(dynamic ? "dynamic/" : "float/") + layer + "/qrt_" + isa;
      benchmark::RegisterBenchmark(name.c_str(), run_float_model, make_model(dynamic), isa, macs)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
}

}  // namespace

void register_dynamic_op_benchmarks(const std::vector<std::string>& isas) {
  for (const DynamicConvShape& shape : kShapes) {
    register_layer(shape.name, isas, [&](bool dynamic) { return conv_model(shape, dynamic); }, conv_macs(shape));
  }
  for (const RnnShape& shape : kRnnShapes) {
    register_layer(shape.name, isas, [&](bool dynamic) { return rnn_model(shape, dynamic); }, rnn_macs(shape));
  }
}

}  // namespace qrt::bench
