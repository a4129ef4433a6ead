// Synchronous hooks into APP1's pruning rules for the test suite (names start
// with _test): each runs one rule on a small hand-built node list, so tests can check a rule
// against hand-worked answers without the whole pipeline deciding which nodes reach it.
#include <napi.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/registry.h"
#include "kernels/edt.h"
#include "tracers/app1_geometry.h"
#include "tracers/app1_prune.h"
#include "tracers/app1_tree.h"

namespace {

using namespace nt;

gd::ImageU8 imageOf(const Napi::Env& env, const Napi::Value& data, const Napi::Value& dims) {
  Napi::Uint8Array a = data.As<Napi::Uint8Array>();
  Napi::Array d = dims.As<Napi::Array>();
  gd::ImageU8 img{a.Data(), d.Get(0u).As<Napi::Number>().Int64Value(), d.Get(1u).As<Napi::Number>().Int64Value(),
                  d.Get(2u).As<Napi::Number>().Int64Value()};
  if (static_cast<int64_t>(a.ElementLength()) != img.nx * img.ny * img.nz)
    throw Napi::RangeError::New(env, "dims do not match the voxel count");
  return img;
}

double optNumber(const Napi::Object& o, const char* k, double def) {
  return o.Has(k) && o.Get(k).IsNumber() ? o.Get(k).As<Napi::Number>().DoubleValue() : def;
}
bool optBool(const Napi::Object& o, const char* k, bool def) {
  return o.Has(k) && o.Get(k).IsBoolean() ? o.Get(k).As<Napi::Boolean>().Value() : def;
}

// _testApp1Rule(data: Uint8Array, dims, nodes: {x, y, z, r: Float64Array, parent: Int32Array,
//   nchild?: Int32Array}, options: {rule, zThickness?, visibleThresh?, bookkeepingQuirk?,
//   coverCubeQuirk?, condenseQuirk?}) -> {x, y, z, r, parent, nchild, count}
// Node i has id i + 1; parent holds ids (-1 root, 0 dangling). Without nchild the counters are
// the true child counts. count is the rule's return value (nodes pruned, leaves capped, or for
// rule 'edgeMean' the mean intensity along node 1 -> node 2, times 1000).
Napi::Value testApp1Rule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const gd::ImageU8 img = imageOf(env, info[0], info[1]);
  Napi::Object nodes = info[2].As<Napi::Object>();
  Napi::Object opt = info[3].As<Napi::Object>();
  Napi::Float64Array x = nodes.Get("x").As<Napi::Float64Array>(), y = nodes.Get("y").As<Napi::Float64Array>(),
                     z = nodes.Get("z").As<Napi::Float64Array>(), r = nodes.Get("r").As<Napi::Float64Array>();
  Napi::Int32Array parent = nodes.Get("parent").As<Napi::Int32Array>();
  const size_t n = x.ElementLength();
  app1::Tree t;
  t.rowZeroQuirk = optBool(opt, "bookkeepingQuirk", true);
  for (size_t i = 0; i < n; ++i) {
    app1::Node a;
    a.x = x[i]; a.y = y[i]; a.z = z[i]; a.r = r[i];
    a.n = static_cast<int64_t>(i + 1);
    a.parent = parent[i];
    t.u.push_back(a);
  }
  if (nodes.Has("nchild") && nodes.Get("nchild").IsTypedArray()) {
    Napi::Int32Array nc = nodes.Get("nchild").As<Napi::Int32Array>();
    for (size_t i = 0; i < n; ++i) t.u[i].nchild = nc[i];
  } else {
    for (const app1::Node& a : t.u)
      if (a.parent >= 1 && a.parent <= static_cast<int64_t>(n)) t.u[a.parent - 1].nchild++;
  }

  app1::Context c;
  c.img = img;
  c.zThickness = optNumber(opt, "zThickness", 1);
  c.stats = gd::imageStats(img);
  c.coverCubeQuirk = optBool(opt, "coverCubeQuirk", true);
  std::vector<float> distance;
  if (!optBool(opt, "condenseQuirk", true)) {
    std::vector<uint8_t> fg(img.voxels());
    const double th = optNumber(opt, "imgTH", 0);
    for (size_t i = 0; i < fg.size(); ++i) fg[i] = img.data[i] > th;
    distance = kern::edt(fg.data(), kern::Dims{img.nx, img.ny, img.nz}, false);
    c.dmap = distance.data();
  }
  const std::string rule = opt.Get("rule").As<Napi::String>().Utf8Value();
  double count = 0;
  if (rule == "radii") app1::fitRadii(t, c);
  else if (rule == "condense") count = static_cast<double>(app1::condenseLeaves(t, c));
  else if (rule == "smooth") app1::smoothGraphOrder(t, c);
  else if (rule == "singleCover") count = static_cast<double>(app1::pruneSingleCover(t, c));
  else if (rule == "multiCover") count = static_cast<double>(app1::pruneMultiCover(t, c));
  else if (rule == "internodes") count = static_cast<double>(app1::pruneInternodes(t, c));
  else if (rule == "branchNodes") count = static_cast<double>(app1::pruneBranchNodes(t, c));
  else if (rule == "artefact") count = static_cast<double>(app1::pruneArtefactBranches(t, c, optNumber(opt, "visibleThresh", 30)));
  else if (rule == "edgeMean") count = std::round(1000 * app1::edgeMean(t.u.at(0), t.u.at(1), img));
  else if (rule == "overlap") count = std::round(1000 * app1::overlapRatio(t.u.at(0), t.u.at(1), c));
  else throw Napi::TypeError::New(env, "_testApp1Rule: unknown rule '" + rule + "'");

  const size_t m = t.u.size();
  Napi::Object out = Napi::Object::New(env);
  auto f64 = [&](auto get) {
    Napi::Float64Array a = Napi::Float64Array::New(env, m);
    for (size_t i = 0; i < m; ++i) a[i] = get(t.u[i]);
    return a;
  };
  auto i32 = [&](auto get) {
    Napi::Int32Array a = Napi::Int32Array::New(env, m);
    for (size_t i = 0; i < m; ++i) a[i] = static_cast<int32_t>(get(t.u[i]));
    return a;
  };
  out.Set("x", f64([](const app1::Node& a) { return a.x; }));
  out.Set("y", f64([](const app1::Node& a) { return a.y; }));
  out.Set("z", f64([](const app1::Node& a) { return a.z; }));
  out.Set("r", f64([](const app1::Node& a) { return a.r; }));
  out.Set("parent", i32([](const app1::Node& a) { return a.parent; }));
  out.Set("nchild", i32([](const app1::Node& a) { return a.nchild; }));
  out.Set("count", Napi::Number::New(env, count));
  return out;
}

}  // namespace

NT_EXPORT("_testApp1Rule", testApp1Rule);
