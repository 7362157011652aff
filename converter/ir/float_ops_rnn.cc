// ONNX LSTM and GRU in the float executor (layout 0, default activations,
// no peepholes, clip or sequence_lens): what static PTQ's calibration and
// shape inference run, and the float result qconvert --dynamic is compared
// with. Sums in double, written independently of the runtime's reference
// kernels (kernels/reference/rnn_f32.h).
#include <algorithm>
#include <cmath>
#include <string>

#include "converter/ir/float_ops.h"

namespace qrt::convert {
namespace {

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

struct RnnShape {
  int64_t steps = 0, batch = 0, input = 0, hidden = 0, directions = 1, gates = 0;
  bool reverse = false;
};

// Checks what the runtime's LSTM / GRU ops take and returns the shape.
RnnShape check_rnn(const FloatOpContext& ctx, int64_t gates) {
  const IrNode& n = ctx.node;
  for (const char* unsupported : {"activations", "activation_alpha", "activation_beta", "clip"}) {
    if (n.attribute(unsupported) != nullptr) ctx.fail(std::string("attribute '") + unsupported + "' is not supported");
  }
  if (n.int_attribute("layout", 0) != 0) ctx.fail("layout 1 (batch first) is not supported");
  if (n.int_attribute("input_forget", 0) != 0) ctx.fail("input_forget is not supported");
  if (ctx.optional_input(4) != nullptr) ctx.fail("sequence_lens is not supported");
  if (gates == 4 && ctx.optional_input(7) != nullptr) ctx.fail("peepholes (P) are not supported");
  const HostTensor& x = ctx.float_input(0);
  const HostTensor& w = ctx.float_input(1);
  const HostTensor& r = ctx.float_input(2);
  RnnShape s;
  s.gates = gates;
  const IrAttribute* direction = n.attribute("direction");
  const std::string dir = direction != nullptr ? direction->s : "forward";
  if (dir == "bidirectional") {
    s.directions = 2;
  } else if (dir == "reverse") {
    s.reverse = true;
  } else if (dir != "forward") {
    ctx.fail("direction '" + dir + "'");
  }
  if (x.shape.size() != 3) ctx.fail("X must be [seq, batch, input]");
  s.steps = x.shape[0], s.batch = x.shape[1], s.input = x.shape[2];
  s.hidden = n.int_attribute("hidden_size", 0);
  if (s.hidden < 1) ctx.fail("hidden_size must be set");
  const std::vector<int64_t> ws = {s.directions, gates * s.hidden, s.input};
  const std::vector<int64_t> rs = {s.directions, gates * s.hidden, s.hidden};
  if (w.shape != ws || r.shape != rs) ctx.fail("W / R shapes do not match hidden_size and X");
  const HostTensor* b = ctx.optional_input(3);
  if (b != nullptr && (!b->is_float() || b->shape != std::vector<int64_t>{s.directions, 2 * gates * s.hidden})) {
    ctx.fail("B must be [directions, " + std::to_string(2 * gates) + " * hidden_size]");
  }
  const std::vector<int64_t> state = {s.directions, s.batch, s.hidden};
  for (size_t k : {size_t{5}, size_t{6}}) {
    if (k == 6 && gates != 4) break;
    const HostTensor* t = ctx.optional_input(k);
    if (t != nullptr && (!t->is_float() || t->shape != state)) ctx.fail("initial states must be [directions, batch, hidden]");
  }
  return s;
}

// v [rows][depth] . M[row0 + j] for j in [0, count), double sums.
void project(const float* v, int64_t depth, const float* m, int64_t count, double* out) {
  for (int64_t j = 0; j < count; ++j) {
    double acc = 0.0;
    for (int64_t k = 0; k < depth; ++k) acc += static_cast<double>(v[k]) * m[j * depth + k];
    out[j] = acc;
  }
}

}  // namespace

std::vector<HostTensor> run_lstm(const FloatOpContext& ctx) {
  const RnnShape s = check_rnn(ctx, 4);
  const HostTensor& x = ctx.input(0);
  const HostTensor& w = ctx.input(1);
  const HostTensor& r = ctx.input(2);
  const HostTensor* b = ctx.optional_input(3);
  const HostTensor* h0 = ctx.optional_input(5);
  const HostTensor* c0 = ctx.optional_input(6);
  const int64_t h = s.hidden, bh = s.batch * h;
  HostTensor y = HostTensor::floats({s.steps, s.directions, s.batch, h}, std::vector<float>(s.steps * s.directions * bh));
  HostTensor yh = HostTensor::floats({s.directions, s.batch, h}, std::vector<float>(s.directions * bh));
  HostTensor yc = yh;
  std::vector<double> gx(4 * h), gh(4 * h);
  for (int64_t d = 0; d < s.directions; ++d) {
    std::vector<float> hs(bh, 0.0f), cs(bh, 0.0f);
    if (h0) std::copy(h0->f.begin() + d * bh, h0->f.begin() + (d + 1) * bh, hs.begin());
    if (c0) std::copy(c0->f.begin() + d * bh, c0->f.begin() + (d + 1) * bh, cs.begin());
    const float* wd = w.f.data() + d * 4 * h * s.input;
    const float* rd = r.f.data() + d * 4 * h * h;
    for (int64_t step = 0; step < s.steps; ++step) {
      const int64_t t = (d == 1 || s.reverse) ? s.steps - 1 - step : step;
      std::vector<float> next_h(bh), next_c(bh);
      for (int64_t bi = 0; bi < s.batch; ++bi) {
        project(x.f.data() + (t * s.batch + bi) * s.input, s.input, wd, 4 * h, gx.data());
        project(hs.data() + bi * h, h, rd, 4 * h, gh.data());
        for (int64_t j = 0; j < h; ++j) {
          double g[4];
          for (int k = 0; k < 4; ++k) {
            g[k] = gx[k * h + j] + gh[k * h + j];
            if (b) g[k] += static_cast<double>(b->f[d * 8 * h + k * h + j]) + b->f[d * 8 * h + 4 * h + k * h + j];
          }
          const double c = sigmoid(g[2]) * cs[bi * h + j] + sigmoid(g[0]) * std::tanh(g[3]);
          next_c[bi * h + j] = static_cast<float>(c);
          next_h[bi * h + j] = static_cast<float>(sigmoid(g[1]) * std::tanh(c));
        }
      }
      hs = next_h;
      cs = next_c;
      std::copy(hs.begin(), hs.end(), y.f.begin() + (t * s.directions + d) * bh);
    }
    std::copy(hs.begin(), hs.end(), yh.f.begin() + d * bh);
    std::copy(cs.begin(), cs.end(), yc.f.begin() + d * bh);
  }
  return {y, yh, yc};
}

std::vector<HostTensor> run_gru(const FloatOpContext& ctx) {
  const RnnShape s = check_rnn(ctx, 3);
  const HostTensor& x = ctx.input(0);
  const HostTensor& w = ctx.input(1);
  const HostTensor& r = ctx.input(2);
  const HostTensor* b = ctx.optional_input(3);
  const HostTensor* h0 = ctx.optional_input(5);
  const bool linear_before_reset = ctx.node.int_attribute("linear_before_reset", 0) != 0;
  const int64_t h = s.hidden, bh = s.batch * h;
  HostTensor y = HostTensor::floats({s.steps, s.directions, s.batch, h}, std::vector<float>(s.steps * s.directions * bh));
  HostTensor yh = HostTensor::floats({s.directions, s.batch, h}, std::vector<float>(s.directions * bh));
  std::vector<double> gx(3 * h), gh(3 * h);
  const auto bias = [&](int64_t d, int64_t k) { return b ? static_cast<double>(b->f[d * 6 * h + k]) : 0.0; };
  for (int64_t d = 0; d < s.directions; ++d) {
    std::vector<float> hs(bh, 0.0f);
    if (h0) std::copy(h0->f.begin() + d * bh, h0->f.begin() + (d + 1) * bh, hs.begin());
    const float* wd = w.f.data() + d * 3 * h * s.input;
    const float* rd = r.f.data() + d * 3 * h * h;
    for (int64_t step = 0; step < s.steps; ++step) {
      const int64_t t = (d == 1 || s.reverse) ? s.steps - 1 - step : step;
      std::vector<float> next(bh);
      for (int64_t bi = 0; bi < s.batch; ++bi) {
        const float* hb = hs.data() + bi * h;
        project(x.f.data() + (t * s.batch + bi) * s.input, s.input, wd, 3 * h, gx.data());
        project(hb, h, rd, 2 * h, gh.data());  // z and r rows
        std::vector<double> z(h), rg(h);
        for (int64_t j = 0; j < h; ++j) {
          z[j] = sigmoid(gx[j] + gh[j] + bias(d, j) + bias(d, 3 * h + j));
          rg[j] = sigmoid(gx[h + j] + gh[h + j] + bias(d, h + j) + bias(d, 4 * h + j));
        }
        std::vector<double> hh(h);
        if (linear_before_reset) {
          std::vector<double> p(h);
          project(hb, h, rd + 2 * h * h, h, p.data());
          for (int64_t j = 0; j < h; ++j) hh[j] = std::tanh(gx[2 * h + j] + rg[j] * (p[j] + bias(d, 5 * h + j)) + bias(d, 2 * h + j));
        } else {
          std::vector<float> reset(h);
          for (int64_t j = 0; j < h; ++j) reset[j] = static_cast<float>(rg[j] * hb[j]);
          std::vector<double> p(h);
          project(reset.data(), h, rd + 2 * h * h, h, p.data());
          for (int64_t j = 0; j < h; ++j) hh[j] = std::tanh(gx[2 * h + j] + p[j] + bias(d, 5 * h + j) + bias(d, 2 * h + j));
        }
        for (int64_t j = 0; j < h; ++j) next[bi * h + j] = static_cast<float>((1.0 - z[j]) * hh[j] + z[j] * hb[j]);
      }
      hs = next;
      std::copy(hs.begin(), hs.end(), y.f.begin() + (t * s.directions + d) * bh);
    }
    std::copy(hs.begin(), hs.end(), yh.f.begin() + d * bh);
  }
  return {y, yh};
}

}  // namespace qrt::convert
