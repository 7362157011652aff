// qrun's argument parser: accepted forms, and a clear message for each misuse.
#include "runtime/tools/qrun_options.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using qrt::tools::parse_qrun_options;
using qrt::tools::QrunOptions;

namespace {

bool parse(std::vector<const char*> arguments, QrunOptions* options, std::string* error) {
  arguments.insert(arguments.begin(), "qrun");
  return parse_qrun_options(static_cast<int>(arguments.size()), arguments.data(), options, error);
}

std::string usage_error(std::vector<const char*> arguments) {
  QrunOptions options;
  std::string error;
  CHECK_FALSE(parse(arguments, &options, &error));
  return error;
}

}  // namespace

TEST_CASE("qrun options: defaults with just a model", "[qrun]") {
  QrunOptions options;
  std::string error;
  REQUIRE(parse({"model.qfb"}, &options, &error));
  CHECK(options.model_path == "model.qfb");
  CHECK(options.inputs.empty());
  CHECK(options.top_k == -1);
  CHECK(options.iterations == 1);
  CHECK(options.threads == 1);
  CHECK(options.backend.empty());
  CHECK(options.seed == 1);
  CHECK_FALSE(options.info);
  CHECK_FALSE(options.json);
}

TEST_CASE("qrun options: every flag, in both --flag value and --flag=value form", "[qrun]") {
  QrunOptions options;
  std::string error;
  REQUIRE(parse({"--input", "image=cat.npy", "--input=mask=m.bin", "--output-dir", "out",
                 "--top-k=3", "--labels", "labels.txt", "--iterations", "10", "--threads=0", "--backend", "xnnpack",
                 "--seed", "18446744073709551615", "--info", "--json", "m.qfb"},
                &options, &error));
  REQUIRE(options.inputs.size() == 2);
  CHECK(options.inputs[0].name == "image");
  CHECK(options.inputs[0].path == "cat.npy");
  CHECK(options.inputs[1].name == "mask");
  CHECK(options.inputs[1].path == "m.bin");
  CHECK(options.output_dir == "out");
  CHECK(options.top_k == 3);
  CHECK(options.labels_path == "labels.txt");
  CHECK(options.iterations == 10);
  CHECK(options.threads == 0);
  CHECK(options.backend == "xnnpack");
  CHECK(options.seed == 18446744073709551615ULL);
  CHECK(options.info);
  CHECK(options.json);
  CHECK(options.model_path == "m.qfb");
}

TEST_CASE("qrun options: a bare input file, '--' and --help without a model", "[qrun]") {
  QrunOptions options;
  std::string error;
  REQUIRE(parse({"m.qfb", "--input", "x.npy"}, &options, &error));
  REQUIRE(options.inputs.size() == 1);
  CHECK(options.inputs[0].name.empty());
  CHECK(options.inputs[0].path == "x.npy");

  REQUIRE(parse({"--input", "=a=b.bin", "--", "-model.qfb"}, &options, &error));
  CHECK(options.inputs[0].name.empty());
  CHECK(options.inputs[0].path == "a=b.bin");
  CHECK(options.model_path == "-model.qfb");

  REQUIRE(parse({"--help"}, &options, &error));
  CHECK(options.help);
  REQUIRE(parse({"-h"}, &options, &error));
  CHECK(options.help);
  REQUIRE(parse({"--version"}, &options, &error));
  CHECK(options.version);
}

TEST_CASE("qrun options: usage errors name the problem", "[qrun]") {
  CHECK(usage_error({}) == "no model given (usage: qrun [options] MODEL.qfb)");
  CHECK(usage_error({"a.qfb", "b.qfb"}) ==
        "unexpected argument 'b.qfb' (only one model, 'a.qfb', may be given; inputs go through "
        "--input)");
  CHECK(usage_error({"--frobnicate", "m.qfb"}) == "unknown option '--frobnicate'");
  CHECK(usage_error({"-x", "m.qfb"}) == "unknown option '-x'");
  CHECK(usage_error({"m.qfb", "--input"}) == "--input needs a value");
  CHECK(usage_error({"m.qfb", "--json=yes"}) == "option --json takes no value");
  CHECK(usage_error({"m.qfb", "--input", "x="}) ==
        "--input 'x=' names no file (expected NAME=FILE or FILE)");
  CHECK(usage_error({"m.qfb", "--input", "a.npy", "--input", "b.npy"}) ==
        "--input a.npy has no NAME=; that form is only for a single --input");
  CHECK(usage_error({"m.qfb", "--input", "x=a.npy", "--input", "x=b.npy"}) ==
        "--input names 'x' twice");
  CHECK(usage_error({"m.qfb", "--iterations", "0"}) ==
        "--iterations expects an integer from 1 to 10000000, got '0'");
  CHECK(usage_error({"m.qfb", "--iterations", "-5"}) ==
        "--iterations expects an integer from 1 to 10000000, got '-5'");
  CHECK(usage_error({"m.qfb", "--backend", "tflite"}) == "--backend expects qrt or xnnpack, got 'tflite'");
  CHECK(usage_error({"m.qfb", "--threads", "4x"}) ==
        "--threads expects an integer from 0 to 1024, got '4x'");
  CHECK(usage_error({"m.qfb", "--top-k", "99999999999999999999999"}) ==
        "--top-k expects an integer from 0 to 1000000, got '99999999999999999999999'");
  CHECK(usage_error({"m.qfb", "--top-k", ""}) ==
        "--top-k expects an integer from 0 to 1000000, got ''");
  CHECK(usage_error({"m.qfb", "--seed", "18446744073709551616"}) ==
        "--seed expects a non-negative integer, got '18446744073709551616'");
  CHECK(usage_error({"m.qfb", "--output-dir="}) == "--output-dir needs a directory");
  CHECK(usage_error({""}) == "the model path is empty");
}
