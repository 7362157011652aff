// MAC counts for profiles (qrt_interpreter_get_op_profile, qbench --profile)
// and the compute limit (qrt_options_set_max_macs), from verified shapes.
// Products saturate at UINT64_MAX: a hostile file's shapes cannot wrap a
// count around to a small number and slip under the limit.
#include "runtime/ops/op_registry.h"

#include <limits>

namespace qrt {
namespace {

uint64_t saturating_mul(uint64_t a, uint64_t b) {
  uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<uint64_t>::max() : product;
}

uint64_t dim(const std::vector<int32_t>& shape, size_t i) { return static_cast<uint64_t>(shape[i]); }

}  // namespace

uint64_t op_macs(const Model& model, const OpDesc& op) {
  if (op.type == fb::OpType::BATCH_MATMUL) {  // output [..., M, N] times K (A's last dimension)
    if (op.inputs.size() < 2 || op.inputs[0] < 0 || op.outputs.empty()) return 0;
    const std::vector<int32_t>& a = model.tensors()[op.inputs[0]].shape;
    if (a.empty()) return 0;
    return saturating_mul(model.tensors()[op.outputs[0]].element_count, static_cast<uint64_t>(a.back()));
  }
  if (op.inputs.size() < 2 || op.inputs[1] < 0 || op.outputs.empty()) return 0;
  const TensorDesc& weights = model.tensors()[op.inputs[1]];
  const uint64_t outputs = model.tensors()[op.outputs[0]].element_count;
  const std::vector<int32_t>& w = weights.shape;
  switch (op.type) {
    case fb::OpType::CONV_2D:  // OHWI
    case fb::OpType::CONV_INTEGER:
    case fb::OpType::DYNAMIC_CONV_2D:
      if (w.size() != 4) return 0;
      return saturating_mul(saturating_mul(outputs, dim(w, 1)), saturating_mul(dim(w, 2), dim(w, 3)));
    case fb::OpType::DEPTHWISE_CONV_2D:  // 1HWC
      if (w.size() != 4) return 0;
      return saturating_mul(outputs, saturating_mul(dim(w, 1), dim(w, 2)));
    case fb::OpType::FULLY_CONNECTED:  // [N, K]
    case fb::OpType::DYNAMIC_FULLY_CONNECTED:
    case fb::OpType::MATMUL_INTEGER:
      if (w.size() != 2) return 0;
      return saturating_mul(outputs, dim(w, 1));
    case fb::OpType::LSTM:  // Y [S, D, B, H] times G * (I + H): W [D*G*H, I], R [D*G*H, H]
    case fb::OpType::GRU: {
      if (w.size() != 2 || op.inputs.size() < 3 || op.inputs[2] < 0) return 0;
      const std::vector<int32_t>& r = model.tensors()[op.inputs[2]].shape;
      if (r.size() != 2 || dim(r, 1) == 0) return 0;
      const uint64_t gates = op.type == fb::OpType::LSTM ? 4 : 3;
      return saturating_mul(saturating_mul(outputs, gates), dim(w, 1) + dim(r, 1));
    }
    case fb::OpType::FULLY_CONNECTED_W4:  // packed [N, ceil(K/2)]: K is the input's last dimension
      if (op.inputs[0] < 0 || model.tensors()[op.inputs[0]].shape.empty()) return 0;
      return saturating_mul(outputs, static_cast<uint64_t>(model.tensors()[op.inputs[0]].shape.back()));
    default:
      return 0;
  }
}

uint64_t op_compute_cost(const Model& model, const OpDesc& op) {
  if (op.outputs.empty()) return 0;
  if (op.type == fb::OpType::AVERAGE_POOL_2D || op.type == fb::OpType::MAX_POOL_2D) {
    const fb::Pool2DOptions* options = op.op != nullptr ? op.op->options_as_Pool2DOptions() : nullptr;
    if (options == nullptr || options->filter_h() <= 0 || options->filter_w() <= 0) return 0;
    const uint64_t outputs = model.tensors()[op.outputs[0]].element_count;
    return saturating_mul(outputs, saturating_mul(static_cast<uint64_t>(options->filter_h()),
                                                  static_cast<uint64_t>(options->filter_w())));
  }
  return op_macs(model, op);
}

}  // namespace qrt
