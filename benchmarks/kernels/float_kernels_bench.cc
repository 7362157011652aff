// The float32 path's layers, reference kernels against every table's
// vectorised kernels, driven as runtime/ops/float_compute_ops.cc drives them
// (weights packed and tap offsets built before the timed loop):
//  - conv3x3_28x28x64->64: a 3x3 stride-1 SAME convolution (indirect GEMM),
//  - conv1x1_28x28x128->128: a pointwise convolution (plain GEMM),
//  - fc_1x1024->1000: a batch-1 classifier (memory bound: 4 MB of weights),
//  - fc_8x512->512: a batched FULLY_CONNECTED / MatMul,
//  - dwconv3x3_56x56x128: a depthwise 3x3,
//  - add_1Mi: ADD of two 1 Mi-float tensors.
// Counter: GFLOP/s (2 flops per multiply-add; decimal G). Compare medians:
// --benchmark_repetitions=5 --benchmark_report_aggregates_only=true.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/gemm_f32.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/binary_elementwise_f32.h"
#include "kernels/reference/conv2d_f32.h"
#include "kernels/reference/depthwise_conv2d_f32.h"
#include "kernels/reference/fully_connected_f32.h"

namespace {

std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

void set_flops(benchmark::State& state, double macs) {
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * macs / 1e9, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}

qrt::reference::Conv2DF32Params conv_params(int size, int in_c, int out_c, int kernel) {
  qrt::reference::Conv2DF32Params p;
  p.input_height = p.input_width = p.output_height = p.output_width = size;
  p.input_channels = in_c;
  p.output_channels = out_c;
  p.kernel_height = p.kernel_width = kernel;
  p.pad_top = p.pad_left = kernel / 2;
  p.clamp = qrt::reference::activation_range_f32(qrt::FusedActivation::kRelu);
  return p;
}

// kernel == nullptr: the reference kernel.
void conv(benchmark::State& state, const qrt::KernelTable* t, qrt::reference::Conv2DF32Params p) {
  const size_t k = static_cast<size_t>(p.kernel_height) * p.kernel_width * p.input_channels;
  const size_t pixels = static_cast<size_t>(p.output_height) * p.output_width;
  const auto x = random_floats(static_cast<size_t>(p.input_height) * p.input_width * p.input_channels, 1);
  const auto w = random_floats(p.output_channels * k, 2), bias = random_floats(p.output_channels, 3);
  std::vector<float> y(pixels * p.output_channels);
  if (t == nullptr) {
    for (auto _ : state) {
      qrt::reference::conv2d_f32(p, x.data(), w.data(), bias.data(), y.data());
      benchmark::DoNotOptimize(y.data());
    }
  } else {
    const qrt::GemmF32Kernel& kernel = t->gemm_f32;
    std::vector<float> packed(qrt::gemm_f32_packed_size(kernel.nr, p.output_channels, static_cast<int>(k)));
    qrt::gemm_f32_pack(kernel.nr, p.output_channels, static_cast<int>(k), w.data(), bias.data(), packed.data());
    const size_t taps = static_cast<size_t>(p.kernel_height) * p.kernel_width;
    if (taps == 1) {
      for (auto _ : state) {
        qrt::gemm_f32_run(kernel, pixels, p.output_channels, p.input_channels, x.data(), p.input_channels,
                          packed.data(), y.data(), p.output_channels, p.clamp);
        benchmark::DoNotOptimize(y.data());
      }
    } else {
      std::vector<int64_t> offsets(pixels * taps);
      qrt::igemm_f32_build_offsets(p, offsets.data());
      const std::vector<float> zero(p.input_channels, 0.0f);
      std::vector<const float*> pointers(kernel.mr * taps);
      for (auto _ : state) {
        qrt::igemm_f32_run(kernel, pixels, p.output_channels, p.input_channels, taps, offsets.data(), x.data(),
                           zero.data(), packed.data(), y.data(), p.output_channels, p.clamp, pointers.data());
        benchmark::DoNotOptimize(y.data());
      }
    }
  }
  set_flops(state, double(pixels) * p.output_channels * k);
}

void fully_connected(benchmark::State& state, const qrt::KernelTable* t, int batch, int depth, int outputs) {
  const auto x = random_floats(static_cast<size_t>(batch) * depth, 4);
  const auto w = random_floats(static_cast<size_t>(outputs) * depth, 5), bias = random_floats(outputs, 6);
  std::vector<float> y(static_cast<size_t>(batch) * outputs);
  if (t == nullptr) {
    qrt::reference::FullyConnectedF32Params p;
    p.batch = batch, p.input_depth = depth, p.output_depth = outputs;
    for (auto _ : state) {
      qrt::reference::fully_connected_f32(p, x.data(), w.data(), bias.data(), y.data());
      benchmark::DoNotOptimize(y.data());
    }
  } else {
    const qrt::GemmF32Kernel& kernel = t->gemm_f32;
    std::vector<float> packed(qrt::gemm_f32_packed_size(kernel.nr, outputs, depth));
    qrt::gemm_f32_pack(kernel.nr, outputs, depth, w.data(), bias.data(), packed.data());
    for (auto _ : state) {
      qrt::gemm_f32_run(kernel, batch, outputs, depth, x.data(), depth, packed.data(), y.data(), outputs,
                        qrt::reference::ClampF32{});
      benchmark::DoNotOptimize(y.data());
    }
  }
  set_flops(state, double(batch) * depth * outputs);
}

void depthwise(benchmark::State& state, const qrt::KernelTable* t) {
  qrt::reference::DepthwiseConv2DF32Params p;
  p.input_height = p.input_width = p.output_height = p.output_width = 56;
  p.input_channels = 128;
  p.kernel_height = p.kernel_width = 3;
  p.pad_top = p.pad_left = 1;
  const auto x = random_floats(56 * 56 * 128, 7), w = random_floats(9 * 128, 8), bias = random_floats(128, 9);
  std::vector<float> y(x.size());
  for (auto _ : state) {
    if (t == nullptr) qrt::reference::depthwise_conv2d_f32(p, x.data(), w.data(), bias.data(), y.data());
    else t->dwconv_f32.run(p, x.data(), w.data(), bias.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
  set_flops(state, 56.0 * 56 * 128 * 9);
}

void add(benchmark::State& state, const qrt::KernelTable* t) {
  constexpr size_t kCount = size_t{1} << 20;
  const auto a = random_floats(kCount, 10), b = random_floats(kCount, 11);
  std::vector<float> y(kCount);
  qrt::reference::BinaryF32Params rp;
  const int32_t shape[1] = {static_cast<int32_t>(kCount)};
  qrt::reference::broadcast_shapes(shape, 1, shape, 1, &rp.shapes.input1, &rp.shapes.input2, &rp.shapes.output);
  qrt::VBinaryF32Params vp;
  vp.count = kCount;
  for (auto _ : state) {
    if (t == nullptr) qrt::reference::binary_elementwise_f32(rp, a.data(), b.data(), y.data());
    else t->vbinary_f32.run(vp, a.data(), b.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["GB/s"] = benchmark::Counter(3.0 * kCount * sizeof(float) / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

int register_benchmarks() {
  for (const char* isa : {"reference", "avx2", "avx512vnni", "neon"}) {
    std::string error;
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table == nullptr) continue;
    const bool reference = table->gemm_f32.run == nullptr;
    if (reference && std::string(isa) != "reference") continue;
    const qrt::KernelTable* t = reference ? nullptr : table;
    const std::string gemm = reference ? "reference" : table->gemm_f32.name;
    const std::string dw = reference ? "reference" : table->dwconv_f32.name;
    const std::string vadd = reference ? "reference" : table->vbinary_f32.name;
    const std::string suffix = std::string("/") + isa;
    benchmark::RegisterBenchmark(("f32_conv3x3_28x28x64->64/" + gemm + suffix).c_str(), conv, t,
                                 conv_params(28, 64, 64, 3))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("f32_conv1x1_28x28x128->128/" + gemm + suffix).c_str(), conv, t,
                                 conv_params(28, 128, 128, 1))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("f32_fc_1x1024->1000/" + gemm + suffix).c_str(), fully_connected, t, 1, 1024, 1000)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("f32_fc_8x512->512/" + gemm + suffix).c_str(), fully_connected, t, 8, 512, 512)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("f32_dwconv3x3_56x56x128/" + dw + suffix).c_str(), depthwise, t)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("f32_add_1Mi/" + vadd + suffix).c_str(), add, t)->Unit(benchmark::kMicrosecond);
  }
  return 0;
}

const int registered = register_benchmarks();

}  // namespace
