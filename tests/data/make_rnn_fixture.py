#!/usr/bin/python3
"""Makes the LSTM / GRU fixtures in tests/data/rnn/.

Tiny PyTorch recurrent models (input 5, hidden 4, sequence 6, batch 1;
random weights under seed 0) exported with torch.onnx.export (opset 14), and
PyTorch's own outputs for a few random inputs. For each NAME in lstm, gru,
lstm_bidirectional:

  NAME.onnx        input "x" float32 [6, 1, 5] -> output "y" float32 [6, 1, D*4]
  NAME_x.npy       float32 [R, 6, 1, 5]: R inputs
  NAME_y.npy       float32 [R, 6, 1, D*4]: PyTorch's outputs for them
  NAME_W.npy, NAME_R.npy, NAME_B.npy: the exported LSTM / GRU node's W
                   [D, G*4, 5], R [D, G*4, 4] and B [D, 2*G*4] (ONNX's gate
                   order), for tests that build the op themselves
  NAME_Y.npy       float32 [R, 6, D, 1, 4]: the same outputs in the ONNX
                   node's Y layout [seq, directions, batch, hidden]

Run with Debian's interpreter (python3-torch, python3-onnx):
  /usr/bin/python3 tests/data/make_rnn_fixture.py
Tests read only these files; they never need torch.
"""
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "rnn")
SEQ, BATCH, INPUT, HIDDEN, RUNS = 6, 1, 5, 4, 3


class Wrapper(torch.nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def node_weights(model_path):
    model = onnx.load(model_path)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type in ("LSTM", "GRU"):
            return [inits[name] for name in node.input[1:4]]
    raise RuntimeError("no LSTM / GRU node in " + model_path)


def make(name, rnn, directions):
    torch.manual_seed(0)
    for p in rnn.parameters():
        torch.nn.init.uniform_(p, -0.6, 0.6)
    model = Wrapper(rnn).eval()
    path = os.path.join(OUT, name + ".onnx")
    example = torch.zeros(SEQ, BATCH, INPUT)
    torch.onnx.export(model, (example,), path, input_names=["x"], output_names=["y"], opset_version=14,
                      do_constant_folding=True)
    rng = np.random.default_rng(1)
    xs = rng.uniform(-2.0, 2.0, size=(RUNS, SEQ, BATCH, INPUT)).astype(np.float32)
    with torch.no_grad():
        ys = np.stack([model(torch.from_numpy(x)).numpy() for x in xs]).astype(np.float32)
    np.save(os.path.join(OUT, name + "_x.npy"), xs)
    np.save(os.path.join(OUT, name + "_y.npy"), ys)
    w, r, b = node_weights(path)
    np.save(os.path.join(OUT, name + "_W.npy"), w.astype(np.float32))
    np.save(os.path.join(OUT, name + "_R.npy"), r.astype(np.float32))
    np.save(os.path.join(OUT, name + "_B.npy"), b.astype(np.float32))
    y_onnx = ys.reshape(RUNS, SEQ, BATCH, directions, HIDDEN).transpose(0, 1, 3, 2, 4)
    np.save(os.path.join(OUT, name + "_Y.npy"), np.ascontiguousarray(y_onnx).astype(np.float32))


def main():
    os.makedirs(OUT, exist_ok=True)
    make("lstm", torch.nn.LSTM(INPUT, HIDDEN), 1)
    make("gru", torch.nn.GRU(INPUT, HIDDEN), 1)
    make("lstm_bidirectional", torch.nn.LSTM(INPUT, HIDDEN, bidirectional=True), 2)


if __name__ == "__main__":
    main()
