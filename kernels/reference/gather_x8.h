// Reference gather along one axis (TFLite GATHER, ONNX Gather; an embedding
// lookup is axis 0). Pure data movement on elements of any size (int8 or
// float32 tables); the specification every optimized gather must match.
// Indices come from an activation, so each is checked before it is used: a
// bad index stops the kernel instead of reading outside the table.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrt::reference {

struct GatherParams {
  int64_t outer = 1;       // product of the table's dimensions before axis
  int32_t axis_size = 0;   // the table's dimension along axis
  int64_t inner_bytes = 0; // bytes of one slice: product of the dimensions after axis x element size
  int64_t index_count = 0; // elements of the indices tensor
};

// output[o][j][:] = table[o][idx][:] with idx = indices[j], plus axis_size
// when negative (ONNX). Returns -1, or the position j of the first index
// outside [-axis_size, axis_size), in which case the output is incomplete.
int64_t gather_x8(const GatherParams& p, const uint8_t* table, const int32_t* indices, uint8_t* output);

}  // namespace qrt::reference
