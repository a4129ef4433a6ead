// Synchronous hooks into SmartTracing's stages for the tests: the Haar feature vector of one
// voxel, mRMR picks, SVM training + prediction, perturbation scores, training samples and
// region growing on small inputs.
#include <napi.h>

#include <string>
#include <vector>

#include "core/napi_convert.h"
#include "core/registry.h"
#include "kernels/haar3d.h"
#include "kernels/mrmr.h"
#include "kernels/region_grow.h"
#include "kernels/svm.h"
#include "tracers/smart_tracing_scores.h"

namespace {

using namespace nt::js;

// {x, y, z, radius: Float64Array, parent: Int32Array} -> SwcList
nt::kern::SwcList treeArg(const Napi::Value& v) {
  Napi::Object o = v.As<Napi::Object>();
  const auto x = vectorArg<double>(o.Get("x")), y = vectorArg<double>(o.Get("y")), z = vectorArg<double>(o.Get("z")),
             r = vectorArg<double>(o.Get("radius"));
  const auto p = vectorArg<int32_t>(o.Get("parent"));
  nt::kern::SwcList t;
  for (size_t i = 0; i < x.size(); ++i) t.add(x[i], y[i], z[i], r[i], 0, p[i]);
  return t;
}

// (data: Uint8Array, dims, voxel: [x,y,z]) -> Float32Array(4096)
Napi::Value testHaar(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const nt::kern::Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  const nt::kern::Dims v = dimsArg(info[2]);
  std::vector<float> out(nt::kern::kHaarFeatures);
  nt::kern::HaarWorkspace ws;
  nt::kern::haarFeatures(img, d, v.nx, v.ny, v.nz, ws, out.data());
  return typedArray(env, out);
}

// (x: Float32Array n*f, n, f, labels: Int32Array, {picks, bins, pool}) -> Int32Array
Napi::Value testMrmr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<float> x = vectorArg<float>(info[0]);
  const int64_t n = info[1].As<Napi::Number>().Int64Value();
  const int f = info[2].As<Napi::Number>().Int32Value();
  const std::vector<int32_t> la = vectorArg<int32_t>(info[3]);
  Napi::Object o = info[4].As<Napi::Object>();
  nt::kern::MrmrOptions mo;
  mo.picks = o.Get("picks").As<Napi::Number>().Int32Value();
  mo.bins = o.Get("bins").As<Napi::Number>().Int32Value();
  mo.pool = o.Get("pool").As<Napi::Number>().Int32Value();
  if (static_cast<int64_t>(x.size()) != n * f) throw Napi::RangeError::New(env, "_testSmartMrmr: x must hold n * f values");
  return typedArrayAs<int32_t>(env, nt::kern::mrmrMid(x.data(), n, f, std::vector<int>(la.begin(), la.end()), mo));
}

// (x: Float32Array n*dim, dim, y: Int8Array n, query: Float32Array m*dim, {c, gamma, eps})
//   -> {decision: Float64Array(m), supportVectors, rho}
Napi::Value testSvm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<float> x = vectorArg<float>(info[0]);
  const int dim = info[1].As<Napi::Number>().Int32Value();
  const std::vector<int8_t> y = vectorArg<int8_t>(info[2]);
  const std::vector<float> q = vectorArg<float>(info[3]);
  Napi::Object o = info[4].As<Napi::Object>();
  nt::kern::SvmOptions so;
  if (o.Get("c").IsNumber()) so.c = o.Get("c").As<Napi::Number>().DoubleValue();
  if (o.Get("gamma").IsNumber()) so.gamma = o.Get("gamma").As<Napi::Number>().DoubleValue();
  if (o.Get("eps").IsNumber()) so.eps = o.Get("eps").As<Napi::Number>().DoubleValue();
  nt::kern::SvmModel m;
  try {
    m = nt::kern::svmTrain(x.data(), static_cast<int64_t>(y.size()), dim, y, so);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("_testSmartSvm: ") + e.what());
  }
  std::vector<double> dec(q.size() / dim);
  for (size_t i = 0; i < dec.size(); ++i) dec[i] = m.decision(q.data() + i * dim);
  Napi::Object r = Napi::Object::New(env);
  r.Set("decision", typedArray(env, dec));
  r.Set("supportVectors", Napi::Number::New(env, static_cast<double>(m.supportVectors())));
  r.Set("rho", Napi::Number::New(env, m.rho));
  return r;
}

// (data: Uint8Array, dims, tree, wholeImage?: bool) -> Float64Array of scores
Napi::Value testScores(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const nt::kern::Dims d = dimsArg(info[1]);
  const uint8_t* img = voxelsArg(env, info[0], d);
  const bool whole = info.Length() > 3 && info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
  return typedArray(env, nt::smart::perturbationScores(img, d, treeArg(info[2]), nt::smart::MaskBounds::Fixed, nullptr,
                                                       {}, !whole));
}

// (dims, tree, scores: Float64Array, thresh, maxPerClass, quirk: bool)
//   -> {positive, negative: Float64Array of voxel indices, threshUsed, positiveCount, negativeCount}
Napi::Value testSamples(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const nt::smart::Samples smp = nt::smart::trainingSamples(
      dimsArg(info[0]), treeArg(info[1]), vectorArg<double>(info[2]), info[3].As<Napi::Number>().DoubleValue(),
      info[4].As<Napi::Number>().Int64Value(),
      info[5].As<Napi::Boolean>().Value() ? nt::smart::MaskBounds::Quirk : nt::smart::MaskBounds::Fixed, {});
  Napi::Object r = Napi::Object::New(env);
  r.Set("positive", typedArrayAs<double>(env, smp.positive));
  r.Set("negative", typedArrayAs<double>(env, smp.negative));
  r.Set("threshUsed", Napi::Number::New(env, smp.scoreThreshUsed));
  r.Set("positiveCount", Napi::Number::New(env, static_cast<double>(smp.positiveCount)));
  r.Set("negativeCount", Napi::Number::New(env, static_cast<double>(smp.negativeCount)));
  return r;
}

// (mask: Uint8Array, dims, seed: [x,y,z], radius) -> Uint8Array of RegionLabel; the classifier
// answers "foreground" exactly where mask != 0.
Napi::Value testRegionGrow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const nt::kern::Dims d = dimsArg(info[1]);
  const uint8_t* m = voxelsArg(env, info[0], d);
  const nt::kern::Dims s = dimsArg(info[2]);
  std::vector<uint8_t> labels;
  nt::kern::regionGrow(d, s.nx, s.ny, s.nz, info[3].As<Napi::Number>().Int32Value(),
                       [&](int64_t x, int64_t y, int64_t z) { return m[d.index(x, y, z)] != 0; }, labels);
  return typedArray(env, labels);
}

}  // namespace

NT_EXPORT("_testSmartHaar", testHaar);
NT_EXPORT("_testSmartMrmr", testMrmr);
NT_EXPORT("_testSmartSvm", testSvm);
NT_EXPORT("_testSmartScores", testScores);
NT_EXPORT("_testSmartSamples", testSamples);
NT_EXPORT("_testSmartRegionGrow", testRegionGrow);
