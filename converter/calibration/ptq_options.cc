#include "converter/calibration/ptq_options.h"

#include <cstdlib>

namespace qrt::convert {

const char* const kPtqUsage =
    "  --calib PATH       float ONNX models: calibration data for static PTQ, an .npy batch\n"
    "                     ([N, ...input shape] float32), an image (BMP, PNG, JPEG, PPM) or a\n"
    "                     folder of them; repeatable. 'random' uses random inputs instead\n"
    "                     (accuracy will suffer)\n"
    "  --calib NAME=PATH  the same for graph input NAME, for models with several inputs\n"
    "                     (give each input its data; sample k of each is fed together)\n"
    "  --calib-method M   minmax (default), percentile, entropy (KL, as TensorRT) or mse\n"
    "  --percentile P     the percentile method's P, in (50, 100] (default 99.99)\n"
    "  --per-tensor       one weight scale per tensor instead of per output channel\n"
    "  --size HxW         calibration images: the input's height and width (checked against the\n"
    "                     model; images of another size are resized bilinearly, as qrun --image)\n"
    "  --mean M[,M,M]     calibration images: feed (pixel 0..255 - mean) / std per channel,\n"
    "  --std S[,S,S]      as qrun --image --mean --std (defaults 0 and 1)\n"
    "  --layout L         calibration images: the input is nchw ([1,C,H,W], default) or nhwc\n";

int parse_ptq_argument(int argc, char** argv, int* i, PtqOptions* options, std::string* error) {
  const std::string arg = argv[*i];
  const auto value = [&](std::string* out) {
    if (*i + 1 >= argc) {
      *error = arg + " needs a value";
      return false;
    }
    *out = argv[++*i];
    return true;
  };
  std::string text;
  if (arg == "--calib") {
    if (!value(&text)) return -1;
    if (text == "random") options->random_calibration = true;
    else options->calibration_paths.push_back(text);
    return 1;
  }
  if (arg == "--calib-method") {
    if (!value(&text)) return -1;
    if (!parse_calibration_method(text, &options->calibration.method)) {
      *error = "--calib-method must be minmax, percentile, entropy or mse, not '" + text + "'";
      return -1;
    }
    return 1;
  }
  if (arg == "--percentile") {
    if (!value(&text)) return -1;
    char* end = nullptr;
    const double p = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(p > 50.0 && p <= 100.0)) {
      *error = "--percentile must be a number in (50, 100], not '" + text + "'";
      return -1;
    }
    options->calibration.percentile = p;
    return 1;
  }
  if (const int image = parse_image_argument(argc, argv, i, &options->images, error)) return image;
  if (arg == "--per-tensor") {
    options->quantize.per_tensor_weights = true;
    return 1;
  }
  return 0;
}

}  // namespace qrt::convert
