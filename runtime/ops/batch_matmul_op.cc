#include "runtime/ops/batch_matmul_op.h"

#include <algorithm>
#include <new>

#include "kernels/batch_matmul_s8.h"

namespace qrt {
namespace {

// 64-byte aligned storage (packed B and A panels, as the GEMM ops use).
constexpr size_t kAlignment = 64;
void release_aligned(uint8_t* p) { ::operator delete[](p, std::align_val_t(kAlignment)); }
using Buffer = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>;
Buffer allocate_aligned(size_t bytes) {
  return Buffer(new (std::align_val_t(kAlignment), std::nothrow) uint8_t[std::max<size_t>(bytes, 1)], release_aligned);
}

class BatchMatMulGemmOp : public PreparedOp {
 public:
  BatchMatMulGemmOp(const reference::BatchMatMulParams& params, const GemmKernel& gemm, Buffer packed_b,
                    Buffer panels, const OpDesc& op)
      : params_(params), gemm_(gemm), packed_b_(std::move(packed_b)),
        packed_b_stride_(packed_b_stride(gemm.layout, params)), panels_(std::move(panels)),
        panel_stride_(gemm_scratch_stride(gemm.layout, params.k)), a_(op.inputs[0]), b_(op.inputs[1]),
        output_(op.outputs[0]) {}

  static size_t packed_b_stride(const GemmLayout& layout, const reference::BatchMatMulParams& params) {
    return (batch_matmul_packed_b_size(layout, params) + kAlignment - 1) / kAlignment * kAlignment;
  }

  // One A panel and one packed B per thread: small batches run one per
  // thread (batch_matmul_s8_gemm).
  Status set_thread_count(size_t threads) override {
    threads = std::max<size_t>(threads, 1);
    if (threads == panel_count_) return ok_status();
    Buffer panels = allocate_aligned(threads * panel_stride_);
    Buffer packed_b = allocate_aligned(threads * packed_b_stride_);
    if (!panels || !packed_b) return error(QRT_OUT_OF_MEMORY, "cannot allocate the per-thread BATCH_MATMUL scratch");
    for (size_t i = 0; i < threads; ++i) {
      batch_matmul_init_packed_b(gemm_.layout, params_, packed_b.get() + i * packed_b_stride_);
    }
    panels_ = std::move(panels);
    packed_b_ = std::move(packed_b);
    panel_count_ = threads;
    return ok_status();
  }

  void run(const RunContext& c) const override {
    BatchMatMulScratch scratch;
    scratch.packed_b = packed_b_.get();
    scratch.packed_b_stride = packed_b_stride_;
    scratch.packed_b_count = panel_count_;
    scratch.panels = panels_.get();
    scratch.panel_stride = panel_stride_;
    scratch.panel_count = panel_count_;
    batch_matmul_s8_gemm(gemm_.layout, gemm_.run, params_, reinterpret_cast<const int8_t*>(c.tensor_data[a_]),
                         reinterpret_cast<const int8_t*>(c.tensor_data[b_]),
                         reinterpret_cast<int8_t*>(c.tensor_data[output_]), scratch, c.threadpool);
  }

  std::string kernel_name() const override { return gemm_.name; }

 private:
  reference::BatchMatMulParams params_;
  GemmKernel gemm_;
  Buffer packed_b_;  // this interpreter's, one per thread: rewritten by every run
  size_t packed_b_stride_;
  Buffer panels_;
  size_t panel_stride_;
  size_t panel_count_ = 1;
  int32_t a_, b_, output_;
};

}  // namespace

bool batch_matmul_fits_gemm(const reference::BatchMatMulParams& params, const GemmKernel& gemm) {
  return gemm.run != nullptr && gemm.pack == &gemm_pack && params.m >= 1 && params.n >= 1 && params.k >= 1;
}

Status make_batch_matmul_gemm_op(const reference::BatchMatMulParams& params, const GemmKernel& gemm,
                                 const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  Buffer packed_b = allocate_aligned(batch_matmul_packed_b_size(gemm.layout, params));
  Buffer panels = allocate_aligned(gemm_scratch_stride(gemm.layout, params.k));
  if (!packed_b || !panels) return error(QRT_OUT_OF_MEMORY, "cannot allocate the BATCH_MATMUL scratch");
  batch_matmul_init_packed_b(gemm.layout, params, packed_b.get());
  prepared->reset(new BatchMatMulGemmOp(params, gemm, std::move(packed_b), std::move(panels), op));
  return ok_status();
}

}  // namespace qrt
