#include "qrun_options.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace qrt {
namespace tools {
namespace {

// Strict decimal: digits only, no sign, no spaces, no suffix, within range.
bool parse_integer(const std::string& text, uint64_t max, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  if (value > max) return false;
  *out = value;
  return true;
}

bool parse_int_option(const std::string& flag, const std::string& text, int min, int max, int* out,
                      std::string* error) {
  uint64_t value = 0;
  if (!parse_integer(text, static_cast<uint64_t>(max), &value) ||
      value < static_cast<uint64_t>(min)) {
    *error = flag + " expects an integer from " + std::to_string(min) + " to " +
             std::to_string(max) + ", got '" + text + "'";
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

// NAME=FILE splits at the first '='; "=FILE" or a bare FILE has no name.
bool parse_input_spec(const std::string& flag, const std::string& text, QrunInputSpec* spec,
                      std::string* error) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos) {
    spec->name.clear();
    spec->path = text;
  } else {
    spec->name = text.substr(0, equals);
    spec->path = text.substr(equals + 1);
  }
  if (spec->path.empty()) {
    *error = flag + " '" + text + "' names no file (expected NAME=FILE or FILE)";
    return false;
  }
  return true;
}

// One comma-separated list of 1 or 3 finite floats, as --mean and --std take.
bool parse_float_list(const std::string& flag, const std::string& text, std::vector<float>* out,
                      std::string* error) {
  out->clear();
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    char* end = nullptr;
    errno = 0;
    const float value = item.empty() ? 0.0f : std::strtof(item.c_str(), &end);
    if (item.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value) ||
        std::isspace(static_cast<unsigned char>(item[0]))) {
      *error = flag + " expects 1 or 3 comma-separated numbers, got '" + text + "'";
      return false;
    }
    out->push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out->size() != 1 && out->size() != 3) {
    *error = flag + " expects 1 or 3 comma-separated numbers, got " + std::to_string(out->size());
    return false;
  }
  return true;
}

// Names are unique across --input and --image, and a bare FILE is the only
// spec of its flag.
bool check_input_specs(const QrunOptions& options, std::string* error) {
  for (const auto* specs : {&options.inputs, &options.images}) {
    const std::string flag = specs == &options.inputs ? "--input" : "--image";
    for (size_t i = 0; i < specs->size(); ++i) {
      const QrunInputSpec& spec = (*specs)[i];
      if (spec.name.empty() && specs->size() > 1) {
        *error = flag + " " + spec.path + " has no NAME=; that form is only for a single " + flag;
        return false;
      }
      for (size_t j = 0; j < i; ++j) {
        if ((*specs)[j].name == spec.name) {
          *error = flag + " names '" + spec.name + "' twice";
          return false;
        }
      }
    }
  }
  for (const QrunInputSpec& image : options.images) {
    for (const QrunInputSpec& input : options.inputs) {
      if (!image.name.empty() && image.name == input.name) {
        *error = "input '" + image.name + "' is given by both --input and --image";
        return false;
      }
    }
  }
  if ((!options.mean.empty() || !options.stddev.empty()) && options.images.empty()) {
    *error = "--mean and --std apply to --image inputs; no --image was given";
    return false;
  }
  for (float value : options.stddev) {
    if (value == 0.0f) {
      *error = "--std values must be non-zero";
      return false;
    }
  }
  return true;
}

bool flag_takes_value(const std::string& flag) {
  static const char* const kValueFlags[] = {"--input",  "--image",      "--mean",    "--std",
                                            "--labels", "--output-dir", "--top-k",   "--iterations",
                                            "--threads", "--seed",     "--backend"};
  for (const char* name : kValueFlags) {
    if (flag == name) return true;
  }
  return false;
}

bool apply_value_flag(const std::string& flag, const std::string& value, QrunOptions* options,
                      std::string* error) {
  if (flag == "--input" || flag == "--image") {
    QrunInputSpec spec;
    if (!parse_input_spec(flag, value, &spec, error)) return false;
    (flag == "--input" ? options->inputs : options->images).push_back(spec);
  } else if (flag == "--mean") {
    return parse_float_list(flag, value, &options->mean, error);
  } else if (flag == "--std") {
    return parse_float_list(flag, value, &options->stddev, error);
  } else if (flag == "--output-dir") {
    if (value.empty()) {
      *error = "--output-dir needs a directory";
      return false;
    }
    options->output_dir = value;
  } else if (flag == "--labels") {
    if (value.empty()) {
      *error = "--labels needs a file";
      return false;
    }
    options->labels_path = value;
  } else if (flag == "--top-k") {
    return parse_int_option(flag, value, 0, 1000000, &options->top_k, error);
  } else if (flag == "--iterations") {
    return parse_int_option(flag, value, 1, 10000000, &options->iterations, error);
  } else if (flag == "--threads") {
    return parse_int_option(flag, value, 0, 1024, &options->threads, error);
  } else if (flag == "--backend") {
    if (value != "qrt" && value != "xnnpack") {
      *error = "--backend expects qrt or xnnpack, got '" + value + "'";
      return false;
    }
    options->backend = value;
  } else if (flag == "--seed") {
    if (!parse_integer(value, std::numeric_limits<uint64_t>::max(), &options->seed)) {
      *error = "--seed expects a non-negative integer, got '" + value + "'";
      return false;
    }
  }
  return true;
}

bool apply_switch_flag(const std::string& flag, QrunOptions* options, std::string* error) {
  if (flag == "--info") {
    options->info = true;
  } else if (flag == "--json") {
    options->json = true;
  } else if (flag == "--help" || flag == "-h") {
    options->help = true;
  } else if (flag == "--version") {
    options->version = true;
  } else {
    *error = "unknown option '" + flag + "'";
    return false;
  }
  return true;
}

}  // namespace

bool parse_qrun_options(int argc, const char* const* argv, QrunOptions* options,
                        std::string* error) {
  *options = QrunOptions();
  std::vector<std::string> positional;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i] ? argv[i] : "";
    const bool looks_like_flag = argument.size() > 1 && argument[0] == '-';
    if (options_ended || !looks_like_flag) {
      positional.push_back(argument);
      continue;
    }
    if (argument == "--") {
      options_ended = true;
      continue;
    }
    // --flag=value or --flag value.
    const size_t equals = argument.find('=');
    const std::string flag = argument.substr(0, equals);
    if (flag_takes_value(flag)) {
      std::string value;
      if (equals != std::string::npos) {
        value = argument.substr(equals + 1);
      } else if (i + 1 < argc && argv[i + 1]) {
        value = argv[++i];
      } else {
        *error = flag + " needs a value";
        return false;
      }
      if (!apply_value_flag(flag, value, options, error)) return false;
    } else {
      if (!apply_switch_flag(flag, options, error)) return false;
      if (equals != std::string::npos) {
        *error = "option " + flag + " takes no value";
        return false;
      }
    }
  }
  if (options->help || options->version) return true;
  if (positional.empty()) {
    *error = "no model given (usage: qrun [options] MODEL.qfb)";
    return false;
  }
  if (positional.size() > 1) {
    *error = "unexpected argument '" + positional[1] + "' (only one model, '" + positional[0] +
             "', may be given; inputs go through --input)";
    return false;
  }
  options->model_path = positional[0];
  if (options->model_path.empty()) {
    *error = "the model path is empty";
    return false;
  }
  return check_input_specs(*options, error);
}

std::string qrun_usage() {
  return R"(usage: qrun [options] MODEL.qfb

Runs a .qfb model once (or --iterations times) and prints every output.
Inputs not given with --input are filled with deterministic pseudo-random
values spanning the input's dtype range (int32 inputs, which are indices
such as token ids: values in [0, 99]).

Options:
  --input NAME=FILE   feed input NAME from FILE; repeatable. FILE is a .npy
                      (dtype must equal the input's dtype and the element count
                      must match) or raw bytes (exactly the input's byte size).
                      A bare FILE (or =FILE) feeds a model's only input.
  --image NAME=FILE   feed input NAME from an image file (BMP, PNG, JPEG,
                      binary PGM/PPM); repeatable. A bare FILE feeds the
                      model's only image input ([1, H, W, C], C 1 or 3). The
                      image is made gray or RGB as C needs, resized to H x W
                      (bilinear, half-pixel centers, float32 as TFLite's
                      ResizeBilinear sums, truncated to 8 bits) and fed as
                      pixels 0..255: uint8 inputs take them as they are, int8
                      inputs take pixel - 128, float inputs the numbers.
  --mean M[,M,M]      with --image: feed (pixel - mean) / std per channel
  --std S[,S,S]       instead (defaults mean 0, std 1), quantized with the
                      input's scale and zero point (round half to even,
                      saturated) for int8 / uint8 inputs
  --output-dir DIR    write each output to DIR/<name>.npy (DIR is created)
  --top-k K           show the K largest values of each output with their
                      dequantized score and label (default: 5 for outputs that
                      look like class scores; 0 disables)
  --labels FILE       labels, one per line (default: the model's own labels)
  --iterations N      timed invocations after one warm-up (default 1);
                      reports min / median / max latency
  --threads N         threads for invoke (default 1; 0 = one per core)
  --backend B         qrt (default) or xnnpack: XNNPACK's operators run the
                      ops they support, qrt's kernels the rest (builds with
                      QRT_WITH_XNNPACK; --info shows which op ran where)
  --seed N            seed for generated inputs (default 1)
  --info              also print the model description, tensors, operators
                      (type, name, backend, kernel, requantization) and arena size
  --json              print exactly one JSON object on stdout instead of text
  --help, -h          print this help
  --version           print the qrt library version

Exit status: 0 on success, 1 when a model, input or output file or the
runtime fails, 2 for a usage error (bad option, unknown input name).
)";
}

}  // namespace tools
}  // namespace qrt
