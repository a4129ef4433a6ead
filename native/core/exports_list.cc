// nativeExports(): the names this addon build provides, so the host can tell a manifest that
// names a missing native export apart from one whose core fails at run time.
#include "core/registry.h"

static Napi::Value nativeExports(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& t = nt::exportTable();
  Napi::Array out = Napi::Array::New(env, t.size());
  for (size_t i = 0; i < t.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::String::New(env, t[i].name));
  return out;
}
NT_EXPORT("nativeExports", nativeExports);
