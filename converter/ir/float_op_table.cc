// Op type -> implementation. Gelu is ONNX (opset 20) and com.microsoft; the
// Erf-based GELU pattern runs node by node through Erf, Mul, Add and Div.
#include <map>

#include "converter/ir/float_ops.h"

namespace qrt::convert {

FloatOpFunction find_float_op(const std::string& op_type) {
  static const std::map<std::string, FloatOpFunction> table = {
      {"Conv", run_conv},
      {"MaxPool", run_max_pool},
      {"AveragePool", run_average_pool},
      {"GlobalAveragePool", run_global_average_pool},
      {"Gemm", run_gemm},
      {"MatMul", run_matmul},
      {"Add", run_binary},
      {"Sub", run_binary},
      {"Mul", run_binary},
      {"Div", run_binary},
      {"Pow", run_binary},
      {"Relu", run_unary},
      {"Sigmoid", run_unary},
      {"Tanh", run_unary},
      {"HardSwish", run_unary},
      {"HardSigmoid", run_unary},
      {"LeakyRelu", run_unary},
      {"Erf", run_unary},
      {"Gelu", run_unary},
      {"Sqrt", run_unary},
      {"Neg", run_unary},
      {"Exp", run_unary},
      {"Clip", run_clip},
      {"BatchNormalization", run_batch_normalization},
      {"Softmax", run_softmax},
      {"Identity", run_identity},
      {"Dropout", run_identity},
      {"Constant", run_constant},
      {"Flatten", run_flatten},
      {"Reshape", run_reshape},
      {"Squeeze", run_squeeze},
      {"Unsqueeze", run_unsqueeze},
      {"Transpose", run_transpose},
      {"Concat", run_concat},
      {"Pad", run_pad},
      {"Shape", run_shape},
      {"Gather", run_gather},
      {"Cast", run_cast},
      {"LayerNormalization", run_layer_normalization},
      {"ReduceMean", run_reduce_mean},
      {"Expand", run_expand},
      {"LSTM", run_lstm},
      {"GRU", run_gru},
  };
  const auto it = table.find(op_type);
  return it == table.end() ? nullptr : it->second;
}

}  // namespace qrt::convert
