// Lowering of the nodes quantize_graph marked for int4 weights (qconvert
// --weights int4, converter/calibration/int4_weights.h): their float32
// weights become the packed int4 weights and group scales of one
// FULLY_CONNECTED_W4 op.
#pragma once

#include "converter/lowering/weight_lowering.h"
#include "converter/lowering/window_geometry.h"

namespace qrt::convert::lowering {

// The group size the node's marker asks for (0: per output channel), or -1
// when the node is not marked for int4 weights.
int int4_group_size(const IrNode& node);

struct Int4WeightTensors {
  int weights = -1;  // INT8 [N, ceil(K/2)], packed pairs
  int scales = -1;   // FLOAT32 [N, K / G]
};

// Quantizes float32 weights `w` (stored [N, K]) to int4 and adds them.
Int4WeightTensors add_int4_weights(Context& c, const IrNode& node, const std::string& name, const LoweredWeights& w,
                                   int group_size);

// A marked Conv that is a 1x1, stride 1, unpadded, ungrouped convolution
// (`ohwi` its float32 weights [O,1,1,I]) is a fully connected layer over the
// pixels of its NHWC input: emits FULLY_CONNECTED_W4 with keep_dims and
// returns true. Any other Conv returns false (it stays a float32 CONV_2D).
bool emit_conv_1x1_w4(Context& c, const IrNode& node, const std::string& input, const Window& window,
                      const LoweredWeights& ohwi, int64_t groups, int group_size);

}  // namespace qrt::convert::lowering
