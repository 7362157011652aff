// MAC counts for profiles (qrt_interpreter_get_op_profile, qbench --profile).
#include "runtime/ops/op_registry.h"

namespace qrt {

uint64_t op_macs(const Model& model, const OpDesc& op) {
  if (op.inputs.size() < 2 || op.inputs[1] < 0 || op.outputs.empty()) return 0;
  const TensorDesc& weights = model.tensors()[op.inputs[1]];
  const uint64_t outputs = model.tensors()[op.outputs[0]].element_count;
  const std::vector<int32_t>& w = weights.shape;
  switch (op.type) {
    case fb::OpType::CONV_2D:  // OHWI
      if (w.size() != 4) return 0;
      return outputs * static_cast<uint64_t>(w[1]) * static_cast<uint64_t>(w[2]) * static_cast<uint64_t>(w[3]);
    case fb::OpType::DEPTHWISE_CONV_2D:  // 1HWC
      if (w.size() != 4) return 0;
      return outputs * static_cast<uint64_t>(w[1]) * static_cast<uint64_t>(w[2]);
    case fb::OpType::FULLY_CONNECTED:  // [N, K]
      if (w.size() != 2) return 0;
      return outputs * static_cast<uint64_t>(w[1]);
    case fb::OpType::FULLY_CONNECTED_W4:  // packed [N, ceil(K/2)]: K is the input's last dimension
      if (op.inputs[0] < 0 || model.tensors()[op.inputs[0]].shape.empty()) return 0;
      return outputs * static_cast<uint64_t>(model.tensors()[op.inputs[0]].shape.back());
    default:
      return 0;
  }
}

}  // namespace qrt
