// x86 LAYER_NORM (int8 in and out over the last axis, float32 gamma and
// beta): bit-exact with reference::layer_norm_s8. The row statistics are
// integers summed in any order (exact); the double-precision row scale is the
// reference's own scalar code; each element then takes the reference's
// float32 steps in its order (convert, multiply, multiply, add, clamp, round
// half to even), 8 lanes at a time. AVX2, in kernels/x86/avx2/ (compiled with
// -mavx2, no FMA); the AVX-512 tables use it too.
#pragma once

#include <cstdint>

#include "kernels/reference/layer_norm_s8.h"

namespace qrt::x86 {

void layer_norm_s8__avx2(const reference::LayerNormParams& p, const int8_t* input, int8_t* output);

}  // namespace qrt::x86
