// The driver every DYNAMIC_FULLY_CONNECTED kernel shares
// (kernels/<arch>/<isa>/dynamic_fully_connected_f32s8.cc): the run's
// quantization (given, or from the input's own range), every row of the
// input quantized into the scratch panel, then the tile kernels over every
// MR-row panel and NR-column tile with the float epilogue. Only the
// quantization loops and the tiles differ per ISA; each kernel passes its
// own (DynamicFcIsa).
//
// Templates in an unnamed namespace: each ISA's translation unit, built with
// its own flags, gets its own copy (no inline function shared between
// instruction sets).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/dynamic_fully_connected_f32s8.h"

namespace qrt {
namespace {

// What a tile's float epilogue needs besides the packed values.
struct DynamicFcEpilogue {
  float input_scale;
  int32_t zero_point;  // int8 form
  bool has_bias;
  float min, max;
};

// `rows` (<= MR) rows of the panel (kp values each) times one packed column
// tile: float outputs, the first `cols` (<= NR) columns stored.
template <typename Panel>
using DynamicFcTileFn = void (*)(const Panel* panel, size_t kp, const uint8_t* tile, const int32_t* column_sums,
                                 const float* bias, float* c, size_t c_stride, int cols, const DynamicFcEpilogue& e);

// An ISA's parts: Panel is its quantized input value (int16_t, or uint8_t
// for the VNNI sign flip).
template <typename Panel>
struct DynamicFcIsa {
  const GemmLayout& layout;
  reference::DynamicQuantization (*quantization_of)(const float* x, size_t n);  // the reference's, of n values
  void (*quantize_row)(const float* x, size_t k, size_t kp, const reference::DynamicQuantization& q,
                       Panel* dst);  // zeros from k to kp
  const DynamicFcTileFn<Panel>* tiles;  // [rows - 1]
};

template <typename Panel>
void run_dynamic_fc(const DynamicFcIsa<Panel>& isa, const DynamicFcRunParams& p, const float* input,
                    const void* packed, void* scratch, float* output) {
  const GemmLayout& layout = isa.layout;
  const size_t k = static_cast<size_t>(p.k);
  const size_t kp = static_cast<size_t>(gemm_padded_k(layout, p.k));
  const reference::DynamicQuantization q =
      p.quantization != nullptr ? *p.quantization : isa.quantization_of(input, p.m * k);
  Panel* panel = static_cast<Panel*>(scratch);
  for (size_t r = 0; r < p.m; ++r) isa.quantize_row(input + r * k, k, kp, q, panel + r * kp);
  const uint8_t* base = static_cast<const uint8_t*>(packed);
  const int32_t* sums = reinterpret_cast<const int32_t*>(base + dynamic_fc_sums_offset(layout, p.n, p.k));
  const float* bias = reinterpret_cast<const float*>(sums + dynamic_fc_padded_n(layout, p.n));
  const DynamicFcEpilogue e{q.scale, q.zero_point, p.has_bias, p.clamp.min, p.clamp.max};
  const size_t tile_bytes = gemm_tile_bytes(layout, RequantRule::kFp32, p.k);
  const size_t n = static_cast<size_t>(p.n), mr = static_cast<size_t>(layout.mr);
  for (size_t m0 = 0; m0 < p.m; m0 += mr) {
    const int rows = static_cast<int>(std::min(mr, p.m - m0));
    const uint8_t* tile = base;
    for (int n0 = 0; n0 < p.n; n0 += layout.nr, tile += tile_bytes) {
      isa.tiles[rows - 1](panel + m0 * kp, kp, tile, sums + n0, bias + n0, output + m0 * n + n0, n,
                          std::min(layout.nr, p.n - n0), e);
    }
  }
}

}  // namespace
}  // namespace qrt
