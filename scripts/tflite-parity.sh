#!/usr/bin/env bash
# tflite-parity.sh: compare qrt with a real TFLite, byte for byte, tensor by
# tensor. A developer tool: not run by CI nor by scripts/test.sh (it needs
# node and npm, and downloads TFLite's WASM build once).
#
# usage: scripts/tflite-parity.sh MODEL.tflite INPUT.bin... [--build DIR]
#        scripts/tflite-parity.sh MODEL.tflite --image IMAGE [--build DIR]
#
#   INPUT.bin   raw bytes of the model's input, in its dtype; a model with
#               several inputs takes one file per input, in graph order
#   --image     preprocess IMAGE exactly as `qrun --image` does (BMP, PNG,
#               JPEG, PPM; bilinear half-pixel resize in float32, truncated
#               to 8 bits) and use those bytes
#   --build DIR a qrt build with converter/qconvert, runtime/tools/qrun and
#               runtime/tools/libqrt_tool_support.a (default: <repo>/build)
#
# What it does:
#  1. Once, `npm pack @tensorflow/tfjs-tflite@0.0.1-alpha.10` into
#     <repo>/build/tflite-parity/ and unpack it: an Emscripten WASM build of
#     TFLite (ruy inside) that runs in node. Set TFLITE_PARITY_TGZ to a
#     tarball of that package to skip the download.
#  2. Patches the .tflite in place (no flatc round trip: flatc's JSON prints
#     floats with 6 digits and corrupts scales) so that every op output is
#     also a graph output. qrt converts that file (qconvert) and runs it
#     (qrun --input ... --output-dir), so qrt's intermediate tensors are
#     visible too.
#  3. For TFLite the same patch, plus one that keeps TFLite's default
#     XNNPACK delegate away (it runs int8 ops with its own arithmetic): if the
#     model has a RESHAPE, its constant shape tensor becomes a graph input
#     (fed its original bytes), which makes a tensor dynamic and the lazily
#     applied delegate is dropped; otherwise the constant weights and biases
#     of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED become graph inputs,
#     which XNNPACK refuses to delegate; failing both, a SPLIT's constant
#     axis becomes a graph input (dynamic outputs, as for RESHAPE). The profile of the run is checked:
#     if a TfLiteXNNPackDelegate node still ran, the script says so and fails.
#  4. Compares every tensor: per op, the number of differing elements and
#     the largest difference. Exit status 0 when every tensor is byte-exact,
#     1 when any differs, 2 on a usage or setup error.
#
# Work files go to <repo>/build/tflite-parity/runs/<model name>/.
# Single-op models for op-by-op checks: tests/tflite/parity/make_op_models.cc.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$repo/build"
model="" image="" inputs=()
usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image="${2:?--image needs a file}"; shift 2 ;;
    --build) build="${2:?--build needs a directory}"; shift 2 ;;
    -h|--help) usage ;;
    *) if [ -z "$model" ]; then model="$1"; else inputs+=("$1"); fi; shift ;;
  esac
done
[ -n "$model" ] || usage
[ ${#inputs[@]} -gt 0 ] || [ -n "$image" ] || usage
[ ${#inputs[@]} -eq 0 ] || [ -z "$image" ] || usage
for f in "${inputs[@]}"; do [ -f "$f" ] || { echo "tflite-parity: no input file '$f'" >&2; exit 2; }; done
[ -f "$model" ] || { echo "tflite-parity: no model '$model'" >&2; exit 2; }
build="$(cd "$build" && pwd)"
qconvert="$build/converter/qconvert"
qrun="$build/runtime/tools/qrun"
for tool in "$qconvert" "$qrun"; do
  [ -x "$tool" ] || { echo "tflite-parity: $tool is not built (use --build DIR)" >&2; exit 2; }
done
command -v node >/dev/null || { echo "tflite-parity: node is needed" >&2; exit 2; }

cache="$repo/build/tflite-parity"
pkg="$cache/package"
mkdir -p "$cache"
if [ ! -f "$pkg/wasm/tflite_web_api_cc.wasm" ]; then
  tgz="${TFLITE_PARITY_TGZ:-}"
  if [ -z "$tgz" ]; then
    command -v npm >/dev/null || { echo "tflite-parity: npm is needed once, to fetch the package" >&2; exit 2; }
    (cd "$cache" && npm pack --silent @tensorflow/tfjs-tflite@0.0.1-alpha.10 >/dev/null)
    tgz="$cache/tensorflow-tfjs-tflite-0.0.1-alpha.10.tgz"
  fi
  tar -xzf "$tgz" -C "$cache"
fi

name="$(basename "$model" .tflite)"
work="$cache/runs/$name"
rm -rf "$work"
mkdir -p "$work"

# --- the node side: flatbuffer patcher, TFLite runner, comparison ---------
cat >"$cache/patch.js" <<'EOF'
// node patch.js IN.tflite OUT.tflite all|noxnn+all OUTDIR
// Adds every op output to the graph outputs; with noxnn also turns constant
// tensors into graph inputs (see tflite-parity.sh) and writes their bytes to
// OUTDIR/extra_<k>.bin. Writes OUTDIR/outputs.json (tensor ids in output order,
// with the op that makes each).
const fs = require('fs');
const [inp, out, mode, outdir] = process.argv.slice(2);
let b = Buffer.from(fs.readFileSync(inp));
const u32 = p => b.readUInt32LE(p), i32 = p => b.readInt32LE(p), u16 = p => b.readUInt16LE(p);
function field(tab, i) { const vt = tab - i32(tab); const n = u16(vt); if (4 + 2 * i >= n) return 0; const o = u16(vt + 4 + 2 * i); return o ? tab + o : 0; }
const deref = p => p + u32(p);
function vec(f) { if (!f) return { pos: 0, n: 0 }; const v = deref(f); return { pos: v + 4, n: u32(v) }; }
const intVec = f => { const v = vec(f); return [...Array(v.n).keys()].map(k => i32(v.pos + 4 * k)); };
const str = f => { if (!f) return ''; const v = deref(f); return b.toString('utf8', v + 4, v + 4 + u32(v)); };
const root = deref(0);
const sg = deref(vec(field(root, 2)).pos);
const tensorsF = field(sg, 0), inputsF = field(sg, 1), outputsF = field(sg, 2), opsF = field(sg, 3);
const inputs = intVec(inputsF), outputs = intVec(outputsF);
const codes = vec(field(root, 1)), codeOf = [];
for (let k = 0; k < codes.n; k++) {
  const c = deref(codes.pos + 4 * k);
  const dep = field(c, 0) ? b.readInt8(field(c, 0)) : 0, bc = field(c, 3) ? i32(field(c, 3)) : 0;
  codeOf.push(Math.max(dep, bc));
}
const names = { 49: 'SPLIT', 102: 'SPLIT_V', 0: 'ADD', 1: 'AVERAGE_POOL_2D', 2: 'CONCATENATION', 3: 'CONV_2D', 4: 'DEPTHWISE_CONV_2D', 6: 'DEQUANTIZE', 9: 'FULLY_CONNECTED', 14: 'LOGISTIC', 17: 'MAX_POOL_2D', 18: 'MUL', 22: 'RESHAPE', 25: 'SOFTMAX', 40: 'MEAN', 114: 'QUANTIZE' };
const ops = vec(opsF), opList = [];
for (let k = 0; k < ops.n; k++) {
  const op = deref(ops.pos + 4 * k);
  opList.push({ code: codeOf[field(op, 0) ? u32(field(op, 0)) : 0], inputs: intVec(field(op, 1)), outputs: intVec(field(op, 2)) });
}
const tensors = vec(tensorsF), buffers = vec(field(root, 4));
const tensorAt = t => deref(tensors.pos + 4 * t);
function constantBytes(t) {
  const bf = field(tensorAt(t), 2); if (!bf || !u32(bf)) return null;
  const data = field(deref(buffers.pos + 4 * u32(bf)), 0); if (!data) return null;
  const v = deref(data); return { field: bf, bytes: b.slice(v + 4, v + 4 + u32(v)) };
}
function append(arr) {
  const pad = (4 - (b.length % 4)) % 4, nb = Buffer.alloc(pad + 4 + 4 * arr.length);
  nb.writeUInt32LE(arr.length, pad); arr.forEach((x, k) => nb.writeInt32LE(x, pad + 4 + 4 * k));
  const pos = b.length + pad; b = Buffer.concat([b, nb]); return pos;
}
const extra = [];
if (mode.startsWith('noxnn')) {
  // TFLite refuses a quantized_dimension outside the tensor's rank (old
  // converters wrote 3 on the 1-D biases of depthwise convolutions, which
  // TFLite Micro accepts); the only dimension of a 1-D tensor is 0.
  for (let t = 0; t < tensors.n; t++) {
    const q = field(tensorAt(t), 4); if (!q) continue;
    const qt = deref(q), qd = field(qt, 6), rank = vec(field(tensorAt(t), 0)).n;
    if (qd && rank === 1 && i32(qd) !== 0) {
      console.error(`patch: tensor ${t} is 1-D: quantized_dimension ${i32(qd)} -> 0 for TFLite`);
      b.writeInt32LE(0, qd);
    }
  }
  const lift = t => { const c = constantBytes(t); if (!c || inputs.includes(t)) return false; extra.push({ tensor: t, bytes: Buffer.from(c.bytes) }); b.writeUInt32LE(0, c.field); inputs.push(t); return true; };
  const reshape = opList.find(o => o.code === 22 && o.inputs.length > 1 && o.inputs[1] >= 0 && constantBytes(o.inputs[1]));
  if (reshape) {
    lift(reshape.inputs[1]);
  } else {
    for (const o of opList) if (o.code === 3 || o.code === 4 || o.code === 9) o.inputs.slice(1).forEach(t => t >= 0 && lift(t));
  }
  // No RESHAPE and no weights (a data-movement graph): a SPLIT's axis, once
  // an input, makes its outputs dynamic, which drops the delegate as well.
  if (!extra.length) {
    const split = opList.find(o => o.code === 49 && o.inputs[0] >= 0 && constantBytes(o.inputs[0]));
    if (split) lift(split.inputs[0]);
  }
  if (!extra.length) console.error('patch: nothing to lift; XNNPACK may run (the profile check will tell)');
  extra.forEach((e, k) => fs.writeFileSync(`${outdir}/extra_${k}.bin`, e.bytes));
  if (extra.length) { const pos = append(inputs); b.writeUInt32LE(pos - inputsF, inputsF); }
}
const meta = outputs.map(t => ({ tensor: t, op: -1, type: 'graph output' }));
opList.forEach((o, k) => o.outputs.forEach(t => {
  if (t < 0) return;
  const seen = meta.find(m => m.tensor === t);
  if (seen) { seen.op = k; seen.type = names[o.code] || ('builtin ' + o.code); return; }
  outputs.push(t); meta.push({ tensor: t, op: k, type: names[o.code] || ('builtin ' + o.code) });
}));
{ const pos = append(outputs); b.writeUInt32LE(pos - outputsF, outputsF); }  // append() replaces b
meta.forEach(m => { m.name = str(field(tensorAt(m.tensor), 3)); });
fs.writeFileSync(out, b);
fs.writeFileSync(`${outdir}/outputs.json`, JSON.stringify({ outputs: meta, extra: extra.map(e => e.tensor) }, null, 1));
EOF

cat >"$cache/run.js" <<'EOF'
// node run.js PKG MODEL.tflite OUTDIR INPUT.bin...: runs TFLite (builtin
// kernels, one thread, profiling on) with the k-th INPUT.bin in the k-th
// graph input (lifted constants aside), writes OUTDIR/t<tensor id>.bin per output.
const fs = require('fs');
const [pkg, model, outdir, ...inp] = process.argv.slice(2);
const dir = pkg + '/wasm/';
const src = fs.readFileSync(dir + 'tflite_web_api_cc.js', 'utf8');
const factory = new Function(src + '\nreturn tflite_web_api_ModuleFactory;')();
(async () => {
  const M = await factory({ wasmBinary: fs.readFileSync(dir + 'tflite_web_api_cc.wasm'), print: () => {}, printErr: s => console.error('[tflite]', s) });
  const buf = new Uint8Array(fs.readFileSync(model));
  const p = M._malloc(buf.length); M.HEAPU8.set(buf, p);
  const r = M.TFLiteWebModelRunner.CreateFromBufferAndOptions(p, buf.length, { numThreads: 1, enableProfiling: true, maxProfilingBufferEntries: 4096 });
  if (!r.ok()) throw new Error('create failed: ' + r.errorMessage());
  const runner = r.value();
  const meta = JSON.parse(fs.readFileSync(outdir + '/../outputs.json', 'utf8'));
  const iv = runner.GetInputs();
  let real = 0;
  for (let i = 0; i < iv.size(); i++) {
    const t = iv.get(i), d = t.data(), view = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    const k = meta.extra.indexOf(t.id);
    if (k < 0 && real >= inp.length) throw new Error(`the model has more than ${inp.length} input(s)`);
    const bytes = fs.readFileSync(k >= 0 ? `${outdir}/../extra_${k}.bin` : inp[real++]);
    if (bytes.length !== view.length) throw new Error(`input ${t.name}: ${bytes.length} bytes given, ${view.length} needed`);
    view.set(bytes);
  }
  if (real !== inp.length) throw new Error(`${inp.length} input files given, the model has ${real} input(s)`);
  if (!runner.Infer()) throw new Error('infer failed');
  const ov = runner.GetOutputs();
  for (let i = 0; i < ov.size(); i++) {
    const o = ov.get(i), d = o.data();
    fs.writeFileSync(`${outdir}/t${o.id}.bin`, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  const pr = runner.GetProfilingResults(), types = [];
  for (let i = 0; i < pr.size(); i++) types.push(pr.get(i).nodeType);
  fs.writeFileSync(outdir + '/profile.txt', types.join('\n') + '\n');
})().catch(e => { console.error('tflite-parity:', e.message || e); process.exit(1); });
EOF

cat >"$cache/compare.js" <<'EOF'
// node compare.js WORK: TFLite's WORK/tfl/t<id>.bin against qrt's .npy files
// listed in WORK/qrun.json, in the patched output order.
const fs = require('fs');
const work = process.argv[2];
const meta = JSON.parse(fs.readFileSync(work + '/outputs.json', 'utf8')).outputs;
const qrun = JSON.parse(fs.readFileSync(work + '/qrun.json', 'utf8'));
if (qrun.outputs.length !== meta.length) { console.log(`qrt has ${qrun.outputs.length} outputs, TFLite ${meta.length}`); process.exit(1); }
function npy(path) {
  const b = fs.readFileSync(path), major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8), start = (major === 1 ? 10 : 12) + hlen;
  return { descr: /'descr':\s*'([^']+)'/.exec(b.toString('latin1', 0, start))[1], data: b.slice(start) };
}
function values(buf, descr) {
  const n = descr.slice(1), out = [];
  const size = { i1: 1, u1: 1, i4: 4, f4: 4, i8: 8 }[n];
  for (let k = 0; k + size <= buf.length; k += size) {
    out.push(n === 'i1' ? buf.readInt8(k) : n === 'u1' ? buf[k] : n === 'i4' ? buf.readInt32LE(k) : n === 'f4' ? buf.readFloatLE(k) : Number(buf.readBigInt64LE(k)));
  }
  return out;
}
let bad = 0, firstBad = null;
meta.forEach((m, k) => {
  const q = npy(qrun.outputs[k].file), t = fs.readFileSync(`${work}/tfl/t${m.tensor}.bin`);
  // An int64 TFLite tensor (ARG_MAX) is int32 in qrt: compare values then.
  const tdescr = t.length === 2 * q.data.length && q.descr.endsWith('i4') ? '<i8' : q.descr;
  const a = values(q.data, q.descr), e = values(t, tdescr);
  let nd = 0, maxd = 0;
  if (a.length !== e.length) nd = -1;
  else for (let j = 0; j < a.length; j++) { const d = Math.abs(a[j] - e[j]); if (d) { nd++; maxd = Math.max(maxd, d); } }
  const exact = tdescr === q.descr ? q.data.equals(t) : nd === 0;
  if (!exact) { bad++; if (!firstBad) firstBad = m; }
  console.log(`${String(m.op).padStart(3)} ${m.type.padEnd(18)} t${String(m.tensor).padEnd(4)} ${q.descr} n=${String(a.length).padEnd(7)} ${exact ? 'exact' : `DIFF elements=${nd} max=${maxd}`}  ${m.name}`);
});
if (bad) {
  console.log(`NOT EXACT: ${bad} of ${meta.length} tensors differ; the first in graph order is op ${firstBad.op} (${firstBad.type}) output t${firstBad.tensor} '${firstBad.name}'`);
  process.exit(1);
}
console.log(`BYTE-EXACT: all ${meta.length} tensors (every op output and graph output) equal TFLite's`);
EOF

# --- the input ----------------------------------------------------------------
node "$cache/patch.js" "$model" "$work/qrt.tflite" all "$work"
"$qconvert" "$work/qrt.tflite" -o "$work/qrt.qfb" >"$work/qconvert.log" 2>&1 ||
  { cat "$work/qconvert.log" >&2; exit 1; }
if [ -n "$image" ]; then
  # qrun's own preprocessing (runtime/tools/image_input.h), compiled once.
  helper="$cache/image_bytes"
  if [ ! -x "$helper" ] || [ "$helper" -ot "$repo/runtime/tools/image_input.cc" ]; then
    cat >"$cache/image_bytes.cc" <<'EOF'
#include <cstdio>
#include <cstdlib>
#include "runtime/tools/image_input.h"
int main(int argc, char** argv) {  // image_bytes IMAGE H W C OUT
  if (argc != 6) return 2;
  qrt::tools::Image image;
  std::string error;
  if (!qrt::tools::read_image_file(argv[1], &image, &error)) { std::fprintf(stderr, "%s\n", error.c_str()); return 1; }
  const qrt::tools::Image r = qrt::tools::resize_bilinear(qrt::tools::convert_channels(image, std::atoi(argv[4])),
                                                          std::atoi(argv[2]), std::atoi(argv[3]));
  FILE* f = std::fopen(argv[5], "wb");
  return f && std::fwrite(r.pixels.data(), 1, r.pixels.size(), f) == r.pixels.size() && std::fclose(f) == 0 ? 0 : 1;
}
EOF
    # shellcheck disable=SC2046
    g++ -std=c++17 -O2 -ffp-contract=off -I"$repo" -I"$repo/runtime/include" "$cache/image_bytes.cc" \
      "$build/runtime/tools/libqrt_tool_support.a" $(pkg-config --libs stb 2>/dev/null || echo -lstb) -o "$helper"
  fi
  shape="$("$qrun" "$work/qrt.qfb" --json --top-k 0 | node -e \
    'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));const s=j.inputs[0].shape;console.log(s[1],s[2],s[3],j.inputs[0].dtype)')"
  read -r h w c dtype <<<"$shape"
  "$helper" "$image" "$h" "$w" "$c" "$work/input.bin"
  if [ "$dtype" = int8 ]; then  # qrun feeds pixel - 128 to int8 inputs
    node -e 'const f=process.argv[1],b=require("fs").readFileSync(f);for(let i=0;i<b.length;i++)b[i]^=0x80;require("fs").writeFileSync(f,b)' "$work/input.bin"
  fi
  inputs=("$work/input.bin")
fi

# --- qrt ---------------------------------------------------------------------
# qrun names each input; its graph order is TFLite's (the importer keeps it).
mapfile -t names < <("$qrun" "$work/qrt.qfb" --json --top-k 0 | node -e \
  'JSON.parse(require("fs").readFileSync(0,"utf8")).inputs.forEach(i=>console.log(i.name))')
if [ ${#names[@]} -ne ${#inputs[@]} ]; then
  echo "tflite-parity: the model has ${#names[@]} input(s), ${#inputs[@]} file(s) given" >&2
  exit 2
fi
feeds=()
for k in "${!inputs[@]}"; do feeds+=(--input "${names[$k]}=${inputs[$k]}"); done
"$qrun" "$work/qrt.qfb" "${feeds[@]}" --output-dir "$work/qrt" --top-k 0 --json >"$work/qrun.json"

# --- TFLite ------------------------------------------------------------------
mkdir -p "$work/tfl"
node "$cache/patch.js" "$model" "$work/tfl.tflite" noxnn+all "$work"
node "$cache/run.js" "$pkg" "$work/tfl.tflite" "$work/tfl" "${inputs[@]}"
if grep -qi xnnpack "$work/tfl/profile.txt"; then
  echo "tflite-parity: TFLite ran the XNNPACK delegate; its results are not the builtin kernels'" >&2
  exit 1
fi

# --- compare -----------------------------------------------------------------
for f in "${inputs[@]}"; do sizes+="${sizes:+, }$f ($(wc -c <"$f") bytes)"; done
echo "model $model, input ${sizes:-}, TFLite builtin kernels (tfjs-tflite 0.0.1-alpha.10 WASM)"
node "$cache/compare.js" "$work"
