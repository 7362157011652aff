#include "runtime/ops/op_checks.h"

#include <cmath>

namespace qrt {

std::string shape_string(const std::vector<int32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string describe_tensor(const TensorDesc& t) {
  return "'" + t.name + "' " + dtype_name(t.dtype) + shape_string(t.shape);
}

Status check_counts(const OpDesc& op, size_t min_inputs, size_t max_inputs, size_t outputs) {
  if (op.inputs.size() < min_inputs || op.inputs.size() > max_inputs) {
    return error(QRT_INVALID_MODEL, "takes " + std::to_string(min_inputs) +
                                        (max_inputs != min_inputs ? " to " + std::to_string(max_inputs) : "") +
                                        " inputs, has " + std::to_string(op.inputs.size()));
  }
  if (op.outputs.size() != outputs) {
    return error(QRT_INVALID_MODEL, "has " + std::to_string(op.outputs.size()) + " outputs, needs " +
                                        std::to_string(outputs));
  }
  return ok_status();
}

Status check_required(const TensorDesc* t, const char* role) {
  if (t == nullptr) return error(QRT_INVALID_MODEL, std::string(role) + " is missing");
  return ok_status();
}

Status check_int8_activation(const TensorDesc* t, const char* role) {
  QRT_RETURN_IF_ERROR(check_required(t, role));
  if (t->dtype != DType::kInt8) {
    return error(QRT_UNSUPPORTED, std::string(role) + " " + describe_tensor(*t) + " must be int8");
  }
  if (!t->quantization.present() || t->quantization.per_channel()) {
    return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(*t) +
                                        " must be quantized per tensor (one scale and zero point)");
  }
  return ok_status();
}

Status check_rank(const TensorDesc& t, size_t rank, const char* role) {
  if (t.shape.size() != rank) {
    return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(t) + " must have rank " +
                                        std::to_string(rank));
  }
  return ok_status();
}

Status check_symmetric_weight_scales(const TensorDesc& t, const std::string& what) {
  const Quantization& q = t.quantization;
  if (!q.present()) return error(QRT_INVALID_MODEL, what + " has no quantization (scales)");
  if (q.scales.size() != 1 && (q.channel_axis != 0 || t.shape.empty() ||
                               q.scales.size() != static_cast<size_t>(t.shape[0]))) {
    return error(QRT_INVALID_MODEL, what + " needs one scale per output channel (axis 0) or one per tensor; has " +
                                        std::to_string(q.scales.size()) + " along axis " +
                                        std::to_string(q.channel_axis));
  }
  for (size_t i = 0; i < q.scales.size(); ++i) {
    if (!std::isfinite(q.scales[i]) || !(q.scales[i] > 0.0f)) {
      return error(QRT_INVALID_MODEL, what + " scale " + std::to_string(i) + " must be finite and positive");
    }
    if (i < q.zero_points.size() && q.zero_points[i] != 0) {
      return error(QRT_UNSUPPORTED, what + " must be symmetric (zero point 0); channel " + std::to_string(i) +
                                        " has " + std::to_string(q.zero_points[i]));
    }
  }
  return ok_status();
}

Status check_shape(const TensorDesc& t, const std::vector<int32_t>& expected, const char* role) {
  if (t.shape != expected) {
    return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(t) + " should have shape " +
                                        shape_string(expected));
  }
  return ok_status();
}

Status check_same_quantization(const TensorDesc& a, const TensorDesc& b) {
  if (a.scale() != b.scale() || a.zero_point() != b.zero_point()) {
    return error(QRT_INVALID_MODEL, "input " + describe_tensor(a) + " and output " + describe_tensor(b) +
                                        " must share scale and zero point");
  }
  return ok_status();
}

Status check_options(const void* options, const char* table_name) {
  if (options == nullptr) return error(QRT_INVALID_MODEL, std::string("needs options of type ") + table_name);
  return ok_status();
}

}  // namespace qrt
