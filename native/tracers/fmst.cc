// FMST (fastmarching_spanningtree, BJUT): the native tracer entry and a diagnostic export of
// its weighted node graph. Card: /work/shared/algorithms/fastmarching_spanningtree.md.
#include <exception>
#include <string>

#include "core/napi_convert.h"
#include "core/trace_worker.h"
#include "tracers/fmst_graph.h"
#include "tracers/fmst_tree.h"

namespace nt::fmst {
namespace {

Options readOptions(const Params& p) {
  Options o;
  o.threshold = static_cast<int>(p.number("threshold", 30));
  o.coverRate = p.number("coverRate", 1.0);
  const std::string w = p.text("edgeWeight", "chebyshev");
  if (w == "chebyshev") o.weight = EdgeWeight::Chebyshev;
  else if (w == "geodesic") o.weight = EdgeWeight::Geodesic;
  else badParam("edgeWeight", "must be \"chebyshev\" or \"geodesic\" (got \"" + w + "\")");
  return o;
}

// The original read the buffer as bytes whatever its type (quirk F6); the manifest declares
// uint8 so the host scales other types first, and anything else is refused rather than misread.
const uint8_t* bytesOf(const VolumeView& vol) {
  return vol.u8("expects uint8 voxels; the host converts images to uint8 before calling it");
}

NativeTree runFmst(const VolumeView& vol, const Params& params, const std::vector<Seed>&, TraceContext& ctx) {
  const Options opt = readOptions(params);
  const NodeGraph g = buildNodeGraph(bytesOf(vol), vol.nx, vol.ny, vol.nz, opt, ctx, 0.0, 0.7);
  NativeTree tree = assembleTree(g, ctx, 0.7, 1.0);
  tree.meta.insert(tree.meta.begin(), {{"foregroundVoxels", static_cast<double>(g.foreground)},
                                       {"nodesAfterThinning", static_cast<double>(g.afterThinning)},
                                       {"nodesAfterCoverPruning", static_cast<double>(g.afterCover)}});
  return tree;
}

// fmstGraph({data: Uint8Array, dims}, params) -> {x, y, z, radius: Int32Array, cover: Float64Array,
//   a, b: Int32Array, w: Float64Array (each link once, a < b)}: the graph after steps 1-7, run
// synchronously. For inspecting the method on small volumes (and for the tests of its stages).
Napi::Value fmstGraph(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsObject())
    throw Napi::TypeError::New(env, "fmstGraph(volume, params) called with wrong arguments");
  Napi::Object volObj = info[0].As<Napi::Object>();
  if (!volObj.Get("data").IsTypedArray() || volObj.Get("data").As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(env, "fmstGraph: volume.data must be a Uint8Array");
  Napi::Uint8Array data = volObj.Get("data").As<Napi::Uint8Array>();
  Napi::Array dims = volObj.Get("dims").As<Napi::Array>();
  const int64_t nx = dims.Get(0u).As<Napi::Number>().Int64Value();
  const int64_t ny = dims.Get(1u).As<Napi::Number>().Int64Value();
  const int64_t nz = dims.Get(2u).As<Napi::Number>().Int64Value();
  if (nx <= 0 || ny <= 0 || nz <= 0 || static_cast<int64_t>(data.ElementLength()) != nx * ny * nz)
    throw Napi::RangeError::New(env, "fmstGraph: dims do not match the voxel count");
  const Params params = paramsFromJs(info[1].As<Napi::Object>());
  NodeGraph g;
  try {
    TraceContext ctx(nullptr, {});
    g = buildNodeGraph(data.Data(), nx, ny, nz, readOptions(params), ctx, 0, 1);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("fmstGraph: ") + e.what());
  }
  const size_t n = g.size();
  Napi::Object out = Napi::Object::New(env);
  out.Set("x", js::typedArray(env, g.x));
  out.Set("y", js::typedArray(env, g.y));
  out.Set("z", js::typedArray(env, g.z));
  out.Set("radius", js::typedArray(env, g.radius));
  out.Set("cover", js::typedArray(env, g.cover));
  std::vector<int32_t> ea, eb;
  std::vector<double> ew;
  for (size_t p = 0; p < n; ++p) {
    for (int64_t e = g.links.offset[p]; e < g.links.offset[p + 1]; ++e) {
      if (g.links.target[e] <= static_cast<int32_t>(p)) continue;
      ea.push_back(static_cast<int32_t>(p));
      eb.push_back(g.links.target[e]);
      ew.push_back(g.links.weight[e]);
    }
  }
  out.Set("a", js::typedArray(env, ea));
  out.Set("b", js::typedArray(env, eb));
  out.Set("w", js::typedArray(env, ew));
  return out;
}

NT_TRACER("fastmarchingSpanningTree", runFmst);
NT_EXPORT("fmstGraph", fmstGraph);

}  // namespace
}  // namespace nt::fmst
