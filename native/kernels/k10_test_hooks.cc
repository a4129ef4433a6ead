// Synchronous hooks into the small image kernels (K10: EDT, thinning, component labelling) and
// the GD path merge for the test suite (names start with _test): each takes small typed arrays
// and returns plain arrays, so tests can check a kernel against a brute-force reference.
#include <napi.h>

#include <vector>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "kernels/cc_label.h"
#include "kernels/edt.h"
#include "kernels/gd_marker.h"
#include "kernels/thinning2d.h"

namespace {

using namespace nt;
using namespace nt::js;

// _testEdt(mask, dims, planar) -> Float32Array of squared distances
Napi::Value testEdt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kern::Dims d = dimsArg(info[1]);
  return typedArray(env, kern::edtSquared(voxelsArg(env, info[0], d), d, info[2].As<Napi::Boolean>().Value()));
}

// _testThin(image, [nx, ny, 1], idlePass) -> Uint8Array
Napi::Value testThin(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kern::Dims d = dimsArg(info[1]);
  const uint8_t* in = voxelsArg(env, info[0], d);
  Napi::Uint8Array out = Napi::Uint8Array::New(env, static_cast<size_t>(d.voxels()));
  kern::thinZhangSuen(in, out.Data(), d.nx, d.ny,
                      info[2].As<Napi::Boolean>().Value() ? kern::ThinStop::IdlePass : kern::ThinStop::FirstIdleSubiteration);
  return out;
}

// _testLabel(mask, dims, connectivity) -> {label: Int32Array, size: Float64Array}
Napi::Value testLabel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kern::Dims d = dimsArg(info[1]);
  const kern::ComponentLabels c = kern::labelComponents(voxelsArg(env, info[0], d), d, info[2].As<Napi::Number>().Int32Value());
  Napi::Object out = Napi::Object::New(env);
  out.Set("label", typedArray(env, c.label));
  out.Set("size", typedArrayAs<double>(env, c.size));
  return out;
}

// _testMergeBack(paths: Float64Array[] of x,y,z triples, end first) -> Float64Array[] segments
Napi::Value testMergeBack(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array in = info[0].As<Napi::Array>();
  std::vector<std::vector<gd::Point>> paths;
  for (uint32_t i = 0; i < in.Length(); ++i) {
    Napi::Float64Array a = in.Get(i).As<Napi::Float64Array>();
    std::vector<gd::Point> p;
    for (size_t k = 0; k + 2 < a.ElementLength(); k += 3) p.push_back({a[k], a[k + 1], a[k + 2]});
    paths.push_back(std::move(p));
  }
  const auto segs = gd::mergeBackTracedPaths(paths);
  Napi::Array out = Napi::Array::New(env, segs.size());
  for (size_t s = 0; s < segs.size(); ++s) {
    Napi::Float64Array a = Napi::Float64Array::New(env, 3 * segs[s].size());
    for (size_t k = 0; k < segs[s].size(); ++k) {
      a[3 * k] = segs[s][k].x;
      a[3 * k + 1] = segs[s][k].y;
      a[3 * k + 2] = segs[s][k].z;
    }
    out.Set(static_cast<uint32_t>(s), a);
  }
  return out;
}

}  // namespace

NT_EXPORT("_testEdt", testEdt);
NT_EXPORT("_testThin", testThin);
NT_EXPORT("_testLabel", testLabel);
NT_EXPORT("_testMergeBack", testMergeBack);
