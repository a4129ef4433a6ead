// APP2 (Xiao & Peng 2013) and its BigNeuron presets app2new1..3: 8-bit conversion and 256-cube
// downsampling, AUTO threshold, soma root from the per-slice GSDT, optional GSDT, fast-marching
// tree, hierarchical pruning, mapping back to the original grid, radius re-estimation on the
// original image, optional resampling, sort_swc. Spec: shared/algorithms/app2.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/stage_clock.h"
#include "core/trace_worker.h"
#include "kernels/fm_tree.h"
#include "kernels/gsdt.h"
#include "kernels/happ.h"
#include "kernels/image_prep.h"
#include "kernels/marker_radius.h"
#include "kernels/swc_tools.h"

namespace {

using namespace nt::kern;
using nt::badParam;

struct App2Params {
  bool autoThresh = false;
  int bkgThresh = 10;
  bool autoMeanOnly = true;  // bench-era AUTO rule (Q7)
  bool downsample256 = true;
  bool radiusFrom2D = true;
  bool gsdt = false;
  bool gap = false;
  double lengthThresh = 5;
  bool resample = true;
  bool brightfield = false;
  bool intensityThreshold = false;
  int cnn = 2;
  double srRatio = 1.0 / 3.0;
  double tMax = 2;
  bool keepDeletedSegments = true;
  bool minMaxQuirk = true;
  bool smooth = true;
  bool gsdtFromRootSearch = true;  // Q9
};

App2Params readParams(const nt::Params& p) {
  App2Params a;
  if (p.isString("bkgThresh")) {
    const std::string s = p.text("bkgThresh", "");
    if (s != "AUTO") badParam("bkgThresh", "must be a number from 0 to 255 or \"AUTO\" (got \"" + s + "\")");
    a.autoThresh = true;
  } else {
    const double t = p.numberIn("bkgThresh", 10, 0, 255);
    if (t != std::floor(t)) badParam("bkgThresh", "must be a whole number (thresholds are in 8-bit units)");
    a.bkgThresh = static_cast<int>(t);
  }
  const std::string rule = p.text("autoRule", "mean");
  if (rule == "mean") a.autoMeanOnly = true;
  else if (rule == "mean+0.5std") a.autoMeanOnly = false;
  else badParam("autoRule", "must be \"mean\" or \"mean+0.5std\" (got \"" + rule + "\")");
  a.downsample256 = p.flag("downsample256", true);
  a.radiusFrom2D = p.flag("radiusFrom2D", true);
  a.gsdt = p.flag("gsdt", false);
  a.gap = p.flag("gap", false);
  a.lengthThresh = p.numberIn("lengthThresh", 5, 0, 1e9);
  a.resample = p.flag("resample", true);
  a.brightfield = p.flag("brightfield", false);
  a.intensityThreshold = p.flag("intensityThreshold", false);
  const double cnn = p.numberIn("cnnType", 2, 1, 3);
  if (cnn != std::floor(cnn)) badParam("cnnType", "must be 1, 2 or 3");
  a.cnn = static_cast<int>(cnn);
  a.srRatio = p.numberIn("srRatio", 1.0 / 3.0, 0, 1e9);
  a.tMax = p.numberIn("coverageTmax", 2, 0, 1e12);
  a.keepDeletedSegments = p.flag("keepDeletedSegments", true);
  a.minMaxQuirk = p.flag("minMaxQuirk", true);
  a.smooth = p.flag("smooth", true);
  a.gsdtFromRootSearch = p.flag("gsdtFromRootSearch", true);
  return a;
}

std::string fmtSeed(const nt::Seed& s) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "(%g, %g, %g)", s.x, s.y, s.z);
  return buf;
}

// The caller's voxel buffer as doubles, optionally reflected for brightfield data.
struct OriginalImage {
  const nt::VolumeView* v;
  bool invert = false;
  double lo = 0, hi = 0;
  double operator()(int64_t i) const {
    const double x = v->at(static_cast<size_t>(i));
    return invert ? lo + hi - x : x;
  }
};

nt::NativeTree runApp2(const nt::VolumeView& vol, const nt::Params& params, const std::vector<nt::Seed>& seeds,
                       nt::TraceContext& ctx) {
  const App2Params a = readParams(params);
  nt::StageClock clock;
  double msPrep = 0, msRoot = 0, msGsdt = 0, msTree = 0, msPrune = 0, msRadius = 0, msSort = 0;
  const Checkpoint cp = [&ctx] { ctx.checkCancel(); };
  const Dims full{vol.nx, vol.ny, vol.nz};
  const int64_t nFull = full.voxels();

  for (size_t i = 0; i < seeds.size(); ++i) {
    const auto& s = seeds[i];
    if (!(s.x > -0.5 && s.y > -0.5 && s.z > -0.5 && s.x < full.nx - 0.5 && s.y < full.ny - 0.5 && s.z < full.nz - 0.5))
      throw std::invalid_argument("seed " + std::to_string(i + 1) + " " + fmtSeed(s) + " lies outside the " +
                                  std::to_string(full.nx) + "x" + std::to_string(full.ny) + "x" +
                                  std::to_string(full.nz) + " image (0-based voxel coordinates)");
  }
  if (a.intensityThreshold && seeds.size() < 2)
    badParam("intensityThreshold", "needs at least two seeds (a root and targets whose intensity raises the threshold)");

  // 1. 8-bit copy of the channel (no copy for plain uint8 input)
  ctx.progress(0.0, "preprocessing");
  std::vector<uint8_t> own8;
  const uint8_t* img8 = nullptr;
  if (vol.dtype == nt::DType::U8) {
    const uint8_t* src = static_cast<const uint8_t*>(vol.data);
    if (a.brightfield) {
      own8.resize(static_cast<size_t>(nFull));
      for (int64_t i = 0; i < nFull; ++i) own8[i] = static_cast<uint8_t>(255 - src[i]);
      img8 = own8.data();
    } else {
      img8 = src;
    }
  } else {
    own8.resize(static_cast<size_t>(nFull));
    if (vol.dtype == nt::DType::U16) convertTo8bit(static_cast<const uint16_t*>(vol.data), nFull, a.brightfield, own8.data());
    else convertTo8bit(static_cast<const float*>(vol.data), nFull, a.brightfield, own8.data());
    img8 = own8.data();
  }
  ctx.checkCancel();

  int t = a.autoThresh ? -1 : a.bkgThresh;
  if (a.intensityThreshold) {
    int lowest = 1 << 30;
    for (size_t i = 1; i < seeds.size(); ++i) {
      const int64_t idx = full.index(roundVoxel(seeds[i].x), roundVoxel(seeds[i].y), roundVoxel(seeds[i].z));
      lowest = std::min<int>(lowest, img8[idx]);
    }
    t = std::max(t, lowest - 10);
  }

  // 2. 256-cube downsampling (only considered when conversion was needed, as in the plugin)
  DownsampleFactors f;
  Dims td = full;
  const uint8_t* I = img8;
  std::vector<uint8_t> small;
  if (a.downsample256 && (vol.dtype != nt::DType::U8 || full.nx > 256 || full.ny > 256 || full.nz > 256)) {
    f = chooseDownsample256(full);
    if (f.xy > 1 || f.z > 1) {
      small = blockMeanDownsample(img8, full, f.xy, f.z, &td);
      I = small.data();
      if (!own8.empty() && own8.data() != I) {
        own8.clear();
        own8.shrink_to_fit();
        img8 = nullptr;
      }
    }
  }
  ctx.checkCancel();

  // 3. AUTO threshold on the tracing image
  const bool autoUsed = t < 0;
  if (autoUsed) {
    const MeanStd ms = meanStd(I, td.voxels());
    t = a.autoMeanOnly ? static_cast<int>(ms.mean) : static_cast<int>(ms.mean + 0.5 * std::max(ms.std, 10.0));
  }

  msPrep = clock.lap();

  // 4. seeds in the tracing grid (x / factor, as the plugin scales markers)
  auto toTracing = [&](const nt::Seed& s) {
    Voxel3 v{s.x / f.xy, s.y / f.xy, s.z / f.z};
    // a seed in the last partial block can round past the downsampled edge
    v.x = std::min(v.x, td.nx - 1.0);
    v.y = std::min(v.y, td.ny - 1.0);
    v.z = std::min(v.z, td.nz - 1.0);
    return v;
  };
  Voxel3 root;
  std::optional<GsdtField> phi;
  bool planarPhi = false;
  if (seeds.empty()) {
    ctx.progress(0.1, "locating the soma (per-slice GSDT)");
    GsdtField g2 = gsdt(I, td, a.cnn, t, true, cp);
    const int64_t idx = g2.argmaxFirst();
    root = Voxel3{static_cast<double>(idx % td.nx), static_cast<double>((idx / td.nx) % td.ny),
                  static_cast<double>(idx / (td.nx * td.ny))};
    // Q9: the plugin keeps this per-slice transform in the buffer its GSDT step checks, so
    // without a seed the gsdt mode traces on it instead of computing the 3D transform.
    if (a.gsdt && a.gsdtFromRootSearch) {
      phi.emplace(std::move(g2));
      planarPhi = true;
    }
  } else {
    root = toTracing(seeds[0]);
  }
  std::vector<Voxel3> targets;
  for (size_t i = 1; i < seeds.size(); ++i) targets.push_back(toTracing(seeds[i]));
  ctx.checkCancel();
  msRoot = clock.lap();

  // 5. optional GSDT, 6. fast-marching tree
  if (a.gsdt && !phi) {
    ctx.progress(0.2, "gray-scale distance transform");
    phi.emplace(gsdt(I, td, a.cnn, t, false, cp));
  }
  msGsdt = clock.lap();
  ctx.progress(0.35, "fast-marching tree");
  FmTreeOptions fo;
  fo.cnn = a.cnn;
  fo.thresh = t;
  fo.gap = a.gap;
  fo.minMaxQuirk = a.minMaxQuirk;
  FmTree fm = targets.empty()
                  ? (phi ? fastmarchingTree(*phi, root, fo, cp) : fastmarchingTree(I, td, root, fo, cp))
                  : (phi ? fastmarchingTreeTargets(*phi, root, targets, a.cnn, cp)
                         : fastmarchingTreeTargets(I, td, root, targets, a.cnn, cp));
  phi.reset();
  ctx.checkCancel();

  SwcList tree = toSwcList(fm, td);
  const size_t initialNodes = tree.size();
  fm = FmTree{};
  msTree = clock.lap();

  // 7. hierarchical pruning on the 8-bit tracing image
  ctx.progress(0.6, "hierarchical pruning");
  HappOptions ho;
  ho.bkgThresh = t;
  ho.lengthThresh = a.lengthThresh;
  ho.srRatio = a.srRatio;
  ho.tMax = a.tMax;
  ho.keepDeletedSegments = a.keepDeletedSegments;
  ho.smooth = a.smooth;
  HappStats hs;
  SwcList out = happ(tree, I, td, ho, &hs, cp);
  tree = SwcList{};
  small.clear();
  small.shrink_to_fit();
  msPrune = clock.lap();

  // 8. back to the original grid: x * d + d / 2 when d > 1
  toFullGrid(out, f);
  for (double& r : out.radius) r *= f.xy;

  // 9. radius re-estimated on the original channel (reflected for brightfield data)
  ctx.progress(0.85, "radius estimation");
  {
    double thr = std::max(40.0, static_cast<double>(t));
    if (vol.dtype == nt::DType::U16) thr *= 16;  // the plugin assumes 12-bit data
    OriginalImage orig{&vol, a.brightfield, 0, 0};
    if (a.brightfield) {
      if (vol.dtype == nt::DType::U8) { orig.lo = 0; orig.hi = 255; }
      else if (vol.dtype == nt::DType::U16) { orig.lo = 0; orig.hi = 65535; }
      else {
        bool any = false;
        for (int64_t i = 0; i < nFull; ++i) {
          const double v = vol.at(static_cast<size_t>(i));
          if (v != v) continue;
          if (!any) { orig.lo = orig.hi = v; any = true; }
          else { orig.lo = std::min(orig.lo, v); orig.hi = std::max(orig.hi, v); }
        }
      }
    }
    for (size_t i = 0; i < out.size(); ++i) {
      if ((i & 1023) == 0) ctx.checkCancel();
      out.radius[i] = a.radiusFrom2D ? markerRadiusXY(orig, full, out.x[i], out.y[i], out.z[i], thr)
                                     : markerRadius3D(orig, full, out.x[i], out.y[i], out.z[i], thr);
    }
  }

  msRadius = clock.lap();

  // 10. optional resampling (step 10), then sort_swc without new links
  ctx.progress(0.95, "sorting");
  if (out.size() > 1) {
    if (a.resample) out = resampleSwc(out, 10.0);
    out = sortSwc(out, 0);
  }
  msSort = clock.lap();

  nt::NativeTree res = toNativeTree(std::move(out));
  const double rx = static_cast<double>(roundVoxel(root.x)), ry = static_cast<double>(roundVoxel(root.y)),
               rz = static_cast<double>(roundVoxel(root.z));
  res.meta = {
      {"bkgThreshUsed", static_cast<double>(t)},
      {"bkgThreshAuto", autoUsed ? 1.0 : 0.0},
      {"gsdtPlanar", planarPhi ? 1.0 : 0.0},
      {"downsampleXY", f.xy},
      {"downsampleZ", f.z},
      {"tracingNx", static_cast<double>(td.nx)},
      {"tracingNy", static_cast<double>(td.ny)},
      {"tracingNz", static_cast<double>(td.nz)},
      {"rootX", toFullGrid(rx, f.xy)},
      {"rootY", toFullGrid(ry, f.xy)},
      {"rootZ", toFullGrid(rz, f.z)},
      {"nodesInitial", static_cast<double>(initialNodes)},
      {"segments", static_cast<double>(hs.segments)},
      {"segmentsLong", static_cast<double>(hs.afterLength)},
      {"segmentsBright", static_cast<double>(hs.afterDark)},
      {"segmentsCovering", static_cast<double>(hs.afterCoverage)},
      {"segmentsKept", static_cast<double>(hs.afterJoint)},
      {"nodesFinal", static_cast<double>(res.size())},
      {"msPreprocess", msPrep},
      {"msRoot", msRoot},
      {"msGsdt", msGsdt},
      {"msTree", msTree},
      {"msPrune", msPrune},
      {"msRadius", msRadius},
      {"msSort", msSort},
  };
  ctx.progress(1.0, "done");
  return res;
}

}  // namespace

namespace nt::app2 {
NativeTree trace(const VolumeView& vol, const Params& params, const std::vector<Seed>& seeds, TraceContext& ctx) {
  return runApp2(vol, params, seeds, ctx);
}
}  // namespace nt::app2

NT_TRACER("app2", runApp2);
