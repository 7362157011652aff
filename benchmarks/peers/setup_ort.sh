#!/usr/bin/env bash
# Sets up ONNX Runtime for scripts/bench.sh's ORT peers, in a build folder
# (never in the repository's tracked files; run at bench time only).
#
# usage: benchmarks/peers/setup_ort.sh DIR [YARDSTICK]
#   DIR        where to set up, e.g. build/bench/peers
#   YARDSTICK  the ORT yardstick folder (default $QRT_ORT_YARDSTICK, else
#              /work/shared/tools/ort): its ort/package.json pins
#              onnxruntime-node, and its scripts/quantize_qdq.py + ort/calib.js
#              make the int8 (QDQ) models. Without it ORT float still works and
#              the ort-int8 peer is skipped.
#
# Steps, each done once and kept for the next run:
#   1. DIR/ort: a copy of the yardstick (or an empty folder with ort/ only);
#   2. `npm install --ignore-scripts` in DIR/ort/ort: the onnxruntime-node npm
#      package, which ships the native CPU library libonnxruntime.so.1 (the
#      package's install script downloads GPU libraries; it is not needed);
#   3. DIR/ort_bench, compiled from benchmarks/peers/ort_bench.cc (dlopen, no
#      ORT headers).
# Writes DIR/ort.env (shell assignments ORT_LIB, ORT_VERSION_PIN, ORT_BENCH,
# ORT_QUANTIZE, ORT_QUANTIZE_REASON) and exits 0, or exits 1 with the reason
# as the last line on stderr.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:?usage: setup_ort.sh DIR [YARDSTICK]}
yardstick=${2:-${QRT_ORT_YARDSTICK:-/work/shared/tools/ort}}
ort_node_version=1.30.0  # the yardstick's pin, used when there is no yardstick
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
ort="$dir/ort"
log="$dir/setup_ort.log"
: >"$log"

fail() { echo "setup_ort: $*" >&2; exit 1; }

for tool in node npm; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (Debian: apt-get install nodejs npm)"
done
cxx=${CXX:-c++}
command -v "$cxx" >/dev/null || fail "no C++ compiler ($cxx) to build ort_bench"

# 1. The yardstick copy (node_modules excluded: it is installed below).
if [ -f "$yardstick/scripts/quantize_qdq.py" ] && [ -f "$yardstick/ort/package.json" ]; then
  mkdir -p "$ort"
  (cd "$yardstick" && tar --exclude=node_modules --exclude=out --exclude=models -cf - .) | (cd "$ort" && tar -xf -)
  quantize="$ort/scripts/quantize_qdq.py"
  quantize_reason=""
else
  mkdir -p "$ort/ort"
  [ -f "$ort/ort/package.json" ] ||
    printf '{"name":"qrt-peers-ort","private":true,"dependencies":{"onnxruntime-node":"%s"}}\n' \
      "$ort_node_version" >"$ort/ort/package.json"
  quantize=""
  quantize_reason="no ORT yardstick at $yardstick (its scripts/quantize_qdq.py makes the QDQ int8 models)"
fi

# 2. onnxruntime-node and its native library.
find_lib() {
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  local bin="$ort/ort/node_modules/onnxruntime-node/bin"
  # Nothing installed yet is not an error (set -o pipefail would end the script).
  [ -d "$bin" ] || return 0
  find "$bin" -path "*/linux/$arch/*" -name 'libonnxruntime.so.1' | sort | tail -1
}
lib=$(find_lib)
if [ -z "$lib" ]; then
  echo "setup_ort: npm install onnxruntime-node in $ort/ort" >&2
  if ! (cd "$ort/ort" && timeout 900 npm install --ignore-scripts --no-audit --no-fund) >>"$log" 2>&1; then
    fail "npm install onnxruntime-node failed: $(grep -v '^npm notice' "$log" | tail -1)"
  fi
  lib=$(find_lib)
  [ -n "$lib" ] || fail "onnxruntime-node has no libonnxruntime.so.1 for linux/$(uname -m)"
fi
pin=$(sed -n 's/.*"onnxruntime-node": *"\([^"]*\)".*/\1/p' "$ort/ort/package.json" | head -1)

# 3. ort_bench.
bench="$dir/ort_bench"
source="$repo/benchmarks/peers/ort_bench.cc"
if [ ! -x "$bench" ] || [ "$source" -nt "$bench" ] || [ "$repo/benchmarks/peers/ort_c_api.h" -nt "$bench" ]; then
  "$cxx" -O2 -std=c++17 -Wall -Wextra -o "$bench.partial" "$source" -ldl >>"$log" 2>&1 ||
    fail "compiling ort_bench failed (see $log)"
  mv "$bench.partial" "$bench"
fi

{
  printf 'ORT_LIB=%q\n' "$lib"
  printf 'ORT_VERSION_PIN=%q\n' "$pin"
  printf 'ORT_BENCH=%q\n' "$bench"
  printf 'ORT_QUANTIZE=%q\n' "$quantize"
  printf 'ORT_QUANTIZE_REASON=%q\n' "$quantize_reason"
} >"$dir/ort.env"
