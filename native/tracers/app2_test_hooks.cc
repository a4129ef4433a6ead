// Synchronous hooks into the APP2 kernels for the test suite (names start with _test): each
// takes tiny typed arrays, runs one kernel on the JS thread and returns plain arrays, so tests
// can check kernels against hand-computed answers without going through a whole trace.
#include <napi.h>

#include <string>
#include <vector>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "kernels/fm_tree.h"
#include "kernels/gsdt.h"
#include "kernels/heap.h"
#include "kernels/image_prep.h"
#include "kernels/marker_radius.h"
#include "kernels/swc_tools.h"

namespace {

using namespace nt::js;
using namespace nt::kern;

// _testHeap(keys: Float32Array, adjustIds: Int32Array, adjustKeys: Float32Array) -> Int32Array
// inserts ids 0..n-1 with keys, applies the adjustments, then returns the pop order.
Napi::Value testHeap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array keys = info[0].As<Napi::Float32Array>();
  Napi::Int32Array ids = info[1].As<Napi::Int32Array>();
  Napi::Float32Array nk = info[2].As<Napi::Float32Array>();
  const size_t n = keys.ElementLength();
  std::vector<int32_t> pos(n, -1);
  IndexedMinHeap<float> heap(pos);
  for (size_t i = 0; i < n; ++i) heap.insert(static_cast<int32_t>(i), keys[i]);
  for (size_t i = 0; i < ids.ElementLength(); ++i) heap.adjust(ids[i], nk[i]);
  Napi::Int32Array out = Napi::Int32Array::New(env, n);
  for (size_t i = 0; i < n; ++i) out[i] = heap.popMin();
  return out;
}

// _testGsdt(data: Uint8Array, dims, cnn, thresh, planar) -> Float32Array (dense phi)
Napi::Value testGsdt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  GsdtField f = gsdt(img, d, info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Number>().Int32Value(),
                     info[4].As<Napi::Boolean>().Value());
  Napi::Float32Array out = Napi::Float32Array::New(env, static_cast<size_t>(d.voxels()));
  f.toDense(out.Data());
  return out;
}

// _testFmTree(data, dims, root: Float64Array(3), cnn, thresh, gap, targets?: Float64Array)
//   -> { voxel: Float64Array, parent: Int32Array }
Napi::Value testFmTree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  std::vector<double> r = vectorArg<double>(info[2]);
  FmTreeOptions o;
  o.cnn = info[3].As<Napi::Number>().Int32Value();
  o.thresh = info[4].As<Napi::Number>().Int32Value();
  o.gap = info[5].As<Napi::Boolean>().Value();
  FmTree t;
  try {
    if (info.Length() > 6 && info[6].IsTypedArray()) {
      std::vector<double> tv = vectorArg<double>(info[6]);
      std::vector<Voxel3> targets;
      for (size_t i = 0; i + 2 < tv.size(); i += 3) targets.push_back({tv[i], tv[i + 1], tv[i + 2]});
      t = fastmarchingTreeTargets(img, d, {r[0], r[1], r[2]}, targets, o.cnn);
    } else {
      t = fastmarchingTree(img, d, {r[0], r[1], r[2]}, o);
    }
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  Napi::Object out = Napi::Object::New(env);
  Napi::Float64Array v = Napi::Float64Array::New(env, t.voxel.size());
  Napi::Int32Array p = Napi::Int32Array::New(env, t.parent.size());
  for (size_t i = 0; i < t.voxel.size(); ++i) { v[i] = static_cast<double>(t.voxel[i]); p[i] = t.parent[i]; }
  out.Set("voxel", v);
  out.Set("parent", p);
  return out;
}

// _testMarkerRadius(data, dims, [x, y, z], thresh, planar) -> number
Napi::Value testMarkerRadius(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  std::vector<double> c = vectorArg<double>(info[2]);
  const double thr = info[3].As<Napi::Number>().DoubleValue();
  const bool planar = info[4].As<Napi::Boolean>().Value();
  return Napi::Number::New(env, planar ? markerRadiusXY(img, d, c[0], c[1], c[2], thr) : markerRadius3D(img, d, c[0], c[1], c[2], thr));
}

// _testSortSwc({x, y, z: Float64Array, parent: Int32Array}, linkThresh) -> same shape, sorted
Napi::Value testSortSwc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = info[0].As<Napi::Object>();
  SwcList in;
  std::vector<double> x = vectorArg<double>(o.Get("x")), y = vectorArg<double>(o.Get("y")), z = vectorArg<double>(o.Get("z"));
  Napi::Int32Array par = o.Get("parent").As<Napi::Int32Array>();
  for (size_t i = 0; i < x.size(); ++i) in.add(x[i], y[i], z[i], 1, static_cast<int32_t>(i), par[i]);
  const bool resample = info.Length() > 2 && info[2].IsNumber();
  SwcList s = resample ? resampleSwc(in, info[2].As<Napi::Number>().DoubleValue())
                       : sortSwc(in, info[1].As<Napi::Number>().DoubleValue());
  return swcColumns(env, s);
}

// _testDownsample(data, dims) -> { factors: [xy, z], dims: [x, y, z], data: Uint8Array }
Napi::Value testDownsample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  const DownsampleFactors f = chooseDownsample256(d);
  Dims od = d;
  std::vector<uint8_t> v = (f.xy > 1 || f.z > 1) ? blockMeanDownsample(img, d, f.xy, f.z, &od)
                                                 : std::vector<uint8_t>(img, img + d.voxels());
  Napi::Object out = Napi::Object::New(env);
  Napi::Array fa = Napi::Array::New(env, 2);
  fa.Set(0u, f.xy);
  fa.Set(1u, f.z);
  Napi::Array da = Napi::Array::New(env, 3);
  da.Set(0u, static_cast<double>(od.nx));
  da.Set(1u, static_cast<double>(od.ny));
  da.Set(2u, static_cast<double>(od.nz));
  out.Set("factors", fa);
  out.Set("dims", da);
  out.Set("data", typedArray(env, v));
  return out;
}

// _testGiTable() -> Float64Array(256)
Napi::Value testGiTable(const Napi::CallbackInfo& info) {
  Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 256);
  for (int i = 0; i < 256; ++i) out[i] = giTable()[i];
  return out;
}

}  // namespace

NT_EXPORT("_testHeap", testHeap);
NT_EXPORT("_testGsdt", testGsdt);
NT_EXPORT("_testFmTree", testFmTree);
NT_EXPORT("_testMarkerRadius", testMarkerRadius);
NT_EXPORT("_testSortSwc", testSortSwc);
NT_EXPORT("_testDownsample", testDownsample);
NT_EXPORT("_testGiTable", testGiTable);
