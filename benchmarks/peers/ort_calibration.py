#!/usr/bin/python3
"""Writes what the ORT yardstick's quantize_qdq.py needs beside a float model.

  /usr/bin/python3 benchmarks/peers/ort_calibration.py MODEL.onnx CALIB.bin --images 8

quantize_qdq.py (the ORT int8 peer's quantizer, run from a copy of
/work/shared/tools/ort; see benchmarks/peers/README.md) takes calibration
images as one raw float32 file of N [C,H,W] images, and reads a JSON sidecar
MODEL.json beside the model. This script checks that the model has the one
float NCHW image input that quantizer handles (a clear reason otherwise, on
stderr, exit status 2), writes N smooth ImageNet-normalised images from
benchmarks/models/make_inputs.py to CALIB.bin, and an empty sidecar.

It also rewrites MODEL.onnx (a copy: bench.sh passes one) without its
Identity nodes on weights: torch's constant folding shares equal folded
tensors (e.g. the zero biases of a random-init network's folded BatchNorms)
through Identity nodes, which the yardstick's quantizer does not follow. The
rewrite gives each such output its own initializer; the function is the same.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import make_inputs  # noqa: E402


def image_input_shape(model_path):
    """[C, H, W] of the model's one float32 [1,C,H,W] input, or an error message."""
    graph = onnx.load(model_path, load_external_data=False).graph
    initializers = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != 1:
        return None, "has %d inputs; the yardstick's quantize_qdq.py takes one image input" % len(inputs)
    tensor = inputs[0].type.tensor_type
    dims = [d.dim_value for d in tensor.shape.dim]
    if tensor.elem_type != onnx.TensorProto.FLOAT or len(dims) != 4 or dims[0] != 1 or min(dims) < 1:
        return None, ("input '%s' is %s %s, not a float32 [1,C,H,W] image: the yardstick's quantize_qdq.py "
                      "calibrates image CNNs only" % (inputs[0].name, onnx.TensorProto.DataType.Name(tensor.elem_type),
                                                       dims))
    return dims[1:], None


def inline_weight_identities(model):
    """Replaces each Identity whose input is an initializer by an initializer
    named as its output. Returns how many were replaced."""
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    kept, replaced = [], 0
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in initializers:
            copy = onnx.TensorProto()
            copy.CopyFrom(initializers[node.input[0]])
            copy.name = node.output[0]
            graph.initializer.append(copy)
            initializers[copy.name] = copy
            replaced += 1
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    return replaced


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model")
    p.add_argument("calib_bin")
    p.add_argument("--images", type=int, default=8)
    p.add_argument("--seed", type=int, default=make_inputs.SEED)
    a = p.parse_args()
    if a.images < 1:
        p.error("--images must be at least 1")
    chw, error = image_input_shape(a.model)
    if error:
        print("%s %s" % (os.path.basename(a.model), error), file=sys.stderr)
        return 2
    channels, height, width = chw
    if channels != 3 or height != width:
        print("%s: input [1,%d,%d,%d] is not a square RGB image" % (os.path.basename(a.model), channels, height,
                                                                   width), file=sys.stderr)
        return 2
    model = onnx.load(a.model)
    if inline_weight_identities(model):
        onnx.save(model, a.model)
    rng = np.random.default_rng(a.seed)
    images = np.stack([make_inputs.smooth_image(rng, height) for _ in range(a.images)])
    images = (images - make_inputs.MEAN[None, :, None, None]) / make_inputs.STD[None, :, None, None]
    images.astype(np.float32).tofile(a.calib_bin)
    with open(os.path.splitext(a.model)[0] + ".json", "w") as f:
        json.dump({}, f)
    print("%d calibration images %dx%d -> %s" % (a.images, height, width, a.calib_bin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
