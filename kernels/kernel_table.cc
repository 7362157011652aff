#include "kernels/kernel_table.h"

#include <cpuinfo.h>
#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

#include <cstdlib>
#include <cstring>

#include "kernels/transpose_x8.h"

#if defined(QRT_HAVE_SSE41_KERNELS) || defined(QRT_HAVE_AVX2_KERNELS) || defined(QRT_HAVE_AVX512VNNI_KERNELS)
#include "kernels/x86/gemm_s8.h"
#include "kernels/x86/dynamic_fully_connected_f32s8.h"
#endif
#if defined(QRT_HAVE_AVX2_KERNELS) || defined(QRT_HAVE_AVX512VNNI_KERNELS)
#include "kernels/x86/conv_smallcin_s8.h"
#endif
#ifdef QRT_HAVE_AVX2_KERNELS
#include "kernels/x86/avx2/fully_connected_f32w4.h"
#endif
#if defined(QRT_HAVE_AVX2_KERNELS) || defined(QRT_HAVE_AVX512VNNI_KERNELS)
#include "kernels/x86/elementwise_s8.h"
#include "kernels/x86/layer_norm_s8.h"
#include "kernels/x86/softmax_s8.h"
#endif
#if defined(QRT_HAVE_SSE41_KERNELS) || defined(QRT_HAVE_AVX2_KERNELS) || defined(QRT_HAVE_AVX512VNNI_KERNELS)
#include "kernels/x86/binary_s8.h"
#include "kernels/x86/dwconv_s8.h"
#endif
#ifdef QRT_HAVE_FMA3_KERNELS
#include "kernels/x86/float_f32.h"
#endif
#if defined(QRT_HAVE_ARM_NEON_KERNELS) || defined(QRT_HAVE_ARM_NEONDOT_KERNELS) || defined(QRT_HAVE_ARM_I8MM_KERNELS)
#include "kernels/arm/binary_s8.h"
#include "kernels/arm/dwconv_s8.h"
#include "kernels/arm/dynamic_fully_connected_f32s8.h"
#include "kernels/arm/float_f32.h"
#include "kernels/arm/fully_connected_f32w4.h"
#include "kernels/arm/gemm_s8.h"
#include "kernels/arm/isa_detection.h"
#include "kernels/arm/lut_s8.h"
#include "kernels/arm/pool2d_s8.h"
#include "kernels/arm/quantize_s8.h"
#include "kernels/arm/softmax_s8.h"
#endif

namespace qrt {
namespace {

KernelTable make_reference_table() {
  KernelTable t;
  t.isa = "reference";
  t.conv2d = {"conv2d_s8_reference", reference::conv2d_s8};
  t.depthwise_conv2d = {"depthwise_conv2d_s8_reference", reference::depthwise_conv2d_s8};
  t.fully_connected = {"fully_connected_s8_reference", reference::fully_connected_s8};
  t.add = {"add_s8_reference", reference::add_s8};
  t.sub = {"sub_s8_reference", reference::sub_s8};
  t.mul = {"mul_s8_reference", reference::mul_s8};
  t.average_pool2d = {"average_pool2d_s8_reference", reference::average_pool2d_s8};
  t.max_pool2d = {"max_pool2d_s8_reference", reference::max_pool2d_s8};
  t.mean = {"mean_s8_reference", reference::mean_s8};
  t.softmax = {"softmax_s8_reference", reference::softmax_s8};
  t.concatenation = {"concatenation_s8_reference", reference::concatenation_s8};
  t.lut = {"lut_s8_reference", reference::lut_s8};
  t.quantize = {"quantize_f32_s8_reference", reference::quantize_f32_to_s8};
  t.dequantize = {"dequantize_s8_f32_reference", reference::dequantize_s8_to_f32};
  t.transpose = {"transpose_s8_reference", reference::transpose_s8};
  t.pad = {"pad_s8_reference", reference::pad_s8};
  t.split = {"split_s8_reference", reference::split_s8};
  t.strided_slice = {"strided_slice_s8_reference", reference::strided_slice_s8};
  t.resize_bilinear = {"resize_bilinear_s8_reference", reference::resize_bilinear_s8};
  t.resize_nearest_neighbor = {"resize_nearest_neighbor_s8_reference", reference::resize_nearest_neighbor_s8};
  t.arg_max = {"arg_max_s8_reference", reference::arg_max_s8};
  t.fully_connected_f32w4 = {"fully_connected_f32w4_reference", reference::fully_connected_f32w4};
  t.batch_matmul = {"batch_matmul_s8_reference", reference::batch_matmul_s8};
  t.layer_norm = {"layer_norm_s8_reference", reference::layer_norm_s8};
  t.gather = {"gather_x8_reference", reference::gather_x8};
  return t;
}

// One ISA: whether this CPU runs it, and the slots it overrides in a copy of
// the reference table (every other slot keeps its reference kernel).
struct Isa {
  const char* name;
  bool (*available)();
  void (*fill)(KernelTable* table);
};

#ifdef QRT_HAVE_FMA3_KERNELS
// The float32 path's kernels, in every table from AVX2 up; checked here
// because a CPU could report AVX2 without FMA3 (none is known to).
void fill_f32_fma3(KernelTable* t) {
  if (!cpuinfo_has_x86_avx() || !cpuinfo_has_x86_fma3()) return;
  t->gemm_f32 = {"f32_gemm_minmax_4x16__fma3", x86::kF32GemmMrFma3, x86::kF32GemmNrFma3,
                 x86::f32_gemm_minmax_4x16__fma3};
  t->dwconv_f32 = {"f32_dwconv_minmax_8c__fma3", x86::f32_dwconv_minmax_8c__fma3};
  t->vbinary_f32 = {"f32_vbinary_minmax__avx", x86::f32_vbinary_minmax__avx};
  t->vunary_f32 = {"f32_vunary__avx", x86::f32_vunary__avx};
}
#endif
#ifdef QRT_HAVE_AVX2_KERNELS
// The memory-bound AVX2 kernels (the avx512vnni table replaces all but the
// f32w4 GEMM and LAYER_NORM with its own).
void fill_avx2_elementwise(KernelTable* t) {
#ifdef QRT_HAVE_FMA3_KERNELS
  fill_f32_fma3(t);
#endif
  t->lut = {"lut_s8__avx2", x86::lut_s8__avx2};
  t->quantize = {"quantize_f32_s8__avx2", x86::quantize_f32_s8__avx2};
  t->dequantize = {"dequantize_s8_f32__avx2", x86::dequantize_s8_f32__avx2};
  t->max_pool2d = {"max_pool2d_s8__avx2", x86::max_pool2d_s8__avx2};
  t->average_pool2d = {"average_pool2d_s8__avx2", x86::average_pool2d_s8__avx2};
  t->fully_connected_f32w4 = {"f32w4_gemm_minmax_4x8__avx2", x86::f32w4_gemm_minmax_4x8__avx2};
  t->layer_norm = {"layer_norm_s8__avx2", x86::layer_norm_s8__avx2};
  t->softmax = {"softmax_s8__avx2", x86::softmax_s8__avx2};
}
#endif
#ifdef QRT_HAVE_AVX512VNNI_KERNELS
bool has_avx512vnni() {
  return cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() && cpuinfo_has_x86_avx512vl() &&
         cpuinfo_has_x86_avx512dq() && cpuinfo_has_x86_avx512vnni();
}
void fill_avx512vnni(KernelTable* t) {
  t->gemm = {"qs8_gemm_minmax_8x32c4__avx512vnni", x86::kQs8Gemm8x32c4Avx512vnni, gemm_pack,
             x86::qs8_gemm_minmax_8x32c4__avx512vnni};
  t->conv = {"qs8_igemm_minmax_8x32c4__avx512vnni", x86::kQs8Gemm8x32c4Avx512vnni, gemm_pack,
             x86::qs8_igemm_minmax_8x32c4__avx512vnni};
  t->conv_smallcin = {"qs8_conv_smallcin_minmax_8x32c4__avx512vnni", x86::kQs8ConvSmallCin8x32c4Avx512vnni,
                      x86::qs8_conv_smallcin_minmax_8x32c4__avx512vnni};
  t->dwconv = {"qs8_dwconv_minmax_32c__avx512vnni", x86::qs8_dwconv_minmax_32c__avx512vnni,
               "qs8_dwconv_3x3_minmax_32c__avx512vnni", x86::qs8_dwconv_3x3_minmax_32c__avx512vnni,
               x86::kQs8DwconvChannelTileAvx512, "qs8_dwconv_3x3_minmax_64c4__avx512vnni",
               x86::qs8_dwconv_3x3_minmax_64c4__avx512vnni};
  t->vadd = {"qs8_vadd_minmax__avx512vnni", x86::qs8_vadd_minmax__avx512vnni};
  t->vsub = {"qs8_vsub_minmax__avx512vnni", x86::qs8_vsub_minmax__avx512vnni};
  t->vmul = {"qs8_vmul_minmax__avx512vnni", x86::qs8_vmul_minmax__avx512vnni};
  t->dynamic_fully_connected = {"dynamic_fully_connected_f32s8_8x32c4__avx512vnni", x86::kQs8Gemm8x32c4Avx512vnni,
                                x86::dynamic_fully_connected_f32s8_8x32c4__avx512vnni};
#ifdef QRT_HAVE_AVX2_KERNELS  // every AVX-512 CPU has AVX2: the f32w4 GEMM
  fill_avx2_elementwise(t);
#endif
  t->lut = {"lut_s8__avx512vnni", x86::lut_s8__avx512vnni};
  t->quantize = {"quantize_f32_s8__avx512vnni", x86::quantize_f32_s8__avx512vnni};
  t->dequantize = {"dequantize_s8_f32__avx512vnni", x86::dequantize_s8_f32__avx512vnni};
  t->max_pool2d = {"max_pool2d_s8__avx512vnni", x86::max_pool2d_s8__avx512vnni};
  t->average_pool2d = {"average_pool2d_s8__avx512vnni", x86::average_pool2d_s8__avx512vnni};
  t->softmax = {"softmax_s8__avx512vnni", x86::softmax_s8__avx512vnni};
}
#endif
#ifdef QRT_HAVE_AVX2_KERNELS
bool has_avx2() { return cpuinfo_has_x86_avx2(); }
void fill_avx2(KernelTable* t) {
  fill_avx2_elementwise(t);
  t->gemm = {"qs8_gemm_minmax_6x16c2__avx2", x86::kQs8Gemm6x16c2Avx2, gemm_pack, x86::qs8_gemm_minmax_6x16c2__avx2};
  t->gemm_few_rows = {"qs8_gemm_minmax_6x16c2_w8__avx2", x86::kQs8Gemm6x16c2W8Avx2, gemm_pack,
                      x86::qs8_gemm_minmax_6x16c2_w8__avx2};
  // qrt_kernel_bench FULLY_CONNECTED 1280->1000 and 768->3072, fp32 rule,
  // 1 thread (2-vCPU AMD EPYC VM, quiet): M = 1 1.13-1.18x faster with int8
  // weights, M = 2 even, M >= 4 5-7% slower (the widening's shuffles).
  t->gemm_few_rows_max = 2;
  t->dynamic_fully_connected = {"dynamic_fully_connected_f32s8_4x16c2__avx2", x86::kQs8Gemm4x16c2Avx2,
                                x86::dynamic_fully_connected_f32s8_4x16c2__avx2};
  t->conv = {"qs8_igemm_minmax_6x16c2__avx2", x86::kQs8Gemm6x16c2Avx2, gemm_pack, x86::qs8_igemm_minmax_6x16c2__avx2};
  // Faster than the IGEMM on every shape measured (qrt_kernel_bench
  // conv_smallcin/*: 1.26x to 10.7x), so it takes all that fit.
  t->conv_smallcin = {"qs8_conv_smallcin_minmax_6x16c2__avx2", x86::kQs8ConvSmallCin6x16c2Avx2,
                      x86::qs8_conv_smallcin_minmax_6x16c2__avx2, ConvSmallCinScheme::kPairs};
  t->dwconv = {"qs8_dwconv_minmax_16c__avx2", x86::qs8_dwconv_minmax_16c__avx2, "qs8_dwconv_3x3_minmax_16c__avx2",
               x86::qs8_dwconv_3x3_minmax_16c__avx2, x86::kQs8DwconvChannelTileAvx2};
  t->vadd = {"qs8_vadd_minmax__avx2", x86::qs8_vadd_minmax__avx2};
  t->vsub = {"qs8_vsub_minmax__avx2", x86::qs8_vsub_minmax__avx2};
  t->vmul = {"qs8_vmul_minmax__avx2", x86::qs8_vmul_minmax__avx2};
}
#endif
#if defined(QRT_HAVE_AVXVNNI_KERNELS) && defined(QRT_HAVE_AVX2_KERNELS)
// AVX-VNNI: Debian's cpuinfo does not report it, so CPUID leaf 7 subleaf 1,
// EAX bit 4, read directly; the OS saving YMM state is what AVX2 already
// needs (cpuinfo checks XGETBV for it).
bool has_avxvnni() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!cpuinfo_has_x86_avx2() || __get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 1, eax, ebx, ecx, edx);
  return (eax >> 4) & 1;
}
// The AVX2 table with the VNNI GEMM, IGEMM and small-channel convolution
// (depthwise and the rest stay on AVX2: a 256-bit port of the vpdpbusd 3x3
// depthwise of the avx512vnni table measured slower than the AVX2 kernel,
// 212 vs 172-199 us CPU on the 144-channel 56x56 layer: 16 ymm registers do
// not hold its window).
// Where the AVX-VNNI small-channel kernel beats the table's vpdpbusd IGEMM
// (qrt_kernel_bench conv_smallcin/*, 56x56, 1 thread): on every shape with
// at most 64 output channels (1.04x to 8x), and with 128 while a filter row
// is short (KW x Cin = 12 or 14: 1.07x to 1.36x; 15: even; 20, 21: 0.79x to
// 0.84x): the IGEMM's gather is paid per pixel, its cheaper vpdpbusd tiles
// per channel.
bool avxvnni_smallcin_takes(const reference::Conv2DParams& p) {
  return p.output_channels <= 64 || p.kernel_width * p.input_channels < 15;
}
void fill_avxvnni(KernelTable* t) {
  fill_avx2(t);
  t->gemm = {"qs8_gemm_minmax_6x16c4__avxvnni", x86::kQs8Gemm6x16c4Avxvnni, gemm_pack,
             x86::qs8_gemm_minmax_6x16c4__avxvnni};
  t->gemm_few_rows = {};  // gemm's weights are int8 already
  t->gemm_few_rows_max = 0;
  t->conv = {"qs8_igemm_minmax_6x16c4__avxvnni", x86::kQs8Gemm6x16c4Avxvnni, gemm_pack,
             x86::qs8_igemm_minmax_6x16c4__avxvnni};
  t->conv_smallcin = {"qs8_conv_smallcin_minmax_6x16c2__avxvnni", x86::kQs8ConvSmallCin6x16c2Avx2,
                      x86::qs8_conv_smallcin_minmax_6x16c2__avxvnni, ConvSmallCinScheme::kPairs,
                      avxvnni_smallcin_takes};
}
#endif
#ifdef QRT_HAVE_SSE41_KERNELS
bool has_sse41() { return cpuinfo_has_x86_sse4_1(); }
void fill_sse41(KernelTable* t) {
  t->gemm = {"qs8_gemm_minmax_4x8c2__sse41", x86::kQs8Gemm4x8c2Sse41, gemm_pack, x86::qs8_gemm_minmax_4x8c2__sse41};
  t->conv = {"qs8_igemm_minmax_4x8c2__sse41", x86::kQs8Gemm4x8c2Sse41, gemm_pack, x86::qs8_igemm_minmax_4x8c2__sse41};
  t->dwconv = {"qs8_dwconv_minmax_8c__sse41", x86::qs8_dwconv_minmax_8c__sse41, "qs8_dwconv_3x3_minmax_8c__sse41",
               x86::qs8_dwconv_3x3_minmax_8c__sse41, x86::kQs8DwconvChannelTileSse41};
}
#endif
#ifdef QRT_HAVE_ARM_NEON_KERNELS
// NEON slots; the dotprod and i8mm tables start from them (SDOT and SMMLA
// speed up the GEMM and IGEMM only).
void fill_neon(KernelTable* t) {
  t->gemm_f32 = {"f32_gemm_minmax_4x8__neon", arm::kF32GemmMrNeon, arm::kF32GemmNrNeon,
                 arm::f32_gemm_minmax_4x8__neon};
  t->dwconv_f32 = {"f32_dwconv_minmax_4c__neon", arm::f32_dwconv_minmax_4c__neon};
  t->vbinary_f32 = {"f32_vbinary_minmax__neon", arm::f32_vbinary_minmax__neon};
  t->vunary_f32 = {"f32_vunary__neon", arm::f32_vunary__neon};
  t->gemm = {arm::kQs8GemmNeonName, arm::kQs8GemmNeon, gemm_pack, arm::qs8_gemm_minmax__neon_mlal_lane};
  t->conv = {arm::kQs8IgemmNeonName, arm::kQs8GemmNeon, gemm_pack, arm::qs8_igemm_minmax__neon_mlal_lane};
  t->dwconv = {"qs8_dwconv_minmax_16c__neon", arm::qs8_dwconv_minmax_16c__neon, "qs8_dwconv_3x3_minmax_16c__neon",
               arm::qs8_dwconv_3x3_minmax_16c__neon, arm::kQs8DwconvChannelTileNeon};
  t->max_pool2d = {"max_pool2d_s8__neon", arm::max_pool2d_s8__neon};
  t->average_pool2d = {"average_pool2d_s8__neon", arm::average_pool2d_s8__neon};
  t->vadd = {"qs8_vadd_minmax__neon", arm::qs8_vadd_minmax__neon};
  t->vsub = {"qs8_vsub_minmax__neon", arm::qs8_vsub_minmax__neon};
  t->vmul = {"qs8_vmul_minmax__neon", arm::qs8_vmul_minmax__neon};
#if defined(__aarch64__)
  t->lut = {"lut_s8__neon", arm::lut_s8__neon};
  t->quantize = {"quantize_f32_s8__neon", arm::quantize_f32_s8__neon};
  t->dequantize = {"dequantize_s8_f32__neon", arm::dequantize_s8_f32__neon};
  t->fully_connected_f32w4 = {"f32w4_gemm_minmax_4x8__neon", arm::f32w4_gemm_minmax_4x8__neon};
  t->softmax = {"softmax_s8__neon", arm::softmax_s8__neon};
  t->dynamic_fully_connected = {"dynamic_fully_connected_f32s8_4x16__neon", arm::kQs8GemmNeon,
                                arm::dynamic_fully_connected_f32s8_4x16__neon};
#endif
}
#endif
#ifdef QRT_HAVE_ARM_NEONDOT_KERNELS
void fill_neondot(KernelTable* t) {
#ifdef QRT_HAVE_ARM_NEON_KERNELS
  fill_neon(t);
#endif
  t->gemm = {"qs8_gemm_minmax_4x16c4__neondot", arm::kQs8Gemm4x16c4Neondot, gemm_pack,
             arm::qs8_gemm_minmax_4x16c4__neondot};
  t->conv = {"qs8_igemm_minmax_4x16c4__neondot", arm::kQs8Gemm4x16c4Neondot, gemm_pack,
             arm::qs8_igemm_minmax_4x16c4__neondot};
}
#endif
#ifdef QRT_HAVE_ARM_I8MM_KERNELS
void fill_i8mm(KernelTable* t) {
#ifdef QRT_HAVE_ARM_NEON_KERNELS
  fill_neon(t);
#endif
  t->gemm = {"qs8_gemm_minmax_8x8c8__neoni8mm", arm::kQs8Gemm8x8c8I8mm, gemm_pack,
             arm::qs8_gemm_minmax_8x8c8__neoni8mm};
  t->conv = {"qs8_igemm_minmax_8x8c8__neoni8mm", arm::kQs8Gemm8x8c8I8mm, gemm_pack,
             arm::qs8_igemm_minmax_8x8c8__neoni8mm};
}
#endif
// Kernels in plain C++ that beat the reference on every CPU (data movement):
// in every table but the reference one, which stays the specification.
void fill_portable(KernelTable* t) { t->transpose = {"transpose_x8__portable", transpose_x8__portable}; }

bool always() { return true; }
void keep_reference(KernelTable*) {}

// By preference, reference last. ARM (neon, neondot, i8mm) slots in the same
// way under its own build flags.
constexpr Isa kIsas[] = {
#ifdef QRT_HAVE_AVX512VNNI_KERNELS
    {"avx512vnni", has_avx512vnni, fill_avx512vnni},
#endif
#if defined(QRT_HAVE_AVXVNNI_KERNELS) && defined(QRT_HAVE_AVX2_KERNELS)
    {"avxvnni", has_avxvnni, fill_avxvnni},
#endif
#ifdef QRT_HAVE_AVX2_KERNELS
    {"avx2", has_avx2, fill_avx2},
#endif
#ifdef QRT_HAVE_SSE41_KERNELS
    {"sse41", has_sse41, fill_sse41},
#endif
#ifdef QRT_HAVE_ARM_I8MM_KERNELS
    {"i8mm", arm::has_i8mm, fill_i8mm},
#endif
#ifdef QRT_HAVE_ARM_NEONDOT_KERNELS
    {"neondot", arm::has_neondot, fill_neondot},
#endif
#ifdef QRT_HAVE_ARM_NEON_KERNELS
    {"neon", arm::has_neon, fill_neon},
#endif
    {"reference", always, keep_reference},
};
constexpr size_t kIsaCount = sizeof(kIsas) / sizeof(kIsas[0]);

// Every ISA's table and availability, built once (C++ static initialisation
// is thread-safe, and so is cpuinfo_initialize).
struct Tables {
  KernelTable table[kIsaCount];
  bool available[kIsaCount];
  size_t best = kIsaCount - 1;

  Tables() {
    cpuinfo_initialize();  // the x86 tests read its results (all false if it failed)
    for (size_t i = kIsaCount; i-- > 0;) {
      table[i] = make_reference_table();
      table[i].isa = kIsas[i].name;
      // Portable optimized kernels: every table but the reference one.
      if (i != kIsaCount - 1) fill_portable(&table[i]);
      kIsas[i].fill(&table[i]);
      // Each ISA's test asks cpuinfo itself if it needs it (the ARM ones read
      // the kernel's capability words): a failed cpuinfo_initialize must not
      // hide ISAs that do not depend on it.
      available[i] = i == kIsaCount - 1 || kIsas[i].available();
      if (available[i]) best = i;
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const KernelTable& select_kernel_table() {
  const Tables& t = tables();
  return t.table[t.best];
}

const KernelTable* find_kernel_table(const char* isa, std::string* error) {
  if (isa == nullptr || *isa == '\0') isa = std::getenv("QRT_ISA");
  if (isa == nullptr || *isa == '\0') return &select_kernel_table();
  const Tables& t = tables();
  std::string message = std::string("unknown ISA '") + isa + "'";
  for (size_t i = 0; i < kIsaCount; ++i) {
    if (std::strcmp(isa, kIsas[i].name) != 0) continue;
    if (t.available[i]) return &t.table[i];
    message = std::string("this CPU lacks the ISA '") + isa + "'";
  }
  std::string offered;
  for (size_t i = 0; i < kIsaCount; ++i) {
    if (t.available[i]) offered += std::string(offered.empty() ? "" : ", ") + kIsas[i].name;
  }
  *error = message + "; this build and CPU offer: " + offered;
  return nullptr;
}

}  // namespace qrt
