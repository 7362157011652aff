// lut_s8__avx512vnni: see kernels/x86/elementwise_s8.h. 64 bytes at a time
// with AVX-512 BW (no VBMI: vpermb / vpermi2b would do it in four lookups,
// but Cascade Lake lacks them): vpshufb looks chunk k of the table (entries
// 16k .. 16k + 15, broadcast to the four 128-bit lanes) up by the index's
// low nibble, and a write mask keeps the bytes whose high nibble is k. Each
// byte is written by exactly one of the 16 masked lookups.
#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/elementwise_s8.h"

namespace qrt::x86 {

void lut_s8__avx512vnni(const int8_t* table, const int8_t* input, int8_t* output, size_t count) {
  __m512i chunk[16];
  for (int k = 0; k < 16; ++k) {
    chunk[k] = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 * k)));
  }
  const __m512i low_nibble = _mm512_set1_epi8(0x0F);
  auto lookup = [&](__m512i x) {
    const __m512i high = _mm512_and_si512(_mm512_srli_epi16(x, 4), low_nibble);
    const __m512i low = _mm512_and_si512(x, low_nibble);
    __m512i out = _mm512_setzero_si512();
#pragma GCC unroll 16
    for (int k = 0; k < 16; ++k) {
      const __mmask64 selected = _mm512_cmpeq_epi8_mask(high, _mm512_set1_epi8(static_cast<char>(k)));
      out = _mm512_mask_shuffle_epi8(out, selected, chunk[k], low);
    }
    return out;
  };
  size_t i = 0;
  for (; i + 64 <= count; i += 64) {
    _mm512_storeu_si512(output + i, lookup(_mm512_loadu_si512(input + i)));
  }
  if (i < count) {
    const __mmask64 mask = (uint64_t{1} << (count - i)) - 1;
    _mm512_mask_storeu_epi8(output + i, mask, lookup(_mm512_maskz_loadu_epi8(mask, input + i)));
  }
}

}  // namespace qrt::x86
