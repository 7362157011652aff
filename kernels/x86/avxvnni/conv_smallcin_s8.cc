// qs8_conv_smallcin_minmax_6x16c2__avxvnni: the direct convolution for few
// input channels in int16 pairs (kernels/x86/conv_smallcin_pairs.h), the
// AVX2 kernel with AVX-VNNI's vpdpwssd (int16 pairs multiplied and added to
// the int32 accumulator in one instruction, wrapping like vpaddd: exact
// here) in place of vpmaddwd + vpaddd. Same packed weights. Compiled with
// -mavx2 -mavxvnni; called only when the CPU reports AVX-VNNI.
#include "kernels/x86/conv_smallcin_pairs.h"

namespace qrt::x86 {
namespace {

// As inline assembly (VEX-encoded: the EVEX form needs AVX-512), for the
// reason the AVX-512 kernel gives: with the intrinsic on an accumulator
// array GCC 12 copies accumulators through spare registers.
struct AvxvnniMadd {
  static __m256i add(__m256i acc, __m256i a, __m256i w) {
    asm("%{vex%} vpdpwssd %2, %1, %0" : "+x"(acc) : "x"(a), "x"(w));
    return acc;
  }
};

}  // namespace

void qs8_conv_smallcin_minmax_6x16c2__avxvnni(const ConvSmallCinRunParams& p, const int8_t* input,
                                              const void* packed, void* scratch, int8_t* output, size_t row_begin,
                                              size_t row_end) {
  run_conv_smallcin_pairs<AvxvnniMadd>(p, input, packed, scratch, output, row_begin, row_end);
}

}  // namespace qrt::x86
