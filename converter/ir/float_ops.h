// The float executor's op implementations (ONNX semantics, NCHW), grouped by
// kind in float_ops_*.cc and looked up by op type in float_op_table.cc.
// Private to the executor; passes reach them through run_float_node.
#pragma once

#include <string>
#include <vector>

#include "converter/ir/float_executor.h"
#include "converter/ir/host_tensor.h"

namespace qrt::convert {

// One node's inputs ("" optional inputs are null) and the model's opset.
struct FloatOpContext {
  const IrNode& node;
  std::vector<const HostTensor*> inputs;
  int64_t opset;

  // Input k, or a FloatExecutorError naming the node when absent.
  const HostTensor& input(size_t k) const;
  const HostTensor* optional_input(size_t k) const;
  const HostTensor& float_input(size_t k) const;  // also checks the dtype
  [[noreturn]] void fail(const std::string& message) const;
};

using FloatOpFunction = std::vector<HostTensor> (*)(const FloatOpContext&);

// nullptr when the op type (default or com.microsoft domain) is not supported.
FloatOpFunction find_float_op(const std::string& op_type);

// Normalizes a possibly negative axis against `rank`; fails the node when out of range.
int64_t normalize_axis(const FloatOpContext& ctx, int64_t axis, int64_t rank);

// Kinds, each defined in its own file.
std::vector<HostTensor> run_conv(const FloatOpContext&);
std::vector<HostTensor> run_max_pool(const FloatOpContext&);
std::vector<HostTensor> run_average_pool(const FloatOpContext&);
std::vector<HostTensor> run_global_average_pool(const FloatOpContext&);
std::vector<HostTensor> run_gemm(const FloatOpContext&);
std::vector<HostTensor> run_matmul(const FloatOpContext&);
std::vector<HostTensor> run_binary(const FloatOpContext&);  // Add Sub Mul Div Pow
std::vector<HostTensor> run_unary(const FloatOpContext&);   // Relu Sigmoid Tanh ... Erf Gelu
std::vector<HostTensor> run_clip(const FloatOpContext&);
std::vector<HostTensor> run_batch_normalization(const FloatOpContext&);
std::vector<HostTensor> run_softmax(const FloatOpContext&);
std::vector<HostTensor> run_identity(const FloatOpContext&);  // Identity, Dropout
std::vector<HostTensor> run_constant(const FloatOpContext&);
std::vector<HostTensor> run_flatten(const FloatOpContext&);
std::vector<HostTensor> run_reshape(const FloatOpContext&);
std::vector<HostTensor> run_squeeze(const FloatOpContext&);
std::vector<HostTensor> run_unsqueeze(const FloatOpContext&);
std::vector<HostTensor> run_transpose(const FloatOpContext&);
std::vector<HostTensor> run_concat(const FloatOpContext&);
std::vector<HostTensor> run_pad(const FloatOpContext&);
std::vector<HostTensor> run_shape(const FloatOpContext&);
std::vector<HostTensor> run_gather(const FloatOpContext&);
std::vector<HostTensor> run_cast(const FloatOpContext&);
std::vector<HostTensor> run_layer_normalization(const FloatOpContext&);  // float_ops_norm.cc
std::vector<HostTensor> run_reduce_mean(const FloatOpContext&);
std::vector<HostTensor> run_expand(const FloatOpContext&);  // float_ops_expand.cc
std::vector<HostTensor> run_lstm(const FloatOpContext&);  // float_ops_rnn.cc
std::vector<HostTensor> run_gru(const FloatOpContext&);

}  // namespace qrt::convert
