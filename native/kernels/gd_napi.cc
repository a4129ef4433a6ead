// Synchronous N-API access to the GD kernel (K4) for TypeScript tracers and tests. Inputs are
// small enough (a traced neighbourhood, a test volume) that a worker thread buys nothing.
#include <napi.h>

#include <string>

#include "core/registry.h"
#include "kernels/gd.h"

namespace {

using nt::gd::Point;

nt::gd::ImageU8 imageArg(const Napi::Env& env, const Napi::Value& v, const char* fn) {
  if (!v.IsObject()) throw Napi::TypeError::New(env, std::string(fn) + ": volume must be {data: Uint8Array, dims: [x,y,z]}");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value data = o.Get("data"), dims = o.Get("dims");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(env, std::string(fn) + ": volume.data must be a Uint8Array (GD works on 8-bit images)");
  if (!dims.IsArray() || dims.As<Napi::Array>().Length() != 3)
    throw Napi::TypeError::New(env, std::string(fn) + ": volume.dims must be [x, y, z]");
  Napi::Uint8Array a = data.As<Napi::Uint8Array>();
  Napi::Array d = dims.As<Napi::Array>();
  nt::gd::ImageU8 img;
  img.data = a.Data();
  img.nx = d.Get(0u).As<Napi::Number>().Int64Value();
  img.ny = d.Get(1u).As<Napi::Number>().Int64Value();
  img.nz = d.Get(2u).As<Napi::Number>().Int64Value();
  if (img.nx <= 0 || img.ny <= 0 || img.nz <= 0 || img.voxels() != a.ElementLength())
    throw Napi::RangeError::New(env, std::string(fn) + ": volume.dims do not match the voxel count");
  return img;
}

double numberOr(const Napi::Object& o, const char* key, double def) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : def;
}
bool boolOr(const Napi::Object& o, const char* key, bool def) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : def;
}

nt::gd::GraphParams graphArg(const Napi::Value& v) {
  nt::gd::GraphParams p;
  if (!v.IsObject()) return p;
  Napi::Object o = v.As<Napi::Object>();
  p.step = static_cast<int>(numberOr(o, "step", p.step));
  p.imgTH = numberOr(o, "imgTH", p.imgTH);
  p.zThickness = numberOr(o, "zThickness", p.zThickness);
  p.diagonalEdges = boolOr(o, "diagonalEdges", p.diagonalEdges);
  p.blockMaxValue = boolOr(o, "blockMax", p.blockMaxValue);
  return p;
}

std::vector<Point> pointsArg(const Napi::Env& env, const Napi::Value& v, const char* fn, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(env, std::string(fn) + ": " + what + " must be a Float64Array of x,y,z triples");
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  if (a.ElementLength() % 3 != 0) throw Napi::RangeError::New(env, std::string(fn) + ": " + what + " length is not a multiple of 3");
  std::vector<Point> out(a.ElementLength() / 3);
  for (size_t i = 0; i < out.size(); ++i) out[i] = {a[3 * i], a[3 * i + 1], a[3 * i + 2]};
  return out;
}

Napi::Object pointsOut(const Napi::Env& env, const std::vector<Point>& pts) {
  Napi::Object o = Napi::Object::New(env);
  auto x = Napi::Float64Array::New(env, pts.size()), y = Napi::Float64Array::New(env, pts.size()),
       z = Napi::Float64Array::New(env, pts.size());
  for (size_t i = 0; i < pts.size(); ++i) { x[i] = pts[i].x; y[i] = pts[i].y; z[i] = pts[i].z; }
  o.Set("x", x); o.Set("y", y); o.Set("z", z);
  return o;
}

template <class F> Napi::Value guarded(const Napi::Env& env, const char* fn, F&& f) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(fn) + ": " + e.what());
  }
}

// gdTracePaths(volume, graphParams, start: Float64Array(3), ends: Float64Array(3k))
//   -> [{x, y, z}] one per end, tip → start, empty where unreachable.
Napi::Value gdTracePaths(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "gdTracePaths";
  auto img = imageArg(env, info[0], fn);
  auto params = graphArg(info[1]);
  auto start = pointsArg(env, info[2], fn, "start");
  auto ends = pointsArg(env, info[3], fn, "ends");
  if (start.size() != 1) throw Napi::RangeError::New(env, std::string(fn) + ": start must hold exactly one point");
  return guarded(env, fn, [&]() -> Napi::Value {
    nt::gd::GridGraph g(img, params);
    const int64_t s = g.nodeOf(start[0].x, start[0].y, start[0].z);
    if (s < 0) throw Napi::RangeError::New(env, std::string(fn) + ": start point lies outside the image");
    auto sp = nt::gd::dijkstra(g, s);
    auto paths = nt::gd::tracePaths(g, sp, start[0], ends);
    Napi::Array out = Napi::Array::New(env, paths.size());
    for (size_t i = 0; i < paths.size(); ++i) out.Set(static_cast<uint32_t>(i), pointsOut(env, paths[i]));
    return out;
  });
}

// gdShortestPathTree(volume, graphParams, start: Float64Array(3), visibleThresh?: number)
//   -> {x, y, z, parent: Int32Array, value: Float64Array, keep: Uint8Array}
// keep is the dark-leaf pruning verdict (all 1 when visibleThresh is not given).
Napi::Value gdShortestPathTree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "gdShortestPathTree";
  auto img = imageArg(env, info[0], fn);
  auto params = graphArg(info[1]);
  auto start = pointsArg(env, info[2], fn, "start");
  if (start.size() != 1) throw Napi::RangeError::New(env, std::string(fn) + ": start must hold exactly one point");
  const bool prune = info.Length() > 3 && info[3].IsNumber();
  const double visible = prune ? info[3].As<Napi::Number>().DoubleValue() : 0;
  return guarded(env, fn, [&]() -> Napi::Value {
    nt::gd::GridGraph g(img, params);
    const int64_t s = g.nodeOf(start[0].x, start[0].y, start[0].z);
    if (s < 0) throw Napi::RangeError::New(env, std::string(fn) + ": start point lies outside the image");
    auto sp = nt::gd::dijkstra(g, s);
    auto tree = nt::gd::shortestPathTree(g, sp, start[0]);
    std::vector<bool> keep = prune ? nt::gd::darkLeafPrune(img, tree, g.params(), visible) : std::vector<bool>(tree.size(), true);
    std::vector<Point> pts(tree.size());
    for (size_t i = 0; i < tree.size(); ++i) pts[i] = tree[i].p;
    Napi::Object o = pointsOut(env, pts);
    auto parent = Napi::Int32Array::New(env, tree.size());
    auto value = Napi::Float64Array::New(env, tree.size());
    auto kept = Napi::Uint8Array::New(env, tree.size());
    for (size_t i = 0; i < tree.size(); ++i) {
      parent[i] = tree[i].parent;
      value[i] = g.value(tree[i].gridNode);
      kept[i] = keep[i] ? 1 : 0;
    }
    o.Set("parent", parent); o.Set("value", value); o.Set("keep", kept);
    return o;
  });
}

// gdRefinePath(volume, path: Float64Array(3k), {downsampleStep=2, smoothWin=7, radiusXYOnly=true,
//   zThickness=1, nloops=1}) -> {x, y, z, radius}: the marker-mode refinement of one traced path.
Napi::Value gdRefinePath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "gdRefinePath";
  auto img = imageArg(env, info[0], fn);
  auto path = pointsArg(env, info[1], fn, "path");
  Napi::Object o = info.Length() > 2 && info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env);
  return guarded(env, fn, [&]() -> Napi::Value {
    nt::gd::BdbParams bdb;
    bdb.nloops = static_cast<int>(numberOr(o, "nloops", 1));
    const auto stats = nt::gd::imageStats(img);
    auto r = nt::gd::refinePath(img, path, stats, static_cast<int>(numberOr(o, "downsampleStep", 2)), bdb,
                                static_cast<float>(numberOr(o, "zThickness", 1)), boolOr(o, "radiusXYOnly", true),
                                static_cast<int>(numberOr(o, "smoothWin", 7)));
    Napi::Object out = pointsOut(env, r.pts);
    auto radius = Napi::Float64Array::New(env, r.radius.size());
    for (size_t i = 0; i < r.radius.size(); ++i) radius[i] = r.radius[i];
    out.Set("radius", radius);
    return out;
  });
}

// gdFitRadius(volume, points: Float64Array(3k), {imgTH?, zThickness=1, xyOnly=true}) -> Float64Array
// imgTH defaults to the image mean + std, as GD uses it.
Napi::Value gdFitRadius(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "gdFitRadius";
  auto img = imageArg(env, info[0], fn);
  auto pts = pointsArg(env, info[1], fn, "points");
  Napi::Object o = info.Length() > 2 && info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env);
  return guarded(env, fn, [&]() -> Napi::Value {
    double th;
    if (o.Get("imgTH").IsNumber()) th = o.Get("imgTH").As<Napi::Number>().DoubleValue();
    else { auto s = nt::gd::imageStats(img); th = s.mean + s.std; }
    const float zt = static_cast<float>(numberOr(o, "zThickness", 1));
    const bool xy = boolOr(o, "xyOnly", true);
    auto out = Napi::Float64Array::New(env, pts.size());
    for (size_t i = 0; i < pts.size(); ++i)
      out[i] = nt::gd::fitRadiusPercent(img, th, static_cast<float>(pts[i].x), static_cast<float>(pts[i].y),
                                        static_cast<float>(pts[i].z), zt, xy);
    return out;
  });
}

}  // namespace

NT_EXPORT("gdTracePaths", gdTracePaths);
NT_EXPORT("gdShortestPathTree", gdShortestPathTree);
NT_EXPORT("gdRefinePath", gdRefinePath);
NT_EXPORT("gdFitRadius", gdFitRadius);
