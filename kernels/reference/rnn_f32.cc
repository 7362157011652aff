#include "kernels/reference/rnn_f32.h"

#include <cmath>
#include <cstring>

#include "kernels/reference/dynamic_fully_connected_f32s8.h"

namespace qrt::reference {
namespace {

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

void project_f32(const float* v, int rows, int depth, const float* m, int count, float* out) {
  for (int r = 0; r < rows; ++r) {
    const float* vr = v + static_cast<size_t>(r) * depth;
    for (int j = 0; j < count; ++j) {
      const float* mj = m + static_cast<size_t>(j) * depth;
      float acc = 0.0f;
      for (int k = 0; k < depth; ++k) acc += vr[k] * mj[k];
      out[static_cast<size_t>(r) * count + j] = acc;
    }
  }
}

void project_s8(const float* v, int rows, int depth, const int8_t* m, const float* scales, int scale_count,
                int count, int8_t* scratch, float* out) {
  DynamicFullyConnectedParams p;
  p.batch = rows;
  p.input_depth = depth;
  p.output_depth = count;
  p.weight_scales = scales;
  p.weight_scale_count = scale_count;
  dynamic_fully_connected_f32s8(p, v, m, nullptr, scratch, out);
}

// The step index of step s of direction d.
int step_time(const RnnParams& p, int d, int s) {
  const bool backwards = d == 1 || p.reverse;
  return backwards ? p.sequence_length - 1 - s : s;
}

void start_state(const RnnParams& p, int d, const float* initial, float* state) {
  const size_t n = static_cast<size_t>(p.batch) * p.hidden_size;
  if (initial != nullptr) {
    std::memcpy(state, initial + static_cast<size_t>(d) * n, n * sizeof(float));
  } else {
    for (size_t i = 0; i < n; ++i) state[i] = 0.0f;
  }
}

}  // namespace

void FloatRnnProjection::input(int direction, const float* x, int rows, float* out) const {
  const int count = gates_ * p_.hidden_size;
  project_f32(x, rows, p_.input_size, w_ + static_cast<size_t>(direction) * count * p_.input_size, count, out);
}

void FloatRnnProjection::recurrent(int direction, int row_begin, int row_count, const float* h, int rows,
                                   float* out) const {
  const size_t first = static_cast<size_t>(direction) * gates_ * p_.hidden_size + row_begin;
  project_f32(h, rows, p_.hidden_size, r_ + first * p_.hidden_size, row_count, out);
}

void DynamicRnnProjection::input(int direction, const float* x, int rows, float* out) const {
  const int count = gates_ * p_.hidden_size;
  const size_t first = static_cast<size_t>(direction) * count;
  project_s8(x, rows, p_.input_size, w_ + first * p_.input_size, w_scales_ + (w_scale_count_ == 1 ? 0 : first),
             w_scale_count_ == 1 ? 1 : count, count, scratch_, out);
}

void DynamicRnnProjection::recurrent(int direction, int row_begin, int row_count, const float* h, int rows,
                                     float* out) const {
  const size_t first = static_cast<size_t>(direction) * gates_ * p_.hidden_size + row_begin;
  project_s8(h, rows, p_.hidden_size, r_ + first * p_.hidden_size, r_scales_ + (r_scale_count_ == 1 ? 0 : first),
             r_scale_count_ == 1 ? 1 : row_count, row_count, scratch_, out);
}

std::vector<RnnRowRange> rnn_recurrent_row_ranges(bool lstm, int hidden_size) {
  if (lstm) return {{0, 4 * hidden_size}};
  return {{0, 2 * hidden_size}, {2 * hidden_size, hidden_size}};
}

size_t lstm_scratch_size(const RnnParams& p) {
  const size_t bh = static_cast<size_t>(p.batch) * p.hidden_size;
  return static_cast<size_t>(p.sequence_length) * bh * 4 + bh * 4 + bh * 2;
}

size_t gru_scratch_size(const RnnParams& p) {
  const size_t bh = static_cast<size_t>(p.batch) * p.hidden_size;
  return static_cast<size_t>(p.sequence_length) * bh * 3 + bh * 2 + bh * 4;
}

void lstm_f32(const RnnParams& p, const RnnProjection& projection, const float* x, const float* bias,
              const float* initial_h, const float* initial_c, float* y, float* y_h, float* y_c, float* scratch) {
  const int hs = p.hidden_size, g4 = 4 * hs;
  const size_t bh = static_cast<size_t>(p.batch) * hs;
  float* xw = scratch;                                            // [S*B][4H]
  float* hr = xw + static_cast<size_t>(p.sequence_length) * bh * 4;  // [B][4H]
  float* h = hr + bh * 4;                                         // [B][H]
  float* c = h + bh;                                              // [B][H]
  for (int d = 0; d < p.directions; ++d) {
    projection.input(d, x, p.sequence_length * p.batch, xw);
    start_state(p, d, initial_h, h);
    start_state(p, d, initial_c, c);
    const float* wb = bias != nullptr ? bias + static_cast<size_t>(d) * 2 * g4 : nullptr;
    const float* rb = wb != nullptr ? wb + g4 : nullptr;
    for (int s = 0; s < p.sequence_length; ++s) {
      const int t = step_time(p, d, s);
      projection.recurrent(d, 0, g4, h, p.batch, hr);
      for (int b = 0; b < p.batch; ++b) {
        const float* xr = xw + (static_cast<size_t>(t) * p.batch + b) * g4;
        const float* hb = hr + static_cast<size_t>(b) * g4;
        for (int j = 0; j < hs; ++j) {
          float g[4];
          for (int k = 0; k < 4; ++k) {
            float v = xr[k * hs + j] + hb[k * hs + j];
            if (wb != nullptr) v = (v + wb[k * hs + j]) + rb[k * hs + j];
            g[k] = v;
          }
          const float i = sigmoid(g[0]), o = sigmoid(g[1]), f = sigmoid(g[2]), cc = std::tanh(g[3]);
          const size_t e = static_cast<size_t>(b) * hs + j;
          c[e] = f * c[e] + i * cc;
          h[e] = o * std::tanh(c[e]);
        }
      }
      std::memcpy(y + (static_cast<size_t>(t) * p.directions + d) * bh, h, bh * sizeof(float));
    }
    std::memcpy(y_h + static_cast<size_t>(d) * bh, h, bh * sizeof(float));
    if (y_c != nullptr) std::memcpy(y_c + static_cast<size_t>(d) * bh, c, bh * sizeof(float));
  }
}

void gru_f32(const RnnParams& p, const RnnProjection& projection, const float* x, const float* bias,
             const float* initial_h, float* y, float* y_h, float* scratch) {
  const int hs = p.hidden_size, g3 = 3 * hs;
  const size_t bh = static_cast<size_t>(p.batch) * hs;
  float* xw = scratch;                                               // [S*B][3H]
  float* hr = xw + static_cast<size_t>(p.sequence_length) * bh * 3;  // [B][2H]: z, r
  float* hh = hr + bh * 2;                                           // [B][H]: the h gate's product
  float* h = hh + bh;                                                // [B][H]
  float* z = h + bh;                                                 // [B][H]
  float* r = z + bh;                                                 // [B][H]: r, then r * H
  for (int d = 0; d < p.directions; ++d) {
    projection.input(d, x, p.sequence_length * p.batch, xw);
    start_state(p, d, initial_h, h);
    const float* wb = bias != nullptr ? bias + static_cast<size_t>(d) * 2 * g3 : nullptr;
    const float* rb = wb != nullptr ? wb + g3 : nullptr;
    for (int s = 0; s < p.sequence_length; ++s) {
      const int t = step_time(p, d, s);
      projection.recurrent(d, 0, 2 * hs, h, p.batch, hr);
      for (int b = 0; b < p.batch; ++b) {
        const float* xr = xw + (static_cast<size_t>(t) * p.batch + b) * g3;
        for (int j = 0; j < hs; ++j) {
          const size_t e = static_cast<size_t>(b) * hs + j;
          float vz = xr[j] + hr[static_cast<size_t>(b) * 2 * hs + j];
          float vr = xr[hs + j] + hr[static_cast<size_t>(b) * 2 * hs + hs + j];
          if (wb != nullptr) {
            vz = (vz + wb[j]) + rb[j];
            vr = (vr + wb[hs + j]) + rb[hs + j];
          }
          z[e] = sigmoid(vz);
          r[e] = sigmoid(vr);
        }
      }
      if (p.linear_before_reset) {
        projection.recurrent(d, 2 * hs, hs, h, p.batch, hh);
      } else {
        for (size_t e = 0; e < bh; ++e) r[e] = r[e] * h[e];
        projection.recurrent(d, 2 * hs, hs, r, p.batch, hh);
      }
      for (int b = 0; b < p.batch; ++b) {
        const float* xr = xw + (static_cast<size_t>(t) * p.batch + b) * g3;
        for (int j = 0; j < hs; ++j) {
          const size_t e = static_cast<size_t>(b) * hs + j;
          float v;
          if (p.linear_before_reset) {
            const float product = rb != nullptr ? hh[e] + rb[2 * hs + j] : hh[e];
            v = xr[2 * hs + j] + r[e] * product;
            if (wb != nullptr) v = v + wb[2 * hs + j];
          } else {
            v = xr[2 * hs + j] + hh[e];
            if (wb != nullptr) v = (v + rb[2 * hs + j]) + wb[2 * hs + j];
          }
          const float candidate = std::tanh(v);
          h[e] = (1.0f - z[e]) * candidate + z[e] * h[e];
        }
      }
      std::memcpy(y + (static_cast<size_t>(t) * p.directions + d) * bh, h, bh * sizeof(float));
    }
    std::memcpy(y_h + static_cast<size_t>(d) * bh, h, bh * sizeof(float));
  }
}

}  // namespace qrt::reference
