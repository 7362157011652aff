// Expand (NumPy broadcasting to a given shape) in the float executor: what
// PyTorch writes for the zero initial state of an exported LSTM / GRU (a
// constant Expand-ed to [directions, batch, hidden]), folded into a constant
// by the passes.
#include <algorithm>
#include <string>

#include "converter/ir/float_ops.h"

namespace qrt::convert {

std::vector<HostTensor> run_expand(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.input(0);
  const HostTensor& shape = ctx.input(1);
  if (shape.is_float() || shape.shape.size() != 1) ctx.fail("the shape must be a 1-D int64 tensor");
  const std::vector<int64_t>& target = shape.i;
  const size_t rank = std::max(x.shape.size(), target.size());
  if (rank > 8) ctx.fail("rank above 8");
  std::vector<int64_t> in(rank, 1), out(rank, 1);
  std::copy(x.shape.begin(), x.shape.end(), in.begin() + static_cast<std::ptrdiff_t>(rank - x.shape.size()));
  std::copy(target.begin(), target.end(), out.begin() + static_cast<std::ptrdiff_t>(rank - target.size()));
  int64_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] < 0) ctx.fail("negative dimension " + std::to_string(out[d]));
    if (in[d] != out[d] && in[d] != 1 && out[d] != 1) {
      ctx.fail("dimension " + std::to_string(in[d]) + " does not broadcast to " + std::to_string(out[d]));
    }
    out[d] = std::max(in[d], out[d]);
    if (out[d] > (int64_t{1} << 28) || (count *= out[d]) > (int64_t{1} << 28)) ctx.fail("the result is too large");
  }
  HostTensor y;
  y.dtype = x.dtype;
  y.shape = out;
  for (int64_t e = 0; e < count; ++e) {
    int64_t rest = e, source = 0, stride = 1;
    for (size_t d = rank; d-- > 0;) {
      const int64_t index = rest % out[d];
      rest /= out[d];
      source += (in[d] == 1 ? 0 : index) * stride;
      stride *= in[d];
    }
    if (x.is_float()) {
      y.f.push_back(x.f[static_cast<size_t>(source)]);
    } else {
      y.i.push_back(x.i[static_cast<size_t>(source)]);
    }
  }
  return {y};
}

}  // namespace qrt::convert
