// The x86 packed GEMM kernels on the shapes they serve in MobileNets, next to
// the reference kernels in the same binary (and so the same run): MobileNetV2's
// classifier (FULLY_CONNECTED 1280 -> 1000, batch 1) and two 1x1 convolutions
// at 56x56 (64 -> 64, 24 -> 144). GOPS counts a multiply-add as 2. Each ISA
// this CPU has is registered as <shape>/<kernel name>; fp32:0 is the
// fixedpoint rule (single rounding, as CONV_2D / FULLY_CONNECTED use), fp32:1
// the fp32 rule. Packing happens once, outside the timed loop, as at prepare.
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kernels/kernel_table.h"
#include "kernels/reference/conv2d_s8.h"
#include "kernels/reference/fully_connected_s8.h"

namespace {

struct Shape {
  const char* name;
  int height, width;  // 1 x 1 for the fully connected layer (M = 1)
  int k, n;
};

constexpr Shape kShapes[] = {
    {"fully_connected_1280x1000", 1, 1, 1280, 1000},
    {"fully_connected_1280x1000_m2", 2, 1, 1280, 1000},
    {"fully_connected_1280x1000_m4", 4, 1, 1280, 1000},
    {"fully_connected_1280x1000_m6", 6, 1, 1280, 1000},
    {"fully_connected_1280x1000_m12", 12, 1, 1280, 1000},
    {"fully_connected_1280x1000_m24", 24, 1, 1280, 1000},
    {"fully_connected_768x3072_m1", 1, 1, 768, 3072},
    {"fully_connected_768x3072_m8", 8, 1, 768, 3072},
    {"fully_connected_768x3072_m48", 48, 1, 768, 3072},
    {"conv1x1_7x7_320x1280", 7, 7, 320, 1280},
    {"conv1x1_56x56_64x64", 56, 56, 64, 64},
    {"conv1x1_56x56_24x144", 56, 56, 24, 144},
};

std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

qrt::OutputRequantStorage epilogue(const benchmark::State& state, int channels) {
  std::vector<float> weight_scales(channels, 0.002f);
  const qrt::RequantRule rule = state.range(0) == 0 ? qrt::RequantRule::kFixedPoint : qrt::RequantRule::kFp32;
  return qrt::make_output_requant(rule, 0.02f, weight_scales.data(), weight_scales.size(), 0.05f, -3,
                                  qrt::ClampRange{}, qrt::FixedPointRounding::kSingle);
}

void set_ops_counter(benchmark::State& state, const Shape& s) {
  const double multiply_adds = double(s.height) * s.width * s.k * s.n;
  state.counters["GOPS"] = benchmark::Counter(2.0 * multiply_adds, benchmark::Counter::kIsIterationInvariantRate,
                                              benchmark::Counter::kIs1000);
}

void run_reference(benchmark::State& state, const Shape& s) {
  const size_t m = size_t(s.height) * s.width;
  const auto input = random_s8(m * s.k, 1), weights = random_s8(size_t(s.n) * s.k, 2);
  std::vector<int32_t> bias(s.n, 100);
  std::vector<int8_t> output(m * s.n);
  qrt::OutputRequantStorage rq = epilogue(state, s.n);
  if (s.height == 1) {
    qrt::reference::FullyConnectedParams p;
    p.input_depth = s.k;
    p.output_depth = s.n;
    p.input_zero_point = -5;
    p.requant = rq.requant;
    for (auto _ : state) {
      qrt::reference::fully_connected_s8(p, input.data(), weights.data(), bias.data(), output.data());
      benchmark::DoNotOptimize(output.data());
    }
  } else {
    qrt::reference::Conv2DParams p;
    p.input_height = p.output_height = s.height;
    p.input_width = p.output_width = s.width;
    p.input_channels = s.k;
    p.output_channels = s.n;
    p.kernel_height = p.kernel_width = 1;
    p.input_zero_point = -5;
    p.requant = rq.requant;
    for (auto _ : state) {
      qrt::reference::conv2d_s8(p, input.data(), weights.data(), bias.data(), output.data());
      benchmark::DoNotOptimize(output.data());
    }
  }
  set_ops_counter(state, s);
}

void run_gemm(benchmark::State& state, const Shape& s, const qrt::GemmKernel& g) {
  const size_t m = size_t(s.height) * s.width;
  const auto input = random_s8(m * s.k, 1), weights = random_s8(size_t(s.n) * s.k, 2);
  std::vector<int32_t> bias(s.n, 100);
  std::vector<int8_t> output(m * s.n);
  qrt::OutputRequantStorage rq = epilogue(state, s.n);
  qrt::GemmPackParams pack;
  pack.n = s.n;
  pack.k = s.k;
  pack.weights = weights.data();
  pack.bias = bias.data();
  pack.input_zero_point = -5;
  pack.requant = rq.requant;
  // 64-byte aligned, as the runtime allocates it.
  std::vector<uint8_t> packed_storage(g.packed_size(rq.requant.rule, s.n, s.k) + 64);
  void* packed = packed_storage.data() + (64 - reinterpret_cast<uintptr_t>(packed_storage.data()) % 64) % 64;
  g.pack(g.layout, pack, packed);
  std::vector<uint8_t> scratch(g.scratch_size(s.k));
  const qrt::GemmRunParams params = qrt::make_gemm_run_params(pack, m, s.k, s.n);
  for (auto _ : state) {
    g.run(params, input.data(), packed, scratch.data(), output.data());
    benchmark::DoNotOptimize(output.data());
  }
  set_ops_counter(state, s);
}

// Registered at start-up: the reference, then every ISA this CPU has.
bool register_benchmarks() {
  for (const Shape& s : kShapes) {
    benchmark::RegisterBenchmark((std::string(s.name) + "/reference").c_str(),
                                 [&s](benchmark::State& st) { run_reference(st, s); })
        ->Arg(0)->Arg(1)->ArgName("fp32");
    for (const char* isa : {"sse41", "avx2", "avxvnni", "avx512vnni"}) {
      std::string error;
      const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
      if (table == nullptr) continue;
      for (const qrt::GemmKernel* g : {&table->gemm, &table->gemm_few_rows}) {
        if (g->run == nullptr) continue;
        benchmark::RegisterBenchmark((std::string(s.name) + "/" + g->name).c_str(),
                                     [&s, g](benchmark::State& st) { run_gemm(st, s, *g); })
            ->Arg(0)->Arg(1)->ArgName("fp32");
      }
    }
  }
  return true;
}

const bool registered = register_benchmarks();

}  // namespace
