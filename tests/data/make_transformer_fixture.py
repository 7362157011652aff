#!/usr/bin/python3
"""Makes the int8 transformer test fixture in tests/data/transformer/.

A tiny BERT-style encoder, the same architecture as
benchmarks/models/export_model.py transformer_encoder (transformer_encoder.py)
at toy size: vocab 50, sequence 8, hidden 16, 2 layers, 2 heads, FFN 32,
4 labels per token; random weights under seed 0; ONNX opset 17. Writes:

  model.onnx          input "input_ids" int64 [1,8] -> output "logits" float32 [1,8,4]
  model_opset14.onnx  the same at opset 14, where LayerNorm is exported as
                      ReduceMean / Sub / Pow / Add / Sqrt / Div / Mul / Add
  calibration.npy     int32 [32,1,8]: token ids for static PTQ (Zipf-like, as make_inputs.py --token-ids)
  heldout_ids.npy     int32 [16,1,8]: other token ids, never used for calibration
  heldout_logits.npy  float32 [16,1,8,4]: PyTorch's logits for them

Run with Debian's interpreter (python3-torch, python3-onnx):
  /usr/bin/python3 tests/data/make_transformer_fixture.py
Tests read only these files; they never need torch.
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "benchmarks", "models"))
import transformer_encoder  # noqa: E402
from make_inputs import token_ids  # noqa: E402

OUT = os.path.join(HERE, "transformer")
VOCAB, SEQ = 50, 8


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = transformer_encoder.TransformerEncoder(vocab=VOCAB, seq=SEQ, hidden=16, layers=2, heads=2, ffn=32,
                                                   labels=4).eval()
    os.makedirs(OUT, exist_ok=True)
    transformer_encoder.export(model, os.path.join(OUT, "model.onnx"), seq=SEQ)
    transformer_encoder.export(model, os.path.join(OUT, "model_opset14.onnx"), seq=SEQ, opset=14)
    rng = np.random.default_rng(1234)
    np.save(os.path.join(OUT, "calibration.npy"), token_ids(rng, 32, SEQ, VOCAB))
    heldout = token_ids(rng, 16, SEQ, VOCAB)
    np.save(os.path.join(OUT, "heldout_ids.npy"), heldout)
    with torch.no_grad():
        logits = np.stack([model(torch.from_numpy(ids.astype(np.int64))).numpy() for ids in heldout])
    np.save(os.path.join(OUT, "heldout_logits.npy"), logits.astype(np.float32))
    print(f"{sum(p.numel() for p in model.parameters())} parameters -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
