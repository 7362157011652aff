// Writes the seed corpora of the fuzz targets (scripts/fuzz.sh runs it):
//   qrt_fuzz_seeds OUT_DIR [MODEL_FILE...]
// OUT_DIR/<target>/ gets small inputs built here the way the tests build
// them (QfbWriter models, a TfliteBuilder model, .npy and image files); every
// MODEL_FILE (.tflite or .onnx fixtures, e.g. tests/data/digits/model.onnx
// and the small models of ../shared/data) is copied to its importer's corpus
// and, when it imports, its .qfb joins the loader's corpus (a float ONNX
// model twice: static PTQ with random calibration and dynamic quantization,
// so the transformer, dynamic and mixed-precision ops are in the corpus too).
// The small CNN is also written with packed weights for every ISA this CPU
// has, so the packed-weight checks are fuzzed. Nothing here is committed as
// a binary.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <stb_image_write.h>

#include "converter/packing/pack_weights.h"
#include "kernels/kernel_table.h"
#include "runtime/tools/npy.h"
#include "tests/runtime/test_models.h"
#ifdef QRT_FUZZ_SEEDS_TFLITE
#include "converter/calibration/ptq_options.h"
#include "converter/model_import.h"
#include "converter/onnx/onnx_importer.h"
#include "converter/tflite/tflite_importer.h"
#include "tests/tflite/tflite_builder.h"
#endif

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

namespace {

// Seeds larger than this are left out: libFuzzer mutates up to the largest
// seed's length, and short inputs run faster.
constexpr size_t kMaxSeedBytes = 64 * 1024;

void write(const fs::path& path, const Bytes& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

Bytes read(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void append(void* context, void* data, int size) {
  auto* out = static_cast<Bytes*>(context);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

void qfb_seeds(const fs::path& dir) {
  using namespace qrt;
  write(dir / "reshape.qfb", test::reshape_model());
  write(dir / "small_cnn_fixedpoint.qfb", test::small_cnn(fb::RequantRule::FIXEDPOINT).writer.serialize());
  write(dir / "small_cnn_fp32.qfb", test::small_cnn(fb::RequantRule::FP32).writer.serialize());
  std::vector<std::string> isas;
  for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "sse41", "i8mm", "neondot", "neon"}) {
    std::string error;
    if (find_kernel_table(isa, &error) != nullptr) isas.push_back(isa);
  }
  Bytes packed;
  std::string error;
  if (!isas.empty() &&
      pack_qfb_weights(test::small_cnn(fb::RequantRule::FP32).writer.serialize(), isas, &packed, &error)) {
    write(dir / "small_cnn_packed.qfb", packed);
  }
}

void npy_seeds(const fs::path& dir) {
  using qrt::tools::NpyArray;
  const struct {
    const char* name;
    qrt_dtype dtype;
    std::vector<int64_t> shape;
    size_t element_size;
  } arrays[] = {{"int8_2x3.npy", QRT_DTYPE_INT8, {2, 3}, 1},       {"uint8_scalar.npy", QRT_DTYPE_UINT8, {}, 1},
                {"int16_4.npy", QRT_DTYPE_INT16, {4}, 2},          {"int32_2x2.npy", QRT_DTYPE_INT32, {2, 2}, 4},
                {"float16_3.npy", QRT_DTYPE_FLOAT16, {3}, 2},      {"float32_1x4x4x3.npy", QRT_DTYPE_FLOAT32, {1, 4, 4, 3}, 4},
                {"empty_0x5.npy", QRT_DTYPE_FLOAT32, {0, 5}, 4}};
  std::mt19937 rng(7);
  for (const auto& a : arrays) {
    NpyArray array;
    array.dtype = a.dtype;
    array.shape = a.shape;
    size_t count = 1;
    for (int64_t d : a.shape) count *= static_cast<size_t>(d);
    array.data.resize(count * a.element_size);
    for (uint8_t& b : array.data) b = static_cast<uint8_t>(rng());
    Bytes out;
    std::string error;
    if (qrt::tools::encode_npy(array, &out, &error)) write(dir / a.name, out);
  }
  // Versions 2.0 and 3.0 differ in the header length field (4 bytes) only.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  for (uint8_t major : {2, 3}) {
    std::string header = dict;
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    Bytes out = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
    const uint32_t length = static_cast<uint32_t>(header.size());
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(length >> (8 * i)));
    out.insert(out.end(), header.begin(), header.end());
    out.resize(out.size() + 8, 0x3f);
    write(dir / ("float32_v" + std::to_string(major) + ".npy"), out);
  }
}

void image_seeds(const fs::path& dir) {
  std::mt19937 rng(3);
  for (int channels : {1, 3, 4}) {
    const int width = 7, height = 5;
    Bytes pixels(static_cast<size_t>(width * height * channels));
    for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng());
    const std::string stem = "c" + std::to_string(channels);
    Bytes png, jpg, bmp;
    stbi_write_png_to_func(append, &png, width, height, channels, pixels.data(), width * channels);
    stbi_write_jpg_to_func(append, &jpg, width, height, channels, pixels.data(), 90);
    stbi_write_bmp_to_func(append, &bmp, width, height, channels, pixels.data());
    write(dir / (stem + ".png"), png);
    write(dir / (stem + ".jpg"), jpg);
    write(dir / (stem + ".bmp"), bmp);
  }
  const std::string pgm = "P5\n# comment\n3 2\n255\n";
  Bytes p5(pgm.begin(), pgm.end());
  for (int i = 0; i < 6; ++i) p5.push_back(static_cast<uint8_t>(i * 40));
  write(dir / "gray.pgm", p5);
  const std::string ppm = "P6 2 2 255\n";
  Bytes p6(ppm.begin(), ppm.end());
  for (int i = 0; i < 12; ++i) p6.push_back(static_cast<uint8_t>(i * 20));
  write(dir / "rgb.ppm", p6);
}

#ifdef QRT_FUZZ_SEEDS_TFLITE
Bytes tiny_tflite() {
  namespace tfl = qrt::tflite;
  using TT = tfl::TensorType;
  qrt::test::TfliteBuilder b;
  std::vector<uint8_t> weights(4 * 3 * 3 * 3);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<uint8_t>((i * 37) % 255);
  const int in = b.tensor("in", TT::INT8, {1, 5, 5, 3}, {0.02f}, {-3});
  const int w = b.tensor("w", TT::INT8, {4, 3, 3, 3}, {0.01f, 0.02f, 0.005f, 0.03f}, {}, 0, weights);
  const int bi = b.tensor("b", TT::INT32, {4}, {0.0002f, 0.0004f, 0.0001f, 0.0006f}, {}, 0,
                          qrt::test::bytes_of(std::vector<int32_t>{10, -20, 30, -40}));
  const int conv = b.tensor("conv", TT::INT8, {1, 3, 3, 4}, {0.05f}, {-128});
  tfl::Conv2DOptionsT o;
  o.padding = tfl::Padding::SAME;
  o.stride_h = o.stride_w = 2;
  o.fused_activation_function = tfl::ActivationFunctionType::RELU6;
  b.op(3 /* CONV_2D */, {in, w, bi}, {conv}, qrt::test::tflite_options(o));
  const int pooled = b.tensor("pool", TT::INT8, {1, 1, 1, 4}, {0.05f}, {-128});
  tfl::Pool2DOptionsT p;
  p.padding = tfl::Padding::VALID;
  p.stride_h = p.stride_w = 1;
  p.filter_height = p.filter_width = 3;
  b.op(1 /* AVERAGE_POOL_2D */, {conv}, {pooled}, qrt::test::tflite_options(p));
  const int out = b.tensor("out", TT::INT8, {1, 1, 1, 4}, {1.0f / 256}, {-128});
  tfl::SoftmaxOptionsT s;
  s.beta = 1.0f;
  b.op(25 /* SOFTMAX */, {pooled}, {out}, qrt::test::tflite_options(s));
  b.inputs({in});
  b.outputs({out});
  return b.finish();
}

// The .qfb of an importable model joins the loader's corpus.
void add_imported(const fs::path& qfb_dir, const std::string& stem, const Bytes& source, bool onnx) {
  auto add = [&](const std::string& name, const qrt::ImportOptions& options) {
    try {
      const Bytes qfb = onnx ? qrt::import_onnx(source.data(), source.size(), options, qrt::convert::OnnxLoadOptions{})
                             : qrt::import_tflite(source.data(), source.size(), options);
      if (qfb.size() <= kMaxSeedBytes) write(qfb_dir / (name + ".qfb"), qfb);
    } catch (const std::exception&) {  // not importable this way: no seed
    }
  };
  add(stem, qrt::ImportOptions{});
  if (!onnx) return;
  qrt::convert::PtqOptions ptq;
  ptq.random_calibration = true;
  qrt::ImportOptions static_ptq;
  static_ptq.ptq = &ptq;
  add(stem + "_ptq", static_ptq);
  qrt::ImportOptions dynamic;
  dynamic.dynamic_quantization = true;
  add(stem + "_dynamic", dynamic);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [MODEL_FILE...]\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  const fs::path qfb_dir = out / "qfb_load_prepare_invoke";
  qfb_seeds(qfb_dir);
  npy_seeds(out / "npy");
  image_seeds(out / "image");
#ifdef QRT_FUZZ_SEEDS_TFLITE
  const Bytes tflite = tiny_tflite();
  write(out / "tflite_import" / "tiny_conv_pool_softmax.tflite", tflite);
  add_imported(qfb_dir, "tiny_conv_pool_softmax", tflite, false);
  int index = 0;
  for (int i = 2; i < argc; ++i) {
    const fs::path path = argv[i];
    const Bytes bytes = read(path);
    if (bytes.empty() || bytes.size() > kMaxSeedBytes) continue;
    const bool onnx = path.extension() == ".onnx";
    const std::string stem = std::to_string(index++) + "_" + path.parent_path().filename().string() + "_" +
                             path.stem().string();
    write(out / (onnx ? "onnx_import" : "tflite_import") / (stem + path.extension().string()), bytes);
    add_imported(qfb_dir, stem, bytes, onnx);
  }
#endif
  std::printf("seed corpora written to %s\n", out.c_str());
  return 0;
}
