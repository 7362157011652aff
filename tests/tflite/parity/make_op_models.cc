// make_op_models: writes small single-op TFLite models, each in a uint8 and
// an int8 version (*_u8 / *_s8), with random input files, for checking qrt
// against real TFLite op by op with scripts/tflite-parity.sh. A developer
// tool, not built by CMake nor run by CI. Each model ends with an identity
// RESHAPE, whose shape tensor the script lifts to keep XNNPACK away.
//
//   g++ -std=c++17 -I. -Ibuild/dev/converter/generated \
//       tests/tflite/parity/make_op_models.cc -o build/make_op_models
//   mkdir -p build/op_models && cd build/op_models && ../make_op_models
//   for m in *.tflite; do n=${m%.tflite}
//     ../../scripts/tflite-parity.sh $m $n.in*.bin --build ../dev | tail -1; done
//
// Known differences: MEAN without keep_dims differs by one step in some
// elements: the WASM TFLite (tfjs-tflite 0.0.1-alpha.10, an old build)
// computes it in float32 (with different in/out quantization, (float(sum) /
// n - z_in) * (s_in / s_out) rounded, + z_out, matches all its outputs),
// while qrt follows current LiteRT's integer QuantizedMeanOrSum. int8
// CONCATENATION with different input quantization is refused by TFLite itself.
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include "tests/tflite/tflite_builder.h"
using namespace qrt::test;
using TT = tfl::TensorType;
static std::mt19937 rng(5);
std::vector<uint8_t> rnd(size_t n) { std::vector<uint8_t> v(n); for (auto& x : v) x = rng() & 255; return v; }
int64_t prod(const std::vector<int32_t>& s) { int64_t p = 1; for (int d : s) p *= d; return p; }
void save(const std::string& name, TfliteBuilder& b, int in_count, std::vector<std::vector<int32_t>> in_shapes) {
  std::ofstream(name + ".tflite", std::ios::binary).write((const char*)b.finish().data(), b.finish().size());
  for (int k = 0; k < in_count; ++k) {
    auto d = rnd(prod(in_shapes[k]));
    std::ofstream(name + ".in" + std::to_string(k) + ".bin", std::ios::binary).write((const char*)d.data(), d.size());
  }
}
// out -> reshape(out) graph output
void tail(TfliteBuilder& b, int out, TT t, std::vector<int32_t> shape, float s, int64_t zp) {
  const int sh = b.int32_constant("tail_shape", shape);
  const int o = b.tensor("tail", t, shape, {s}, {zp});
  b.op(22, {out, sh}, {o});
  b.outputs({o});
}
int main() {
  for (TT t : {TT::UINT8, TT::INT8}) {
    const std::string sfx = t == TT::UINT8 ? "_u8" : "_s8";
    const int64_t off = t == TT::UINT8 ? 0 : -128;  // zero points given in uint8 terms
    // binary ops with different scales, broadcasting
    for (int code : {0, 41, 18}) {
      TfliteBuilder b;
      int a = b.tensor("a", t, {1, 4, 4, 8}, {0.05f}, {131 + off});
      int c = b.tensor("c", t, {1, 1, 4, 8}, {0.031f}, {97 + off});
      int o = b.tensor("o", t, {1, 4, 4, 8}, {code == 18 ? 0.07f : 0.09f}, {120 + off});
      if (code == 0) { tfl::AddOptionsT x; b.op(0, {a, c}, {o}, tflite_options(x)); }
      if (code == 41) { tfl::SubOptionsT x; b.op(41, {a, c}, {o}, tflite_options(x)); }
      if (code == 18) { tfl::MulOptionsT x; b.op(18, {a, c}, {o}, tflite_options(x)); }
      b.inputs({a, c});
      tail(b, o, t, {1, 4, 4, 8}, code == 18 ? 0.07f : 0.09f, 120 + off);
      save("binary" + std::to_string(code) + sfx, b, 2, {{1, 4, 4, 8}, {1, 1, 4, 8}});
    }
    // average pools: 2x2 s2 SAME (partial windows), 3x3 s1 SAME, 7x7 global
    int pk = 0;
    for (auto g : std::vector<std::array<int, 4>>{{2, 2, 0, 9}, {3, 1, 0, 8}, {7, 7, 1, 7}, {4, 4, 1, 8}}) {
      TfliteBuilder b;
      const int k = g[0], s = g[1], H = g[3];
      const bool valid = g[2];
      const int OH = valid ? (H - k) / s + 1 : (H + s - 1) / s;
      int in = b.tensor("in", t, {1, H, H, 16}, {0.1f}, {77 + off});
      int o = b.tensor("o", t, {1, OH, OH, 16}, {0.1f}, {77 + off});
      tfl::Pool2DOptionsT po; po.padding = valid ? tfl::Padding::VALID : tfl::Padding::SAME; po.stride_h = po.stride_w = s; po.filter_height = po.filter_width = k;
      b.op(1, {in}, {o}, tflite_options(po));
      b.inputs({in});
      tail(b, o, t, {1, OH, OH, 16}, 0.1f, 77 + off);
      save("avgpool" + std::to_string(pk++) + sfx, b, 1, {{1, H, H, 16}});
    }
    // MEAN keep_dims and not, same and different quantization
    for (int keep : {1, 0}) for (int same : {1, 0}) {
      TfliteBuilder b;
      int in = b.tensor("in", t, {1, 5, 5, 16}, {0.1f}, {77 + off});
      int ax = b.int32_constant("axes", {1, 2});
      std::vector<int32_t> os = keep ? std::vector<int32_t>{1, 1, 1, 16} : std::vector<int32_t>{1, 16};
      const float osc = same ? 0.1f : 0.037f; const int64_t ozp = same ? 77 : 140;
      int o = b.tensor("o", t, os, {osc}, {ozp + off});
      tfl::ReducerOptionsT ro; ro.keep_dims = keep;
      b.op(40, {in, ax}, {o}, tflite_options(ro));
      b.inputs({in});
      tail(b, o, t, os, osc, ozp + off);
      save("mean" + std::to_string(keep) + std::to_string(same) + sfx, b, 1, {{1, 5, 5, 16}});
    }
    // unary: LOGISTIC 14, TANH 28, RELU 19, RELU6 21, LEAKY_RELU 98, HARD_SWISH 117
    for (int code : {14, 28, 19, 21, 98, 117}) {
      TfliteBuilder b;
      int in = b.tensor("in", t, {1, 64}, {0.06f}, {130 + off});
      float os = 0.05f; int64_t oz = 110;
      if (code == 14) { os = 1.0f / 256; oz = 0; }
      if (code == 28) { os = 1.0f / 128; oz = 128; }
      int o = b.tensor("o", t, {1, 64}, {os}, {oz + off});
      if (code == 98) { tfl::LeakyReluOptionsT lo; lo.alpha = 0.2f; b.op(code, {in}, {o}, tflite_options(lo)); }
      else b.op(code, {in}, {o});
      b.inputs({in});
      tail(b, o, t, {1, 64}, os, oz + off);
      save("unary" + std::to_string(code) + sfx, b, 1, {{1, 64}});
    }
    // SOFTMAX
    { TfliteBuilder b;
      int in = b.tensor("in", t, {1, 40}, {0.1f}, {130 + off});
      int o = b.tensor("o", t, {1, 40}, {1.0f / 256}, {0 + off});
      tfl::SoftmaxOptionsT so; so.beta = 1.0f; b.op(25, {in}, {o}, tflite_options(so));
      b.inputs({in}); tail(b, o, t, {1, 40}, 1.0f / 256, 0 + off); save("softmax" + sfx, b, 1, {{1, 40}}); }
    // CONCATENATION with different input quantization
    { TfliteBuilder b;
      int a = b.tensor("a", t, {1, 3, 3, 4}, {0.1f}, {100 + off});
      int c = b.tensor("c", t, {1, 3, 3, 5}, {0.07f}, {140 + off});
      int o = b.tensor("o", t, {1, 3, 3, 9}, {0.12f}, {120 + off});
      tfl::ConcatenationOptionsT co; co.axis = 3; b.op(2, {a, c}, {o}, tflite_options(co));
      b.inputs({a, c}); tail(b, o, t, {1, 3, 3, 9}, 0.12f, 120 + off); save("concat" + sfx, b, 2, {{1, 3, 3, 4}, {1, 3, 3, 5}}); }
    // RESIZE_BILINEAR (half pixel / align corners / plain) and NEAREST
    int rk = 0;
    for (int code : {23, 97}) for (int mode : {0, 1, 2}) {
      TfliteBuilder b;
      int in = b.tensor("in", t, {1, 5, 4, 3}, {0.1f}, {90 + off});
      int sz = b.int32_constant("size", {9, 7});
      int o = b.tensor("o", t, {1, 9, 7, 3}, {0.1f}, {90 + off});
      if (code == 23) { tfl::ResizeBilinearOptionsT ro; ro.align_corners = mode == 1; ro.half_pixel_centers = mode == 2; b.op(23, {in, sz}, {o}, tflite_options(ro)); }
      else { tfl::ResizeNearestNeighborOptionsT ro; ro.align_corners = mode == 1; ro.half_pixel_centers = mode == 2; b.op(97, {in, sz}, {o}, tflite_options(ro)); }
      b.inputs({in}); tail(b, o, t, {1, 9, 7, 3}, 0.1f, 90 + off); save("resize" + std::to_string(rk++) + sfx, b, 1, {{1, 5, 4, 3}});
    }
    // QUANTIZE requantizing (same type, different scale)
    { TfliteBuilder b;
      int in = b.tensor("in", t, {1, 50}, {0.1f}, {90 + off});
      int o = b.tensor("o", t, {1, 50}, {0.037f}, {140 + off});
      b.op(114, {in}, {o});
      b.inputs({in}); tail(b, o, t, {1, 50}, 0.037f, 140 + off); save("requant" + sfx, b, 1, {{1, 50}}); }
    // SPLIT_V with a -1 and a negative axis
    { TfliteBuilder b;
      int in = b.tensor("in", t, {1, 4, 7}, {0.1f}, {90 + off});
      int sz = b.int32_constant("sizes", {2, -1, 1});
      int ax = b.int32_constant("axis", {-1}, {});
      b.model().subgraphs[0]->tensors[ax]->shape = {};
      int o0 = b.tensor("o0", t, {1, 4, 2}, {0.1f}, {90 + off});
      int o1 = b.tensor("o1", t, {1, 4, 4}, {0.1f}, {90 + off});
      int o2 = b.tensor("o2", t, {1, 4, 1}, {0.1f}, {90 + off});
      tfl::SplitVOptionsT so; so.num_splits = 3; b.op(102, {in, sz, ax}, {o0, o1, o2}, tflite_options(so));
      b.inputs({in});
      const int sh = b.int32_constant("tail_shape", {1, 16});
      const int o = b.tensor("tail", t, {1, 16}, {0.1f}, {90 + off});
      b.op(22, {o1, sh}, {o});
      b.outputs({o0, o, o2});
      save("splitv" + sfx, b, 1, {{1, 4, 7}}); }
    // FULLY_CONNECTED per-tensor weights, zp 128 (uint8) -> exercise flags
    { TfliteBuilder b;
      int in = b.tensor("in", t, {2, 32}, {0.1f}, {90 + off});
      int w = b.tensor("w", t, {10, 32}, {0.0037f}, {128 + off}, 0, rnd(320));
      std::vector<int32_t> bias(10); for (auto& x : bias) x = int(rng() % 2000) - 1000;
      int bi = b.tensor("b", TT::INT32, {10}, {0.1f * 0.0037f}, {0}, 0, bytes_of(bias));
      int o = b.tensor("o", t, {2, 10}, {0.19f}, {130 + off});
      tfl::FullyConnectedOptionsT fo; b.op(9, {in, w, bi}, {o}, tflite_options(fo));
      b.inputs({in}); tail(b, o, t, {2, 10}, 0.19f, 130 + off); save("fc" + sfx, b, 1, {{2, 32}}); }
  }
}
