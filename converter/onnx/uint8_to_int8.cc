#include "converter/onnx/uint8_to_int8.h"

namespace qrt::convert {

std::set<std::string> convert_uint8_to_int8(IrGraph& graph) {
  std::set<std::string> io;
  for (const std::string& name : graph.inputs) io.insert(name);
  for (const std::string& name : graph.outputs) io.insert(name);
  std::set<std::string> uint8_interface;
  for (auto& [name, v] : graph.values) {
    if (!v.quantization || v.quantization->dtype != IrDType::kUInt8) continue;
    for (int32_t& zp : v.quantization->zero_points) zp -= 128;
    v.quantization->dtype = IrDType::kInt8;
    if (v.is_constant && v.dtype == IrDType::kUInt8) {
      for (uint8_t& b : v.data) b ^= 0x80;  // (q - 128) in two's complement: flip the top bit
    }
    v.dtype = IrDType::kInt8;
    if (io.count(name)) uint8_interface.insert(name);
  }
  // DynamicQuantizeLinear's y and y_zero_point: uint8 without a fixed
  // quantization (chosen per run); stored the same way, q - 128.
  for (const IrNode& n : graph.nodes) {
    if (!n.domain.empty() || n.op_type != "DynamicQuantizeLinear") continue;
    for (size_t i : {size_t{0}, size_t{2}}) {
      IrValue* v = i < n.outputs.size() ? graph.find(n.outputs[i]) : nullptr;
      if (v == nullptr || v->dtype != IrDType::kUInt8 || v->quantization) continue;
      v->dtype = IrDType::kInt8;
      if (io.count(v->name)) uint8_interface.insert(v->name);
    }
  }
  return uint8_interface;
}

}  // namespace qrt::convert
