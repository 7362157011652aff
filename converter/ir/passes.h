// Float-graph passes run before calibration. Each is one small function that
// returns how many rewrites it made, keeps the nodes in execution order, and
// leaves the graph's outputs unchanged (passes_test runs the float executor
// before and after each). Names of graph inputs and outputs never change.
#pragma once

#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace qrt::convert {

// Runs the executor once on zeros (when every graph input's shape is known)
// and records each value's shape and dtype, so Shape nodes can be folded and
// Reshapes recognized as flattens. Returns the number of values updated.
int infer_static_shapes(IrGraph* graph);

// Nodes whose inputs are all constants (and Shape of a value whose shape is
// known) are executed now and replaced by constants.
int fold_constants(IrGraph* graph);

// Identity and Dropout (inference) nodes are removed; their readers read the input.
int remove_identity_nodes(IrGraph* graph);

// Conv (constant weights) -> BatchNormalization: the BN scale and shift go
// into the Conv's weights and bias.
int fold_batch_norm_into_conv(IrGraph* graph);

// Pad (constant mode, zero on batch and channel) -> Conv, AveragePool or
// MaxPool: the pads move into the window op when that is exact (zero for
// Conv; zero with count_include_pad for AveragePool; -inf or lower for MaxPool).
int fold_pad_into_window_ops(IrGraph* graph);

// The fully-connected form the lowering maps to FULLY_CONNECTED:
// Gemm(X [M,K], W [N,K] constant, transB=1, alpha=1, beta=1, optional C [N]).
// MatMul by a constant 2-D matrix (plus a following Add of a constant [N]
// bias) and Gemm with transB=0 or alpha/beta != 1 are rewritten to it, and a
// Reshape feeding one that flattens [N, ...] to [N, K] becomes Flatten(axis=1).
int canonicalize_fully_connected(IrGraph* graph);

// Conv / Gemm / MatMul followed by Relu or Clip (constant bounds): the
// activation is recorded on the producer (fused_activation.h) and removed.
int fuse_activations(IrGraph* graph);

// ReduceMean -> Sub -> Pow(2) -> ReduceMean -> Add(eps) -> Sqrt -> Div ->
// Mul(gamma) [-> Add(beta)] over the last axis (PyTorch's LayerNorm below
// opset 17) -> one LayerNormalization node.
int fuse_layer_norm(IrGraph* graph);

// x * 0.5 * (1 + erf(x / sqrt(2))) (PyTorch's exported GELU) -> one Gelu node.
int fuse_gelu(IrGraph* graph);

// Div of an activation by a scalar constant -> Mul by the reciprocal
// (attention's 1 / sqrt(d)); qrt has no int8 Div. Run after fuse_gelu, whose pattern has a Div.
int div_by_constant_to_mul(IrGraph* graph);

// All of the above in a working order; returns a line per pass that changed something.
std::vector<std::string> run_float_passes(IrGraph* graph);

}  // namespace qrt::convert
