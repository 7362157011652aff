// Private to the lowering: the state shared by the op emitters (which IR
// value lives in which .qfb tensor and layout) and the layout conversions.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "converter/ir/graph.h"
#include "converter/lowering/qfb_lowering.h"
#include "converter/model_import.h"
#include "converter/qfb_writer.h"

namespace qrt::convert::lowering {

// NCHW -> NHWC: stored dimension i holds ONNX dimension kToNhwc[i].
constexpr int kToNhwc[4] = {0, 2, 3, 1};
// ONNX axis -> its position in the NHWC tensor.
constexpr int kNhwcPosition[4] = {0, 3, 1, 2};

// Where an IR value lives: a .qfb tensor, NHWC (rank 4 only) or as in ONNX.
struct Placed {
  int tensor = -1;
  bool nhwc = false;
};

// A fused activation: the Relu / Clip node folded into its producer.
struct FusedActivation {
  fb::Activation activation = fb::Activation::NONE;
  std::string output;  // the activation node's output, which the producer writes
};

class Context {
 public:
  Context(const IrGraph& graph, const LoweringOptions& options, QfbWriter& writer)
      : graph_(graph), options_(options), writer_(writer) {}

  const IrGraph& graph() const { return graph_; }
  const LoweringOptions& options() const { return options_; }
  QfbWriter& writer() { return writer_; }

  const IrValue& value(const std::string& name) const;
  // ONNX-order shape of a value lowered so far (or a constant / input).
  const std::vector<int64_t>& shape(const std::string& name) const;
  bool is_placed(const std::string& name) const { return placed_.count(name) != 0; }
  bool is_nhwc(const std::string& name) const;

  // Tensor of `name` in ONNX order / NHWC (rank 4); inserts and caches a
  // TRANSPOSE (or RESHAPE when only size-1 dimensions move).
  int as_onnx(const std::string& name);
  int as_nhwc(const std::string& name);
  int in_layout(const std::string& name, bool nhwc) { return nhwc ? as_nhwc(name) : as_onnx(name); }
  // A tensor whose memory order is the ONNX one (for RESHAPE / FC inputs):
  // the NHWC tensor itself when only size-1 dimensions are permuted.
  int as_onnx_memory_order(const std::string& name);

  // Creates the tensor of a node output with its ONNX shape in `nhwc` or ONNX layout.
  int define(const std::string& name, const std::vector<int64_t>& onnx_shape, bool nhwc);
  // Same, but for an intermediate tensor with explicit quantization.
  int temporary(const std::string& name, const std::vector<int64_t>& stored_shape, fb::DType dtype,
                const std::optional<IrQuantization>& q);
  // A quantized constant for an activation operand; rank-4 (after padding the
  // rank to `rank` with leading 1s) permuted to NHWC when `nhwc`.
  int constant_operand(const std::string& name, size_t rank, bool nhwc);
  // A float32 constant of ONNX shape `shape` for an operand of rank `rank`
  // (leading 1s added), permuted to NHWC when `nhwc` (rank 4).
  int float_constant(const std::string& name, std::vector<float> values, std::vector<int64_t> shape, size_t rank,
                     bool nhwc);

  int add_op(fb::OpType type, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
             fb::OpOptionsUnion options, const std::string& name);

  // The value a node writes: its output, or the fused activation's output.
  std::string output_of(const IrNode& node) const;
  fb::Activation activation_of(const IrNode& node) const;

  std::map<const IrNode*, FusedActivation> fused;  // producer -> activation
  std::map<const IrNode*, std::pair<std::string, std::vector<int64_t>>> folded_pads;  // conv -> (input, NCHW pads)
  std::vector<std::string> notes;

 private:
  int convert(const std::string& name, bool to_nhwc);

  const IrGraph& graph_;
  const LoweringOptions& options_;
  QfbWriter& writer_;
  std::map<std::string, Placed> placed_;
  std::map<std::string, std::vector<int64_t>> shapes_;
  std::map<std::string, int> converted_;  // name + "|nhwc" / "|onnx" -> tensor
};

// A node quantize_graph kept in float32 (kKeepFloatAttribute).
inline bool is_float_node(const IrGraph&, const IrNode& n) { return n.attribute(kKeepFloatAttribute) != nullptr; }

// Helpers shared by the emitters.
fb::DType qfb_dtype(IrDType dtype, const std::string& what);
std::vector<int32_t> to_int32_shape(const std::vector<int64_t>& shape, const std::string& what);
std::vector<int64_t> to_stored(const std::vector<int64_t>& onnx_shape, bool nhwc);
std::string describe(const IrNode& node);
[[noreturn]] void fail(const IrNode& node, const std::string& message);
// Element-wise permutation of a constant's bytes: out dim i = in dim perm[i].
std::vector<uint8_t> permute_bytes(const std::vector<uint8_t>& data, size_t element_size,
                                   const std::vector<int64_t>& shape, const std::vector<int>& perm);
int64_t normalize_axis(int64_t axis, size_t rank, const IrNode& node);

// The emitters, one per ONNX op family (lower_*_ops.cc).
using Emitter = std::function<void(Context&, const IrNode&)>;
const std::map<std::string, Emitter>& emitters();
void emit_conv(Context& c, const IrNode& n);
void emit_fully_connected(Context& c, const IrNode& n);
// DynamicFullyConnected (dynamic quantization, lower_dynamic_fully_connected.cc).
void emit_dynamic_fully_connected(Context& c, const IrNode& n);
// DynamicConv (dynamic quantization, lower_dynamic_conv.cc).
void emit_dynamic_conv(Context& c, const IrNode& n);
// LSTM and GRU, float32 or int8 (--dynamic) weights (lower_rnn.cc).
void emit_rnn(Context& c, const IrNode& n);
// ConvInteger, MatMulInteger, DynamicQuantizeLinear (lower_integer_ops.cc).
void emit_conv_integer(Context& c, const IrNode& n);
void emit_matmul_integer(Context& c, const IrNode& n);
void emit_dynamic_quantize_linear(Context& c, const IrNode& n);
void emit_pool(Context& c, const IrNode& n);
void emit_global_average_pool(Context& c, const IrNode& n);
void emit_binary(Context& c, const IrNode& n);
void emit_reshape(Context& c, const IrNode& n);
void emit_transpose(Context& c, const IrNode& n);
void emit_concat(Context& c, const IrNode& n);
void emit_pad(Context& c, const IrNode& n);
void emit_softmax(Context& c, const IrNode& n);
void emit_table_op(Context& c, const IrNode& n);
void emit_clip(Context& c, const IrNode& n);
void emit_quantize(Context& c, const IrNode& n);
void emit_dequantize(Context& c, const IrNode& n);
// lower_transformer_ops.cc: MatMul (FULLY_CONNECTED or BATCH_MATMUL),
// LayerNormalization, Gather.
void emit_matmul(Context& c, const IrNode& n);
void emit_layer_norm(Context& c, const IrNode& n);
void emit_gather(Context& c, const IrNode& n);
// Div by a constant, Neg, BatchNormalization: float32 nodes only (lower_float_only_ops.cc).
void emit_float_only(Context& c, const IrNode& n);

// ONNX pads of a constant-mode Pad whose fill is the real value 0.
std::vector<int64_t> constant_pad_amounts(const IrGraph& graph, const IrNode& node);

// Clip / Relu as a fused activation for an output quantized as `q`: nothing
// when the node's bounds are not RELU, RELU6, RELU_N1_TO_1 or no-op clamps.
std::optional<fb::Activation> activation_for(const IrGraph& graph, const IrNode& act, const IrQuantization& q);
// The same on float32 values: the bounds as they are.
std::optional<fb::Activation> float_activation_for(const IrGraph& graph, const IrNode& act);

// Emits an op that keeps its input's quantization (RESHAPE, TRANSPOSE,
// MAX_POOL_2D, PAD): `emit(target)` writes a tensor quantized like `input`;
// a QUANTIZE (int8 -> int8) follows when `output` is quantized differently.
void emit_passthrough(Context& c, const IrNode& n, const std::string& input, const std::string& output,
                      const std::vector<int64_t>& onnx_shape, bool nhwc, const std::function<void(int)>& emit);

}  // namespace qrt::convert::lowering
