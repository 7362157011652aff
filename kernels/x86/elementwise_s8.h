// x86 kernels for the memory-bound int8 ops: LUT apply (every int8 unary op
// built as a 256-entry table), QUANTIZE (float32 -> int8), DEQUANTIZE
// (int8 -> float32), MAX_POOL_2D and AVERAGE_POOL_2D. Bit-exact with the
// reference kernels they replace (reference/lut_s8.h, quantize_s8.h,
// pool2d_s8.h). AVX2, in kernels/x86/avx2/ (compiled with -mavx2, called
// only when cpuinfo reports AVX2), used by the AVX2 and AVX-VNNI tables; and
// AVX-512, in kernels/x86/avx512vnni/ (the same steps on 64-byte vectors,
// masked tails; AVX-512 F/BW/VL only), used by the avx512vnni table.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/pool2d_s8.h"
#include "kernels/requantization.h"

namespace qrt::x86 {

// output[i] = table[uint8(input[i])]: 16 vpshufb lookups of 16 entries per
// 32 bytes, each keeping only the lanes whose high nibble selects it.
void lut_s8__avx2(const int8_t* table, const int8_t* input, int8_t* output, size_t count);

// x / scale (IEEE division), rounded half away from zero (fixedpoint rule)
// or half to even (fp32 rule), plus the zero point, saturated to int8; NaN
// gives the zero point.
void quantize_f32_s8__avx2(RequantRule rule, float scale, int32_t zero_point, const float* input, int8_t* output,
                           size_t count);
// float(x - zero_point) * scale.
void dequantize_s8_f32__avx2(float scale, int32_t zero_point, const int8_t* input, float* output, size_t count);

// 32 channels at a time (vpmaxsb), windows clipped as the reference clips them.
void max_pool2d_s8__avx2(const reference::Pool2DParams& p, const int8_t* input, int8_t* output);
// int32 window sums 8 channels at a time, then either rule's division per
// lane: fixedpoint's integer rounding divisions done exactly in double,
// fp32's float32 steps in the reference's order.
void average_pool2d_s8__avx2(const reference::AveragePool2DParams& p, const int8_t* input, int8_t* output);

// AVX-512 versions, same contracts. The LUT selects each of the 16 table
// chunks with a byte mask (vpcmpeqb on the high nibble, masked vpshufb).
void lut_s8__avx512vnni(const int8_t* table, const int8_t* input, int8_t* output, size_t count);
void quantize_f32_s8__avx512vnni(RequantRule rule, float scale, int32_t zero_point, const float* input,
                                 int8_t* output, size_t count);
void dequantize_s8_f32__avx512vnni(float scale, int32_t zero_point, const int8_t* input, float* output, size_t count);
void max_pool2d_s8__avx512vnni(const reference::Pool2DParams& p, const int8_t* input, int8_t* output);
void average_pool2d_s8__avx512vnni(const reference::AveragePool2DParams& p, const int8_t* input, int8_t* output);

}  // namespace qrt::x86
