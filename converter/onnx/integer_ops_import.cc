#include "converter/onnx/integer_ops_import.h"

#include "converter/model_import.h"
#include "converter/onnx/constant_values.h"
#include "converter/onnx/quantization_params.h"

namespace qrt::convert {
namespace {

std::string where(const IrNode& n) { return "node '" + n.name + "' (" + n.op_type + ")"; }

std::string input(const IrNode& n, size_t i) { return i < n.inputs.size() ? n.inputs[i] : ""; }

// The integer quantization of `operand` from its zero point input (scale 1
// per zero point). `per_channel_axis` is where a zero point per output
// channel runs (-1: one zero point only).
IrQuantization integer_quantization(const IrGraph& g, const IrNode& n, const std::string& operand,
                                    const std::string& zero_point, int64_t per_channel_axis) {
  const IrValue* v = g.find(operand);
  if (v == nullptr) throw ImportError(where(n) + ": input '" + operand + "' is missing");
  if (v->dtype != IrDType::kInt8 && v->dtype != IrDType::kUInt8) {
    throw ImportError(where(n) + ": input '" + operand + "' is " + ir_dtype_name(v->dtype) + "; it must be int8 or uint8");
  }
  IrQuantization q;
  q.dtype = v->dtype;
  if (zero_point.empty()) {
    q.scales = {1.0f};
    q.zero_points = {0};
    return q;
  }
  const IrValue* z = g.find(zero_point);
  if (z == nullptr || !z->is_constant) {
    throw ImportError(where(n) + ": zero point '" + zero_point +
                      "' is computed at run time; qrt takes constant zero points here (a DynamicQuantizeLinear -> "
                      "MatMulInteger -> Cast -> Mul chain imports as one dynamically quantized op)");
  }
  if (z->dtype != v->dtype) {
    throw ImportError(where(n) + ": zero point '" + zero_point + "' is " + ir_dtype_name(z->dtype) + ", input '" +
                      operand + "' is " + ir_dtype_name(v->dtype));
  }
  for (int64_t zp : constant_ints(*z, where(n) + ": zero point")) q.zero_points.push_back(static_cast<int32_t>(zp));
  if (q.zero_points.empty()) throw ImportError(where(n) + ": zero point '" + zero_point + "' is empty");
  if (q.zero_points.size() > 1) {
    if (per_channel_axis < 0) {
      throw ImportError(where(n) + ": zero point '" + zero_point + "' of the activation input holds " +
                        std::to_string(q.zero_points.size()) + " values; qrt takes one (per tensor)");
    }
    bool all_equal = true;
    for (int32_t zp : q.zero_points) all_equal = all_equal && zp == q.zero_points[0];
    if (all_equal) {
      q.zero_points.resize(1);
    } else {
      if (v->shape.size() <= static_cast<size_t>(per_channel_axis) ||
          v->shape[per_channel_axis] != static_cast<int64_t>(q.zero_points.size())) {
        throw ImportError(where(n) + ": zero point '" + zero_point + "' has " + std::to_string(q.zero_points.size()) +
                          " values, not one per output channel of '" + operand + "'");
      }
      q.axis = static_cast<int32_t>(per_channel_axis);
    }
  }
  q.scales.assign(q.zero_points.size(), 1.0f);
  return q;
}

// Gives an activation its zero point. One already quantized (a QuantizeLinear
// before it) keeps its scale when the zero points agree: the integer ops read
// only the zero point.
std::string attach_integer_quantization(IrGraph& g, const IrNode& n, const std::string& name, const IrQuantization& q) {
  IrValue* v = g.find(name);
  if (!v->is_constant && v->quantization) {
    if (v->quantization->zero_points != q.zero_points || v->quantization->dtype != q.dtype) {
      throw ImportError(where(n) + ": value '" + name + "' is quantized with another zero point elsewhere");
    }
    return name;
  }
  return attach_quantization(g, name, q, where(n));
}

void import_integer_node(IrGraph& g, IrNode& n, bool conv) {
  if (n.outputs.empty() || n.outputs[0].empty()) throw ImportError(where(n) + " has no output");
  const std::string a = input(n, 0), b = input(n, 1);
  if (a.empty() || b.empty()) throw ImportError(where(n) + " needs two inputs");
  const IrValue* bv = g.find(b);
  if (bv == nullptr || !bv->is_constant) {
    throw ImportError(where(n) + ": '" + b + "' must be a constant (qrt multiplies by constant weights)");
  }
  // Per output channel: ConvInteger's w [M, C/g, kH, kW] along 0, MatMulInteger's B [K, N] along 1.
  const int64_t weight_axis = conv ? 0 : (bv->shape.size() == 2 ? 1 : -1);
  const IrQuantization aq = integer_quantization(g, n, a, input(n, 2), -1);
  const IrQuantization bq = integer_quantization(g, n, b, input(n, 3), weight_axis);
  const std::string a_name = attach_integer_quantization(g, n, a, aq);
  const std::string b_name = attach_quantization(g, b, bq, where(n));
  n.inputs = {a_name, b_name};
  IrValue* y = g.find(n.outputs[0]);
  y->dtype = IrDType::kInt32;
  y->quantization.reset();
}

}  // namespace

void import_integer_ops(IrGraph& graph) {
  for (IrNode& n : graph.nodes) {
    if (!n.domain.empty()) continue;
    if (n.op_type == "ConvInteger") {
      import_integer_node(graph, n, true);
    } else if (n.op_type == "MatMulInteger") {
      import_integer_node(graph, n, false);
    } else if (n.op_type == "DynamicQuantizeLinear") {
      if (n.inputs.size() != 1 || n.inputs[0].empty() || n.outputs.size() != 3) {
        throw ImportError(where(n) + " needs one input and three outputs");
      }
      for (const std::string& out : n.outputs) {
        if (out.empty()) throw ImportError(where(n) + ": every output must be named");
      }
      graph.find(n.outputs[0])->dtype = IrDType::kUInt8;
      graph.find(n.outputs[1])->dtype = IrDType::kFloat32;
      graph.find(n.outputs[2])->dtype = IrDType::kUInt8;
    }
  }
}

}  // namespace qrt::convert
