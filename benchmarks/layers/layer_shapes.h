// The convolution, depthwise and fully-connected layers of four standard
// ImageNet networks at 224x224, batch 1, as the micro-benchmarks run them:
// MobileNet v1 1.0, MobileNet v2 1.0 (torchvision / TF layouts agree), and
// torchvision's ResNet-18 and ResNet-50 (v1.5: stride on the 3x3 conv).
// Each distinct shape once, with how often the network uses it; padding is
// SAME (as TF; the same work as torchvision's pad = k / 2).
#pragma once

namespace qrt::bench {

enum class LayerKind { kConv, kDepthwise, kFullyConnected };

struct LayerShape {
  const char* network;
  LayerKind kind;
  int height, width;  // input; 1 x 1 for fully connected
  int input_channels, output_channels;
  int kernel, stride;
  int count;  // layers of this shape in the network
};

constexpr LayerShape kLayerShapes[] = {
    // MobileNet v1
    {"mobilenet_v1", LayerKind::kConv, 224, 224, 3, 32, 3, 2, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 112, 112, 32, 32, 3, 1, 1},
    {"mobilenet_v1", LayerKind::kConv, 112, 112, 32, 64, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 112, 112, 64, 64, 3, 2, 1},
    {"mobilenet_v1", LayerKind::kConv, 56, 56, 64, 128, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 56, 56, 128, 128, 3, 1, 1},
    {"mobilenet_v1", LayerKind::kConv, 56, 56, 128, 128, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 56, 56, 128, 128, 3, 2, 1},
    {"mobilenet_v1", LayerKind::kConv, 28, 28, 128, 256, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 28, 28, 256, 256, 3, 1, 1},
    {"mobilenet_v1", LayerKind::kConv, 28, 28, 256, 256, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 28, 28, 256, 256, 3, 2, 1},
    {"mobilenet_v1", LayerKind::kConv, 14, 14, 256, 512, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 14, 14, 512, 512, 3, 1, 5},
    {"mobilenet_v1", LayerKind::kConv, 14, 14, 512, 512, 1, 1, 5},
    {"mobilenet_v1", LayerKind::kDepthwise, 14, 14, 512, 512, 3, 2, 1},
    {"mobilenet_v1", LayerKind::kConv, 7, 7, 512, 1024, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kDepthwise, 7, 7, 1024, 1024, 3, 1, 1},
    {"mobilenet_v1", LayerKind::kConv, 7, 7, 1024, 1024, 1, 1, 1},
    {"mobilenet_v1", LayerKind::kFullyConnected, 1, 1, 1024, 1000, 1, 1, 1},
    // MobileNet v2
    {"mobilenet_v2", LayerKind::kConv, 224, 224, 3, 32, 3, 2, 1},
    {"mobilenet_v2", LayerKind::kDepthwise, 112, 112, 32, 32, 3, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 112, 112, 32, 16, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 112, 112, 16, 96, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kDepthwise, 112, 112, 96, 96, 3, 2, 1},
    {"mobilenet_v2", LayerKind::kConv, 56, 56, 96, 24, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 56, 56, 24, 144, 1, 1, 2},
    {"mobilenet_v2", LayerKind::kDepthwise, 56, 56, 144, 144, 3, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 56, 56, 144, 24, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kDepthwise, 56, 56, 144, 144, 3, 2, 1},
    {"mobilenet_v2", LayerKind::kConv, 28, 28, 144, 32, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 28, 28, 32, 192, 1, 1, 3},
    {"mobilenet_v2", LayerKind::kDepthwise, 28, 28, 192, 192, 3, 1, 2},
    {"mobilenet_v2", LayerKind::kConv, 28, 28, 192, 32, 1, 1, 2},
    {"mobilenet_v2", LayerKind::kDepthwise, 28, 28, 192, 192, 3, 2, 1},
    {"mobilenet_v2", LayerKind::kConv, 14, 14, 192, 64, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 14, 14, 64, 384, 1, 1, 4},
    {"mobilenet_v2", LayerKind::kDepthwise, 14, 14, 384, 384, 3, 1, 4},
    {"mobilenet_v2", LayerKind::kConv, 14, 14, 384, 64, 1, 1, 3},
    {"mobilenet_v2", LayerKind::kConv, 14, 14, 384, 96, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 14, 14, 96, 576, 1, 1, 3},
    {"mobilenet_v2", LayerKind::kDepthwise, 14, 14, 576, 576, 3, 1, 2},
    {"mobilenet_v2", LayerKind::kConv, 14, 14, 576, 96, 1, 1, 2},
    {"mobilenet_v2", LayerKind::kDepthwise, 14, 14, 576, 576, 3, 2, 1},
    {"mobilenet_v2", LayerKind::kConv, 7, 7, 576, 160, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 7, 7, 160, 960, 1, 1, 3},
    {"mobilenet_v2", LayerKind::kDepthwise, 7, 7, 960, 960, 3, 1, 3},
    {"mobilenet_v2", LayerKind::kConv, 7, 7, 960, 160, 1, 1, 2},
    {"mobilenet_v2", LayerKind::kConv, 7, 7, 960, 320, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kConv, 7, 7, 320, 1280, 1, 1, 1},
    {"mobilenet_v2", LayerKind::kFullyConnected, 1, 1, 1280, 1000, 1, 1, 1},
    // ResNet-18
    {"resnet18", LayerKind::kConv, 224, 224, 3, 64, 7, 2, 1},
    {"resnet18", LayerKind::kConv, 56, 56, 64, 64, 3, 1, 4},
    {"resnet18", LayerKind::kConv, 56, 56, 64, 128, 3, 2, 1},
    {"resnet18", LayerKind::kConv, 56, 56, 64, 128, 1, 2, 1},
    {"resnet18", LayerKind::kConv, 28, 28, 128, 128, 3, 1, 3},
    {"resnet18", LayerKind::kConv, 28, 28, 128, 256, 3, 2, 1},
    {"resnet18", LayerKind::kConv, 28, 28, 128, 256, 1, 2, 1},
    {"resnet18", LayerKind::kConv, 14, 14, 256, 256, 3, 1, 3},
    {"resnet18", LayerKind::kConv, 14, 14, 256, 512, 3, 2, 1},
    {"resnet18", LayerKind::kConv, 14, 14, 256, 512, 1, 2, 1},
    {"resnet18", LayerKind::kConv, 7, 7, 512, 512, 3, 1, 3},
    {"resnet18", LayerKind::kFullyConnected, 1, 1, 512, 1000, 1, 1, 1},
    // ResNet-50
    {"resnet50", LayerKind::kConv, 224, 224, 3, 64, 7, 2, 1},
    {"resnet50", LayerKind::kConv, 56, 56, 64, 64, 1, 1, 1},
    {"resnet50", LayerKind::kConv, 56, 56, 64, 64, 3, 1, 3},
    {"resnet50", LayerKind::kConv, 56, 56, 64, 256, 1, 1, 4},
    {"resnet50", LayerKind::kConv, 56, 56, 256, 64, 1, 1, 2},
    {"resnet50", LayerKind::kConv, 56, 56, 256, 128, 1, 1, 1},
    {"resnet50", LayerKind::kConv, 56, 56, 128, 128, 3, 2, 1},
    {"resnet50", LayerKind::kConv, 28, 28, 128, 512, 1, 1, 4},
    {"resnet50", LayerKind::kConv, 56, 56, 256, 512, 1, 2, 1},
    {"resnet50", LayerKind::kConv, 28, 28, 512, 128, 1, 1, 3},
    {"resnet50", LayerKind::kConv, 28, 28, 128, 128, 3, 1, 3},
    {"resnet50", LayerKind::kConv, 28, 28, 512, 256, 1, 1, 1},
    {"resnet50", LayerKind::kConv, 28, 28, 256, 256, 3, 2, 1},
    {"resnet50", LayerKind::kConv, 14, 14, 256, 1024, 1, 1, 6},
    {"resnet50", LayerKind::kConv, 28, 28, 512, 1024, 1, 2, 1},
    {"resnet50", LayerKind::kConv, 14, 14, 1024, 256, 1, 1, 5},
    {"resnet50", LayerKind::kConv, 14, 14, 256, 256, 3, 1, 5},
    {"resnet50", LayerKind::kConv, 14, 14, 1024, 512, 1, 1, 1},
    {"resnet50", LayerKind::kConv, 14, 14, 512, 512, 3, 2, 1},
    {"resnet50", LayerKind::kConv, 7, 7, 512, 2048, 1, 1, 3},
    {"resnet50", LayerKind::kConv, 14, 14, 1024, 2048, 1, 2, 1},
    {"resnet50", LayerKind::kConv, 7, 7, 2048, 512, 1, 1, 2},
    {"resnet50", LayerKind::kConv, 7, 7, 512, 512, 3, 1, 2},
    {"resnet50", LayerKind::kFullyConnected, 1, 1, 2048, 1000, 1, 1, 1},
};

}  // namespace qrt::bench
