// Synchronous hooks into the NeuroGPS-Tree stages for the test suite (names start with _test):
// pre-processing, binarisation and the tree writer on tiny inputs, so their rules can be checked
// against hand-computed answers without running a whole trace.
#include <napi.h>

#include <string>
#include <vector>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "tracers/neurogps_prep.h"
#include "tracers/neurogps_tree.h"

namespace {

using namespace nt::gps;

std::vector<int64_t> dimsOf(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  return {a.Get(0u).As<Napi::Number>().Int64Value(), a.Get(1u).As<Napi::Number>().Int64Value(),
          a.Get(2u).As<Napi::Number>().Int64Value()};
}

double numberOr(const Napi::Object& o, const char* k, double def) {
  return o.Has(k) ? o.Get(k).As<Napi::Number>().DoubleValue() : def;
}

Napi::Array intArray(Napi::Env env, std::initializer_list<int64_t> v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  uint32_t i = 0;
  for (int64_t x : v) a.Set(i++, Napi::Number::New(env, static_cast<double>(x)));
  return a;
}

// _testNeuroGpsPrep(data: Uint8Array, dims, {xRes, yRes, zRes, enhanceValue, zSliceQuirk})
//   -> {dims, scales, data: Uint16Array}
Napi::Value testPrep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  const auto d = dimsOf(info[1]);
  if (static_cast<int64_t>(data.ElementLength()) != d[0] * d[1] * d[2]) throw Napi::RangeError::New(env, "dims do not match the voxel count");
  Napi::Object o = info[2].As<Napi::Object>();
  PrepOptions opt;
  opt.xRes = numberOr(o, "xRes", 1);
  opt.yRes = numberOr(o, "yRes", 1);
  opt.zRes = numberOr(o, "zRes", 2);
  opt.enhanceValue = numberOr(o, "enhanceValue", 0);
  opt.zSliceQuirk = o.Has("zSliceQuirk") ? o.Get("zSliceQuirk").ToBoolean().Value() : true;
  Scales s;
  Image16 img;
  try {
    img = convertImage(data.Data(), d[0], d[1], d[2], opt, s);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("dims", intArray(env, {img.nx, img.ny, img.nz}));
  out.Set("scales", intArray(env, {s.x, s.y, s.z}));
  out.Set("data", nt::js::typedArray(env, img.v));
  return out;
}

// _testNeuroGpsBinarize(data: Uint16Array, dims, k) -> {back: Uint16Array, fore: Uint8Array}
Napi::Value testBinarize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint16Array data = info[0].As<Napi::Uint16Array>();
  const auto d = dimsOf(info[1]);
  if (static_cast<int64_t>(data.ElementLength()) != d[0] * d[1] * d[2]) throw Napi::RangeError::New(env, "dims do not match the voxel count");
  Image16 img;
  img.nx = static_cast<int>(d[0]);
  img.ny = static_cast<int>(d[1]);
  img.nz = static_cast<int>(d[2]);
  img.v.assign(data.Data(), data.Data() + data.ElementLength());
  const Binarized b = binarize(img, info[2].As<Napi::Number>().DoubleValue(), [] {});
  Napi::Object out = Napi::Object::New(env);
  out.Set("back", nt::js::typedArray(env, b.back.v));
  out.Set("fore", nt::js::typedArray(env, b.fore));
  return out;
}

// _testNeuroGpsWriteTree(curves: Float64Array[] (x, y, z, r per node), scale: number[])
//   -> {x, y, z, radius: Float64Array, type, parent: Int32Array}
Napi::Value testWriteTree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<Curve> curves;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Float64Array a = list.Get(i).As<Napi::Float64Array>();
    Curve c;
    for (size_t k = 0; k + 3 < a.ElementLength(); k += 4) c.push_back({a[k], a[k + 1], a[k + 2], a[k + 3], 0});
    curves.push_back(c);
  }
  Napi::Array sc = info[1].As<Napi::Array>();
  const WriteScale ws{sc.Get(0u).As<Napi::Number>().DoubleValue(), sc.Get(1u).As<Napi::Number>().DoubleValue(),
                      sc.Get(2u).As<Napi::Number>().DoubleValue()};
  nt::NativeTree t;
  writeTree(curves, ws, t);
  return nt::js::swcColumns(env, t);
}

}  // namespace

NT_EXPORT("_testNeuroGpsPrep", testPrep);
NT_EXPORT("_testNeuroGpsBinarize", testBinarize);
NT_EXPORT("_testNeuroGpsWriteTree", testWriteTree);
