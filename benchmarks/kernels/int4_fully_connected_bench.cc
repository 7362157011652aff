// Weight-only int4 fully connected (FULLY_CONNECTED_W4) kernels, next to the
// float32 reference fully connected layer in the same binary (and so the
// same run): an LLM-like projection, K = 4096 -> N = 1024, at batch 1 (a
// matrix-vector product: the weights dominate) and batch 8, with groups of
// 32 and one scale per output channel. Registered as
// <shape>/<kernel>/group:<G>; GOPS counts a multiply-add as 2. The reference
// and every x86 table this CPU has are registered.
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kernels/kernel_table.h"
#include "kernels/reference/fully_connected_f32.h"
#include "kernels/reference/fully_connected_f32w4.h"

namespace {

constexpr int kK = 4096, kN = 1024;

struct Inputs {
  std::vector<float> x, scales, bias, output, float_weights;
  std::vector<uint8_t> packed;
};

Inputs make_inputs(int batch, int group) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  Inputs in;
  in.x.resize(static_cast<size_t>(batch) * kK);
  for (float& v : in.x) v = d(rng);
  in.packed.resize(static_cast<size_t>(kN) * kK / 2);
  for (uint8_t& v : in.packed) v = static_cast<uint8_t>(rng());
  in.scales.assign(static_cast<size_t>(kN) * (kK / group), 0.01f);
  in.bias.assign(kN, 0.5f);
  in.output.resize(static_cast<size_t>(batch) * kN);
  return in;
}

void set_gops(benchmark::State& state, int batch) {
  state.counters["GOPS"] = benchmark::Counter(2.0 * batch * kK * kN, benchmark::Counter::kIsIterationInvariantRate,
                                              benchmark::Counter::kIs1000);
}

template <typename Fn>
void run_w4(benchmark::State& state, int batch, Fn* kernel) {
  const int group = static_cast<int>(state.range(0));
  Inputs in = make_inputs(batch, group);
  qrt::reference::FullyConnectedF32W4Params p;
  p.batch = batch, p.input_depth = kK, p.output_depth = kN, p.group_size = group;
  for (auto _ : state) {
    kernel(p, in.x.data(), in.packed.data(), in.scales.data(), in.bias.data(), in.output.data());
    benchmark::DoNotOptimize(in.output.data());
  }
  set_gops(state, batch);
}

void run_f32(benchmark::State& state, int batch) {
  Inputs in = make_inputs(batch, kK);
  in.float_weights.assign(static_cast<size_t>(kN) * kK, 0.01f);
  qrt::reference::FullyConnectedF32Params p;
  p.batch = batch, p.input_depth = kK, p.output_depth = kN;
  for (auto _ : state) {
    qrt::reference::fully_connected_f32(p, in.x.data(), in.float_weights.data(), in.bias.data(), in.output.data());
    benchmark::DoNotOptimize(in.output.data());
  }
  set_gops(state, batch);
}

bool register_benchmarks() {
  for (const int batch : {1, 8}) {
    const std::string shape = "fully_connected_f32w4_4096x1024_batch" + std::to_string(batch);
    benchmark::RegisterBenchmark((shape + "/fully_connected_f32_reference").c_str(),
                                 [batch](benchmark::State& st) { run_f32(st, batch); });
    benchmark::RegisterBenchmark((shape + "/fully_connected_f32w4_reference").c_str(),
                                 [batch](benchmark::State& st) { run_w4(st, batch, qrt::reference::fully_connected_f32w4); })
        ->Arg(32)->Arg(kK)->ArgName("group");
    for (const char* isa : {"avx2", "avx512vnni"}) {
      std::string error;
      const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
      if (table == nullptr) continue;
      auto* kernel = table->fully_connected_f32w4.run;
      benchmark::RegisterBenchmark((shape + "/" + table->fully_connected_f32w4.name + "/" + isa).c_str(),
                                   [batch, kernel](benchmark::State& st) { run_w4(st, batch, kernel); })
          ->Arg(32)->Arg(kK)->ArgName("group");
    }
  }
  return true;
}

const bool registered = register_benchmarks();

}  // namespace
