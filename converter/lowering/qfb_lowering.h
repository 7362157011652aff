// The lowering: a quantized IR graph (converter/ir/graph.h, "quantized
// form", ONNX ops in NCHW) -> .qfb ops through QfbWriter. Used by the QDQ /
// QOperator import and by static PTQ alike.
//
// Inside the graph activations run NHWC: Conv / pool / mean outputs are NHWC,
// element-wise ops keep their input's layout, and a TRANSPOSE (or a RESHAPE
// when only size-1 dimensions move) converts where an op needs ONNX order
// (Reshape, MatMul, ...). Weights become OHWI (depthwise [1,KH,KW,C*M]),
// axes of Concat / Softmax / Transpose / Pad are remapped. The graph keeps
// its declared (NCHW) inputs and outputs unless nhwc_io is set, in which case
// rank-4 inputs and outputs are NHWC. Every op uses RequantRule FP32.
// Relu / Clip after Conv, Gemm, MatMul, Add, Sub, Mul, pools fuse into the
// op's activation when the quantization is unchanged (the clamp is then
// exact); a Pad before a Conv folds into its padding.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "converter/calibration/quantize_graph.h"
#include "converter/ir/graph.h"
#include "converter/qfb_writer.h"

namespace qrt::convert {

struct LoweringOptions {
  bool nhwc_io = false;
  // Graph inputs / outputs whose caller-facing dtype is uint8 (the source
  // model's interface; the tensors themselves are int8).
  std::set<std::string> uint8_interface;
};

struct LoweringResult {
  std::vector<std::string> notes;
};

// Adds the graph's tensors, ops, inputs and outputs to `writer`. Throws
// ImportError; when nodes are unsupported, one error lists all of them.
void lower_to_qfb(const IrGraph& graph, const LoweringOptions& options, QfbWriter& writer,
                  LoweringResult* result = nullptr);

}  // namespace qrt::convert
