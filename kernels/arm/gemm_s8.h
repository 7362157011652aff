// ARM int8 GEMM kernels (see kernels/gemm_s8.h for the packed layout and the
// exactness argument), and the IGEMM kernels of the same tiles for CONV_2D
// (kernels/conv_s8.h): they gather each MR-row panel through the
// indirection offsets into the same scratch panel, then run the same
// micro-tiles and epilogues. Each ISA lives in its own translation unit compiled
// with its own flags (kernels/CMakeLists.txt); only kernel_table.cc calls
// them, after checking the CPU. All three are exact for every int8 value,
// -128 included: nothing saturates before the int32 accumulators.
#pragma once

#include "kernels/conv_s8.h"
#include "kernels/gemm_s8.h"

namespace qrt::arm {

// NEON (AArch64 and ARMv7): K one at a time, A and W widened to int16 and
// multiplied into int32 with vmlal_lane_s16. 4 rows x 16 columns on AArch64
// (16 of its 32 vector registers hold accumulators); 4 x 8 on ARMv7, which
// has only 16.
#if defined(__aarch64__)
constexpr GemmLayout kQs8GemmNeon{4, 16, 1, 0, 2};
constexpr const char* kQs8GemmNeonName = "qs8_gemm_minmax_4x16__neon_mlal_lane";
constexpr const char* kQs8IgemmNeonName = "qs8_igemm_minmax_4x16__neon_mlal_lane";
#else
constexpr GemmLayout kQs8GemmNeon{4, 8, 1, 0, 2};
constexpr const char* kQs8GemmNeonName = "qs8_gemm_minmax_4x8__neon_mlal_lane";
constexpr const char* kQs8IgemmNeonName = "qs8_igemm_minmax_4x8__neon_mlal_lane";
#endif
void qs8_gemm_minmax__neon_mlal_lane(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c);
void qs8_igemm_minmax__neon_mlal_lane(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c);

// AArch64 dot product (SDOT, Armv8.2 FEAT_DotProd): 4 rows x 16 columns, K in
// groups of 4, int8 A panel.
constexpr GemmLayout kQs8Gemm4x16c4Neondot{4, 16, 4, 0, 1};
void qs8_gemm_minmax_4x16c4__neondot(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c);
void qs8_igemm_minmax_4x16c4__neondot(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c);

// AArch64 int8 matrix multiply (SMMLA, Armv8.6 FEAT_I8MM): 8 rows x 8
// columns, K in groups of 8; each SMMLA multiplies a 2x8 block of A by an
// 8x2 block of W into a 2x2 block of C. The A panel is packed in row pairs.
constexpr GemmLayout kQs8Gemm8x8c8I8mm{8, 8, 8, 0, 1};
void qs8_gemm_minmax_8x8c8__neoni8mm(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c);
void qs8_igemm_minmax_8x8c8__neoni8mm(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c);

}  // namespace qrt::arm
