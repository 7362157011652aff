#include "converter/onnx/quantization_params.h"

#include <cmath>

#include "converter/model_import.h"
#include "converter/onnx/constant_values.h"

namespace qrt::convert {

IrQuantization read_quantization(const IrGraph& graph, const std::string& scale, const std::string& zero_point,
                                 int64_t axis, int64_t rank, IrDType default_dtype, const std::string& where) {
  const IrValue* s = graph.find(scale);
  if (!s) throw ImportError(where + ": the scale input is missing");
  if (!s->is_constant) {  // e.g. DynamicQuantizeLinear expanded into the ops that compute its scale
    throw ImportError(where + ": scale '" + scale + "' is computed at run time (dynamic quantization); qrt's " +
                      "quantization is fixed at conversion: it needs a constant scale (an initializer). " +
                      "For a float model, give --calib (static PTQ) instead");
  }
  IrQuantization q;
  q.scales = constant_floats(*s, where + ": scale");
  if (q.scales.empty()) throw ImportError(where + ": scale '" + scale + "' is empty");
  for (float v : q.scales) {
    if (!std::isfinite(v) || v <= 0.0f) {
      throw ImportError(where + ": scale '" + scale + "' holds " + std::to_string(v) + ", scales must be finite and positive");
    }
  }
  q.dtype = default_dtype;
  if (!zero_point.empty()) {
    const IrValue* z = graph.find(zero_point);
    if (!z) throw ImportError(where + ": zero point '" + zero_point + "' is missing");
    if (z->dtype != IrDType::kInt8 && z->dtype != IrDType::kUInt8 && z->dtype != IrDType::kInt32) {
      throw ImportError(where + ": zero point '" + zero_point + "' is " + ir_dtype_name(z->dtype) +
                        "; qrt reads int8 and uint8 quantization (and int32 for biases)");
    }
    q.dtype = z->dtype;
    for (int64_t v : constant_ints(*z, where + ": zero point")) q.zero_points.push_back(static_cast<int32_t>(v));
    if (q.zero_points.size() != q.scales.size()) {
      throw ImportError(where + ": zero point '" + zero_point + "' has " + std::to_string(q.zero_points.size()) +
                        " values, the scale has " + std::to_string(q.scales.size()));
    }
  } else {
    q.zero_points.assign(q.scales.size(), 0);
  }
  if (s->shape.size() > 1) throw ImportError(where + ": blocked quantization (a scale of rank > 1) is not supported");
  if (q.scales.size() > 1) {  // one scale per axis slice; a single one is per tensor
    if (axis < 0) {
      if (rank < 0) throw ImportError(where + ": negative axis on a tensor of unknown rank");
      axis += rank;
    }
    if (axis < 0 || (rank >= 0 && axis >= rank)) {
      throw ImportError(where + ": axis " + std::to_string(axis) + " is outside rank " + std::to_string(rank));
    }
    q.axis = static_cast<int32_t>(axis);
  }
  return q;
}

bool same_quantization(const IrQuantization& a, const IrQuantization& b) {
  return a.scales == b.scales && a.zero_points == b.zero_points && a.dtype == b.dtype &&
         (a.scales.size() == 1 || a.axis == b.axis);
}

std::string attach_quantization(IrGraph& graph, const std::string& name, const IrQuantization& q,
                                const std::string& where) {
  IrValue* v = graph.find(name);
  if (!v) throw ImportError(where + ": value '" + name + "' is missing");
  if (v->is_constant && v->dtype != q.dtype) {
    throw ImportError(where + ": constant '" + name + "' is " + ir_dtype_name(v->dtype) + ", its quantization says " +
                      ir_dtype_name(q.dtype));
  }
  if (q.axis >= 0 && v->is_constant) {
    if (static_cast<size_t>(q.axis) >= v->shape.size() || v->shape[q.axis] != static_cast<int64_t>(q.scales.size())) {
      throw ImportError(where + ": constant '" + name + "' has no dimension " + std::to_string(q.axis) + " of length " +
                        std::to_string(q.scales.size()));
    }
  }
  if (!v->quantization) {
    v->quantization = q;
    v->dtype = q.dtype;
    return name;
  }
  if (same_quantization(*v->quantization, q)) return name;
  if (!v->is_constant) {
    throw ImportError(where + ": value '" + name + "' is quantized two different ways");
  }
  for (int copy = 2;; ++copy) {
    const std::string alias = name + "__q" + std::to_string(copy);
    IrValue* existing = graph.find(alias);
    if (existing && existing->quantization && same_quantization(*existing->quantization, q)) return alias;
    if (existing) continue;
    IrValue clone = *v;
    clone.name = alias;
    clone.quantization = q;
    graph.values[alias] = std::move(clone);
    return alias;
  }
}

std::string attach_bias_quantization(IrGraph& graph, const std::string& bias, const IrQuantization& input,
                                     const IrQuantization& weights, const std::string& where) {
  IrValue* b = graph.find(bias);
  if (!b || !b->is_constant || b->dtype != IrDType::kInt32) {
    throw ImportError(where + ": bias '" + bias + "' must be an int32 constant");
  }
  IrQuantization q;
  q.dtype = IrDType::kInt32;
  for (float ws : weights.scales) q.scales.push_back(input.scales[0] * ws);
  q.zero_points.assign(q.scales.size(), 0);
  q.axis = q.scales.size() > 1 ? 0 : -1;
  return attach_quantization(graph, bias, q, where);
}

}  // namespace qrt::convert
