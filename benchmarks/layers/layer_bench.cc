// Every distinct conv, depthwise and fully-connected layer of MobileNet v1/v2
// and ResNet-18/50 (layer_shapes.h) as a one-op model, run through the public
// API exactly as a whole model would run it: qrt on each kernel ISA this CPU
// has, and XNNPACK's operator on the same model (--backend xnnpack) beside
// it. Counters: GOPS (a multiply-add is 2 ops) and peak_pct, the share of the
// machine's measured int8 peak on one core (peak_probe.h: vpdpbusd /
// vpmaddubsw on x86-64, SMLAL / SDOT / SMMLA on ARM). The label is the
// kernel that ran. The fp32 rule throughout (XNNPACK's own), per-channel
// weights, 1 thread unless QRT_BENCH_THREADS says otherwise. The reference
// kernels are slow on these shapes and registered only with
// QRT_BENCH_REFERENCE=1. DYNAMIC_CONV_2D layers beside float32 ones:
// dynamic_ops_bench.cc.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "converter/qfb_writer.h"
#include "dynamic_ops_bench.h"
#include "layer_shapes.h"
#include "one_op_model.h"
#include "peak_probe.h"
#include "qrt/qrt.h"

namespace qrt::bench {
namespace {

std::vector<uint8_t> random_bytes(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<uint8_t> bytes(count);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(static_cast<int8_t>(dist(rng)));
  return bytes;
}

int output_size(int input, int stride) { return (input + stride - 1) / stride; }

uint64_t layer_macs(const LayerShape& s) {
  const uint64_t pixels = uint64_t(output_size(s.height, s.stride)) * output_size(s.width, s.stride);
  const uint64_t taps = uint64_t(s.kernel) * s.kernel;
  if (s.kind == LayerKind::kDepthwise) return pixels * taps * s.output_channels;
  return pixels * taps * s.input_channels * s.output_channels;
}

std::string layer_name(const LayerShape& s) {
  const char* kind = s.kind == LayerKind::kConv ? "conv" : s.kind == LayerKind::kDepthwise ? "dw" : "fc";
  std::string name = std::string(s.network) + "/" + kind;
  if (s.kind != LayerKind::kFullyConnected) {
    name += std::to_string(s.kernel) + "x" + std::to_string(s.kernel) + "s" + std::to_string(s.stride) + "_" +
            std::to_string(s.height) + "x" + std::to_string(s.width) + "_";
  } else {
    name += "_";
  }
  return name + std::to_string(s.input_channels) + "x" + std::to_string(s.output_channels);
}

// A one-op .qfb for the layer: int8 NHWC input, per-channel int8 weights,
// int32 bias, scales that keep the outputs spread over the int8 range.
std::vector<uint8_t> layer_model(const LayerShape& s) {
  QfbWriter w;
  const int depth = s.kind == LayerKind::kDepthwise ? s.kernel * s.kernel : s.kernel * s.kernel * s.input_channels;
  const float in_scale = 0.02f, w_scale = 0.01f;
  const float out_scale = in_scale * w_scale * 5000.0f * std::sqrt(float(depth)) / 64.0f;
  const int n = s.output_channels;
  std::vector<float> scales(n, w_scale);
  std::vector<int32_t> bias(n, 100);
  const int bias_t = w.add_constant("b", fb::DType::INT32, {n}, to_bytes(bias));
  fb::OpOptionsUnion options;
  int in = 0, weights = 0, out = 0;
  if (s.kind == LayerKind::kFullyConnected) {
    in = w.add_tensor("in", fb::DType::INT8, {1, s.input_channels}, {in_scale}, {-3});
    weights = w.add_constant("w", fb::DType::INT8, {n, s.input_channels}, random_bytes(size_t(n) * s.input_channels, 2),
                             scales, std::vector<int32_t>(n, 0), 0);
    out = w.add_tensor("out", fb::DType::INT8, {1, n}, {out_scale}, {5});
    options.Set(fb::FullyConnectedOptionsT{});
    w.add_op(fb::OpType::FULLY_CONNECTED, {in, weights, bias_t}, {out}, std::move(options), fb::RequantRule::FP32,
             "layer");
  } else {
    in = w.add_tensor("in", fb::DType::INT8, {1, s.height, s.width, s.input_channels}, {in_scale}, {-3});
    const int oh = output_size(s.height, s.stride), ow = output_size(s.width, s.stride);
    out = w.add_tensor("out", fb::DType::INT8, {1, oh, ow, n}, {out_scale}, {5});
    if (s.kind == LayerKind::kConv) {
      weights = w.add_constant("w", fb::DType::INT8, {n, s.kernel, s.kernel, s.input_channels},
                               random_bytes(size_t(n) * s.kernel * s.kernel * s.input_channels, 2), scales,
                               std::vector<int32_t>(n, 0), 0);
      fb::Conv2DOptionsT o;
      o.padding = fb::Padding::SAME;
      o.stride_h = o.stride_w = s.stride;
      options.Set(o);
      w.add_op(fb::OpType::CONV_2D, {in, weights, bias_t}, {out}, std::move(options), fb::RequantRule::FP32, "layer");
    } else {
      weights = w.add_constant("w", fb::DType::INT8, {1, s.kernel, s.kernel, n},
                               random_bytes(size_t(n) * s.kernel * s.kernel, 2), scales, std::vector<int32_t>(n, 0), 3);
      fb::DepthwiseConv2DOptionsT o;
      o.padding = fb::Padding::SAME;
      o.stride_h = o.stride_w = s.stride;
      o.depth_multiplier = 1;
      options.Set(o);
      w.add_op(fb::OpType::DEPTHWISE_CONV_2D, {in, weights, bias_t}, {out}, std::move(options), fb::RequantRule::FP32,
               "layer");
    }
  }
  w.add_input(in);
  w.add_output(out);
  return w.serialize();
}

// One layer on one backend / ISA. Model load and prepare (weight packing)
// happen outside the timed loop, as in an application.
void run_layer(benchmark::State& state, const LayerShape& shape, const char* backend, const char* isa) {
  PreparedOneOpModel layer(layer_model(shape), backend, isa);
  if (!layer.ok()) {
    state.SkipWithError(qrt_last_error());
    return;
  }
  const std::vector<uint8_t> values = random_bytes(layer.input_bytes(), 1);
  std::copy(values.begin(), values.end(), static_cast<uint8_t*>(layer.input()));
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    qrt_interpreter_invoke(layer.interpreter());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double ops = 2.0 * double(layer_macs(shape));
  state.counters["GOPS"] =
      benchmark::Counter(ops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  // The share of the single-core peak, from the wall time of the loop.
  const double gops = seconds > 0 ? ops * double(state.iterations()) / seconds / 1e9 : 0.0;
  state.counters["peak_pct"] = machine_peak_gops() > 0 ? 100.0 * gops / machine_peak_gops() : 0.0;
  state.counters["count"] = shape.count;
  state.SetLabel(layer.kernel());
}

void run_peak(benchmark::State& state, const PeakLoop& loop) {
  double gops = 0.0;
  for (auto _ : state) gops = measure_peak_gops(loop, 0.05);
  state.counters["GOPS_peak"] = gops;
}

// An ISA is registered only when this CPU has it (prepare would refuse it).
bool isa_runs_here(const char* isa) {
  qrt_options* options = nullptr;
  qrt_interpreter* interpreter = nullptr;
  qrt_model* model = nullptr;
  const std::vector<uint8_t> file = layer_model(kLayerShapes[0]);
  const bool ok = qrt_model_load_buffer(file.data(), file.size(), &model) == QRT_OK &&
                  qrt_options_create(&options) == QRT_OK && qrt_options_set_isa(options, isa) == QRT_OK &&
                  qrt_interpreter_create(model, options, &interpreter) == QRT_OK &&
                  qrt_interpreter_prepare(interpreter) == QRT_OK;
  qrt_interpreter_destroy(interpreter);
  qrt_options_destroy(options);
  qrt_model_destroy(model);
  return ok;
}

bool backend_built(const char* backend) {
  qrt_options* options = nullptr;
  const bool ok = qrt_options_create(&options) == QRT_OK && qrt_options_set_backend(options, backend) == QRT_OK;
  qrt_options_destroy(options);
  return ok;
}

int register_all() {
  for (const PeakLoop& loop : peak_loops()) {
    if (!loop.available()) continue;
    benchmark::RegisterBenchmark((std::string("peak/") + loop.name).c_str(), run_peak, loop)
        ->Iterations(5)
        ->Unit(benchmark::kMillisecond);
  }
  std::vector<const char*> isas;
  const char* env = std::getenv("QRT_BENCH_REFERENCE");
  if (env && std::string(env) == "1") isas.push_back("reference");
  for (const char* isa : {"sse41", "avx2", "avxvnni", "avx512vnni", "neon", "neondot", "i8mm"}) {
    if (isa_runs_here(isa)) isas.push_back(isa);
  }
  register_dynamic_op_benchmarks(std::vector<std::string>(isas.begin(), isas.end()));
  const bool xnnpack = backend_built("xnnpack");
  for (const LayerShape& shape : kLayerShapes) {
    const std::string name = layer_name(shape);
    for (const char* isa : isas) {
      benchmark::RegisterBenchmark((name + "/qrt_" + isa).c_str(), run_layer, shape, "qrt", isa)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
    if (xnnpack) {
      benchmark::RegisterBenchmark((name + "/xnnpack").c_str(), run_layer, shape, "xnnpack", "")
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
  return 0;
}

}  // namespace
}  // namespace qrt::bench

// Registration asks the library which ISAs and backends run here, so it
// happens in main, after every static of the library is initialized.
int main(int argc, char** argv) {
  qrt::bench::register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
