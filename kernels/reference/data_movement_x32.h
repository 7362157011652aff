// Reference data movement on 32-bit elements (float32 and int32 tensors):
// TRANSPOSE, PAD, CONCATENATION, SPLIT and STRIDED_SLICE with the same
// parameters as their int8 kernels. Elements are copied as bit patterns, so
// NaN payloads and -0.0 survive.
#pragma once

#include <cstdint>

#include "kernels/reference/concatenation_s8.h"
#include "kernels/reference/pad_s8.h"
#include "kernels/reference/split_s8.h"
#include "kernels/reference/strided_slice_s8.h"
#include "kernels/reference/transpose_s8.h"

namespace qrt::reference {

void transpose_x32(const TransposeParams& p, const uint32_t* input, uint32_t* output);

// p.fill_value is ignored: padded elements get `fill` (float32 0.0 is 0).
void pad_x32(const PadParams& p, uint32_t fill, const uint32_t* input, uint32_t* output);

void concatenation_x32(const ConcatenationParams& p, const uint32_t* const* inputs, uint32_t* output);

// SplitParams' sizes count elements, not bytes.
void split_x32(const SplitParams& p, const uint32_t* input, uint32_t* const* outputs);

void strided_slice_x32(const StridedSliceParams& p, const uint32_t* input, uint32_t* output);

}  // namespace qrt::reference
