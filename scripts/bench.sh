#!/usr/bin/env bash
# The standard benchmark suite in one command: export each standard network
# with random weights (benchmarks/models/export_model.py), convert it with
# qconvert (--calib random), run qbench on it with each backend (qrt,
# reference, xnnpack) at 1 and 2 threads, one process per run, and write
#   benchmarks/results/<machine>.json   every run: percentiles, memory, per-op profile
#   benchmarks/results/<machine>.md     the tables
# and the latest table into benchmarks/RESULTS.md (between its bench.sh markers).
# In the same run and with the same thread counts it times the peers on the
# same exported float ONNX models (benchmarks/peers/README.md): ONNX Runtime
# float, ONNX Runtime int8 (QDQ: uint8 activations, per-channel int8 weights)
# and PyTorch float (eager), and reports qrt int8's speed-up over each.
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
#   --peers "A B"        peers to time beside qrt: ort-float ort-int8 torch-float (default: all
#                        three; one whose tools are missing is skipped and the reason recorded);
#                        --peers "" times none. ORT is set up in BUILD_DIR/peers at bench time
#                        (npm install onnxruntime-node, benchmarks/peers/setup_ort.sh)
#   --ort-yardstick DIR  the ORT yardstick (default $QRT_ORT_YARDSTICK, else /work/shared/tools/ort):
#                        its quantize_qdq.py makes the ort-int8 models
# A model whose export or conversion fails is skipped and the reason is
# recorded in the results, and so is a peer that cannot run or fails.
# Exit status: 0 unless nothing could be run.
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
peers="ort-float ort-int8 torch-float"
ort_yardstick=${QRT_ORT_YARDSTICK:-/work/shared/tools/ort}
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
    --peers) peers=$2; shift 2 ;;
    --ort-yardstick) ort_yardstick=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench.sh: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
for peer in $peers; do
  case "$peer" in
    ort-float|ort-int8|torch-float) ;;
    *) echo "bench.sh: unknown peer $peer (peers: ort-float ort-int8 torch-float)" >&2; exit 2 ;;
  esac
done
if [ -z "$machine" ]; then
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
  machine=$(echo "${cpu:-unknown}" | tr 'A-Z' 'a-z' | sed 's/([^)]*)//g; s/cpu\|processor\|@.*//g' |
            awk '{print $2 ? $1 "-" $2 : $1}')-$(nproc)cpu
fi
machine=$(echo "$machine" | tr -c 'A-Za-z0-9._\n-' '-')

export PYTHONDONTWRITEBYTECODE=1  # the scripts' imports leave no __pycache__ in the tree
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
onnx_models="$work/runs/onnx_models.tsv"  # name <tab> float .onnx <tab> standard|extra: the peers' models
: >"$onnx_models"

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
    printf '%s\t%s\tstandard\n' "$name" "$onnx" >>"$onnx_models"
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
    [ "${path##*.}" = onnx ] && printf '%s\t%s\textra\n' "$name" "$path" >>"$onnx_models"
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

# The peers: the same float ONNX models, the same thread counts and run
# counts, one process per (model, peer, threads).
peers_tsv="$work/runs/peers.tsv"  # peer <tab> model or * <tab> why it was skipped
: >"$peers_tsv"
peer_skip() {  # peer model-or-* reason
  printf '%s\t%s\t%s\n' "$1" "$2" "$(echo "$3" | tr '\t\n' '  ' | sed 's/ *$//')" >>"$peers_tsv"
  echo "bench.sh: peer $1 skipped ($2): $3" >&2
}
wants() { case " $peers " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
requested_peers=$peers
[ -s "$onnx_models" ] || peers=""  # no float ONNX model: nothing for a peer to run
peer_dir="$build_dir/peers"
if wants ort-float || wants ort-int8; then
  mkdir -p "$peer_dir"
  echo "bench.sh: setting up ONNX Runtime in $peer_dir" >&2
  if benchmarks/peers/setup_ort.sh "$peer_dir" "$ort_yardstick" 2>"$peer_dir/setup_ort.err"; then
    # shellcheck disable=SC1091
    . "$peer_dir/ort.env"
    if wants ort-int8 && [ -z "$ORT_QUANTIZE" ]; then
      peer_skip ort-int8 '*' "$ORT_QUANTIZE_REASON"
      peers=${peers/ort-int8/}
    fi
  else
    reason=$(tail -1 "$peer_dir/setup_ort.err")
    for p in ort-float ort-int8; do wants "$p" && peer_skip "$p" '*' "${reason:-setup_ort.sh failed}"; done
    peers=${peers/ort-float/}; peers=${peers/ort-int8/}
  fi
fi
if wants torch-float && ! /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  peer_skip torch-float '*' "/usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch)"
  peers=${peers/torch-float/}
fi

ort_int8_model() {  # name float.onnx -> prints the QDQ model's path, or records why there is none
  local name=$1 onnx=$2 dir="$work/peers"
  local src="$dir/${name}_fp32.onnx" dst="$dir/${name}_qdq_u8s8.onnx" log="$dir/$name.quantize.log"
  mkdir -p "$dir"
  cp "$onnx" "$src"
  if ! /usr/bin/python3 benchmarks/peers/ort_calibration.py "$src" "$dir/$name.calib.bin" --images 8 >"$log" 2>&1; then
    peer_skip ort-int8 "$name" "$(tail -1 "$log")"
  elif ! /usr/bin/python3 "$ORT_QUANTIZE" "$src" "$dst" "$dir/$name.calib.bin" 8 >>"$log" 2>&1; then
    peer_skip ort-int8 "$name" "quantize_qdq.py failed: $(tail -1 "$log")"
  else
    echo "$dst"
  fi
}

peer_run() {  # peer name threads command...: one timed run into $work/runs
  local peer=$1 name=$2 t=$3 out="$work/runs/$2.$1.$3.json"
  shift 3
  echo "bench.sh: $name, peer $peer, $t thread(s)" >&2
  if ! "$@" >"$out" 2>"$out.err" </dev/null; then
    rm -f "$out"
    peer_skip "$peer" "$name" "failed at $t thread(s): $(tail -1 "$out.err")"
  fi
}

# The list is read on descriptor 3: the peers' programs must not eat it from stdin.
while IFS=$'\t' read -r -u 3 name onnx kind; do
  timing=(--runs "$runs" --max-secs "$max_secs" --warmup 2 --warmup-secs 1)
  qdq=""
  wants ort-int8 && qdq=$(ort_int8_model "$name" "$onnx" </dev/null)
  if wants torch-float && [ "$kind" != standard ]; then
    peer_skip torch-float "$name" "not a standard network: export_model.py cannot build it in PyTorch"
  fi
  for t in $threads; do
    if wants ort-float; then
      peer_run ort-float "$name" "$t" "$ORT_BENCH" "$ORT_LIB" "$onnx" --threads "$t" "${timing[@]}" --label ort-float
    fi
    if [ -n "$qdq" ]; then
      peer_run ort-int8 "$name" "$t" "$ORT_BENCH" "$ORT_LIB" "$qdq" --threads "$t" "${timing[@]}" --label ort-int8
    fi
    if wants torch-float && [ "$kind" = standard ]; then
      peer_run torch-float "$name" "$t" /usr/bin/python3 benchmarks/peers/torch_bench.py "$name" --threads "$t" \
        "${timing[@]}"
    fi
  done
done 3<"$onnx_models"

md_flag=()
[ "$update_results_md" = 1 ] && md_flag=(--results-md benchmarks/RESULTS.md)
/usr/bin/python3 benchmarks/report/bench_report.py --runs-dir "$work/runs" --machine "$machine" \
  --peers "$requested_peers" --json "benchmarks/results/$machine.json" --markdown "benchmarks/results/$machine.md" \
  ${md_flag[@]+"${md_flag[@]}"}
echo "bench.sh: wrote benchmarks/results/$machine.json and .md" >&2
