#!/usr/bin/env python3
"""Writes regression inputs whose FlatBuffers vectors of 8-byte elements sit
at addresses that are 4 mod 8. The FlatBuffers verifier only checks 4-byte
alignment of a vector, so such files verify; reading their elements through
a uint64/int64 pointer is undefined behaviour (UBSan: misaligned load).

  python3 make_misaligned_regressions.py qfb  BASE.qfb    OUT.qfb
  python3 make_misaligned_regressions.py tflite BASE.tflite OUT.tflite

qfb: moves Model.buffers (a vector of struct Buffer {offset: ulong; size:
ulong}) to the end of the file. tflite: moves the int64 zero_point vector of
every tensor's QuantizationParameters to the end of the file. The moved
copies are identical, so a correct reader sees the same model."""
import struct
import sys


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def field_location(b, table, index):
    """Absolute position of field `index` of the table at `table`, or None."""
    vtable = table - struct.unpack_from("<i", b, table)[0]
    vsize = struct.unpack_from("<H", b, vtable)[0]
    entry = 4 + 2 * index
    if entry >= vsize:
        return None
    off = struct.unpack_from("<H", b, vtable + entry)[0]
    return table + off if off else None


def deref(b, loc):
    return loc + u32(b, loc)


def move_vector_to_misaligned_end(b, loc, element_size):
    """Copies the vector the uoffset at `loc` points to so that its elements
    start at 4 mod 8, and repoints the uoffset."""
    vec = deref(b, loc)
    length = u32(b, vec)
    while len(b) % 8 != 0:
        b.append(0)
    new = len(b)  # the length word at 0 mod 8, elements at 4 mod 8
    b += b[vec:vec + 4 + length * element_size]
    struct.pack_into("<I", b, loc, new - loc)


def qfb(b):
    root = u32(b, 0)
    loc = field_location(b, root, 3)  # Model.buffers
    if loc is None:
        raise SystemExit("model has no buffers")
    move_vector_to_misaligned_end(b, loc, 16)


def tflite(b):
    root = u32(b, 0)
    subgraphs = deref(b, field_location(b, root, 2))
    subgraph = deref(b, subgraphs + 4)
    tensors = deref(b, field_location(b, subgraph, 0))
    moved = 0
    for i in range(u32(b, tensors)):
        tensor = deref(b, tensors + 4 + 4 * i)
        qloc = field_location(b, tensor, 4)  # Tensor.quantization
        if qloc is None:
            continue
        q = deref(b, qloc)
        zloc = field_location(b, q, 3)  # QuantizationParameters.zero_point
        if zloc is None:
            continue
        move_vector_to_misaligned_end(b, zloc, 8)
        moved += 1
    if not moved:
        raise SystemExit("no zero_point vectors")


def main():
    kind, src, dst = sys.argv[1:4]
    b = bytearray(open(src, "rb").read())
    {"qfb": qfb, "tflite": tflite}[kind](b)
    open(dst, "wb").write(bytes(b))


if __name__ == "__main__":
    main()
