#!/usr/bin/python3
"""Makes the dynamic-quantization Conv fixtures in tests/data/dynamic_conv/.

ONNX Runtime's onnxruntime.quantization.quantize_dynamic turns a float Conv
into DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul(x_scale * w_scale)
[-> Add(Reshape(bias, [1, -1, 1, 1]))]. onnxruntime is not a Debian package,
so this script writes that graph itself with onnx.helper, for small random
convolutions, and computes its outputs with an independent numpy
implementation of the ONNX / ONNX Runtime semantics, step by step in float32
where ONNX Runtime computes in float32:

  DynamicQuantizeLinear: lo = min(0, min x), hi = max(0, max x),
    scale = (hi - lo) / 255 (1 when hi == lo),
    zp = round_half_even(clip(0 - lo / scale, 0, 255)),
    q = clip(round_half_even(x / scale) + zp, 0, 255)
  ConvInteger: int32 sum of (q - zp) * (w - w_zp), the padding holding zp
  Cast to float32, Mul by float32(x_scale * w_scale), Add the bias.

Each case NAME writes NAME.onnx (input "x" float32 NCHW, output "y"),
NAME_inputs.npy float32 [R, *x.shape] (R runs: random values, all >= 0,
all <= 0, all zero) and NAME_expected.npy float32 [R, *y.shape].

The case "float_conv_relu" is a float Conv -> Relu model for qconvert
--dynamic: its expected outputs quantize the weights by qconvert's rule
(symmetric per output channel, scale = float32(max |w|) / 127,
round_half_even(w / scale) clipped to [-127, 127]) and then run the same
graph semantics, with a final Relu.

Run with Debian's interpreter (python3-onnx, python3-numpy):
  /usr/bin/python3 tests/data/make_dynamic_conv_fixture.py
Tests read only the files it writes.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "dynamic_conv")
F32 = np.float32


# ---- the numpy reference of the ONNX Runtime graph ----

def dynamic_quantize_linear(x):
    x = x.astype(F32)
    lo = F32(min(F32(x.min()), F32(0)))
    hi = F32(max(F32(x.max()), F32(0)))
    scale = F32(1) if hi == lo else F32((hi - lo) / F32(255))
    initial = F32(F32(0) - F32(lo / scale))
    zp = np.rint(np.clip(initial, F32(0), F32(255))).astype(np.int64)  # rint: half to even
    q = np.clip(np.rint((x / scale).astype(F32)) + F32(zp), F32(0), F32(255)).astype(np.int64)
    return q, scale, zp


def conv_integer(q, zp, w, w_zp, strides, pads, dilations, group):
    """q [N, C, H, W] int64, w [M, C/g, KH, KW] int64, pads [top, left, bottom, right]."""
    n, c, h, wd = q.shape
    m, cg, kh, kw = w.shape
    padded = np.full((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]), zp, dtype=np.int64)
    padded[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = q
    oh = (h + pads[0] + pads[2] - (dilations[0] * (kh - 1) + 1)) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - (dilations[1] * (kw - 1) + 1)) // strides[1] + 1
    w_zp = np.asarray(w_zp, dtype=np.int64).reshape(-1)
    wc = w - (w_zp.reshape(-1, 1, 1, 1) if w_zp.size > 1 else w_zp[0])
    xc = padded - zp
    acc = np.zeros((n, m, oh, ow), dtype=np.int64)
    mg = m // group
    for g in range(group):
        xs = xc[:, g * cg:(g + 1) * cg]
        for y in range(oh):
            for x in range(ow):
                rows = y * strides[0] + dilations[0] * np.arange(kh)
                cols = x * strides[1] + dilations[1] * np.arange(kw)
                patch = xs[:, :, rows][:, :, :, cols]  # [N, Cg, KH, KW]
                acc[:, g * mg:(g + 1) * mg, y, x] = np.einsum("nchw,mchw->nm", patch, wc[g * mg:(g + 1) * mg])
    assert np.abs(acc).max() < 2 ** 31
    return acc


def ort_graph(x, w_q, w_zp, w_scale, bias, strides, pads, dilations, group, relu=False):
    q, x_scale, zp = dynamic_quantize_linear(x)
    acc = conv_integer(q, int(zp), w_q, w_zp, strides, pads, dilations, group)
    m = w_q.shape[0]
    scale = (F32(x_scale) * np.asarray(w_scale, dtype=F32)).astype(F32)  # the Mul of the two scales
    scale = scale.reshape(-1, 1, 1) if scale.size > 1 else scale.reshape(())
    y = (acc.astype(F32) * scale).astype(F32)
    if bias is not None:
        y = (y + bias.astype(F32).reshape(1, m, 1, 1)).astype(F32)
    if relu:
        y = np.maximum(y, F32(0))
    return y.astype(F32)


# ---- models ----

def onnx_pads(pads):  # [top, left, bottom, right] -> ONNX's [top, left, bottom, right]: the same order
    return list(pads)


def ort_model(name, x_shape, w_q, w_dtype, w_zp, w_scale, scale_shape, bias, strides, pads, dilations, group):
    m = w_q.shape[0]
    inits = [
        numpy_helper.from_array(w_q.astype(w_dtype), "W_quantized"),
        numpy_helper.from_array(np.asarray(w_zp, dtype=w_dtype).reshape(np.shape(w_zp)), "W_zero_point"),
        numpy_helper.from_array(np.asarray(w_scale, dtype=F32).reshape(scale_shape), "W_scale"),
    ]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["x_quantized", "x_scale", "x_zero_point"], name="x_QuantizeLinear"),
        helper.make_node("ConvInteger", ["x_quantized", "W_quantized", "x_zero_point", "W_zero_point"],
                         ["y_output_quantized"], name="conv_quant", kernel_shape=list(w_q.shape[2:]),
                         strides=list(strides), pads=onnx_pads(pads), dilations=list(dilations), group=group),
        helper.make_node("Cast", ["y_output_quantized"], ["y_output_quantized_cast_output"],
                         name="y_output_quantized_cast", to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x_scale", "W_scale"], ["conv_quant_scales_mul:0"], name="conv_quant_scales_mul"),
    ]
    out = "y"
    if bias is not None:
        out = "y_scaled"
        inits.append(numpy_helper.from_array(bias.astype(F32), "B"))
        inits.append(numpy_helper.from_array(np.array([1, -1, 1, 1], dtype=np.int64), "y_bias_reshape_shape"))
        nodes.append(helper.make_node("Reshape", ["B", "y_bias_reshape_shape"], ["y_bias_reshape_output"]))
    nodes.append(helper.make_node("Mul", ["y_output_quantized_cast_output", "conv_quant_scales_mul:0"], [out],
                                  name="conv_quant_output_scale_mul"))
    if bias is not None:
        nodes.append(helper.make_node("Add", ["y_scaled", "y_bias_reshape_output"], ["y"], name="y_bias_add"))
    return nodes, inits


def save(name, nodes, inits, x_shape, y_shape, opset=13):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_dynamic_conv_fixture")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def inputs_for(rng, shape):
    runs = [
        rng.uniform(-1.5, 2.5, size=shape),
        rng.uniform(0.0, 3.0, size=shape),    # lo = 0: zero point 0
        rng.uniform(-2.0, 0.0, size=shape),   # hi = 0: zero point 255
        np.zeros(shape),                      # hi == lo: scale 1
    ]
    return np.stack(runs).astype(F32)


CASES = [
    # name, x shape, M, KH, KW, strides, pads (top, left, bottom, right), dilations, group, weights, per-channel scale, bias
    ("conv3x3_pad1", (1, 3, 6, 5), 4, 3, 3, (1, 1), (1, 1, 1, 1), (1, 1), 1, "int8", False, True),
    ("conv3x3_stride2_uint8_groups", (2, 4, 7, 6), 6, 3, 2, (2, 1), (0, 1, 1, 0), (1, 2), 2, "uint8", False, False),
    ("pointwise_per_channel", (1, 5, 4, 3), 7, 1, 1, (1, 1), (0, 0, 0, 0), (1, 1), 1, "int8", True, True),
    ("depthwise_asym_pads", (1, 4, 5, 5), 4, 3, 3, (1, 2), (2, 0, 1, 1), (1, 1), 4, "int8", True, False),
]


def output_shape(x_shape, m, kh, kw, strides, pads, dilations):
    oh = (x_shape[2] + pads[0] + pads[2] - (dilations[0] * (kh - 1) + 1)) // strides[0] + 1
    ow = (x_shape[3] + pads[1] + pads[3] - (dilations[1] * (kw - 1) + 1)) // strides[1] + 1
    return (x_shape[0], m, oh, ow)


def make_ort_case(rng, case):
    name, x_shape, m, kh, kw, strides, pads, dilations, group, wtype, per_channel, with_bias = case
    cg = x_shape[1] // group
    if wtype == "int8":
        w_q = rng.integers(-127, 128, size=(m, cg, kh, kw))
        w_zp, dtype = (np.zeros(m, dtype=np.int64) if per_channel else np.int64(0)), np.int8
    else:  # uint8 with zero point 128: quantize_dynamic's QUInt8 weights; w - 128 fits int8
        w_q = rng.integers(0, 256, size=(m, cg, kh, kw))
        w_zp, dtype = (np.full(m, 128, dtype=np.int64) if per_channel else np.int64(128)), np.uint8
    w_scale = rng.uniform(0.005, 0.05, size=m if per_channel else 1).astype(F32)
    scale_shape = (m, 1, 1) if per_channel else ()
    bias = rng.uniform(-1.0, 1.0, size=m).astype(F32) if with_bias else None
    nodes, inits = ort_model(name, x_shape, w_q, dtype, w_zp, w_scale if per_channel else w_scale[0], scale_shape, bias,
                             strides, pads, dilations, group)
    y_shape = output_shape(x_shape, m, kh, kw, strides, pads, dilations)
    save(name, nodes, inits, list(x_shape), list(y_shape))
    xs = inputs_for(rng, x_shape)
    ys = np.stack([ort_graph(x, w_q, w_zp, w_scale, bias, strides, pads, dilations, group) for x in xs])
    np.save(os.path.join(OUT, name + "_inputs.npy"), xs)
    np.save(os.path.join(OUT, name + "_expected.npy"), ys.astype(F32))


def qconvert_weight_rule(w):
    m = w.shape[0]
    scales = np.empty(m, dtype=F32)
    q = np.empty(w.shape, dtype=np.int64)
    for c in range(m):
        peak = F32(np.abs(w[c]).max())
        scales[c] = F32(peak / F32(127)) if peak > 0 else F32(1)
        q[c] = np.clip(np.rint((w[c] / scales[c]).astype(F32)), -127, 127).astype(np.int64)
    return q, scales


def make_float_case(rng):
    name, x_shape, m, kh, kw = "float_conv_relu", (1, 3, 6, 6), 5, 3, 3
    strides, pads, dilations = (1, 1), (1, 1, 1, 1), (1, 1)
    w = rng.normal(0.0, 0.4, size=(m, x_shape[1], kh, kw)).astype(F32)
    bias = rng.uniform(-0.5, 0.5, size=m).astype(F32)
    nodes = [
        helper.make_node("Conv", ["x", "W", "B"], ["h"], name="conv", kernel_shape=[kh, kw], pads=list(pads)),
        helper.make_node("Relu", ["h"], ["y"], name="relu"),
    ]
    inits = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(bias, "B")]
    y_shape = output_shape(x_shape, m, kh, kw, strides, pads, dilations)
    save(name, nodes, inits, list(x_shape), list(y_shape))
    w_q, w_scale = qconvert_weight_rule(w)
    xs = inputs_for(rng, x_shape)
    ys = np.stack([ort_graph(x, w_q, np.zeros(m, dtype=np.int64), w_scale, bias, strides, pads, dilations, 1, relu=True)
                   for x in xs])
    np.save(os.path.join(OUT, name + "_inputs.npy"), xs)
    np.save(os.path.join(OUT, name + "_expected.npy"), ys.astype(F32))
    # The float result, for the test's quantization-error bound.
    np.save(os.path.join(OUT, name + "_float.npy"), np.stack([float_conv_relu(x, w, bias, pads) for x in xs]))


def float_conv_relu(x, w, bias, pads):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    p = np.zeros((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]), dtype=np.float64)
    p[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    oh, ow = h + pads[0] + pads[2] - kh + 1, wd + pads[1] + pads[3] - kw + 1
    y = np.zeros((n, m, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = np.einsum("nchw,mchw->nm", p[:, :, i:i + kh, j:j + kw], w.astype(np.float64))
    return np.maximum(y + bias.reshape(1, m, 1, 1), 0).astype(F32)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261206)
    for case in CASES:
        make_ort_case(rng, case)
    make_float_case(rng)


if __name__ == "__main__":
    main()
