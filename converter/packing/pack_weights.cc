#include "converter/packing/pack_weights.h"

#include <set>
#include <utility>

#include "converter/qfb_writer.h"
#include "qrt/qrt.h"

namespace qrt {
namespace {

// The handles of one prepared interpreter, released on every path.
struct Prepared {
  qrt_options* options = nullptr;
  qrt_interpreter* interpreter = nullptr;
  ~Prepared() {
    if (interpreter != nullptr) qrt_interpreter_destroy(interpreter);
    if (options != nullptr) qrt_options_destroy(options);
  }
};

}  // namespace

bool pack_qfb_weights(const std::vector<uint8_t>& qfb, const std::vector<std::string>& isas,
                      std::vector<uint8_t>* packed, std::string* error, WeightPackingSummary* summary) {
  // Packing reads the model without any old packing, so the blobs come from
  // the original weights.
  QfbWriter writer = QfbWriter::from_qfb(qfb.data(), qfb.size());
  const std::vector<uint8_t> plain = writer.serialize();
  qrt_model* model = nullptr;
  if (qrt_model_load_buffer(plain.data(), plain.size(), &model) != QRT_OK) {
    *error = std::string("the model does not load: ") + qrt_last_error();
    return false;
  }
  std::set<std::pair<size_t, std::string>> stored;
  WeightPackingSummary totals;
  bool ok = true;
  for (const std::string& isa : isas) {
    Prepared p;
    if (qrt_options_create(&p.options) != QRT_OK || qrt_options_set_isa(p.options, isa.c_str()) != QRT_OK ||
        qrt_interpreter_create(model, p.options, &p.interpreter) != QRT_OK ||
        qrt_interpreter_prepare(p.interpreter) != QRT_OK) {
      *error = "cannot pack for '" + isa + "': " + qrt_last_error();
      ok = false;
      break;
    }
    size_t op_count = 0;
    qrt_interpreter_get_op_count(p.interpreter, &op_count);
    for (size_t i = 0; i < op_count; ++i) {
      qrt_packed_weights w;
      if (qrt_interpreter_get_op_packed_weights(p.interpreter, i, &w) != QRT_OK) continue;  // no packing
      if (!stored.insert({i, w.format}).second) continue;  // another ISA with the same layout
      const uint8_t* bytes = static_cast<const uint8_t*>(w.data);
      writer.add_packed_weights(static_cast<uint32_t>(i), w.format, isa, w.checksum,
                                std::vector<uint8_t>(bytes, bytes + w.size));
      ++totals.packings;
      totals.bytes += w.size;
    }
  }
  qrt_model_destroy(model);
  if (!ok) return false;
  *packed = writer.serialize();
  if (summary != nullptr) *summary = totals;
  return true;
}

}  // namespace qrt
