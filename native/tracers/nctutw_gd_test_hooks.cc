// Synchronous hooks into the stages of nctuTW's tip finder for the test suite (names start with
// _test), so each stage can be checked on a tiny hand-made image.
#include <napi.h>

#include <string>
#include <vector>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "tracers/nctutw_gd_paths.h"
#include "tracers/nctutw_gd_prep.h"

namespace {

using namespace nt;
using namespace nt::js;

Napi::Float64Array voxels(const Napi::Env& env, const std::vector<nctutw::Voxel>& v) {
  Napi::Float64Array a = Napi::Float64Array::New(env, 3 * v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    a[3 * i] = double(v[i].x);
    a[3 * i + 1] = double(v[i].y);
    a[3 * i + 2] = double(v[i].z);
  }
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
//   search {source: [x, y, z], cost: Uint8Array, searchQuirk}
//                                        -> Float64Array: per voxel its predecessor's voxel index, -1 if none
Napi::Value testNctu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string stage = info[0].As<Napi::String>().Utf8Value();
  const kern::Dims d = dimsArg(info[2]);
  const uint8_t* img = voxelsArg(env, info[1], d);
  Napi::Object opt = info.Length() > 3 && info[3].IsObject() ? info[3].As<Napi::Object>() : Napi::Object::New(env);
  auto num = [&](const char* k, double def) { return opt.Has(k) ? opt.Get(k).As<Napi::Number>().DoubleValue() : def; };
  auto flag = [&](const char* k, bool def) { return opt.Has(k) ? opt.Get(k).As<Napi::Boolean>().Value() : def; };
  if (stage == "greyThreshold") return Napi::Number::New(env, nctutw::greyThreshold(img, d.voxels(), num("fraction", 0.9)));
  if (stage == "sliceDistance") return typedArray(env, nctutw::sliceDistance(img, d, {}));
  if (stage == "endpoints3d") return voxels(env, nctutw::skeletonEndpoints3d(img, d, flag("rowQuirk", true)));
  if (stage == "branchPoints2d") return voxels(env, nctutw::branchPoints2d(img, d));
  if (stage == "cleanSkeleton")
    return typedArray(env, nctutw::cleanSkeleton(img, d, int(num("cc2d", 9)), int(num("cc3d", 30)), {}));
  if (stage == "repair") {
    const nctutw::RepairResult r = nctutw::repairSkeleton(img, d, int(num("ccMin", 2)), {},
                                                         static_cast<int64_t>(num("maxSortedPairs", double(nctutw::kMaxSortedBridgePairs))));
    Napi::Object out = Napi::Object::New(env);
    out.Set("image", typedArray(env, r.image));
    out.Set("bridges", Napi::Number::New(env, double(r.bridges)));
    out.Set("components", Napi::Number::New(env, double(r.components)));
    out.Set("frontiers", Napi::Number::New(env, double(r.frontiers)));
    return out;
  }
  if (stage == "soma") {
    Napi::Uint8Array raw = opt.Get("raw").As<Napi::Uint8Array>();
    const nctutw::SomaResult s = nctutw::detectSoma(raw.Data(), img, d, num("R", 4), {});
    return voxels(env, s.found ? std::vector<nctutw::Voxel>{s.pos} : std::vector<nctutw::Voxel>{});
  }
  if (stage == "search") {
    Napi::Array src = opt.Get("source").As<Napi::Array>();
    const nctutw::Voxel s{src.Get(0u).As<Napi::Number>().Int64Value(), src.Get(1u).As<Napi::Number>().Int64Value(),
                          src.Get(2u).As<Napi::Number>().Int64Value()};
    Napi::Uint8Array cost = opt.Get("cost").As<Napi::Uint8Array>();
    if (static_cast<int64_t>(cost.ElementLength()) != d.voxels()) throw Napi::RangeError::New(env, "cost does not match the voxel count");
    const std::vector<int64_t> pred = nctutw::searchPredecessors(img, cost.Data(), d, s, flag("searchQuirk", true), {});
    Napi::Float64Array a = Napi::Float64Array::New(env, pred.size());
    for (size_t i = 0; i < pred.size(); ++i) a[i] = double(pred[i]);
    return a;
  }
  throw Napi::TypeError::New(env, "_testNctu: unknown stage '" + stage + "'");
}

}  // namespace

NT_EXPORT("_testNctu", testNctu);
