// The ops XNNPACK can take, by file. Each takes an op the loader validated
// and sets *prepared, or leaves it null and says why in *declined.
#pragma once

#include <memory>
#include <string>

#include "runtime/backends/backend.h"
#include "runtime/model.h"

namespace qrt {

// xnnpack_conv_ops.cc
void xnnpack_prepare_conv2d(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>*, std::string*);
void xnnpack_prepare_depthwise_conv2d(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>*, std::string*);
void xnnpack_prepare_fully_connected(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>*, std::string*);

// xnnpack_elementwise_ops.cc
void xnnpack_prepare_binary(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>*, std::string*);
void xnnpack_prepare_max_pool2d(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>*, std::string*);
void xnnpack_prepare_mean(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>*, std::string*);
void xnnpack_prepare_sigmoid_tanh(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>*, std::string*);

}  // namespace qrt
