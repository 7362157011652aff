// BATCH_MATMUL on the packed GEMM kernels (kernels/batch_matmul_s8.h)
// against reference::batch_matmul_s8, byte for byte, with every ISA table
// this CPU has (each skipped when absent): random shapes with broadcast batch
// dimensions, transpose_b both ways, both requantization rules, zero points
// -128 / 127, tiny and huge scales, K = 1, odd M / N / K, and the largest
// accumulators the op admits. The packing of B is also compared with
// gemm_pack for every GEMM layout in the tree, on any CPU.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <pthreadpool.h>

#include "kernels/batch_matmul_s8.h"
#include "kernels/kernel_table.h"

using namespace qrt;

namespace {

struct Shape {
  std::vector<int> a_batch, b_batch;  // right-aligned batch dims of A and B
  int m = 1, k = 1, n = 1;
  bool transpose_b = false;
};

// Reference params for a shape (as transformer_ops.cc derives them).
reference::BatchMatMulParams params_of(const Shape& s) {
  reference::BatchMatMulParams p;
  const size_t rank = std::max(s.a_batch.size(), s.b_batch.size());
  p.batch_rank = static_cast<int>(rank);
  p.m = s.m;
  p.k = s.k;
  p.n = s.n;
  p.transpose_b = s.transpose_b;
  int64_t a_stride = int64_t{s.m} * s.k, b_stride = int64_t{s.k} * s.n;
  for (size_t i = rank; i-- > 0;) {
    const size_t back = rank - i;
    const int da = back <= s.a_batch.size() ? s.a_batch[s.a_batch.size() - back] : 1;
    const int db = back <= s.b_batch.size() ? s.b_batch[s.b_batch.size() - back] : 1;
    p.batch_dims[i] = std::max(da, db);
    p.a_batch_stride[i] = da == 1 ? 0 : a_stride;
    p.b_batch_stride[i] = db == 1 ? 0 : b_stride;
    a_stride *= da;
    b_stride *= db;
  }
  return p;
}

size_t count_of(const std::vector<int>& batch, int rows, int cols) {
  size_t n = static_cast<size_t>(rows) * cols;
  for (int d : batch) n *= static_cast<size_t>(d);
  return n;
}

std::vector<int8_t> random_bytes(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

std::string describe(const Shape& s, const reference::BatchMatMulParams& p) {
  std::ostringstream o;
  o << "A batch [";
  for (int d : s.a_batch) o << d << ",";
  o << "] B batch [";
  for (int d : s.b_batch) o << d << ",";
  o << "] m " << s.m << " k " << s.k << " n " << s.n << " transpose_b " << s.transpose_b << " rule "
    << (p.rule == RequantRule::kFp32 ? "fp32" : "fixedpoint") << " scale " << p.scale << " multiplier "
    << p.multiplier.multiplier << " shift " << p.multiplier.shift << " zp " << p.a_zero_point << "/"
    << p.b_zero_point << "/" << p.output_zero_point;
  return o.str();
}

// Runs one case through the GEMM path of `gemm` and the reference; both
// outputs must be equal byte for byte.
// With `pool`, on its threads with a packed B and an A panel per thread.
void check_case(const GemmKernel& gemm, const Shape& s, reference::BatchMatMulParams p, const std::vector<int8_t>& a,
                const std::vector<int8_t>& b, pthreadpool_t pool = nullptr) {
  INFO(gemm.name << ": " << describe(s, p));
  size_t out_count = static_cast<size_t>(p.m) * p.n;
  for (int d = 0; d < p.batch_rank; ++d) out_count *= static_cast<size_t>(p.batch_dims[d]);
  std::vector<int8_t> expected(out_count), got(out_count, 0x55);
  reference::batch_matmul_s8(p, a.data(), b.data(), expected.data());
  const size_t threads = pool != nullptr ? pthreadpool_get_threads_count(pool) : 1;
  const size_t packed_stride = (batch_matmul_packed_b_size(gemm.layout, p) + 63) / 64 * 64;
  std::vector<uint8_t> packed(threads * packed_stride + 64);
  std::vector<uint8_t> panels(threads * gemm_scratch_stride(gemm.layout, p.k) + 64);
  // The kernels load packed tiles with unaligned loads; align anyway as the op does.
  auto aligned = [](std::vector<uint8_t>& v) {
    return reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(v.data()) + 63) / 64 * 64);
  };
  BatchMatMulScratch scratch;
  scratch.packed_b = aligned(packed);
  scratch.panels = aligned(panels);
  scratch.panel_stride = gemm_scratch_stride(gemm.layout, p.k);
  scratch.panel_count = threads;
  scratch.packed_b_stride = packed_stride;
  scratch.packed_b_count = threads;
  for (size_t i = 0; i < threads; ++i) {
    batch_matmul_init_packed_b(gemm.layout, p, static_cast<uint8_t*>(scratch.packed_b) + i * packed_stride);
  }
  batch_matmul_s8_gemm(gemm.layout, gemm.run, p, a.data(), b.data(), got.data(), scratch, pool);
  REQUIRE(got == expected);
}

const char* const kIsas[] = {"avx512vnni", "avxvnni", "avx2", "sse41", "i8mm", "neondot", "neon"};

// The GEMM of every ISA table this CPU has that packs with gemm_pack.
std::vector<GemmKernel> gemms_or_skip() {
  std::vector<GemmKernel> gemms;
  std::string why = "no GEMM kernel on this CPU";
  for (const char* isa : kIsas) {
    std::string error;
    const KernelTable* table = find_kernel_table(isa, &error);
    if (table != nullptr && table->gemm.run != nullptr && table->gemm.pack == &gemm_pack) {
      gemms.push_back(table->gemm);
    }
  }
  if (gemms.empty()) WARN("skipped: " << why);
  return gemms;
}

// Scales whose ratio exercises the rule: ordinary, tiny (fixedpoint flushes
// the multiplier to 0 below 2^-31; fp32 keeps a denormal-free tiny scale),
// near 1, and huge (fp32 only: fixedpoint refuses a ratio >= 1).
struct Scales {
  float a, b, out;
};
const Scales kScales[] = {
    {0.05f, 0.04f, 0.5f}, {0.02f, 0.03f, 0.0007f}, {1e-6f, 1e-6f, 10.0f}, {0.999f, 0.999f, 1.0f},
    {1e-20f, 1e-20f, 1e-3f}, {1e10f, 1e10f, 1e-10f}, {3.0f, 5.0f, 0.01f}, {0.007f, 0.013f, 0.3f},
};

}  // namespace

TEST_CASE("batch_matmul gemm: B packing equals gemm_pack of B^T for every GEMM layout", "[batch_matmul_gemm]") {
  // Every layout in the tree (x86 and ARM), whatever this CPU runs. (All
  // have NR a multiple of 4, which keeps every tile's int32 bias aligned.)
  const GemmLayout layouts[] = {{8, 32, 4, 128, 1}, {6, 16, 4, 128, 1}, {6, 16, 2, 0, 2, 2}, {4, 16, 2, 0, 2},
                                {4, 8, 2, 0, 2},     {4, 16, 1, 0, 2},  {4, 8, 1, 0, 2},     {4, 16, 4, 0, 1},
                                {8, 8, 8, 0, 1}};
  std::mt19937 rng(11);
  for (const GemmLayout& layout : layouts) {
    for (int trial = 0; trial < 12; ++trial) {
      Shape s;
      s.k = trial == 0 ? 1 : std::uniform_int_distribution<int>(1, 70)(rng);
      s.n = trial == 1 ? 1 : std::uniform_int_distribution<int>(1, 70)(rng);
      s.m = 3;
      s.transpose_b = trial % 2 == 0;
      reference::BatchMatMulParams p = params_of(s);
      p.a_zero_point = trial % 3 == 0 ? -128 : trial % 3 == 1 ? 127 : 5;
      p.b_zero_point = trial % 4 == 0 ? 127 : trial % 4 == 1 ? -128 : -9;
      p.output_zero_point = 3;
      const RequantRule rule = trial % 2 == 1 ? RequantRule::kFp32 : RequantRule::kFixedPoint;
      REQUIRE(reference::init_batch_matmul_requant(rule, 0.05f, 0.04f, 0.5f, &p).empty());
      const std::vector<int8_t> b = random_bytes(static_cast<size_t>(s.k) * s.n, rng);
      // B^T as [N][K], the GEMM's weights.
      std::vector<int8_t> w(b.size());
      for (int n = 0; n < s.n; ++n) {
        for (int k = 0; k < s.k; ++k) {
          w[static_cast<size_t>(n) * s.k + k] =
              s.transpose_b ? b[static_cast<size_t>(n) * s.k + k] : b[static_cast<size_t>(k) * s.n + n];
        }
      }
      const QuantizedMultiplier multiplier = p.multiplier;
      const float scale = p.scale;
      OutputRequant requant;
      requant.rule = rule;
      requant.multipliers = &multiplier;
      requant.scales = &scale;
      requant.zero_point = p.output_zero_point;
      GemmPackParams g;
      g.n = s.n;
      g.k = s.k;
      g.weights = w.data();
      g.input_zero_point = p.a_zero_point;
      g.filter_zero_point = p.b_zero_point;
      g.requant = requant;
      const size_t size = gemm_packed_size(layout, rule, s.n, s.k);
      REQUIRE(batch_matmul_packed_b_size(layout, p) == size);
      std::vector<uint8_t> expected(size), got(size);
      gemm_pack(layout, g, expected.data());
      batch_matmul_init_packed_b(layout, p, got.data());
      // A previous batch's B in the block must not leak into the next one.
      const std::vector<int8_t> other = random_bytes(b.size(), rng);
      batch_matmul_pack_b(layout, p, other.data(), got.data());
      batch_matmul_pack_b(layout, p, b.data(), got.data());
      INFO("layout " << layout.mr << "x" << layout.nr << "c" << layout.kr << " offset " << layout.input_offset
                     << " k " << s.k << " n " << s.n << " transpose_b " << s.transpose_b);
      REQUIRE(got == expected);
    }
  }
}

TEST_CASE("gemm_pack: a layout with int16 weights holds the int8 layout's block, weights widened", "[batch_matmul_gemm]") {
  std::mt19937 rng(12);
  for (RequantRule rule : {RequantRule::kFp32, RequantRule::kFixedPoint}) {
    for (int trial = 0; trial < 20; ++trial) {
      const int n = std::uniform_int_distribution<int>(1, 40)(rng), k = std::uniform_int_distribution<int>(1, 80)(rng);
      const GemmLayout narrow{6, 16, 2, 0, 2, 1}, wide{6, 16, 2, 0, 2, 2};
      const std::vector<int8_t> w = random_bytes(static_cast<size_t>(n) * k, rng);
      std::vector<int32_t> bias(n);
      for (int32_t& b : bias) b = static_cast<int32_t>(rng());
      std::vector<float> scales(n, 0.01f);
      std::vector<QuantizedMultiplier> multipliers(n, QuantizedMultiplier{1 << 30, -3});
      OutputRequant requant;
      requant.rule = rule;
      requant.per_channel = true;
      requant.scales = scales.data();
      requant.multipliers = multipliers.data();
      GemmPackParams g;
      g.n = n;
      g.k = k;
      g.weights = w.data();
      g.bias = bias.data();
      g.input_zero_point = trial % 2 == 0 ? -128 : 127;
      g.filter_zero_point = trial % 3 == 0 ? 0 : -7;
      g.requant = requant;
      std::vector<uint8_t> a(gemm_packed_size(narrow, rule, n, k)), b(gemm_packed_size(wide, rule, n, k));
      gemm_pack(narrow, g, a.data());
      gemm_pack(wide, g, b.data());
      const size_t kp = static_cast<size_t>(gemm_padded_k(narrow, k)), weights = 16 * kp;
      const size_t epilogue = gemm_tile_bytes(narrow, rule, k) - 16 * sizeof(int32_t) - weights;
      REQUIRE(b.size() == a.size() + weights * ((n + 15) / 16));
      INFO("n " << n << " k " << k);
      for (size_t ta = 0, tb = 0; ta < a.size(); ta += gemm_tile_bytes(narrow, rule, k), tb += gemm_tile_bytes(wide, rule, k)) {
        REQUIRE(std::memcmp(&a[ta], &b[tb], 16 * sizeof(int32_t)) == 0);  // bias
        for (size_t i = 0; i < weights; ++i) {
          int16_t wide_value;
          std::memcpy(&wide_value, &b[tb + 64 + 2 * i], sizeof(wide_value));
          REQUIRE(int{wide_value} == int{static_cast<int8_t>(a[ta + 64 + i])});
        }
        REQUIRE(std::memcmp(&a[ta + 64 + weights], &b[tb + 64 + 2 * weights], epilogue) == 0);
      }
    }
  }
}

TEST_CASE("batch_matmul gemm: random shapes, broadcasts, both rules equal the reference on every ISA",
          "[batch_matmul_gemm]") {
  const std::vector<GemmKernel> gemms = gemms_or_skip();
  std::mt19937 rng(2026);
  int ran = 0;
  for (const GemmKernel& gemm : gemms) {
    for (int trial = 0; trial < 120; ++trial) {
      Shape s;
      std::uniform_int_distribution<int> dim(1, 3), rank(0, 3);
      const int batch_rank = rank(rng);
      for (int d = 0; d < batch_rank; ++d) {
        const int extent = dim(rng);
        // Each operand has the extent, or 1 (broadcast), or lacks the leading dims.
        const int which = std::uniform_int_distribution<int>(0, 3)(rng);
        s.a_batch.push_back(which == 1 ? 1 : extent);
        s.b_batch.push_back(which == 2 ? 1 : extent);
      }
      if (batch_rank > 0 && trial % 5 == 0) s.b_batch.erase(s.b_batch.begin());  // B of lower rank
      if (batch_rank > 0 && trial % 7 == 0) s.a_batch.erase(s.a_batch.begin());  // A of lower rank
      std::uniform_int_distribution<int> size(1, 45);
      s.m = trial % 11 == 0 ? 1 : size(rng);
      s.k = trial % 13 == 0 ? 1 : trial % 17 == 0 ? std::uniform_int_distribution<int>(100, 700)(rng) : size(rng);
      s.n = trial % 9 == 0 ? 1 : size(rng);
      s.transpose_b = trial % 2 == 0;
      reference::BatchMatMulParams p = params_of(s);
      const int32_t zps[] = {-128, 127, 0, -5, 33};
      p.a_zero_point = zps[std::uniform_int_distribution<int>(0, 4)(rng)];
      p.b_zero_point = zps[std::uniform_int_distribution<int>(0, 4)(rng)];
      p.output_zero_point = zps[std::uniform_int_distribution<int>(0, 4)(rng)];
      const RequantRule rule = trial % 3 == 0 ? RequantRule::kFixedPoint : RequantRule::kFp32;
      const Scales& sc = kScales[std::uniform_int_distribution<int>(0, 7)(rng)];
      if (!reference::init_batch_matmul_requant(rule, sc.a, sc.b, sc.out, &p).empty()) continue;
      const std::vector<int8_t> a = random_bytes(count_of(s.a_batch, s.m, s.k), rng);
      const std::vector<int8_t> b = random_bytes(count_of(s.b_batch, s.k, s.n), rng);
      check_case(gemm, s, p, a, b);
      ++ran;
    }
  }
  if (!gemms.empty()) REQUIRE(ran > 50 * static_cast<int>(gemms.size()));
}

TEST_CASE("batch_matmul gemm: saturating sums, extreme zero points and every scale equal the reference",
          "[batch_matmul_gemm]") {
  const std::vector<GemmKernel> gemms = gemms_or_skip();
  std::mt19937 rng(5);
  for (const GemmKernel& gemm : gemms) {
    for (const RequantRule rule : {RequantRule::kFp32, RequantRule::kFixedPoint}) {
      for (const Scales& sc : kScales) {
        for (int corner = 0; corner < 4; ++corner) {
          Shape s;
          s.a_batch = {2};
          s.b_batch = {corner == 3 ? 1 : 2};
          s.m = 5;
          s.k = corner == 2 ? 1 : corner == 1 ? 33025 : 37;  // 33025: the largest K the op admits
          s.n = 3;
          s.transpose_b = corner % 2 == 1;
          reference::BatchMatMulParams p = params_of(s);
          if (!reference::init_batch_matmul_requant(rule, sc.a, sc.b, sc.out, &p).empty()) continue;
          // (A - 127) * (B + 128) with A = -128, B = 127: -255 * 255 per product.
          p.a_zero_point = corner == 0 ? -128 : 127;
          p.b_zero_point = corner == 0 ? 127 : -128;
          p.output_zero_point = corner == 0 ? 127 : -128;
          std::vector<int8_t> a(count_of(s.a_batch, s.m, s.k), -128), b(count_of(s.b_batch, s.k, s.n), 127);
          if (corner >= 2) {  // mixed: some extremes, some random
            a = random_bytes(a.size(), rng);
            for (size_t i = 0; i < a.size(); i += 2) a[i] = -128;
          }
          check_case(gemm, s, p, a, b);
        }
      }
    }
  }
}

TEST_CASE("batch_matmul gemm: attention-sized batches on 2 threads equal the reference", "[batch_matmul_gemm]") {
  // 16 heads of 64x32 @ 32x64 (2M multiply-adds in all, each head too small
  // to split: one batch per task), B per head or broadcast over the first
  // dim, and a head big enough that its own rows are split instead.
  const std::vector<GemmKernel> gemms = gemms_or_skip();
  std::unique_ptr<pthreadpool, decltype(&pthreadpool_destroy)> pool(pthreadpool_create(2), pthreadpool_destroy);
  REQUIRE(pool != nullptr);
  std::mt19937 rng(77);
  for (const GemmKernel& gemm : gemms) {
    for (int variant = 0; variant < 3; ++variant) {
      Shape s;
      s.a_batch = variant == 2 ? std::vector<int>{2} : std::vector<int>{2, 8};
      s.b_batch = variant == 1 ? std::vector<int>{1, 8} : s.a_batch;
      s.m = variant == 2 ? 300 : 64;
      s.k = variant == 2 ? 100 : 32;
      s.n = variant == 2 ? 80 : 64;
      s.transpose_b = variant == 1;
      reference::BatchMatMulParams p = params_of(s);
      p.a_zero_point = -128;
      p.b_zero_point = 3;
      p.output_zero_point = 127;
      REQUIRE(reference::init_batch_matmul_requant(RequantRule::kFp32, 0.05f, 0.04f, 0.5f, &p).empty());
      const std::vector<int8_t> a = random_bytes(count_of(s.a_batch, s.m, s.k), rng);
      const std::vector<int8_t> b = random_bytes(count_of(s.b_batch, s.k, s.n), rng);
      check_case(gemm, s, p, a, b, pool.get());
    }
  }
}
