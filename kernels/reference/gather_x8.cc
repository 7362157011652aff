#include "kernels/reference/gather_x8.h"

#include <cstring>

namespace qrt::reference {

int64_t gather_x8(const GatherParams& p, const uint8_t* table, const int32_t* indices, uint8_t* output) {
  for (int64_t o = 0; o < p.outer; ++o) {
    const uint8_t* slab = table + o * p.axis_size * p.inner_bytes;
    for (int64_t j = 0; j < p.index_count; ++j) {
      int64_t idx = indices[j];
      if (idx < 0) idx += p.axis_size;
      if (idx < 0 || idx >= p.axis_size) return j;
      std::memcpy(output, slab + idx * p.inner_bytes, static_cast<size_t>(p.inner_bytes));
      output += p.inner_bytes;
    }
  }
  return -1;
}

}  // namespace qrt::reference
