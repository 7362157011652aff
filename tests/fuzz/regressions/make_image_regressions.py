#!/usr/bin/env python3
"""Writes the handcrafted image regression inputs of image/: tiny files whose
headers declare huge images (decompression bombs). Before the bounds of
runtime/tools/image_input.h, stb_image decoded them: a truncated JPEG is
filled with zero bits, so 150 bytes declaring 16384 x 16384 decoded 256 M
pixels (seconds and gigabytes). Also JPEGs whose scan uses a Huffman table
the file never defines, which stb_image decodes with uninitialized memory
(runtime/tools/jpeg_file_checks.h). Run from this directory."""
import struct
import zlib


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(width, height, components, ac_table_defined=0):
    out = b"\xff\xd8"
    out += segment(0xDB, b"\x00" + b"\x01" * 64)  # one quantization table of ones
    sof = struct.pack(">BHHB", 8, height, width, components)
    for c in range(components):
        sof += bytes([c + 1, 0x11, 0])
    out += segment(0xC0, sof)
    # DC table 0 and AC table 0, each with one 1-bit code: DC difference 0 and
    # end-of-block. Zero bits then decode as flat blocks.
    counts = bytes([1] + [0] * 15)
    out += segment(0xC4, b"\x00" + counts + b"\x00")
    out += segment(0xC4, bytes([0x10 | ac_table_defined]) + counts + b"\x00")
    sos = bytes([components])
    for c in range(components):
        sos += bytes([c + 1, 0x00])
    out += segment(0xDA, sos + b"\x00\x3f\x00")
    return out + b"\x00\x00\x00\x00" + b"\xff\xd9"


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, bit_depth, color_type, rows):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00" * ((width * bit_depth + 7) // 8) for _ in range(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def write(name, data):
    with open("image/" + name, "wb") as f:
        f.write(data)


write("jpeg_bomb_16384x16384_gray.jpg", jpeg(16384, 16384, 1))
write("jpeg_bomb_8192x8192_rgb.jpg", jpeg(8192, 8192, 3))
write("png_bomb_16384x16384_rgba.png", png(16384, 16384, 8, 6, 1))
write("png_bomb_16384x16384_1bit.png", png(16384, 16384, 1, 0, 16))
# Within every bound: must still decode (a 64 x 64 flat gray JPEG).
write("jpeg_small_flat_64x64.jpg", jpeg(64, 64, 1))
# The scan uses AC table 0 but the file defines AC table 2 only: stb_image
# decoded with its uninitialized table 0 (found by the image fuzzer, see
# jpeg_undefined_huffman_fuzzer_found.jpg; an assertion in Debian's libstb).
write("jpeg_undefined_huffman_ac0_8x8.jpg", jpeg(8, 8, 1, ac_table_defined=2))
