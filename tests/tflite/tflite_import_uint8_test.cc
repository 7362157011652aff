// Legacy uint8 TFLite models where TFLite's uint8 arithmetic differs from its
// int8 arithmetic on the shifted values, so the importer must say so in the
// .qfb: AVERAGE_POOL_2D rounds half up on uint8 values (round_half_up), and
// uint8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED take their multiplier
// from the float32 product input_scale * weight_scale (scale_product_f32),
// CONV_2D and FULLY_CONNECTED rounding twice (double_rounding) even when the
// uint8 weight zero point 128 leaves no trace in the int8 weights. Each test
// checks the expected bytes worked out here and that the int8 twin of the
// model does not get the uint8 behaviour. MEAN (keep_dims) sums uint8
// values too, and RESIZE_BILINEAR interpolates them in float32
// (uint8_arithmetic). All were measured against TFLite
// with scripts/tflite-parity.sh.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "converter/tflite/tflite_importer.h"
#include "kernels/reference/conv2d_s8.h"
#include "kernels/reference/depthwise_conv2d_s8.h"
#include "kernels/reference/fully_connected_s8.h"
#include "schema/qfb_generated.h"
#include "tests/tflite/qfb_runner.h"
#include "tests/tflite/tflite_builder.h"

namespace qrt::test {
namespace {

using TT = tfl::TensorType;
constexpr auto kFixed = RequantRule::kFixedPoint;

enum : int { kAvgPool = 1, kConv = 3, kDepthwise = 4, kFc = 9, kMaxPool = 17 };

std::vector<uint8_t> import(TfliteBuilder& b) {
  const std::vector<uint8_t> tflite = b.finish();
  return import_tflite(tflite.data(), tflite.size(), ImportOptions{});
}

// The options of the .qfb's only op.
const fb::Operator& only_op(const std::vector<uint8_t>& qfb) {
  const fb::Model* model = fb::GetModel(qfb.data());
  REQUIRE(model->graph()->operators()->size() == 1);
  return *model->graph()->operators()->Get(0);
}

std::vector<uint8_t> random_u8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = static_cast<uint8_t>(rng() & 255);
  return v;
}

std::vector<int8_t> to_s8(const std::vector<uint8_t>& v) {
  std::vector<int8_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<int8_t>(v[i] - 128);
  return out;
}

std::vector<uint8_t> to_u8(const std::vector<int8_t>& v) {
  std::vector<uint8_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<uint8_t>(v[i] + 128);
  return out;
}

// The scales of MobilenetV2 (coral, uint8) expanded_conv_8/expand: the float32
// product and the double product give different Q31 multipliers there.
constexpr float kInScale = 0.18911026418209076f;
constexpr float kWeightScale = 0.0014702979242429137f;
constexpr float kOutScale = 0.023528477177023888f;

float product_f32() {
  const float in = kInScale, w = kWeightScale;  // not constexpr: a float32 multiply
  return in * w;
}

TEST_CASE("the test scales tell the float32 scale product from the double one") {
  const QuantizedMultiplier f32 = quantize_multiplier(static_cast<double>(product_f32()) / kOutScale);
  const QuantizedMultiplier f64 =
      quantize_multiplier(static_cast<double>(kInScale) * static_cast<double>(kWeightScale) / kOutScale);
  CHECK(f32.multiplier != f64.multiplier);
}

TEST_CASE("TFLite uint8 AVERAGE_POOL_2D rounds half up on uint8 values; int8 rounds half away from zero") {
  // 6x6 image, 2x2 windows at stride 2 (4 taps: exact halves are common),
  // and a 3x3 SAME stride-2 pool whose edge windows are partial.
  const int H = 6, C = 8;
  const std::vector<uint8_t> input = random_u8(H * H * C, 31);
  for (int filter : {2, 3}) {
    const int OH = 3;
    INFO("filter " << filter);
    for (TT type : {TT::UINT8, TT::INT8}) {
      const int64_t zp = type == TT::UINT8 ? 140 : 12;
      TfliteBuilder b;
      const int in = b.tensor("in", type, {1, H, H, C}, {0.1f}, {zp});
      const int out = b.tensor("out", type, {1, OH, OH, C}, {0.1f}, {zp});
      tfl::Pool2DOptionsT o;
      o.padding = filter == 2 ? tfl::Padding::VALID : tfl::Padding::SAME;
      o.stride_h = o.stride_w = 2;
      o.filter_height = o.filter_width = filter;
      b.op(kAvgPool, {in}, {out}, tflite_options(o));
      b.inputs({in});
      b.outputs({out});
      const std::vector<uint8_t> qfb = import(b);
      CHECK(only_op(qfb).options_as_Pool2DOptions()->round_half_up() == (type == TT::UINT8));
      const auto got = run_qfb(qfb, {input})[0];

      // TFLite's averages, worked out directly on the bytes fed in: uint8
      // (sum + n / 2) / n in unsigned arithmetic; int8 half away from zero.
      const int pad = 0;  // VALID; SAME 3x3 at stride 2 over 6 pads 1, at the bottom and right
      std::vector<uint8_t> expected;
      for (int oy = 0; oy < OH; ++oy)
        for (int ox = 0; ox < OH; ++ox)
          for (int c = 0; c < C; ++c) {
            int sum = 0, n = 0;
            for (int y = oy * 2 - pad; y < oy * 2 - pad + filter; ++y)
              for (int x = ox * 2 - pad; x < ox * 2 - pad + filter; ++x) {
                if (y < 0 || y >= H || x < 0 || x >= H) continue;
                const uint8_t v = input[(y * H + x) * C + c];
                sum += type == TT::UINT8 ? v : static_cast<int8_t>(v);
                ++n;
              }
            const int average = type == TT::UINT8 ? (sum + n / 2) / n
                                : sum > 0         ? (sum + n / 2) / n
                                                  : (sum - n / 2) / n;
            expected.push_back(static_cast<uint8_t>(average));
          }
      CHECK(got == expected);
    }
  }
}

// A 1x1 CONV_2D, 3x3 DEPTHWISE_CONV_2D or FULLY_CONNECTED with per-tensor
// weights whose zero point is 128 (uint8) or 0 (int8).
TEST_CASE("TFLite uint8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED requantize as TFLite's uint8 kernels") {
  const int H = 4, C = 6, K = 5;
  const std::vector<uint8_t> input = random_u8(H * H * C, 32);
  const std::vector<uint8_t> weights_u8 = random_u8(K * C * 9, 33);  // enough for each op
  std::vector<int32_t> bias(C > K ? C : K);
  {
    std::mt19937 rng(34);
    for (auto& v : bias) v = static_cast<int32_t>(rng() % 4001) - 2000;
  }
  for (int code : {kConv, kDepthwise, kFc}) {
    for (TT type : {TT::UINT8, TT::INT8}) {
      const bool u8 = type == TT::UINT8;
      INFO("op " << code << (u8 ? " uint8" : " int8"));
      const int64_t in_zp = u8 ? 122 : -6, out_zp = u8 ? 3 : -125, w_zp = u8 ? 128 : 0;
      // uint8 weights as stored; int8 ones are the same bytes shifted (zero point 0).
      std::vector<int32_t> w_shape, out_shape, in_shape = {1, H, H, C};
      int out_channels = K;
      if (code == kConv) {
        w_shape = {K, 1, 1, C};
        out_shape = {1, H, H, K};
      } else if (code == kDepthwise) {
        w_shape = {1, 3, 3, C};
        out_shape = {1, H - 2, H - 2, C};
        out_channels = C;
      } else {
        in_shape = {H * H, C};
        w_shape = {K, C};
        out_shape = {H * H, K};
      }
      size_t w_count = 1;
      for (int d : w_shape) w_count *= d;
      // The same int8 weight values either way: stored as uint8 (zero point
      // 128) or as int8 bytes (zero point 0).
      const std::vector<uint8_t> w_bytes(weights_u8.begin(), weights_u8.begin() + w_count);
      const std::vector<int8_t> wv = to_s8(w_bytes);
      const std::vector<uint8_t> w_stored = u8 ? w_bytes : std::vector<uint8_t>(wv.begin(), wv.end());

      TfliteBuilder b;
      const int in = b.tensor("in", type, in_shape, {kInScale}, {in_zp});
      const int w = b.tensor("w", type, w_shape, {kWeightScale}, {w_zp}, code == kDepthwise ? 3 : 0, w_stored);
      const std::vector<int32_t> used_bias(bias.begin(), bias.begin() + out_channels);
      const int bi = b.tensor("b", TT::INT32, {out_channels}, {product_f32()}, {0}, 0, bytes_of(used_bias));
      const int out = b.tensor("out", type, out_shape, {kOutScale}, {out_zp});
      if (code == kConv) {
        tfl::Conv2DOptionsT o;
        o.padding = tfl::Padding::VALID;
        o.stride_h = o.stride_w = 1;
        b.op(kConv, {in, w, bi}, {out}, tflite_options(o));
      } else if (code == kDepthwise) {
        tfl::DepthwiseConv2DOptionsT o;
        o.padding = tfl::Padding::VALID;
        o.stride_h = o.stride_w = 1;
        o.depth_multiplier = 1;
        b.op(kDepthwise, {in, w, bi}, {out}, tflite_options(o));
      } else {
        b.op(kFc, {in, w, bi}, {out}, tflite_options(tfl::FullyConnectedOptionsT()));
      }
      b.inputs({in});
      b.outputs({out});
      const std::vector<uint8_t> qfb = import(b);
      const auto got = run_qfb(qfb, {input})[0];
      // The qfb says what the runtime should do.
      const fb::Operator& op = only_op(qfb);
      if (code == kConv) {
        CHECK(op.options_as_Conv2DOptions()->double_rounding() == u8);
        CHECK(op.options_as_Conv2DOptions()->scale_product_f32() == u8);
      } else if (code == kDepthwise) {
        CHECK(op.options_as_DepthwiseConv2DOptions()->scale_product_f32() == u8);
      } else {
        CHECK(op.options_as_FullyConnectedOptions()->double_rounding() == u8);
        CHECK(op.options_as_FullyConnectedOptions()->scale_product_f32());
      }

      // What TFLite computes, on int8 values (exact for uint8: both zero
      // points move by 128). Multiplier: float32 product for uint8 ops and
      // for the per-tensor FULLY_CONNECTED, double product for int8
      // convolutions. Rounding: twice for uint8 and for every depthwise.
      const bool f32_product = u8 || code == kFc;
      const bool twice = u8 || code == kDepthwise;
      const float product = product_f32();
      const auto rq = f32_product
                          ? make_output_requant(kFixed, 1.0f, &product, 1, kOutScale,
                                                static_cast<int32_t>(u8 ? out_zp - 128 : out_zp), ClampRange{},
                                                twice ? FixedPointRounding::kDouble : FixedPointRounding::kSingle)
                          : make_output_requant(kFixed, kInScale, &kWeightScale, 1, kOutScale,
                                                static_cast<int32_t>(out_zp), ClampRange{},
                                                twice ? FixedPointRounding::kDouble : FixedPointRounding::kSingle);
      const std::vector<int8_t> x = u8 ? to_s8(input) : std::vector<int8_t>(input.begin(), input.end());
      const int32_t x_zp = static_cast<int32_t>(u8 ? in_zp - 128 : in_zp);
      std::vector<int8_t> expected(got.size());
      if (code == kConv) {
        reference::Conv2DParams p;
        p.input_height = p.input_width = p.output_height = p.output_width = H;
        p.input_channels = C;
        p.output_channels = K;
        p.kernel_height = p.kernel_width = 1;
        p.input_zero_point = x_zp;
        p.requant = rq.requant;
        reference::conv2d_s8(p, x.data(), wv.data(), used_bias.data(), expected.data());
      } else if (code == kDepthwise) {
        reference::DepthwiseConv2DParams p;
        p.input_height = p.input_width = H;
        p.output_height = p.output_width = H - 2;
        p.input_channels = C;
        p.kernel_height = p.kernel_width = 3;
        p.input_zero_point = x_zp;
        p.requant = rq.requant;
        reference::depthwise_conv2d_s8(p, x.data(), wv.data(), used_bias.data(), expected.data());
      } else {
        reference::FullyConnectedParams p;
        p.batch = H * H;
        p.input_depth = C;
        p.output_depth = K;
        p.input_zero_point = x_zp;
        p.requant = rq.requant;
        reference::fully_connected_s8(p, x.data(), wv.data(), used_bias.data(), expected.data());
      }
      CHECK(got == (u8 ? to_u8(expected) : std::vector<uint8_t>(expected.begin(), expected.end())));
    }
  }
}

// Random data hardly ever lands where the float32 and double products, or
// one and two roundings, give different bytes (about once in 10^5 values).
// So this test picks accumulators where they do: each output channel's
// input is its zero point, so the accumulator is exactly the channel's bias.
struct Arithmetic {
  bool f32_product;
  FixedPointRounding rounding;
};

// int8 result of TFLite's requantization of `acc` with these scales.
int32_t requantize(int32_t acc, float in_scale, float w_scale, float out_scale, Arithmetic a) {
  const double product = a.f32_product ? static_cast<double>(in_scale * w_scale)
                                       : static_cast<double>(in_scale) * static_cast<double>(w_scale);
  return requantize_fixedpoint(acc, quantize_multiplier(product / static_cast<double>(out_scale)), 0, -128, 127,
                               a.rounding);
}

TEST_CASE("TFLite requantization flags: accumulators where uint8 and int8 arithmetic differ") {
  // Multiplier about 1e-4: 2.5 million accumulators land inside int8.
  const float in_scale = kInScale, w_scale = kWeightScale, out_scale = 2.7805f;
  const Arithmetic variants[] = {{true, FixedPointRounding::kDouble},
                                 {true, FixedPointRounding::kSingle},
                                 {false, FixedPointRounding::kDouble},
                                 {false, FixedPointRounding::kSingle}};
  struct Case {
    int code;
    bool u8;
    Arithmetic tflite;  // what TFLite computes for this op and type
  };
  const Case cases[] = {{kConv, true, {true, FixedPointRounding::kDouble}},
                        {kConv, false, {false, FixedPointRounding::kSingle}},
                        {kDepthwise, true, {true, FixedPointRounding::kDouble}},
                        {kDepthwise, false, {false, FixedPointRounding::kDouble}},
                        {kFc, true, {true, FixedPointRounding::kDouble}},
                        {kFc, false, {true, FixedPointRounding::kSingle}}};  // per-tensor int8 FC
  for (const Case& c : cases) {
    INFO("op " << c.code << (c.u8 ? " uint8" : " int8"));
    // Per other variant, two accumulators where TFLite's arithmetic differs from it.
    std::vector<int32_t> accs;
    for (const Arithmetic& other : variants) {
      if (other.f32_product == c.tflite.f32_product && other.rounding == c.tflite.rounding) continue;
      int found = 0;
      for (int32_t acc = -1270000; acc <= 1270000 && found < 2; ++acc) {
        if (requantize(acc, in_scale, w_scale, out_scale, c.tflite) !=
            requantize(acc, in_scale, w_scale, out_scale, other)) {
          accs.push_back(acc);
          ++found;
        }
      }
      REQUIRE(found == 2);
    }
    const int32_t n = static_cast<int32_t>(accs.size());
    const TT type = c.u8 ? TT::UINT8 : TT::INT8;
    const int64_t zp = c.u8 ? 128 : 0;  // every zero point: int8 0 after the shift
    TfliteBuilder b;
    const std::vector<int32_t> in_shape = c.code == kDepthwise ? std::vector<int32_t>{1, 1, 1, n}
                                          : c.code == kConv    ? std::vector<int32_t>{1, 1, 1, 1}
                                                               : std::vector<int32_t>{1, 1};
    const std::vector<int32_t> w_shape = c.code == kDepthwise ? std::vector<int32_t>{1, 1, 1, n}
                                         : c.code == kConv    ? std::vector<int32_t>{n, 1, 1, 1}
                                                              : std::vector<int32_t>{n, 1};
    const std::vector<int32_t> out_shape =
        c.code == kFc ? std::vector<int32_t>{1, n} : std::vector<int32_t>{1, 1, 1, n};
    const int in = b.tensor("in", type, in_shape, {in_scale}, {zp});
    const int w = b.tensor("w", type, w_shape, {w_scale}, {zp}, c.code == kDepthwise ? 3 : 0,
                           std::vector<uint8_t>(n, 77));
    const int bi = b.tensor("b", TT::INT32, {n}, {in_scale * w_scale}, {0}, 0, bytes_of(accs));
    const int out = b.tensor("out", type, out_shape, {out_scale}, {zp});
    if (c.code == kConv) {
      tfl::Conv2DOptionsT o;
      o.stride_h = o.stride_w = 1;
      b.op(kConv, {in, w, bi}, {out}, tflite_options(o));
    } else if (c.code == kDepthwise) {
      tfl::DepthwiseConv2DOptionsT o;
      o.stride_h = o.stride_w = o.depth_multiplier = 1;
      b.op(kDepthwise, {in, w, bi}, {out}, tflite_options(o));
    } else {
      b.op(kFc, {in, w, bi}, {out}, tflite_options(tfl::FullyConnectedOptionsT()));
    }
    b.inputs({in});
    b.outputs({out});
    const std::vector<uint8_t> input(c.code == kDepthwise ? n : 1, static_cast<uint8_t>(zp));
    const auto got = run_qfb(import(b), {input})[0];
    REQUIRE(got.size() == accs.size());
    for (size_t k = 0; k < accs.size(); ++k) {
      INFO("acc " << accs[k]);
      const int32_t expected = requantize(accs[k], in_scale, w_scale, out_scale, c.tflite) + (c.u8 ? 128 : 0);
      CHECK(got[k] == static_cast<uint8_t>(expected));
    }
  }
}

TEST_CASE("round_half_up outside a FIXEDPOINT AVERAGE_POOL_2D is refused when the model loads") {
  for (int code : {kAvgPool, kMaxPool}) {
    TfliteBuilder b;
    const int in = b.tensor("in", TT::UINT8, {1, 4, 4, 2}, {0.1f}, {128});
    const int out = b.tensor("out", TT::UINT8, {1, 2, 2, 2}, {0.1f}, {128});
    tfl::Pool2DOptionsT o;
    o.padding = tfl::Padding::VALID;
    o.stride_h = o.stride_w = o.filter_height = o.filter_width = 2;
    b.op(code, {in}, {out}, tflite_options(o));
    b.inputs({in});
    b.outputs({out});
    // The imported FlatBuffer (no constants, so no data segment), edited.
    std::unique_ptr<fb::ModelT> model = fb::UnPackModel(import(b).data());
    fb::OperatorT& op = *model->graph->operators[0];
    op.options.AsPool2DOptions()->round_half_up = true;
    if (code == kAvgPool) op.requant = fb::RequantRule::FP32;
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(fb::Model::Pack(fbb, model.get()), fb::ModelIdentifier());
    qrt_model* loaded = nullptr;
    const qrt_status status = qrt_model_load_buffer(fbb.GetBufferPointer(), fbb.GetSize(), &loaded);
    qrt_model_destroy(loaded);
    CHECK(status == QRT_INVALID_MODEL);
    CHECK_THAT(std::string(qrt_last_error()), Catch::Matchers::Contains("round_half_up"));
  }
}

// TFLite's optimized Mean over H and W with keep_dims, written out on the
// stored values: the raw sum times QuantizeMultiplier(float32 s_in / (count *
// s_out)), plus z_out - (int)(z_in * s_in / s_out +/- 0.5) in float32, clamped
// to the type's range. The same formula for uint8 and int8, on different values.
std::vector<int32_t> tflite_mean(const std::vector<int32_t>& values, int batch, int count, int channels,
                                 float s_in, int32_t z_in, float s_out, int32_t z_out, int32_t lo, int32_t hi) {
  const QuantizedMultiplier m =
      quantize_multiplier(static_cast<double>(s_in / (static_cast<float>(count) * s_out)));
  float t = static_cast<float>(z_in) * s_in / s_out;
  t = t > 0.0f ? t + 0.5f : t - 0.5f;
  const int32_t bias = z_out - static_cast<int32_t>(t);
  std::vector<int32_t> out;
  for (int b = 0; b < batch; ++b) {
    for (int c = 0; c < channels; ++c) {
      int32_t sum = 0;
      for (int i = 0; i < count; ++i) sum += values[(b * count + i) * channels + c];
      out.push_back(std::min(std::max(multiply_by_quantized_multiplier(sum, m.multiplier, m.shift) + bias, lo), hi));
    }
  }
  return out;
}

TEST_CASE("TFLite uint8 MEAN (keep_dims) computes on uint8 values as TFLite's uint8 Mean") {
  const int B = 4, H = 3, W = 5, C = 64;
  const float s_in = 0.1f, s_out = 0.037f;
  const std::vector<uint8_t> u = random_u8(B * H * W * C, 35);
  const std::vector<int8_t> x = to_s8(u);  // the same real values as int8, zero points - 128
  const std::vector<int32_t> u_values(u.begin(), u.end()), x_values(x.begin(), x.end());
  const std::vector<int32_t> expected_u8 = tflite_mean(u_values, B, H * W, C, s_in, 205, s_out, 140, 0, 255);
  const std::vector<int32_t> expected_s8 = tflite_mean(x_values, B, H * W, C, s_in, 77, s_out, 12, -128, 127);
  int differ = 0;
  for (size_t i = 0; i < expected_u8.size(); ++i) differ += expected_u8[i] - 128 != expected_s8[i];
  REQUIRE(differ > 0);  // the two arithmetics round some of these averages apart
  for (TT type : {TT::UINT8, TT::INT8}) {
    const bool u8 = type == TT::UINT8;
    INFO((u8 ? "uint8" : "int8"));
    TfliteBuilder b;
    const int in = b.tensor("in", type, {B, H, W, C}, {s_in}, {u8 ? 205 : 77});
    const int axes = b.int32_constant("axes", {1, 2});
    const int out = b.tensor("out", type, {B, 1, 1, C}, {s_out}, {u8 ? 140 : 12});
    tfl::ReducerOptionsT o;
    o.keep_dims = true;
    b.op(40, {in, axes}, {out}, tflite_options(o));
    b.inputs({in});
    b.outputs({out});
    const std::vector<uint8_t> qfb = import(b);
    CHECK(only_op(qfb).options_as_MeanOptions()->uint8_arithmetic() == u8);
    const auto got = run_qfb(qfb, {u8 ? u : std::vector<uint8_t>(x.begin(), x.end())})[0];
    std::vector<uint8_t> expected;
    for (int32_t v : u8 ? expected_u8 : expected_s8) expected.push_back(static_cast<uint8_t>(v));
    CHECK(got == expected);
  }
}

// TFLite's uint8 bilinear resize written out on the uint8 bytes
// (optimized_ops::ResizeBilinear for uint8: ResizeBilinearGenericSmallChannel).
std::vector<uint8_t> tflite_uint8_resize(const std::vector<uint8_t>& u, int H, int W, int C, int OH, int OW,
                                         bool align_corners, bool half_pixel_centers) {
  const auto scale = [&](int in, int out) {
    return align_corners && out > 1 ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                    : static_cast<float>(in) / static_cast<float>(out);
  };
  const float hs = scale(H, OH), ws = scale(W, OW);
  std::vector<uint8_t> out;
  for (int y = 0; y < OH; ++y) {
    const float iy = half_pixel_centers ? (static_cast<float>(y) + 0.5f) * hs - 0.5f : static_cast<float>(y) * hs;
    const int y0 = std::max(static_cast<int>(std::floor(iy)), 0);
    const int y1 = std::min(static_cast<int>(std::ceil(iy)), H - 1);
    for (int x = 0; x < OW; ++x) {
      const float ix = half_pixel_centers ? (static_cast<float>(x) + 0.5f) * ws - 0.5f : static_cast<float>(x) * ws;
      const int x0 = std::max(static_cast<int>(std::floor(ix)), 0);
      const int x1 = std::min(static_cast<int>(std::ceil(ix)), W - 1);
      const float s[4] = {(1 - (iy - y0)) * (1 - (ix - x0)), (1 - (iy - y0)) * (ix - x0), (iy - y0) * (1 - (ix - x0)),
                          (iy - y0) * (ix - x0)};
      for (int c = 0; c < C; ++c) {
        const auto at = [&](int yy, int xx) { return u[(yy * W + xx) * C + c]; };
        out.push_back(static_cast<uint8_t>(at(y0, x0) * s[0] + at(y0, x1) * s[1] + at(y1, x0) * s[2] +
                                           at(y1, x1) * s[3] + 0.5f));
      }
    }
  }
  return out;
}

TEST_CASE("TFLite uint8 RESIZE_BILINEAR interpolates in float32 as TFLite's uint8 kernel") {
  const int H = 5, W = 4, C = 3;
  const std::vector<uint8_t> u = random_u8(H * W * C, 36);
  struct Mode {
    int OH, OW;
    bool align_corners, half_pixel_centers;
  };
  int differ = 0;  // outputs where the int8 (10-bit fixed point) kernel gives other bytes
  for (const Mode& m : {Mode{9, 7, false, false}, Mode{9, 7, true, false}, Mode{9, 7, false, true},
                        Mode{3, 2, false, true}, Mode{10, 8, false, false}}) {
    INFO(m.OH << "x" << m.OW << " align_corners " << m.align_corners << " half_pixel " << m.half_pixel_centers);
    for (TT type : {TT::UINT8, TT::INT8}) {
      const bool u8 = type == TT::UINT8;
      TfliteBuilder b;
      const int in = b.tensor("in", type, {1, H, W, C}, {0.1f}, {u8 ? 90 : -38});
      const int size = b.int32_constant("size", {m.OH, m.OW});
      const int out = b.tensor("out", type, {1, m.OH, m.OW, C}, {0.1f}, {u8 ? 90 : -38});
      tfl::ResizeBilinearOptionsT o;
      o.align_corners = m.align_corners;
      o.half_pixel_centers = m.half_pixel_centers;
      b.op(23, {in, size}, {out}, tflite_options(o));
      b.inputs({in});
      b.outputs({out});
      const std::vector<uint8_t> qfb = import(b);
      CHECK(only_op(qfb).options_as_ResizeOptions()->uint8_arithmetic() == u8);
      // The int8 model is fed the same real values (x = u - 128).
      std::vector<uint8_t> fed = u;
      if (!u8) {
        for (auto& v : fed) v ^= 0x80;
      }
      std::vector<uint8_t> got = run_qfb(qfb, {fed})[0];
      if (u8) {
        CHECK(got == tflite_uint8_resize(u, H, W, C, m.OH, m.OW, m.align_corners, m.half_pixel_centers));
      } else {
        for (auto& v : got) v ^= 0x80;  // back to u terms
        const auto uint8_result = tflite_uint8_resize(u, H, W, C, m.OH, m.OW, m.align_corners, m.half_pixel_centers);
        for (size_t i = 0; i < got.size(); ++i) differ += got[i] != uint8_result[i];
      }
    }
  }
  CHECK(differ > 0);  // the int8 kernel is another arithmetic: the flag matters
}

}  // namespace
}  // namespace qrt::test
