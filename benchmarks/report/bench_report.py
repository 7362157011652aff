#!/usr/bin/python3
"""Collects scripts/bench.sh's qbench runs into one JSON file and markdown tables.

Reads RUNS_DIR/manifest.tsv (model, ok|skipped, qfb path or reason) and the
qbench --json outputs RUNS_DIR/<model>.<backend>.<threads>.json (+ .err); the
peers' runs (ort-float, ort-int8, torch-float: benchmarks/peers/) have the same
name pattern and layout, and RUNS_DIR/peers.tsv (peer, model or *, reason)
lists the peers that were skipped. Writes --json (every run, with the per-op
profile, and qrt's speed-up over each peer) and --markdown, and with
--results-md replaces the text between the bench.sh markers of RESULTS.md.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import subprocess

BEGIN = "<!-- bench.sh:begin -->"
END = "<!-- bench.sh:end -->"
BACKEND_ORDER = {"qrt": 0, "xnnpack": 1, "reference": 2, "ort-int8": 3, "ort-float": 4, "torch-float": 5}
# The peers qrt int8 is compared with, in the order of the comparison line.
PEERS = [("ort-float", "ORT float"), ("torch-float", "PyTorch float"), ("ort-int8", "ORT int8")]


def read_manifest(runs_dir):
    models = []
    with open(os.path.join(runs_dir, "manifest.tsv")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                models.append({"model": parts[0], "status": parts[1], "detail": parts[2]})
    return models


def read_peer_skips(runs_dir):
    skips = []
    path = os.path.join(runs_dir, "peers.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3:
                    skips.append({"peer": parts[0], "model": parts[1], "reason": parts[2]})
    return skips


def read_runs(runs_dir):
    runs = []
    for path in sorted(glob.glob(os.path.join(runs_dir, "*.json"))):
        m = re.match(r"(.+)\.([a-z][a-z0-9-]*)\.(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        model, backend, threads = m.group(1), m.group(2), int(m.group(3))
        run = {"model": model, "backend": backend, "threads": threads}
        try:
            with open(path) as f:
                run["result"] = json.load(f)
            # TFLite op names can run to hundreds of characters; the type,
            # index and kernel identify an op, the name only helps a reader.
            for op in run["result"].get("ops") or []:
                if len(op.get("name", "")) > 60:
                    op["name"] = op["name"][:57] + "..."
        except (OSError, ValueError):
            err = ""
            if os.path.exists(path + ".err"):
                with open(path + ".err") as f:
                    lines = [l.strip() for l in f if l.strip()]
                    err = lines[-1] if lines else ""
            run["error"] = err or "qbench wrote no result"
        runs.append(run)
    return runs


def ops_on_xnnpack(result):
    ops = result.get("ops") or []
    return sum(1 for op in ops if str(op.get("kernel", "")).startswith("xnnpack_")), len(ops)


def by_type(result):
    """Per op type: summed median ms, op count, MACs, in first-seen order."""
    types = {}
    for op in result.get("ops") or []:
        t = types.setdefault(op["type"], {"ms": 0.0, "ops": 0, "macs": 0})
        t["ms"] += op.get("time_ms", 0.0)
        t["ops"] += 1
        t["macs"] += op.get("macs", 0)
    return types


def mib(n):
    return "-" if n is None else "%.1f MiB" % (n / 1048576.0)


def fmt(value, pattern):
    return "-" if value is None else pattern % value


def comparisons(runs):
    """qrt int8's speed-up over each peer: peer median / qrt median, per model
    and thread count, from the runs of this report only."""
    medians = {}
    for r in runs:
        if "result" in r:
            medians[(r["model"], r["backend"], r["threads"])] = r["result"]["latency_ms"]["median"]
    out = []
    for (model, backend, threads), qrt_ms in sorted(medians.items()):
        if backend != "qrt" or qrt_ms <= 0:
            continue
        speedup = {}
        for peer, _ in PEERS:
            peer_ms = medians.get((model, peer, threads))
            speedup[peer] = None if peer_ms is None else peer_ms / qrt_ms
        out.append({"model": model, "threads": threads, "qrt_median_ms": qrt_ms,
                    "peer_median_ms": {p: medians.get((model, p, threads)) for p, _ in PEERS},
                    "speedup": speedup})
    return out


def machine_info():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ""
    try:
        load = " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "kernel": platform.release(), "loadavg_at_end": load}


def markdown(machine, info, models, runs, date, peers, skips):
    lines = []
    lines.append("## %s: standard suite (`scripts/bench.sh`)" % date)
    lines.append("")
    lines.append("- **Machine:** `%s` (`%s`), %s logical CPUs; load average when this report was written: %s."
                 % (machine, info["cpu"], info["cpus"], info["loadavg_at_end"] or "unknown"))
    lines.append("- Median latency in ms, p90 in brackets; init = load + prepare; first = first invoke; "
                 "XNNPACK ops = ops its backend took / all ops. The standard networks have random weights and "
                 "random calibration: their numbers measure speed, not accuracy.")
    lines.append("- \"noisy\" lists the thread counts whose min and median differ by more than qbench's "
                 "threshold. On a loaded machine the 2-thread runs mostly measure how long the pool thread "
                 "waited for a CPU, not the kernels.")
    lines.append("- Peers, in the same run on the same exported float ONNX models with the same thread counts: "
                 "`ort-float` (ONNX Runtime, CPU EP, all graph optimizations), `ort-int8` (ONNX Runtime on a QDQ "
                 "model: uint8 activations, per-channel int8 weights), `torch-float` (PyTorch eager, "
                 "`inference_mode`). Their ISA column is the runtime's version; their init is session creation "
                 "(ORT) or building the module (PyTorch), their peak RSS includes the runtime (the whole Python "
                 "process for PyTorch). Requested: %s." % (", ".join("`%s`" % p for p in peers) or "none"))
    skipped = [m for m in models if m["status"] != "ok"]
    for m in skipped:
        lines.append("- **Skipped %s:** %s" % (m["model"], m["detail"]))
    for s in skips:
        lines.append("- **Skipped peer %s%s:** %s" % (s["peer"], "" if s["model"] == "*" else " on " + s["model"],
                                                      s["reason"]))
    lines.append("")
    thread_counts = sorted({r["threads"] for r in runs})
    header = ["model", "backend", "ISA / peer"] + ["%d thr ms" % t for t in thread_counts] + \
             ["init ms", "first ms", "arena", "peak RSS", "XNNPACK ops", "noisy"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("| " + " | ".join("---" for _ in header) + " |")
    keys = sorted({(r["model"], r["backend"]) for r in runs},
                  key=lambda k: (k[0], BACKEND_ORDER.get(k[1], 9), k[1]))
    for model, backend in keys:
        cells = {r["threads"]: r for r in runs if r["model"] == model and r["backend"] == backend}
        first = next((cells[t]["result"] for t in thread_counts if t in cells and "result" in cells[t]), None)
        row = [model, backend, first["machine"]["isa"] if first else "-"]
        noisy = []
        for t in thread_counts:
            r = cells.get(t)
            if r is None:
                row.append("-")
            elif "error" in r:
                row.append("failed: " + r["error"].replace("|", "/")[:80])
            else:
                lat = r["result"]["latency_ms"]
                digits = 3 if lat["median"] < 1 else 2
                row.append("%.*f (%.*f)" % (digits, lat["median"], digits, lat["p90"]))
                if r["result"].get("noisy"):
                    noisy.append(str(t))
        if first:
            on, total = ops_on_xnnpack(first)
            row += [fmt(first.get("init_ms"), "%.1f"), fmt(first.get("first_run_ms"), "%.2f"),
                    mib(first.get("arena_bytes")), mib(first.get("peak_rss_bytes")),
                    "%d/%d" % (on, total) if backend == "xnnpack" else "-", ", ".join(noisy) if noisy else "no"]
        else:
            row += ["-"] * 6
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    compared = comparisons(runs)
    if compared:
        lines.append("qrt int8's speed-up over the peers: the peer's median / qrt's median, same run, same threads "
                     "(above 1: qrt is faster; \"-\": the peer did not run, see the skips above):")
        lines.append("")
        for model in sorted({c["model"] for c in compared}):
            parts = []
            for c in compared:
                if c["model"] == model:
                    ratios = " / ".join(fmt(c["speedup"][p], "%.1f") for p, _ in PEERS)
                    parts.append("%s times at %d thread%s" % (ratios, c["threads"], "" if c["threads"] == 1 else "s"))
            labels = " / ".join(label for _, label in PEERS)
            lines.append("- %s: qrt int8 vs %s: %s" % (model, labels, "; ".join(parts)))
        if any("netlib" in str(((r.get("result") or {}).get("peer") or {}).get("blas", "")) for r in runs):
            lines.append("- PyTorch ran on netlib's reference BLAS (Debian's default `libblas.so.3`): its 1x1 "
                         "convolutions at batch 1 and its Linear layers go through that unoptimised GEMM, so "
                         "`torch-float` is not a fair float peer here; use `ort-float` (see "
                         "benchmarks/peers/README.md).")
        lines.append("")
    # Where the time goes: per op type at 1 thread, each backend side by side.
    for model in sorted({r["model"] for r in runs}):
        per_backend = {}
        for r in runs:
            if r["model"] == model and r["threads"] == min(thread_counts) and (r.get("result") or {}).get("ops"):
                per_backend[r["backend"]] = by_type(r["result"])
        if not per_backend:
            continue
        backends = sorted(per_backend, key=lambda b: (BACKEND_ORDER.get(b, 9), b))
        lines.append("%s, %d thread, ms per op type (sum of per-op medians):" % (model, min(thread_counts)))
        lines.append("")
        lines.append("| op type | ops | " + " | ".join(backends) + " |")
        lines.append("| --- | --- | " + " | ".join("---" for _ in backends) + " |")
        types = []
        for b in backends:
            for t in per_backend[b]:
                if t not in types:
                    types.append(t)
        types.sort(key=lambda t: -max(per_backend[b].get(t, {"ms": 0})["ms"] for b in backends))
        for t in types:
            count = max(per_backend[b].get(t, {"ops": 0})["ops"] for b in backends)
            vals = ["%.3f" % per_backend[b][t]["ms"] if t in per_backend[b] else "-" for b in backends]
            lines.append("| %s | %d | %s |" % (t, count, " | ".join(vals)))
        lines.append("")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs-dir", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--markdown", required=True)
    p.add_argument("--results-md")
    p.add_argument("--peers", default="", help="the peers bench.sh was asked for (space-separated)")
    a = p.parse_args()
    models = read_manifest(a.runs_dir)
    runs = read_runs(a.runs_dir)
    skips = read_peer_skips(a.runs_dir)
    peers = a.peers.split()
    info = machine_info()
    date = datetime.date.today().isoformat()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump({"machine": a.machine, "date": date, "commit": commit, "host": info, "models": models,
                   "peers": {"requested": peers, "skipped": skips}, "comparisons": comparisons(runs),
                   "runs": runs}, f, separators=(",", ":"))
        f.write("\n")
    text = markdown(a.machine, info, models, runs, date, peers, skips)
    with open(a.markdown, "w") as f:
        f.write(text)
    if a.results_md:
        with open(a.results_md) as f:
            old = f.read()
        block = BEGIN + "\n" + text + END
        if BEGIN in old and END in old:
            new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
        else:
            new = old.rstrip("\n") + "\n\n" + block + "\n"
        with open(a.results_md, "w") as f:
            f.write(new)
    if not any("result" in r for r in runs):
        raise SystemExit("bench_report: no benchmark produced a result")


if __name__ == "__main__":
    main()
