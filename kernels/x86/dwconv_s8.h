// x86 int8 depthwise kernels (see kernels/dwconv_s8.h for the packed layout
// and the exactness argument). Each ISA lives in its own translation unit
// compiled with its own flags; only kernel_table.cc calls them, after
// checking the CPU. Depth multiplier 1 only.
#pragma once

#include "kernels/dwconv_s8.h"

namespace qrt::x86 {

// AVX-512: 32 channels per block (two vectors of 16 int32 lanes).
constexpr int kQs8DwconvChannelTileAvx512 = 32;
// 3x3 filter, dilation 1, any stride and padding.
void qs8_dwconv_3x3_minmax_32c__avx512vnni(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                           int8_t* output, size_t row_begin, size_t row_end);
// Any filter up to kDwconvMaxTaps taps, any stride, dilation and padding.
void qs8_dwconv_minmax_32c__avx512vnni(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                       int8_t* output, size_t row_begin, size_t row_end);

// 3x3 filter, dilation 1, any stride and padding, on the packing of
// kernels/dwconv3x3_c4_s8.h (vpdpbusd, 64 channels per block).
void qs8_dwconv_3x3_minmax_64c4__avx512vnni(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                            int8_t* output, size_t row_begin, size_t row_end);

// AVX2: 16 channels per block (two vectors of 8 int32 lanes), same packing.
constexpr int kQs8DwconvChannelTileAvx2 = 16;
void qs8_dwconv_3x3_minmax_16c__avx2(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                     int8_t* output, size_t row_begin, size_t row_end);
void qs8_dwconv_minmax_16c__avx2(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                                 size_t row_begin, size_t row_end);

// SSE4.1: 8 channels per block (two vectors of 4 int32 lanes), same
// packing (with a tile of 8 its lane order is channel order).
constexpr int kQs8DwconvChannelTileSse41 = 8;
void qs8_dwconv_3x3_minmax_8c__sse41(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                     int8_t* output, size_t row_begin, size_t row_end);
void qs8_dwconv_minmax_8c__sse41(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                                 size_t row_begin, size_t row_end);

}  // namespace qrt::x86
