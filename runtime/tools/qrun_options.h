// qrun's command line: what the user asked for, parsed and range-checked
// before any file is touched, so a bad argument is reported as a usage error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qrt {
namespace tools {

// One --input or --image: NAME=FILE, or a bare FILE (empty name). A bare
// --input feeds a one-input model; a bare --image its only image input.
struct QrunInputSpec {
  std::string name;
  std::string path;
};

struct QrunOptions {
  std::string model_path;
  std::vector<QrunInputSpec> inputs;
  std::vector<QrunInputSpec> images;  // decoded, resized to the input's H x W
  std::vector<float> mean;            // --mean: 1 or 3 values, empty if not given
  std::vector<float> stddev;          // --std: likewise, each finite and non-zero
  std::string output_dir;   // empty: write no files
  std::string labels_path;  // empty: use the model's metadata labels
  int top_k = -1;           // -1: 5 for class-score outputs, else none
  int iterations = 1;       // timed invocations after one warm-up
  int threads = 1;          // 0: one per core
  std::string backend;      // --backend: "" / "qrt" or "xnnpack" (checked by the library)
  uint64_t seed = 1;        // for generated inputs
  bool info = false;
  bool json = false;
  bool help = false;
  bool version = false;
};

// Parses argv[1..argc). On a usage error returns false and sets `error` to a
// one-line message naming the offending argument. --help and --version
// succeed without a model path.
bool parse_qrun_options(int argc, const char* const* argv, QrunOptions* options,
                        std::string* error);

// The --help text.
std::string qrun_usage();

}  // namespace tools
}  // namespace qrt
