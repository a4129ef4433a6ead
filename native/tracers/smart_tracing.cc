// SmartTracing (Chen, Xiao, Liu & Peng 2015): APP2 traces the image, a perturbation test scores
// every segment, the reliable segments give foreground/background voxel samples, 3-level Haar
// window features reduced to 20 by mRMR train an RBF SVM on the image itself, the SVM grows the
// foreground from the thickest node, and APP2 traces the grown foreground again.
// Spec: shared/algorithms/smartTracing.md (checked against the plugin's sources; see the manifest).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/stage_clock.h"
#include "core/trace_worker.h"
#include "kernels/haar3d.h"
#include "kernels/mrmr.h"
#include "kernels/region_grow.h"
#include "kernels/svm.h"
#include "tracers/app2.h"
#include "tracers/smart_tracing_scores.h"

namespace {

using namespace nt::kern;
using namespace nt::smart;

// The two APP2 calls the plugin makes (-p NULL 0 <thr> 0 1 1 <gap> 5 0): channel 0, no 256-cube,
// XY radii, GSDT on, length 5, no resampling.
nt::Params app2Params(bool autoThresh, double thresh, bool gap) {
  nt::Params p;
  auto num = [&](const char* k, double v) { p.values[k] = nt::ParamValue{nt::ParamValue::Number, v, "", false}; };
  auto flag = [&](const char* k, bool v) { p.values[k] = nt::ParamValue{nt::ParamValue::Bool, 0, "", v}; };
  if (autoThresh) p.values["bkgThresh"] = nt::ParamValue{nt::ParamValue::String, 0, "AUTO", false};
  else num("bkgThresh", thresh);
  flag("downsample256", false);
  flag("radiusFrom2D", true);
  flag("gsdt", true);
  flag("gap", gap);
  num("lengthThresh", 5);
  flag("resample", false);
  return p;
}

SwcList toSwcList(const nt::NativeTree& t) {
  SwcList s;
  for (size_t i = 0; i < t.size(); ++i) s.add(t.x[i], t.y[i], t.z[i], t.radius[i], t.type[i], t.parent[i]);
  return s;
}

int64_t reliableCount(const std::vector<double>& scores, double thresh) {
  int64_t n = 0;
  for (double s : scores) n += s <= thresh;
  return n;
}

double metaOf(const nt::NativeTree& t, const char* key) {
  for (const auto& kv : t.meta)
    if (kv.first == key) return kv.second;
  return -1;
}

nt::NativeTree runSmartTracing(const nt::VolumeView& vol, const nt::Params& params, const std::vector<nt::Seed>& seeds,
                               nt::TraceContext& ctx) {
  if (vol.dtype != nt::DType::U8)
    throw std::invalid_argument("smartTracing works on 8-bit images (the host converts other types)");
  if (!seeds.empty()) throw std::invalid_argument("smartTracing takes no seeds: APP2 chooses its own root");
  const double scoreThresh = params.number("scoreThresh", 0.5);
  const int64_t maxSamples = static_cast<int64_t>(params.number("maxSamplesPerClass", 10000));
  const int features = static_cast<int>(params.number("mrmrFeatures", 20));
  const int bins = static_cast<int>(params.number("mrmrBins", 100));
  SvmOptions so;
  so.c = params.number("svmC", 1);
  const double gammaParam = params.number("svmGamma", 0);
  so.eps = params.number("svmEps", 1e-3);
  const int growRadius = static_cast<int>(params.number("growNeighbor", 1));
  const bool scale = params.flag("scaleFeatures", false);
  const MaskBounds mb = params.flag("maskBoundsQuirk", true) ? MaskBounds::Quirk : MaskBounds::Fixed;

  const Checkpoint cp = [&ctx] { ctx.checkCancel(); };
  const Dims d{vol.nx, vol.ny, vol.nz};
  const uint8_t* I = static_cast<const uint8_t*>(vol.data);
  nt::StageClock clock;

  // 1. initial APP2: AUTO threshold, gap on
  ctx.progress(0.0, "initial APP2 tracing");
  nt::TraceContext inner0 = ctx.nested(0.0, 0.2, "initial APP2: ");
  const nt::NativeTree app2First = nt::app2::trace(vol, app2Params(true, 0, true), {}, inner0);
  const SwcList t0 = toSwcList(app2First);
  const double msApp2Initial = clock.lap();
  if (t0.size() < 2)
    throw std::runtime_error("the initial APP2 tracing found no neurite (AUTO threshold " +
                             std::to_string(static_cast<int>(metaOf(app2First, "bkgThreshUsed"))) +
                             "), so there is nothing to learn from");

  // 2. topology scores
  ctx.progress(0.2, "perturbation scores");
  ScoreStats ss;
  const std::vector<double> scores = perturbationScores(I, d, t0, mb, &ss, cp, true, [&ctx](int done, int total) {
    ctx.progress(0.2 + 0.15 * done / std::max(1, total),
                 "perturbation scores: segment " + std::to_string(done) + " of " + std::to_string(total));
  });
  const double msScores = clock.lap();

  // 3. samples
  ctx.progress(0.35, "training samples");
  const Samples smp = trainingSamples(d, t0, scores, scoreThresh, maxSamples, mb, cp);
  if (smp.positive.empty() || smp.negative.empty())
    throw std::runtime_error("no training samples: the reliable segments painted " + std::to_string(smp.positiveCount) +
                             " foreground and " + std::to_string(smp.negativeCount) + " background voxels");
  const int64_t ns = static_cast<int64_t>(smp.positive.size() + smp.negative.size());

  // 4. features; foreground samples first, as the original fills its table
  ctx.progress(0.4, "wavelet features");
  std::vector<float> X(static_cast<size_t>(ns) * kHaarFeatures);
  std::vector<int> labels(static_cast<size_t>(ns));
  std::vector<int8_t> y(static_cast<size_t>(ns));
  HaarWorkspace ws;
  {
    int64_t r = 0;
    for (int cls = 0; cls < 2; ++cls)
      for (int64_t v : cls == 0 ? smp.positive : smp.negative) {
        haarFeatures(I, d, v % d.nx, (v / d.nx) % d.ny, v / (d.nx * d.ny), ws, X.data() + r * kHaarFeatures);
        labels[r] = cls == 0 ? 1 : 0;
        y[r] = cls == 0 ? 1 : -1;
        if ((++r & 1023) == 0) ctx.checkCancel();
      }
  }
  const double msFeatures = clock.lap();

  // 5. mRMR
  ctx.progress(0.5, "mRMR feature selection");
  MrmrOptions mo;
  mo.picks = features;
  mo.bins = bins;
  const std::vector<int> picked = mrmrMid(X.data(), ns, kHaarFeatures, labels, mo, cp);
  const int nf = static_cast<int>(picked.size());
  std::vector<float> Xs(static_cast<size_t>(ns) * nf);
  for (int64_t r = 0; r < ns; ++r)
    for (int k = 0; k < nf; ++k) Xs[r * nf + k] = X[r * kHaarFeatures + picked[k]];
  X.clear();
  X.shrink_to_fit();
  // Optional (not in the original): libsvm's svm-scale, each selected feature mapped linearly from
  // its training range onto [-1, 1], so gamma = 1/#features sees comparable, unit-free distances.
  std::vector<float> lo(static_cast<size_t>(nf), 0.f), span(static_cast<size_t>(nf), 0.f);
  if (scale) {
    for (int k = 0; k < nf; ++k) {
      float mn = Xs[k], mx = Xs[k];
      for (int64_t r = 1; r < ns; ++r) {
        mn = std::min(mn, Xs[r * nf + k]);
        mx = std::max(mx, Xs[r * nf + k]);
      }
      lo[k] = mn;
      span[k] = mx - mn;
    }
  }
  auto scaleRow = [&](float* row) {
    if (!scale) return;
    for (int k = 0; k < nf; ++k) row[k] = span[k] > 0 ? 2.f * (row[k] - lo[k]) / span[k] - 1.f : 0.f;
  };
  for (int64_t r = 0; r < ns; ++r) scaleRow(Xs.data() + r * nf);
  const double msMrmr = clock.lap();

  // 6. SVM (gamma 0 = libsvm's 1 / #features)
  ctx.progress(0.6, "SVM training");
  so.gamma = gammaParam > 0 ? gammaParam : 1.0 / nf;
  const SvmModel model = svmTrain(Xs.data(), ns, nf, y, so, cp);
  Xs.clear();
  Xs.shrink_to_fit();
  const double msSvm = clock.lap();

  // 7. region growing from the first node of largest radius (voxel by truncation; the original
  //    starts at voxel (0, 0, 0) when every radius is 0)
  ctx.progress(0.7, "region growing");
  double maxR = 0;
  int64_t sx = 0, sy = 0, sz = 0;
  for (size_t i = 0; i < t0.size(); ++i)
    if (maxR < t0.radius[i]) {
      maxR = t0.radius[i];
      sx = static_cast<int64_t>(t0.x[i]);
      sy = static_cast<int64_t>(t0.y[i]);
      sz = static_cast<int64_t>(t0.z[i]);
    }
  std::vector<float> all(kHaarFeatures), sel(static_cast<size_t>(nf));
  std::vector<uint8_t> grown;
  const RegionGrowStats gs = regionGrow(
      d, sx, sy, sz, growRadius,
      [&](int64_t x, int64_t yy, int64_t z) {
        haarFeatures(I, d, x, yy, z, ws, all.data());
        for (int k = 0; k < nf; ++k) sel[k] = all[picked[k]];
        scaleRow(sel.data());
        return model.predictPositive(sel.data());
      },
      grown, cp);
  const double msGrow = clock.lap();

  // 8. foreground image: max(I, 2) on foreground, 0 elsewhere
  std::vector<uint8_t> fg(static_cast<size_t>(d.voxels()), 0);
  for (int64_t v = 0; v < d.voxels(); ++v)
    if (grown[v] == kForeground) fg[v] = std::max<uint8_t>(I[v], 2);
  grown.clear();
  grown.shrink_to_fit();

  // 9. final APP2 on the foreground: threshold 1, no gap
  ctx.progress(0.85, "final APP2 tracing");
  nt::VolumeView fgView = vol;
  fgView.data = fg.data();
  nt::TraceContext inner1 = ctx.nested(0.85, 1.0, "final APP2: ");
  nt::NativeTree res = nt::app2::trace(fgView, app2Params(false, 1, false), {}, inner1);
  const double msApp2Final = clock.lap();
  if (res.size() == 0)
    throw std::runtime_error("region growing kept " + std::to_string(gs.foreground) + " foreground voxel(s) around (" +
                             std::to_string(sx) + ", " + std::to_string(sy) + ", " + std::to_string(sz) +
                             "), too few for the final APP2 tracing (" + std::to_string(model.supportVectors()) + " of " +
                             std::to_string(ns) + " training samples are support vectors; " +
                             std::to_string(reliableCount(scores, smp.scoreThreshUsed)) + " nodes were reliable)");

  const int64_t reliable = reliableCount(scores, smp.scoreThreshUsed);
  res.meta = {
      {"bkgThreshInitial", metaOf(app2First, "bkgThreshUsed")},
      {"nodesInitial", static_cast<double>(t0.size())},
      {"segments", static_cast<double>(ss.segments)},
      {"segmentsPerturbed", static_cast<double>(ss.perturbed)},
      {"segmentsUnlinked", static_cast<double>(ss.unlinked)},
      {"linkVoxelsMarched", static_cast<double>(ss.marched)},
      {"linksInWalledBox", static_cast<double>(ss.walled)},
      {"scoreThreshUsed", smp.scoreThreshUsed},
      {"nodesReliable", static_cast<double>(reliable)},
      {"samplesPositivePainted", static_cast<double>(smp.positiveCount)},
      {"samplesNegativePainted", static_cast<double>(smp.negativeCount)},
      {"samplesPositive", static_cast<double>(smp.positive.size())},
      {"samplesNegative", static_cast<double>(smp.negative.size())},
      {"featuresSelected", static_cast<double>(nf)},
      {"svmGamma", so.gamma},
      {"svmRho", model.rho},
      {"supportVectors", static_cast<double>(model.supportVectors())},
      {"svmIterations", static_cast<double>(model.iterations)},
      {"seedX", static_cast<double>(sx)},
      {"seedY", static_cast<double>(sy)},
      {"seedZ", static_cast<double>(sz)},
      {"foregroundVoxels", static_cast<double>(gs.foreground)},
      {"backgroundTested", static_cast<double>(gs.background)},
      {"growPasses", static_cast<double>(gs.passes)},
      {"nodesFinal", static_cast<double>(res.size())},
      {"msApp2Initial", msApp2Initial},
      {"msScores", msScores},
      {"msFeatures", msFeatures},
      {"msMrmr", msMrmr},
      {"msSvm", msSvm},
      {"msGrow", msGrow},
      {"msApp2Final", msApp2Final},
  };
  for (int k = 0; k < nf; ++k) res.meta.push_back({"feature" + std::to_string(k + 1), static_cast<double>(picked[k])});
  ctx.progress(1.0, "done");
  return res;
}

}  // namespace

NT_TRACER("smartTracing", runSmartTracing);
