// Synchronous test hook (name starts with _test) comparing the ring-skipping radius estimator
// with the plain shell-by-shell scan at many marker positions on one small image.
#include <napi.h>

#include "core/registry.h"
#include "kernels/marker_radius.h"

namespace {

using namespace nt::kern;

// _testRadiusEstimatorXY(data: Uint8Array, dims: number[3], at: Float64Array (x, y, z triples),
//   thresh) -> {fast: Float64Array, plain: Float64Array, slicesBuilt: number}
Napi::Value testRadiusEstimatorXY(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array da = info[1].As<Napi::Array>();
  const Dims d{da.Get(0u).As<Napi::Number>().Int64Value(), da.Get(1u).As<Napi::Number>().Int64Value(),
               da.Get(2u).As<Napi::Number>().Int64Value()};
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  if (static_cast<int64_t>(data.ElementLength()) != d.voxels()) throw Napi::RangeError::New(env, "dims do not match the voxel count");
  Napi::Float64Array at = info[2].As<Napi::Float64Array>();
  if (at.ElementLength() % 3 != 0) throw Napi::RangeError::New(env, "positions must come as x, y, z triples");
  const double thresh = info[3].As<Napi::Number>().DoubleValue();
  const uint8_t* img = data.Data();
  const size_t n = at.ElementLength() / 3;
  auto voxel = [img](int64_t i) { return static_cast<double>(img[i]); };
  RadiusEstimatorXY fast(voxel, d, thresh);
  Napi::Float64Array f = Napi::Float64Array::New(env, n), p = Napi::Float64Array::New(env, n);
  for (size_t i = 0; i < n; ++i) {
    const double x = at[3 * i], y = at[3 * i + 1], z = at[3 * i + 2];
    f[i] = fast(x, y, z);
    p[i] = markerRadiusXY(voxel, d, x, y, z, thresh);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("fast", f);
  out.Set("plain", p);
  out.Set("slicesBuilt", Napi::Number::New(env, static_cast<double>(fast.slicesBuilt())));
  return out;
}

}  // namespace

NT_EXPORT("_testRadiusEstimatorXY", testRadiusEstimatorXY);
