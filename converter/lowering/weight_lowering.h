// Constant weights of Conv and FULLY_CONNECTED in .qfb form: layout changes
// (OIHW -> OHWI or [1,KH,KW,C*M], [K,N] -> [N,K]) and the weight zero point
// rules of the runtime (per-channel weights need zero point 0).
#pragma once

#include <string>
#include <vector>

#include "converter/lowering/lowering_context.h"

namespace qrt::convert::lowering {

struct LoweredWeights {
  std::vector<int64_t> shape;  // stored shape
  std::vector<uint8_t> data;   // int8, or float32 when float32 is set
  IrQuantization quantization;  // int8 only
  bool float32 = false;         // a node kept in float (mixed precision)
  bool store_float16 = false;   // float32 weights written as float16 (--weights fp16)
};

// Per-channel weights with non-zero zero points become zero-point-0 weights
// when every w - zero_point[c] fits int8 (exact); otherwise an ImportError.
// `axis` is the channel axis of `shape`.
void remove_per_channel_zero_points(LoweredWeights& w, const IrNode& node);

// IEEE binary16 nearest to f (ties to even; overflow to infinity).
uint16_t float_to_half(float f);

// Adds the weights as a constant and returns its tensor.
int add_weights(Context& c, const std::string& name, const LoweredWeights& w);

// An int32 bias constant, or a float32 one for a node kept in float
// (optional input; -1 when absent).
int add_bias(Context& c, const IrNode& node, const std::string& name, int64_t channels);

}  // namespace qrt::convert::lowering
