#!/usr/bin/env bash
# Runs one libFuzzer target for a while:
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
# TARGET: qfb_load_prepare_invoke, tflite_import, onnx_import, npy or image
# (tests/fuzz/qrt_TARGET_fuzzer.cc). Configures a clang build with
# -fsanitize=fuzzer,address,undefined in build/fuzz (once), builds the
# target, writes the seed corpus (build/fuzz/seeds/TARGET, from the tests'
# model builders and the repository's fixtures), then fuzzes with the growing
# corpus build/fuzz/corpus/TARGET. Crashes, leaks and timeouts are kept in
# build/fuzz/crashes/TARGET/; the script then exits 1. QRT_FUZZ_CORPUS and
# QRT_FUZZ_CRASHES move the corpus and crash directories elsewhere.
# Exits 77 when clang or its libFuzzer runtime is missing
# (apt-get install -y clang libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

targets="qfb_load_prepare_invoke tflite_import onnx_import npy image"
if [ $# -lt 2 ] || ! [[ " $targets " == *" $1 "* ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]" >&2
  echo "TARGET: $targets" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2

CC=${CC_FUZZ:-clang}
CXX=${CXX_FUZZ:-clang++}
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
  > "$probe_dir/probe.cc"
if ! command -v "$CXX" > /dev/null ||
   ! "$CXX" -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cc" -o "$probe_dir/probe" 2> /dev/null; then
  echo "fuzz.sh: $CXX with libFuzzer is not available (apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 77
fi

build=build/fuzz
jobs=${QRT_JOBS:-$(nproc)}
# Several targets may run at once (one per core): the build and the seeds are
# shared, so one script at a time configures, builds and writes them.
mkdir -p "$build"
exec 9> "$build/.lock"
flock 9
# -O1 with assertions on: kernels' asserts are invariants the loader must guarantee;
# line tables are enough to symbolize reports and compile faster than -g.
# QRT_FUZZ_OPT=-O0 (scripts/test.sh, whose runs last seconds) builds in about 60%
# of the time and fuzzes 2-7x slower; the folder is reconfigured when it changes.
flags="${QRT_FUZZ_OPT:--O1} -gline-tables-only"
if [ ! -f "$build/build.ninja" ] || ! grep -qxF "CMAKE_CXX_FLAGS_DEBUG:STRING=$flags" "$build/CMakeCache.txt"; then
  CC=$CC CXX=$CXX cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="$flags" -DCMAKE_CXX_FLAGS_DEBUG="$flags" \
    -DQRT_BUILD_FUZZERS=ON -DQRT_BUILD_TESTS=OFF > /dev/null
fi
cmake --build "$build" -j "$jobs" --target "qrt_${target}_fuzzer" qrt_fuzz_seeds qrt_make_example

# Seeds: rewritten every run (cheap); fixtures of ../shared/data when present.
seeds=$build/seeds
rm -rf "$seeds"
models=(tests/data/digits/model.onnx tests/data/transformer/model.onnx)
if [ -d ../shared/data ]; then
  while IFS= read -r f; do models+=("$f"); done < <(
    find ../shared/data \( -name '*.tflite' -o -name '*.onnx' \) -size -64k | LC_ALL=C sort | head -n 60)
fi
ASAN_OPTIONS=detect_leaks=0 "$build/tests/fuzz/qrt_fuzz_seeds" "$seeds" "${models[@]}" > /dev/null
"$build/converter/qrt_make_example" --model "$seeds/qfb_load_prepare_invoke/example.qfb" \
  --input "$seeds/npy/example_input.npy" > /dev/null
for f in tests/data/digits/*.npy; do
  [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$seeds/npy/"
done
mkdir -p "$seeds/$target"
flock -u 9

# QRT_FUZZ_CORPUS: where the growing corpora live (default build/fuzz/corpus),
# e.g. a directory kept across clones; QRT_FUZZ_CRASHES likewise for findings.
corpus=${QRT_FUZZ_CORPUS:-$build/corpus}/$target
crashes=${QRT_FUZZ_CRASHES:-$build/crashes}/$target
mkdir -p "$corpus" "$crashes"
echo "fuzz.sh: $target for ${seconds}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs) + $(ls "$seeds/$target" | wc -l) seeds"
status=0
"$build/tests/fuzz/qrt_${target}_fuzzer" "$corpus" "$seeds/$target" \
  -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -artifact_prefix="$crashes/" \
  -print_final_stats=1 "$@" 2> "$build/$target.log" || status=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)|^==[0-9]+==ERROR|^SUMMARY|^Done' \
  "$build/$target.log" || true
if [ "$status" -ne 0 ]; then
  echo "fuzz.sh: $target FOUND A PROBLEM (exit $status); log $build/$target.log, input in $crashes/:" >&2
  ls -t "$crashes" | head -n 3 >&2
  exit 1
fi
echo "fuzz.sh: $target ran ${seconds}s without a finding"
