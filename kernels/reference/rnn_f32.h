// Reference LSTM and GRU (ONNX semantics: layout 0, default activations
// sigmoid / tanh / tanh, no peepholes, clip or sequence lengths), float32
// activations. The gate matrix products come from an RnnProjection: float32
// weights (FloatRnnProjection) or int8 weights with the vectors quantized
// per run (DynamicRnnProjection, the DYNAMIC_FULLY_CONNECTED arithmetic of
// dynamic_fully_connected_f32s8.h), so both forms share the recurrence.
//
// Shapes: X [S][B][I]; W [D*G*H][I], R [D*G*H][H] with G gates (LSTM: i, o,
// f, c; GRU: z, r, h) in ONNX's order, direction by direction; bias
// [D][2*G*H] (Wb then Rb, each G*H); initial_h / initial_c [D][B][H];
// Y [S][D][B][H], Y_h and Y_c [D][B][H].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qrt::reference {

struct RnnParams {
  int sequence_length = 1;
  int batch = 1;
  int input_size = 1;
  int hidden_size = 1;
  int directions = 1;        // 1 or 2
  bool reverse = false;      // with one direction: from the last step to the first
  bool linear_before_reset = false;  // GRU only
};

// The matrix products of one direction: out[r][j] = sum_k v[r][k] * M[row_begin + j][k].
class RnnProjection {
 public:
  virtual ~RnnProjection() = default;
  // Every step's input at once: x [rows][I] onto all G*H rows of W.
  virtual void input(int direction, const float* x, int rows, float* out) const = 0;
  // One step's hidden state: h [rows][H] onto rows [row_begin, row_begin + row_count) of R.
  virtual void recurrent(int direction, int row_begin, int row_count, const float* h, int rows, float* out) const = 0;
};

// float32 W and R; each sum runs over k in order from 0.0f, one float32
// multiply and one add per term (no fused multiply-add).
class FloatRnnProjection : public RnnProjection {
 public:
  FloatRnnProjection(const RnnParams& p, int gates, const float* w, const float* r)
      : p_(p), gates_(gates), w_(w), r_(r) {}
  void input(int direction, const float* x, int rows, float* out) const override;
  void recurrent(int direction, int row_begin, int row_count, const float* h, int rows, float* out) const override;

 private:
  RnnParams p_;
  int gates_;
  const float* w_;
  const float* r_;
};

// int8 W and R (zero point 0) with one scale per row (scale counts D*G*H)
// or per tensor (1). Each call quantizes its whole input (x: all steps
// together; h: one step) with dynamic_quantization_params and computes
// reference::dynamic_fully_connected_f32s8 without bias: out = float(acc) *
// (x_scale * w_scale[row]). scratch: max(I, H) int8 values, owned by the
// caller (one call at a time).
class DynamicRnnProjection : public RnnProjection {
 public:
  DynamicRnnProjection(const RnnParams& p, int gates, const int8_t* w, const float* w_scales, int w_scale_count,
                       const int8_t* r, const float* r_scales, int r_scale_count, int8_t* scratch)
      : p_(p), gates_(gates), w_(w), w_scales_(w_scales), w_scale_count_(w_scale_count), r_(r), r_scales_(r_scales),
        r_scale_count_(r_scale_count), scratch_(scratch) {}
  void input(int direction, const float* x, int rows, float* out) const override;
  void recurrent(int direction, int row_begin, int row_count, const float* h, int rows, float* out) const override;

 private:
  RnnParams p_;
  int gates_;
  const int8_t* w_;
  const float* w_scales_;
  int w_scale_count_;
  const int8_t* r_;
  const float* r_scales_;
  int r_scale_count_;
  int8_t* scratch_;
};

// The rows of R that lstm_f32 and gru_f32 ask RnnProjection::recurrent for,
// per direction: LSTM all 4H rows at once; GRU the z and r gates' 2H rows,
// then the h gate's H rows. A projection may prepare for exactly these.
struct RnnRowRange {
  int begin, count;
};
std::vector<RnnRowRange> rnn_recurrent_row_ranges(bool lstm, int hidden_size);

// Float values of scratch the kernels need.
size_t lstm_scratch_size(const RnnParams& p);
size_t gru_scratch_size(const RnnParams& p);

// Per direction d (d = 1 runs backwards, as does d = 0 when p.reverse),
// per step t, per batch row b and unit j, in float32:
//   g[k] = ((xw[t][b][k*H+j] + hr[b][k*H+j]) + Wb[k*H+j]) + Rb[k*H+j]  (bias terms only with a bias)
//   i = sigmoid(g[0]), o = sigmoid(g[1]), f = sigmoid(g[2]), c~ = tanh(g[3])
//   C = f * C + i * c~,  H = o * tanh(C)
// with sigmoid(v) = 1 / (1 + exp(-v)); C and H start at initial_c /
// initial_h (zero when nullptr). Y[t][d] = H after step t; Y_h, Y_c the last.
void lstm_f32(const RnnParams& p, const RnnProjection& projection, const float* x, const float* bias,
              const float* initial_h, const float* initial_c, float* y, float* y_h, float* y_c, float* scratch);

// Gates z, r, h:
//   z = sigmoid(((xw_z + hr_z) + Wbz) + Rbz),  r = sigmoid(((xw_r + hr_r) + Wbr) + Rbr)
//   linear_before_reset: h~ = tanh((xw_h + r * (hr_h + Rbh)) + Wbh), hr_h = H R_h^T
//   otherwise:           h~ = tanh(((xw_h + hr_h) + Rbh) + Wbh),   hr_h = (r * H) R_h^T
//   H = (1 - z) * h~ + z * H
void gru_f32(const RnnParams& p, const RnnProjection& projection, const float* x, const float* bias,
             const float* initial_h, float* y, float* y_h, float* scratch);

}  // namespace qrt::reference
