// JavaScript access to the MST kernel, for TypeScript plugins and for testing it directly:
//   mstEuclidean(points: Float64Array(3n), options?) -> {parent: Int32Array, order: Int32Array}
//   mstMatrix(costs: Float64Array(n*n), n, options?)  -> {parent, order}
//     options: {root = 0, squared = false (mstEuclidean only), limit = Infinity,
//               ties = 'tree' | 'candidate'}
//   mstForest(n, a: Int32Array, b: Int32Array, w: Float64Array) -> {parent, order, roots}
#include <cmath>
#include <string>

#include "core/registry.h"
#include "kernels/mst.h"

namespace nt::kern {
namespace {

Napi::Int32Array toJs(Napi::Env env, const std::vector<int32_t>& v) {
  auto a = Napi::Int32Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

PrimOptions readOptions(const Napi::CallbackInfo& info, size_t at, size_t n, const char* fn, bool* squared) {
  PrimOptions o;
  if (info.Length() <= at || info[at].IsUndefined()) return o;
  if (!info[at].IsObject()) throw Napi::TypeError::New(info.Env(), std::string(fn) + ": options must be an object");
  Napi::Object opt = info[at].As<Napi::Object>();
  if (opt.Has("root")) {
    const double r = opt.Get("root").As<Napi::Number>().DoubleValue();
    if (!(r >= 0 && r < static_cast<double>(n) && std::floor(r) == r))
      throw Napi::RangeError::New(info.Env(), std::string(fn) + ": root must be a node index 0.." + std::to_string(n - 1));
    o.root = static_cast<int32_t>(r);
  }
  if (opt.Has("limit")) o.limit = opt.Get("limit").As<Napi::Number>().DoubleValue();
  if (opt.Has("ties")) {
    const std::string t = opt.Get("ties").As<Napi::String>().Utf8Value();
    if (t == "tree") o.ties = PrimTies::TreeMajor;
    else if (t == "candidate") o.ties = PrimTies::CandidateMajor;
    else throw Napi::TypeError::New(info.Env(), std::string(fn) + ": ties must be 'tree' or 'candidate'");
  }
  if (squared && opt.Has("squared")) *squared = opt.Get("squared").ToBoolean().Value();
  return o;
}

Napi::Object forestToJs(Napi::Env env, const SpanningForest& f, bool withRoots) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("parent", toJs(env, f.parent));
  out.Set("order", toJs(env, f.order));
  if (withRoots) out.Set("roots", toJs(env, f.roots));
  return out;
}

Napi::Value mstEuclidean(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(env, "mstEuclidean(points: Float64Array, options?) called with wrong arguments");
  Napi::Float64Array pts = info[0].As<Napi::Float64Array>();
  if (pts.ElementLength() % 3 != 0) throw Napi::RangeError::New(env, "mstEuclidean: points length must be a multiple of 3");
  const size_t n = pts.ElementLength() / 3;
  bool squared = false;
  const PrimOptions o = readOptions(info, 1, n, "mstEuclidean", &squared);
  return forestToJs(env, euclideanPrim(pts.Data(), n, squared, o), false);
}

Napi::Value mstMatrix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array || !info[1].IsNumber())
    throw Napi::TypeError::New(env, "mstMatrix(costs: Float64Array, n, options?) called with wrong arguments");
  Napi::Float64Array w = info[0].As<Napi::Float64Array>();
  const int64_t n = info[1].As<Napi::Number>().Int64Value();
  if (n < 0 || static_cast<int64_t>(w.ElementLength()) != n * n) throw Napi::RangeError::New(env, "mstMatrix: costs must hold n*n values");
  const PrimOptions o = readOptions(info, 2, static_cast<size_t>(n), "mstMatrix", nullptr);
  return forestToJs(env, densePrimMatrix(w.Data(), static_cast<size_t>(n), o), false);
}

Napi::Value mstForest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto typed = [&](size_t i, napi_typedarray_type t) {
    return info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == t;
  };
  if (info.Length() < 4 || !info[0].IsNumber() || !typed(1, napi_int32_array) || !typed(2, napi_int32_array) || !typed(3, napi_float64_array))
    throw Napi::TypeError::New(env, "mstForest(n, a: Int32Array, b: Int32Array, w: Float64Array) called with wrong arguments");
  const int64_t n = info[0].As<Napi::Number>().Int64Value();
  if (n < 0) throw Napi::RangeError::New(env, "mstForest: n must be >= 0");
  Napi::Int32Array a = info[1].As<Napi::Int32Array>();
  Napi::Int32Array b = info[2].As<Napi::Int32Array>();
  Napi::Float64Array w = info[3].As<Napi::Float64Array>();
  std::vector<int32_t> va(a.Data(), a.Data() + a.ElementLength()), vb(b.Data(), b.Data() + b.ElementLength());
  std::vector<double> vw(w.Data(), w.Data() + w.ElementLength());
  try {
    return forestToJs(env, heapPrimForest(WeightedGraph::fromEdges(static_cast<size_t>(n), va, vb, vw)), true);
  } catch (const std::invalid_argument& e) {
    throw Napi::RangeError::New(env, std::string("mstForest: ") + e.what());
  }
}

NT_EXPORT("mstEuclidean", mstEuclidean);
NT_EXPORT("mstMatrix", mstMatrix);
NT_EXPORT("mstForest", mstForest);

}  // namespace
}  // namespace nt::kern
