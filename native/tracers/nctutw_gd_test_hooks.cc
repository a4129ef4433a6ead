// Synchronous hooks into the stages of nctuTW's tip finder for the test suite (names start with
// _test), so each stage can be checked on a tiny hand-made image.
#include <napi.h>

#include <string>
#include <vector>

#include "core/registry.h"
#include "tracers/nctutw_gd_paths.h"
#include "tracers/nctutw_gd_prep.h"

namespace {

using namespace nt;

kern::Dims dimsOf(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  return kern::Dims{a.Get(0u).As<Napi::Number>().Int64Value(), a.Get(1u).As<Napi::Number>().Int64Value(),
                    a.Get(2u).As<Napi::Number>().Int64Value()};
}

Napi::Float64Array voxels(const Napi::Env& env, const std::vector<nctutw::Voxel>& v) {
  Napi::Float64Array a = Napi::Float64Array::New(env, 3 * v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    a[3 * i] = double(v[i].x);
    a[3 * i + 1] = double(v[i].y);
    a[3 * i + 2] = double(v[i].z);
  }
  return a;
}

Napi::Uint8Array bytes(const Napi::Env& env, const std::vector<uint8_t>& v) {
  Napi::Uint8Array a = Napi::Uint8Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

// _testNctu(stage, image: Uint8Array, dims, options) -> depends on the stage:
//   greyThreshold {fraction}            -> number
//   sliceDistance                        -> Uint8Array
//   endpoints3d {rowQuirk}               -> Float64Array of x,y,z triples
//   branchPoints2d                       -> Float64Array of x,y,z triples
//   repair {ccMin, maxSortedPairs}       -> {image: Uint8Array, bridges, components, frontiers}
//   soma {raw: Uint8Array, R}            -> Float64Array [x, y, z] (empty when G is empty)
//   cleanSkeleton {cc2d, cc3d}           -> Uint8Array
Napi::Value testNctu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string stage = info[0].As<Napi::String>().Utf8Value();
  Napi::Uint8Array img = info[1].As<Napi::Uint8Array>();
  const kern::Dims d = dimsOf(info[2]);
  if (static_cast<int64_t>(img.ElementLength()) != d.voxels()) throw Napi::RangeError::New(env, "dims do not match the voxel count");
  Napi::Object opt = info.Length() > 3 && info[3].IsObject() ? info[3].As<Napi::Object>() : Napi::Object::New(env);
  auto num = [&](const char* k, double def) { return opt.Has(k) ? opt.Get(k).As<Napi::Number>().DoubleValue() : def; };
  auto flag = [&](const char* k, bool def) { return opt.Has(k) ? opt.Get(k).As<Napi::Boolean>().Value() : def; };
  if (stage == "greyThreshold") return Napi::Number::New(env, nctutw::greyThreshold(img.Data(), d.voxels(), num("fraction", 0.9)));
  if (stage == "sliceDistance") return bytes(env, nctutw::sliceDistance(img.Data(), d, {}));
  if (stage == "endpoints3d") return voxels(env, nctutw::skeletonEndpoints3d(img.Data(), d, flag("rowQuirk", true)));
  if (stage == "branchPoints2d") return voxels(env, nctutw::branchPoints2d(img.Data(), d));
  if (stage == "cleanSkeleton")
    return bytes(env, nctutw::cleanSkeleton(img.Data(), d, int(num("cc2d", 9)), int(num("cc3d", 30)), {}));
  if (stage == "repair") {
    const nctutw::RepairResult r = nctutw::repairSkeleton(img.Data(), d, int(num("ccMin", 2)), {},
                                                         static_cast<int64_t>(num("maxSortedPairs", double(nctutw::kMaxSortedBridgePairs))));
    Napi::Object out = Napi::Object::New(env);
    out.Set("image", bytes(env, r.image));
    out.Set("bridges", Napi::Number::New(env, double(r.bridges)));
    out.Set("components", Napi::Number::New(env, double(r.components)));
    out.Set("frontiers", Napi::Number::New(env, double(r.frontiers)));
    return out;
  }
  if (stage == "soma") {
    Napi::Uint8Array raw = opt.Get("raw").As<Napi::Uint8Array>();
    const nctutw::SomaResult s = nctutw::detectSoma(raw.Data(), img.Data(), d, num("R", 4), {});
    return voxels(env, s.found ? std::vector<nctutw::Voxel>{s.pos} : std::vector<nctutw::Voxel>{});
  }
  throw Napi::TypeError::New(env, "_testNctu: unknown stage '" + stage + "'");
}

}  // namespace

NT_EXPORT("_testNctu", testNctu);
