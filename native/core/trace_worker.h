// The one N-API entry shape for every native tracer:
//   fn(volume {data, dims, spacing}, params {}, seeds Float64Array(3k), control {cancel: Int32Array(1), progress(f, note)})
//     -> Promise<{x, y, z, radius: Float64Array, type, parent: Int32Array, meta: {}}>
// The voxel buffer is read in place (a reference keeps it alive); work runs off the JS thread.
#pragma once
#include <napi.h>

#include <atomic>
#include <functional>
#include <string>

#include "core/registry.h"
#include "core/volume.h"

namespace nt {

class TraceContext {
 public:
  TraceContext(const int32_t* cancelFlag, std::function<void(double, const std::string&)> report)
      : cancelFlag_(cancelFlag), report_(std::move(report)) {}
  bool cancelled() const { return cancelFlag_ && __atomic_load_n(cancelFlag_, __ATOMIC_RELAXED) != 0; }
  // Cores call this at natural checkpoints (between stages, every few thousand heap pops).
  void checkCancel() const { if (cancelled()) throw Cancelled(); }
  void progress(double fraction, const std::string& note = "") const { if (report_) report_(fraction, note); }
  // For one tracer core calling another (as Vaa3D plugins call each other): the same cancel flag,
  // the inner core's progress mapped into [lo, hi] of this one, its notes prefixed.
  TraceContext nested(double lo, double hi, const std::string& prefix) const {
    auto outer = report_;
    return TraceContext(cancelFlag_, [outer, lo, hi, prefix](double f, const std::string& note) {
      if (outer) outer(lo + (hi - lo) * f, prefix + note);
    });
  }

 private:
  const int32_t* cancelFlag_;
  std::function<void(double, const std::string&)> report_;
};

using TracerCore = NativeTree (*)(const VolumeView&, const Params&, const std::vector<Seed>&, TraceContext&);

Napi::Value runTracer(const Napi::CallbackInfo& info, TracerCore core, const char* name);

// A JS parameter object as Params: numbers, booleans and strings; anything else is skipped
// (nulls and objects are not scalar parameters, and the schema keeps them out).
Params paramsFromJs(const Napi::Object& obj);

}  // namespace nt

// Registers a tracer core under a JS export name.
#define NT_TRACER(jsName, coreFn)                                                       \
  static Napi::Value nt_entry_##coreFn(const Napi::CallbackInfo& info) {                \
    return ::nt::runTracer(info, coreFn, jsName);                                       \
  }                                                                                     \
  NT_EXPORT(jsName, nt_entry_##coreFn)
