// qrun: run a .qfb model on given or generated inputs and print its outputs,
// top-k scores and latency (text, or one JSON object with --json).
//
// Uses only the public API (qrt.hpp over qrt.h). Exit status: 0 success,
// 1 model / file / runtime failure, 2 usage error. Messages go to stderr, so
// stdout stays clean for --json.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "file_io.h"
#include "image_input.h"
#include "json_writer.h"
#include "npy.h"
#include "output_file_names.h"
#include "qrt/qrt.hpp"
#include "qrun_options.h"
#include "tensor_values.h"

namespace qrt {
namespace tools {
namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsageError = 2;
constexpr int kDefaultTopK = 5;
constexpr size_t kValuesShown = 16;

// An argument that does not fit the model (unknown input name): exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A file that cannot be read, parsed or written: exit 1.
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Names and labels come from files; keep control bytes (terminal escape
// sequences) out of the text output. JSON output escapes them instead.
std::string terminal_safe(const std::string& text) {
  std::string safe = text;
  for (char& c : safe) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return safe;
}

std::vector<int64_t> tensor_shape(const qrt_tensor_info& info) {
  const int32_t rank = std::min<int32_t>(std::max<int32_t>(info.num_dims, 0), QRT_MAX_DIMS);
  return std::vector<int64_t>(info.dims, info.dims + rank);
}

std::string shape_text(const qrt_tensor_info& info) {
  std::string text = "[";
  const std::vector<int64_t> shape = tensor_shape(info);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

size_t element_count(const qrt_tensor_info& info) {
  const size_t size = dtype_size(info.dtype);
  return size == 0 ? 0 : info.byte_size / size;
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", value);
  return text;
}

std::string tensor_summary(const qrt_tensor_info& info) {
  std::string text = std::string(dtype_name(info.dtype)) + " " + shape_text(info);
  if (info.quantized) {
    text +=
        " scale " + format_number(info.scale) + " zero_point " + std::to_string(info.zero_point);
  }
  return text;
}

bool has_npy_extension(const std::string& path) {
  if (path.size() < 4) return false;
  std::string extension = path.substr(path.size() - 4);
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension == ".npy";
}

std::vector<std::string> read_label_file(const std::string& path) {
  std::vector<uint8_t> bytes;
  std::string error;
  if (!read_file_bytes(path, &bytes, &error)) throw FileError("--labels: " + error);
  std::vector<std::string> labels;
  std::string line;
  for (uint8_t byte : bytes) {
    if (byte == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      labels.push_back(line);
      line.clear();
    } else {
      line += static_cast<char>(byte);
    }
  }
  if (!line.empty()) labels.push_back(line);  // no newline at the end
  return labels;
}

// One graph input: where its bytes came from and the bytes themselves.
struct InputData {
  qrt_tensor_info info{};
  bool generated = false;
  std::string source;  // the file, or "generated"
  std::vector<uint8_t> bytes;
};

// One graph output after the last invocation.
struct OutputData {
  qrt_tensor_info info{};
  std::vector<uint8_t> bytes;
  std::vector<double> values;  // dequantized
  size_t argmax = 0;
  std::vector<size_t> top_k;
  std::string file;  // written .npy, or empty
};

struct Latency {
  double min_ms = 0, median_ms = 0, max_ms = 0;
};

std::vector<uint8_t> load_input_file(const QrunInputSpec& spec, const qrt_tensor_info& info) {
  const std::string input_name = "input '" + terminal_safe(info.name ? info.name : "") + "'";
  const std::string tensor =
      input_name + " (" + dtype_name(info.dtype) + " " + shape_text(info) + ")";
  std::string error;
  if (has_npy_extension(spec.path)) {
    NpyArray array;
    if (!read_npy(spec.path, &array, &error)) throw FileError("--input: " + error);
    if (array.dtype != info.dtype) {
      throw FileError(spec.path + " holds " + dtype_name(array.dtype) + " but " + input_name +
                      " takes " + dtype_name(info.dtype) +
                      "; qrun feeds values as they are, so convert the array first");
    }
    if (array.data.size() != info.byte_size) {
      throw FileError(spec.path + " has " +
                      std::to_string(array.data.size() / dtype_size(array.dtype)) +
                      " elements but " + tensor + " takes " + std::to_string(element_count(info)));
    }
    return std::move(array.data);
  }
  std::vector<uint8_t> bytes;
  if (!read_file_bytes(spec.path, &bytes, &error)) throw FileError("--input: " + error);
  if (bytes.size() != info.byte_size) {
    throw FileError("raw file " + spec.path + " is " + std::to_string(bytes.size()) +
                    " bytes but " + tensor + " takes " + std::to_string(info.byte_size) + " bytes");
  }
  return bytes;
}

std::string input_names(const std::vector<InputData>& inputs) {
  std::string names;
  for (const InputData& input : inputs) {
    if (!names.empty()) names += ", ";
    names += "'" + terminal_safe(input.info.name ? input.info.name : "") + "'";
  }
  return names;
}

// Decodes an --image file and turns it into the bytes of `info`'s tensor. A
// file that cannot be decoded is a file error; normalization values that do
// not fit the input are a usage error.
std::vector<uint8_t> load_image_input(const QrunInputSpec& spec, const qrt_tensor_info& info,
                                      const QrunOptions& options) {
  ImageInputShape shape;
  image_input_shape(info, &shape);  // checked when the spec was matched
  Image image;
  std::string error;
  if (!read_image_file(spec.path, &image, &error)) throw FileError("--image: " + error);
  image = resize_bilinear(convert_channels(image, shape.channels), shape.height, shape.width);
  PixelNormalization normalization;
  normalization.mean = options.mean;
  normalization.stddev = options.stddev;
  std::vector<uint8_t> bytes;
  if (!image_to_tensor(image, info, normalization, &bytes, &error)) throw UsageError(error);
  const bool float_input = info.dtype == QRT_DTYPE_FLOAT32 || info.dtype == QRT_DTYPE_FLOAT16;
  if (float_input && !normalization.enabled()) {
    std::fprintf(stderr,
                 "qrun: note: %s input '%s' gets pixel values 0..255; "
                 "use --mean/--std if the model expects normalized values\n",
                 dtype_name(info.dtype), terminal_safe(info.name ? info.name : "").c_str());
  }
  return bytes;
}

std::string image_input_names(const std::vector<InputData>& inputs) {
  std::vector<InputData> image_inputs;
  ImageInputShape shape;
  for (const InputData& input : inputs) {
    if (image_input_shape(input.info, &shape)) image_inputs.push_back(input);
  }
  return image_inputs.empty() ? "none" : input_names(image_inputs);
}

// The model input an --image spec feeds: the named one, or the only input
// shaped like an image for a bare FILE.
size_t image_spec_target(const QrunInputSpec& spec, const std::vector<InputData>& inputs) {
  ImageInputShape shape;
  if (spec.name.empty()) {
    std::vector<size_t> candidates;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (image_input_shape(inputs[i].info, &shape)) candidates.push_back(i);
    }
    if (candidates.size() != 1) {
      throw UsageError("--image " + spec.path + " has no NAME=, which needs a model with one " +
                       "image input ([1, H, W, 1 or 3] of uint8, int8 or float); this model's " +
                       "image inputs: " + image_input_names(inputs) + "; all inputs: " +
                       input_names(inputs));
    }
    return candidates[0];
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].info.name || spec.name != inputs[i].info.name) continue;
    if (!image_input_shape(inputs[i].info, &shape)) {
      throw UsageError("--image: input '" + terminal_safe(spec.name) + "' (" +
                       tensor_summary(inputs[i].info) +
                       ") does not take an image ([1, H, W, 1 or 3] of uint8, int8 or float)");
    }
    return i;
  }
  throw UsageError("--image: the model has no input named '" + terminal_safe(spec.name) +
                   "'; its inputs are " + input_names(inputs));
}

// Matches --input and --image specs to the model's inputs and fills every
// input's bytes: from its file or image, or generated from the seed (each
// input its own stream).
std::vector<InputData> gather_inputs(const Interpreter& interpreter, const QrunOptions& options) {
  std::vector<InputData> inputs(interpreter.input_count());
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i].info = interpreter.input_info(i);

  std::vector<const QrunInputSpec*> spec_for_input(inputs.size(), nullptr);
  for (const QrunInputSpec& spec : options.inputs) {
    if (spec.name.empty()) {
      if (inputs.size() != 1) {
        throw UsageError("--input " + spec.path +
                         " has no NAME=, which needs a model with one "
                         "input; this model has " +
                         std::to_string(inputs.size()) + ": " + input_names(inputs));
      }
      spec_for_input[0] = &spec;
      continue;
    }
    bool found = false;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].info.name && spec.name == inputs[i].info.name) {
        spec_for_input[i] = &spec;
        found = true;
      }
    }
    if (!found) {
      throw UsageError("--input: the model has no input named '" + terminal_safe(spec.name) +
                       "'; its inputs are " + input_names(inputs));
    }
  }
  std::vector<const QrunInputSpec*> image_for_input(inputs.size(), nullptr);
  for (const QrunInputSpec& spec : options.images) {
    const size_t i = image_spec_target(spec, inputs);
    if (spec_for_input[i] || image_for_input[i]) {
      throw UsageError("input '" + terminal_safe(inputs[i].info.name ? inputs[i].info.name : "") +
                       "' is given twice (by --input and --image)");
    }
    image_for_input[i] = &spec;
  }

  for (size_t i = 0; i < inputs.size(); ++i) {
    InputData& input = inputs[i];
    if (spec_for_input[i]) {
      input.bytes = load_input_file(*spec_for_input[i], input.info);
      input.source = spec_for_input[i]->path;
    } else if (image_for_input[i]) {
      input.bytes = load_image_input(*image_for_input[i], input.info, options);
      input.source = image_for_input[i]->path;
    } else {
      input.bytes.resize(input.info.byte_size);
      // Distinct, reproducible streams per input.
      fill_pseudo_random(input.info, options.seed + 0x9e3779b97f4a7c15ULL * (i + 1),
                         input.bytes.data());
      input.generated = true;
      input.source = "generated";
    }
  }
  return inputs;
}

Latency run_timed(Interpreter& interpreter, int iterations) {
  interpreter.invoke();  // warm-up: caches, page faults, thread start-up
  std::vector<double> milliseconds;
  milliseconds.reserve(static_cast<size_t>(iterations));
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    interpreter.invoke();
    const auto end = std::chrono::steady_clock::now();
    milliseconds.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  Latency latency;
  const size_t n = milliseconds.size();
  latency.min_ms = milliseconds.front();
  latency.max_ms = milliseconds.back();
  latency.median_ms =
      n % 2 ? milliseconds[n / 2] : (milliseconds[n / 2 - 1] + milliseconds[n / 2]) / 2;
  return latency;
}

std::vector<OutputData> gather_outputs(const Interpreter& interpreter, const QrunOptions& options) {
  std::vector<OutputData> outputs(interpreter.output_count());
  for (size_t i = 0; i < outputs.size(); ++i) {
    OutputData& output = outputs[i];
    output.info = interpreter.output_info(i);
    output.bytes.resize(output.info.byte_size);
    interpreter.get_output(i, output.bytes.data(), output.bytes.size());
    output.values = dequantized_values(output.info, output.bytes.data());
    output.argmax = argmax_index(output.values);
    // An explicit --top-k applies to every output (flat indices); the
    // default only to outputs shaped like one row of class scores.
    int k = options.top_k;
    if (k < 0) k = looks_like_class_scores(output.info) ? kDefaultTopK : 0;
    output.top_k = top_k_indices(output.values, static_cast<size_t>(k));
  }
  return outputs;
}

void write_outputs(const std::string& directory, std::vector<OutputData>* outputs) {
  std::error_code error_code;
  std::filesystem::create_directories(directory, error_code);
  if (error_code) {
    throw FileError("--output-dir: cannot create '" + directory + "': " + error_code.message());
  }
  std::vector<std::string> names;
  for (const OutputData& output : *outputs)
    names.push_back(output.info.name ? output.info.name : "");
  const std::vector<std::string> file_names = output_file_names(names);
  for (size_t i = 0; i < outputs->size(); ++i) {
    OutputData& output = (*outputs)[i];
    NpyArray array;
    array.dtype = output.info.dtype;
    array.shape = tensor_shape(output.info);
    array.data = output.bytes;
    const std::string path = (std::filesystem::path(directory) / file_names[i]).string();
    std::string error;
    if (!write_npy(path, array, &error)) throw FileError(error);
    output.file = path;
  }
}

// Labels name classes, so only outputs shaped like class scores get them.
std::string label_for(const std::vector<std::string>& labels, const OutputData& output,
                      size_t index) {
  if (!looks_like_class_scores(output.info)) return "";
  return index < labels.size() ? labels[index] : "";
}

// Warns on stderr when labels cannot belong to an output's classes. One
// extra label is normal: many TFLite label files start with "background".
void warn_on_label_mismatch(const std::vector<std::string>& labels,
                            const std::vector<OutputData>& outputs) {
  if (labels.empty()) return;
  for (const OutputData& output : outputs) {
    if (output.top_k.empty() || !looks_like_class_scores(output.info)) continue;
    const size_t classes = output.values.size();
    if (labels.size() != classes && labels.size() != classes + 1) {
      std::fprintf(stderr, "qrun: note: %zu labels for output '%s' with %zu classes\n",
                   labels.size(), terminal_safe(output.info.name ? output.info.name : "").c_str(),
                   classes);
    }
  }
}

// Text output ----------------------------------------------------------------

void print_tensor_list(const char* title, const std::vector<qrt_tensor_info>& tensors) {
  std::printf("%s:\n", title);
  for (size_t i = 0; i < tensors.size(); ++i) {
    std::printf("  %zu '%s': %s (%zu bytes)\n", i,
                terminal_safe(tensors[i].name ? tensors[i].name : "").c_str(),
                tensor_summary(tensors[i]).c_str(), tensors[i].byte_size);
  }
}

void print_info_text(const Model& model, const Interpreter& interpreter) {
  std::printf("description: %s\n", terminal_safe(model.description()).c_str());
  std::printf("producer: %s\n", terminal_safe(model.producer()).c_str());
  std::vector<qrt_tensor_info> inputs, outputs;
  for (size_t i = 0; i < interpreter.input_count(); ++i)
    inputs.push_back(interpreter.input_info(i));
  for (size_t i = 0; i < interpreter.output_count(); ++i) {
    outputs.push_back(interpreter.output_info(i));
  }
  print_tensor_list("inputs", inputs);
  print_tensor_list("outputs", outputs);
  const size_t op_count = interpreter.op_count();
  std::printf("ops (%zu):\n", op_count);
  for (size_t i = 0; i < op_count; ++i) {
    const qrt_op_info op = interpreter.op_info(i);
    const std::string note = op.backend_note && op.backend_note[0] ? std::string(" (") + op.backend_note + ")" : "";
    std::printf("  %3zu %-20s %-24s %-20s %s kernel %s, requant %s%s\n", i,
                terminal_safe(op.type ? op.type : "").c_str(),
                terminal_safe(op.name ? op.name : "").c_str(), interpreter.op_precision(i),
                terminal_safe(op.backend ? op.backend : "").c_str(),
                terminal_safe(op.kernel ? op.kernel : "").c_str(),
                terminal_safe(op.requant ? op.requant : "").c_str(), terminal_safe(note).c_str());
  }
  std::printf("arena: %zu bytes\n", interpreter.arena_size());
  const Interpreter::PackedWeightSize packed = interpreter.packed_weight_size();
  std::printf("packed weights: %zu bytes (%s)\n\n", packed.bytes,
              packed.bytes == 0                        ? "none"
              : packed.from_file_bytes == packed.bytes ? "from the file"
              : packed.from_file_bytes == 0            ? "packed at prepare"
                                                       : (std::to_string(packed.from_file_bytes) +
                                                          " bytes from the file, the rest packed at prepare")
                                                             .c_str());
}

void print_value_list(const OutputData& output) {
  const size_t count = output.values.size();
  const size_t shown = std::min(count, kValuesShown);
  std::string text;
  for (size_t i = 0; i < shown; ++i) {
    text +=
        (i ? " " : "") + format_number(element_value(output.bytes.data(), output.info.dtype, i));
  }
  if (shown < count) text += " ... (" + std::to_string(count) + " values)";
  std::printf("  values: %s\n", text.c_str());
}

void print_results_text(const std::vector<InputData>& inputs,
                        const std::vector<OutputData>& outputs,
                        const std::vector<std::string>& labels, const Latency& latency,
                        const QrunOptions& options) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::printf("input %zu '%s': %s <- %s\n", i,
                terminal_safe(inputs[i].info.name ? inputs[i].info.name : "").c_str(),
                tensor_summary(inputs[i].info).c_str(),
                inputs[i].generated
                    ? ("generated (seed " + std::to_string(options.seed) + ")").c_str()
                    : inputs[i].source.c_str());
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const OutputData& output = outputs[i];
    std::printf("output %zu '%s': %s\n", i,
                terminal_safe(output.info.name ? output.info.name : "").c_str(),
                tensor_summary(output.info).c_str());
    print_value_list(output);
    if (!output.values.empty()) std::printf("  argmax: %zu\n", output.argmax);
    if (!output.top_k.empty()) {
      std::printf("  top %zu:\n", output.top_k.size());
      for (size_t index : output.top_k) {
        std::printf("    %6zu  %-12s %s\n", index, format_number(output.values[index]).c_str(),
                    terminal_safe(label_for(labels, output, index)).c_str());
      }
    }
    if (!output.file.empty()) std::printf("  written to %s\n", output.file.c_str());
  }
  if (options.iterations == 1) {
    std::printf("latency: %.3f ms (after 1 warm-up run)\n", latency.min_ms);
  } else {
    std::printf(
        "latency over %d runs (after 1 warm-up): min %.3f ms, median %.3f ms, max %.3f ms\n",
        options.iterations, latency.min_ms, latency.median_ms, latency.max_ms);
  }
}

// JSON output ----------------------------------------------------------------

void write_tensor_fields(JsonWriter* json, const qrt_tensor_info& info) {
  json->key("name");
  json->value_string(info.name ? info.name : "");
  json->key("shape");
  json->begin_array();
  for (int64_t d : tensor_shape(info)) json->value_int(d);
  json->end_array();
  json->key("dtype");
  json->value_string(dtype_name(info.dtype));
  json->key("scale");
  if (info.quantized) {
    json->value_float(info.scale);
  } else {
    json->value_null();
  }
  json->key("zero_point");
  if (info.quantized) {
    json->value_int(info.zero_point);
  } else {
    json->value_null();
  }
}

void print_results_json(const Model& model, const Interpreter& interpreter,
                        const std::vector<InputData>& inputs,
                        const std::vector<OutputData>& outputs,
                        const std::vector<std::string>& labels, const Latency& latency,
                        const QrunOptions& options) {
  JsonWriter json;
  json.begin_object();
  json.key("model");
  json.value_string(options.model_path);
  json.key("inputs");
  json.begin_array();
  for (const InputData& input : inputs) {
    json.begin_object();
    write_tensor_fields(&json, input.info);
    json.key("source");
    json.value_string(input.source);
    json.end_object();
  }
  json.end_array();

  json.key("outputs");
  json.begin_array();
  for (const OutputData& output : outputs) {
    json.begin_object();
    write_tensor_fields(&json, output.info);
    json.key("argmax");
    json.value_uint(output.argmax);
    json.key("values");
    json.begin_array();
    for (size_t i = 0; i < std::min(output.values.size(), kValuesShown); ++i) {
      json.value_float(element_value(output.bytes.data(), output.info.dtype, i));
    }
    json.end_array();
    json.key("top_k");
    json.begin_array();
    for (size_t index : output.top_k) {
      json.begin_object();
      json.key("index");
      json.value_uint(index);
      json.key("score");
      json.value_float(output.values[index]);
      json.key("label");
      json.value_string(label_for(labels, output, index));
      json.end_object();
    }
    json.end_array();
    if (!output.file.empty()) {
      json.key("file");
      json.value_string(output.file);
    }
    json.end_object();
  }
  json.end_array();

  json.key("latency_ms");
  json.begin_object();
  json.key("min");
  json.value_float(latency.min_ms);
  json.key("median");
  json.value_float(latency.median_ms);
  json.key("max");
  json.value_float(latency.max_ms);
  json.key("iterations");
  json.value_int(options.iterations);
  json.end_object();
  json.key("threads");
  json.value_int(options.threads);
  json.key("seed");
  json.value_uint(options.seed);

  if (options.info) {
    json.key("description");
    json.value_string(model.description());
    json.key("producer");
    json.value_string(model.producer());
    json.key("ops");
    json.begin_array();
    for (size_t i = 0; i < interpreter.op_count(); ++i) {
      const qrt_op_info op = interpreter.op_info(i);
      json.begin_object();
      json.key("index");
      json.value_uint(i);
      json.key("type");
      json.value_string(op.type ? op.type : "");
      json.key("name");
      json.value_string(op.name ? op.name : "");
      json.key("precision");
      json.value_string(interpreter.op_precision(i));
      json.key("backend");
      json.value_string(op.backend ? op.backend : "");
      json.key("backend_note");
      json.value_string(op.backend_note ? op.backend_note : "");
      json.key("kernel");
      json.value_string(op.kernel ? op.kernel : "");
      json.key("requant");
      json.value_string(op.requant ? op.requant : "");
      json.end_object();
    }
    json.end_array();
    json.key("arena_bytes");
    json.value_uint(interpreter.arena_size());
    const Interpreter::PackedWeightSize packed = interpreter.packed_weight_size();
    json.key("packed_weight_bytes");
    json.value_uint(packed.bytes);
    json.key("packed_weight_bytes_from_file");
    json.value_uint(packed.from_file_bytes);
  }
  json.end_object();
  std::printf("%s\n", json.text().c_str());
}

int run(const QrunOptions& options) {
  // Read the labels first: a typo in --labels should not cost a model load.
  std::vector<std::string> labels;
  if (!options.labels_path.empty()) labels = read_label_file(options.labels_path);

  // Declared before the interpreter, so it is destroyed after it.
  const Model model = Model::load_file(options.model_path);
  if (labels.empty()) labels = model.labels();

  Options interpreter_options;
  interpreter_options.set_num_threads(options.threads);
  if (!options.backend.empty()) interpreter_options.set_backend(options.backend.c_str());
  Interpreter interpreter(model, interpreter_options);
  interpreter.prepare();

  const std::vector<InputData> inputs = gather_inputs(interpreter, options);
  for (size_t i = 0; i < inputs.size(); ++i) {
    interpreter.set_input(i, inputs[i].bytes.data(), inputs[i].bytes.size());
  }

  if (options.info && !options.json) print_info_text(model, interpreter);

  const Latency latency = run_timed(interpreter, options.iterations);
  std::vector<OutputData> outputs = gather_outputs(interpreter, options);
  if (!options.output_dir.empty()) write_outputs(options.output_dir, &outputs);
  warn_on_label_mismatch(labels, outputs);

  if (options.json) {
    print_results_json(model, interpreter, inputs, outputs, labels, latency, options);
  } else {
    print_results_text(inputs, outputs, labels, latency, options);
  }
  return std::fflush(stdout) == 0 ? 0 : kExitRuntimeError;
}

}  // namespace
}  // namespace tools
}  // namespace qrt

int main(int argc, char** argv) {
  using namespace qrt::tools;
  QrunOptions options;
  std::string error;
  if (!parse_qrun_options(argc, argv, &options, &error)) {
    std::fprintf(stderr, "qrun: %s\nRun 'qrun --help' for usage.\n", error.c_str());
    return kExitUsageError;
  }
  if (options.help) {
    std::fputs(qrun_usage().c_str(), stdout);
    return 0;
  }
  try {
    if (options.version) {
      std::printf("qrun (qrt %s)\n", qrt::version().c_str());
      return 0;
    }
    return run(options);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "qrun: %s\n", e.what());
    return kExitUsageError;
  } catch (const qrt::Error& e) {
    std::fprintf(stderr, "qrun: %s [%s]\n", e.what(), qrt_status_name(e.status()));
    return kExitRuntimeError;
  } catch (const FileError& e) {
    std::fprintf(stderr, "qrun: %s\n", e.what());
    return kExitRuntimeError;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "qrun: out of memory\n");
    return kExitRuntimeError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qrun: %s\n", e.what());
    return kExitRuntimeError;
  }
}
