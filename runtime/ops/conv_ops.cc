// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: the accumulating ops. They
// share the weight, bias and epilogue checks and setup below.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <string>

#include "kernels/kernel_table.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

// The largest |int8 - zero point| product is 255 * 255; int32 accumulators
// over `depth` of them plus the bias must not overflow.
constexpr int64_t kMaxProduct = 255 * 255;

Status check_activation(fb::Activation activation) {
  const int value = static_cast<int>(activation);
  if (value < 0 || value > static_cast<int>(fb::Activation::MAX)) {
    return error(QRT_INVALID_MODEL, "unknown fused activation " + std::to_string(value));
  }
  return ok_status();
}

// int8 constant, per tensor (any zero point) or per channel along `axis`
// with `channels` scales and zero points all 0.
Status check_weights(const TensorDesc* w, int axis, int32_t channels) {
  QRT_RETURN_IF_ERROR(check_required(w, "weights"));
  if (w->dtype != DType::kInt8 || !w->is_constant() || !w->quantization.present()) {
    return error(QRT_UNSUPPORTED, "weights " + describe_tensor(*w) + " must be a quantized int8 constant");
  }
  if (w->quantization.per_channel()) {
    if (w->quantization.channel_axis != axis) {
      return error(QRT_INVALID_MODEL, "weights " + describe_tensor(*w) + " are quantized along axis " +
                                          std::to_string(w->quantization.channel_axis) + ", not the output channel axis " +
                                          std::to_string(axis));
    }
    for (int32_t zp : w->quantization.zero_points) {
      if (zp != 0) {
        return error(QRT_UNSUPPORTED, "per-channel weights " + describe_tensor(*w) + " must have zero point 0");
      }
    }
  }
  (void)channels;  // the loader already matched the scale count to the axis length
  return ok_status();
}

// Optional int32 constant [channels]; bounded so int32 accumulation is safe.
Status check_bias(const TensorDesc* b, int32_t channels, int64_t depth) {
  const int64_t worst_sum = depth * kMaxProduct;
  if (worst_sum >= (int64_t{1} << 31)) {
    return error(QRT_UNSUPPORTED, "accumulation depth " + std::to_string(depth) +
                                      " could overflow int32 accumulators");
  }
  if (b == nullptr) return ok_status();
  if (b->dtype != DType::kInt32 || !b->is_constant()) {
    return error(QRT_INVALID_MODEL, "bias " + describe_tensor(*b) + " must be an int32 constant");
  }
  if (b->element_count != static_cast<size_t>(channels)) {
    return error(QRT_INVALID_MODEL, "bias " + describe_tensor(*b) + " should have " + std::to_string(channels) +
                                        " values");
  }
  const int64_t headroom = (int64_t{1} << 31) - 1 - worst_sum;
  for (size_t i = 0; i < b->element_count; ++i) {
    int32_t value;
    std::memcpy(&value, b->data + i * sizeof(int32_t), sizeof(value));
    if (std::llabs(value) > headroom) {
      return error(QRT_UNSUPPORTED, "bias value " + std::to_string(value) + " at " + std::to_string(i) +
                                        " could overflow int32 accumulators");
    }
  }
  return ok_status();
}

// Every channel's real multiplier input_scale * weight_scale / output_scale
// must be below 256, as XNNPACK requires; smaller ones down to 0 are fine.
Status check_epilogue_scales(const TensorDesc& input, const TensorDesc& weights, const TensorDesc& output) {
  for (float ws : weights.quantization.scales) {
    const double real = static_cast<double>(input.scale()) * ws / output.scale();
    if (!(real < 256.0)) {
      return error(QRT_UNSUPPORTED, "requantization scale " + std::to_string(real) +
                                        " (input x weight / output) is not below 256");
    }
  }
  return ok_status();
}

// TFLite computes int8 CONV_2D and FULLY_CONNECTED through ruy (single
// rounding), legacy uint8 ones through gemmlowp on x86 and WASM builds
// (double rounding), and DEPTHWISE_CONV_2D with double rounding: the
// fixedpoint rule follows each, so imported models give TFLite's bytes
// (checked tensor by tensor with scripts/tflite-parity.sh). A uint8 model is
// known by double_rounding (set by the TFLite importer) or by asymmetric
// per-tensor weights (which int8 TFLite forbids; a uint8 weight zero point of
// 128 becomes 0, hence the flag).
FixedPointRounding tflite_rounding(const OpDesc& op, const TensorDesc& weights) {
  bool double_rounding = op.type == fb::OpType::DEPTHWISE_CONV_2D ||
                         (!weights.quantization.per_channel() && weights.zero_point() != 0);
  if (op.type == fb::OpType::CONV_2D) double_rounding |= op.op->options_as_Conv2DOptions()->double_rounding();
  if (op.type == fb::OpType::FULLY_CONNECTED) {
    double_rounding |= op.op->options_as_FullyConnectedOptions()->double_rounding();
  }
  return double_rounding ? FixedPointRounding::kDouble : FixedPointRounding::kSingle;
}

// Whether the options ask for TFLite's float32 input x weight scale product
// (see scale_product_f32 in schema/qfb.fbs).
bool scale_product_f32(const OpDesc& op) {
  switch (op.type) {
    case fb::OpType::CONV_2D: return op.op->options_as_Conv2DOptions()->scale_product_f32();
    case fb::OpType::DEPTHWISE_CONV_2D: return op.op->options_as_DepthwiseConv2DOptions()->scale_product_f32();
    case fb::OpType::FULLY_CONNECTED: return op.op->options_as_FullyConnectedOptions()->scale_product_f32();
    default: return false;
  }
}

OutputRequantStorage make_epilogue(const OpDesc& op, const TensorDesc& input, const TensorDesc& weights,
                                   const TensorDesc& output, fb::Activation activation) {
  const ClampRange clamp = activation_range_s8(static_cast<FusedActivation>(activation), output.scale(),
                                               output.zero_point());
  const std::vector<float>& weight_scales = weights.quantization.scales;
  if (op.rule == RequantRule::kFixedPoint && scale_product_f32(op)) {
    // The products rounded to float32, then divided in double (input scale 1).
    // An overflowing product keeps the double one: the scales were checked.
    std::vector<float> products(weight_scales.size());
    bool finite = true;
    for (size_t c = 0; c < products.size(); ++c) {
      products[c] = input.scale() * weight_scales[c];
      finite = finite && std::isfinite(products[c]);
    }
    if (finite) {
      return make_output_requant(op.rule, 1.0f, products.data(), products.size(), output.scale(),
                                 output.zero_point(), clamp, tflite_rounding(op, weights));
    }
  }
  return make_output_requant(op.rule, input.scale(), weight_scales.data(), weight_scales.size(), output.scale(),
                             output.zero_point(), clamp, tflite_rounding(op, weights));
}

// Per-channel weights are symmetric; per-tensor ones may carry a zero point.
int32_t filter_zero_point(const TensorDesc& weights) {
  return weights.quantization.per_channel() ? 0 : weights.zero_point();
}

const int32_t* bias_data(const TensorDesc* bias) {
  return bias ? reinterpret_cast<const int32_t*>(bias->data) : nullptr;
}

// 64-byte aligned storage for packed weights, indirection buffers and scratch.
constexpr size_t kPackedAlignment = 64;
void release_aligned(uint8_t* p) { ::operator delete[](p, std::align_val_t(kPackedAlignment)); }
using Buffer = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>;
Buffer allocate_aligned(size_t bytes) {
  return Buffer(new (std::align_val_t(kPackedAlignment), std::nothrow) uint8_t[std::max<size_t>(bytes, 1)],
                release_aligned);
}

// One A panel per thread (gemm_run_parallel and igemm_run_parallel give each
// range its own), stride bytes apart; grown when the thread count changes.
struct PanelScratch {
  Buffer panels;
  size_t stride;
  size_t count = 1;
  Status resize(size_t threads, const char* what) {
    threads = std::max<size_t>(threads, 1);
    if (threads == count) return ok_status();
    Buffer grown = allocate_aligned(threads * stride);
    if (!grown) return error(QRT_OUT_OF_MEMORY, std::string("cannot allocate the per-thread ") + what + " scratch");
    panels = std::move(grown);
    count = threads;
    return ok_status();
  }
};

// ---- Where packed weights come from -----------------------------------------
// The model's cache (runtime/packed_weights.h): packed once per model and
// kernel format, from the file when it carries that packing, shared by every
// interpreter. The format names everything about the layout the packing
// function depends on; a family with its own packing function must name a
// new one, and a change to gemm_pack's or dwconv_pack's layout must bump the
// "_v1" so that files packed before it are repacked.

size_t op_index(const Model& model, const OpDesc& op) { return static_cast<size_t>(&op - model.ops().data()); }

std::string gemm_format(const GemmLayout& layout) {
  return "qs8_gemm_v1 nr" + std::to_string(layout.nr) + " kr" + std::to_string(layout.kr) + " offset" +
         std::to_string(layout.input_offset) + (layout.w_element_size == 2 ? " w16" : "");
}

// The small-channel direct convolution's packings (conv_smallcin_s8.h): the
// GEMM layout of W - filter_zero_point with a zero filter zero point, so not
// interchangeable with qs8_gemm_v1 when the weights have a zero point; or
// int16 pairs, whose order depends on the geometry too (the filter's shape,
// and for dilated rows whether the last row pairs values across taps).
std::string conv_smallcin_format(const ConvSmallCinKernel& kernel, const ConvSmallCinRunParams& p) {
  const GemmLayout& layout = kernel.layout;
  if (kernel.scheme == ConvSmallCinScheme::kPairs) {
    return "qs8_conv_smallcin_pairs_v1 nr" + std::to_string(layout.nr) + (p.dilation_width == 1 ? "" : " tap_runs");
  }
  return "qs8_conv_smallcin_v1 nr" + std::to_string(layout.nr) + " kr" + std::to_string(layout.kr) + " offset" +
         std::to_string(layout.input_offset);
}

std::string dwconv_format(int channel_tile) { return "qs8_dwconv_v1 ct" + std::to_string(channel_tile); }
std::string dwconv3x3_c4_format() {
  return "qs8_dwconv3x3c4_v2 ct" + std::to_string(kDwconv3x3C4ChannelTile);
}

uint64_t digest_values(uint64_t h, std::initializer_list<int64_t> values) {
  for (int64_t v : values) h = digest_bytes(h, &v, sizeof(v));
  return h;
}

uint64_t digest_requant(uint64_t h, const OutputRequant& r, size_t channels) {
  h = digest_values(h, {static_cast<int64_t>(r.rule), static_cast<int64_t>(r.rounding), r.per_channel, r.zero_point,
                        r.min, r.max});
  const size_t count = r.per_channel ? channels : 1;
  if (r.rule == RequantRule::kFp32) return digest_bytes(h, r.scales, count * sizeof(float));
  for (size_t c = 0; c < count; ++c) h = digest_values(h, {r.multipliers[c].multiplier, r.multipliers[c].shift});
  return h;
}

// The source digest a file packing's checksum starts from: every value
// packing reads except the weight bytes (the bias included). Skipping the
// weights keeps a packed prepare from reading them at all; a blob is then as
// trustworthy as the plain weights, which no file checksums either
// (docs/format.md, Packed weights).
uint64_t gemm_source_digest(const GemmPackParams& p) {
  uint64_t h = digest_values(0, {p.n, p.k, p.input_zero_point, p.filter_zero_point, p.bias != nullptr});
  h = digest_requant(h, p.requant, static_cast<size_t>(p.n));
  return p.bias ? digest_bytes(h, p.bias, static_cast<size_t>(p.n) * sizeof(int32_t)) : h;
}

uint64_t dwconv_source_digest(const DwconvPackParams& p) {
  uint64_t h = digest_values(0, {p.channels, p.kernel_height, p.kernel_width, p.input_zero_point,
                                 p.filter_zero_point, p.bias != nullptr});
  h = digest_requant(h, p.requant, static_cast<size_t>(p.channels));
  return p.bias ? digest_bytes(h, p.bias, static_cast<size_t>(p.channels) * sizeof(int32_t)) : h;
}

template <typename KernelT>
Status shared_gemm_packing(const Model& model, const OpDesc& op, const KernelT& kernel, const GemmPackParams& pack,
                           const PackedWeights** packed) {
  PackRequest request;
  request.op = op_index(model, op);
  request.format = gemm_format(kernel.layout);
  request.size = kernel.packed_size(pack.requant.rule, pack.n, pack.k);
  request.source_digest = [&] { return gemm_source_digest(pack); };
  request.pack = [&](void* out) { kernel.pack(kernel.layout, pack, out); };
  return model.packed_weights().find_or_pack(request, packed);
}

// Shared by the three ops: the prepared params, their epilogue storage, the
// kernel, and the tensors it reads and writes.
template <typename Params, typename Fn>
class AccumulatingOp : public PreparedOp {
 public:
  AccumulatingOp(Params params, OutputRequantStorage epilogue, Kernel<Fn> kernel, const OpDesc& op,
                 const int32_t* bias)
      : params_(params), epilogue_(std::move(epilogue)), kernel_(kernel), input_(op.inputs[0]),
        weights_(op.inputs[1]), output_(op.outputs[0]), bias_(bias) {
    params_.requant = epilogue_.requant;
  }
  void run(const RunContext& c) const override {
    kernel_.run(params_, reinterpret_cast<const int8_t*>(c.tensor_data[input_]),
                reinterpret_cast<const int8_t*>(c.tensor_data[weights_]), bias_,
                reinterpret_cast<int8_t*>(c.tensor_data[output_]));
  }
  std::string kernel_name() const override { return kernel_.name; }

 private:
  Params params_;
  OutputRequantStorage epilogue_;
  Kernel<Fn> kernel_;
  int32_t input_, weights_, output_;
  const int32_t* bias_;
};

template <typename Params, typename Fn>
std::unique_ptr<PreparedOp> make_accumulating_op(Params params, OutputRequantStorage epilogue, Kernel<Fn> kernel,
                                                 const OpDesc& op, const TensorDesc* bias) {
  return std::make_unique<AccumulatingOp<Params, Fn>>(params, std::move(epilogue), kernel, op, bias_data(bias));
}

// FULLY_CONNECTED and 1x1 CONV_2D on the table's packed GEMM kernel. The
// weights in the kernel's layout (bias, zero points and the requantization
// values folded in) come from the model's cache, shared by its interpreters.
class PackedGemmOp : public PreparedOp {
 public:
  static Status make(const Model& model, const GemmKernel& kernel, const GemmPackParams& pack, size_t m,
                     const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
    const PackedWeights* packed = nullptr;
    QRT_RETURN_IF_ERROR(shared_gemm_packing(model, op, kernel, pack, &packed));
    Buffer scratch = allocate_aligned(gemm_scratch_stride(kernel.layout, pack.k));
    if (!scratch) return error(QRT_OUT_OF_MEMORY, "cannot allocate the GEMM scratch");
    const GemmRunParams params = make_gemm_run_params(pack, m, static_cast<size_t>(pack.k), static_cast<size_t>(pack.n));
    prepared->reset(new PackedGemmOp(kernel, params, packed, std::move(scratch), op));
    return ok_status();
  }
  Status set_thread_count(size_t threads) override { return scratch_.resize(threads, "GEMM"); }
  void run(const RunContext& c) const override {
    gemm_run_parallel(kernel_.run, kernel_.layout, params_, reinterpret_cast<const int8_t*>(c.tensor_data[input_]),
                      packed_->data, scratch_.panels.get(), scratch_.stride, scratch_.count,
                      reinterpret_cast<int8_t*>(c.tensor_data[output_]), c.threadpool);
  }
  std::string kernel_name() const override { return kernel_.name; }
  const PackedWeights* packed_weights() const override { return packed_; }

 private:
  PackedGemmOp(const GemmKernel& kernel, const GemmRunParams& params, const PackedWeights* packed, Buffer scratch,
               const OpDesc& op)
      : kernel_(kernel), params_(params), packed_(packed), scratch_{std::move(scratch), gemm_scratch_stride(kernel.layout, params.k)}, input_(op.inputs[0]),
        output_(op.outputs[0]) {}

  GemmKernel kernel_;
  GemmRunParams params_;
  const PackedWeights* packed_;  // owned by the model's cache
  PanelScratch scratch_;
  int32_t input_, output_;
};

// Every other ungrouped CONV_2D on the table's IGEMM kernel (conv_s8.h):
// weights packed as for the GEMM with K = taps * input channels, and the
// indirection buffer (input offsets per output pixel and tap) and the padding
// row of input zero points built here, once.
class PackedConvOp : public PreparedOp {
 public:
  static Status make(const Model& model, const ConvKernel& kernel, const reference::Conv2DParams& p,
                     const GemmPackParams& pack, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
    const size_t indirection_bytes = conv_indirection_size(p) * sizeof(int32_t);
    const PackedWeights* packed = nullptr;
    QRT_RETURN_IF_ERROR(shared_gemm_packing(model, op, kernel, pack, &packed));
    Buffer scratch = allocate_aligned(gemm_scratch_stride(kernel.layout, pack.k));
    Buffer indirection = allocate_aligned(indirection_bytes);
    Buffer zero_row = allocate_aligned(static_cast<size_t>(p.input_channels));
    if (!scratch || !indirection || !zero_row) {
      return error(QRT_OUT_OF_MEMORY, "cannot allocate the convolution's scratch and indirection buffer");
    }
    conv_build_indirection(p, reinterpret_cast<int32_t*>(indirection.get()));
    std::memset(zero_row.get(), static_cast<uint8_t>(static_cast<int8_t>(p.input_zero_point)),
                static_cast<size_t>(p.input_channels));
    IgemmRunParams params;
    params.gemm = make_gemm_run_params(pack, conv_indirection_size(p) / (p.kernel_height * p.kernel_width), 0,
                                       static_cast<size_t>(pack.n));
    params.taps = p.kernel_height * p.kernel_width;
    params.channels = p.input_channels;
    params.offsets = reinterpret_cast<const int32_t*>(indirection.get());
    params.zero_row = reinterpret_cast<const int8_t*>(zero_row.get());
    prepared->reset(new PackedConvOp(kernel, params, packed, std::move(scratch), std::move(indirection),
                                     std::move(zero_row), op));
    return ok_status();
  }
  Status set_thread_count(size_t threads) override { return scratch_.resize(threads, "convolution"); }
  void run(const RunContext& c) const override {
    igemm_run_parallel(kernel_.run, kernel_.layout, params_, reinterpret_cast<const int8_t*>(c.tensor_data[input_]),
                       packed_->data, scratch_.panels.get(), scratch_.stride, scratch_.count,
                       reinterpret_cast<int8_t*>(c.tensor_data[output_]), c.threadpool);
  }
  std::string kernel_name() const override { return kernel_.name; }
  const PackedWeights* packed_weights() const override { return packed_; }

 private:
  PackedConvOp(const ConvKernel& kernel, const IgemmRunParams& params, const PackedWeights* packed, Buffer scratch,
               Buffer indirection, Buffer zero_row, const OpDesc& op)
      : kernel_(kernel), params_(params), packed_(packed),
        scratch_{std::move(scratch), gemm_scratch_stride(kernel.layout, params.gemm.k)},
        indirection_(std::move(indirection)), zero_row_(std::move(zero_row)), input_(op.inputs[0]),
        output_(op.outputs[0]) {}

  ConvKernel kernel_;
  IgemmRunParams params_;  // points into indirection_ and zero_row_
  const PackedWeights* packed_;  // owned by the model's cache
  PanelScratch scratch_;
  Buffer indirection_;
  Buffer zero_row_;
  int32_t input_, output_;
};

// An ungrouped CONV_2D with few input channels (the first layer of image
// networks) on the table's direct small-channel kernel (conv_smallcin_s8.h):
// weights packed (with the filter zero point folded in) through the model's
// cache; invoke splits the output rows over the thread pool, each range with
// its own padded rows and patch buffer.
class PackedSmallCinConvOp : public PreparedOp {
 public:
  static Status make(const Model& model, const ConvSmallCinKernel& kernel, const reference::Conv2DParams& p,
                     const GemmPackParams& pack, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
    const ConvSmallCinRunParams params = make_conv_smallcin_run_params(p);
    PackRequest request;
    request.op = op_index(model, op);
    request.format = conv_smallcin_format(kernel, params);
    request.size = kernel.packed_size(params);
    request.source_digest = [&] { return gemm_source_digest(pack); };
    request.pack = [&](void* out) { kernel.pack(params, pack, out); };
    const PackedWeights* packed = nullptr;
    QRT_RETURN_IF_ERROR(model.packed_weights().find_or_pack(request, &packed));
    const size_t stride = kernel.scratch_stride(params);
    Buffer scratch = allocate_aligned(stride);
    if (!scratch) return error(QRT_OUT_OF_MEMORY, "cannot allocate the convolution's row and patch scratch");
    prepared->reset(new PackedSmallCinConvOp(kernel, params, packed, std::move(scratch), stride, op));
    return ok_status();
  }
  Status set_thread_count(size_t threads) override { return scratch_.resize(threads, "convolution"); }
  void run(const RunContext& c) const override {
    conv_smallcin_run_parallel(kernel_.run, params_, reinterpret_cast<const int8_t*>(c.tensor_data[input_]),
                               packed_->data, scratch_.panels.get(), scratch_.stride, scratch_.count,
                               reinterpret_cast<int8_t*>(c.tensor_data[output_]), c.threadpool);
  }
  std::string kernel_name() const override { return kernel_.name; }
  const PackedWeights* packed_weights() const override { return packed_; }

 private:
  PackedSmallCinConvOp(const ConvSmallCinKernel& kernel, const ConvSmallCinRunParams& params,
                       const PackedWeights* packed, Buffer scratch, size_t stride, const OpDesc& op)
      : kernel_(kernel), params_(params), packed_(packed), scratch_{std::move(scratch), stride},
        input_(op.inputs[0]), output_(op.outputs[0]) {}

  ConvSmallCinKernel kernel_;
  ConvSmallCinRunParams params_;
  const PackedWeights* packed_;  // owned by the model's cache
  PanelScratch scratch_;
  int32_t input_, output_;
};

// DEPTHWISE_CONV_2D (depth multiplier 1) on the table's packed depthwise
// kernels: the 3x3 one for 3x3 filters without dilation, else the generic
// one. Weights, bias, zero points and the epilogue are packed once, here;
// invoke splits the output rows over the thread pool.
class PackedDwconvOp : public PreparedOp {
 public:
  static Status make(const Model& model, const DwconvKernel& kernel, const reference::DepthwiseConv2DParams& p,
                     const int32_t* bias, const int8_t* weights, const OpDesc& op,
                     std::unique_ptr<PreparedOp>* prepared) {
    DwconvPackParams pack;
    pack.channels = p.input_channels;
    pack.kernel_height = p.kernel_height;
    pack.kernel_width = p.kernel_width;
    pack.weights = weights;
    pack.bias = bias;
    pack.input_zero_point = p.input_zero_point;
    pack.filter_zero_point = p.filter_zero_point;
    pack.requant = p.requant;
    const bool is_3x3 = kernel.run_3x3 != nullptr && p.kernel_height == 3 && p.kernel_width == 3 &&
                        p.dilation_height == 1 && p.dilation_width == 1;
    // The int8 3x3 packing when the table has its kernel and the weights fit.
    const bool c4 = is_3x3 && kernel.run_3x3_c4 != nullptr && dwconv3x3_c4_fits(pack);
    PackRequest request;
    request.op = op_index(model, op);
    request.source_digest = [&] { return dwconv_source_digest(pack); };
    if (c4) {
      request.format = dwconv3x3_c4_format();
      request.size = dwconv3x3_c4_packed_size(pack.requant.rule, pack.channels);
      request.pack = [&](void* out) { dwconv3x3_c4_pack(pack, out); };
    } else {
      request.format = dwconv_format(kernel.channel_tile);
      request.size = kernel.packed_size(pack.requant.rule, pack.channels, pack.kernel_height * pack.kernel_width);
      request.pack = [&](void* out) { kernel.pack(pack, out); };
    }
    const PackedWeights* packed = nullptr;
    QRT_RETURN_IF_ERROR(model.packed_weights().find_or_pack(request, &packed));
    DwconvRunParams r = make_dwconv_run_params(pack);
    r.batch = p.batch;
    r.input_height = p.input_height;
    r.input_width = p.input_width;
    r.output_height = p.output_height;
    r.output_width = p.output_width;
    r.stride_height = p.stride_height;
    r.stride_width = p.stride_width;
    r.dilation_height = p.dilation_height;
    r.dilation_width = p.dilation_width;
    r.pad_top = p.pad_top;
    r.pad_left = p.pad_left;
    const char* name = c4 ? kernel.name_3x3_c4 : is_3x3 ? kernel.name_3x3 : kernel.name;
    DwconvRunFn* run = c4 ? kernel.run_3x3_c4 : is_3x3 ? kernel.run_3x3 : kernel.run;
    prepared->reset(new PackedDwconvOp(name, run, r, packed, op));
    return ok_status();
  }
  void run(const RunContext& c) const override {
    dwconv_run_parallel(run_, params_, reinterpret_cast<const int8_t*>(c.tensor_data[input_]), packed_->data,
                        reinterpret_cast<int8_t*>(c.tensor_data[output_]), c.threadpool);
  }
  std::string kernel_name() const override { return name_; }
  const PackedWeights* packed_weights() const override { return packed_; }

 private:
  PackedDwconvOp(const char* name, DwconvRunFn* run, const DwconvRunParams& params, const PackedWeights* packed,
                 const OpDesc& op)
      : name_(name), run_(run), params_(params), packed_(packed), input_(op.inputs[0]),
        output_(op.outputs[0]) {}

  const char* name_;
  DwconvRunFn* run_;
  DwconvRunParams params_;
  const PackedWeights* packed_;  // owned by the model's cache
  int32_t input_, output_;
};

// The GEMM view of an accumulating op's weights [n][k], bias and epilogue.
GemmPackParams gemm_pack_params(const TensorDesc& input, const TensorDesc& weights, const TensorDesc* bias, int n,
                                int k, const OutputRequant& requant) {
  GemmPackParams g;
  g.n = n;
  g.k = k;
  g.weights = reinterpret_cast<const int8_t*>(weights.data);
  g.bias = bias_data(bias);
  g.input_zero_point = input.zero_point();
  g.filter_zero_point = filter_zero_point(weights);
  g.requant = requant;
  return g;
}

// ---- CONV_2D ---------------------------------------------------------------

WindowOptions conv_window(const fb::Conv2DOptions& o) {
  WindowOptions w = window_options(o);
  w.dilation_h = o.dilation_h();
  w.dilation_w = o.dilation_w();
  return w;
}

struct ConvShapes {
  const TensorDesc *input, *weights, *bias;
  const TensorDesc* output;
  WindowGeometry geometry;
};

// The tensors CONV_2D and DEPTHWISE_CONV_2D share: int8 NHWC input and
// output, rank-4 weights, optional bias.
Status check_window_op_tensors(const Model& model, const OpDesc& op, ConvShapes* s) {
  s->input = op_input(model, op, 0);
  s->weights = op_input(model, op, 1);
  s->bias = op_input(model, op, 2);
  s->output = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(s->input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(s->output, "output"));
  QRT_RETURN_IF_ERROR(check_rank(*s->input, 4, "input"));
  QRT_RETURN_IF_ERROR(check_rank(*s->output, 4, "output"));
  QRT_RETURN_IF_ERROR(check_required(s->weights, "weights"));
  QRT_RETURN_IF_ERROR(check_rank(*s->weights, 4, "weights"));
  return ok_status();
}

Status check_conv2d(const Model& model, const OpDesc& op, ConvShapes* s) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const fb::Conv2DOptions* o = op.op->options_as_Conv2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "Conv2DOptions"));
  QRT_RETURN_IF_ERROR(check_window_op_tensors(model, op, s));
  QRT_RETURN_IF_ERROR(check_activation(o->activation()));
  const int in_c = s->input->shape[3];
  const int out_c = s->weights->shape[0];
  const int groups = o->groups();
  if (groups < 1 || in_c % groups != 0 || out_c % groups != 0) {
    return error(QRT_INVALID_MODEL, "groups " + std::to_string(groups) + " must divide input channels " +
                                        std::to_string(in_c) + " and output channels " + std::to_string(out_c));
  }
  if (s->weights->shape[3] != in_c / groups) {
    return error(QRT_INVALID_MODEL, "weights " + describe_tensor(*s->weights) + " have " +
                                        std::to_string(s->weights->shape[3]) + " input channels per group, input " +
                                        describe_tensor(*s->input) + " with " + std::to_string(groups) +
                                        " groups needs " + std::to_string(in_c / groups));
  }
  QRT_RETURN_IF_ERROR(check_weights(s->weights, 0, out_c));
  const int64_t depth = int64_t{s->weights->shape[1]} * s->weights->shape[2] * s->weights->shape[3];
  QRT_RETURN_IF_ERROR(check_bias(s->bias, out_c, depth));
  QRT_RETURN_IF_ERROR(resolve_window(conv_window(*o), s->input->shape[1], s->input->shape[2],
                                     s->weights->shape[1], s->weights->shape[2], &s->geometry));
  QRT_RETURN_IF_ERROR(check_shape(*s->output,
                                  {s->input->shape[0], s->geometry.rows.output_size, s->geometry.cols.output_size, out_c},
                                  "output"));
  return check_epilogue_scales(*s->input, *s->weights, *s->output);
}

// ---- DEPTHWISE_CONV_2D -----------------------------------------------------

WindowOptions depthwise_window(const fb::DepthwiseConv2DOptions& o) {
  WindowOptions w = window_options(o);
  w.dilation_h = o.dilation_h();
  w.dilation_w = o.dilation_w();
  return w;
}

Status check_depthwise_conv2d(const Model& model, const OpDesc& op, ConvShapes* s) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const fb::DepthwiseConv2DOptions* o = op.op->options_as_DepthwiseConv2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "DepthwiseConv2DOptions"));
  QRT_RETURN_IF_ERROR(check_window_op_tensors(model, op, s));
  QRT_RETURN_IF_ERROR(check_activation(o->activation()));
  const int in_c = s->input->shape[3];
  const int multiplier = o->depth_multiplier();
  if (multiplier < 1 || int64_t{in_c} * multiplier != s->weights->shape[3] || s->weights->shape[0] != 1) {
    return error(QRT_INVALID_MODEL, "weights " + describe_tensor(*s->weights) + " should be [1,KH,KW," +
                                        std::to_string(int64_t{in_c} * multiplier) + "] for " + std::to_string(in_c) +
                                        " input channels and depth multiplier " + std::to_string(multiplier));
  }
  const int out_c = s->weights->shape[3];
  QRT_RETURN_IF_ERROR(check_weights(s->weights, 3, out_c));
  QRT_RETURN_IF_ERROR(check_bias(s->bias, out_c, int64_t{s->weights->shape[1]} * s->weights->shape[2]));
  QRT_RETURN_IF_ERROR(resolve_window(depthwise_window(*o), s->input->shape[1], s->input->shape[2],
                                     s->weights->shape[1], s->weights->shape[2], &s->geometry));
  QRT_RETURN_IF_ERROR(check_shape(*s->output,
                                  {s->input->shape[0], s->geometry.rows.output_size, s->geometry.cols.output_size, out_c},
                                  "output"));
  return check_epilogue_scales(*s->input, *s->weights, *s->output);
}

// ---- FULLY_CONNECTED -------------------------------------------------------

Status check_fully_connected(const Model& model, const OpDesc& op, ConvShapes* s) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const fb::FullyConnectedOptions* o = op.op->options_as_FullyConnectedOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "FullyConnectedOptions"));
  s->input = op_input(model, op, 0);
  s->weights = op_input(model, op, 1);
  s->bias = op_input(model, op, 2);
  s->output = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(s->input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(s->output, "output"));
  QRT_RETURN_IF_ERROR(check_required(s->weights, "weights"));
  QRT_RETURN_IF_ERROR(check_rank(*s->weights, 2, "weights"));
  QRT_RETURN_IF_ERROR(check_activation(o->activation()));
  const int32_t out_c = s->weights->shape[0];
  const int32_t depth = s->weights->shape[1];
  if (s->input->element_count % depth != 0) {
    return error(QRT_INVALID_MODEL, "input " + describe_tensor(*s->input) + " does not split into rows of " +
                                        std::to_string(depth) + " (weights " + describe_tensor(*s->weights) + ")");
  }
  const size_t batch = s->input->element_count / depth;
  if (s->output->shape.empty() || s->output->shape.back() != out_c ||
      s->output->element_count != batch * out_c) {
    return error(QRT_INVALID_MODEL, "output " + describe_tensor(*s->output) + " should hold " + std::to_string(batch) +
                                        " rows of " + std::to_string(out_c));
  }
  QRT_RETURN_IF_ERROR(check_weights(s->weights, 0, out_c));
  QRT_RETURN_IF_ERROR(check_bias(s->bias, out_c, depth));
  return check_epilogue_scales(*s->input, *s->weights, *s->output);
}

// The fields Conv2DParams and DepthwiseConv2DParams share, from the checked
// shapes and the options table (both have strides and dilations).
template <typename Params, typename Options>
void fill_window_params(const ConvShapes& s, const Options& o, Params* p) {
  p->batch = s.input->shape[0];
  p->input_height = s.input->shape[1];
  p->input_width = s.input->shape[2];
  p->input_channels = s.input->shape[3];
  p->output_height = s.output->shape[1];
  p->output_width = s.output->shape[2];
  p->kernel_height = s.weights->shape[1];
  p->kernel_width = s.weights->shape[2];
  p->stride_height = o.stride_h();
  p->stride_width = o.stride_w();
  p->dilation_height = o.dilation_h();
  p->dilation_width = o.dilation_w();
  p->pad_top = s.geometry.rows.pad_before;
  p->pad_left = s.geometry.cols.pad_before;
  p->input_zero_point = s.input->zero_point();
  p->filter_zero_point = filter_zero_point(*s.weights);
}

}  // namespace

Status validate_conv2d(const Model& model, const OpDesc& op) {
  ConvShapes shapes;
  return check_conv2d(model, op, &shapes);
}

Status prepare_conv2d(const Model& model, const OpDesc& op, const KernelTable& kernels,
                      std::unique_ptr<PreparedOp>* prepared) {
  ConvShapes s;
  QRT_RETURN_IF_ERROR(check_conv2d(model, op, &s));
  const fb::Conv2DOptions& o = *op.op->options_as_Conv2DOptions();
  reference::Conv2DParams p;
  fill_window_params(s, o, &p);
  p.output_channels = s.output->shape[3];
  p.groups = o.groups();
  OutputRequantStorage epilogue = make_epilogue(op, *s.input, *s.weights, *s.output, o.activation());
  // A 1x1, stride 1, unpadded, ungrouped convolution is a GEMM over pixels.
  const bool pointwise = p.kernel_height == 1 && p.kernel_width == 1 && p.stride_height == 1 &&
                         p.stride_width == 1 && p.pad_top == 0 && p.pad_left == 0 && p.groups == 1 &&
                         p.output_height == p.input_height && p.output_width == p.input_width;
  if (pointwise && kernels.gemm.run != nullptr) {
    const size_t pixels = static_cast<size_t>(p.batch) * p.input_height * p.input_width;
    return PackedGemmOp::make(model, kernels.gemm_for_rows(pixels),
                              gemm_pack_params(*s.input, *s.weights, s.bias, p.output_channels, p.input_channels,
                                               epilogue.requant),
                              pixels, op, prepared);
  }
  const int k = p.kernel_height * p.kernel_width * p.input_channels;
  // Few input channels (the first layer): the direct kernel, when the
  // weights fit its packing.
  const int8_t* weights = reinterpret_cast<const int8_t*>(s.weights->data);
  if (kernels.conv_smallcin.run != nullptr && kernels.conv_smallcin.fits(p, weights) &&
      (kernels.conv_smallcin.takes == nullptr || kernels.conv_smallcin.takes(p))) {
    p.requant = epilogue.requant;  // the run parameters copy its rule, zero point and clamp
    return PackedSmallCinConvOp::make(model, kernels.conv_smallcin, p,
                                      gemm_pack_params(*s.input, *s.weights, s.bias, p.output_channels, k,
                                                       epilogue.requant),
                                      op, prepared);
  }
  // Any other ungrouped convolution is an indirect GEMM with K = taps * input channels.
  if (p.groups == 1 && kernels.conv.run != nullptr && conv_indirection_fits(p)) {
    return PackedConvOp::make(model, kernels.conv, p,
                              gemm_pack_params(*s.input, *s.weights, s.bias, p.output_channels, k, epilogue.requant),
                              op, prepared);
  }
  *prepared = make_accumulating_op(p, std::move(epilogue), kernels.conv2d, op, s.bias);
  return ok_status();
}

Status validate_depthwise_conv2d(const Model& model, const OpDesc& op) {
  ConvShapes shapes;
  return check_depthwise_conv2d(model, op, &shapes);
}

Status prepare_depthwise_conv2d(const Model& model, const OpDesc& op, const KernelTable& kernels,
                                std::unique_ptr<PreparedOp>* prepared) {
  ConvShapes s;
  QRT_RETURN_IF_ERROR(check_depthwise_conv2d(model, op, &s));
  const fb::DepthwiseConv2DOptions& o = *op.op->options_as_DepthwiseConv2DOptions();
  reference::DepthwiseConv2DParams p;
  fill_window_params(s, o, &p);
  p.depth_multiplier = o.depth_multiplier();
  OutputRequantStorage epilogue = make_epilogue(op, *s.input, *s.weights, *s.output, o.activation());
  // Multiplier 1 and a filter the packed kernels take; the rest (depth
  // multiplier > 1, huge filters) stays on the reference kernel.
  if (kernels.dwconv.run != nullptr && p.depth_multiplier == 1 &&
      int64_t{p.kernel_height} * p.kernel_width <= kDwconvMaxTaps) {
    p.requant = epilogue.requant;  // read by packing only; the packed block keeps its own copy
    return PackedDwconvOp::make(model, kernels.dwconv, p, bias_data(s.bias), reinterpret_cast<const int8_t*>(s.weights->data),
                                op, prepared);
  }
  *prepared = make_accumulating_op(p, std::move(epilogue), kernels.depthwise_conv2d, op, s.bias);
  return ok_status();
}

Status validate_fully_connected(const Model& model, const OpDesc& op) {
  ConvShapes shapes;
  return check_fully_connected(model, op, &shapes);
}

Status prepare_fully_connected(const Model& model, const OpDesc& op, const KernelTable& kernels,
                               std::unique_ptr<PreparedOp>* prepared) {
  ConvShapes s;
  QRT_RETURN_IF_ERROR(check_fully_connected(model, op, &s));
  reference::FullyConnectedParams p;
  p.input_depth = s.weights->shape[1];
  p.output_depth = s.weights->shape[0];
  p.batch = static_cast<int>(s.input->element_count / p.input_depth);
  p.input_zero_point = s.input->zero_point();
  p.filter_zero_point = filter_zero_point(*s.weights);
  const fb::Activation activation = op.op->options_as_FullyConnectedOptions()->activation();
  OutputRequantStorage epilogue = make_epilogue(op, *s.input, *s.weights, *s.output, activation);
  if (kernels.gemm.run != nullptr) {
    return PackedGemmOp::make(model, kernels.gemm_for_rows(static_cast<size_t>(p.batch)),
                              gemm_pack_params(*s.input, *s.weights, s.bias, p.output_depth, p.input_depth,
                                               epilogue.requant),
                              static_cast<size_t>(p.batch), op, prepared);
  }
  *prepared = make_accumulating_op(p, std::move(epilogue), kernels.fully_connected, op, s.bias);
  return ok_status();
}

}  // namespace qrt
