// The LSTM / GRU reference kernels against the ONNX equations evaluated here
// in double precision, on every form the op takes: forward, reverse,
// bidirectional, with and without bias and initial states, GRU with and
// without linear_before_reset. float32 weights within 1e-5 (float32 sums vs
// double); int8 weights (DynamicRnnProjection) within the error that
// quantizing x, h and the weights allows, and equal bit for bit to the same
// recurrence fed by the reference DYNAMIC_FULLY_CONNECTED kernel.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "kernels/reference/rnn_f32.h"

using namespace qrt;

namespace {

struct Case {
  bool lstm = true;
  int steps = 4, batch = 2, input = 3, hidden = 5, directions = 1;
  bool reverse = false, bias = true, initial = true, linear_before_reset = false;
};

struct Data {
  std::vector<float> x, w, r, b, h0, c0;
};

Data make_data(const Case& k, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-0.8f, 0.8f);
  const int gates = k.lstm ? 4 : 3;
  Data v;
  const auto fill = [&](std::vector<float>& out, size_t n) {
    out.resize(n);
    for (float& e : out) e = d(rng);
  };
  fill(v.x, static_cast<size_t>(k.steps) * k.batch * k.input);
  fill(v.w, static_cast<size_t>(k.directions) * gates * k.hidden * k.input);
  fill(v.r, static_cast<size_t>(k.directions) * gates * k.hidden * k.hidden);
  fill(v.b, static_cast<size_t>(k.directions) * 2 * gates * k.hidden);
  fill(v.h0, static_cast<size_t>(k.directions) * k.batch * k.hidden);
  fill(v.c0, static_cast<size_t>(k.directions) * k.batch * k.hidden);
  return v;
}

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// ONNX's equations in double; returns Y [S][D][B][H] followed by Y_h (and Y_c).
std::vector<double> oracle(const Case& k, const Data& v) {
  const int g = k.lstm ? 4 : 3, h = k.hidden;
  const size_t bh = static_cast<size_t>(k.batch) * h;
  std::vector<double> y(static_cast<size_t>(k.steps) * k.directions * bh), yh(k.directions * bh), yc(k.directions * bh);
  const auto dot = [&](const float* a, const float* m, int n) {
    double s = 0.0;
    for (int i = 0; i < n; ++i) s += static_cast<double>(a[i]) * m[i];
    return s;
  };
  for (int d = 0; d < k.directions; ++d) {
    std::vector<double> hs(bh, 0.0), cs(bh, 0.0);
    if (k.initial) {
      for (size_t e = 0; e < bh; ++e) hs[e] = v.h0[d * bh + e], cs[e] = v.c0[d * bh + e];
    }
    const float* w = v.w.data() + static_cast<size_t>(d) * g * h * k.input;
    const float* r = v.r.data() + static_cast<size_t>(d) * g * h * h;
    const float* wb = v.b.data() + static_cast<size_t>(d) * 2 * g * h;
    const float* rb = wb + g * h;
    const auto bias = [&](const float* p, int i) { return k.bias ? static_cast<double>(p[i]) : 0.0; };
    for (int s = 0; s < k.steps; ++s) {
      const int t = (d == 1 || k.reverse) ? k.steps - 1 - s : s;
      std::vector<double> nh(bh), nc(bh);
      for (int b = 0; b < k.batch; ++b) {
        const float* xt = v.x.data() + (static_cast<size_t>(t) * k.batch + b) * k.input;
        std::vector<float> hf(h);
        for (int j = 0; j < h; ++j) hf[j] = static_cast<float>(hs[b * h + j]);
        const auto hdot = [&](const std::vector<double>& vec, int row) {
          double acc = 0.0;
          for (int i = 0; i < h; ++i) acc += vec[b * h + i] * r[static_cast<size_t>(row) * h + i];
          return acc;
        };
        for (int j = 0; j < h; ++j) {
          const auto pre = [&](int gate) {
            const int row = gate * h + j;
            return dot(xt, w + static_cast<size_t>(row) * k.input, k.input) + hdot(hs, row) + bias(wb, row) + bias(rb, row);
          };
          if (k.lstm) {
            const double c = sigmoid(pre(2)) * cs[b * h + j] + sigmoid(pre(0)) * std::tanh(pre(3));
            nc[b * h + j] = c;
            nh[b * h + j] = sigmoid(pre(1)) * std::tanh(c);
          } else {
            const double z = sigmoid(pre(0));
            const int row = 2 * h + j;
            double candidate;
            if (k.linear_before_reset) {
              candidate = std::tanh(dot(xt, w + static_cast<size_t>(row) * k.input, k.input) +
                                    sigmoid(pre(1)) * (hdot(hs, row) + bias(rb, row)) + bias(wb, row));
            } else {
              double acc = 0.0;  // (r * H) R_h^T, r per unit of H
              for (int i = 0; i < h; ++i) {
                const int ri = h + i;  // the r gate of unit i
                const double gate_r = sigmoid(dot(xt, w + static_cast<size_t>(ri) * k.input, k.input) + hdot(hs, ri) +
                                              bias(wb, ri) + bias(rb, ri));
                acc += gate_r * hs[b * h + i] * r[static_cast<size_t>(row) * h + i];
              }
              candidate = std::tanh(dot(xt, w + static_cast<size_t>(row) * k.input, k.input) + acc + bias(rb, row) +
                                    bias(wb, row));
            }
            nh[b * h + j] = (1.0 - z) * candidate + z * hs[b * h + j];
          }
        }
      }
      hs = nh;
      if (k.lstm) cs = nc;
      for (size_t e = 0; e < bh; ++e) y[(static_cast<size_t>(t) * k.directions + d) * bh + e] = hs[e];
    }
    for (size_t e = 0; e < bh; ++e) yh[d * bh + e] = hs[e], yc[d * bh + e] = cs[e];
  }
  y.insert(y.end(), yh.begin(), yh.end());
  if (k.lstm) y.insert(y.end(), yc.begin(), yc.end());
  return y;
}

reference::RnnParams params_of(const Case& k) {
  reference::RnnParams p;
  p.sequence_length = k.steps;
  p.batch = k.batch;
  p.input_size = k.input;
  p.hidden_size = k.hidden;
  p.directions = k.directions;
  p.reverse = k.reverse;
  p.linear_before_reset = k.linear_before_reset;
  return p;
}

std::vector<float> run(const Case& k, const Data& v, const reference::RnnProjection& projection) {
  const reference::RnnParams p = params_of(k);
  const size_t bh = static_cast<size_t>(k.batch) * k.hidden;
  std::vector<float> y(static_cast<size_t>(k.steps) * k.directions * bh), yh(k.directions * bh), yc(k.directions * bh);
  std::vector<float> scratch(k.lstm ? reference::lstm_scratch_size(p) : reference::gru_scratch_size(p));
  const float* b = k.bias ? v.b.data() : nullptr;
  const float* h0 = k.initial ? v.h0.data() : nullptr;
  if (k.lstm) {
    reference::lstm_f32(p, projection, v.x.data(), b, h0, k.initial ? v.c0.data() : nullptr, y.data(), yh.data(),
                        yc.data(), scratch.data());
  } else {
    reference::gru_f32(p, projection, v.x.data(), b, h0, y.data(), yh.data(), scratch.data());
  }
  y.insert(y.end(), yh.begin(), yh.end());
  if (k.lstm) y.insert(y.end(), yc.begin(), yc.end());
  return y;
}

// Symmetric per-row int8 weights, as qconvert --dynamic makes them.
void quantize_rows(const std::vector<float>& m, int depth, std::vector<int8_t>* q, std::vector<float>* scales) {
  const size_t rows = m.size() / static_cast<size_t>(depth);
  q->resize(m.size());
  scales->resize(rows);
  for (size_t row = 0; row < rows; ++row) {
    float peak = 0.0f;
    for (int i = 0; i < depth; ++i) peak = std::max(peak, std::fabs(m[row * depth + i]));
    (*scales)[row] = peak > 0.0f ? peak / 127.0f : 1.0f;
    for (int i = 0; i < depth; ++i) {
      (*q)[row * depth + i] = static_cast<int8_t>(std::nearbyint(m[row * depth + i] / (*scales)[row]));
    }
  }
}

std::vector<Case> cases() {
  std::vector<Case> all;
  for (const bool lstm : {true, false}) {
    Case k;
    k.lstm = lstm;
    all.push_back(k);
    Case reverse = k;
    reverse.reverse = true, reverse.bias = false;
    all.push_back(reverse);
    Case bidirectional = k;
    bidirectional.directions = 2, bidirectional.initial = false;
    all.push_back(bidirectional);
    Case one = k;  // one step, one unit, batch 1
    one.steps = one.batch = one.hidden = 1;
    all.push_back(one);
    if (!lstm) {
      Case lbr = k;
      lbr.linear_before_reset = true;
      all.push_back(lbr);
      lbr.directions = 2, lbr.bias = false;
      all.push_back(lbr);
    }
  }
  return all;
}

}  // namespace

TEST_CASE("rnn reference: float32 LSTM / GRU follow ONNX's equations", "[rnn]") {
  uint32_t seed = 1;
  for (const Case& k : cases()) {
    INFO((k.lstm ? "LSTM" : "GRU") << " directions " << k.directions << " reverse " << k.reverse << " bias " << k.bias
                                   << " initial " << k.initial << " lbr " << k.linear_before_reset);
    const Data v = make_data(k, seed++);
    const reference::FloatRnnProjection projection(params_of(k), k.lstm ? 4 : 3, v.w.data(), v.r.data());
    const std::vector<float> got = run(k, v, projection);
    const std::vector<double> want = oracle(k, v);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) REQUIRE(std::fabs(got[i] - want[i]) <= 1e-5);
  }
}

TEST_CASE("rnn reference: int8 weights quantize x and h per run, near the float result", "[rnn]") {
  uint32_t seed = 50;
  for (const Case& k : cases()) {
    INFO((k.lstm ? "LSTM" : "GRU") << " directions " << k.directions << " lbr " << k.linear_before_reset);
    const Data v = make_data(k, seed++);
    std::vector<int8_t> wq, rq, scratch(static_cast<size_t>(std::max(k.input, k.hidden)));
    std::vector<float> ws, rs;
    quantize_rows(v.w, k.input, &wq, &ws);
    quantize_rows(v.r, k.hidden, &rq, &rs);
    const reference::DynamicRnnProjection projection(params_of(k), k.lstm ? 4 : 3, wq.data(), ws.data(),
                                                     static_cast<int>(ws.size()), rq.data(), rs.data(),
                                                     static_cast<int>(rs.size()), scratch.data());
    const std::vector<float> got = run(k, v, projection);
    const std::vector<double> want = oracle(k, v);
    REQUIRE(got.size() == want.size());
    // x, h in [-1, 1] quantized to 8 bits and weights to 8 bits: a few percent of the unit range.
    for (size_t i = 0; i < got.size(); ++i) REQUIRE(std::fabs(got[i] - want[i]) <= 0.05);
  }
}

TEST_CASE("rnn reference: the int8 input projection is DYNAMIC_FULLY_CONNECTED's reference", "[rnn]") {
  Case k;
  const Data v = make_data(k, 7);
  std::vector<int8_t> wq, rq, scratch(8);
  std::vector<float> ws, rs;
  quantize_rows(v.w, k.input, &wq, &ws);
  quantize_rows(v.r, k.hidden, &rq, &rs);
  const reference::DynamicRnnProjection projection(params_of(k), 4, wq.data(), ws.data(), static_cast<int>(ws.size()),
                                                   rq.data(), rs.data(), static_cast<int>(rs.size()), scratch.data());
  const int rows = k.steps * k.batch, units = 4 * k.hidden;
  std::vector<float> got(static_cast<size_t>(rows) * units), want(got.size());
  projection.input(0, v.x.data(), rows, got.data());
  reference::DynamicFullyConnectedParams p;
  p.batch = rows;
  p.input_depth = k.input;
  p.output_depth = units;
  p.weight_scales = ws.data();
  p.weight_scale_count = units;
  std::vector<int8_t> row(static_cast<size_t>(k.input));
  reference::dynamic_fully_connected_f32s8(p, v.x.data(), wq.data(), nullptr, row.data(), want.data());
  REQUIRE(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0);
}

// A projection that records the rows of R each recurrent() call asks for.
class RecordingProjection : public qrt::reference::RnnProjection {
 public:
  explicit RecordingProjection(int gates_times_hidden) : width_(gates_times_hidden) {}
  void input(int, const float*, int rows, float* out) const override {
    std::fill(out, out + static_cast<size_t>(rows) * width_, 0.25f);
  }
  void recurrent(int, int row_begin, int row_count, const float*, int rows, float* out) const override {
    ranges.push_back({row_begin, row_count});
    std::fill(out, out + static_cast<size_t>(rows) * row_count, 0.5f);
  }
  mutable std::vector<qrt::reference::RnnRowRange> ranges;

 private:
  int width_;
};

TEST_CASE("rnn reference: recurrent() is asked only for rnn_recurrent_row_ranges", "[rnn]") {
  for (const bool lstm : {true, false}) {
    for (const bool linear_before_reset : {false, true}) {
      qrt::reference::RnnParams p;
      p.sequence_length = 3;
      p.batch = 2;
      p.input_size = 4;
      p.hidden_size = 5;
      p.directions = 2;
      p.linear_before_reset = !lstm && linear_before_reset;
      const int gates = lstm ? 4 : 3;
      RecordingProjection projection(gates * p.hidden_size);
      const size_t state = static_cast<size_t>(p.directions) * p.batch * p.hidden_size;
      std::vector<float> x(static_cast<size_t>(p.sequence_length) * p.batch * p.input_size, 1.0f);
      std::vector<float> y(static_cast<size_t>(p.sequence_length) * state), y_h(state), y_c(state);
      std::vector<float> scratch(lstm ? qrt::reference::lstm_scratch_size(p) : qrt::reference::gru_scratch_size(p));
      if (lstm) {
        qrt::reference::lstm_f32(p, projection, x.data(), nullptr, nullptr, nullptr, y.data(), y_h.data(), y_c.data(),
                                 scratch.data());
      } else {
        qrt::reference::gru_f32(p, projection, x.data(), nullptr, nullptr, y.data(), y_h.data(), scratch.data());
      }
      const std::vector<qrt::reference::RnnRowRange> allowed =
          qrt::reference::rnn_recurrent_row_ranges(lstm, p.hidden_size);
      REQUIRE(projection.ranges.size() >= static_cast<size_t>(p.sequence_length * p.directions));
      for (const qrt::reference::RnnRowRange& range : projection.ranges) {
        INFO((lstm ? "LSTM" : "GRU") << " asked for rows " << range.begin << " + " << range.count);
        REQUIRE(std::any_of(allowed.begin(), allowed.end(), [&](const qrt::reference::RnnRowRange& a) {
          return a.begin == range.begin && a.count == range.count;
        }));
      }
    }
  }
}
