// qs8_conv_smallcin_minmax_6x16c2__avx2: the direct convolution for few
// input channels in int16 pairs (kernels/x86/conv_smallcin_pairs.h) with
// vpmaddwd and vpaddd. Compiled with -mavx2; called only when cpuinfo
// reports AVX2.
#include "kernels/x86/conv_smallcin_pairs.h"

namespace qrt::x86 {
namespace {

struct Avx2Madd {
  static __m256i add(__m256i acc, __m256i a, __m256i w) { return _mm256_add_epi32(acc, _mm256_madd_epi16(a, w)); }
};

}  // namespace

void qs8_conv_smallcin_minmax_6x16c2__avx2(const ConvSmallCinRunParams& p, const int8_t* input, const void* packed,
                                           void* scratch, int8_t* output, size_t row_begin, size_t row_end) {
  run_conv_smallcin_pairs<Avx2Madd>(p, input, packed, scratch, output, row_begin, row_end);
}

}  // namespace qrt::x86
