// qbench's command line, parsed and range-checked before the model is touched.
#pragma once

#include <string>
#include <vector>

namespace qrt {
namespace bench {

struct QbenchOptions {
  std::string model_path;
  std::vector<int> threads{1};  // --threads N or N,M,...: one benchmark per count (0 = one per core)
  int warmup = 1;               // warm-up runs after the first run: at least this many ...
  double warmup_secs = 0.5;     // ... and for at least this long
  int runs = 50;                // timed steady-state runs, unless --max-secs ends them first
  double max_secs = 60.0;       // a bound on the timed runs' total time (at least one run)
  std::string backend = "qrt";  // "qrt", "reference" (= --isa reference) or "xnnpack"
  std::string isa;              // "" = QRT_ISA or the best this CPU has
  bool profile = false;
  bool json = false;
  bool csv = false;  // implies profile
  bool help = false;
};

// Parses argv[1..argc). On a usage error returns false with a one-line
// message naming the argument. --help succeeds without a model.
bool parse_qbench_options(int argc, const char* const* argv, QbenchOptions* options, std::string* error);

std::string qbench_usage();

}  // namespace bench
}  // namespace qrt
