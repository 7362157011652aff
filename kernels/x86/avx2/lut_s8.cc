// lut_s8__avx2: see kernels/x86/elementwise_s8.h. vpshufb looks up 16
// entries at once from the low 4 bits of each index and returns 0 where the
// index byte has its top bit set. Chunk k of the table (entries 16k..16k+15)
// is looked up with index x - 16k, saturated upward by +0x70: exactly the
// bytes whose x is in [16k, 16k + 15] keep a top bit of 0 (and their low
// nibble), every other byte reads 0, so OR over the 16 chunks is the table
// value.
#include <immintrin.h>

#include "kernels/x86/elementwise_s8.h"

namespace qrt::x86 {

void lut_s8__avx2(const int8_t* table, const int8_t* input, int8_t* output, size_t count) {
  __m256i chunk[16];
  for (int k = 0; k < 16; ++k) {
    chunk[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 * k)));
  }
  const __m256i sixteen = _mm256_set1_epi8(16);
  const __m256i keep_low_nibble = _mm256_set1_epi8(0x70);
  size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    __m256i index = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(input + i));
    __m256i out = _mm256_shuffle_epi8(chunk[0], _mm256_adds_epu8(index, keep_low_nibble));
#pragma GCC unroll 15
    for (int k = 1; k < 16; ++k) {
      index = _mm256_sub_epi8(index, sixteen);
      out = _mm256_or_si256(out, _mm256_shuffle_epi8(chunk[k], _mm256_adds_epu8(index, keep_low_nibble)));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(output + i), out);
  }
  for (; i < count; ++i) output[i] = table[static_cast<uint8_t>(input[i])];
}

}  // namespace qrt::x86
