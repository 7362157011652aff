// Weight-only int4 (qconvert --weights int4 [--group G]): Gemm / MatMul nodes
// whose weights are a constant float32 matrix, and 1x1 convolutions, run in
// float32 (as nodes kept in float do) with int4 weights, as one
// FULLY_CONNECTED_W4 op
// (docs/format.md). quantize_graph picks the nodes and marks them; the
// lowering quantizes and packs the weights with quantize_int4_weights.
//
// Quantization: symmetric, zero point 0, values in [-7, 7] (the code -8 is
// never written): scale = max |w| / 7 over the group, q = round(w / scale)
// (half to even). A symmetric range keeps +max and -max exact and rounds
// positive and negative weights alike, as qrt's int8 weights use [-127, 127];
// the 16th code would only add resolution on the negative side.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace qrt::convert {

// The kKeepFloatAttribute value of a node with int4 weights: "int4:G", G = 0
// for one scale per output channel.
inline std::string int4_weights_marker(int group_size) { return "int4:" + std::to_string(group_size); }

// True (and *group_size set) when `marker` is int4_weights_marker's.
inline bool parse_int4_weights_marker(const std::string& marker, int* group_size) {
  if (marker.rfind("int4:", 0) != 0 || marker.size() == 5) return false;
  int g = 0;
  for (size_t i = 5; i < marker.size(); ++i) {
    if (marker[i] < '0' || marker[i] > '9' || g > 1000000) return false;
    g = g * 10 + (marker[i] - '0');
  }
  *group_size = g;
  return true;
}

// A Gemm or MatMul whose B (input 1) is a constant float32 matrix, or an
// ungrouped Conv whose constant float32 weights are 1x1 (the lowering makes
// it a fully connected layer over the pixels when it is also stride 1 and
// unpadded; otherwise it stays a float32 CONV_2D with float32 weights).
inline bool takes_int4_weights(const IrGraph& g, const IrNode& n) {
  const bool conv = n.op_type == "Conv";
  if (!n.domain.empty() || (n.op_type != "Gemm" && n.op_type != "MatMul" && !conv) || n.inputs.size() < 2) {
    return false;
  }
  const IrValue* w = g.find(n.inputs[1]);
  if (w == nullptr || !w->is_constant || w->dtype != IrDType::kFloat32) return false;
  if (!conv) return w->shape.size() == 2;
  return w->shape.size() == 4 && w->shape[2] == 1 && w->shape[3] == 1 && n.int_attribute("group", 1) == 1;
}

struct Int4Weights {
  std::vector<uint8_t> packed;  // [N][ceil(K/2)]: low nibble = even k
  std::vector<float> scales;    // [N][K / group_size]
  int64_t group_size = 0;
};

// `w` is [n][k] row-major float32, every value finite. group_size 0 (or one
// that does not divide k) means one group per row.
Int4Weights quantize_int4_weights(const std::vector<float>& w, int64_t n, int64_t k, int64_t group_size);

// The real value of packed weight (row, col): what FULLY_CONNECTED_W4 computes with.
float int4_weight_value(const Int4Weights& q, int64_t k, int64_t row, int64_t col);

}  // namespace qrt::convert
