#include "converter/lowering/weight_lowering.h"

#include <cmath>
#include <cstring>

namespace qrt::convert::lowering {

void remove_per_channel_zero_points(LoweredWeights& w, const IrNode& node) {
  if (w.float32) return;
  IrQuantization& q = w.quantization;
  if (q.scales.size() <= 1) {
    q.axis = -1;
    return;
  }
  bool all_zero = true;
  for (int32_t zp : q.zero_points) all_zero = all_zero && zp == 0;
  if (all_zero) return;
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(q.axis) + 1; d < w.shape.size(); ++d) inner *= w.shape[d];
  std::vector<uint8_t> shifted(w.data.size());
  for (size_t i = 0; i < w.data.size(); ++i) {
    const size_t ch = (i / inner) % q.scales.size();
    const int v = static_cast<int8_t>(w.data[i]) - q.zero_points[ch];
    if (v < -128 || v > 127) {
      fail(node, "weights are quantized per channel with non-zero zero points whose differences leave int8; "
                 "qrt needs zero point 0 for per-channel weights");
    }
    shifted[i] = static_cast<uint8_t>(static_cast<int8_t>(v));
  }
  w.data = std::move(shifted);
  q.zero_points.assign(q.scales.size(), 0);
}

uint16_t float_to_half(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t abs = bits & 0x7fffffffu;
  if (abs >= 0x7f800000u) return sign | (abs > 0x7f800000u ? 0x7e00u : 0x7c00u);  // NaN, infinity
  if (abs >= 0x477ff000u) return sign | 0x7c00u;  // rounds to a value above 65504: infinity
  if (abs < 0x38800000u) {  // below 2^-14: a half subnormal, mantissa = round(|f| * 2^24)
    float scaled;
    std::memcpy(&scaled, &abs, sizeof(scaled));
    return sign | static_cast<uint16_t>(std::nearbyint(scaled * 16777216.0f));  // exact product, ties to even
  }
  // Normal: drop 13 mantissa bits with round to nearest even; a carry into
  // the exponent is the right result.
  const uint32_t rebias = abs - (112u << 23);
  const uint32_t rounded = rebias + 0x0fffu + ((rebias >> 13) & 1u);
  return sign | static_cast<uint16_t>(rounded >> 13);
}

int add_weights(Context& c, const std::string& name, const LoweredWeights& w) {
  if (w.float32 && w.store_float16) {
    std::vector<uint8_t> halves(w.data.size() / 2);
    for (size_t i = 0; i < w.data.size() / 4; ++i) {
      float f;
      std::memcpy(&f, w.data.data() + 4 * i, sizeof(f));
      const uint16_t h = float_to_half(f);
      std::memcpy(halves.data() + 2 * i, &h, sizeof(h));
    }
    return c.writer().add_constant(name, fb::DType::FLOAT16, to_int32_shape(w.shape, "weights '" + name + "'"),
                                   std::move(halves));
  }
  if (w.float32) {
    return c.writer().add_constant(name, fb::DType::FLOAT32, to_int32_shape(w.shape, "weights '" + name + "'"), w.data);
  }
  const IrQuantization& q = w.quantization;
  return c.writer().add_constant(name, fb::DType::INT8, to_int32_shape(w.shape, "weights '" + name + "'"), w.data,
                                 q.scales, q.zero_points, q.scales.size() > 1 ? q.axis : -1);
}

int add_bias(Context& c, const IrNode& node, const std::string& name, int64_t channels) {
  if (name.empty()) return -1;
  const IrValue& b = c.value(name);
  if (is_float_node(c.graph(), node) && b.is_constant && b.dtype == IrDType::kFloat32 && !b.quantization) {
    if (b.element_count() != channels) fail(node, "bias '" + name + "' does not have one value per output channel");
    return c.writer().add_constant(name, fb::DType::FLOAT32, {static_cast<int32_t>(channels)}, b.data);
  }
  if (!b.is_constant || b.dtype != IrDType::kInt32) fail(node, "bias '" + name + "' must be an int32 constant");
  if (b.element_count() != channels) {
    fail(node, "bias '" + name + "' has " + std::to_string(b.element_count()) + " values for " +
                   std::to_string(channels) + " output channels");
  }
  std::vector<float> scales = b.quantization ? b.quantization->scales : std::vector<float>{1.0f};
  std::vector<int32_t> zps(scales.size(), 0);
  return c.writer().add_constant(name, fb::DType::INT32, {static_cast<int32_t>(channels)}, b.data, scales, zps,
                                 scales.size() > 1 ? 0 : -1);
}

}  // namespace qrt::convert::lowering
