#!/usr/bin/python3
"""Writes deterministic calibration batches for 224x224 ImageNet-style models.

  /usr/bin/python3 benchmarks/models/make_inputs.py -o build/models/calib --batches 2 --batch-size 4

Each batch is a float32 .npy of shape [N,3,224,224] (NCHW), as qconvert's
--calib reads them (an [N, ...] batch feeds a [1,3,224,224] input N times).
The images are smooth: random colours on a coarse grid (a few cells per
side), bilinearly upsampled, plus a little pixel noise, in [0,1]; then
normalised with ImageNet's mean and std as torchvision's transforms do.
A randomly initialised network fed white noise has unrealistic activation
statistics; smooth images give it larger, correlated regions, like photos.

With --token-ids it writes token ids for transformer_encoder instead: each
batch an int32 .npy [N,1,64] (qconvert feeds [1,64] int64 inputs from int32
files), Zipf-distributed ids below --vocab (1000).

Needs numpy only (no torch).
"""
import argparse
import os
import sys

import numpy as np

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
SEED = 1234


def upsample_linear(grid, size):
    """Bilinear upsampling of [C,g,g] to [C,size,size] (align_corners style)."""
    g = grid.shape[-1]
    src = np.linspace(0.0, g - 1.0, size)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, g - 1)
    t = (src - lo).astype(np.float32)
    rows = grid[:, lo, :] * (1 - t)[None, :, None] + grid[:, hi, :] * t[None, :, None]
    return rows[:, :, lo] * (1 - t)[None, None, :] + rows[:, :, hi] * t[None, None, :]


def smooth_image(rng, size):
    cells = int(rng.integers(3, 9))
    image = upsample_linear(rng.random((3, cells, cells), dtype=np.float32), size)
    image += rng.normal(0.0, 0.02, image.shape).astype(np.float32)
    return np.clip(image, 0.0, 1.0)


def token_ids(rng, count, seq, vocab):
    """int32 [count, 1, seq] token ids, Zipf-like (frequent low ids), closer
    to text than uniform ids."""
    ranks = np.arange(1, vocab + 1, dtype=np.float64)
    p = (1.0 / ranks) / np.sum(1.0 / ranks)
    return rng.choice(vocab, size=(count, 1, seq), p=p).astype(np.int32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", required=True, help="folder for batch_NNN.npy")
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--token-ids", action="store_true", help="token ids for transformer_encoder")
    parser.add_argument("--seq", type=int, default=64)
    parser.add_argument("--vocab", type=int, default=1000)
    args = parser.parse_args()
    if args.batches < 1 or args.batch_size < 1 or args.size < 2:
        parser.error("--batches and --batch-size must be >= 1, --size >= 2")

    rng = np.random.default_rng(args.seed)
    os.makedirs(args.output, exist_ok=True)
    if args.token_ids:
        for b in range(args.batches):
            ids = token_ids(rng, args.batch_size, args.seq, args.vocab)
            np.save(os.path.join(args.output, f"batch_{b:03d}.npy"), ids)
        print(f"{args.batches} batches of {args.batch_size} x {args.seq} token ids -> {args.output}")
        return 0
    for b in range(args.batches):
        batch = np.stack([smooth_image(rng, args.size) for _ in range(args.batch_size)])
        batch = (batch - MEAN[None, :, None, None]) / STD[None, :, None, None]
        np.save(os.path.join(args.output, f"batch_{b:03d}.npy"), batch.astype(np.float32))
    print(f"{args.batches} batches of {args.batch_size} images {args.size}x{args.size} -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
