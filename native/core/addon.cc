#include "core/registry.h"

namespace nt {
std::vector<ExportEntry>& exportTable() {
  static std::vector<ExportEntry> table;  // function-local: safe against static-init order
  return table;
}
}  // namespace nt

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (const auto& e : nt::exportTable()) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  return exports;
}

NODE_API_MODULE(neurotrace_native, Init)
