// Synchronous hooks into TReMAP's stages and the fast-marching linker for the test suite (names
// start with _test): tiny typed arrays in, plain arrays out, on the JS thread.
#include <napi.h>

#include <vector>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "kernels/fm_linker.h"
#include "tracers/tremap_projection.h"

namespace {

using namespace nt::js;
using namespace nt::kern;

std::vector<Point3> pointsOf(const Napi::Env& env, const Napi::Value& v) {
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  if (a.ElementLength() % 3 != 0) throw Napi::RangeError::New(env, "points must be x,y,z triples");
  std::vector<Point3> out;
  for (size_t i = 0; i < a.ElementLength(); i += 3) out.push_back({a[i], a[i + 1], a[i + 2]});
  return out;
}

Napi::Float64Array flat(const Napi::Env& env, const std::vector<Point3>& pts) {
  Napi::Float64Array a = Napi::Float64Array::New(env, pts.size() * 3);
  for (size_t i = 0; i < pts.size(); ++i) {
    a[3 * i] = pts[i].x;
    a[3 * i + 1] = pts[i].y;
    a[3 * i + 2] = pts[i].z;
  }
  return a;
}

nt::tremap::Plane planeOf(const Napi::Value& v) {
  return static_cast<nt::tremap::Plane>(v.As<Napi::Number>().Int32Value());
}

// _testTremapProjection(data, dims, plane, thresh, sixthOfNine) -> { mip: Uint8Array, binary: Uint8Array, dims }
Napi::Value testProjection(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  const nt::tremap::Plane plane = planeOf(info[2]);
  const Dims pd = nt::tremap::projectionDims(d, plane);
  const std::vector<uint8_t> mip = nt::tremap::maxProjection(img, d, plane, {});
  const std::vector<uint8_t> bin =
      nt::tremap::binaryRankFilter(mip, pd, info[3].As<Napi::Number>().Int32Value(), info[4].As<Napi::Boolean>().Value());
  Napi::Object out = Napi::Object::New(env);
  Napi::Array dims = Napi::Array::New(env, 3);
  dims.Set(0u, Napi::Number::New(env, static_cast<double>(pd.nx)));
  dims.Set(1u, Napi::Number::New(env, static_cast<double>(pd.ny)));
  dims.Set(2u, Napi::Number::New(env, static_cast<double>(pd.nz)));
  out.Set("mip", typedArray(env, mip));
  out.Set("binary", typedArray(env, bin));
  out.Set("dims", dims);
  return out;
}

// _testTremapRegions(data, dims, minSize, diagonalQuirk, maxCount)
//   -> { label: Int32Array, size: Float64Array, ranked: Int32Array, fromBackground }
Napi::Value testRegions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  const std::vector<uint8_t> v(img, img + d.voxels());
  const nt::tremap::Regions r =
      nt::tremap::growRegions(v, d, info[2].As<Napi::Number>().Int64Value(), info[3].As<Napi::Boolean>().Value(), {});
  const std::vector<int32_t> ranked = nt::tremap::largestRegions(r, info[4].As<Napi::Number>().Uint32Value());
  Napi::Object out = Napi::Object::New(env);
  out.Set("label", typedArray(env, r.label));
  out.Set("size", typedArrayAs<double>(env, r.size));
  out.Set("ranked", typedArray(env, ranked));
  out.Set("fromBackground", Napi::Boolean::New(env, r.fromBackground));
  return out;
}

// _testFmLink(data, dims, sources: Float64Array(3k), targets: Float64Array(3k), cnn)
//   -> { reached, points: Float64Array(3n), cost }
Napi::Value testFmLink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  LinkPath p;
  try {
    p = fastmarchingLink(img, d, pointsOf(env, info[2]), pointsOf(env, info[3]), info[4].As<Napi::Number>().Int32Value());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("reached", Napi::Boolean::New(env, p.reached));
  out.Set("points", flat(env, p.points));
  out.Set("cost", Napi::Number::New(env, p.cost));
  return out;
}

// _testFmDrawRays(data, dims, near: Float64Array(3k), far: Float64Array(3k), cnn, margin)
//   -> { points: Float64Array(3n), fromFirstRay, links, failedLinks }
Napi::Value testFmDrawRays(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  RayDrawing r;
  try {
    r = fastmarchingDrawRays(img, d, pointsOf(env, info[2]), pointsOf(env, info[3]), info[4].As<Napi::Number>().Int32Value(),
                             info[5].As<Napi::Number>().Int32Value());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("points", flat(env, r.points));
  out.Set("fromFirstRay", Napi::Boolean::New(env, r.fromFirstRay));
  out.Set("links", Napi::Number::New(env, static_cast<double>(r.links)));
  out.Set("failedLinks", Napi::Number::New(env, static_cast<double>(r.failedLinks)));
  return out;
}

}  // namespace

NT_EXPORT("_testTremapProjection", testProjection);
NT_EXPORT("_testTremapRegions", testRegions);
NT_EXPORT("_testFmLink", testFmLink);
NT_EXPORT("_testFmDrawRays", testFmDrawRays);
