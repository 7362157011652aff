#include "converter/report/qfb_runner.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace qrt::convert {
namespace {

void check(qrt_status status, const char* what) {
  if (status != QRT_OK) throw std::runtime_error(std::string("the int8 model: ") + what + ": " + qrt_last_error());
}

std::vector<int64_t> dims_of(const qrt_tensor_info& info) {
  return std::vector<int64_t>(info.dims, info.dims + info.num_dims);
}

// --nhwc-io models keep rank-4 edges NHWC; the float model's are NCHW.
bool is_nhwc_of(const std::vector<int64_t>& dims, const std::vector<int64_t>& nchw) {
  return dims.size() == 4 && nchw.size() == 4 && dims != nchw && dims[0] == nchw[0] && dims[1] == nchw[2] &&
         dims[2] == nchw[3] && dims[3] == nchw[1];
}

// Element (n, c, y, x) of an NCHW tensor sits at nhwc_index in the NHWC one.
size_t nhwc_index(const std::vector<int64_t>& nchw, size_t i) {
  const int64_t c = nchw[1], h = nchw[2], w = nchw[3];
  const int64_t x = static_cast<int64_t>(i) % w, y = static_cast<int64_t>(i) / w % h;
  const int64_t ch = static_cast<int64_t>(i) / (w * h) % c, n = static_cast<int64_t>(i) / (w * h * c);
  return static_cast<size_t>(((n * h + y) * w + x) * c + ch);
}

}  // namespace

QfbRunner::QfbRunner(const std::vector<uint8_t>& qfb) {
  check(qrt_model_load_buffer(qfb.data(), qfb.size(), &model_), "load");
  check(qrt_interpreter_create(model_, nullptr, &interpreter_), "create an interpreter");
  check(qrt_interpreter_prepare(interpreter_), "prepare");
}

QfbRunner::~QfbRunner() {
  qrt_interpreter_destroy(interpreter_);
  qrt_model_destroy(model_);
}

std::vector<std::string> QfbRunner::output_names() const {
  size_t count = 0;
  check(qrt_interpreter_get_output_count(interpreter_, &count), "output count");
  std::vector<std::string> names;
  for (size_t k = 0; k < count; ++k) {
    qrt_tensor_info info;
    check(qrt_interpreter_get_output_info(interpreter_, k, &info), "output info");
    names.push_back(info.name);
  }
  return names;
}

std::map<std::string, std::vector<float>> QfbRunner::run(
    const std::map<std::string, HostTensor>& inputs, const std::map<std::string, std::vector<int64_t>>& float_shapes) {
  size_t count = 0;
  check(qrt_interpreter_get_input_count(interpreter_, &count), "input count");
  for (size_t k = 0; k < count; ++k) {
    qrt_tensor_info info;
    check(qrt_interpreter_get_input_info(interpreter_, k, &info), "input info");
    const auto found = inputs.find(info.name);
    if (found != inputs.end() && !found->second.is_float() && info.dtype == QRT_DTYPE_INT32) {  // token ids
      const HostTensor& ids = found->second;
      if (static_cast<size_t>(ids.size()) * 4 != info.byte_size) {
        throw std::runtime_error(std::string("input '") + info.name + "' has " + std::to_string(ids.size()) +
                                 " ids in the float model, a different size in the int8 model");
      }
      std::vector<int32_t> narrowed(ids.i.begin(), ids.i.end());
      check(qrt_interpreter_set_input(interpreter_, k, narrowed.data(), info.byte_size), "set input");
      continue;
    }
    if (found == inputs.end() || !found->second.is_float()) {
      throw std::runtime_error(std::string("no float value for the int8 model's input '") + info.name + "'");
    }
    const HostTensor& x = found->second;
    const std::vector<int64_t> dims = dims_of(info);
    if (shape_element_count(dims) != x.size()) {
      throw std::runtime_error(std::string("input '") + info.name + "' is " + shape_text(dims) + " in the int8 model, " +
                               shape_text(x.shape) + " in the float model");
    }
    const bool nhwc = is_nhwc_of(dims, x.shape);
    std::vector<float> ordered(x.f.size());
    for (size_t i = 0; i < x.f.size(); ++i) ordered[nhwc ? nhwc_index(x.shape, i) : i] = x.f[i];
    std::vector<uint8_t> bytes(info.byte_size);
    if (info.dtype == QRT_DTYPE_FLOAT32) {
      std::memcpy(bytes.data(), ordered.data(), bytes.size());
    } else if (info.quantized && (info.dtype == QRT_DTYPE_INT8 || info.dtype == QRT_DTYPE_UINT8)) {
      const bool u8 = info.dtype == QRT_DTYPE_UINT8;
      for (size_t i = 0; i < ordered.size(); ++i) {
        const float q = std::nearbyint(ordered[i] / info.scale) + static_cast<float>(info.zero_point);
        const float lo = u8 ? 0.0f : -128.0f, hi = u8 ? 255.0f : 127.0f;
        const int v = static_cast<int>(std::fmin(std::fmax(q, lo), hi));
        bytes[i] = static_cast<uint8_t>(u8 ? v : static_cast<int8_t>(v));
      }
    } else {
      throw std::runtime_error(std::string("input '") + info.name + "' has a dtype the report cannot feed");
    }
    check(qrt_interpreter_set_input(interpreter_, k, bytes.data(), bytes.size()), "set input");
  }
  check(qrt_interpreter_invoke(interpreter_), "invoke");

  std::map<std::string, std::vector<float>> outputs;
  check(qrt_interpreter_get_output_count(interpreter_, &count), "output count");
  for (size_t k = 0; k < count; ++k) {
    qrt_tensor_info info;
    check(qrt_interpreter_get_output_info(interpreter_, k, &info), "output info");
    std::vector<uint8_t> bytes(info.byte_size);
    check(qrt_interpreter_get_output(interpreter_, k, bytes.data(), bytes.size()), "get output");
    const size_t n = static_cast<size_t>(shape_element_count(dims_of(info)));
    std::vector<float> real(n);
    for (size_t i = 0; i < n; ++i) {
      if (info.dtype == QRT_DTYPE_FLOAT32) {
        std::memcpy(&real[i], bytes.data() + 4 * i, 4);
      } else if (info.quantized && info.dtype == QRT_DTYPE_INT8) {
        real[i] = info.scale * static_cast<float>(static_cast<int8_t>(bytes[i]) - info.zero_point);
      } else if (info.quantized && info.dtype == QRT_DTYPE_UINT8) {
        real[i] = info.scale * static_cast<float>(bytes[i] - info.zero_point);
      } else {
        throw std::runtime_error(std::string("output '") + info.name + "' has a dtype the report cannot read");
      }
    }
    const auto shape = float_shapes.find(info.name);
    if (shape != float_shapes.end() && is_nhwc_of(dims_of(info), shape->second)) {
      std::vector<float> nchw(n);
      for (size_t i = 0; i < n; ++i) nchw[i] = real[nhwc_index(shape->second, i)];
      real.swap(nchw);
    }
    outputs[info.name] = std::move(real);
  }
  return outputs;
}

}  // namespace qrt::convert
