#!/usr/bin/python3
"""Markdown tables from qrt_layer_bench's JSON (--benchmark_out=FILE --benchmark_out_format=json).

GOPS are computed from CPU time as well as wall time: on a loaded, shared
machine the wall time of a 1-thread run includes time the process waited
for a CPU, the CPU time does not. Peak share uses the probe's best
instruction (peak/* rows) and CPU time.
usage: layer_report.py RESULT.json [--by-layer]
"""
import json
import re
import sys


def main():
    path = sys.argv[1]
    by_layer = "--by-layer" in sys.argv
    data = json.load(open(path))
    peak = 0.0
    rows = {}
    order = []
    for b in data["benchmarks"]:
        name = b["name"]
        if name.startswith("peak/"):
            peak = max(peak, b.get("GOPS_peak", 0.0))
            continue
        m = re.match(r"(.+)/(qrt_[a-z0-9]+|xnnpack)(/real_time)?$", name)
        if not m or "error_occurred" in b:
            continue
        layer, variant = m.group(1), m.group(2)
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        wall, cpu = b["real_time"] * scale, b["cpu_time"] * scale
        gops_wall = b["GOPS"] / 1e9
        ops = gops_wall * 1e9 * wall  # per iteration
        if layer not in rows:
            rows[layer] = {"count": int(b["count"]), "ops": ops}
            order.append(layer)
        rows[layer][variant] = {"wall": wall, "cpu": cpu, "gops_cpu": ops / cpu / 1e9 if cpu else 0.0,
                                "kernel": b.get("label", "")}
    variants = [v for v in ("qrt_reference", "qrt_avx2", "qrt_avx512vnni", "xnnpack")
                if any(v in r for r in rows.values())]
    print("Peak (probe, 1 core): %.0f GOPS\n" % peak)
    # Per network: the conv / depthwise / FC time of one inference (sum of count x CPU time).
    print("| network | " + " | ".join("%s ms (GOPS)" % v for v in variants) + " |")
    print("| --- | " + " | ".join("---" for _ in variants) + " |")
    for net in sorted({l.split("/")[0] for l in order}):
        cells = []
        for v in variants:
            layers = [rows[l] for l in order if l.startswith(net + "/")]
            if all(v in r for r in layers):
                t = sum(r["count"] * r[v]["cpu"] for r in layers)
                ops = sum(r["count"] * r["ops"] for r in layers)
                cells.append("%.1f (%.0f)" % (t * 1e3, ops / t / 1e9))
            else:
                cells.append("-")
        print("| %s | %s |" % (net, " | ".join(cells)))
    if not by_layer:
        return
    print("\n| layer | x | " + " | ".join("%s GOPS / %%peak" % v for v in variants) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in variants) + " |")
    for l in order:
        r = rows[l]
        cells = []
        for v in variants:
            if v in r:
                g = r[v]["gops_cpu"]
                cells.append("%.1f / %.1f%%" % (g, 100 * g / peak if peak else 0))
            else:
                cells.append("-")
        print("| %s | %d | %s |" % (l, r["count"], " | ".join(cells)))


if __name__ == "__main__":
    main()
