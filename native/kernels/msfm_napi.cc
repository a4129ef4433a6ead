// N-API binding of the msfm3d kernel (kernels/msfm.h), for tests and TypeScript callers.
#include <napi.h>

#include <string>
#include <vector>

#include "core/registry.h"
#include "kernels/msfm.h"

// msfm3d(speed: Float64Array, dims: [nx, ny, nz], sources: number[] (x,y,z triples, voxel
// indices), options?: {secondOrder?: boolean, cross?: boolean}) -> Float64Array of arrival times.
// Synchronous: meant for kernels tests and small grids.
static Napi::Value msfm3dExport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsTypedArray() || !info[1].IsArray() || !info[2].IsArray())
    throw Napi::TypeError::New(env, "msfm3d(speed: Float64Array, dims: [nx,ny,nz], sources: number[], options?) called with wrong arguments");
  Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_float64_array) throw Napi::TypeError::New(env, "msfm3d: speed must be a Float64Array");
  Napi::Float64Array speed = ta.As<Napi::Float64Array>();
  Napi::Array dims = info[1].As<Napi::Array>();
  if (dims.Length() != 3) throw Napi::TypeError::New(env, "msfm3d: dims must have 3 entries");
  const int64_t nx = dims.Get(0u).As<Napi::Number>().Int64Value();
  const int64_t ny = dims.Get(1u).As<Napi::Number>().Int64Value();
  const int64_t nz = dims.Get(2u).As<Napi::Number>().Int64Value();
  if (nx <= 0 || ny <= 0 || nz <= 0 || static_cast<int64_t>(speed.ElementLength()) != nx * ny * nz)
    throw Napi::RangeError::New(env, "msfm3d: dims do not match the speed array length");
  Napi::Array src = info[2].As<Napi::Array>();
  if (src.Length() == 0 || src.Length() % 3 != 0) throw Napi::TypeError::New(env, "msfm3d: sources must be x,y,z triples");
  std::vector<int64_t> sources;
  for (uint32_t s = 0; s < src.Length(); s += 3) {
    const int64_t x = src.Get(s).As<Napi::Number>().Int64Value();
    const int64_t y = src.Get(s + 1).As<Napi::Number>().Int64Value();
    const int64_t z = src.Get(s + 2).As<Napi::Number>().Int64Value();
    if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz)
      throw Napi::RangeError::New(env, "msfm3d: source " + std::to_string(x) + "," + std::to_string(y) + "," + std::to_string(z) + " is outside the grid");
    sources.push_back((z * ny + y) * nx + x);
  }
  nt::kern::MsfmOptions opt;
  if (info.Length() > 3 && info[3].IsObject()) {
    Napi::Object o = info[3].As<Napi::Object>();
    opt.secondOrder = o.Has("secondOrder") && o.Get("secondOrder").ToBoolean().Value();
    opt.cross = o.Has("cross") && o.Get("cross").ToBoolean().Value();
  }
  std::vector<double> T = nt::kern::msfm3d(speed.Data(), nt::kern::Dims{nx, ny, nz}, sources, opt);
  Napi::Float64Array out = Napi::Float64Array::New(env, T.size());
  std::copy(T.begin(), T.end(), out.Data());
  return out;
}
NT_EXPORT("msfm3d", msfm3dExport);
