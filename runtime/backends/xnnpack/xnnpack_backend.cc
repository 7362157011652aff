// Which ops the XNNPACK backend takes, and XNNPACK's one-time setup.
#include "runtime/backends/xnnpack/xnnpack_backend.h"

#include "runtime/backends/xnnpack/xnnpack_operator.h"
#include "runtime/backends/xnnpack/xnnpack_ops.h"

namespace qrt {

bool xnnpack_backend_available() { return true; }

bool xnnpack_initialized() {
  // XNNPACK initializes once per process and is never torn down: interpreters
  // of any thread share it. A static local is initialized exactly once.
  static const bool initialized = xnn_initialize(nullptr) == xnn_status_success;
  return initialized;
}

const char* xnn_status_text(xnn_status status) {
  switch (status) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "XNNPACK is not initialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
    default: return "unknown status";
  }
}

void xnnpack_prepare_op(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                        std::string* declined) {
  prepared->reset();
  declined->clear();
  if (!xnnpack_initialized()) {
    *declined = "XNNPACK does not support this CPU";
    return;
  }
  // The loader validated every op; checking again here is cheap and keeps
  // shapes and options XNNPACK would trust out of its reach if it did not.
  const Status valid = validate_op(model, op);
  if (!valid.ok()) {
    *declined = valid.message;
    return;
  }
  switch (op.type) {
    case fb::OpType::CONV_2D: return xnnpack_prepare_conv2d(model, op, prepared, declined);
    case fb::OpType::DEPTHWISE_CONV_2D: return xnnpack_prepare_depthwise_conv2d(model, op, prepared, declined);
    case fb::OpType::FULLY_CONNECTED: return xnnpack_prepare_fully_connected(model, op, prepared, declined);
    case fb::OpType::ADD:
    case fb::OpType::SUB:
    case fb::OpType::MUL: return xnnpack_prepare_binary(model, op, prepared, declined);
    case fb::OpType::MAX_POOL_2D: return xnnpack_prepare_max_pool2d(model, op, prepared, declined);
    case fb::OpType::MEAN: return xnnpack_prepare_mean(model, op, prepared, declined);
    case fb::OpType::LOGISTIC:
    case fb::OpType::TANH: return xnnpack_prepare_sigmoid_tanh(model, op, prepared, declined);
    default: *declined = "XNNPACK has no int8 operator for this op in this version";
  }
}

}  // namespace qrt
