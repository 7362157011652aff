#include "converter/tflite/tflite_ops.h"

namespace qrt::tflite_import {

OpConverter find_op_converter(int code) {
  switch (code) {
    case kConv2D: return convert_conv2d;
    case kDepthwiseConv2D: return convert_depthwise_conv2d;
    case kFullyConnected: return convert_fully_connected;
    case kAdd:
    case kSub:
    case kMul: return convert_binary;
    case kAveragePool2D:
    case kMaxPool2D: return convert_pool2d;
    case kSoftmax: return convert_softmax;
    case kLogistic:
    case kTanh:
    case kHardSwish:
    case kRelu:
    case kRelu6:
    case kQuantize:
    case kDequantize: return convert_unary;
    case kLeakyRelu: return convert_leaky_relu;
    case kMean: return convert_mean;
    case kConcatenation: return convert_concatenation;
    case kReshape:
    case kSqueeze: return convert_reshape;
    case kPad:
    case kPadV2: return convert_pad;
    case kTranspose: return convert_transpose;
    case kSplit: return convert_split;
    case kSplitV: return convert_split_v;
    case kStridedSlice: return convert_strided_slice;
    case kResizeBilinear:
    case kResizeNearestNeighbor: return convert_resize;
    case kArgMax: return convert_arg_max;
    default: return nullptr;
  }
}

}  // namespace qrt::tflite_import
