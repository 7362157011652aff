#!/usr/bin/python3
"""Exports a float CNN to ONNX for qconvert's PTQ test and for benchmarks.

  /usr/bin/python3 benchmarks/models/export_model.py mobilenet_v2 -o build/models/mobilenet_v2.onnx
  /usr/bin/python3 benchmarks/models/export_model.py resnet18 -o build/models/resnet18.onnx
  /usr/bin/python3 benchmarks/models/export_model.py transformer_encoder -o build/models/transformer_encoder.onnx

Models: mobilenet_v1, mobilenet_v2, resnet18, resnet50 (CNNs) and
transformer_encoder (below). The CNN architectures are
torchvision's (MobileNetV2, ResNet-18 and ResNet-50 as torchvision.models builds
them with weights=None; MobileNet v1, which torchvision lacks, from the paper),
written out here because Debian ships python3-torch without torchvision. Weights are torchvision's
random initialisation under a fixed seed, so the file is the same on every
run with the same torch. Export: ONNX opset 13, one input "input" of shape
1x3x224x224 float32, one output "logits" [1,1000]; the model is in eval mode
(BatchNorm uses its running statistics, Dropout is off).

transformer_encoder (transformer_encoder.py) is a small BERT-style encoder:
vocab 1000, sequence 64, hidden 128, 2 layers, 4 heads, FFN 512, 16 labels
per token, random weights under the seed. Input "input_ids" int64 [1,64],
output "logits" [1,64,16], ONNX opset 17 (LayerNormalization is one node).
Its calibration ids: make_inputs.py --token-ids.

Generated models belong in a build folder; they are not committed.
"""
import argparse
import os
import sys

import torch
from torch import nn

SEED = 0
INPUT_SHAPE = (1, 3, 224, 224)


def make_divisible(v, divisor=8, min_value=None):
    """torchvision's _make_divisible: round channels to a multiple of 8, never below 90%."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn_act(inp, out, kernel=3, stride=1, groups=1, act=True):
    """torchvision's Conv2dNormActivation with ReLU6 (MobileNetV2)."""
    layers = [nn.Conv2d(inp, out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(out)]
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio):
        super().__init__()
        hidden = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(conv_bn_act(inp, hidden, kernel=1))
        layers += [conv_bn_act(hidden, hidden, stride=stride, groups=hidden),
                   nn.Conv2d(hidden, oup, 1, 1, 0, bias=False),
                   nn.BatchNorm2d(oup)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """torchvision.models.mobilenet_v2(weights=None): width 1.0, 1000 classes."""

    def __init__(self, num_classes=1000, width_mult=1.0):
        super().__init__()
        settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
                    [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]
        input_channel = make_divisible(32 * width_mult)
        self.last_channel = make_divisible(1280 * max(1.0, width_mult))
        features = [conv_bn_act(3, input_channel, stride=2)]
        for t, c, n, s in settings:
            output_channel = make_divisible(c * width_mult)
            for i in range(n):
                features.append(InvertedResidual(input_channel, output_channel, s if i == 0 else 1, t))
                input_channel = output_channel
        features.append(conv_bn_act(input_channel, self.last_channel, kernel=1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=0.2), nn.Linear(self.last_channel, num_classes))
        # torchvision's initialisation.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, (1, 1))
        return self.classifier(torch.flatten(x, 1))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3 conv)."""
    expansion = 4

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        width = planes
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes * self.expansion:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes * self.expansion, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes * self.expansion))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """torchvision.models.resnet18 / resnet50(weights=None)."""

    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, inplanes = [], 64
        for planes, stride, count in zip([64, 128, 256, 512], [1, 2, 2, 2], layers):
            blocks = [block(inplanes, planes, stride)]
            inplanes = planes * block.expansion
            blocks += [block(inplanes, planes) for _ in range(count - 1)]
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        # nn.Linear keeps PyTorch's default initialisation, as torchvision's does.

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def resnet18():
    return ResNet(BasicBlock, [2, 2, 2, 2])


def resnet50():
    return ResNet(Bottleneck, [3, 4, 6, 3])


class MobileNetV1(nn.Module):
    """MobileNet v1 (Howard et al. 2017), width 1.0, 224x224: a 3x3 stride-2 conv,
    13 depthwise-separable blocks (3x3 depthwise + 1x1 pointwise, each with
    BatchNorm and ReLU6 as in TensorFlow's implementation), global average pool, a 1000-way classifier. torchvision
    has no MobileNet v1; this is the layer list of the paper's Table 1."""

    def __init__(self, num_classes=1000):
        super().__init__()
        # (output channels, stride of the depthwise conv) for the 13 blocks.
        blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                  (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
        layers, channels = [conv_bn_act(3, 32, stride=2)], 32
        for out, stride in blocks:
            layers.append(conv_bn_act(channels, channels, stride=stride, groups=channels))
            layers.append(conv_bn_act(channels, out, kernel=1))
            channels = out
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(channels, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


MODELS = {"mobilenet_v1": MobileNetV1, "mobilenet_v2": MobileNetV2, "resnet18": resnet18, "resnet50": resnet50,
          "transformer_encoder": None}  # transformer_encoder.py, exported in main()


def build_model(name, seed=SEED):
    """The network `name` in eval mode, with the weights its export has for
    `seed`: the ONNX file and this module compute the same function (the
    PyTorch peer of scripts/bench.sh times this module)."""
    torch.manual_seed(seed)
    if name == "transformer_encoder":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import transformer_encoder
        return transformer_encoder.TransformerEncoder().eval()
    return MODELS[name]().eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("-o", "--output", required=True, help="the .onnx file to write")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    torch.set_num_threads(1)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    # Written to a temporary name first, so a build never sees half a file.
    partial = args.output + ".partial"
    model = build_model(args.model, args.seed)
    if args.model == "transformer_encoder":
        import transformer_encoder
        transformer_encoder.export(model, partial, seq=64)
        os.replace(partial, args.output)
        print(f"{args.model}: {sum(p.numel() for p in model.parameters())} parameters -> {args.output}")
        return 0
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(*INPUT_SHAPE), partial, input_names=["input"],
                          output_names=["logits"], opset_version=13, do_constant_folding=True)
    os.replace(partial, args.output)
    print(f"{args.model}: {sum(p.numel() for p in model.parameters())} parameters -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
