#!/usr/bin/env bash
# The standard benchmark suite in one command: export each standard network
# with random weights (benchmarks/models/export_model.py), convert it with
# qconvert (--calib random), run qbench on it with each backend (qrt,
# reference, xnnpack) at 1 and 2 threads, one process per run, and write
#   benchmarks/results/<machine>.json   every run: percentiles, memory, per-op profile
#   benchmarks/results/<machine>.md     the tables
# and the latest table into benchmarks/RESULTS.md (between its bench.sh markers).
#
# usage: scripts/bench.sh [options] [EXTRA_MODEL ...]
#   EXTRA_MODEL          more models to run: .qfb as is, .tflite / .onnx through qconvert
#   --machine NAME       results file name (default: CPU model and CPU count, e.g. xeon-2cpu)
#   --models "A B"       standard networks (default: mobilenet_v1 mobilenet_v2 resnet18 resnet50
#                        transformer_encoder); --models "" runs only the extra models
#   --backends "A B"     default: qrt reference xnnpack
#   --threads "1 2"      thread counts (default: 1 2)
#   --runs N             timed runs per benchmark (default 30; the reference backend: 5)
#   --max-secs S         bound on each benchmark's timed runs (default 60; reference: 30)
#   --build-dir DIR      default build/bench (Release, QRT_WITH_XNNPACK=ON)
#   --no-results-md      do not touch benchmarks/RESULTS.md
# A model whose export or conversion fails is skipped and the reason is
# recorded in the results. Exit status: 0 unless nothing could be run.
set -euo pipefail
cd "$(dirname "$0")/.."

machine=""
models="mobilenet_v1 mobilenet_v2 resnet18 resnet50 transformer_encoder"
backends="qrt reference xnnpack"
threads="1 2"
runs=30
max_secs=60
build_dir=build/bench
update_results_md=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --machine) machine=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --backends) backends=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --max-secs) max_secs=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-results-md) update_results_md=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench.sh: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
if [ -z "$machine" ]; then
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
  machine=$(echo "${cpu:-unknown}" | tr 'A-Z' 'a-z' | sed 's/([^)]*)//g; s/cpu\|processor\|@.*//g' |
            awk '{print $2 ? $1 "-" $2 : $1}')-$(nproc)cpu
fi
machine=$(echo "$machine" | tr -c 'A-Za-z0-9._\n-' '-')

jobs=${QRT_JOBS:-2}
if [ -f "$build_dir/CMakeCache.txt" ]; then  # an existing build keeps its other options
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DQRT_WITH_XNNPACK=ON >/dev/null
else
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQRT_WITH_XNNPACK=ON -DQRT_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build_dir" --target qbench qconvert -j "$jobs"
qbench="$build_dir/benchmarks/qbench"
qconvert="$build_dir/converter/qconvert"

work="$build_dir/bench_work"
rm -rf "$work/runs"
mkdir -p "$work/models" "$work/runs"
manifest="$work/runs/manifest.tsv"  # name <tab> status <tab> qfb path or reason
: >"$manifest"

convert() {  # name source -> $work/models/name.qfb, or a skip line
  local name=$1 source=$2 log="$work/models/$1.convert.log"
  local args=("$source" -o "$work/models/$name.qfb")
  case "$source" in *.onnx) args+=(--calib random --nhwc-io) ;; esac
  if "$qconvert" "${args[@]}" >"$log" 2>&1; then
    printf '%s\tok\t%s\n' "$name" "$work/models/$name.qfb" >>"$manifest"
  else
    printf '%s\tskipped\tqconvert failed: %s\n' "$name" "$(tail -1 "$log" | tr '\t' ' ')" >>"$manifest"
    echo "bench.sh: skipped $name: qconvert failed (see $log)" >&2
  fi
}

for name in $models; do
  onnx="$work/models/$name.onnx"
  log="$work/models/$name.export.log"
  if [ ! -f benchmarks/models/export_model.py ]; then
    printf '%s\tskipped\tbenchmarks/models/export_model.py is not in this tree\n' "$name" >>"$manifest"
    echo "bench.sh: skipped $name: benchmarks/models/export_model.py is missing" >&2
  elif /usr/bin/python3 benchmarks/models/export_model.py "$name" --out "$onnx" >"$log" 2>&1; then
    convert "$name" "$onnx"
  else
    printf '%s\tskipped\texport failed: %s\n' "$name" "$(tail -1 "$log" | tr '\t' ' ')" >>"$manifest"
    echo "bench.sh: skipped $name: export failed (see $log)" >&2
  fi
done
for path in ${extra[@]+"${extra[@]}"}; do
  base=$(basename "$path"); name=${base%.*}
  # A file called model.* is named by its folder (tests/data/digits/model.onnx: digits).
  [ "$name" = model ] && name=$(basename "$(dirname "$path")")
  if [ ! -f "$path" ]; then
    printf '%s\tskipped\tno such file: %s\n' "$name" "$path" >>"$manifest"
  elif [ "${path##*.}" = qfb ]; then
    printf '%s\tok\t%s\n' "$name" "$path" >>"$manifest"
  else
    convert "$name" "$path"
  fi
done

# One qbench process per (model, backend, threads), so peak RSS is each run's own.
while IFS=$'\t' read -r name status qfb; do
  [ "$status" = ok ] || continue
  for backend in $backends; do
    for t in $threads; do
      n=$runs; secs=$max_secs; warm=(--warmup 2 --warmup-secs 1)
      if [ "$backend" = reference ]; then
        n=$((runs < 5 ? runs : 5)); secs=$((max_secs < 30 ? max_secs : 30)); warm=(--warmup 0 --warmup-secs 0)
      fi
      out="$work/runs/$name.$backend.$t.json"
      echo "bench.sh: $name, $backend, $t thread(s)" >&2
      if ! "$qbench" "$qfb" --backend "$backend" --threads "$t" --runs "$n" --max-secs "$secs" "${warm[@]}" \
           --profile --json >"$out" 2>"$out.err"; then
        echo "bench.sh: $name $backend $t: qbench failed: $(tail -1 "$out.err")" >&2
      fi
    done
  done
done <"$manifest"

md_flag=()
[ "$update_results_md" = 1 ] && md_flag=(--results-md benchmarks/RESULTS.md)
/usr/bin/python3 benchmarks/report/bench_report.py --runs-dir "$work/runs" --machine "$machine" \
  --json "benchmarks/results/$machine.json" --markdown "benchmarks/results/$machine.md" ${md_flag[@]+"${md_flag[@]}"}
echo "bench.sh: wrote benchmarks/results/$machine.json and .md" >&2
