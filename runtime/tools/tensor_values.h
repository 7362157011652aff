// Reading, generating and ranking the elements of a tensor buffer for qrun:
// the dtype-aware arithmetic that needs no runtime, so it can be tested alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "qrt/qrt.h"

namespace qrt {
namespace tools {

// IEEE 754 binary16 <-> binary32; float_to_half rounds to nearest even and
// keeps infinities and NaN.
float half_to_float(uint16_t half);
uint16_t float_to_half(float value);

// Element `index` of a little-endian buffer of `dtype`, widened to double.
// Reads through memcpy, so `data` needs no particular alignment.
double element_value(const void* data, qrt_dtype dtype, size_t index);

// Every element as a real number: scale * (q - zero_point) when `info` is
// quantized, the stored value otherwise. `data` holds info.byte_size bytes.
std::vector<double> dequantized_values(const qrt_tensor_info& info, const void* data);

// Fills info.byte_size bytes with deterministic pseudo-random values for
// `seed`: int32 (indices, token ids) in [0, 99] as TFLite's benchmark_model
// does, other integers over the dtype's whole range; floats over the range the
// quantization can represent, or [-1, 1) when the tensor is not quantized.
// Uses its own generator so every platform produces the same bytes.
void fill_pseudo_random(const qrt_tensor_info& info, uint64_t seed, void* data);

// Indices of the `k` largest values, largest first; ties keep the lower
// index first and NaN ranks below everything.
std::vector<size_t> top_k_indices(const std::vector<double>& values, size_t k);

// Index of the first largest value; 0 for an empty vector.
size_t argmax_index(const std::vector<double>& values);

// True when the shape is that of one row of class scores: ignoring a leading
// batch dimension of 1, exactly one dimension is larger than 1.
bool looks_like_class_scores(const qrt_tensor_info& info);

}  // namespace tools
}  // namespace qrt
