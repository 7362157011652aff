#include "qbench_options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace qrt {
namespace bench {
namespace {

// Strict decimal integer in [min, max]: digits only.
bool parse_int(const std::string& text, int min, int max, int* out) {
  if (text.empty() || text.size() > 9) return false;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return false;
  *out = static_cast<int>(value);
  return true;
}

// A finite, non-negative number of seconds (e.g. "0.5", "10").
bool parse_seconds(const std::string& text, double* out) {
  if (text.empty() || text[0] == '-' || text[0] == '+' || text[0] == ' ') return false;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(value) || value < 0) return false;
  *out = value;
  return true;
}

bool parse_thread_list(const std::string& text, std::vector<int>* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int value = 0;
    if (!parse_int(item, 0, 1024, &value)) return false;
    for (int seen : *out) {
      if (seen == value) return false;
    }
    out->push_back(value);
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

bool flag_takes_value(const std::string& flag) {
  for (const char* name : {"--threads", "--warmup", "--warmup-secs", "--runs", "--max-secs", "--backend", "--isa"}) {
    if (flag == name) return true;
  }
  return false;
}

bool apply_value_flag(const std::string& flag, const std::string& value, QbenchOptions* o, std::string* error) {
  bool ok = true;
  std::string expected;
  if (flag == "--threads") {
    ok = parse_thread_list(value, &o->threads);
    expected = "a thread count from 0 to 1024 or a comma-separated list of distinct counts (e.g. 1,2)";
  } else if (flag == "--warmup") {
    ok = parse_int(value, 0, 1000000, &o->warmup);
    expected = "an integer from 0 to 1000000";
  } else if (flag == "--runs") {
    ok = parse_int(value, 1, 10000000, &o->runs);
    expected = "an integer from 1 to 10000000";
  } else if (flag == "--warmup-secs") {
    ok = parse_seconds(value, &o->warmup_secs);
    expected = "a non-negative number of seconds";
  } else if (flag == "--max-secs") {
    ok = parse_seconds(value, &o->max_secs) && o->max_secs > 0;
    expected = "a positive number of seconds";
  } else if (flag == "--backend") {
    ok = value == "qrt" || value == "reference" || value == "xnnpack";
    o->backend = value;
    expected = "qrt, reference or xnnpack";
  } else if (flag == "--isa") {
    ok = !value.empty();
    o->isa = value;
    expected = "an ISA name (reference, avx2, avx512vnni)";
  }
  if (!ok) *error = flag + " expects " + expected + ", got '" + value + "'";
  return ok;
}

bool apply_switch_flag(const std::string& flag, QbenchOptions* o, std::string* error) {
  if (flag == "--profile") {
    o->profile = true;
  } else if (flag == "--json") {
    o->json = true;
  } else if (flag == "--csv") {
    o->csv = true;
  } else if (flag == "--help" || flag == "-h") {
    o->help = true;
  } else {
    *error = "unknown option '" + flag + "'";
    return false;
  }
  return true;
}

}  // namespace

bool parse_qbench_options(int argc, const char* const* argv, QbenchOptions* options, std::string* error) {
  *options = QbenchOptions();
  std::vector<std::string> positional;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i] ? argv[i] : "";
    if (options_ended || argument.size() < 2 || argument[0] != '-') {
      positional.push_back(argument);
      continue;
    }
    if (argument == "--") {
      options_ended = true;
      continue;
    }
    const size_t equals = argument.find('=');  // --flag=value or --flag value
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
      if (equals != std::string::npos) {
        *error = "option " + flag + " takes no value";
        return false;
      }
      if (!apply_switch_flag(flag, options, error)) return false;
    }
  }
  if (options->help) return true;
  if (positional.size() != 1 || positional[0].empty()) {
    *error = positional.empty() ? "no model given (usage: qbench [options] MODEL.qfb)"
                                : positional[0].empty() ? "the model path is empty"
                                                        : "unexpected argument '" + positional[1] + "' (one model only)";
    return false;
  }
  options->model_path = positional[0];
  if (options->backend == "reference") {
    if (!options->isa.empty() && options->isa != "reference") {
      *error = "--backend reference runs the reference kernels; it contradicts --isa " + options->isa;
      return false;
    }
    options->isa = "reference";
  }
  if (options->json && options->csv) {
    *error = "--json and --csv both write stdout; choose one (--json includes the per-op profile with --profile)";
    return false;
  }
  if (options->csv) options->profile = true;
  return true;
}

std::string qbench_usage() {
  return R"(usage: qbench [options] MODEL.qfb

Benchmarks a whole .qfb model on generated inputs: load + prepare time, the
first run, then steady-state latency percentiles, memory and, with --profile,
where the time goes per op.

Options:
  --threads N[,M...]  threads for invoke (default 1; 0 = one per core); a list
                      benchmarks each count in turn (a thread sweep)
  --warmup N          warm-up runs after the first run (default 1) ...
  --warmup-secs S     ... continued until S seconds have passed (default 0.5)
  --runs N            timed steady-state runs (default 50)
  --max-secs S        stop the timed runs after S seconds (default 60; at least one run)
  --backend B         qrt (default), reference (the reference kernels, as --isa
                      reference) or xnnpack (XNNPACK's operators where they
                      apply, qrt's kernels elsewhere; builds with QRT_WITH_XNNPACK)
  --isa NAME          force the kernel ISA: reference, avx2, avx512vnni; it must be
                      available on this CPU (default: QRT_ISA, else the best)
  --profile           time every op: a table in run order and one summed by op
                      type, with time, share, MACs, GOPS (2 x MACs / time) and kernel
  --json              print one JSON object on stdout instead of text
  --csv               print the per-op table as CSV on stdout (implies --profile)
  --help, -h          print this help

Percentiles interpolate linearly between the two nearest ranks of the sorted
latencies (NumPy's default); std is the population standard deviation.
For stable numbers pin the process (taskset -c 2 qbench ..., or numactl),
keep the machine otherwise idle and the CPU frequency fixed.

Exit status: 0 on success, 1 when the model or the runtime fails, 2 for a usage error.
)";
}

}  // namespace bench
}  // namespace qrt
