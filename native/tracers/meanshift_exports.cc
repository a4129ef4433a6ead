// JavaScript access to the meanshift tracer's stages, for testing them directly:
//   meanShiftModes(data: Uint8Array, dims: [nx, ny, nz], options?)
//     -> {voxels: Float64Array, modeOf: Int32Array, modes: Float64Array}
//        options: {threshold = 10, percentage = 0.6, spatialTerm = 'integer' | 'float',
//                  window = 'asymmetric' | 'symmetric', threads = 0}
//   meanShiftWalk(data: Uint8Array, dims, a: voxel index, b: voxel index) -> Float64Array | null
//        the sphere-model walk a -> b as voxel indices (null when it fails)
//   meanShiftConnect(data: Uint8Array, dims, q: Float64Array of voxel indices, unreachable = 'straight' | 'none')
//     -> {x, y, z: Float64Array, parent: Int32Array, kept: number}
//        steps 6-8 on the node list q: the tree before hierarchical pruning
// Runs synchronously on the calling thread: meant for small images.
#include <string>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "kernels/meanshift.h"
#include "tracers/meanshift_paths.h"

namespace nt::ms {
namespace {

struct Image {
  const uint8_t* data;
  kern::Dims d;
};

Image readImage(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      !info[1].IsArray())
    throw Napi::TypeError::New(env, std::string(fn) + "(data: Uint8Array, dims: [nx, ny, nz], ...) called with wrong arguments");
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  Napi::Array dims = info[1].As<Napi::Array>();
  if (dims.Length() != 3) throw Napi::TypeError::New(env, std::string(fn) + ": dims must be [nx, ny, nz]");
  kern::Dims d{dims.Get(0u).As<Napi::Number>().Int64Value(), dims.Get(1u).As<Napi::Number>().Int64Value(),
               dims.Get(2u).As<Napi::Number>().Int64Value()};
  if (d.nx <= 0 || d.ny <= 0 || d.nz <= 0 || static_cast<int64_t>(data.ElementLength()) != d.voxels())
    throw Napi::RangeError::New(env, std::string(fn) + ": data must hold nx*ny*nz voxels");
  return {data.Data(), d};
}

Napi::Value meanShiftModesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Image img = readImage(info, "meanShiftModes");
  kern::MeanShiftOptions o;
  if (info.Length() > 2 && info[2].IsObject()) {
    Napi::Object opt = info[2].As<Napi::Object>();
    if (opt.Has("threshold")) o.threshold = opt.Get("threshold").As<Napi::Number>().DoubleValue();
    if (opt.Has("percentage")) o.percentage = opt.Get("percentage").As<Napi::Number>().DoubleValue();
    if (opt.Has("threads")) o.threads = opt.Get("threads").As<Napi::Number>().Int32Value();
    if (opt.Has("spatialTerm")) o.integerSpatialTerm = opt.Get("spatialTerm").As<Napi::String>().Utf8Value() != "float";
    if (opt.Has("window")) o.symmetricWindow = opt.Get("window").As<Napi::String>().Utf8Value() == "symmetric";
  }
  const kern::MeanShiftModes m = kern::meanShiftModes(img.data, img.d, o);
  Napi::Object out = Napi::Object::New(env);
  out.Set("voxels", js::typedArrayAs<double>(env, m.voxels));
  out.Set("modeOf", js::typedArray(env, m.modeOf));
  out.Set("modes", js::typedArrayAs<double>(env, m.modes));
  return out;
}

Napi::Value meanShiftWalkJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Image img = readImage(info, "meanShiftWalk");
  if (info.Length() < 4 || !info[2].IsNumber() || !info[3].IsNumber())
    throw Napi::TypeError::New(env, "meanShiftWalk(data, dims, a, b) needs two voxel indices");
  const int64_t a = info[2].As<Napi::Number>().Int64Value(), b = info[3].As<Napi::Number>().Int64Value();
  if (a < 0 || b < 0 || a >= img.d.voxels() || b >= img.d.voxels())
    throw Napi::RangeError::New(env, "meanShiftWalk: voxel index outside the image");
  const SphereWalker w(img.data, img.d, 2.0, 100);
  std::vector<int64_t> path;
  if (!w.walk(a, b, &path)) return env.Null();
  return js::typedArrayAs<double>(env, path);
}

Napi::Value meanShiftConnectJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Image img = readImage(info, "meanShiftConnect");
  if (info.Length() < 3 || !info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(env, "meanShiftConnect(data, dims, q: Float64Array, unreachable?) needs the node voxels");
  Napi::Float64Array qa = info[2].As<Napi::Float64Array>();
  std::vector<int64_t> q(qa.ElementLength());
  for (size_t i = 0; i < q.size(); ++i) {
    q[i] = static_cast<int64_t>(qa[i]);
    if (q[i] < 0 || q[i] >= img.d.voxels()) throw Napi::RangeError::New(env, "meanShiftConnect: node voxel outside the image");
  }
  ConnectOptions o;
  if (info.Length() > 3 && info[3].IsString() && info[3].As<Napi::String>().Utf8Value() == "none") o.unreachable = Unreachable::NoEdge;
  const SphereWalker w(img.data, img.d, 2.0, 100);
  const Connection c = connectNodes(w, img.d, q, o, {});
  Napi::Object out = Napi::Object::New(env);
  out.Set("x", js::typedArray(env, c.tree.x));
  out.Set("y", js::typedArray(env, c.tree.y));
  out.Set("z", js::typedArray(env, c.tree.z));
  out.Set("parent", js::typedArray(env, c.tree.parent));
  out.Set("kept", Napi::Number::New(env, static_cast<double>(c.kept)));
  return out;
}

}  // namespace

NT_EXPORT("meanShiftConnect", meanShiftConnectJs);
NT_EXPORT("meanShiftModes", meanShiftModesJs);
NT_EXPORT("meanShiftWalk", meanShiftWalkJs);

}  // namespace nt::ms
