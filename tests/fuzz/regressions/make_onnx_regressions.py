#!/usr/bin/env python3
"""Writes the handcrafted ONNX regression inputs of onnx_import/ (plain
Python, no onnx package: the protobuf is encoded by hand). Each is a model
with a QuantizeLinear (so the importer does not refuse it as float) and one
constant-folded node with fewer inputs than its op takes, which used to index
past the node's input list (converter/onnx/import_constant_folding.cc).
Run from this directory: python3 make_onnx_regressions.py"""
import struct


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, wire, payload):
    key = varint((number << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def s(number, text):
    return field(number, 2, text.encode())


def msg(number, body):
    return field(number, 2, body)


def tensor(name, dims, data_type, raw):
    body = b"".join(field(1, 0, d) for d in dims) + field(2, 0, data_type) + s(8, name) + field(9, 2, raw)
    return body


def float_tensor(name, values):
    return tensor(name, [len(values)], 1, struct.pack("<%df" % len(values), *values))


def int64_tensor(name, values):
    return tensor(name, [len(values)], 7, struct.pack("<%dq" % len(values), *values))


def node(op_type, inputs, outputs, name):
    return b"".join(s(1, i) for i in inputs) + b"".join(s(2, o) for o in outputs) + s(3, name) + s(4, op_type)


def value_info(name, elem_type, dims):
    shape = b"".join(msg(1, field(1, 0, d)) for d in dims)
    tensor_type = field(1, 0, elem_type) + msg(2, shape)
    return s(1, name) + msg(2, msg(1, tensor_type))


def model(nodes, initializers, outputs):
    graph = b"".join(msg(1, n) for n in nodes) + s(2, "g")
    graph += b"".join(msg(5, t) for t in initializers)
    graph += b"".join(msg(12, value_info(*o)) for o in outputs)
    opset = s(1, "") + field(2, 0, 13)
    return field(1, 0, 8) + msg(8, opset) + msg(7, graph)


def write(name, data):
    with open("onnx_import/" + name, "wb") as f:
        f.write(data)


# QuantizeLinear on a constant with only its x input (scale missing).
write("quantize_linear_one_input.onnx",
      model([node("QuantizeLinear", ["x"], ["q"], "q")], [float_tensor("x", [1.0, 2.0])],
            [("q", 2, [2])]))

# Gather of an int64 constant with no indices input.
write("gather_one_input.onnx",
      model([node("Gather", ["shape"], ["g"], "gather"),
             node("QuantizeLinear", ["x", "scale"], ["q"], "q")],
            [int64_tensor("shape", [1, 2, 3]), float_tensor("x", [1.0]), float_tensor("scale", [0.5])],
            [("q", 2, [1]), ("g", 7, [3])]))

# Shape with no input at all.
write("shape_no_input.onnx",
      model([node("Shape", [], ["s"], "shape"),
             node("QuantizeLinear", ["x", "scale"], ["q"], "q")],
            [float_tensor("x", [1.0]), float_tensor("scale", [0.5])],
            [("q", 2, [1]), ("s", 7, [1])]))

# Concat whose second input is empty ("", an absent optional input).
write("concat_empty_input.onnx",
      model([node("Concat", ["shape", ""], ["c"], "concat"),
             node("QuantizeLinear", ["x", "scale"], ["q"], "q")],
            [int64_tensor("shape", [1, 2]), float_tensor("x", [1.0]), float_tensor("scale", [0.5])],
            [("q", 2, [1]), ("c", 7, [2])]))
