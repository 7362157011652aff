// The small-channel direct convolution (kernels/conv_smallcin_s8.h) next to
// the IGEMM of the same table (kernels/conv_s8.h) on the shapes the
// small-channel slot takes: the MobileNet and ResNet stems at 224x224 and a
// grid of 1 to 4 input channels, square kernels 1 to 7, strides 1 and 2,
// dilation 1 and 2 and 8 to 128 output channels on a 56x56 image (SAME
// padding, batch 1, 1 thread, the fp32 rule, per-channel weights). Each ISA
// this CPU has with a small-channel kernel is registered as
// conv_smallcin/<shape>/<kernel name>, its IGEMM as
// conv_smallcin/<shape>/<IGEMM name>, whatever the slot's own check
// (ConvSmallCinKernel::takes) says, so the two can be compared where it
// refuses too. Packing happens once, outside the timed loop.
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kernels/kernel_table.h"

namespace {

struct SmallCinShape {
  int size, channels, kernel, stride, dilation, outputs;

  std::string name() const {
    return "conv" + std::to_string(kernel) + "x" + std::to_string(kernel) + "s" + std::to_string(stride) +
           (dilation > 1 ? "d" + std::to_string(dilation) : std::string()) + "_" + std::to_string(size) + "x" +
           std::to_string(size) + "_" + std::to_string(channels) + "x" + std::to_string(outputs);
  }
};

std::vector<SmallCinShape> shapes() {
  std::vector<SmallCinShape> s = {{224, 3, 3, 2, 1, 32}, {224, 3, 7, 2, 1, 64}};
  for (int channels = 1; channels <= 4; ++channels) {
    for (int kernel : {1, 2, 3, 5, 7}) {
      for (int stride : {1, 2}) {
        for (int outputs : {8, 16, 24, 32, 64}) s.push_back({56, channels, kernel, stride, 1, outputs});
      }
    }
    for (int kernel : {3, 5}) s.push_back({56, channels, kernel, 1, 2, 16});
    for (int kernel : {3, 5, 7}) s.push_back({56, channels, kernel, 2, 1, 128});
  }
  return s;
}

std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

// SAME padding (TensorFlow's split).
qrt::reference::Conv2DParams conv_params(const SmallCinShape& s) {
  qrt::reference::Conv2DParams p;
  p.input_height = p.input_width = s.size;
  p.input_channels = s.channels;
  p.output_channels = s.outputs;
  p.kernel_height = p.kernel_width = s.kernel;
  p.stride_height = p.stride_width = s.stride;
  p.dilation_height = p.dilation_width = s.dilation;
  p.output_height = p.output_width = (s.size + s.stride - 1) / s.stride;
  const int extent = (s.kernel - 1) * s.dilation + 1;
  const int total = std::max((p.output_height - 1) * s.stride + extent - s.size, 0);
  p.pad_top = p.pad_left = total / 2;
  p.input_zero_point = -3;
  return p;
}

struct Layer {
  qrt::reference::Conv2DParams p;
  std::vector<int8_t> input, weights, output;
  std::vector<int32_t> bias;
  qrt::OutputRequantStorage rq;
  qrt::GemmPackParams pack;

  explicit Layer(const SmallCinShape& s) : p(conv_params(s)) {
    const int k = s.kernel * s.kernel * s.channels;
    input = random_s8(size_t(s.size) * s.size * s.channels, 1);
    weights = random_s8(size_t(s.outputs) * k, 2);
    output.resize(size_t(p.output_height) * p.output_width * s.outputs);
    bias.assign(s.outputs, 100);
    std::vector<float> weight_scales(s.outputs, 0.002f);
    rq = qrt::make_output_requant(qrt::RequantRule::kFp32, 0.02f, weight_scales.data(), weight_scales.size(), 0.05f,
                                  -3, qrt::ClampRange{}, qrt::FixedPointRounding::kSingle);
    p.requant = rq.requant;
    pack.n = s.outputs;
    pack.k = k;
    pack.weights = weights.data();
    pack.bias = bias.data();
    pack.input_zero_point = p.input_zero_point;
    pack.requant = rq.requant;
  }

  void count(benchmark::State& state) const {
    const double multiply_adds = double(output.size()) * pack.k;
    state.counters["GOPS"] = benchmark::Counter(2.0 * multiply_adds, benchmark::Counter::kIsIterationInvariantRate,
                                                benchmark::Counter::kIs1000);
  }
};

void run_smallcin(benchmark::State& state, const qrt::ConvSmallCinKernel& kernel, const SmallCinShape& s) {
  Layer l(s);
  const qrt::ConvSmallCinRunParams r = qrt::make_conv_smallcin_run_params(l.p);
  std::vector<uint8_t> packed(kernel.packed_size(r));
  kernel.pack(r, l.pack, packed.data());
  std::vector<uint8_t> scratch(kernel.scratch_stride(r));
  for (auto _ : state) {
    qrt::conv_smallcin_run_parallel(kernel.run, r, l.input.data(), packed.data(), scratch.data(), scratch.size(), 1,
                                    l.output.data(), nullptr);
    benchmark::DoNotOptimize(l.output.data());
  }
  l.count(state);
}

void run_igemm(benchmark::State& state, const qrt::ConvKernel& kernel, const SmallCinShape& s) {
  Layer l(s);
  std::vector<uint8_t> packed(kernel.packed_size(qrt::RequantRule::kFp32, l.pack.n, l.pack.k));
  kernel.pack(kernel.layout, l.pack, packed.data());
  std::vector<int32_t> offsets(qrt::conv_indirection_size(l.p));
  qrt::conv_build_indirection(l.p, offsets.data());
  const std::vector<int8_t> zero_row(s.channels, static_cast<int8_t>(l.p.input_zero_point));
  qrt::IgemmRunParams r;
  r.gemm = qrt::make_gemm_run_params(l.pack, l.output.size() / s.outputs, 0, static_cast<size_t>(s.outputs));
  r.taps = s.kernel * s.kernel;
  r.channels = s.channels;
  r.offsets = offsets.data();
  r.zero_row = zero_row.data();
  const size_t stride = qrt::gemm_scratch_stride(kernel.layout, l.pack.k);
  std::vector<uint8_t> scratch(stride);
  for (auto _ : state) {
    qrt::igemm_run_parallel(kernel.run, kernel.layout, r, l.input.data(), packed.data(), scratch.data(), stride, 1,
                            l.output.data(), nullptr);
    benchmark::DoNotOptimize(l.output.data());
  }
  l.count(state);
}

const int kRegistered = [] {
  for (const char* isa : {"avx2", "avxvnni", "avx512vnni"}) {
    std::string error;
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table == nullptr || table->conv_smallcin.run == nullptr || table->conv.run == nullptr) continue;
    for (const SmallCinShape& s : shapes()) {
      const std::string prefix = "conv_smallcin/" + s.name() + "/";
      benchmark::RegisterBenchmark((prefix + table->conv_smallcin.name).c_str(),
                                   [table, s](benchmark::State& state) { run_smallcin(state, table->conv_smallcin, s); });
      benchmark::RegisterBenchmark((prefix + table->conv.name).c_str(),
                                   [table, s](benchmark::State& state) { run_igemm(state, table->conv, s); });
    }
  }
  return 0;
}();

}  // namespace
