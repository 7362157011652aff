// qbench: whole-model benchmark of a .qfb file through the C API. Reports
// init (load + prepare) and the first run apart from the steady state,
// latency percentiles, memory, and with --profile where the time goes per op.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "machine.h"
#include "profile_report.h"
#include "qbench_options.h"
#include "qrt/qrt.h"
#include "runtime/tools/json_writer.h"
#include "runtime/tools/tensor_values.h"
#include "stats.h"

namespace qrt {
namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct BenchResult {
  int threads = 1;  // as asked (0 = one per core)
  std::string isa;
  double load_ms = 0, prepare_ms = 0, first_run_ms = 0;
  size_t warmup_runs = 0;
  double warmup_ms = 0;
  LatencyStats latency;  // milliseconds
  bool stopped_by_max_secs = false;
  size_t arena_bytes = 0, weight_bytes = 0;
  size_t packed_weight_bytes = 0, packed_from_file_bytes = 0;  // packed at prepare or read from the file
  uint64_t peak_rss_bytes = 0;
  std::vector<OpRow> ops;  // with --profile
};

// Owns the C handles of one benchmark.
struct Handles {
  qrt_model* model = nullptr;
  qrt_options* options = nullptr;
  qrt_interpreter* interpreter = nullptr;
  ~Handles() {
    qrt_interpreter_destroy(interpreter);
    qrt_options_destroy(options);
    qrt_model_destroy(model);
  }
};

bool check(qrt_status status, const char* what, std::string* error) {
  if (status == QRT_OK) return true;
  *error = std::string(what) + ": " + qrt_last_error();
  return false;
}

bool run_benchmark(const QbenchOptions& o, int threads, BenchResult* r, std::string* error) {
  Handles h;
  r->threads = threads;
  const Clock::time_point load_start = Clock::now();
  if (!check(qrt_model_load_file(o.model_path.c_str(), &h.model), o.model_path.c_str(), error)) return false;
  r->load_ms = ms_since(load_start);
  if (!check(qrt_options_create(&h.options), "options", error) ||
      !check(qrt_options_set_num_threads(h.options, threads), "--threads", error) ||
      !check(qrt_options_set_isa(h.options, o.isa.c_str()), "--isa", error) ||
      !check(qrt_options_set_backend(h.options, o.backend == "xnnpack" ? "xnnpack" : "qrt"), "--backend", error) ||
      !check(qrt_options_set_profiling(h.options, o.profile ? 1 : 0), "--profile", error)) {
    return false;
  }
  const Clock::time_point prepare_start = Clock::now();
  if (!check(qrt_interpreter_create(h.model, h.options, &h.interpreter), "create", error) ||
      !check(qrt_interpreter_prepare(h.interpreter), "prepare", error)) {
    return false;
  }
  r->prepare_ms = ms_since(prepare_start);
  const char* isa = "";
  if (!check(qrt_interpreter_get_isa(h.interpreter, &isa), "isa", error) ||
      !check(qrt_interpreter_get_arena_size(h.interpreter, &r->arena_bytes), "arena", error) ||
      !check(qrt_model_get_weight_size(h.model, &r->weight_bytes), "weights", error) ||
      !check(qrt_interpreter_get_packed_weight_size(h.interpreter, &r->packed_weight_bytes, &r->packed_from_file_bytes),
             "packed weights", error)) {
    return false;
  }
  r->isa = isa;

  // Deterministic generated inputs, as qrun's (the values do not change the work).
  size_t input_count = 0;
  if (!check(qrt_interpreter_get_input_count(h.interpreter, &input_count), "inputs", error)) return false;
  for (size_t i = 0; i < input_count; ++i) {
    qrt_tensor_info info;
    void* data = nullptr;
    if (!check(qrt_interpreter_get_input_info(h.interpreter, i, &info), "input", error) ||
        !check(qrt_interpreter_get_input_buffer(h.interpreter, i, &data), "input", error)) {
      return false;
    }
    tools::fill_pseudo_random(info, 1 + 0x9e3779b97f4a7c15ULL * (i + 1), data);
  }

  Clock::time_point start = Clock::now();
  if (!check(qrt_interpreter_invoke(h.interpreter), "invoke", error)) return false;
  r->first_run_ms = ms_since(start);

  // Warm-up: at least --warmup runs and --warmup-secs seconds, within --max-secs.
  const Clock::time_point warmup_start = Clock::now();
  while (true) {
    const double elapsed_s = ms_since(warmup_start) / 1e3;
    const bool enough = r->warmup_runs >= static_cast<size_t>(o.warmup) && elapsed_s >= o.warmup_secs;
    if (enough || elapsed_s >= o.max_secs) break;
    if (!check(qrt_interpreter_invoke(h.interpreter), "invoke", error)) return false;
    ++r->warmup_runs;
  }
  r->warmup_ms = ms_since(warmup_start);
  if (o.profile && !check(qrt_interpreter_reset_op_profile(h.interpreter), "profile", error)) return false;

  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(o.runs));
  // With --profile, each op's time in each run, read between the timed runs.
  size_t op_count = 0;
  if (!check(qrt_interpreter_get_op_count(h.interpreter, &op_count), "ops", error)) return false;
  std::vector<std::vector<double>> op_ns(o.profile ? op_count : 0);
  for (std::vector<double>& times : op_ns) times.reserve(static_cast<size_t>(o.runs));
  const Clock::time_point runs_start = Clock::now();
  for (int run = 0; run < o.runs; ++run) {
    if (run > 0 && ms_since(runs_start) / 1e3 >= o.max_secs) {
      r->stopped_by_max_secs = true;
      break;
    }
    start = Clock::now();
    if (!check(qrt_interpreter_invoke(h.interpreter), "invoke", error)) return false;
    samples.push_back(ms_since(start));
    for (size_t i = 0; i < op_ns.size(); ++i) {
      qrt_op_profile profile;
      if (!check(qrt_interpreter_get_op_profile(h.interpreter, i, &profile), "op profile", error)) return false;
      op_ns[i].push_back(static_cast<double>(profile.last_ns));
    }
  }
  r->latency = summarize(samples);

  // Per op, the median over the runs: robust to the preempted runs of a
  // shared machine, and the medians add up to about the median latency.
  for (size_t i = 0; i < op_ns.size(); ++i) {
    qrt_op_info info;
    qrt_op_profile profile;
    if (!check(qrt_interpreter_get_op_info(h.interpreter, i, &info), "op info", error) ||
        !check(qrt_interpreter_get_op_profile(h.interpreter, i, &profile), "op profile", error)) {
      return false;
    }
    r->ops.push_back(OpRow{info.type, info.name, info.kernel, summarize(op_ns[i]).p50, profile.macs});
  }
  r->peak_rss_bytes = peak_rss_bytes();
  return true;
}

std::string threads_text(int threads) {
  return threads == 0 ? "0 (one per core: " + std::to_string(cpu_count()) + ")" : std::to_string(threads);
}

std::string noise_warning(const BenchResult& r) {
  const double ratio = noise_ratio(r.latency);
  char text[256];
  if (ratio <= kNoisyRatio) {
    if (r.latency.p99 <= 2 * r.latency.p50) return "";
    std::snprintf(text, sizeof(text),
                  "note: p99 is %.1fx the median: some runs were interrupted (other work on this machine?); "
                  "the median is still representative",
                  r.latency.p99 / r.latency.p50);
    return text;
  }
  std::snprintf(text, sizeof(text),
                "warning: the machine looks noisy: the median is %.0f%% above the minimum (over %.0f%%); "
                "pin the process (taskset -c N), stop other work and fix the CPU frequency",
                100 * ratio, 100 * kNoisyRatio);
  return text;
}

void print_text(const QbenchOptions& o, const BenchResult& r) {
  const LatencyStats& s = r.latency;
  std::printf("threads %s, isa %s\n", threads_text(r.threads).c_str(), r.isa.c_str());
  std::printf("  init            %10.3f ms  (load %.3f ms + prepare %.3f ms)\n", r.load_ms + r.prepare_ms, r.load_ms,
              r.prepare_ms);
  std::printf("  first run       %10.3f ms\n", r.first_run_ms);
  std::printf("  warm-up         %10.3f ms  (%zu runs)\n", r.warmup_ms, r.warmup_runs);
  std::printf("  steady state    %zu runs%s\n", s.count, r.stopped_by_max_secs ? " (stopped by --max-secs)" : "");
  std::printf("    min %.3f  max %.3f  mean %.3f  std %.3f ms\n", s.min, s.max, s.mean, s.std);
  std::printf("    p5 %.3f  p50 %.3f  p90 %.3f  p95 %.3f  p99 %.3f ms\n", s.p5, s.p50, s.p90, s.p95, s.p99);
  std::printf("  memory          arena %zu B, weights %zu B, packed weights %zu B (%s), peak RSS %.1f MiB\n",
              r.arena_bytes, r.weight_bytes, r.packed_weight_bytes,
              r.packed_weight_bytes == 0                                ? "none"
              : r.packed_from_file_bytes == r.packed_weight_bytes ? "from the file"
              : r.packed_from_file_bytes == 0                         ? "packed at prepare"
                                                                      : "partly from the file",
              static_cast<double>(r.peak_rss_bytes) / (1024.0 * 1024.0));
  const std::string warning = noise_warning(r);
  if (!warning.empty()) std::printf("  %s\n", warning.c_str());
  if (o.profile) {
    const double total = total_ns(r.ops);
    std::printf("\n  per op, run order (median of %zu runs; the medians sum to %.3f ms):\n", s.count, total / 1e6);
    std::fputs(format_op_table(r.ops).c_str(), stdout);
    std::printf("\n  by op type:\n");
    std::fputs(format_type_table(summarize_by_type(r.ops), total).c_str(), stdout);
  }
  std::printf("\n");
}

void write_result_json(tools::JsonWriter& json, const QbenchOptions& o, const BenchResult& r,
                       const std::string& cpu) {
  const LatencyStats& s = r.latency;
  json.begin_object();
  json.key("model");
  json.value_string(o.model_path);
  json.key("backend");
  json.value_string(o.backend);
  json.key("runs");
  json.value_uint(s.count);
  json.key("warmup_runs");
  json.value_uint(r.warmup_runs);
  json.key("latency_ms");
  json.begin_object();
  const std::pair<const char*, double> fields[] = {{"min", s.min}, {"median", s.p50}, {"mean", s.mean},
                                                   {"std", s.std},  {"p5", s.p5},      {"p90", s.p90},
                                                   {"p95", s.p95},  {"p99", s.p99},    {"max", s.max}};
  for (const auto& field : fields) {
    json.key(field.first);
    json.value_float(field.second);
  }
  json.end_object();
  json.key("init_ms");
  json.value_float(r.load_ms + r.prepare_ms);
  json.key("load_ms");
  json.value_float(r.load_ms);
  json.key("prepare_ms");
  json.value_float(r.prepare_ms);
  json.key("first_run_ms");
  json.value_float(r.first_run_ms);
  json.key("arena_bytes");
  json.value_uint(r.arena_bytes);
  json.key("weight_bytes");
  json.value_uint(r.weight_bytes);
  json.key("packed_weight_bytes");
  json.value_uint(r.packed_weight_bytes);
  json.key("packed_weight_bytes_from_file");
  json.value_uint(r.packed_from_file_bytes);
  json.key("peak_rss_bytes");
  json.value_uint(r.peak_rss_bytes);
  json.key("noisy");
  json.value_bool(noise_ratio(s) > kNoisyRatio);
  json.key("ops");
  if (o.profile) {
    write_ops_json(json, r.ops);
  } else {
    json.value_null();
  }
  json.key("machine");
  json.begin_object();
  json.key("cpu");
  json.value_string(cpu);
  json.key("cpus");
  json.value_int(cpu_count());
  json.key("isa");
  json.value_string(r.isa);
  json.key("threads");
  json.value_int(r.threads);
  json.end_object();
  json.end_object();
}

int run(int argc, char** argv) {
  QbenchOptions options;
  std::string error;
  if (!parse_qbench_options(argc, argv, &options, &error)) {
    std::fprintf(stderr, "qbench: %s\n(qbench --help lists the options)\n", error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(qbench_usage().c_str(), stdout);
    return 0;
  }
  const std::string cpu = cpu_name();
  const bool text = !options.json && !options.csv;
  if (text) {
    std::printf("qbench %s: %s\nmachine: %s, %d logical CPUs; qrt %s\n\n", options.model_path.c_str(),
                options.backend.c_str(), cpu.c_str(), cpu_count(), qrt_version());
  }
  std::vector<BenchResult> results;
  for (int threads : options.threads) {
    BenchResult result;
    if (!run_benchmark(options, threads, &result, &error)) {
      std::fprintf(stderr, "qbench: %s\n", error.c_str());
      return 1;
    }
    const std::string warning = noise_warning(result);
    if (!text && !warning.empty()) std::fprintf(stderr, "qbench: threads %d: %s\n", threads, warning.c_str());
    if (text) print_text(options, result);
    results.push_back(std::move(result));
  }
  if (text && results.size() > 1) {
    std::printf("thread sweep (ms):\n%8s %10s %10s %10s %10s  %s\n", "threads", "min", "median", "p90", "max", "speed-up");
    for (const BenchResult& r : results) {
      std::printf("%8d %10.3f %10.3f %10.3f %10.3f  %.2fx\n", r.threads, r.latency.min, r.latency.p50, r.latency.p90,
                  r.latency.max, r.latency.p50 > 0 ? results[0].latency.p50 / r.latency.p50 : 0.0);
    }
    std::printf("(peak RSS is the process's, across the sweep so far)\n");
  }
  if (options.json) {
    // One object: the benchmark itself, or for a thread sweep {"model", "sweep": [one per count]}.
    tools::JsonWriter json;
    if (results.size() == 1) {
      write_result_json(json, options, results[0], cpu);
    } else {
      json.begin_object();
      json.key("model");
      json.value_string(options.model_path);
      json.key("sweep");
      json.begin_array();
      for (const BenchResult& r : results) write_result_json(json, options, r, cpu);
      json.end_array();
      json.end_object();
    }
    std::printf("%s\n", json.text().c_str());
  }
  if (options.csv) {
    std::fputs(op_table_csv_header().c_str(), stdout);
    for (const BenchResult& r : results) std::fputs(op_table_csv_rows(r.ops, r.threads).c_str(), stdout);
  }
  return 0;
}

}  // namespace
}  // namespace bench
}  // namespace qrt

int main(int argc, char** argv) { return qrt::bench::run(argc, argv); }
