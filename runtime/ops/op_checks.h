// Small checks shared by the ops' load-time validation. Each returns a
// Status whose message names the tensor and the problem.
#pragma once

#include <string>
#include <vector>

#include "runtime/model.h"
#include "runtime/status.h"

namespace qrt {

// Input i of op, or nullptr when the optional input is absent (-1).
inline const TensorDesc* op_input(const Model& model, const OpDesc& op, size_t i) {
  return i < op.inputs.size() && op.inputs[i] >= 0 ? &model.tensors()[op.inputs[i]] : nullptr;
}

inline const TensorDesc& op_output(const Model& model, const OpDesc& op, size_t i) {
  return model.tensors()[op.outputs[i]];
}

std::string describe_tensor(const TensorDesc& t);
std::string shape_string(const std::vector<int32_t>& shape);

Status check_counts(const OpDesc& op, size_t min_inputs, size_t max_inputs, size_t outputs);
// Present, not optional.
Status check_required(const TensorDesc* t, const char* role);
// int8 and quantized per tensor.
Status check_int8_activation(const TensorDesc* t, const char* role);
Status check_rank(const TensorDesc& t, size_t rank, const char* role);
Status check_shape(const TensorDesc& t, const std::vector<int32_t>& expected, const char* role);
Status check_same_quantization(const TensorDesc& a, const TensorDesc& b);
// The quantization of symmetric int8 weights: scales finite and positive, one
// per tensor or one per row along axis 0 (the output channels), zero points 0.
// `what` names the tensor in the messages.
Status check_symmetric_weight_scales(const TensorDesc& t, const std::string& what);
// The options union holds the table the op type needs.
Status check_options(const void* options, const char* table_name);

}  // namespace qrt
