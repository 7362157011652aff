#include "converter/calibration/calibration_inputs.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>

#include "runtime/tools/npy.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

// The graph's inputs that need data (not constants), each float32 of fully known shape.
std::vector<const IrValue*> float_inputs(const IrGraph& graph) {
  std::vector<const IrValue*> inputs;
  for (const std::string& name : graph.inputs) {
    const IrValue* v = graph.find(name);
    if (!v || v->is_constant) continue;
    const bool ids = v->dtype == IrDType::kInt64 || v->dtype == IrDType::kInt32;  // token ids (Gather)
    if (v->dtype != IrDType::kFloat32 && !ids) {
      throw std::runtime_error("input '" + v->name + "' is not float32 (nor int32 / int64 token ids)");
    }
    if (v->element_count() < 0) {
      throw std::runtime_error("input '" + v->name + "' has shape " + shape_text(v->shape) +
                               " with unknown dimensions: give --input-shape " + v->name + "=...");
    }
    inputs.push_back(v);
  }
  if (inputs.empty()) throw std::runtime_error("the model has no input to calibrate");
  return inputs;
}

std::string input_names(const std::vector<const IrValue*>& inputs) {
  std::string names;
  for (const IrValue* v : inputs) names += (names.empty() ? "'" : ", '") + v->name + "'";
  return names;
}

// Each path's input: "NAME=PATH" when NAME is one of the inputs, else the
// model's only input. Throws when a multi-input model gets an unnamed path,
// or an input gets no path.
std::map<std::string, std::vector<std::string>> paths_by_input(const std::vector<const IrValue*>& inputs,
                                                               const std::vector<std::string>& paths) {
  std::map<std::string, std::vector<std::string>> by_input;
  for (const std::string& path : paths) {
    const size_t eq = path.find('=');
    const IrValue* named = nullptr;
    for (const IrValue* v : inputs) {
      if (eq != std::string::npos && path.compare(0, eq, v->name) == 0 && v->name.size() == eq) named = v;
    }
    std::error_code ec;
    if (named) {
      by_input[named->name].push_back(path.substr(eq + 1));
    } else if (eq != std::string::npos && eq > 0 && !fs::exists(path, ec)) {
      throw std::runtime_error("calibration data '" + path + "': the model has no input '" + path.substr(0, eq) +
                               "' (its inputs: " + input_names(inputs) + ")");
    } else if (inputs.size() == 1) {
      by_input[inputs[0]->name].push_back(path);
    } else {
      throw std::runtime_error("the model has " + std::to_string(inputs.size()) + " inputs (" + input_names(inputs) +
                               "): name the input of each calibration path as NAME=PATH, not '" + path + "'");
    }
  }
  for (const IrValue* v : inputs) {
    if (by_input[v->name].empty()) {
      throw std::runtime_error("no calibration data for input '" + v->name + "': give " + v->name + "=PATH");
    }
  }
  return by_input;
}

std::vector<std::string> sample_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> inside;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        const std::string file = entry.path().string();
        if (entry.is_regular_file() && (entry.path().extension() == ".npy" || is_image_file(file))) {
          inside.push_back(file);
        }
      }
      if (inside.empty()) throw std::runtime_error("calibration folder '" + path + "' holds no .npy or image files");
      std::sort(inside.begin(), inside.end());
      files.insert(files.end(), inside.begin(), inside.end());
    } else {
      files.push_back(path);
    }
  }
  return files;
}

// Every sample of one input, in file order.
std::vector<HostTensor> input_samples(const IrValue& input, const std::vector<std::string>& paths,
                                      const ImagePreprocessing& images) {
  const size_t per_sample = static_cast<size_t>(input.element_count());
  std::vector<HostTensor> samples;
  for (const std::string& file : sample_files(paths)) {
    if (is_image_file(file)) {
      samples.push_back(image_sample(file, input.shape, images));
      continue;
    }
    tools::NpyArray array;
    std::string error;
    if (!tools::read_npy(file, &array, &error)) throw std::runtime_error("calibration data: " + error);
    const bool ids = input.dtype != IrDType::kFloat32;
    if (array.dtype != (ids ? QRT_DTYPE_INT32 : QRT_DTYPE_FLOAT32)) {
      throw std::runtime_error("calibration data '" + file + "' is not " + (ids ? "int32 (token ids)" : "float32"));
    }
    const size_t count = array.data.size() / sizeof(float);  // 4-byte elements either way
    const bool one_sample = array.shape == input.shape;
    if (count == 0 || count % per_sample != 0 || (!one_sample && array.shape.size() < 2)) {
      throw std::runtime_error("calibration data '" + file + "' has shape " + shape_text(array.shape) +
                               "; input '" + input.name + "' needs " + shape_text(input.shape) + " or [N, ...] of it");
    }
    for (size_t s = 0; s < count / per_sample; ++s) {
      if (ids) {
        std::vector<int32_t> raw(per_sample);
        std::memcpy(raw.data(), array.data.data() + s * per_sample * sizeof(int32_t), per_sample * sizeof(int32_t));
        samples.push_back(HostTensor::int64s(input.shape, std::vector<int64_t>(raw.begin(), raw.end())));
        continue;
      }
      std::vector<float> x(per_sample);
      std::memcpy(x.data(), array.data.data() + s * per_sample * sizeof(float), per_sample * sizeof(float));
      samples.push_back(HostTensor::floats(input.shape, std::move(x)));
    }
  }
  return samples;
}

}  // namespace

std::vector<HostTensorMap> load_calibration_samples(const IrGraph& graph, const std::vector<std::string>& paths,
                                                    const ImagePreprocessing& images) {
  const std::vector<const IrValue*> inputs = float_inputs(graph);
  const auto by_input = paths_by_input(inputs, paths);
  std::vector<HostTensorMap> samples;
  for (const IrValue* input : inputs) {
    std::vector<HostTensor> values = input_samples(*input, by_input.at(input->name), images);
    if (input != inputs[0] && values.size() != samples.size()) {
      throw std::runtime_error("input '" + input->name + "' has " + std::to_string(values.size()) +
                               " calibration samples but '" + inputs[0]->name + "' has " +
                               std::to_string(samples.size()) + ": sample k of every input is fed together");
    }
    if (input == inputs[0]) samples.resize(values.size());
    for (size_t k = 0; k < values.size(); ++k) samples[k][input->name] = std::move(values[k]);
  }
  return samples;
}

namespace {

// The fewest rows of the constant tables that Gather nodes index with `ids`
// (every id below it is valid for all of them).
int64_t indexed_rows(const IrGraph& graph, const std::string& ids) {
  int64_t rows = -1;
  for (const IrNode& node : graph.nodes) {
    if (node.op_type != "Gather" || node.inputs.size() != 2 || node.inputs[1] != ids) continue;
    const IrValue* table = graph.find(node.inputs[0]);
    if (!table || !table->is_constant || table->shape.empty()) continue;
    int64_t axis = node.int_attribute("axis", 0);
    if (axis < 0) axis += static_cast<int64_t>(table->shape.size());
    if (axis < 0 || axis >= static_cast<int64_t>(table->shape.size())) continue;
    const int64_t extent = table->shape[static_cast<size_t>(axis)];
    rows = rows < 0 ? extent : std::min(rows, extent);
  }
  if (rows < 1) {
    throw std::runtime_error("input '" + ids + "' holds integers that index no constant table, so they have no "
                             "random stand-in: give calibration data (--calib, int32 .npy)");
  }
  return rows;
}

}  // namespace

std::vector<HostTensorMap> random_calibration_samples(const IrGraph& graph, int count) {
  const std::vector<const IrValue*> inputs = float_inputs(graph);
  std::mt19937 rng(20240611u);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<HostTensorMap> samples;
  for (int s = 0; s < count; ++s) {
    HostTensorMap sample;
    for (const IrValue* input : inputs) {
      if (input->dtype != IrDType::kFloat32) {  // token ids: uniform over the rows they index
        const int64_t rows = indexed_rows(graph, input->name);
        std::uniform_int_distribution<int64_t> id(0, rows - 1);
        std::vector<int64_t> ids(static_cast<size_t>(input->element_count()));
        for (int64_t& v : ids) v = id(rng);
        sample[input->name] = HostTensor::int64s(input->shape, std::move(ids));
        continue;
      }
      std::vector<float> x(static_cast<size_t>(input->element_count()));
      for (float& v : x) v = normal(rng);
      sample[input->name] = HostTensor::floats(input->shape, std::move(x));
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace qrt::convert
