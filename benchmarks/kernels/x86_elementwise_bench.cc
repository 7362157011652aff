// The memory-bound int8 kernels of every table this CPU has, the reference
// first, in one run: LUT apply over 1 MiB, QUANTIZE / DEQUANTIZE over 1 Mi
// values, ResNet's 3x3 stride-2 max pool (112x112x64) and MobileNetV2's
// global average pool (7x7x1280), both rules. Counter: GB/s of input read
// (bytes of the input tensor per second; decimal G).
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kernels/kernel_table.h"

namespace {

std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

void set_bandwidth(benchmark::State& state, double bytes) {
  state.counters["GB/s"] =
      benchmark::Counter(bytes / 1e9, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

constexpr size_t kCount = size_t{1} << 20;

void lut(benchmark::State& state, const qrt::KernelTable* t) {
  const auto input = random_s8(kCount, 1), table = random_s8(256, 2);
  std::vector<int8_t> output(kCount);
  for (auto _ : state) {
    t->lut.run(table.data(), input.data(), output.data(), kCount);
    benchmark::DoNotOptimize(output.data());
  }
  set_bandwidth(state, kCount);
}

void quantize(benchmark::State& state, const qrt::KernelTable* t) {
  std::vector<float> input(kCount);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  for (auto& x : input) x = dist(rng);
  std::vector<int8_t> output(kCount);
  const qrt::RequantRule rule = state.range(0) ? qrt::RequantRule::kFp32 : qrt::RequantRule::kFixedPoint;
  for (auto _ : state) {
    t->quantize.run(rule, 0.023f, -5, input.data(), output.data(), kCount);
    benchmark::DoNotOptimize(output.data());
  }
  set_bandwidth(state, kCount * sizeof(float));
}

void dequantize(benchmark::State& state, const qrt::KernelTable* t) {
  const auto input = random_s8(kCount, 4);
  std::vector<float> output(kCount);
  for (auto _ : state) {
    t->dequantize.run(0.023f, -5, input.data(), output.data(), kCount);
    benchmark::DoNotOptimize(output.data());
  }
  set_bandwidth(state, kCount);
}

void max_pool(benchmark::State& state, const qrt::KernelTable* t) {
  qrt::reference::Pool2DParams p;
  p.input_height = p.input_width = 112;
  p.channels = 64;
  p.output_height = p.output_width = 56;
  p.filter_height = p.filter_width = 3;
  p.stride_height = p.stride_width = 2;
  p.pad_top = p.pad_left = 0;
  const auto input = random_s8(size_t(112) * 112 * 64, 5);
  std::vector<int8_t> output(size_t(56) * 56 * 64);
  for (auto _ : state) {
    t->max_pool2d.run(p, input.data(), output.data());
    benchmark::DoNotOptimize(output.data());
  }
  set_bandwidth(state, double(input.size()));
}

void average_pool(benchmark::State& state, const qrt::KernelTable* t) {
  qrt::reference::Pool2DParams g;
  g.input_height = g.input_width = g.filter_height = g.filter_width = 7;
  g.channels = 1280;
  g.output_height = g.output_width = 1;
  const qrt::RequantRule rule = state.range(0) ? qrt::RequantRule::kFp32 : qrt::RequantRule::kFixedPoint;
  const qrt::reference::AveragePool2DParams p =
      qrt::reference::init_average_pool2d_params(g, rule, false, 0.02f, -3, rule == qrt::RequantRule::kFp32 ? 0.01f : 0.02f,
                                                 rule == qrt::RequantRule::kFp32 ? 4 : -3);
  const auto input = random_s8(size_t(7) * 7 * 1280, 6);
  std::vector<int8_t> output(1280);
  for (auto _ : state) {
    t->average_pool2d.run(p, input.data(), output.data());
    benchmark::DoNotOptimize(output.data());
  }
  set_bandwidth(state, double(input.size()));
}

int register_benchmarks() {
  for (const char* isa : {"reference", "avx2", "avx512vnni"}) {
    std::string error;
    const qrt::KernelTable* t = qrt::find_kernel_table(isa, &error);
    if (t == nullptr) continue;
    const std::string suffix = std::string("/") + isa;
    benchmark::RegisterBenchmark(("lut_1MiB/" + std::string(t->lut.name) + suffix).c_str(), lut, t)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("quantize_1Mi/" + std::string(t->quantize.name) + suffix).c_str(), quantize, t)
        ->ArgName("fp32")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("dequantize_1Mi/" + std::string(t->dequantize.name) + suffix).c_str(), dequantize,
                                 t)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("max_pool3x3s2_112x112x64/" + std::string(t->max_pool2d.name) + suffix).c_str(),
                                 max_pool, t)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("avg_pool7x7_1280/" + std::string(t->average_pool2d.name) + suffix).c_str(),
                                 average_pool, t)
        ->ArgName("fp32")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
  }
  return 0;
}

const int registered = register_benchmarks();

}  // namespace
