"""A small BERT-style encoder for qrt's int8 transformer path (imported by
export_model.py and by tests/data/make_transformer_fixture.py).

Token ids [1, S] int64 -> token embedding + learned positions -> LayerNorm
-> L post-LN encoder layers (multi-head self-attention with Q*K^T and P*V as
batched MatMuls of two activations, Softmax on the last axis, GELU feed
forward) -> a per-token classifier: logits [1, S, labels].

Written with explicit views, transposes and matmuls (not nn.MultiheadAttention)
so the ONNX graph has exactly the ops qrt imports: Gather, Add, MatMul,
Reshape, Transpose, Mul, Softmax, LayerNormalization (opset 17) and the erf
form of GELU. Every shape is a Python int, so the graph's shapes are static.
"""
import torch
from torch import nn
from torch.nn import functional as F


class EncoderLayer(nn.Module):
    def __init__(self, seq, hidden, heads, ffn):
        super().__init__()
        self.seq, self.hidden, self.heads, self.head_dim = seq, hidden, heads, hidden // heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.o = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden)
        self.ff1 = nn.Linear(hidden, ffn)
        self.ff2 = nn.Linear(ffn, hidden)
        self.ln2 = nn.LayerNorm(hidden)

    def forward(self, x):
        s, h, nh, dh = self.seq, self.hidden, self.heads, self.head_dim
        q = self.q(x).view(1, s, nh, dh).transpose(1, 2)     # [1, nh, S, dh]
        k = self.k(x).view(1, s, nh, dh).permute(0, 2, 3, 1)  # [1, nh, dh, S]
        v = self.v(x).view(1, s, nh, dh).transpose(1, 2)     # [1, nh, S, dh]
        scores = torch.matmul(q, k) / (dh ** 0.5)            # [1, nh, S, S]
        probs = torch.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).transpose(1, 2).reshape(1, s, h)
        x = self.ln1(x + self.o(context))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))


class TransformerEncoder(nn.Module):
    def __init__(self, vocab=1000, seq=64, hidden=128, layers=2, heads=4, ffn=512, labels=16):
        super().__init__()
        self.token = nn.Embedding(vocab, hidden)
        self.position = nn.Parameter(torch.randn(seq, hidden) * 0.5)
        self.ln = nn.LayerNorm(hidden)
        self.layers = nn.ModuleList([EncoderLayer(seq, hidden, heads, ffn) for _ in range(layers)])
        self.classifier = nn.Linear(hidden, labels)
        # LayerNorm's default (gamma 1, beta 0) would hide mistakes in how
        # gamma and beta are applied: give them random values near those.
        for m in self.modules():
            if isinstance(m, nn.LayerNorm):
                nn.init.normal_(m.weight, 1.0, 0.1)
                nn.init.normal_(m.bias, 0.0, 0.1)

    def forward(self, ids):
        x = self.ln(self.token(ids) + self.position)
        for layer in self.layers:
            x = layer(x)
        return self.classifier(x)


def export(model, path, seq, opset=17):
    """ONNX export: input "input_ids" int64 [1, seq], output "logits" [1, seq, labels]."""
    ids = torch.zeros(1, seq, dtype=torch.int64)
    with torch.no_grad():
        torch.onnx.export(model.eval(), ids, path, input_names=["input_ids"], output_names=["logits"],
                          opset_version=opset, do_constant_folding=True)

