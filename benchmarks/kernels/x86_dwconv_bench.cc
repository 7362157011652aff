// The x86 packed depthwise kernels and the threaded GEMM driver, next to the
// reference kernels in the same binary (and so the same run):
//  - depthwise 3x3, 144 channels, 56x56, stride 1, SAME (MobileNetV2's
//    block 2), on reference::depthwise_conv2d_s8, on every ISA's 3x3
//    depthwise kernels this CPU has (the int16 packing and, where the table
//    has one, the int8 packing of dwconv3x3_c4_s8.h), at 1 and 2 threads
//    (dwconv_run_parallel), and on XNNPACK's qc8 depthwise convolution with
//    the same data and threads when the build has XNNPACK (QRT_WITH_XNNPACK);
//  - 1x1 convolutions at 56x56 (24 -> 144, 64 -> 64) on every ISA's GEMM at
//    1 and 2 threads (gemm_run_parallel, per-thread A panels).
// Registered as <shape>/<kernel>/threads:<t>/fp32:<0|1>; fp32:0 is the
// fixedpoint rule (double rounding for depthwise, single for the GEMM, as
// the ops use). GOPS counts a multiply-add as 2. Packing happens once,
// outside the timed loop, as at prepare.
#include <pthreadpool.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kernels/kernel_table.h"
#include "kernels/reference/depthwise_conv2d_s8.h"

#ifdef QRT_BENCH_WITH_XNNPACK
#include <xnnpack.h>
#endif

namespace {

std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

qrt::RequantRule rule_of(const benchmark::State& state) {
  return state.range(0) == 0 ? qrt::RequantRule::kFixedPoint : qrt::RequantRule::kFp32;
}

struct PoolDeleter {
  void operator()(pthreadpool_t p) const { pthreadpool_destroy(p); }
};
using Pool = std::unique_ptr<pthreadpool, PoolDeleter>;

Pool make_pool(int threads) { return Pool(threads > 1 ? pthreadpool_create(static_cast<size_t>(threads)) : nullptr); }

void set_gops(benchmark::State& state, double multiply_adds) {
  state.counters["GOPS"] = benchmark::Counter(2.0 * multiply_adds, benchmark::Counter::kIsIterationInvariantRate,
                                              benchmark::Counter::kIs1000);
}

// ---- depthwise 3x3 144 channels 56x56 ----------------------------------

constexpr int kDwSize = 56, kDwChannels = 144;

qrt::reference::DepthwiseConv2DParams dw_params() {
  qrt::reference::DepthwiseConv2DParams p;
  p.input_height = p.input_width = p.output_height = p.output_width = kDwSize;
  p.input_channels = kDwChannels;
  p.kernel_height = p.kernel_width = 3;
  p.pad_top = p.pad_left = 1;
  p.input_zero_point = -5;
  return p;
}

qrt::OutputRequantStorage dw_epilogue(const benchmark::State& state) {
  std::vector<float> weight_scales(kDwChannels, 0.01f);
  return qrt::make_output_requant(rule_of(state), 0.02f, weight_scales.data(), weight_scales.size(), 0.05f, -3,
                                  qrt::ClampRange{}, qrt::FixedPointRounding::kDouble);
}

void dw_reference(benchmark::State& state) {
  qrt::reference::DepthwiseConv2DParams p = dw_params();
  const auto input = random_s8(size_t(kDwSize) * kDwSize * kDwChannels, 1);
  const auto weights = random_s8(9 * kDwChannels, 2);
  std::vector<int32_t> bias(kDwChannels, 100);
  std::vector<int8_t> output(input.size());
  qrt::OutputRequantStorage rq = dw_epilogue(state);
  p.requant = rq.requant;
  for (auto _ : state) {
    qrt::reference::depthwise_conv2d_s8(p, input.data(), weights.data(), bias.data(), output.data());
    benchmark::DoNotOptimize(output.data());
  }
  set_gops(state, double(kDwSize) * kDwSize * kDwChannels * 9);
}

// c4: the int8 3x3 packing and its kernel (kernels/dwconv3x3_c4_s8.h).
void dw_packed(benchmark::State& state, const qrt::DwconvKernel& k, bool c4, int threads) {
  const qrt::reference::DepthwiseConv2DParams p = dw_params();
  const auto input = random_s8(size_t(kDwSize) * kDwSize * kDwChannels, 1);
  const auto weights = random_s8(9 * kDwChannels, 2);
  std::vector<int32_t> bias(kDwChannels, 100);
  std::vector<int8_t> output(input.size());
  qrt::OutputRequantStorage rq = dw_epilogue(state);
  qrt::DwconvPackParams pack;
  pack.channels = kDwChannels;
  pack.kernel_height = pack.kernel_width = 3;
  pack.weights = weights.data();
  pack.bias = bias.data();
  pack.input_zero_point = p.input_zero_point;
  pack.requant = rq.requant;
  std::vector<uint8_t> packed(c4 ? qrt::dwconv3x3_c4_packed_size(pack.requant.rule, kDwChannels)
                                : k.packed_size(pack.requant.rule, kDwChannels, 9));
  if (c4) {
    qrt::dwconv3x3_c4_pack(pack, packed.data());
  } else {
    k.pack(pack, packed.data());
  }
  qrt::DwconvRunParams r = qrt::make_dwconv_run_params(pack);
  r.input_height = r.input_width = r.output_height = r.output_width = kDwSize;
  r.pad_top = r.pad_left = 1;
  Pool pool = make_pool(threads);
  for (auto _ : state) {
    qrt::dwconv_run_parallel(c4 ? k.run_3x3_c4 : k.run_3x3, r, input.data(), packed.data(), output.data(),
                             pool.get());
    benchmark::DoNotOptimize(output.data());
  }
  set_gops(state, double(kDwSize) * kDwSize * kDwChannels * 9);
}

#ifdef QRT_BENCH_WITH_XNNPACK
// XNNPACK's qc8 depthwise convolution on the same input, weights, bias and
// scales (fp32 rule: XNNPACK has no other); its own weight packing happens
// at create, outside the timed loop.
void dw_xnnpack(benchmark::State& state, int threads) {
  if (rule_of(state) != qrt::RequantRule::kFp32 || xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("XNNPACK runs the fp32 rule only");
    return;
  }
  const qrt::reference::DepthwiseConv2DParams p = dw_params();
  const auto input = random_s8(size_t(kDwSize) * kDwSize * kDwChannels, 1);
  const auto weights = random_s8(9 * kDwChannels, 2);
  std::vector<int32_t> bias(kDwChannels, 100);
  std::vector<int8_t> output(input.size());
  const std::vector<float> weight_scales(kDwChannels, 0.01f);
  xnn_operator_t op = nullptr;
  if (xnn_create_convolution2d_nhwc_qc8(1, 1, 1, 1, 3, 3, 1, 1, 1, 1, kDwChannels, 1, 1, kDwChannels, kDwChannels,
                                        static_cast<int8_t>(p.input_zero_point), 0.02f, weight_scales.data(),
                                        weights.data(), bias.data(), -3, 0.05f, -128, 127,
                                        XNN_FLAG_DEPTHWISE_CONVOLUTION, &op) != xnn_status_success) {
    state.SkipWithError("xnn_create_convolution2d_nhwc_qc8 failed");
    return;
  }
  Pool pool = make_pool(threads);
  if (xnn_setup_convolution2d_nhwc_qc8(op, 1, kDwSize, kDwSize, input.data(), output.data(), pool.get()) !=
      xnn_status_success) {
    state.SkipWithError("xnn_setup_convolution2d_nhwc_qc8 failed");
  } else {
    for (auto _ : state) {
      xnn_run_operator(op, pool.get());
      benchmark::DoNotOptimize(output.data());
    }
    set_gops(state, double(kDwSize) * kDwSize * kDwChannels * 9);
  }
  xnn_delete_operator(op);
}
#endif

// ---- 1x1 convolution GEMM at 1 and 2 threads ---------------------------

struct GemmShape {
  const char* name;
  int size, k, n;
};
constexpr GemmShape kGemmShapes[] = {{"conv1x1_56x56_24x144", 56, 24, 144}, {"conv1x1_56x56_64x64", 56, 64, 64}};

void gemm_threads(benchmark::State& state, const qrt::GemmKernel& g, const GemmShape& s, int threads) {
  const size_t m = size_t(s.size) * s.size;
  const auto input = random_s8(m * s.k, 1), weights = random_s8(size_t(s.n) * s.k, 2);
  std::vector<int32_t> bias(s.n, 100);
  std::vector<int8_t> output(m * s.n);
  std::vector<float> weight_scales(s.n, 0.002f);
  qrt::OutputRequantStorage rq = qrt::make_output_requant(rule_of(state), 0.02f, weight_scales.data(),
                                                          weight_scales.size(), 0.05f, -3, qrt::ClampRange{},
                                                          qrt::FixedPointRounding::kSingle);
  qrt::GemmPackParams pack;
  pack.n = s.n;
  pack.k = s.k;
  pack.weights = weights.data();
  pack.bias = bias.data();
  pack.input_zero_point = -5;
  pack.requant = rq.requant;
  std::vector<uint8_t> packed(g.packed_size(pack.requant.rule, s.n, s.k));
  g.pack(g.layout, pack, packed.data());
  const size_t stride = qrt::gemm_scratch_stride(g.layout, s.k);
  std::vector<uint8_t> scratch(stride * threads);
  const qrt::GemmRunParams params = qrt::make_gemm_run_params(pack, m, s.k, s.n);
  Pool pool = make_pool(threads);
  for (auto _ : state) {
    qrt::gemm_run_parallel(g.run, g.layout, params, input.data(), packed.data(), scratch.data(), stride,
                           static_cast<size_t>(threads), output.data(), pool.get());
    benchmark::DoNotOptimize(output.data());
  }
  set_gops(state, double(m) * s.k * s.n);
}

int register_benchmarks() {
  const std::string dw = "dwconv3x3_56x56_144";
  benchmark::RegisterBenchmark((dw + "/depthwise_conv2d_s8_reference/threads:1").c_str(), dw_reference)
      ->ArgName("fp32")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
#ifdef QRT_BENCH_WITH_XNNPACK
  for (int threads : {1, 2}) {
    benchmark::RegisterBenchmark((dw + "/xnnpack_qc8/threads:" + std::to_string(threads)).c_str(),
                                 [threads](benchmark::State& st) { dw_xnnpack(st, threads); })
        ->ArgName("fp32")->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
  }
#endif
  for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "sse41"}) {
    std::string error;
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table == nullptr) continue;
    for (int threads : {1, 2}) {
      const std::string suffix = "/threads:" + std::to_string(threads);
      if (table->dwconv.run != nullptr) {
        const qrt::DwconvKernel* k = &table->dwconv;
        benchmark::RegisterBenchmark((dw + "/" + k->name_3x3 + suffix).c_str(),
                                     [k, threads](benchmark::State& st) { dw_packed(st, *k, false, threads); })
            ->ArgName("fp32")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
        if (k->run_3x3_c4 != nullptr) {
          benchmark::RegisterBenchmark((dw + "/" + k->name_3x3_c4 + suffix).c_str(),
                                       [k, threads](benchmark::State& st) { dw_packed(st, *k, true, threads); })
              ->ArgName("fp32")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
        }
      }
      if (table->gemm.run != nullptr) {
        const qrt::GemmKernel* g = &table->gemm;
        for (const GemmShape& s : kGemmShapes) {
          const GemmShape* shape = &s;
          benchmark::RegisterBenchmark((std::string(s.name) + "/" + g->name + suffix).c_str(),
                                       [g, shape, threads](benchmark::State& st) { gemm_threads(st, *g, *shape, threads); })
              ->ArgName("fp32")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
        }
      }
    }
  }
  return 0;
}

const int kRegistered = register_benchmarks();

}  // namespace
