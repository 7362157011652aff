#include "kernels/reference/data_movement_x32.h"

#include <algorithm>
#include <cstring>

namespace qrt::reference {

// Same odometer walks as transpose_s8, pad_s8, strided_slice_s8 (see there),
// on 4-byte elements.
void transpose_x32(const TransposeParams& p, const uint32_t* input, uint32_t* output) {
  int64_t input_strides[kMaxTransposeRank];
  int64_t total = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    input_strides[d] = total;
    total *= p.input_dims[d];
  }
  if (total == 0) return;
  int output_dims[kMaxTransposeRank];
  int64_t step[kMaxTransposeRank];
  for (int i = 0; i < p.rank; ++i) {
    output_dims[i] = p.input_dims[p.perm[i]];
    step[i] = input_strides[p.perm[i]];
  }
  int index[kMaxTransposeRank] = {};
  int64_t input_offset = 0;
  for (int64_t n = 0; n < total; ++n) {
    output[n] = input[input_offset];
    for (int i = p.rank - 1; i >= 0; --i) {
      input_offset += step[i];
      if (++index[i] < output_dims[i]) break;
      input_offset -= step[i] * output_dims[i];
      index[i] = 0;
    }
  }
}

void pad_x32(const PadParams& p, uint32_t fill, const uint32_t* input, uint32_t* output) {
  int64_t output_strides[kMaxPadRank];
  int64_t output_total = 1;
  int64_t input_total = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    output_strides[d] = output_total;
    output_total *= p.pad_before[d] + p.input_dims[d] + p.pad_after[d];
    input_total *= p.input_dims[d];
  }
  std::fill(output, output + output_total, fill);
  if (input_total == 0) return;
  int64_t output_offset = 0;
  for (int d = 0; d < p.rank; ++d) output_offset += p.pad_before[d] * output_strides[d];
  int index[kMaxPadRank] = {};
  for (int64_t n = 0; n < input_total; ++n) {
    output[output_offset] = input[n];
    for (int d = p.rank - 1; d >= 0; --d) {
      output_offset += output_strides[d];
      if (++index[d] < p.input_dims[d]) break;
      output_offset -= output_strides[d] * p.input_dims[d];
      index[d] = 0;
    }
  }
}

void concatenation_x32(const ConcatenationParams& p, const uint32_t* const* inputs, uint32_t* output) {
  int64_t outer = 1;
  for (int d = 0; d < p.axis; ++d) outer *= p.output_dims[d];
  int64_t inner = 1;
  for (int d = p.axis + 1; d < p.rank; ++d) inner *= p.output_dims[d];
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < p.input_axis_dims.size(); ++i) {
      const int64_t run = p.input_axis_dims[i] * inner;
      std::memcpy(output, inputs[i] + o * run, static_cast<size_t>(run) * sizeof(uint32_t));
      output += run;
    }
  }
}

void split_x32(const SplitParams& p, const uint32_t* input, uint32_t* const* outputs) {
  for (int64_t outer = 0; outer < p.outer_size; ++outer) {
    for (size_t i = 0; i < p.output_axis_dims.size(); ++i) {
      const int64_t chunk = p.output_axis_dims[i] * p.inner_size;
      std::memcpy(outputs[i] + outer * chunk, input, static_cast<size_t>(chunk) * sizeof(uint32_t));
      input += chunk;
    }
  }
}

void strided_slice_x32(const StridedSliceParams& p, const uint32_t* input, uint32_t* output) {
  int64_t input_strides[kMaxStridedSliceRank];
  int64_t step[kMaxStridedSliceRank];
  int64_t input_offset = 0;
  int64_t output_total = 1;
  int64_t row = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    input_strides[d] = row;
    row *= p.input_dims[d];
    output_total *= p.output_dims[d];
  }
  for (int d = 0; d < p.rank; ++d) {
    step[d] = input_strides[d] * p.strides[d];
    input_offset += input_strides[d] * p.begin[d];
  }
  if (output_total == 0) return;
  int index[kMaxStridedSliceRank] = {};
  for (int64_t n = 0; n < output_total; ++n) {
    output[n] = input[input_offset];
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < p.output_dims[d]) {
        input_offset += step[d];
        break;
      }
      input_offset -= step[d] * (p.output_dims[d] - 1);
      index[d] = 0;
    }
  }
}

}  // namespace qrt::reference
