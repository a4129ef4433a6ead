// nctuTW_GD (Vaa3D plugin tips_GD, BigNeuron label nctuTW_GD), from the card nctuTW_GD.md: the
// NCTU tip finder picks a soma and skeleton tips, and Vaa3D's GD tracer joins soma and tips by
// shortest paths. The two stages are separate exports because the original handed the tips from
// one to the other through a marker file, which the TypeScript half of the plugin writes into the
// job's scratch folder and reads back:
//   nctuTwGdTips  -> soma (first node) and tips (the others), all roots, 0-based voxels
//   nctuTwGdTrace -> the GD reconstruction from seeds = [soma, tips...]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/trace_worker.h"
#include "kernels/gd_marker.h"
#include "tracers/nctutw_gd_paths.h"
#include "tracers/nctutw_gd_prep.h"

namespace nt::nctutw {
namespace {

int intParam(const Params& p, const char* name, double def, double lo, double hi) {
  const double v = p.number(name, def);
  if (!(v >= lo && v <= hi) || v != std::floor(v))
    badParam(name, "must be an integer from " + std::to_string(int(lo)) + " to " + std::to_string(int(hi)));
  return static_cast<int>(v);
}

// The original copied the image bytes as they were (quirk N1); the manifest declares uint8 so
// the host scales other types to 8 bits first.
const uint8_t* bytesOf(const VolumeView& vol) { return vol.u8(); }

NativeTree runTips(const VolumeView& vol, const Params& params, const std::vector<Seed>&, TraceContext& ctx) {
  const uint8_t* raw = bytesOf(vol);
  const double binFraction = params.number("binThreshold", 0.9);
  if (!(binFraction > 0 && binFraction <= 1)) badParam("binThreshold", "must be in (0, 1]");
  const int cc2d = intParam(params, "cc2dThreshold", 9, 0, 100000);
  const int cc3d = intParam(params, "cc3dThreshold", 30, 0, 100000);
  const double somaR = params.number("somaBoxRadius", 4);
  if (!(somaR >= 1 && somaR <= 10)) badParam("somaBoxRadius", "must be from 1 to 10");
  const int repairMin = intParam(params, "repairMinComponent", 2, 0, 100000);
  TipOptions opt;
  opt.award = intParam(params, "branchAward", 10, 0, 255);
  opt.removeRatio = params.number("removeRatio", 0.2);
  if (!(opt.removeRatio >= 0 && opt.removeRatio <= 1)) badParam("removeRatio", "must be from 0 to 1");
  opt.searchQuirk = params.flag("keepSearchQuirk", true);
  opt.rowQuirk = params.flag("keepEndpointRowQuirk", true);
  const auto cp = [&ctx]() { ctx.checkCancel(); };
  const kern::Dims d{vol.nx, vol.ny, vol.nz};
  const int64_t n = d.voxels();

  NativeTree out;
  ctx.progress(0, "grey threshold");
  const int T = greyThreshold(raw, n, binFraction);
  std::vector<uint8_t> G(raw, raw + n);
  for (int64_t i = 0; i < n; ++i)
    if (G[i] < T) G[i] = 0;
  out.meta.push_back({"greyThreshold", double(T)});

  ctx.progress(0.05, "slice-wise cleaning and skeleton");
  const std::vector<uint8_t> S1 = cleanSkeleton(G.data(), d, cc2d, cc3d, cp);
  ctx.progress(0.25, "soma");
  const SomaResult soma = detectSoma(raw, G.data(), d, somaR, cp);
  if (!soma.found) {  // no foreground at all: the original would have dereferenced an empty list
    out.meta.push_back({"tips", 0});
    return out;
  }
  out.meta.push_back({"somaDensity", soma.density});
  ctx.progress(0.4, "skeleton repair");
  const RepairResult rep = repairSkeleton(S1.data(), d, repairMin, cp);
  out.meta.push_back({"skeletonComponents", double(rep.components)});
  out.meta.push_back({"bridges", double(rep.bridges)});
  ctx.progress(0.55, "skeleton and distance map");
  const std::vector<uint8_t> K = thinSlices(rep.image.data(), d, cp);
  std::vector<uint8_t> costDT = sliceDistance(G.data(), d, cp);
  double sum = 0, cnt = 0;
  for (int64_t i = 0; i < n; ++i)
    if (costDT[i] > 0) { sum += costDT[i]; cnt += 1; }
  const double avgR = cnt > 0 ? sum / cnt : 0;  // 0/0 in the original when G is empty (not reached)
  out.meta.push_back({"avgR", avgR});

  ctx.progress(0.65, "path search and tip selection");
  const TipSelection sel = selectTips(K.data(), rep.image.data(), costDT.data(), d, soma.pos, avgR, opt, cp);
  out.meta.push_back({"graphNodes", double(sel.graphNodes)});
  out.meta.push_back({"endpoints", double(sel.endpoints)});
  out.meta.push_back({"reachableEndpoints", double(sel.reachable)});
  out.meta.push_back({"tipCandidates", double(sel.candidates)});
  out.meta.push_back({"branchPoints2d", double(sel.branchPoints)});
  out.meta.push_back({"tips", double(sel.tips.size())});
  // The marker list: the soma, then one point per recorded path.
  out.add(double(soma.pos.x), double(soma.pos.y), double(soma.pos.z), 1, 1, -1);
  if (sel.ok) {
    out.meta.push_back({"sourceX", double(sel.source.x)});
    out.meta.push_back({"sourceY", double(sel.source.y)});
    out.meta.push_back({"sourceZ", double(sel.source.z)});
    for (const Voxel& t : sel.tips) out.add(double(t.x), double(t.y), double(t.z), 1, 6, -1);
  }
  ctx.progress(1, "tips");
  return out;
}

// Vaa3D's SWC text: single-precision NeuronSWC values printed with three decimals.
double swcValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(static_cast<float>(v)));
  return std::strtod(buf, nullptr);
}

NativeTree runTrace(const VolumeView& vol, const Params& params, const std::vector<Seed>& seeds, TraceContext& ctx) {
  const uint8_t* raw = bytesOf(vol);
  if (seeds.size() < 2) throw std::invalid_argument("needs the soma and at least one tip as seeds");
  gd::MarkerTraceParams p;
  p.graph.step = intParam(params, "graphStep", 2, 1, 10);
  p.graph.imgTH = 0;  // background exclusion on, threshold 0 (quirk N6)
  p.graph.zThickness = 1.0;
  p.downsampleStep = 2;
  p.radiusZThickness = 1.0f;
  p.radiusXYOnly = true;
  p.smoothWin = 7;
  const gd::ImageU8 img{raw, vol.nx, vol.ny, vol.nz};
  const gd::Point start{seeds[0].x, seeds[0].y, seeds[0].z};
  std::vector<gd::Point> ends;
  for (size_t i = 1; i < seeds.size(); ++i) ends.push_back({seeds[i].x, seeds[i].y, seeds[i].z});
  ctx.progress(0, "GD shortest paths from the soma to the tips");
  const gd::MarkerTrace tr = gd::traceToMarkers(img, p, start, ends, [&ctx]() { ctx.checkCancel(); });
  NativeTree out;
  out.meta.push_back({"pathsTraced", double(tr.pathsFound)});
  out.meta.push_back({"segments", double(tr.segments.size())});
  // Segments one after another, each its own tree, as Vaa3D wrote them.
  for (const gd::MarkerSegment& s : tr.segments) {
    const int32_t base = static_cast<int32_t>(out.size());
    const int32_t m = static_cast<int32_t>(s.pts.size());
    for (int32_t i = 0; i < m; ++i) {
      const int32_t parent = s.rootFirst ? (i == 0 ? -1 : base + i - 1) : (i == m - 1 ? -1 : base + i + 1);
      out.add(swcValue(s.pts[i].x), swcValue(s.pts[i].y), swcValue(s.pts[i].z), swcValue(s.radius[i]), 2, parent);
    }
  }
  ctx.progress(1, "done");
  return out;
}

}  // namespace
}  // namespace nt::nctutw

namespace {
nt::NativeTree runNctuTips(const nt::VolumeView& v, const nt::Params& p, const std::vector<nt::Seed>& s, nt::TraceContext& c) {
  return nt::nctutw::runTips(v, p, s, c);
}
nt::NativeTree runNctuTrace(const nt::VolumeView& v, const nt::Params& p, const std::vector<nt::Seed>& s, nt::TraceContext& c) {
  return nt::nctutw::runTrace(v, p, s, c);
}
}  // namespace
NT_TRACER("nctuTwGdTips", runNctuTips);
NT_TRACER("nctuTwGdTrace", runNctuTrace);
