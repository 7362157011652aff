// One XNNPACK operator as a qrt op: created (weights packed) at prepare,
// set up on the arena once it exists, run by invoke.
#pragma once

#include <functional>
#include <string>

#include <xnnpack.h>

#include "kernels/requantization.h"
#include "runtime/backends/backend.h"

namespace qrt {

// xnn_initialize once per process (XNNPACK guards it too); false when this
// CPU is one XNNPACK does not support.
bool xnnpack_initialized();

const char* xnn_status_text(xnn_status status);

class XnnpackOp : public DelegatedOp {
 public:
  // Binds the operator to tensor memory: the op's xnn_setup_* call.
  using SetupFn = std::function<xnn_status(xnn_operator_t, uint8_t* const* tensor_data, pthreadpool_t)>;

  XnnpackOp(xnn_operator_t op, std::string kernel_name, SetupFn setup)
      : op_(op), kernel_name_(std::move(kernel_name)), setup_(std::move(setup)) {}
  ~XnnpackOp() override { xnn_delete_operator(op_); }
  XnnpackOp(const XnnpackOp&) = delete;
  XnnpackOp& operator=(const XnnpackOp&) = delete;

  Status bind(uint8_t* const* tensor_data, pthreadpool_t threadpool) override {
    const xnn_status status = setup_(op_, tensor_data, threadpool);
    if (status != xnn_status_success) {
      return error(QRT_UNSUPPORTED, kernel_name_ + " setup: " + xnn_status_text(status));
    }
    return ok_status();
  }
  // Setup fixed the pointers and the work split; the pool is the one bound.
  void run(const RunContext& c) const override { xnn_run_operator(op_, c.threadpool); }
  std::string kernel_name() const override { return kernel_name_; }

 private:
  xnn_operator_t op_;
  std::string kernel_name_;
  SetupFn setup_;
};

// XNNPACK refuses output_min >= output_max, which a fused activation on an
// extreme output scale or zero point gives (every output one value).
inline bool clamp_fits_xnnpack(ClampRange clamp, std::string* declined) {
  if (clamp.min < clamp.max) return true;
  *declined = "the fused activation leaves one output value (XNNPACK needs output_min < output_max)";
  return false;
}

// The int8 memory of tensor t.
inline const int8_t* s8_in(uint8_t* const* tensor_data, int32_t t) {
  return reinterpret_cast<const int8_t*>(tensor_data[t]);
}
inline int8_t* s8_out(uint8_t* const* tensor_data, int32_t t) { return reinterpret_cast<int8_t*>(tensor_data[t]); }

}  // namespace qrt
