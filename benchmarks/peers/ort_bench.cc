// ort_bench: times an ONNX model with ONNX Runtime's CPU execution provider,
// the way qbench times a .qfb, and prints one JSON object in qbench's --json
// layout (latency percentiles, init, first run, peak RSS), so that
// scripts/bench.sh can put ORT's rows in the same table as qrt's.
//
//   ort_bench LIBONNXRUNTIME.so MODEL.onnx [--threads N] [--runs N] [--max-secs S]
//             [--warmup N] [--warmup-secs S] [--label NAME]
//
// The library is dlopen()ed (scripts/bench.sh takes it from the onnxruntime-node
// npm package, which ships the native CPU library without headers; see
// ort_c_api.h). Session: intra-op threads = --threads, one inter-op thread,
// sequential execution, every graph optimization on (ORT's defaults otherwise,
// including its spinning thread pool). Inputs are deterministic pseudo-random
// values: floats in [-1, 1), integer tensors in [0, 64) so that they are valid
// indices into any embedding table of the standard models. ORT allocates the
// outputs on each run, as an application calling Run() without preallocated
// outputs would.
#include <dlfcn.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "ort_c_api.h"

namespace qrt_peers {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Options {
  std::string library;
  std::string model;
  std::string label = "ort";
  int threads = 1;
  int runs = 30;
  int warmup = 2;
  double warmup_secs = 1.0;
  double max_secs = 60.0;
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "ort_bench: %s\n", message.c_str());
  std::exit(1);
}

int parse_int(const std::string& flag, const char* text, int min, int max) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < min || value > max) {
    fail(flag + " expects an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got '" +
         text + "'");
  }
  return static_cast<int>(value);
}

double parse_seconds(const std::string& flag, const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (*text == '\0' || *end != '\0' || !std::isfinite(value) || value < 0) {
    fail(flag + " expects a non-negative number of seconds, got '" + text + "'");
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag.size() < 2 || flag[0] != '-') {
      positional.push_back(flag);
      continue;
    }
    if (i + 1 >= argc) fail(flag + " needs a value (or is unknown)");
    const char* value = argv[++i];
    if (flag == "--threads") o.threads = parse_int(flag, value, 1, 1024);
    else if (flag == "--runs") o.runs = parse_int(flag, value, 1, 10000000);
    else if (flag == "--warmup") o.warmup = parse_int(flag, value, 0, 1000000);
    else if (flag == "--warmup-secs") o.warmup_secs = parse_seconds(flag, value);
    else if (flag == "--max-secs") o.max_secs = parse_seconds(flag, value);
    else if (flag == "--label") o.label = value;
    else fail("unknown option '" + flag + "'");
  }
  if (positional.size() != 2) {
    fail("usage: ort_bench LIBONNXRUNTIME.so MODEL.onnx [--threads N] [--runs N] [--max-secs S] "
         "[--warmup N] [--warmup-secs S] [--label NAME]");
  }
  if (o.max_secs <= 0) fail("--max-secs must be positive");
  o.library = positional[0];
  o.model = positional[1];
  return o;
}

// The ORT entry points, and a check that turns a failed call into a message.
class Ort {
 public:
  explicit Ort(const std::string& library) {
    handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) fail(std::string("cannot load ONNX Runtime: ") + dlerror());
    auto get_base = reinterpret_cast<OrtGetApiBaseFunction>(dlsym(handle_, "OrtGetApiBase"));
    if (!get_base) fail(library + " has no OrtGetApiBase: not an ONNX Runtime library");
    const OrtApiBase* base = get_base();
    version_ = base->GetVersionString();
    // Version 1 holds every entry used here; any ORT release serves it.
    const void* table = base->GetApi(1);
    if (!table) fail("ONNX Runtime " + version_ + " does not serve C API version 1");
    load_ort_api_entries(table, &api_);
  }

  const OrtApiEntries& api() const { return api_; }
  const std::string& version() const { return version_; }

  void check(OrtStatus* status, const std::string& what) const {
    if (!status) return;
    const std::string message = api_.GetErrorMessage(status);
    api_.ReleaseStatus(status);
    fail(what + ": " + message);
  }

 private:
  void* handle_ = nullptr;
  std::string version_;
  OrtApiEntries api_{};
};

size_t element_bytes(int type) {
  switch (type) {
    case kOrtFloat: case kOrtInt32: return 4;
    case kOrtInt64: case kOrtDouble: return 8;
    case kOrtUint16: case kOrtInt16: return 2;
    case kOrtUint8: case kOrtInt8: case kOrtBool: return 1;
    default: return 0;
  }
}

struct Input {
  std::string name;
  int type = 0;
  std::vector<int64_t> shape;
  std::vector<unsigned char> data;  // owned here; the OrtValue only points at it
  OrtValue* value = nullptr;
};

template <typename T>
void store(unsigned char* at, T value) {
  std::memcpy(at, &value, sizeof(T));
}

// Deterministic values of the input's type (the values do not change the
// work): real numbers in [-1, 1), integers in [0, 64) (valid indices into the
// standard models' embedding tables), random bytes for 8-bit types.
void fill_input(Input* input, uint32_t seed) {
  uint32_t state = seed;
  const size_t bytes = element_bytes(input->type);
  for (size_t offset = 0; offset < input->data.size(); offset += bytes) {
    state = state * 1664525u + 1013904223u;  // a 32-bit LCG; its top 24 bits are used
    const uint32_t bits = state >> 8;
    const double real = bits / 8388608.0 - 1.0;
    const uint32_t index = bits % 64;
    unsigned char* at = input->data.data() + offset;
    switch (input->type) {
      case kOrtFloat: store(at, static_cast<float>(real)); break;
      case kOrtDouble: store(at, real); break;
      case kOrtInt64: store(at, static_cast<int64_t>(index)); break;
      case kOrtInt32: store(at, static_cast<int32_t>(index)); break;
      case kOrtInt16: case kOrtUint16: store(at, static_cast<uint16_t>(index)); break;
      case kOrtBool: *at = bits & 1; break;
      default: *at = static_cast<unsigned char>(bits); break;
    }
  }
}

std::vector<Input> make_inputs(const Ort& ort, OrtSession* session, OrtAllocator* allocator,
                               const OrtMemoryInfo* memory) {
  const OrtApiEntries& api = ort.api();
  size_t count = 0;
  ort.check(api.SessionGetInputCount(session, &count), "input count");
  std::vector<Input> inputs(count);
  for (size_t i = 0; i < count; ++i) {
    Input& in = inputs[i];
    char* name = nullptr;
    ort.check(api.SessionGetInputName(session, i, allocator, &name), "input name");
    in.name = name;
    ort.check(api.AllocatorFree(allocator, name), "free");
    OrtTypeInfo* type_info = nullptr;
    ort.check(api.SessionGetInputTypeInfo(session, i, &type_info), "input type");
    const OrtTensorTypeAndShapeInfo* tensor = nullptr;
    ort.check(api.CastTypeInfoToTensorInfo(type_info, &tensor), "input type");
    if (!tensor) fail("input '" + in.name + "' is not a tensor");
    size_t rank = 0;
    ort.check(api.GetTensorElementType(tensor, &in.type), "input element type");
    ort.check(api.GetDimensionsCount(tensor, &rank), "input rank");
    in.shape.resize(rank);
    ort.check(api.GetDimensions(tensor, in.shape.data(), rank), "input shape");
    api.ReleaseTypeInfo(type_info);
    if (element_bytes(in.type) == 0) {
      fail("input '" + in.name + "' has element type " + std::to_string(in.type) + ", which ort_bench cannot fill");
    }
    size_t elements = 1;
    for (int64_t& d : in.shape) {
      if (d < 0) d = 1;  // a symbolic dimension (batch): one
      elements *= static_cast<size_t>(d);
    }
    in.data.assign(elements * element_bytes(in.type), 0);
    fill_input(&in, 12345u + static_cast<uint32_t>(i));
    ort.check(api.CreateTensorWithDataAsOrtValue(memory, in.data.data(), in.data.size(), in.shape.data(), rank,
                                                 in.type, &in.value),
              "input tensor");
  }
  return inputs;
}

// qbench's percentile: linear interpolation at p / 100 * (n - 1) of the sorted samples.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double position = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(position);
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - static_cast<double>(below));
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string cpu_name() {
  std::ifstream file("/proc/cpuinfo");
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? "" : line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "";
}

int run(const Options& o) {
  Ort ort(o.library);
  const OrtApiEntries& api = ort.api();

  OrtEnv* env = nullptr;
  ort.check(api.CreateEnv(kOrtLoggingLevelWarning, "ort_bench", &env), "create env");
  OrtSessionOptions* session_options = nullptr;
  ort.check(api.CreateSessionOptions(&session_options), "session options");
  ort.check(api.SetIntraOpNumThreads(session_options, o.threads), "intra-op threads");
  ort.check(api.SetInterOpNumThreads(session_options, 1), "inter-op threads");
  ort.check(api.SetSessionExecutionMode(session_options, kOrtSequentialExecution), "execution mode");
  ort.check(api.SetSessionGraphOptimizationLevel(session_options, kOrtEnableAllOptimizations), "optimization level");

  Clock::time_point start = Clock::now();
  OrtSession* session = nullptr;
  ort.check(api.CreateSession(env, o.model.c_str(), session_options, &session), "load " + o.model);
  const double init_ms = ms_since(start);

  OrtAllocator* allocator = nullptr;
  ort.check(api.GetAllocatorWithDefaultOptions(&allocator), "allocator");
  OrtMemoryInfo* memory = nullptr;
  ort.check(api.CreateCpuMemoryInfo(kOrtArenaAllocator, kOrtMemTypeDefault, &memory), "memory info");
  std::vector<Input> inputs = make_inputs(ort, session, allocator, memory);

  size_t output_count = 0;
  ort.check(api.SessionGetOutputCount(session, &output_count), "output count");
  std::vector<std::string> output_names(output_count);
  for (size_t i = 0; i < output_count; ++i) {
    char* name = nullptr;
    ort.check(api.SessionGetOutputName(session, i, allocator, &name), "output name");
    output_names[i] = name;
    ort.check(api.AllocatorFree(allocator, name), "free");
  }
  std::vector<const char*> input_name_ptrs, output_name_ptrs;
  std::vector<const OrtValue*> input_values;
  for (const Input& in : inputs) {
    input_name_ptrs.push_back(in.name.c_str());
    input_values.push_back(in.value);
  }
  for (const std::string& name : output_names) output_name_ptrs.push_back(name.c_str());
  std::vector<OrtValue*> outputs(output_count, nullptr);

  auto invoke = [&]() {
    ort.check(api.Run(session, nullptr, input_name_ptrs.data(), input_values.data(), input_values.size(),
                      output_name_ptrs.data(), output_name_ptrs.size(), outputs.data()),
              "run");
    for (OrtValue*& value : outputs) {
      api.ReleaseValue(value);
      value = nullptr;
    }
  };

  start = Clock::now();
  invoke();
  const double first_run_ms = ms_since(start);

  // Warm-up and timed runs as qbench's: at least --warmup runs and
  // --warmup-secs seconds (within --max-secs), then --runs runs or --max-secs.
  size_t warmup_runs = 0;
  const Clock::time_point warmup_start = Clock::now();
  while (true) {
    const double elapsed_s = ms_since(warmup_start) / 1e3;
    const bool enough = warmup_runs >= static_cast<size_t>(o.warmup) && elapsed_s >= o.warmup_secs;
    if (enough || elapsed_s >= o.max_secs) break;
    invoke();
    ++warmup_runs;
  }
  std::vector<double> samples;
  const Clock::time_point runs_start = Clock::now();
  for (int i = 0; i < o.runs; ++i) {
    if (i > 0 && ms_since(runs_start) / 1e3 >= o.max_secs) break;
    start = Clock::now();
    invoke();
    samples.push_back(ms_since(start));
  }
  std::sort(samples.begin(), samples.end());
  double sum = 0;
  for (double s : samples) sum += s;
  const double mean = sum / static_cast<double>(samples.size());
  double squares = 0;
  for (double s : samples) squares += (s - mean) * (s - mean);
  const double std_dev = samples.size() < 2 ? 0 : std::sqrt(squares / static_cast<double>(samples.size()));
  const double median = percentile(samples, 50);
  const bool noisy = samples.front() > 0 && (median - samples.front()) / samples.front() > 0.10;

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const long long peak_rss_bytes = static_cast<long long>(usage.ru_maxrss) * 1024;  // Linux: KiB

  std::printf("{\"model\":%s,\"backend\":%s,\"runs\":%zu,\"warmup_runs\":%zu,\"latency_ms\":{",
              json_string(o.model).c_str(), json_string(o.label).c_str(), samples.size(), warmup_runs);
  std::printf("\"min\":%.6f,\"median\":%.6f,\"mean\":%.6f,\"std\":%.6f,\"p5\":%.6f,\"p90\":%.6f,\"p95\":%.6f,"
              "\"p99\":%.6f,\"max\":%.6f},",
              samples.front(), median, mean, std_dev, percentile(samples, 5), percentile(samples, 90),
              percentile(samples, 95), percentile(samples, 99), samples.back());
  std::printf("\"init_ms\":%.6f,\"first_run_ms\":%.6f,\"peak_rss_bytes\":%lld,\"noisy\":%s,\"ops\":null,",
              init_ms, first_run_ms, peak_rss_bytes, noisy ? "true" : "false");
  std::printf("\"machine\":{\"cpu\":%s,\"cpus\":%ld,\"isa\":%s,\"threads\":%d},", json_string(cpu_name()).c_str(),
              sysconf(_SC_NPROCESSORS_ONLN), json_string("onnxruntime " + ort.version()).c_str(), o.threads);
  std::printf("\"peer\":{\"runtime\":\"onnxruntime\",\"version\":%s,\"library\":%s,\"execution_provider\":\"CPU\","
              "\"intra_op_threads\":%d,\"inter_op_threads\":1,\"graph_optimization\":\"all\"}}\n",
              json_string(ort.version()).c_str(), json_string(o.library).c_str(), o.threads);

  for (Input& in : inputs) api.ReleaseValue(in.value);
  api.ReleaseMemoryInfo(memory);
  api.ReleaseSession(session);
  api.ReleaseSessionOptions(session_options);
  api.ReleaseEnv(env);
  return 0;
}

}  // namespace
}  // namespace qrt_peers

int main(int argc, char** argv) { return qrt_peers::run(qrt_peers::parse_options(argc, argv)); }
