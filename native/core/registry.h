// Self-registration of N-API exports: each translation unit adds its functions with
// NT_EXPORT, so the addon's Init never needs editing when a kernel or tracer is added.
#pragma once
#include <napi.h>
#include <vector>

namespace nt {
using ExportFn = Napi::Value (*)(const Napi::CallbackInfo&);
struct ExportEntry { const char* name; ExportFn fn; };
std::vector<ExportEntry>& exportTable();
struct ExportRegistrar {
  ExportRegistrar(const char* name, ExportFn fn) { exportTable().push_back({name, fn}); }
};
}  // namespace nt

#define NT_EXPORT(jsName, fn) static ::nt::ExportRegistrar nt_registrar_##fn(jsName, fn)
