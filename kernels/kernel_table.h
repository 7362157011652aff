// The dispatch table: which kernel runs each op on this CPU. Filled once from
// cpuinfo; every slot has a reference entry, the last link of every fallback
// chain. Prepare reads it; the packing a kernel needs is chosen in the same
// place as the kernel so the two always agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/conv_s8.h"
#include "kernels/conv_smallcin_s8.h"
#include "kernels/dynamic_fully_connected_f32s8.h"
#include "kernels/dwconv3x3_c4_s8.h"
#include "kernels/dwconv_s8.h"
#include "kernels/float_kernels.h"
#include "kernels/gemm_f32.h"
#include "kernels/gemm_s8.h"

#include "kernels/reference/arg_max_s8.h"
#include "kernels/reference/batch_matmul_s8.h"
#include "kernels/reference/binary_elementwise_s8.h"
#include "kernels/reference/concatenation_s8.h"
#include "kernels/reference/conv2d_s8.h"
#include "kernels/reference/depthwise_conv2d_s8.h"
#include "kernels/reference/fully_connected_f32w4.h"
#include "kernels/reference/fully_connected_s8.h"
#include "kernels/reference/gather_x8.h"
#include "kernels/reference/layer_norm_s8.h"
#include "kernels/reference/lut_s8.h"
#include "kernels/reference/mean_s8.h"
#include "kernels/reference/pad_s8.h"
#include "kernels/reference/pool2d_s8.h"
#include "kernels/reference/quantize_s8.h"
#include "kernels/reference/resize_bilinear_s8.h"
#include "kernels/reference/resize_nearest_neighbor_s8.h"
#include "kernels/reference/softmax_s8.h"
#include "kernels/reference/split_s8.h"
#include "kernels/reference/strided_slice_s8.h"
#include "kernels/reference/transpose_s8.h"

namespace qrt {

// A kernel and the name qrun --info and profiles report for it.
template <typename Fn>
struct Kernel {
  const char* name = nullptr;
  Fn* run = nullptr;
};

using LutKernelFn = void(const int8_t* table, const int8_t* input, int8_t* output, size_t count);
using QuantizeKernelFn = void(RequantRule rule, float scale, int32_t zero_point, const float* input, int8_t* output,
                              size_t count);
using DequantizeKernelFn = void(float scale, int32_t zero_point, const int8_t* input, float* output, size_t count);

// A packed int8 GEMM family (kernels/gemm_s8.h), used by FULLY_CONNECTED and
// by 1x1 / stride 1 / unpadded / ungrouped CONV_2D. The packing function and
// the layout are chosen with the kernel, so packed weights always fit it.
// run == nullptr: the table has none and those ops use their reference kernel.
struct GemmKernel {
  const char* name = nullptr;
  GemmLayout layout;
  void (*pack)(const GemmLayout& layout, const GemmPackParams& params, void* packed) = nullptr;
  void (*run)(const GemmRunParams& params, const int8_t* a, const void* packed, void* scratch,
              int8_t* c) = nullptr;

  size_t packed_size(RequantRule rule, int n, int k) const { return gemm_packed_size(layout, rule, n, k); }
  size_t scratch_size(int k) const { return gemm_scratch_size(layout, k); }
};

// A packed int8 convolution family (indirect GEMM, kernels/conv_s8.h), used
// by every other ungrouped CONV_2D (any kernel size, stride, dilation and
// padding). Its weights are packed with the GEMM packing and layout; run ==
// nullptr: the table has none and those convolutions use the reference.
struct ConvKernel {
  const char* name = nullptr;
  GemmLayout layout;
  void (*pack)(const GemmLayout& layout, const GemmPackParams& params, void* packed) = nullptr;
  IgemmRunFn* run = nullptr;

  size_t packed_size(RequantRule rule, int n, int k) const { return gemm_packed_size(layout, rule, n, k); }
  size_t scratch_size(int k) const { return gemm_scratch_size(layout, k); }
};

// A direct int8 convolution for few input channels (kernels/
// conv_smallcin_s8.h), preferred to `conv` for the ungrouped convolutions it
// takes (fits: at most 4 input channels, the first layer of image networks;
// and `takes`, if set). Weights packed on `layout` in the kernel's scheme:
// K in filter order as uint8 patches (conv_smallcin_pack), or int16 pairs
// (conv_smallcin_pair_pack). run == nullptr: the table has none and those
// convolutions use `conv`.
enum class ConvSmallCinScheme { kPatches, kPairs };
struct ConvSmallCinKernel {
  const char* name = nullptr;
  GemmLayout layout;
  ConvSmallCinRunFn* run = nullptr;
  ConvSmallCinScheme scheme = ConvSmallCinScheme::kPatches;
  // Optional: false for convolutions `fits` takes but `conv` runs faster;
  // nullptr: all of them.
  bool (*takes)(const reference::Conv2DParams& p) = nullptr;

  // conv_smallcin_fits (uint8 patches) or conv_smallcin_shape_fits (int16
  // pairs: any filter zero point).
  bool fits(const reference::Conv2DParams& p, const int8_t* weights) const {
    return scheme == ConvSmallCinScheme::kPairs ? conv_smallcin_shape_fits(p) : conv_smallcin_fits(p, weights);
  }
  size_t packed_size(const ConvSmallCinRunParams& p) const {
    return scheme == ConvSmallCinScheme::kPairs ? conv_smallcin_pair_packed_size(layout, p.rule, p)
                                                : conv_smallcin_packed_size(layout, p.rule, p.output_channels, p.k());
  }
  void pack(const ConvSmallCinRunParams& p, const GemmPackParams& params, void* packed) const {
    if (scheme == ConvSmallCinScheme::kPairs) {
      conv_smallcin_pair_pack(layout, p, params, packed);
    } else {
      conv_smallcin_pack(layout, params, packed);
    }
  }
  size_t scratch_stride(const ConvSmallCinRunParams& p) const {
    return scheme == ConvSmallCinScheme::kPairs ? (conv_smallcin_pair_scratch_size(p) + 63) / 64 * 64
                                                : conv_smallcin_scratch_stride(layout, p);
  }
};

// A packed int8 depthwise family (kernels/dwconv_s8.h), used by
// DEPTHWISE_CONV_2D with depth multiplier 1 and at most kDwconvMaxTaps taps:
// a 3x3 kernel (dilation 1, any stride and padding) and a generic one, both
// on the same packing. run == nullptr: the table has none and the op uses
// its reference kernel.
struct DwconvKernel {
  const char* name = nullptr;  // generic
  DwconvRunFn* run = nullptr;
  const char* name_3x3 = nullptr;
  DwconvRunFn* run_3x3 = nullptr;
  int channel_tile = 0;
  // Optional: a 3x3 kernel (dilation 1, any stride and padding) on the int8
  // packing of kernels/dwconv3x3_c4_s8.h, preferred to run_3x3 for filters
  // that packing takes (dwconv3x3_c4_fits). nullptr: none.
  const char* name_3x3_c4 = nullptr;
  DwconvRunFn* run_3x3_c4 = nullptr;

  size_t packed_size(RequantRule rule, int channels, int taps) const {
    return dwconv_packed_size(channel_tile, rule, channels, taps);
  }
  void pack(const DwconvPackParams& params, void* packed) const { dwconv_pack(channel_tile, params, packed); }
};

// A DYNAMIC_FULLY_CONNECTED family (kernels/dynamic_fully_connected_f32s8.h)
// on a GEMM layout. run == nullptr: the table has none and the op uses its
// reference kernel.
struct DynamicFcKernel {
  const char* name = nullptr;
  GemmLayout layout;
  DynamicFcRunFn* run = nullptr;
};

struct KernelTable {
  const char* isa = "reference";
  GemmKernel gemm;
  // The GEMM for M <= gemm_few_rows_max (batch-1 FULLY_CONNECTED, 1x1
  // convolutions of a few pixels), where every weight is streamed for each
  // panel of few rows: a layout with fewer bytes per weight than gemm's.
  // run == nullptr: gemm serves every M.
  GemmKernel gemm_few_rows;
  size_t gemm_few_rows_max = 0;
  // The GEMM an M-row product runs.
  const GemmKernel& gemm_for_rows(size_t m) const {
    return gemm_few_rows.run != nullptr && m <= gemm_few_rows_max ? gemm_few_rows : gemm;
  }
  ConvKernel conv;
  ConvSmallCinKernel conv_smallcin;
  DwconvKernel dwconv;
  Kernel<void(const reference::Conv2DParams&, const int8_t*, const int8_t*, const int32_t*, int8_t*)> conv2d;
  Kernel<void(const reference::DepthwiseConv2DParams&, const int8_t*, const int8_t*, const int32_t*, int8_t*)>
      depthwise_conv2d;
  Kernel<void(const reference::FullyConnectedParams&, const int8_t*, const int8_t*, const int32_t*, int8_t*)>
      fully_connected;
  Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> add;
  Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> sub;
  // ADD, SUB and MUL of same-shape inputs (no broadcasting); run == nullptr:
  // the table has none and add / sub / mul run.
  Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> vadd;
  Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> vsub;
  Kernel<void(const reference::MulS8Params&, const int8_t*, const int8_t*, int8_t*)> vmul;
  Kernel<void(const reference::MulS8Params&, const int8_t*, const int8_t*, int8_t*)> mul;
  Kernel<void(const reference::AveragePool2DParams&, const int8_t*, int8_t*)> average_pool2d;
  Kernel<void(const reference::Pool2DParams&, const int8_t*, int8_t*)> max_pool2d;
  Kernel<void(const reference::MeanS8Params&, const int8_t*, int8_t*)> mean;
  Kernel<void(const reference::SoftmaxS8Params&, const int8_t*, int8_t*)> softmax;
  Kernel<void(const reference::ConcatenationParams&, const int8_t* const*, const int8_t* const*, int8_t*)>
      concatenation;
  Kernel<LutKernelFn> lut;
  Kernel<QuantizeKernelFn> quantize;
  Kernel<DequantizeKernelFn> dequantize;
  Kernel<void(const reference::TransposeParams&, const int8_t*, int8_t*)> transpose;
  Kernel<void(const reference::PadParams&, const int8_t*, int8_t*)> pad;
  Kernel<void(const reference::SplitParams&, const int8_t*, int8_t* const*)> split;
  Kernel<void(const reference::StridedSliceParams&, const int8_t*, int8_t*)> strided_slice;
  Kernel<void(const reference::ResizeParams&, const int8_t*, int8_t*)> resize_bilinear;
  Kernel<void(const reference::ResizeParams&, const int8_t*, int8_t*)> resize_nearest_neighbor;
  Kernel<void(const reference::ArgMaxParams&, const int8_t*, int32_t*)> arg_max;
  // FULLY_CONNECTED_W4: float32 activations, packed int4 weights, group scales.
  Kernel<void(const reference::FullyConnectedF32W4Params&, const float*, const uint8_t*, const float*, const float*,
              float*)>
      fully_connected_f32w4;
  // DYNAMIC_FULLY_CONNECTED: float32 activations quantized per run, int8 weights.
  DynamicFcKernel dynamic_fully_connected;
  // Transformer ops (BATCH_MATMUL, LAYER_NORM, GATHER).
  Kernel<void(const reference::BatchMatMulParams&, const int8_t*, const int8_t*, int8_t*)> batch_matmul;
  Kernel<void(const reference::LayerNormParams&, const int8_t*, int8_t*)> layer_norm;
  Kernel<int64_t(const reference::GatherParams&, const uint8_t*, const int32_t*, uint8_t*)> gather;
  // The float32 path (runtime/ops/float_*.cc); run == nullptr: the float32
  // reference kernels. These keep to the float32 tolerance, not bit-exactness
  // (kernels/README.md).
  GemmF32Kernel gemm_f32;  // FULLY_CONNECTED, CONV_2D (ungrouped; 1x1 as a GEMM, others indirect)
  Kernel<DwconvF32Fn> dwconv_f32;     // DEPTHWISE_CONV_2D, depth multiplier 1
  Kernel<VBinaryF32Fn> vbinary_f32;   // ADD / SUB / MUL: same shape, a repeated row or a scalar
  Kernel<VUnaryF32Fn> vunary_f32;     // unary_f32_has_vector_form ops
};

// The best table for this CPU (QRT_ISA is not consulted). Thread-safe;
// decided once from cpuinfo.
const KernelTable& select_kernel_table();

// The table of one ISA by name: "reference", and on x86-64 "sse41", "avx2",
// "avxvnni" (when the compiler supports -mavxvnni) and "avx512vnni", on AArch64 "neon", "neondot" and "i8mm", on ARMv7 "neon".
// nullptr or "" means the QRT_ISA environment variable when it is set, else select_kernel_table().
// An unknown name, or an ISA this CPU lacks, gives nullptr and a message in
// *error: forcing an ISA never falls back silently. Thread-safe.
const KernelTable* find_kernel_table(const char* isa, std::string* error);

}  // namespace qrt
