// lut_s8__neon: see kernels/arm/lut_s8.h. AArch64 only (TBL with four
// registers, Armv8-A Advanced SIMD).
#include "kernels/arm/lut_s8.h"

#if defined(__aarch64__)
#include <arm_neon.h>

namespace qrt::arm {

void lut_s8__neon(const int8_t* table, const int8_t* input, int8_t* output, size_t count) {
  const uint8_t* t = reinterpret_cast<const uint8_t*>(table);
  const uint8x16x4_t t0 = vld1q_u8_x4(t), t1 = vld1q_u8_x4(t + 64), t2 = vld1q_u8_x4(t + 128),
                     t3 = vld1q_u8_x4(t + 192);
  const uint8x16_t quarter = vdupq_n_u8(64);
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    // The index is the input byte as uint8 (reference::lut_s8_index). TBL
    // gives 0 and TBX keeps the previous value for indices past 63, so each
    // quarter of the table fills in the lanes whose index, lowered by 64 per
    // step (wrapping), falls in it.
    uint8x16_t index = vld1q_u8(reinterpret_cast<const uint8_t*>(input + i));
    uint8x16_t out = vqtbl4q_u8(t0, index);
    index = vsubq_u8(index, quarter);
    out = vqtbx4q_u8(out, t1, index);
    index = vsubq_u8(index, quarter);
    out = vqtbx4q_u8(out, t2, index);
    index = vsubq_u8(index, quarter);
    out = vqtbx4q_u8(out, t3, index);
    vst1q_u8(reinterpret_cast<uint8_t*>(output + i), out);
  }
  for (; i < count; ++i) output[i] = table[static_cast<uint8_t>(input[i])];
}

}  // namespace qrt::arm
#endif
