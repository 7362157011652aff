// qbench's argument parser: defaults, accepted forms, and a clear message
// for each misuse.
#include "qbench_options.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using qrt::bench::parse_qbench_options;
using qrt::bench::QbenchOptions;

namespace {

bool parse(std::vector<const char*> arguments, QbenchOptions* options, std::string* error) {
  arguments.insert(arguments.begin(), "qbench");
  return parse_qbench_options(static_cast<int>(arguments.size()), arguments.data(), options, error);
}

std::string usage_error(std::vector<const char*> arguments) {
  QbenchOptions options;
  std::string error;
  CHECK_FALSE(parse(arguments, &options, &error));
  return error;
}

}  // namespace

TEST_CASE("qbench options: defaults", "[qbench]") {
  QbenchOptions o;
  std::string error;
  REQUIRE(parse({"m.qfb"}, &o, &error));
  CHECK(o.model_path == "m.qfb");
  CHECK(o.threads == std::vector<int>{1});
  CHECK(o.warmup == 1);
  CHECK(o.warmup_secs == 0.5);
  CHECK(o.runs == 50);
  CHECK(o.max_secs == 60.0);
  CHECK(o.backend == "qrt");
  CHECK(o.isa.empty());
  CHECK_FALSE(o.profile);
  CHECK_FALSE(o.json);
  CHECK_FALSE(o.csv);
}

TEST_CASE("qbench options: every flag, both spellings", "[qbench]") {
  QbenchOptions o;
  std::string error;
  REQUIRE(parse({"--threads", "1,2", "--warmup=3", "--warmup-secs", "0.25", "--runs", "7", "--max-secs=2.5",
                 "--isa", "avx2", "--profile", "--json", "m.qfb"},
                &o, &error));
  CHECK(o.threads == std::vector<int>{1, 2});
  CHECK(o.warmup == 3);
  CHECK(o.warmup_secs == 0.25);
  CHECK(o.runs == 7);
  CHECK(o.max_secs == 2.5);
  CHECK(o.isa == "avx2");
  CHECK(o.profile);
  CHECK(o.json);

  REQUIRE(parse({"m.qfb", "--csv", "--threads", "0"}, &o, &error));
  CHECK(o.csv);
  CHECK(o.profile);  // --csv is the profile table
  CHECK(o.threads == std::vector<int>{0});

  QbenchOptions xnnpack;
  REQUIRE(parse({"--backend", "xnnpack", "m.qfb"}, &xnnpack, &error));
  CHECK(xnnpack.backend == "xnnpack");
  CHECK(xnnpack.isa.empty());  // the ops XNNPACK leaves to qrt run on the best ISA
  REQUIRE(parse({"--backend", "reference", "m.qfb"}, &o, &error));
  CHECK(o.backend == "reference");
  CHECK(o.isa == "reference");
  REQUIRE(parse({"--backend=reference", "--isa", "reference", "m.qfb"}, &o, &error));
  CHECK(o.isa == "reference");

  REQUIRE(parse({"--help"}, &o, &error));
  CHECK(o.help);
  REQUIRE(parse({"--", "-odd-name.qfb"}, &o, &error));
  CHECK(o.model_path == "-odd-name.qfb");
}

TEST_CASE("qbench options: misuse names the argument", "[qbench]") {
  CHECK(usage_error({}).find("no model") != std::string::npos);
  CHECK(usage_error({"a.qfb", "b.qfb"}).find("'b.qfb'") != std::string::npos);
  CHECK(usage_error({"--frobnicate", "m.qfb"}).find("unknown option '--frobnicate'") != std::string::npos);
  CHECK(usage_error({"m.qfb", "--runs"}).find("--runs needs a value") != std::string::npos);
  CHECK(usage_error({"--runs", "0", "m.qfb"}).find("--runs expects") != std::string::npos);
  CHECK(usage_error({"--runs", "-3", "m.qfb"}).find("'-3'") != std::string::npos);
  CHECK(usage_error({"--threads", "1,,2", "m.qfb"}).find("--threads expects") != std::string::npos);
  CHECK(usage_error({"--threads", "2,2", "m.qfb"}).find("distinct") != std::string::npos);
  CHECK(usage_error({"--threads", "1025", "m.qfb"}).find("--threads") != std::string::npos);
  CHECK(usage_error({"--warmup-secs", "-1", "m.qfb"}).find("--warmup-secs expects") != std::string::npos);
  CHECK(usage_error({"--max-secs", "0", "m.qfb"}).find("--max-secs expects a positive") != std::string::npos);
  CHECK(usage_error({"--max-secs", "nan", "m.qfb"}).find("--max-secs") != std::string::npos);
  CHECK(usage_error({"--backend", "tvm", "m.qfb"}).find("--backend expects qrt, reference or xnnpack, got 'tvm'") !=
        std::string::npos);
  CHECK(usage_error({"--backend", "reference", "--isa", "avx2", "m.qfb"}).find("contradicts --isa avx2") !=
        std::string::npos);
  CHECK(usage_error({"--json", "--csv", "m.qfb"}).find("choose one") != std::string::npos);
  CHECK(usage_error({"--profile=1", "m.qfb"}).find("takes no value") != std::string::npos);
  CHECK(usage_error({"--isa=", "m.qfb"}).find("--isa expects") != std::string::npos);
}
