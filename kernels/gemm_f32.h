// The packed float32 GEMM interface of the float path (mixed-precision
// models keep layers in float32): FULLY_CONNECTED, 1x1 CONV_2D as a plain
// GEMM, and every other ungrouped CONV_2D as an indirect GEMM.
//   C[m][n] = clamp(bias[n] + sum over k of A[m][k] * W[n][k])
// The sum runs in increasing k, as in the reference kernels
// (reference/fully_connected_f32.h, conv2d_f32.h: ky, kx, ic), but a
// vectorised kernel may fuse each multiply-add (FMA) where the reference
// rounds twice, so results are NOT bit-exact: every float32 kernel stays
// within the error bound of recursive summation (kernels/README.md, "float32
// tolerance"), which the tests check against a double-precision sum.
//
// Weights are packed once, at prepare: per NR-column panel
//   float bias[NR] | float W[K][NR]
// with zeros in the columns past N. A micro-kernel computes an mr x nc tile
// (mr <= MR, nc <= NR) from `ks` taps of `kc` floats each: for tap t and row
// r it reads kc contiguous floats at a[t * MR + r]. A plain GEMM has one tap
// (the rows of A); the indirect GEMM points each tap at the input pixel it
// reads, or at a buffer of zeros for a tap in the padding.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/activation_f32.h"
#include "kernels/reference/conv2d_f32.h"

typedef struct pthreadpool* pthreadpool_t;  // as <pthreadpool.h> declares it

namespace qrt {

// The largest MR of any float32 GEMM kernel.
constexpr int kGemmF32MaxMr = 8;

// mr <= MR rows, nc <= NR columns; rows at and past mr may repeat row mr - 1
// (they are read, never written). c_stride in floats.
using GemmF32UkernelFn = void(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* packed,
                              float* c, size_t c_stride, const reference::ClampF32& clamp);

// A float32 GEMM micro-kernel and its tile. run == nullptr: the table has
// none and the ops use their reference kernels.
struct GemmF32Kernel {
  const char* name = nullptr;
  int mr = 1;
  int nr = 1;
  GemmF32UkernelFn* run = nullptr;
};

// Floats in the packed block of n output channels over k inputs.
size_t gemm_f32_packed_size(int nr, int n, int k);
// weights [n][k] (row k contiguous: FULLY_CONNECTED's and OHWI CONV_2D's
// layout), bias [n] or nullptr.
void gemm_f32_pack(int nr, int n, int k, const float* weights, const float* bias, float* packed);

// C [m][n] (row stride c_stride) from A [m][k] (row stride a_stride).
// threadpool (may be nullptr): tiles of rows, or for few rows (batch-1
// FULLY_CONNECTED) the column panels, split over its threads.
void gemm_f32_run(const GemmF32Kernel& kernel, size_t m, int n, int k, const float* a, size_t a_stride,
                  const float* packed, float* c, size_t c_stride, const reference::ClampF32& clamp,
                  pthreadpool_t threadpool = nullptr);

// The indirect GEMM of a convolution: m output pixels, each reading `ks`
// taps of `kc` input channels. offsets[m * ks]: per pixel and tap the float
// offset of the tap's first channel in `input`, or -1 for a tap in the
// padding, which reads `zero` (kc zeros). C is [m][n], row stride c_stride.
// pointers: scratch for `slots` runs of MR * ks pointers, allocated at
// prepare; tiles of rows are split over min(threads, slots) tasks.
// The op's summation order is the reference's (taps in ky, kx order, then
// channels); a tap in the padding adds kc products with 0.
void igemm_f32_run(const GemmF32Kernel& kernel, size_t m, int n, size_t kc, size_t ks, const int64_t* offsets,
                   const float* input, const float* zero, const float* packed, float* c, size_t c_stride,
                   const reference::ClampF32& clamp, const float** pointers, size_t slots = 1,
                   pthreadpool_t threadpool = nullptr);

// The offsets igemm_f32_run reads for an ungrouped convolution: per output
// pixel (b, oy, ox) and tap (ky, kx), `batch * output_height * output_width
// * kernel_height * kernel_width` values, built once at prepare.
void igemm_f32_build_offsets(const reference::Conv2DF32Params& p, int64_t* offsets);

}  // namespace qrt
