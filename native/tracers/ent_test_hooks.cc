// Synchronous hooks into the ENT / EnsembleNeuronTracer building blocks for the test suite
// (names start with _test): each takes small typed arrays, runs one step on the JS thread and
// returns plain values, so tests can check the steps against hand-computed answers.
#include <napi.h>

#include <string>
#include <vector>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "kernels/global_binarize.h"
#include "kernels/kdtree3.h"
#include "kernels/morph6.h"
#include "kernels/trace_combine.h"
#include "tracers/ensemble_images.h"
#include "tracers/ent_app2_base.h"
#include "tracers/ent_learning.h"

namespace {

using namespace nt::js;
using namespace nt::kern;

// _testGlobalBinarize(data: Uint8Array, rule: 'niblack'|'sauvola'|'bernsen', counter: 'ent'|'int',
//   k, r) -> {threshold, mean, stddev, out}; for 'bernsen' k is the minimum contrast and
//   counter 'ent' keeps voxel 0 unchanged.
Napi::Value testGlobalBinarize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<uint8_t> img = vectorArg<uint8_t>(info[0]);
  const std::string rule = info[1].As<Napi::String>().Utf8Value();
  const bool ent = info[2].As<Napi::String>().Utf8Value() == "ent";
  const double k = info[3].As<Napi::Number>().DoubleValue(), r = info[4].As<Napi::Number>().DoubleValue();
  const int64_t n = static_cast<int64_t>(img.size());
  std::vector<uint8_t> out(img.size());
  Napi::Object res = Napi::Object::New(env);
  if (rule == "bernsen") {
    const BernsenInfo b = bernsenGlobal(img.data(), n, static_cast<int>(k), ent, out.data());
    res.Set("threshold", b.mid);
    res.Set("lowContrast", b.lowContrast);
  } else {
    const NonzeroStats s = nonzeroStats(img.data(), n, ent ? NonzeroCounter::FloatFromTenth : NonzeroCounter::IntFromZero);
    const int t = rule == "niblack" ? niblackThreshold(s, static_cast<float>(k))
                                    : sauvolaThreshold(s, static_cast<float>(k), static_cast<float>(r));
    binarizeAbove(img.data(), n, t, out.data());
    res.Set("threshold", t);
    res.Set("mean", s.mean);
    res.Set("stddev", s.stddev);
  }
  res.Set("out", typedArray(env, out));
  return res;
}

// _testEntLearning(original: Uint8Array, version: Uint8Array, dims) -> {a, b, maxValue, marks, score}
Napi::Value testEntLearning(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[2]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  const uint8_t* ver = voxelsArg(env, info[1], d);
  const nt::ent::BrightBlock b = nt::ent::brightestBlock(img, d);
  Napi::Object res = Napi::Object::New(env);
  res.Set("a", b.a);
  res.Set("b", b.b);
  res.Set("maxValue", b.maxValue);
  res.Set("marks", b.marks);
  res.Set("score", nt::ent::learningScore(ver, d, b));
  return res;
}

// _testMorph6(data, dims, op: 'dilate'|'erode', interior: boolean) -> Uint8Array
Napi::Value testMorph6(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  std::vector<uint8_t> out(static_cast<size_t>(d.voxels()));
  const MorphBorder border = info[3].As<Napi::Boolean>().Value() ? MorphBorder::Interior : MorphBorder::Full;
  if (info[2].As<Napi::String>().Utf8Value() == "dilate") dilate6(img, d, border, out.data());
  else erode6(img, d, border, out.data());
  return typedArray(env, out);
}

// _testEnsembleImages(op: 'stretch'|'dilate'|'closing', data, dims, extra) -> {out, lo?, hi?, scale?}
//   stretch: extra = percent; closing: extra = the dilated image (Uint8Array)
Napi::Value testEnsembleImages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string op = info[0].As<Napi::String>().Utf8Value();
  const Dims d = dimsArg(info[2]);
  const uint8_t* src = voxelsArg(env, info[1], d);
  std::vector<uint8_t> img(src, src + d.voxels());  // stretch and closing work in place
  Napi::Object res = Napi::Object::New(env);
  if (op == "stretch") {
    const nt::ens::StretchInfo s = nt::ens::contrastStretch(img.data(), d.voxels(), info[3].As<Napi::Number>().Int32Value());
    res.Set("lo", s.lo);
    res.Set("hi", s.hi);
    res.Set("scale", s.scale);
    res.Set("out", typedArray(env, img));
  } else if (op == "dilate") {
    std::vector<uint8_t> out(img.size());
    nt::ens::quirkyDilate(img.data(), d, out.data());
    res.Set("out", typedArray(env, out));
  } else {
    nt::ens::quirkyClosing(img.data(), voxelsArg(env, info[3], d), d);
    res.Set("out", typedArray(env, img));
  }
  return res;
}

SwcList listOf(const Napi::Object& o) {
  SwcList l;
  Napi::Float64Array x = o.Get("x").As<Napi::Float64Array>(), y = o.Get("y").As<Napi::Float64Array>(),
                     z = o.Get("z").As<Napi::Float64Array>();
  Napi::Int32Array p = o.Get("parent").As<Napi::Int32Array>();
  for (size_t i = 0; i < x.ElementLength(); ++i) l.add(x[i], y[i], z[i], 1, 3, p[i]);
  return l;
}

// _testCombine(main {x, y, z, parent}, add {...}, dropDistance) -> {x, y, z, parent, dropped, appended, orphans, relinked, keptAsRoot}
Napi::Value testCombine(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CombineStats st;
  const SwcList out = combineTraces(listOf(info[0].As<Napi::Object>()), listOf(info[1].As<Napi::Object>()),
                                    info[2].As<Napi::Number>().DoubleValue(), &st);
  Napi::Object res = Napi::Object::New(env);
  res.Set("x", typedArray(env, out.x));
  res.Set("y", typedArray(env, out.y));
  res.Set("z", typedArray(env, out.z));
  res.Set("parent", typedArray(env, out.parent));
  res.Set("dropped", static_cast<double>(st.dropped));
  res.Set("appended", static_cast<double>(st.appended));
  res.Set("orphans", static_cast<double>(st.orphans));
  res.Set("relinked", static_cast<double>(st.relinked));
  res.Set("keptAsRoot", static_cast<double>(st.keptAsRoot));
  return res;
}

// _testKdNearest(points: Float64Array(3n), queries: Float64Array(3m), skip: Int32Array(m)) -> Int32Array(m)
Napi::Value testKdNearest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array pts = info[0].As<Napi::Float64Array>(), q = info[1].As<Napi::Float64Array>();
  Napi::Int32Array skip = info[2].As<Napi::Int32Array>();
  const size_t n = pts.ElementLength() / 3, m = q.ElementLength() / 3;
  std::vector<double> x(n), y(n), z(n);
  for (size_t i = 0; i < n; ++i) { x[i] = pts[3 * i]; y[i] = pts[3 * i + 1]; z[i] = pts[3 * i + 2]; }
  KdTree3 t(x.data(), y.data(), z.data(), n);
  Napi::Int32Array out = Napi::Int32Array::New(env, m);
  for (size_t i = 0; i < m; ++i) out[i] = static_cast<int32_t>(t.nearest(q[3 * i], q[3 * i + 1], q[3 * i + 2], skip[i]).index);
  return out;
}

// _testEntApp2Base(data, dims, ignoreY: boolean) -> {x, y, z: Float64Array, parent: Int32Array, fxy, fz}
Napi::Value testEntApp2Base(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Dims d = dimsArg(info[1]);
  nt::ent::App2BaseInfo bi;
  const SwcList t = nt::ent::app2Base(voxelsArg(env, info[0], d), d, info[2].As<Napi::Boolean>().Value() ? nt::ent::CubeRule::IgnoreY
                                                                                        : nt::ent::CubeRule::Standard,
                                      nullptr, &bi, {});
  Napi::Object res = Napi::Object::New(env);
  res.Set("x", typedArray(env, t.x));
  res.Set("y", typedArray(env, t.y));
  res.Set("z", typedArray(env, t.z));
  res.Set("parent", typedArray(env, t.parent));
  res.Set("fxy", bi.fxy);
  res.Set("fz", bi.fz);
  return res;
}

}  // namespace

NT_EXPORT("_testEntApp2Base", testEntApp2Base);
NT_EXPORT("_testGlobalBinarize", testGlobalBinarize);
NT_EXPORT("_testEntLearning", testEntLearning);
NT_EXPORT("_testMorph6", testMorph6);
NT_EXPORT("_testEnsembleImages", testEnsembleImages);
NT_EXPORT("_testCombine", testCombine);
NT_EXPORT("_testKdNearest", testKdNearest);
