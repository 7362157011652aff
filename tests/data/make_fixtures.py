#!/usr/bin/python3
"""Makes the converter's test fixtures in tests/data/digits/.

Trains a small CNN on scikit-learn's 8x8 digits (deterministic seeds, a
held-out split never seen in training), exports it to ONNX (opset 13, input
[1,1,8,8] float32) and writes:

  model.onnx            the float model (Conv-BN-Relu-MaxPool-Conv-Relu-Flatten-Gemm)
  calibration.npy       float32 [64,1,8,8]: training images, the calibration batch
  heldout_pixels.npy    uint8 [N,1,8,8]: every held-out image, raw 0..16 (divide by 16)
  heldout_labels.npy    uint8 [N]: their digits
  heldout_logits.npy    float32 [N,10]: PyTorch's outputs, to check the float executor
  heldout_sample_6.npy  float32 [1,1,8,8]: the first held-out 6 (pixels / 16), which
                        scripts/demo.sh classifies
  float_accuracy.json   the float model's held-out accuracy

Run with Debian's interpreter, which has python3-torch, python3-onnx and
python3-sklearn:  /usr/bin/python3 tests/data/make_fixtures.py
Tests read only these files; they never need torch.
"""
import json
import os
import random

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits")
SEED = 0
CALIBRATION_SAMPLES = 64


class DigitsNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.pool = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc = torch.nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


def main():
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)

    digits = load_digits()
    pixels = digits.images.astype(np.uint8)  # 0..16
    labels = digits.target.astype(np.uint8)
    train_x, test_x, train_y, test_y = train_test_split(
        pixels, labels, test_size=0.3, random_state=SEED, stratify=labels)

    def as_input(p):
        return torch.from_numpy(p.astype(np.float32)[:, None, :, :] / 16.0)

    xs, ys = as_input(train_x), torch.from_numpy(train_y.astype(np.int64))
    model = DigitsNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(SEED)
    model.train()
    for _ in range(30):
        order = torch.randperm(len(xs), generator=generator)
        for start in range(0, len(xs), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xs[batch]), ys[batch])
            loss.backward()
            optimizer.step()
    model.eval()

    with torch.no_grad():
        logits = model(as_input(test_x)).numpy().astype(np.float32)
    accuracy = float((logits.argmax(1) == test_y).mean())

    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), os.path.join(OUT, "model.onnx"),
                      input_names=["image"], output_names=["logits"], opset_version=13,
                      do_constant_folding=False)
    np.save(os.path.join(OUT, "calibration.npy"), as_input(train_x[:CALIBRATION_SAMPLES]).numpy())
    np.save(os.path.join(OUT, "heldout_pixels.npy"), test_x[:, None, :, :])
    np.save(os.path.join(OUT, "heldout_labels.npy"), test_y)
    np.save(os.path.join(OUT, "heldout_logits.npy"), logits)
    first_six = int(np.flatnonzero(test_y == 6)[0])
    np.save(os.path.join(OUT, "heldout_sample_6.npy"), as_input(test_x[first_six:first_six + 1]).numpy())
    with open(os.path.join(OUT, "float_accuracy.json"), "w") as f:
        json.dump({"heldout_samples": int(len(test_y)), "float_accuracy": accuracy,
                   "torch": torch.__version__, "seed": SEED}, f, indent=2)
        f.write("\n")
    print(f"held-out accuracy {accuracy:.4f} on {len(test_y)} samples -> {OUT}")


if __name__ == "__main__":
    main()
