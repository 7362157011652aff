// ARM int8 table lookup (the LUT slot: every unary int8 op, see
// reference/lut_s8.h). Bit-exact by construction: it looks up the same table.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrt::arm {

// AArch64 only: four TBL/TBX lookups in the 256-byte table held in 16
// registers, 16 values at a time. (ARMv7's VTBL reaches 32 bytes, so the
// scalar reference is as good there.) In place allowed, as the reference.
void lut_s8__neon(const int8_t* table, const int8_t* input, int8_t* output, size_t count);

}  // namespace qrt::arm
