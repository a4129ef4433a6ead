// The conversions every synchronous N-API export (the _test hooks, the diagnostic exports) and
// the tracer entry repeat: a dims array and a voxel buffer in, typed arrays out. A length that
// does not match throws a JS RangeError; a wrong JS type throws from node-addon-api's own casts.
#pragma once
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::js {

// [nx, ny, nz] as Dims.
inline kern::Dims dimsArg(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  return kern::Dims{a.Get(0u).As<Napi::Number>().Int64Value(), a.Get(1u).As<Napi::Number>().Int64Value(),
                    a.Get(2u).As<Napi::Number>().Int64Value()};
}

// A Uint8Array of exactly d.voxels() voxels, read in place (the caller keeps the JS value alive).
inline const uint8_t* voxelsArg(const Napi::Env& env, const Napi::Value& v, const kern::Dims& d) {
  Napi::Uint8Array a = v.As<Napi::Uint8Array>();
  if (static_cast<int64_t>(a.ElementLength()) != d.voxels()) throw Napi::RangeError::New(env, "dims do not match the voxel count");
  return a.Data();
}

// A typed array copied into a vector of its element type (Float64Array -> double, ...).
template <class T>
std::vector<T> vectorArg(const Napi::Value& v) {
  Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

// A vector copied into the typed array of its element type (double -> Float64Array, int32_t ->
// Int32Array, uint8_t -> Uint8Array, ...).
template <class T>
Napi::TypedArrayOf<T> typedArray(const Napi::Env& env, const std::vector<T>& v) {
  Napi::TypedArrayOf<T> a = Napi::TypedArrayOf<T>::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

// The same with a conversion of each element, e.g. int64 counts or indices as a Float64Array.
template <class To, class From>
Napi::TypedArrayOf<To> typedArrayAs(const Napi::Env& env, const std::vector<From>& v) {
  Napi::TypedArrayOf<To> a = Napi::TypedArrayOf<To>::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a[i] = static_cast<To>(v[i]);
  return a;
}

// A node list with x, y, z, radius, type and parent columns (SwcList, NativeTree) as
// {x, y, z, radius: Float64Array, type, parent: Int32Array}.
template <class Tree>
Napi::Object swcColumns(const Napi::Env& env, const Tree& t) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("x", typedArray(env, t.x));
  out.Set("y", typedArray(env, t.y));
  out.Set("z", typedArray(env, t.z));
  out.Set("radius", typedArray(env, t.radius));
  out.Set("type", typedArray(env, t.type));
  out.Set("parent", typedArray(env, t.parent));
  return out;
}

}  // namespace nt::js
