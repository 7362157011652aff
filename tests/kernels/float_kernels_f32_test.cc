// The vectorised float32 kernels of every table this CPU runs (x86 FMA3 /
// AVX, ARM NEON) against independent oracles:
//  - GEMM (FULLY_CONNECTED), indirect GEMM (CONV_2D) and depthwise: a sum in
//    double, with the float32 tolerance of kernels/README.md: |got - exact|
//    <= gamma(K + 2) * (|bias| + sum |x * w|) + (K + 2) * FLT_MIN, gamma(n) =
//    n u / (1 - n u), u = 2^-24 (the error bound of float32 recursive
//    summation, fused or not; the FLT_MIN term covers ARMv7 NEON's flush of
//    subnormals to zero). The reference kernels are held to the same bound.
//  - binary ADD / SUB / MUL and RELU / RELU6 / LEAKY_RELU: equal to the
//    reference kernels as values (NaN for NaN; ARMv7: within FLT_MIN, or
//    ADD / SUB / MUL equal to the reference on inputs and result with
//    subnormals flushed to zero, as its NEON computes);
//    HARD_SWISH within 3 * FLT_EPSILON relative.
// Random shapes around the tile sizes (rows below / at / past MR, columns
// past NR, K = 0 and 1, odd channel counts, 1x1 images, all padding) plus
// special values (NaN, infinities, -0, subnormals) for the elementwise ops.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/gemm_f32.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/conv2d_f32.h"
#include "kernels/reference/fully_connected_f32.h"

namespace qrt {
namespace {

int case_count(int fallback) {
  const char* env = std::getenv("QRT_ARM_TEST_CASES");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

// One table per distinct set of vectorised float32 kernels this build and
// CPU offer (the avx2, avxvnni and avx512vnni tables share theirs).
std::vector<const KernelTable*> float_tables() {
  std::vector<const KernelTable*> tables;
  for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "sse41", "i8mm", "neondot", "neon"}) {
    std::string error;
    const KernelTable* t = find_kernel_table(isa, &error);
    if (t == nullptr || t->gemm_f32.run == nullptr) continue;
    bool seen = false;
    for (const KernelTable* u : tables) {
      seen = seen || (u->gemm_f32.run == t->gemm_f32.run && u->dwconv_f32.run == t->dwconv_f32.run &&
                      u->vbinary_f32.run == t->vbinary_f32.run && u->vunary_f32.run == t->vunary_f32.run);
    }
    if (!seen) tables.push_back(t);
  }
  if (tables.empty()) WARN("skipped: no table of this build and CPU has vectorised float32 kernels");
  return tables;
}

std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

int draw(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

reference::ClampF32 random_clamp(std::mt19937& rng) {
  switch (draw(rng, 0, 3)) {
    case 0: return reference::activation_range_f32(FusedActivation::kRelu);
    case 1: return reference::activation_range_f32(FusedActivation::kRelu6);
    case 2: return reference::activation_range_f32(FusedActivation::kReluN1To1);
    default: return reference::ClampF32{};
  }
}

// The float32 tolerance (kernels/README.md) of a sum of `terms` values.
double tolerance(size_t terms, double magnitude) {
  const double u = std::ldexp(1.0, -24);
  const double n = static_cast<double>(terms);
  return n * u / (1.0 - n * u) * magnitude + n * FLT_MIN;
}

void check_within(const std::vector<float>& got, const std::vector<double>& exact, const std::vector<double>& magnitude,
                  size_t terms, const reference::ClampF32& clamp, const std::string& what) {
  REQUIRE(got.size() == exact.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const double want = std::min<double>(std::max<double>(exact[i], clamp.min), clamp.max);
    const double bound = tolerance(terms, magnitude[i]);
    if (std::fabs(got[i] - want) > bound) {
      FAIL(what << ": element " << i << " is " << got[i] << ", exact " << want << ", bound " << bound);
    }
  }
}

// FULLY_CONNECTED: y[m][n] = bias[n] + sum_k x[m][k] w[n][k] in double.
void fc_oracle(int m, int n, int k, const std::vector<float>& x, const std::vector<float>& w,
               const std::vector<float>& bias, std::vector<double>* y, std::vector<double>* magnitude) {
  y->assign(static_cast<size_t>(m) * n, 0.0);
  magnitude->assign(y->size(), 0.0);
  for (int r = 0; r < m; ++r) {
    for (int c = 0; c < n; ++c) {
      double acc = bias[c], mag = std::fabs(bias[c]);
      for (int i = 0; i < k; ++i) {
        const double term = double(x[static_cast<size_t>(r) * k + i]) * w[static_cast<size_t>(c) * k + i];
        acc += term;
        mag += std::fabs(term);
      }
      (*y)[static_cast<size_t>(r) * n + c] = acc;
      (*magnitude)[static_cast<size_t>(r) * n + c] = mag;
    }
  }
}

void check_gemm(const KernelTable& table, int cases, uint32_t seed) {
  std::mt19937 rng(seed);
  const GemmF32Kernel& kernel = table.gemm_f32;
  for (int c = 0; c < cases; ++c) {
    const int m = draw(rng, 1, 3 * kernel.mr + 1);
    const int n = draw(rng, 1, 3 * kernel.nr + 3);
    const int k = c == 0 ? 0 : (c == 1 ? 1 : draw(rng, 1, 300));
    const float range = c % 5 == 0 ? 1e3f : 1.0f;  // large sums now and then
    const std::vector<float> x = random_floats(rng, static_cast<size_t>(m) * k, -range, range);
    const std::vector<float> w = random_floats(rng, static_cast<size_t>(n) * k);
    const std::vector<float> bias = random_floats(rng, static_cast<size_t>(n), -range, range);
    const reference::ClampF32 clamp = random_clamp(rng);
    std::vector<float> packed(gemm_f32_packed_size(kernel.nr, n, k));
    gemm_f32_pack(kernel.nr, n, k, w.data(), bias.data(), packed.data());
    // A wider output row than n: the kernel must not write past its columns.
    const size_t c_stride = static_cast<size_t>(n) + 3;
    std::vector<float> y(static_cast<size_t>(m) * c_stride, 12345.0f);
    gemm_f32_run(kernel, static_cast<size_t>(m), n, k, x.data(), static_cast<size_t>(k), packed.data(), y.data(),
                 c_stride, clamp);
    std::vector<float> got, ref(static_cast<size_t>(m) * n);
    for (int r = 0; r < m; ++r) {
      for (size_t j = 0; j < c_stride; ++j) {
        const float v = y[static_cast<size_t>(r) * c_stride + j];
        if (j < static_cast<size_t>(n))
          got.push_back(v);
        else
          REQUIRE(v == 12345.0f);
      }
    }
    std::vector<double> exact, magnitude;
    fc_oracle(m, n, k, x, w, bias, &exact, &magnitude);
    const std::string what =
        std::string(kernel.name) + " M=" + std::to_string(m) + " N=" + std::to_string(n) + " K=" + std::to_string(k);
    check_within(got, exact, magnitude, static_cast<size_t>(k) + 2, clamp, what);
    reference::FullyConnectedF32Params rp;
    rp.batch = m, rp.input_depth = k, rp.output_depth = n, rp.clamp = clamp;
    reference::fully_connected_f32(rp, x.data(), w.data(), bias.data(), ref.data());
    check_within(ref, exact, magnitude, static_cast<size_t>(k) + 2, clamp, "fully_connected_f32_reference");
  }
}

// A convolution through the indirect GEMM, as runtime/ops/float_compute_ops.cc
// drives it, against the reference conv's double-precision oracle.
void check_igemm(const KernelTable& table, int cases, uint32_t seed) {
  std::mt19937 rng(seed);
  const GemmF32Kernel& kernel = table.gemm_f32;
  for (int c = 0; c < cases; ++c) {
    reference::Conv2DF32Params p;
    p.batch = draw(rng, 1, 2);
    p.input_height = draw(rng, 1, 9);
    p.input_width = draw(rng, 1, 9);
    p.input_channels = draw(rng, 1, 19);
    p.output_channels = draw(rng, 1, 2 * kernel.nr + 5);
    p.kernel_height = draw(rng, 1, 3);
    p.kernel_width = draw(rng, 1, 3);
    p.stride_height = draw(rng, 1, 2);
    p.stride_width = draw(rng, 1, 2);
    p.dilation_height = draw(rng, 1, 2);
    p.dilation_width = draw(rng, 1, 2);
    p.pad_top = draw(rng, 0, 2);
    p.pad_left = draw(rng, 0, 2);
    const int span_h = (p.kernel_height - 1) * p.dilation_height + 1;
    const int span_w = (p.kernel_width - 1) * p.dilation_width + 1;
    p.output_height = std::max(1, (p.input_height + 2 * p.pad_top - span_h) / p.stride_height + 1);
    p.output_width = std::max(1, (p.input_width + 2 * p.pad_left - span_w) / p.stride_width + 1);
    p.clamp = random_clamp(rng);
    const size_t taps = static_cast<size_t>(p.kernel_height) * p.kernel_width;
    const int k = static_cast<int>(taps) * p.input_channels;
    const std::vector<float> x =
        random_floats(rng, static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.input_channels);
    const std::vector<float> w = random_floats(rng, static_cast<size_t>(p.output_channels) * k);
    const std::vector<float> bias = random_floats(rng, static_cast<size_t>(p.output_channels));
    std::vector<float> packed(gemm_f32_packed_size(kernel.nr, p.output_channels, k));
    gemm_f32_pack(kernel.nr, p.output_channels, k, w.data(), bias.data(), packed.data());
    std::vector<int64_t> offsets;
    for (int b = 0; b < p.batch; ++b)
      for (int oy = 0; oy < p.output_height; ++oy)
        for (int ox = 0; ox < p.output_width; ++ox)
          for (int ky = 0; ky < p.kernel_height; ++ky)
            for (int kx = 0; kx < p.kernel_width; ++kx) {
              const int iy = oy * p.stride_height - p.pad_top + ky * p.dilation_height;
              const int ix = ox * p.stride_width - p.pad_left + kx * p.dilation_width;
              const bool inside = iy >= 0 && iy < p.input_height && ix >= 0 && ix < p.input_width;
              offsets.push_back(inside ? ((int64_t{b} * p.input_height + iy) * p.input_width + ix) * p.input_channels
                                       : -1);
            }
    const std::vector<float> zero(static_cast<size_t>(p.input_channels), 0.0f);
    std::vector<const float*> pointers(static_cast<size_t>(kernel.mr) * taps);
    const size_t pixels = static_cast<size_t>(p.batch) * p.output_height * p.output_width;
    std::vector<float> got(pixels * p.output_channels), ref(got.size());
    igemm_f32_run(kernel, pixels, p.output_channels, static_cast<size_t>(p.input_channels), taps, offsets.data(),
                  x.data(), zero.data(), packed.data(), got.data(), static_cast<size_t>(p.output_channels), p.clamp,
                  pointers.data());
    reference::conv2d_f32(p, x.data(), w.data(), bias.data(), ref.data());
    // Oracle: every in-image tap in double.
    std::vector<double> exact(got.size()), magnitude(got.size());
    for (size_t pix = 0; pix < pixels; ++pix) {
      for (int oc = 0; oc < p.output_channels; ++oc) {
        double acc = bias[oc], mag = std::fabs(bias[oc]);
        for (size_t t = 0; t < taps; ++t) {
          const int64_t offset = offsets[pix * taps + t];
          if (offset < 0) continue;
          for (int ic = 0; ic < p.input_channels; ++ic) {
            const double term = double(x[offset + ic]) * w[static_cast<size_t>(oc) * k + t * p.input_channels + ic];
            acc += term;
            mag += std::fabs(term);
          }
        }
        exact[pix * p.output_channels + oc] = acc;
        magnitude[pix * p.output_channels + oc] = mag;
      }
    }
    const std::string what = std::string(kernel.name) + " indirect, " + std::to_string(p.input_height) + "x" +
                             std::to_string(p.input_width) + "x" + std::to_string(p.input_channels) + " -> " +
                             std::to_string(p.output_channels) + ", kernel " + std::to_string(p.kernel_height) + "x" +
                             std::to_string(p.kernel_width);
    check_within(got, exact, magnitude, static_cast<size_t>(k) + 2, p.clamp, what);
    check_within(ref, exact, magnitude, static_cast<size_t>(k) + 2, p.clamp, "conv2d_f32_reference");
  }
}

void check_dwconv(const KernelTable& table, int cases, uint32_t seed) {
  std::mt19937 rng(seed);
  REQUIRE(table.dwconv_f32.run != nullptr);
  for (int c = 0; c < cases; ++c) {
    reference::DepthwiseConv2DF32Params p;
    p.batch = draw(rng, 1, 2);
    p.input_height = draw(rng, 1, 8);
    p.input_width = draw(rng, 1, 8);
    p.input_channels = draw(rng, 1, 37);
    p.kernel_height = draw(rng, 1, 5);
    p.kernel_width = draw(rng, 1, 5);
    p.stride_height = draw(rng, 1, 2);
    p.stride_width = draw(rng, 1, 2);
    p.dilation_height = draw(rng, 1, 2);
    p.dilation_width = draw(rng, 1, 2);
    p.pad_top = draw(rng, 0, 3);
    p.pad_left = draw(rng, 0, 3);
    p.output_height = draw(rng, 1, 6);
    p.output_width = draw(rng, 1, 6);
    p.clamp = random_clamp(rng);
    const size_t channels = static_cast<size_t>(p.input_channels);
    const std::vector<float> x =
        random_floats(rng, static_cast<size_t>(p.batch) * p.input_height * p.input_width * channels, -4.0f, 4.0f);
    const std::vector<float> w = random_floats(rng, static_cast<size_t>(p.kernel_height) * p.kernel_width * channels);
    const std::vector<float> bias = random_floats(rng, channels);
    const bool with_bias = c % 3 != 0;
    const size_t count = static_cast<size_t>(p.batch) * p.output_height * p.output_width * channels;
    std::vector<float> got(count), ref(count);
    table.dwconv_f32.run(p, x.data(), w.data(), with_bias ? bias.data() : nullptr, got.data());
    reference::depthwise_conv2d_f32(p, x.data(), w.data(), with_bias ? bias.data() : nullptr, ref.data());
    std::vector<double> exact(count), magnitude(count);
    size_t o = 0;
    for (int b = 0; b < p.batch; ++b)
      for (int oy = 0; oy < p.output_height; ++oy)
        for (int ox = 0; ox < p.output_width; ++ox)
          for (size_t ch = 0; ch < channels; ++ch, ++o) {
            double acc = with_bias ? bias[ch] : 0.0, mag = std::fabs(acc);
            for (int ky = 0; ky < p.kernel_height; ++ky)
              for (int kx = 0; kx < p.kernel_width; ++kx) {
                const int iy = oy * p.stride_height - p.pad_top + ky * p.dilation_height;
                const int ix = ox * p.stride_width - p.pad_left + kx * p.dilation_width;
                if (iy < 0 || iy >= p.input_height || ix < 0 || ix >= p.input_width) continue;
                const double term =
                    double(x[((static_cast<size_t>(b) * p.input_height + iy) * p.input_width + ix) * channels + ch]) *
                    w[(static_cast<size_t>(ky) * p.kernel_width + kx) * channels + ch];
                acc += term;
                mag += std::fabs(term);
              }
            exact[o] = acc;
            magnitude[o] = mag;
          }
    const size_t terms = static_cast<size_t>(p.kernel_height) * p.kernel_width + 2;
    check_within(got, exact, magnitude, terms, p.clamp,
                 std::string(table.dwconv_f32.name) + " C=" + std::to_string(channels));
    check_within(ref, exact, magnitude, terms, p.clamp, "depthwise_conv2d_f32_reference");
  }
}

// Values with the awkward cases mixed in.
std::vector<float> special_floats(std::mt19937& rng, size_t n) {
  const float special[] = {0.0f,    -0.0f,    INFINITY, -INFINITY, NAN,  FLT_MIN / 4, -FLT_MIN / 8,
                           FLT_MAX, -FLT_MAX, -3.0f,    3.0f,      6.0f, -6.0f,       1e-20f};
  std::vector<float> v = random_floats(rng, n, -8.0f, 8.0f);
  for (float& x : v) {
    if (draw(rng, 0, 5) == 0) x = special[draw(rng, 0, sizeof(special) / sizeof(special[0]) - 1)];
  }
  return v;
}

// Subnormals replaced by a zero of the same sign, as ARMv7 NEON computes.
[[maybe_unused]] std::vector<float> flushed(std::vector<float> v) {
  for (float& x : v) {
    if (std::fpclassify(x) == FP_SUBNORMAL) x = std::copysign(0.0f, x);
  }
  return v;
}

bool same_value(float got, float want) {
  if (std::isnan(want)) return std::isnan(got);
#if defined(__arm__)
  return std::fabs(got - want) <= FLT_MIN || got == want;  // ARMv7 NEON flushes subnormals
#else
  return got == want;
#endif
}

void check_vbinary(const KernelTable& table, int cases, uint32_t seed) {
  std::mt19937 rng(seed);
  REQUIRE(table.vbinary_f32.run != nullptr);
  const reference::BinaryOpF32 ops[] = {reference::BinaryOpF32::kAdd, reference::BinaryOpF32::kSub,
                                        reference::BinaryOpF32::kMul};
  for (int c = 0; c < cases; ++c) {
    VBinaryF32Params p;
    p.op = ops[c % 3];
    p.count = static_cast<size_t>(draw(rng, 0, 70));
    p.scalar_b = c % 4 == 3;
    p.clamp = random_clamp(rng);
    const std::vector<float> a = special_floats(rng, p.count);
    const std::vector<float> b = special_floats(rng, p.scalar_b ? 1 : p.count);
    std::vector<float> got(p.count + 1, 777.0f), want(p.count);
    table.vbinary_f32.run(p, a.data(), b.data(), got.data());
    reference::BinaryF32Params rp;
    rp.op = p.op;
    rp.clamp = p.clamp;
    const int32_t shape_a[1] = {static_cast<int32_t>(p.count)}, shape_b[1] = {p.scalar_b ? 1 : shape_a[0]};
    REQUIRE(
        reference::broadcast_shapes(shape_a, 1, shape_b, 1, &rp.shapes.input1, &rp.shapes.input2, &rp.shapes.output));
    if (p.count != 0) reference::binary_elementwise_f32(rp, a.data(), b.data(), want.data());
    // ARMv7 NEON flushes subnormal inputs and results to zero: there the
    // kernel must equal the reference on flushed inputs, result flushed.
    std::vector<float> want_flushed = want;
#if defined(__arm__)
    if (p.count != 0) {
      const std::vector<float> a_flushed = flushed(a), b_flushed = flushed(b);
      reference::binary_elementwise_f32(rp, a_flushed.data(), b_flushed.data(), want_flushed.data());
      want_flushed = flushed(want_flushed);
    }
#endif
    CHECK(got[p.count] == 777.0f);  // nothing written past the end
    for (size_t i = 0; i < p.count; ++i) {
      if (!same_value(got[i], want[i]) && !same_value(got[i], want_flushed[i])) {
        FAIL(table.vbinary_f32.name << " op " << int(p.op) << " element " << i << ": " << a[i] << ", "
                                    << b[p.scalar_b ? 0 : i] << " -> " << got[i] << ", reference " << want[i]);
      }
    }
  }
}

void check_vunary(const KernelTable& table, int cases, uint32_t seed) {
  std::mt19937 rng(seed);
  REQUIRE(table.vunary_f32.run != nullptr);
  const reference::UnaryOpF32 ops[] = {reference::UnaryOpF32::kRelu, reference::UnaryOpF32::kRelu6,
                                       reference::UnaryOpF32::kLeakyRelu, reference::UnaryOpF32::kHardSwish};
  for (int c = 0; c < cases; ++c) {
    reference::UnaryF32Params p;
    p.op = ops[c % 4];
    REQUIRE(unary_f32_has_vector_form(p.op));
    p.alpha = c % 8 == 2 ? 0.1f : 0.01f;
    const size_t count = static_cast<size_t>(draw(rng, 0, 70));
    const std::vector<float> x = special_floats(rng, count);
    std::vector<float> got(count + 1, 777.0f), want(count);
    table.vunary_f32.run(p, x.data(), got.data(), count);
    reference::unary_f32(p, x.data(), want.data(), count);
    CHECK(got[count] == 777.0f);
    for (size_t i = 0; i < count; ++i) {
      bool ok = same_value(got[i], want[i]);
      if (!ok && p.op == reference::UnaryOpF32::kHardSwish && std::isfinite(want[i])) {
        ok = std::fabs(double(got[i]) - want[i]) <= 3.0 * FLT_EPSILON * std::fabs(want[i]) + FLT_MIN;
      }
      if (!ok) {
        FAIL(table.vunary_f32.name << " op " << int(p.op) << " x " << x[i] << " -> " << got[i] << ", reference "
                                   << want[i]);
      }
    }
  }
}

}  // namespace

TEST_CASE("float32 kernels: GEMM tiles keep the float32 tolerance against a double sum", "[float_kernels]") {
  for (const KernelTable* t : float_tables()) check_gemm(*t, case_count(150), 11);
}

TEST_CASE("float32 kernels: indirect GEMM convolutions keep the float32 tolerance", "[float_kernels]") {
  for (const KernelTable* t : float_tables()) check_igemm(*t, case_count(80), 12);
}

TEST_CASE("float32 kernels: depthwise keeps the float32 tolerance", "[float_kernels]") {
  for (const KernelTable* t : float_tables()) check_dwconv(*t, case_count(120), 13);
}

TEST_CASE("float32 kernels: vector ADD / SUB / MUL equal the reference as values", "[float_kernels]") {
  for (const KernelTable* t : float_tables()) check_vbinary(*t, case_count(300), 14);
}

TEST_CASE("float32 kernels: vector RELU / RELU6 / LEAKY_RELU equal the reference, HARD_SWISH within 3 eps",
          "[float_kernels]") {
  for (const KernelTable* t : float_tables()) check_vunary(*t, case_count(300), 15);
}

TEST_CASE("float32 kernels: the reference table has no vectorised float32 slot", "[float_kernels]") {
  std::string error;
  const KernelTable* reference = find_kernel_table("reference", &error);
  REQUIRE(reference != nullptr);
  CHECK(reference->gemm_f32.run == nullptr);
  CHECK(reference->dwconv_f32.run == nullptr);
  CHECK(reference->vbinary_f32.run == nullptr);
  CHECK(reference->vunary_f32.run == nullptr);
}

}  // namespace qrt
