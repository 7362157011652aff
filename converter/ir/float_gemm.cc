#include "converter/ir/float_gemm.h"

#include <algorithm>
#include <vector>

namespace qrt::convert {
namespace {

// Register tile: kTileM rows of A times kTileN columns of B; 32 float
// accumulators fit the 16 registers of baseline x86-64 SSE2 (and half of
// AVX's), so the compiler keeps them in registers.
constexpr int64_t kTileM = 4;
constexpr int64_t kTileN = 8;
// Cache blocks: a kBlockK x kBlockN panel of B (256 KiB) stays in L2 while
// every row tile of A streams past it.
constexpr int64_t kBlockK = 256;
constexpr int64_t kBlockN = 256;

// B[k0.., n0..] as kTileN-wide column panels, each [kc][kTileN], zero-padded past n.
void pack_b(FloatMatrixView b, int64_t k0, int64_t kc, int64_t n0, int64_t nc, float* packed) {
  for (int64_t j0 = 0; j0 < nc; j0 += kTileN) {
    for (int64_t p = 0; p < kc; ++p) {
      const float* row = b.data + (k0 + p) * b.row_stride;
      for (int64_t j = 0; j < kTileN; ++j) {
        const int64_t col = n0 + j0 + j;
        *packed++ = j0 + j < nc ? row[col * b.col_stride] : 0.0f;
      }
    }
  }
}

// A[i0.., k0..] as kTileM-tall row panels, each [kc][kTileM], zero-padded past m.
void pack_a(FloatMatrixView a, int64_t i0, int64_t mc, int64_t k0, int64_t kc, float* packed) {
  for (int64_t r0 = 0; r0 < mc; r0 += kTileM) {
    for (int64_t p = 0; p < kc; ++p) {
      for (int64_t r = 0; r < kTileM; ++r) {
        *packed++ = r0 + r < mc ? a.data[(i0 + r0 + r) * a.row_stride + (k0 + p) * a.col_stride] : 0.0f;
      }
    }
  }
}

// acc[kTileM][kTileN] = sum over p of a_panel[p][r] * b_panel[p][j].
void tile_kernel(int64_t kc, const float* a_panel, const float* b_panel, float acc[kTileM][kTileN]) {
  for (int64_t r = 0; r < kTileM; ++r) {
    for (int64_t j = 0; j < kTileN; ++j) acc[r][j] = 0.0f;
  }
  for (int64_t p = 0; p < kc; ++p) {
    const float* bp = b_panel + p * kTileN;
    const float* ap = a_panel + p * kTileM;
    for (int64_t r = 0; r < kTileM; ++r) {
      const float av = ap[r];
      for (int64_t j = 0; j < kTileN; ++j) acc[r][j] += av * bp[j];
    }
  }
}

}  // namespace

void float_gemm(int64_t m, int64_t n, int64_t k, FloatMatrixView a, FloatMatrixView b, float* c, int64_t ldc,
                bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (!accumulate) {
    for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
  }
  if (k <= 0) return;
  const int64_t round_m = (m + kTileM - 1) / kTileM * kTileM;
  std::vector<float> b_packed(static_cast<size_t>(kBlockK * (kBlockN + kTileN)));
  std::vector<float> a_packed(static_cast<size_t>(kBlockK * round_m));
  for (int64_t k0 = 0; k0 < k; k0 += kBlockK) {
    const int64_t kc = std::min(kBlockK, k - k0);
    pack_a(a, 0, m, k0, kc, a_packed.data());
    for (int64_t n0 = 0; n0 < n; n0 += kBlockN) {
      const int64_t nc = std::min(kBlockN, n - n0);
      pack_b(b, k0, kc, n0, nc, b_packed.data());
      for (int64_t j0 = 0; j0 < nc; j0 += kTileN) {
        const float* b_panel = b_packed.data() + (j0 / kTileN) * kc * kTileN;
        const int64_t cols = std::min(kTileN, nc - j0);
        for (int64_t i0 = 0; i0 < m; i0 += kTileM) {
          float acc[kTileM][kTileN];
          tile_kernel(kc, a_packed.data() + (i0 / kTileM) * kc * kTileM, b_panel, acc);
          const int64_t rows = std::min(kTileM, m - i0);
          for (int64_t r = 0; r < rows; ++r) {
            float* out = c + (i0 + r) * ldc + n0 + j0;
            for (int64_t j = 0; j < cols; ++j) out[j] += acc[r][j];
          }
        }
      }
    }
  }
}

}  // namespace qrt::convert
