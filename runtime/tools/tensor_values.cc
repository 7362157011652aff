#include "tensor_values.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "qrt/qrt.hpp"

namespace qrt {
namespace tools {
namespace {

uint32_t float_bits(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float float_from_bits(uint32_t bits) {
  float value = 0;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and fully specified, unlike
// std:: distributions, whose output differs between standard libraries.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 24 random bits, exact in float.
  float next_unit_float() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }

 private:
  uint64_t state_;
};

// Sort key that puts NaN below -infinity, so comparisons stay a strict weak
// order (std::partial_sort with raw NaN would be undefined behaviour).
double rank_key(double value) {
  return std::isnan(value) ? -std::numeric_limits<double>::infinity() : value;
}

}  // namespace

float half_to_float(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000) << 16;
  const uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  if (exponent == 0x1f) return float_from_bits(sign | 0x7f800000 | (mantissa << 13));
  if (exponent != 0) return float_from_bits(sign | ((exponent + 112) << 23) | (mantissa << 13));
  if (mantissa == 0) return float_from_bits(sign);
  // Subnormal half: mantissa * 2^-24, exact in float.
  const float magnitude = static_cast<float>(mantissa) * (1.0f / 16777216.0f);
  return sign ? -magnitude : magnitude;
}

uint16_t float_to_half(float value) {
  const uint32_t bits = float_bits(value);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  const uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000) return static_cast<uint16_t>(sign | 0x7e00);   // NaN
  if (magnitude >= 0x477ff000) return static_cast<uint16_t>(sign | 0x7c00);  // rounds to inf
  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  if (exponent < -25) return sign;                        // below half the smallest subnormal: zero
  uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000;  // with the implicit 1
  // Bits of the 24-bit mantissa to drop: 13 for normals, more for subnormals.
  const int shift = exponent >= -14 ? 13 : 13 + (-14 - exponent);
  const uint32_t halfway = 1u << (shift - 1);
  const uint32_t remainder = mantissa & ((1u << shift) - 1);
  mantissa >>= shift;
  if (remainder > halfway || (remainder == halfway && (mantissa & 1))) ++mantissa;
  if (exponent >= -14) {
    // A mantissa carry into bit 11 correctly bumps the exponent.
    const uint32_t half_bits = (static_cast<uint32_t>(exponent + 15) << 10) + (mantissa - 0x400);
    return static_cast<uint16_t>(sign | half_bits);
  }
  return static_cast<uint16_t>(sign | mantissa);
}

double element_value(const void* data, qrt_dtype dtype, size_t index) {
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  switch (dtype) {
    case QRT_DTYPE_INT8: {
      int8_t v;
      std::memcpy(&v, bytes + index, sizeof(v));
      return v;
    }
    case QRT_DTYPE_UINT8:
      return bytes[index];
    case QRT_DTYPE_INT16: {
      int16_t v;
      std::memcpy(&v, bytes + index * sizeof(v), sizeof(v));
      return v;
    }
    case QRT_DTYPE_INT32: {
      int32_t v;
      std::memcpy(&v, bytes + index * sizeof(v), sizeof(v));
      return v;
    }
    case QRT_DTYPE_FLOAT32: {
      float v;
      std::memcpy(&v, bytes + index * sizeof(v), sizeof(v));
      return v;
    }
    case QRT_DTYPE_FLOAT16: {
      uint16_t v;
      std::memcpy(&v, bytes + index * sizeof(v), sizeof(v));
      return half_to_float(v);
    }
  }
  return 0.0;
}

std::vector<double> dequantized_values(const qrt_tensor_info& info, const void* data) {
  const size_t element_size = dtype_size(info.dtype);
  const size_t count = element_size == 0 ? 0 : info.byte_size / element_size;
  std::vector<double> values(count);
  for (size_t i = 0; i < count; ++i) {
    const double stored = element_value(data, info.dtype, i);
    values[i] =
        info.quantized ? static_cast<double>(info.scale) * (stored - info.zero_point) : stored;
  }
  return values;
}

void fill_pseudo_random(const qrt_tensor_info& info, uint64_t seed, void* data) {
  SplitMix64 random(seed);
  uint8_t* bytes = static_cast<uint8_t*>(data);
  const size_t element_size = dtype_size(info.dtype);
  if (element_size == 0) return;
  const size_t count = info.byte_size / element_size;
  if (info.dtype == QRT_DTYPE_INT32) {
    // int32 inputs are indices (token ids feeding GATHER): values in [0, 99],
    // as TFLite's benchmark_model fills int32 inputs, so a table of 100 rows
    // or more is never indexed out of range.
    for (size_t i = 0; i < count; ++i) {
      const int32_t v = static_cast<int32_t>(random.next() % 100);
      std::memcpy(bytes + i * element_size, &v, element_size);
    }
    return;
  }
  if (info.dtype != QRT_DTYPE_FLOAT32 && info.dtype != QRT_DTYPE_FLOAT16) {
    // Other integer dtypes: uniform random bits cover the whole range.
    for (size_t i = 0; i < count; ++i) {
      const uint64_t bits = random.next();
      std::memcpy(bytes + i * element_size, &bits, element_size);  // little-endian host
    }
    return;
  }
  float low = -1.0f, high = 1.0f;
  if (info.quantized && info.scale > 0) {
    // A float input the runtime quantizes to int8: span what int8 can hold.
    low = info.scale * static_cast<float>(-128 - info.zero_point);
    high = info.scale * static_cast<float>(127 - info.zero_point);
  }
  for (size_t i = 0; i < count; ++i) {
    const float value = low + (high - low) * random.next_unit_float();
    if (info.dtype == QRT_DTYPE_FLOAT32) {
      std::memcpy(bytes + i * 4, &value, 4);
    } else {
      const uint16_t half = float_to_half(value);
      std::memcpy(bytes + i * 2, &half, 2);
    }
  }
}

std::vector<size_t> top_k_indices(const std::vector<double>& values, size_t k) {
  std::vector<size_t> indices(values.size());
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = i;
  k = std::min(k, indices.size());
  std::partial_sort(indices.begin(), indices.begin() + static_cast<std::ptrdiff_t>(k),
                    indices.end(), [&](size_t a, size_t b) {
                      const double key_a = rank_key(values[a]), key_b = rank_key(values[b]);
                      return key_a != key_b ? key_a > key_b : a < b;
                    });
  indices.resize(k);
  return indices;
}

size_t argmax_index(const std::vector<double>& values) {
  size_t best = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    if (rank_key(values[i]) > rank_key(values[best])) best = i;
  }
  return best;
}

bool looks_like_class_scores(const qrt_tensor_info& info) {
  int32_t first = 0;
  if (info.num_dims >= 2 && info.dims[0] == 1) first = 1;  // skip a batch of 1
  int larger_than_one = 0;
  for (int32_t d = first; d < info.num_dims && d < QRT_MAX_DIMS; ++d) {
    if (info.dims[d] > 1) ++larger_than_one;
  }
  return larger_than_one == 1;
}

}  // namespace tools
}  // namespace qrt
