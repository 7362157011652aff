// The packed int8 convolution interface (indirect GEMM) for CONV_2D with
// groups = 1 and any kernel size, stride, dilation and padding: bit-exact
// with reference::conv2d_s8.
//
// An OHWI filter with one group is already the GEMM weight matrix [N][K]
// with N = output channels and K = kernel_height * kernel_width *
// input_channels, so the weights are packed exactly as for the GEMM
// (gemm_s8.h: bias and zero-point corrections and the epilogue folded in).
// Row m of A (one output pixel) is the concatenation of the input pixels its
// taps read. Instead of copying them all (im2col), an indirection buffer
// built once, at prepare, holds for every output pixel and tap the offset of
// the input pixel, or -1 for a tap in the padding, which reads a row of
// `input_zero_point` values instead: that row contributes
// (zi - zi) * (w - zw) = 0 after the folded corrections, as the reference,
// which skips padding taps. The kernels gather an MR-row panel from these
// offsets into per-thread scratch (flipping signs on VNNI, widening on AVX2)
// and run the GEMM micro-tiles on it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/gemm_s8.h"
#include "kernels/reference/conv2d_s8.h"

namespace qrt {

// What an IGEMM run needs besides the pointers: the GEMM view (m = batch *
// output pixels, n = output channels, k = taps * channels, c_stride = n;
// a_stride unused) and the gather.
struct IgemmRunParams {
  GemmRunParams gemm;
  int taps = 1;       // kernel_height * kernel_width
  int channels = 1;   // input channels (bytes per tap)
  const int32_t* offsets = nullptr;  // [m][taps]: input element offset, or -1 (padding)
  const int8_t* zero_row = nullptr;  // `channels` bytes of input_zero_point
};

// An IGEMM micro-kernel driver: rows [0, params.gemm.m) of the indirection
// (params.offsets already points at the first), one A panel of scratch,
// output rows from c.
using IgemmRunFn = void(const IgemmRunParams& params, const int8_t* input, const void* packed, void* scratch,
                        int8_t* c);

// Whether the indirection can address every input element with int32
// offsets (the caller falls back to the reference kernel otherwise).
bool conv_indirection_fits(const reference::Conv2DParams& p);
// Entries (int32) of the indirection buffer: batch * output pixels * taps.
size_t conv_indirection_size(const reference::Conv2DParams& p);
// Fills it (portable code, once per prepare).
void conv_build_indirection(const reference::Conv2DParams& p, int32_t* offsets);

// Runs `run` over all rows, split over the pool's threads in whole MR-row
// panels as gemm_run_parallel does: range i gathers into scratch + i *
// scratch_stride. Rows are independent, so the bytes do not depend on the
// split.
void igemm_run_parallel(IgemmRunFn* run, const GemmLayout& layout, const IgemmRunParams& params,
                        const int8_t* input, const void* packed, void* scratch, size_t scratch_stride,
                        size_t scratch_count, int8_t* c, pthreadpool_t threadpool);

}  // namespace qrt
