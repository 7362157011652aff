// x86 direct convolutions for few input channels (kernels/conv_smallcin_s8.h
// has the scheme, the packed layout and the exactness argument). Each ISA
// lives in its own translation unit compiled with its own flags; only
// kernel_table.cc calls them, after checking the CPU.
#pragma once

#include "kernels/conv_smallcin_s8.h"

namespace qrt::x86 {

// AVX-512 VNNI: tiles of 8 pixels x 32 output channels, K in groups of 4
// (vpdpbusd), patches sign-flipped to uint8 (+128). Weights packed as the
// GEMM of the same shape (gemm_s8.h) on W - filter_zero_point.
constexpr GemmLayout kQs8ConvSmallCin8x32c4Avx512vnni{8, 32, 4, 128, 1};
void qs8_conv_smallcin_minmax_8x32c4__avx512vnni(const ConvSmallCinRunParams& p, const int8_t* input,
                                                 const void* packed, void* scratch, int8_t* output, size_t row_begin,
                                                 size_t row_end);

// AVX2: tiles of 6 pixels x 16 output channels, K in int16 pairs
// (vpmaddwd) read in place from the pair rows (the int16 pair scheme of
// kernels/conv_smallcin_s8.h, tiles in x86/conv_smallcin_pairs.h); weights
// packed by conv_smallcin_pair_pack.
constexpr GemmLayout kQs8ConvSmallCin6x16c2Avx2{6, 16, 2, 0, 2};
void qs8_conv_smallcin_minmax_6x16c2__avx2(const ConvSmallCinRunParams& p, const int8_t* input, const void* packed,
                                           void* scratch, int8_t* output, size_t row_begin, size_t row_end);
// AVX-VNNI: the same tiles and packing with vpdpwssd.
void qs8_conv_smallcin_minmax_6x16c2__avxvnni(const ConvSmallCinRunParams& p, const int8_t* input,
                                              const void* packed, void* scratch, int8_t* output, size_t row_begin,
                                              size_t row_end);

}  // namespace qrt::x86
