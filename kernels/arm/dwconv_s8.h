// ARM int8 depthwise kernels (see kernels/dwconv_s8.h for the packed layout
// and the exactness argument). Compiled with the NEON folder's flags; the
// dotprod and i8mm tables use them too (SDOT and SMMLA do not help a
// per-channel sum). Depth multiplier 1 only.
#pragma once

#include "kernels/dwconv_s8.h"

namespace qrt::arm {

// 16 channels per block: four int32x4 accumulators, in the packing's lane
// order (channels 0-3, 8-11, 4-7, 12-15).
constexpr int kQs8DwconvChannelTileNeon = 16;
// 3x3 filter, dilation 1, any stride and padding.
void qs8_dwconv_3x3_minmax_16c__neon(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                     int8_t* output, size_t row_begin, size_t row_end);
// Any filter up to kDwconvMaxTaps taps, any stride, dilation and padding.
void qs8_dwconv_minmax_16c__neon(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                                 size_t row_begin, size_t row_end);

}  // namespace qrt::arm
