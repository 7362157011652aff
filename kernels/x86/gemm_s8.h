// x86 int8 GEMM kernels (see kernels/gemm_s8.h for the packed layout and the
// exactness argument). Each ISA lives in its own translation unit compiled
// with its own flags; only kernel_table.cc calls them, after checking the CPU.
#pragma once

#include "kernels/conv_s8.h"
#include "kernels/gemm_s8.h"

namespace qrt::x86 {

// AVX-512 VNNI: 8 rows x 32 columns, K in groups of 4 (vpdpbusd), A flipped
// to uint8 (+128) while the panel is packed.
constexpr GemmLayout kQs8Gemm8x32c4Avx512vnni{8, 32, 4, 128, 1};
void qs8_gemm_minmax_8x32c4__avx512vnni(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                        int8_t* c);
// The same tiles on a convolution's gathered panels (IGEMM, conv_s8.h); the
// weights are packed with the GEMM layout above.
void qs8_igemm_minmax_8x32c4__avx512vnni(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                         void* scratch, int8_t* c);

// AVX2: 6 rows x 16 columns, K in pairs, A and W widened to int16 (vpmaddwd:
// exact for every int8 value, unlike vpmaddubsw, which saturates). W is
// widened once, at pack time (w_element_size 2): a vpmovsxbw per weight
// vector in the K loop competes with the vpaddd for the same pipes.
constexpr GemmLayout kQs8Gemm6x16c2Avx2{6, 16, 2, 0, 2, 2};
void qs8_gemm_minmax_6x16c2__avx2(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                  int8_t* c);
void qs8_igemm_minmax_6x16c2__avx2(const IgemmRunParams& p, const int8_t* input, const void* packed, void* scratch,
                                   int8_t* c);
// The same tiles on weights packed as int8 and widened in the K loop: for
// GEMMs of few rows (batch-1 FULLY_CONNECTED), which stream every weight
// once per row panel, so bytes cost more there than the widening; and half
// the packed memory.
constexpr GemmLayout kQs8Gemm6x16c2W8Avx2{6, 16, 2, 0, 2, 1};
void qs8_gemm_minmax_6x16c2_w8__avx2(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c);

// AVX-VNNI (the VEX-encoded vpdpbusd of Alder Lake and Zen 4, 256-bit): 6
// rows x 16 columns, K in groups of 4, A flipped to uint8 (+128) as on
// AVX-512 VNNI. Chosen on CPUs with AVX-VNNI but not AVX-512 VNNI.
constexpr GemmLayout kQs8Gemm6x16c4Avxvnni{6, 16, 4, 128, 1};
void qs8_gemm_minmax_6x16c4__avxvnni(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c);
void qs8_igemm_minmax_6x16c4__avxvnni(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c);

// The 4 x 16 layout of the AVX2 dynamic FC (dynamic_fully_connected_f32s8.h).
constexpr GemmLayout kQs8Gemm4x16c2Avx2{4, 16, 2, 0, 2};

// SSE4.1: 4 rows x 8 columns, K in pairs, A and W widened to int16
// (pmaddwd, exact for every int8 value), as the AVX2 kernel at half width.
constexpr GemmLayout kQs8Gemm4x8c2Sse41{4, 8, 2, 0, 2};
void qs8_gemm_minmax_4x8c2__sse41(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                  int8_t* c);
void qs8_igemm_minmax_4x8c2__sse41(const IgemmRunParams& p, const int8_t* input, const void* packed, void* scratch,
                                   int8_t* c);

}  // namespace qrt::x86
