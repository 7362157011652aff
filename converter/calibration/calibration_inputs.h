// Calibration samples for a float graph: read from .npy batches (or folders
// of them), or made up (--calib random). A sample is one set of graph inputs.
#pragma once

#include <string>
#include <vector>

#include "converter/calibration/image_preprocessing.h"
#include "converter/calibration/ptq_options.h"
#include "converter/ir/float_executor.h"
#include "converter/ir/graph.h"

namespace qrt::convert {

// Samples for `graph`, whose inputs (other than constants) are float32 of
// fully known shapes. Each path is "NAME=PATH" for input NAME, or a bare path
// when the model has one input. Per input: each .npy holds float32 of the
// input's shape S, or [N, ...] whose items each have S's element count (so a
// [N,1,8,8] batch feeds a [1,1,8,8] input N times); each image file
// (image_preprocessing.h) is one sample; folders are read in name order,
// their .npy and image files alike. Sample k feeds item k of every input's
// data, so every input needs as many. Throws std::runtime_error naming the
// file or input.
std::vector<HostTensorMap> load_calibration_samples(const IrGraph& graph, const std::vector<std::string>& paths,
                                                    const ImagePreprocessing& images = {});

// `count` deterministic standard-normal samples for every input (--calib random).
std::vector<HostTensorMap> random_calibration_samples(const IrGraph& graph, int count);

}  // namespace qrt::convert
