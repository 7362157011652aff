#!/usr/bin/python3
"""Times a standard network in PyTorch (float, eager), as qbench times a .qfb.

  /usr/bin/python3 benchmarks/peers/torch_bench.py mobilenet_v2 --threads 1 --runs 30

The module is benchmarks/models/export_model.py's build_model(): the same
architecture and the same weights (same seed) as the ONNX file that
scripts/bench.sh exports and qconvert quantizes. Eager mode, float32,
torch.inference_mode(), torch.set_num_threads(--threads) and one inter-op
thread; batch 1 (an image [1,3,224,224], or token ids [1,64] below 64 for
transformer_encoder). Warm-up and timed runs follow qbench's rules (--warmup
runs and --warmup-secs seconds, then --runs runs within --max-secs).
Prints one JSON object in qbench's --json layout; peak RSS is the whole
Python process's, interpreter and torch included. The BLAS library torch
loaded is recorded: Debian's torch runs Linear and matmul on the system
libblas.so.3, netlib's reference BLAS unless an optimised one is installed.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import export_model  # noqa: E402


def percentile(sorted_samples, p):
    """qbench's percentile: linear interpolation at p / 100 * (n - 1)."""
    position = p / 100.0 * (len(sorted_samples) - 1)
    below = int(position)
    above = min(below + 1, len(sorted_samples) - 1)
    return sorted_samples[below] + (sorted_samples[above] - sorted_samples[below]) * (position - below)


def example_input(name):
    generator = torch.Generator().manual_seed(12345)
    if name == "transformer_encoder":
        return torch.randint(0, 64, (1, 64), dtype=torch.int64, generator=generator)
    return torch.rand(export_model.INPUT_SHAPE, generator=generator) * 2 - 1


def blas_library():
    """The BLAS library this process loaded (torch's Linear and matmul run on
    it; convolutions on oneDNN). Debian's torch uses the system libblas.so.3,
    which is netlib's unoptimised reference BLAS unless OpenBLAS, BLIS or MKL
    is installed as the alternative: that makes Linear-heavy models slow."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() or "mkl" in line.lower()}
    except OSError:
        return "unknown"
    names = sorted(os.path.basename(os.path.realpath(p)) for p in paths if p.startswith("/"))
    if not names:
        return "none loaded"
    # Debian installs netlib's libblas.so.3 under .../blas/; OpenBLAS and BLIS
    # under .../openblas-*/ and .../blis-*/.
    netlib = any("/blas/libblas" in os.path.realpath(p) for p in paths)
    return ", ".join(names) + (" (netlib reference BLAS)" if netlib else "")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model", choices=sorted(export_model.MODELS))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--warmup-secs", type=float, default=1.0)
    p.add_argument("--max-secs", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=export_model.SEED)
    a = p.parse_args()
    if a.threads < 1 or a.runs < 1 or a.warmup < 0 or a.warmup_secs < 0 or a.max_secs <= 0:
        p.error("--threads and --runs must be positive, --warmup and --warmup-secs non-negative, --max-secs positive")

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    start = time.perf_counter()
    model = export_model.build_model(a.model, a.seed)
    init_ms = (time.perf_counter() - start) * 1e3
    x = example_input(a.model)

    with torch.inference_mode():
        start = time.perf_counter()
        model(x)
        first_run_ms = (time.perf_counter() - start) * 1e3

        warmup_runs = 0
        warmup_start = time.perf_counter()
        while True:
            elapsed = time.perf_counter() - warmup_start
            if (warmup_runs >= a.warmup and elapsed >= a.warmup_secs) or elapsed >= a.max_secs:
                break
            model(x)
            warmup_runs += 1

        samples = []
        runs_start = time.perf_counter()
        for i in range(a.runs):
            if i > 0 and time.perf_counter() - runs_start >= a.max_secs:
                break
            start = time.perf_counter()
            model(x)
            samples.append((time.perf_counter() - start) * 1e3)

    samples.sort()
    mean = sum(samples) / len(samples)
    std = (sum((s - mean) ** 2 for s in samples) / len(samples)) ** 0.5 if len(samples) > 1 else 0.0
    median = percentile(samples, 50)
    latency = {"min": samples[0], "median": median, "mean": mean, "std": std}
    for q in (5, 90, 95, 99):
        latency["p%d" % q] = percentile(samples, q)
    latency["max"] = samples[-1]
    version = torch.__version__
    blas = blas_library()
    isa = "torch %s%s" % (version, ", netlib BLAS" if "netlib" in blas else "")
    result = {
        "model": a.model, "backend": "torch-float", "runs": len(samples), "warmup_runs": warmup_runs,
        "latency_ms": latency, "init_ms": init_ms, "first_run_ms": first_run_ms,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # Linux: KiB
        "noisy": samples[0] > 0 and (median - samples[0]) / samples[0] > 0.10, "ops": None,
        "machine": {"cpu": cpu_name(), "cpus": os.cpu_count(), "isa": isa, "threads": a.threads},
        "peer": {"runtime": "pytorch", "version": version, "mode": "eager, float32, inference_mode", "blas": blas,
                 "intra_op_threads": torch.get_num_threads(), "inter_op_threads": torch.get_num_interop_threads()},
    }
    json.dump(result, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
