// The user's path, with the built tools: `qconvert MODEL.tflite -o M.qfb`,
// then `qrun M.qfb --image ... --json` (or --input / --output-dir), parsing
// what qrun prints. The coral MobileNets on cat.bmp are the upstream
// classification checks of ../shared/data/README.md (skipped when the data
// folder is absent); a model built here checks qrun's output files against
// the reference kernels.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "converter/tflite/tflite_importer.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/arg_max_s8.h"
#include "kernels/reference/conv2d_s8.h"
#include "kernels/reference/padding.h"
#include "kernels/reference/resize_bilinear_s8.h"
#include "runtime/tools/npy.h"
#include "tests/tflite/qfb_runner.h"
#include "tests/tflite/tflite_builder.h"
#include "tests/tflite/tool_runner.h"

namespace qrt::test {
namespace {

using TT = tfl::TensorType;

std::string data_dir() {
  if (const char* env = std::getenv("QRT_SHARED_DATA")) return env;
  return std::string(QRT_SOURCE_DIR) + "/../shared/data";
}

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// qconvert IN -o OUT through the built binary; fails the test on a non-zero exit.
void qconvert(const std::string& tflite, const std::string& qfb, const std::string& tag) {
  const CommandResult r = run_command({QRT_QCONVERT_PATH, tflite, "-o", qfb}, tag + ".qconvert");
  INFO("qconvert stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(file_exists(qfb));
}

// qrun with the given arguments and --json; the parsed object.
Json qrun_json(std::vector<std::string> args, const std::string& tag) {
  args.insert(args.begin(), QRT_QRUN_PATH);
  args.push_back("--json");
  const CommandResult r = run_command(args, tag + ".qrun");
  INFO("qrun stderr: " << r.err);
  INFO("qrun stdout: " << r.out);
  REQUIRE(r.exit_code == 0);
  try {
    return parse_json(r.out);
  } catch (const std::exception& e) {
    FAIL("qrun --json printed something that is not JSON: " << e.what());
  }
  return {};
}

struct CoralCase {
  const char* model;
  int expected_class;
  const char* expected_label;
  double threshold;
};

TEST_CASE("Coral MobileNets classify cat.bmp through qconvert and qrun --image --json") {
  const std::string coral = data_dir() + "/tflite/coral";
  if (!file_exists(coral + "/cat.bmp") || !file_exists(coral + "/imagenet_labels.txt")) {
    WARN("skipped: " << coral << "/cat.bmp or imagenet_labels.txt is not available");
    return;
  }
  const std::vector<std::string> labels = read_lines(coral + "/imagenet_labels.txt");
  REQUIRE(labels.size() == 1001);
  REQUIRE(labels[0] == "background");

  // Upstream (google-coral/test_data, ../shared/data/README.md) expectations.
  const CoralCase cases[] = {
      {"mobilenet_v1_0.25_128_quant", 283, "tiger cat", 0.25},
      {"mobilenet_v2_1.0_224_quant", 286, "Egyptian cat", 0.7},
      {"tf2_mobilenet_v2_1.0_224_ptq", 286, "Egyptian cat", 0.6},
  };
  for (const CoralCase& c : cases) {
    SECTION(c.model) {
      const std::string tflite = coral + "/" + c.model + ".tflite";
      if (!file_exists(tflite)) {
        WARN("skipped: " << tflite << " is not available");
        continue;
      }
      const std::string qfb = work_path(std::string("coral_") + c.model + ".qfb");
      qconvert(tflite, qfb, c.model);
      const Json result = qrun_json({qfb, "--image", coral + "/cat.bmp", "--labels", coral + "/imagenet_labels.txt",
                                     "--top-k", "3"},
                                    c.model);
      REQUIRE(result["outputs"].items.size() == 1);
      const Json& output = result["outputs"][0];
      CHECK(output["dtype"].text == "uint8");
      const Json& top = output["top_k"];
      REQUIRE(top.items.size() == 3);
      // Sorted by score, each labelled with its 0-based line of the labels file.
      double previous = 2.0;
      bool found = false;
      for (const Json& entry : top.items) {
        const int index = static_cast<int>(entry["index"].number);
        const double score = entry["score"].number;
        INFO(c.model << ": class " << index << " '" << entry["label"].text << "' score " << score);
        REQUIRE(index >= 0);
        REQUIRE(index < 1001);
        CHECK(entry["label"].text == labels[static_cast<size_t>(index)]);
        CHECK(score <= previous);
        previous = score;
        if (index == c.expected_class) {
          found = true;
          CHECK(entry["label"].text == c.expected_label);
          CHECK(score > c.threshold);
        }
      }
      CHECK(found);
      // The top class is a cat of some kind, and argmax agrees with top-k.
      CHECK(static_cast<int>(output["argmax"].number) == static_cast<int>(top[0]["index"].number));
      CHECK_THAT(top[0]["label"].text, Catch::Matchers::Contains("cat"));
      if (std::string(c.model) == "tf2_mobilenet_v2_1.0_224_ptq") {
        // Measured with TFLite itself (tfjs-tflite's WASM build, builtin
        // kernels, see scripts/tflite-parity.sh): 168/256.
        CHECK(top[0]["index"].number == 286);
        CHECK(top[0]["score"].number == Approx(168.0 / 256).margin(1e-6));
      }
    }
  }
}

// A model built here: CONV_2D (uint8 interface) -> RESIZE_BILINEAR, plus an
// ARG_MAX output, written as a .tflite file, converted by qconvert, run by
// qrun with --input and --output-dir; the .npy files equal the reference kernels.
TEST_CASE("qconvert + qrun --input --output-dir on a built model match the reference kernels") {
  std::mt19937 rng(41);
  std::uniform_int_distribution<int> byte(0, 255), weight(-127, 127);
  const int H = 6, W = 5, C = 3, K = 4, OH = 9, OW = 7;
  std::vector<uint8_t> input(H * W * C);
  for (auto& v : input) v = static_cast<uint8_t>(byte(rng));
  std::vector<int8_t> weights(K * 3 * 3 * C);
  for (auto& v : weights) v = static_cast<int8_t>(weight(rng));
  std::vector<int32_t> bias = {120, -340, 0, 999};
  const std::vector<float> w_scales = {0.01f, 0.02f, 0.004f, 0.03f};
  const float in_scale = 0.02f, out_scale = 0.09f;
  const int32_t in_zp_u8 = 130, out_zp = -6;
  std::vector<float> b_scales;
  for (float s : w_scales) b_scales.push_back(in_scale * s);

  TfliteBuilder b;
  const int in = b.tensor("image", TT::UINT8, {1, H, W, C}, {in_scale}, {in_zp_u8});
  const int q = b.tensor("image_s8", TT::INT8, {1, H, W, C}, {in_scale}, {in_zp_u8 - 128});
  const int w = b.tensor("w", TT::INT8, {K, 3, 3, C}, w_scales, {}, 0,
                         std::vector<uint8_t>(weights.begin(), weights.end()));
  const int bi = b.tensor("b", TT::INT32, {K}, b_scales, {}, 0, bytes_of(bias));
  const int conv = b.tensor("conv", TT::INT8, {1, H, W, K}, {out_scale}, {out_zp});
  const int size = b.int32_constant("size", {OH, OW});
  const int resized = b.tensor("resized", TT::INT8, {1, OH, OW, K}, {out_scale}, {out_zp});
  const int axis = b.int32_constant("axis", {3});
  const int classes = b.tensor("classes", TT::INT32, {1, OH, OW});
  b.op(114, {in}, {q});  // QUANTIZE uint8 -> int8: value - 128
  tfl::Conv2DOptionsT co;
  co.padding = tfl::Padding::SAME;
  co.stride_h = co.stride_w = 1;
  co.fused_activation_function = tfl::ActivationFunctionType::RELU;
  b.op(3, {q, w, bi}, {conv}, tflite_options(co));
  tfl::ResizeBilinearOptionsT ro;
  ro.half_pixel_centers = true;
  b.op(23, {conv, size}, {resized}, tflite_options(ro));
  tfl::ArgMaxOptionsT ao;
  ao.output_type = TT::INT32;
  b.op(56, {resized, axis}, {classes}, tflite_options(ao));
  b.inputs({in});
  b.outputs({resized, classes});

  const std::string tflite_path = work_path("built_model.tflite");
  const std::string qfb_path = work_path("built_model.qfb");
  const std::string input_path = work_path("built_model_input.bin");
  const std::string out_dir = work_path("built_model_outputs");
  write_bytes(tflite_path, b.finish());
  write_bytes(input_path, input);
  qconvert(tflite_path, qfb_path, "built_model");
  const Json result =
      qrun_json({qfb_path, "--input", "image=" + input_path, "--output-dir", out_dir, "--top-k", "0"}, "built_model");
  REQUIRE(result["inputs"].items.size() == 1);
  CHECK(result["inputs"][0]["dtype"].text == "uint8");
  REQUIRE(result["outputs"].items.size() == 2);

  // The reference: input - 128, conv (SAME, ReLU), bilinear half-pixel, arg max over channels.
  std::vector<int8_t> x(input.size());
  for (size_t i = 0; i < input.size(); ++i) x[i] = static_cast<int8_t>(input[i] - 128);
  reference::Conv2DParams p;
  p.input_height = H;
  p.input_width = W;
  p.input_channels = C;
  p.output_height = H;
  p.output_width = W;
  p.output_channels = K;
  p.kernel_height = p.kernel_width = 3;
  p.pad_top = reference::compute_padding_same(H, 3, 1, 1).pad_before;
  p.pad_left = reference::compute_padding_same(W, 3, 1, 1).pad_before;
  p.input_zero_point = in_zp_u8 - 128;
  const auto rq = make_output_requant(RequantRule::kFixedPoint, in_scale, w_scales.data(), K, out_scale, out_zp,
                                      activation_range_s8(FusedActivation::kRelu, out_scale, out_zp),
                                      FixedPointRounding::kSingle);
  p.requant = rq.requant;
  std::vector<int8_t> conv_out(H * W * K);
  reference::conv2d_s8(p, x.data(), weights.data(), bias.data(), conv_out.data());
  reference::ResizeParams rp;
  rp.channels = K;
  rp.input_height = H;
  rp.input_width = W;
  rp.output_height = OH;
  rp.output_width = OW;
  rp.half_pixel_centers = true;
  std::vector<int8_t> resized_expected(OH * OW * K);
  reference::resize_bilinear_s8(rp, conv_out.data(), resized_expected.data());
  reference::ArgMaxParams ap;
  ap.outer_size = OH * OW;
  ap.axis_size = K;
  std::vector<int32_t> classes_expected(OH * OW);
  reference::arg_max_s8(ap, resized_expected.data(), classes_expected.data());

  for (size_t k = 0; k < 2; ++k) {
    const Json& output = result["outputs"][k];
    REQUIRE(output.has("file"));
    tools::NpyArray array;
    std::string error;
    INFO(output["file"].text);
    REQUIRE(tools::read_npy(output["file"].text, &array, &error));
    if (output["name"].text == "resized") {
      CHECK(array.dtype == QRT_DTYPE_INT8);
      CHECK(array.shape == std::vector<int64_t>{1, OH, OW, K});
      CHECK(array.data == std::vector<uint8_t>(resized_expected.begin(), resized_expected.end()));
    } else {
      CHECK(output["name"].text == "classes");
      CHECK(array.dtype == QRT_DTYPE_INT32);
      CHECK(array.shape == std::vector<int64_t>{1, OH, OW});
      CHECK(array.data == bytes_of(classes_expected));
    }
  }
}

// The MLPerf Tiny models through the tools: qrun's output files equal what
// the C API gives for the importer's .qfb on the same input.
TEST_CASE("MLPerf Tiny models: qconvert + qrun --output-dir equal the C API run") {
  const std::string dir = data_dir() + "/tflite/mlperf_tiny";
  for (const char* name : {"vww_96_int8", "kws_ref_model", "pretrainedResnet_quant", "ad01_int8"}) {
    INFO(name);
    const std::string tflite = dir + "/" + name + ".tflite";
    if (!file_exists(tflite)) {
      WARN("skipped: " << tflite << " is not available");
      continue;
    }
    const std::string tag = std::string("mlperf_") + name;
    const std::string qfb_path = work_path(tag + ".qfb");
    qconvert(tflite, qfb_path, tag);
    const std::vector<uint8_t> qfb = read_bytes(qfb_path);
    const std::vector<uint8_t> model = read_bytes(tflite);
    CHECK(qfb == import_tflite(model.data(), model.size(), ImportOptions{}));

    // The kws sample input where there is one, else a fixed pattern.
    qrt_model* m = nullptr;
    REQUIRE(qrt_model_load_buffer(qfb.data(), qfb.size(), &m) == QRT_OK);
    qrt_interpreter* interp = nullptr;
    REQUIRE(qrt_interpreter_create(m, nullptr, &interp) == QRT_OK);
    REQUIRE(qrt_interpreter_prepare(interp) == QRT_OK);
    qrt_tensor_info info;
    REQUIRE(qrt_interpreter_get_input_info(interp, 0, &info) == QRT_OK);
    const size_t input_bytes = info.byte_size;
    qrt_interpreter_destroy(interp);
    qrt_model_destroy(m);
    std::vector<uint8_t> input(input_bytes);
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>((i * 37 + 11) % 251);
    if (std::string(name) == "kws_ref_model" && file_exists(dir + "/kws_input0_int8_49x10.bin")) {
      input = read_bytes(dir + "/kws_input0_int8_49x10.bin");
      REQUIRE(input.size() == input_bytes);
    }
    const std::string input_path = work_path(tag + "_input.bin");
    const std::string out_dir = work_path(tag + "_outputs");
    write_bytes(input_path, input);
    const Json result = qrun_json({qfb_path, "--input", input_path, "--output-dir", out_dir}, tag);
    const auto expected = run_qfb(qfb, {input});
    REQUIRE(result["outputs"].items.size() == expected.size());
    for (size_t k = 0; k < expected.size(); ++k) {
      tools::NpyArray array;
      std::string error;
      REQUIRE(tools::read_npy(result["outputs"][k]["file"].text, &array, &error));
      CHECK(array.data == expected[k]);
    }
  }
}

// qconvert --pack on a real model: qrun reads the packed weights from the
// file on this CPU's best ISA (--info --json says so) and writes the plain
// file's output bytes with every ISA forced, packed or repacked.
TEST_CASE("qconvert --pack: qrun uses the file's packing and prints the plain file's bytes on every ISA") {
  const std::string coral = data_dir() + "/tflite/coral";
  const std::string tflite = coral + "/mobilenet_v1_0.25_128_quant.tflite";
  if (!file_exists(tflite) || !file_exists(coral + "/cat.bmp")) {
    WARN("skipped: " << tflite << " or cat.bmp is not available");
    return;
  }
  const std::string plain = work_path("pack_plain.qfb");
  const std::string packed = work_path("pack_best.qfb");
  qconvert(tflite, plain, "pack_plain");
  const CommandResult r = run_command({QRT_QCONVERT_PATH, plain, "--pack", "best", "-o", packed}, "pack_best.qconvert");
  INFO("qconvert --pack stderr: " << r.err);
  REQUIRE(r.exit_code == 0);

  const char* saved = std::getenv("QRT_ISA");
  const std::string saved_isa = saved ? saved : "";
  std::vector<uint8_t> expected;
  for (const char* isa : {"", "reference", "avx512vnni", "avxvnni", "avx2", "sse41", "neon", "neondot", "i8mm"}) {
    std::string unavailable;
    if (*isa != '\0' && find_kernel_table(isa, &unavailable) == nullptr) continue;
    ::setenv("QRT_ISA", isa, 1);
    std::vector<uint8_t> outputs[2];
    for (int k = 0; k < 2; ++k) {
      const std::string tag = std::string("pack_") + (k ? "packed_" : "plain_") + (*isa ? isa : "best");
      const Json result = qrun_json({k ? packed : plain, "--image", coral + "/cat.bmp", "--info", "--output-dir",
                                     work_path(tag + "_outputs")},
                                    tag);
      tools::NpyArray array;
      std::string error;
      REQUIRE(tools::read_npy(result["outputs"][0]["file"].text, &array, &error));
      outputs[k] = array.data;
      if (k == 1 && *isa == '\0') {  // the best ISA: the file's packing, all of it
        CHECK(result["packed_weight_bytes_from_file"].number == result["packed_weight_bytes"].number);
      }
      if (std::string(isa) == "reference") CHECK(result["packed_weight_bytes"].number == 0);
    }
    INFO("QRT_ISA=" << isa);
    CHECK(outputs[0] == outputs[1]);
    if (expected.empty()) expected = outputs[0];
    CHECK(outputs[0] == expected);
  }
  if (saved) {
    ::setenv("QRT_ISA", saved_isa.c_str(), 1);
  } else {
    ::unsetenv("QRT_ISA");
  }
}

}  // namespace
}  // namespace qrt::test
