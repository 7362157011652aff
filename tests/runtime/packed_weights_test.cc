// Packed weights (runtime/packed_weights.h, qconvert --pack):
//  - interpreters of one model share one packed block per op and kernel
//    format, and report its bytes; another ISA packs its own;
//  - a file with packed weights gives the bytes of the plain file on every
//    ISA this CPU has, uses them in place when its kernel matches (no bytes
//    allocated) and repacks when it does not;
//  - a damaged or stale packing (blob, scale, bias, size) fails prepare with
//    a message, malformed entries fail the load.
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/packing/pack_weights.h"
#include "converter/qfb_writer.h"
#include "kernels/kernel_table.h"
#include "qrt/qrt.h"
#include "test_models.h"

using namespace qrt;

namespace {

// input [1,7,6,5] -> CONV_2D 3x3 SAME 5->24 per-channel, ReLU (IGEMM)
//   -> CONV_2D 1x1 24->40 per-tensor weights (zero point 3) (GEMM)
//   -> DEPTHWISE_CONV_2D 3x3 SAME 40 channels per-channel (dwconv 3x3)
//   -> RESHAPE [42, 40] -> FULLY_CONNECTED 40->17 (GEMM) -> output [42,17].
std::vector<uint8_t> packing_model(fb::RequantRule rule) {
  std::mt19937 rng(11);
  QfbWriter w;
  const int in = w.add_tensor("input", fb::DType::INT8, {1, 7, 6, 5}, {0.03f}, {-4});
  auto per_channel = [](int n, float base) {
    std::vector<float> s(n);
    for (int c = 0; c < n; ++c) s[c] = base * static_cast<float>(c % 7 + 1);
    return s;
  };
  auto conv = [&](int input, int in_c, int out_c, int kernel, bool pc, int32_t zp, float out_scale, int32_t out_zp,
                  fb::Activation act, const std::string& name) {
    const std::vector<float> scales = pc ? per_channel(out_c, 0.002f) : std::vector<float>{0.004f};
    const int weights = w.add_constant(name + "/w", fb::DType::INT8, {out_c, kernel, kernel, in_c},
                                       test::random_int8_bytes(size_t(out_c) * kernel * kernel * in_c, rng),
                                       scales, std::vector<int32_t>(scales.size(), zp), pc ? 0 : -1);
    const int bias = w.add_constant(name + "/b", fb::DType::INT32, {out_c}, to_bytes(test::random_bias(out_c, rng)));
    const int out = w.add_tensor(name, fb::DType::INT8, {1, 7, 6, out_c}, {out_scale}, {out_zp});
    fb::Conv2DOptionsT o;
    o.padding = fb::Padding::SAME;
    o.stride_h = o.stride_w = 1;
    o.activation = act;
    fb::OpOptionsUnion options;
    options.Set(o);
    w.add_op(fb::OpType::CONV_2D, {input, weights, bias}, {out}, std::move(options), rule, name);
    return out;
  };
  const int c1 = conv(in, 5, 24, 3, true, 0, 0.05f, -128, fb::Activation::RELU, "conv3x3");
  const int c2 = conv(c1, 24, 40, 1, false, 3, 0.07f, 2, fb::Activation::NONE, "pw");
  const int dw_w = w.add_constant("dw/w", fb::DType::INT8, {1, 3, 3, 40}, test::random_int8_bytes(9 * 40, rng),
                                  per_channel(40, 0.003f), std::vector<int32_t>(40, 0), 3);
  const int dw_b = w.add_constant("dw/b", fb::DType::INT32, {40}, to_bytes(test::random_bias(40, rng)));
  const int dw = w.add_tensor("dw", fb::DType::INT8, {1, 7, 6, 40}, {0.06f}, {-5});
  fb::DepthwiseConv2DOptionsT d;
  d.padding = fb::Padding::SAME;
  d.stride_h = d.stride_w = 1;
  d.depth_multiplier = 1;
  fb::OpOptionsUnion d_options;
  d_options.Set(d);
  w.add_op(fb::OpType::DEPTHWISE_CONV_2D, {c2, dw_w, dw_b}, {dw}, std::move(d_options), rule, "dw");
  const int flat = w.add_tensor("flat", fb::DType::INT8, {42, 40}, {0.06f}, {-5});
  w.add_op(fb::OpType::RESHAPE, {dw}, {flat}, {}, rule, "flatten");
  const int fc_w = w.add_constant("fc/w", fb::DType::INT8, {17, 40}, test::random_int8_bytes(17 * 40, rng),
                                  per_channel(17, 0.004f), std::vector<int32_t>(17, 0), 0);
  const int fc_b = w.add_constant("fc/b", fb::DType::INT32, {17}, to_bytes(test::random_bias(17, rng)));
  const int out = w.add_tensor("logits", fb::DType::INT8, {42, 17}, {0.1f}, {3});
  fb::FullyConnectedOptionsT f;
  fb::OpOptionsUnion f_options;
  f_options.Set(f);
  w.add_op(fb::OpType::FULLY_CONNECTED, {flat, fc_w, fc_b}, {out}, std::move(f_options), rule, "fc");
  w.add_input(in);
  w.add_output(out);
  return w.serialize();
}

// The ISAs of this build and CPU whose tables pack all three kernel families
// of packing_model (GEMM, IGEMM, depthwise), so that ops 0, 1, 2 and 4 all
// have packed weights.
std::vector<std::string> packing_isas() {
  std::vector<std::string> isas;
  for (const char* name : {"avx512vnni", "avxvnni", "avx2", "sse41", "i8mm", "neondot", "neon"}) {
    std::string error;
    const KernelTable* table = find_kernel_table(name, &error);
    if (table != nullptr && table->gemm.run != nullptr && table->conv.run != nullptr &&
        table->dwconv.run != nullptr) {
      isas.push_back(name);
    }
  }
  return isas;
}

std::vector<int8_t> test_input(size_t size) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(size);
  for (int8_t& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

// One prepared interpreter on a C API model, forced to `isa`.
struct Runner {
  qrt_options* options = nullptr;
  qrt_interpreter* interpreter = nullptr;
  qrt_status prepared = QRT_RUNTIME_ERROR;
  Runner(qrt_model* model, const std::string& isa) {
    REQUIRE(qrt_options_create(&options) == QRT_OK);
    REQUIRE(qrt_options_set_isa(options, isa.c_str()) == QRT_OK);
    REQUIRE(qrt_interpreter_create(model, options, &interpreter) == QRT_OK);
    prepared = qrt_interpreter_prepare(interpreter);
  }
  ~Runner() {
    qrt_interpreter_destroy(interpreter);
    qrt_options_destroy(options);
  }
  std::vector<int8_t> run() {
    REQUIRE(prepared == QRT_OK);
    qrt_tensor_info in, out;
    REQUIRE(qrt_interpreter_get_input_info(interpreter, 0, &in) == QRT_OK);
    REQUIRE(qrt_interpreter_get_output_info(interpreter, 0, &out) == QRT_OK);
    const std::vector<int8_t> input = test_input(in.byte_size);
    std::vector<int8_t> output(out.byte_size);
    REQUIRE(qrt_interpreter_set_input(interpreter, 0, input.data(), input.size()) == QRT_OK);
    REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
    REQUIRE(qrt_interpreter_get_output(interpreter, 0, output.data(), output.size()) == QRT_OK);
    return output;
  }
  std::pair<size_t, size_t> packed_bytes() const {
    size_t bytes = 0, from_file = 0;
    REQUIRE(qrt_interpreter_get_packed_weight_size(interpreter, &bytes, &from_file) == QRT_OK);
    return {bytes, from_file};
  }
  const void* op_packed_data(size_t op) const {
    qrt_packed_weights w;
    REQUIRE(qrt_interpreter_get_op_packed_weights(interpreter, op, &w) == QRT_OK);
    return w.data;
  }
};

std::pair<size_t, size_t> model_packed_bytes(const qrt_model* model) {
  size_t allocated = 0, in_place = 0;
  REQUIRE(qrt_model_get_packed_weight_size(model, &allocated, &in_place) == QRT_OK);
  return {allocated, in_place};
}

struct ModelHandle {
  qrt_model* model = nullptr;
  explicit ModelHandle(const std::vector<uint8_t>& bytes) {
    REQUIRE(qrt_model_load_buffer(bytes.data(), bytes.size(), &model) == QRT_OK);
  }
  ~ModelHandle() { qrt_model_destroy(model); }
};

// The offset of the packed blob stored for op `op` (the first one listed).
size_t packed_blob_offset(const std::vector<uint8_t>& file, uint32_t op) {
  const fb::Model& root = *fb::GetModel(file.data());
  for (const fb::PackedWeights* p : *root.packed_weights()) {
    if (p->op() == op) return static_cast<size_t>(root.buffers()->Get(p->buffer())->offset());
  }
  FAIL("no packing for op " << op);
  return 0;
}

}  // namespace

TEST_CASE("packed weights: interpreters of one model share one packing per kernel format", "[packing]") {
  const std::vector<std::string> isas = packing_isas();
  if (isas.empty()) {
    WARN("skipped: this build and CPU have no ISA with packed GEMM, IGEMM and depthwise kernels");
    return;
  }
  ModelHandle m(packing_model(fb::RequantRule::FP32));
  REQUIRE(model_packed_bytes(m.model).first == 0);  // nothing is packed before a prepare

  Runner reference(m.model, "reference");
  REQUIRE(reference.packed_bytes().first == 0);  // the reference kernels pack nothing
  const std::vector<int8_t> expected = reference.run();

  Runner a(m.model, isas[0]);
  REQUIRE(a.prepared == QRT_OK);
  const size_t bytes = a.packed_bytes().first;
  CHECK(bytes > 0);
  CHECK(a.packed_bytes().second == 0);
  CHECK(model_packed_bytes(m.model).first == bytes);

  Runner b(m.model, isas[0]);
  REQUIRE(b.prepared == QRT_OK);
  CHECK(b.packed_bytes().first == bytes);
  CHECK(model_packed_bytes(m.model).first == bytes);  // b packed nothing new
  for (size_t op : {0, 1, 2, 4}) CHECK(a.op_packed_data(op) == b.op_packed_data(op));
  CHECK(a.run() == expected);
  CHECK(b.run() == expected);

  // An op without packed weights says so.
  qrt_packed_weights none;
  CHECK(qrt_interpreter_get_op_packed_weights(a.interpreter, 3, &none) == QRT_INVALID_ARGUMENT);

  if (isas.size() > 1) {  // another kernel format packs its own copy; a shared format does not
    Runner c(m.model, isas[1]);
    REQUIRE(c.prepared == QRT_OK);
    size_t new_bytes = 0;
    for (size_t op : {0, 1, 2, 4}) {
      qrt_packed_weights wa, wc;
      REQUIRE(qrt_interpreter_get_op_packed_weights(a.interpreter, op, &wa) == QRT_OK);
      REQUIRE(qrt_interpreter_get_op_packed_weights(c.interpreter, op, &wc) == QRT_OK);
      CHECK((wa.data == wc.data) == (std::string(wa.format) == wc.format));
      if (wa.data != wc.data) new_bytes += wc.size;
    }
    CHECK(new_bytes > 0);  // the GEMM layouts of two ISAs differ
    CHECK(model_packed_bytes(m.model).first == bytes + new_bytes);
    CHECK(c.run() == expected);
  }
}

TEST_CASE("packed weights: a packed file gives the plain file's bytes on every ISA and is used in place",
          "[packing]") {
  const std::vector<std::string> isas = packing_isas();
  if (isas.empty()) {
    WARN("skipped: this build and CPU have no ISA with packed GEMM, IGEMM and depthwise kernels");
    return;
  }
  for (fb::RequantRule rule : {fb::RequantRule::FP32, fb::RequantRule::FIXEDPOINT}) {
    const std::vector<uint8_t> plain = packing_model(rule);
    ModelHandle plain_model(plain);
    const std::vector<int8_t> expected = Runner(plain_model.model, "reference").run();

    // Packed for the best ISA only: the others must repack.
    std::vector<uint8_t> packed;
    std::string error;
    WeightPackingSummary summary;
    REQUIRE(pack_qfb_weights(plain, {isas[0]}, &packed, &error, &summary));
    CHECK(summary.packings == 4);
    ModelHandle packed_model(packed);
    std::set<std::string> file_formats;  // "op format"
    for (const fb::PackedWeights* p : *fb::GetModel(packed.data())->packed_weights()) {
      file_formats.insert(std::to_string(p->op()) + " " + p->format()->str());
    }
    for (const std::string& isa : isas) {
      Runner plain_run(plain_model.model, isa);
      Runner packed_run(packed_model.model, isa);
      INFO("isa " << isa << ", rule " << fb::EnumNameRequantRule(rule));
      REQUIRE(packed_run.prepared == QRT_OK);
      CHECK(packed_run.run() == expected);
      CHECK(plain_run.run() == expected);
      CHECK(packed_run.packed_bytes().first == plain_run.packed_bytes().first);
      // From the file exactly for the ops whose kernel packs in a format the
      // file has (all of them for the packed ISA; another ISA may share a
      // layout, e.g. a depthwise channel tile), packed at prepare otherwise.
      size_t expected_from_file = 0;
      for (size_t op : {0, 1, 2, 4}) {
        qrt_packed_weights w;
        REQUIRE(qrt_interpreter_get_op_packed_weights(packed_run.interpreter, op, &w) == QRT_OK);
        if (file_formats.count(std::to_string(op) + " " + w.format)) expected_from_file += w.size;
        CHECK(w.from_file == (file_formats.count(std::to_string(op) + " " + w.format) ? 1 : 0));
      }
      CHECK(packed_run.packed_bytes().second == expected_from_file);
      if (isa == isas[0]) CHECK(expected_from_file == packed_run.packed_bytes().first);
    }
    Runner reference(packed_model.model, "reference");
    CHECK(reference.run() == expected);
    // The packed ISA allocated nothing: its blobs are read in place.
    Runner best(packed_model.model, isas[0]);
    const size_t in_place = model_packed_bytes(packed_model.model).second;
    CHECK(in_place == best.packed_bytes().first);
    CHECK(summary.bytes == in_place);
  }
}

TEST_CASE("packed weights: a caller buffer that is not 64-byte aligned gets an aligned copy", "[packing]") {
  const std::vector<std::string> isas = packing_isas();
  if (isas.empty()) {
    WARN("skipped: this build and CPU have no ISA with packed GEMM, IGEMM and depthwise kernels");
    return;
  }
  std::vector<uint8_t> packed;
  std::string error;
  REQUIRE(pack_qfb_weights(packing_model(fb::RequantRule::FP32), {isas[0]}, &packed, &error));
  // 8-byte aligned (the loader needs that) but not 64-byte aligned.
  std::vector<uint64_t> storage(packed.size() / 8 + 16);
  uint8_t* base = reinterpret_cast<uint8_t*>(storage.data());
  while (reinterpret_cast<uintptr_t>(base) % 64 != 8) base += 8;
  std::memcpy(base, packed.data(), packed.size());
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer_borrowed(base, packed.size(), &model) == QRT_OK);
  {
    Runner run(model, isas[0]);
    REQUIRE(run.prepared == QRT_OK);
    CHECK(run.packed_bytes().second == run.packed_bytes().first);  // still the file's packing
    CHECK(model_packed_bytes(model).first == run.packed_bytes().first);  // copied
    CHECK(model_packed_bytes(model).second == 0);
    ModelHandle plain(packing_model(fb::RequantRule::FP32));
    CHECK(run.run() == Runner(plain.model, "reference").run());
  }
  qrt_model_destroy(model);
}

TEST_CASE("packed weights: damaged packings fail prepare with a message, other ISAs still run", "[packing]") {
  const std::vector<std::string> isas = packing_isas();
  if (isas.empty()) {
    WARN("skipped: this build and CPU have no ISA with packed GEMM, IGEMM and depthwise kernels");
    return;
  }
  const std::vector<uint8_t> plain = packing_model(fb::RequantRule::FIXEDPOINT);
  std::vector<uint8_t> packed;
  std::string error;
  REQUIRE(pack_qfb_weights(plain, {isas[0]}, &packed, &error));

  auto expect_refused = [&](const std::vector<uint8_t>& file, const std::string& fragment) {
    ModelHandle m(file);  // the structure is fine: the load succeeds
    Runner run(m.model, isas[0]);
    CHECK(run.prepared == QRT_INVALID_MODEL);
    const std::string message = qrt_last_error();
    INFO(message);
    CHECK(message.find(fragment) != std::string::npos);
    CHECK(Runner(m.model, "reference").prepared == QRT_OK);  // no packed kernels: the file still runs
  };
  SECTION("one byte of a packed blob (the folded bias of the IGEMM op)") {
    std::vector<uint8_t> bad = packed;
    bad[packed_blob_offset(bad, 0)] ^= 0x01;
    expect_refused(bad, "fail their checksum");
  }
  SECTION("the output scale of an op, the packing left stale (its requantization values changed)") {
    std::vector<uint8_t> bad = packed;
    const fb::Model& root = *fb::GetModel(bad.data());
    const int output = root.graph()->operators()->Get(4)->outputs()->Get(0);  // logits
    const auto* scales = root.graph()->tensors()->Get(output)->quantization()->scale();
    const float changed = scales->Get(0) * 1.25f;
    std::memcpy(bad.data() + (reinterpret_cast<const uint8_t*>(scales->Data()) - bad.data()), &changed,
                sizeof(changed));
    expect_refused(bad, "fail their checksum");
  }
  SECTION("one bias value, the packing left stale") {
    std::vector<uint8_t> bad = packed;
    const fb::Model& root = *fb::GetModel(bad.data());
    const int bias = root.graph()->operators()->Get(2)->inputs()->Get(2);  // dw/b
    const int buffer = root.graph()->tensors()->Get(bias)->buffer();
    bad[static_cast<size_t>(root.buffers()->Get(buffer)->offset()) + 1] ^= 0x01;
    expect_refused(bad, "fail their checksum");
  }
  SECTION("a blob of the wrong size") {
    QfbWriter w = QfbWriter::from_qfb(packed.data(), packed.size());
    qrt_model* model = nullptr;
    REQUIRE(qrt_model_load_buffer(plain.data(), plain.size(), &model) == QRT_OK);
    {
      Runner run(model, isas[0]);
      qrt_packed_weights p;
      REQUIRE(qrt_interpreter_get_op_packed_weights(run.interpreter, 4, &p) == QRT_OK);
      const uint8_t* bytes = static_cast<const uint8_t*>(p.data);
      w.add_packed_weights(4, p.format, isas[0], p.checksum, std::vector<uint8_t>(bytes, bytes + p.size - 64));
    }
    qrt_model_destroy(model);
    expect_refused(w.serialize(), "where the kernel expects");
  }
  if (isas.size() > 1) {  // a damaged packing for another ISA is never read
    std::vector<uint8_t> bad = packed;
    bad[packed_blob_offset(bad, 0)] ^= 0x01;
    ModelHandle m(bad);
    Runner other(m.model, isas[1]);
    CHECK(other.prepared == QRT_OK);
  }
}

TEST_CASE("packed weights: malformed packed_weights entries fail the load", "[packing]") {
  const std::vector<uint8_t> plain = packing_model(fb::RequantRule::FP32);
  auto load_with = [&](uint32_t op, const std::string& format, std::vector<uint8_t> bytes) {
    QfbWriter w = QfbWriter::from_qfb(plain.data(), plain.size());
    w.add_packed_weights(op, format, "avx2", 0, std::move(bytes));
    const std::vector<uint8_t> file = w.serialize();
    qrt_model* model = nullptr;
    const qrt_status status = qrt_model_load_buffer(file.data(), file.size(), &model);
    qrt_model_destroy(model);
    return std::make_pair(status, std::string(qrt_last_error()));
  };
  auto [status, message] = load_with(9, "qs8_gemm_v1 nr16 kr2 offset0 w16", std::vector<uint8_t>(64));
  CHECK(status == QRT_INVALID_MODEL);
  CHECK(message.find("op index 9 out of range") != std::string::npos);
  std::tie(status, message) = load_with(3, "qs8_gemm_v1 nr16 kr2 offset0 w16", std::vector<uint8_t>(64));  // RESHAPE
  CHECK(status == QRT_INVALID_MODEL);
  CHECK(message.find("has no packed weights") != std::string::npos);
  std::tie(status, message) = load_with(0, "", std::vector<uint8_t>(64));
  CHECK(status == QRT_INVALID_MODEL);
  CHECK(message.find("format") != std::string::npos);
  std::tie(status, message) = load_with(0, "qs8_gemm_v1 nr16 kr2 offset0 w16", {});
  CHECK(status == QRT_INVALID_MODEL);
  CHECK(message.find("is empty") != std::string::npos);
}

namespace {

// input [1,9,10,3] -> CONV_2D 3x3 stride 2 SAME 3->32 (the first layer of an
// image network: the small-channel kernel where the table has one), weights
// per channel, or per tensor with zero point 3 (values within zp +- 100, so
// they fit that kernel's packing).
std::vector<uint8_t> first_layer_model(fb::RequantRule rule, bool per_channel) {
  std::mt19937 rng(12);
  QfbWriter w;
  const int in = w.add_tensor("input", fb::DType::INT8, {1, 9, 10, 3}, {0.03f}, {-4});
  std::vector<float> scales(per_channel ? 32 : 1);
  for (size_t c = 0; c < scales.size(); ++c) scales[c] = 0.002f * static_cast<float>(c % 5 + 1);
  std::vector<uint8_t> weight_bytes(32 * 3 * 3 * 3);
  std::uniform_int_distribution<int> dist(-97, 103);
  for (uint8_t& b : weight_bytes) b = static_cast<uint8_t>(static_cast<int8_t>(dist(rng)));
  const int weights = w.add_constant("conv/w", fb::DType::INT8, {32, 3, 3, 3}, weight_bytes, scales,
                                     std::vector<int32_t>(scales.size(), per_channel ? 0 : 3), per_channel ? 0 : -1);
  const int bias = w.add_constant("conv/b", fb::DType::INT32, {32}, to_bytes(test::random_bias(32, rng)));
  const int out = w.add_tensor("conv", fb::DType::INT8, {1, 5, 5, 32}, {0.05f}, {-7});
  fb::Conv2DOptionsT o;
  o.padding = fb::Padding::SAME;
  o.stride_h = o.stride_w = 2;
  o.activation = fb::Activation::RELU6;
  fb::OpOptionsUnion options;
  options.Set(o);
  w.add_op(fb::OpType::CONV_2D, {in, weights, bias}, {out}, std::move(options), rule, "conv");
  w.add_input(in);
  w.add_output(out);
  return w.serialize();
}

}  // namespace

TEST_CASE("packed weights: a first layer (3 input channels) packed for its kernel runs from the file", "[packing]") {
  const std::vector<std::string> isas = packing_isas();
  if (isas.empty()) {
    WARN("skipped: this build and CPU have no ISA with packed GEMM, IGEMM and depthwise kernels");
    return;
  }
  for (fb::RequantRule rule : {fb::RequantRule::FP32, fb::RequantRule::FIXEDPOINT}) {
    for (bool per_channel : {true, false}) {
      INFO("rule " << fb::EnumNameRequantRule(rule) << (per_channel ? ", per channel" : ", per tensor"));
      const std::vector<uint8_t> plain = first_layer_model(rule, per_channel);
      ModelHandle plain_model(plain);
      const std::vector<int8_t> expected = Runner(plain_model.model, "reference").run();
      for (const std::string& isa : isas) {
        INFO("isa " << isa);
        std::vector<uint8_t> packed;
        std::string error;
        REQUIRE(pack_qfb_weights(plain, {isa}, &packed, &error));
        ModelHandle packed_model(packed);
        Runner run(packed_model.model, isa);
        REQUIRE(run.prepared == QRT_OK);
        CHECK(run.run() == expected);
        CHECK(Runner(plain_model.model, isa).run() == expected);
        qrt_packed_weights w;
        REQUIRE(qrt_interpreter_get_op_packed_weights(run.interpreter, 0, &w) == QRT_OK);
        CHECK(w.from_file == 1);
        std::string error_table;
        const KernelTable* table = find_kernel_table(isa.c_str(), &error_table);
        REQUIRE(table != nullptr);
        const bool smallcin = table->conv_smallcin.run != nullptr;
        CHECK((std::string(w.format).rfind("qs8_conv_smallcin_", 0) == 0) == smallcin);
      }
    }
  }
}
