// TReMAP (Zhou, Liu, Long & Peng 2016), BigNeuron label XY_3D_TreMap: trace the maximum-intensity
// projection in 2-D with APP2, component by component, then lift every 2-D segment back into the
// volume by chaining fast-marching links between the rays cast through its nodes along the
// projection axis; assemble, resample every 10 voxels and sort with a 20-voxel link distance.
// Spec: shared/algorithms/XY_3D_TreMap.md. Everything the original did through Vaa3D
// sub-processes and temporary files (regiongrow, APP2, resample_swc) runs in process here.
#include <cmath>
#include <string>
#include <vector>

#include "core/stage_clock.h"
#include "core/trace_worker.h"
#include "kernels/fm_linker.h"
#include "kernels/swc_tools.h"
#include "tracers/tremap_app2.h"
#include "tracers/tremap_projection.h"

namespace {

using namespace nt::kern;
using nt::badParam;
using nt::tremap::Plane;

// Values the original fixes in code.
constexpr size_t kMaxComponents = 30;
constexpr int64_t kMinComponentPixels = 400;  // regiongrow "-p 1 0 1 400"
constexpr int kApp2ThreshOffset = 5;           // APP2 gets bkg_thresh - 5 (quirk T3)
constexpr double kSegmentStep = 2;             // resample_swc -p 2 on each 2-D trace
constexpr int kLinkerCnn = 1;
constexpr int kLinkerMargin = 5;
constexpr double kFinalStep = 10;
constexpr double kSortLink = 20;
constexpr double kRadius = 2;                  // quirk T6

struct TreMapParams {
  Plane plane = Plane::XY;
  int bkgThresh = 10;
  bool downsample256 = false;
  bool gsdt = false;
  bool gap = false;
  double lengthThresh = 5;
  bool rankFilterQuirk = true;
  bool diagonalQuirk = true;
};

TreMapParams readParams(const nt::Params& p) {
  TreMapParams t;
  const double plane = p.number("mipPlane", 0);
  if (plane != 0 && plane != 1 && plane != 2) badParam("mipPlane", "must be 0 (XY), 1 (XZ) or 2 (YZ)");
  t.plane = static_cast<Plane>(static_cast<int>(plane));
  const double b = p.number("bkgThresh", 10);
  if (!(b >= 0 && b <= 255) || b != std::floor(b)) badParam("bkgThresh", "must be a whole number from 0 to 255");
  t.bkgThresh = static_cast<int>(b);
  t.downsample256 = p.flag("downsample256", false);
  t.gsdt = p.flag("gsdt", false);
  t.gap = p.flag("gap", false);
  t.lengthThresh = p.number("lengthThresh", 5);
  if (!(t.lengthThresh >= 0)) badParam("lengthThresh", "must not be negative");
  t.rankFilterQuirk = p.flag("rankFilterQuirk", true);
  t.diagonalQuirk = p.flag("regionDiagonalQuirk", true);
  return t;
}

// The 2-D trace split at tips and branch points: each segment starts at a node whose child count
// is not 1 and runs rootwards while the next node has exactly one child (so a segment never
// includes the branch point above it).
std::vector<std::vector<int32_t>> splitSegments(const SwcList& t) {
  std::vector<int32_t> children(t.size(), 0);
  for (size_t i = 0; i < t.size(); ++i)
    if (t.parent[i] >= 0) ++children[static_cast<size_t>(t.parent[i])];
  std::vector<std::vector<int32_t>> segs;
  for (size_t i = 0; i < t.size(); ++i) {
    if (children[i] == 1) continue;
    std::vector<int32_t> seg;
    int32_t cur = static_cast<int32_t>(i);
    do {
      seg.push_back(cur);
      cur = t.parent[static_cast<size_t>(cur)];
    } while (cur >= 0 && children[static_cast<size_t>(cur)] == 1);
    segs.push_back(std::move(seg));
  }
  return segs;
}

// The far end of the ray through a projection point: the last voxel along the projected axis.
Point3 farEnd(Point3 p, Plane plane, const Dims& vol) {
  if (plane == Plane::XY) return {p.x, p.y, static_cast<double>(vol.nz - 1)};
  if (plane == Plane::XZ) return {p.x, static_cast<double>(vol.ny - 1), p.z};
  return {static_cast<double>(vol.nx - 1), p.y, p.z};
}

int64_t depthOf(const Dims& vol, Plane plane) {
  return plane == Plane::XY ? vol.nz : plane == Plane::XZ ? vol.ny : vol.nx;
}

struct LiftStats {
  int64_t segments = 0, segmentsLifted = 0, links = 0, failedLinks = 0, brokenChains = 0, marched = 0;
};

// Appends the 3-D polyline of one segment: nodes from the last ray back to the first, each the
// child of the next, the first-ray end a root.
void appendPolyline(SwcList& out, const std::vector<Point3>& pts, int32_t type) {
  const int32_t base = static_cast<int32_t>(out.size());
  for (size_t k = 0; k < pts.size(); ++k)
    out.add(pts[k].x, pts[k].y, pts[k].z, kRadius, type, k + 1 < pts.size() ? base + static_cast<int32_t>(k) + 1 : -1);
}

void liftTrace(const uint8_t* img, const Dims& vol, Plane plane, const SwcList& trace, int32_t type, SwcList& out,
               LiftStats& st, const Checkpoint& cp) {
  const bool flat = depthOf(vol, plane) == 1;
  for (const auto& seg : splitSegments(trace)) {
    ++st.segments;
    std::vector<Point3> near;
    auto at = [&](int32_t i) {
      return Point3{trace.x[static_cast<size_t>(i)], trace.y[static_cast<size_t>(i)], trace.z[static_cast<size_t>(i)]};
    };
    if (seg.size() > 2) {
      for (int32_t i : seg) near.push_back(at(i));
    } else if (seg.size() == 2) {
      const Point3 a = at(seg[0]), b = at(seg[1]);
      near = {a, {0.5 * (a.x + b.x), 0.5 * (a.y + b.y), 0.5 * (a.z + b.z)}, b};
    } else {
      continue;  // single-node segments are not lifted
    }
    ++st.segmentsLifted;
    if (flat) {
      // a one-slice stack has nothing to recover along the rays (the original's linker refuses
      // zero-length rays and would keep one node): the 2-D segment is the answer
      appendPolyline(out, std::vector<Point3>(near.rbegin(), near.rend()), type);
      continue;
    }
    std::vector<Point3> far;
    far.reserve(near.size());
    for (const Point3& p : near) far.push_back(farEnd(p, plane, vol));
    const RayDrawing drawing = fastmarchingDrawRays(img, vol, near, far, kLinkerCnn, kLinkerMargin, cp);
    st.links += drawing.links;
    st.failedLinks += drawing.failedLinks;
    st.marched += drawing.marched;
    if (!drawing.fromFirstRay) ++st.brokenChains;
    appendPolyline(out, drawing.points, type);
  }
}

nt::NativeTree runTreMap(const nt::VolumeView& vol, const nt::Params& params, const std::vector<nt::Seed>& seeds,
                         nt::TraceContext& ctx) {
  const TreMapParams p = readParams(params);
  const uint8_t* img = vol.u8("TReMAP traces 8-bit images (the host converts other types before calling it)");
  const Dims d{vol.nx, vol.ny, vol.nz};
  const Checkpoint cp = [&ctx] { ctx.checkCancel(); };
  nt::StageClock clock;

  // 1-3. projection, binarisation with the rank filter, regions
  ctx.progress(0.0, "maximum-intensity projection");
  const Dims pd = nt::tremap::projectionDims(d, p.plane);
  const std::vector<uint8_t> mip = nt::tremap::maxProjection(img, d, p.plane, cp);
  const std::vector<uint8_t> binary = nt::tremap::binaryRankFilter(mip, pd, p.bkgThresh, p.rankFilterQuirk);
  ctx.progress(0.05, "labelling projection components");
  const nt::tremap::Regions regions = nt::tremap::growRegions(binary, pd, kMinComponentPixels, p.diagonalQuirk, cp);
  const std::vector<int32_t> ranked = nt::tremap::largestRegions(regions, kMaxComponents);
  const double msProjection = clock.lap();

  // 4. per component: 2-D APP2, resample, lift every segment into the volume
  nt::tremap::ProjectionApp2Options ao;
  ao.bkgThresh = p.bkgThresh - kApp2ThreshOffset;
  ao.downsample256 = p.downsample256;
  ao.gsdt = p.gsdt;
  ao.gap = p.gap;
  ao.lengthThresh = p.lengthThresh;
  SwcList pieces;
  LiftStats lift;
  double msApp2 = 0, msLift = 0;
  int64_t componentsTraced = 0, nodes2d = 0;
  double lastApp2Thresh = ao.bkgThresh;
  bool app2Auto = false;
  std::vector<uint8_t> component(mip.size());
  for (size_t rank = 0; rank < ranked.size(); ++rank) {
    ctx.progress(0.1 + 0.85 * static_cast<double>(rank) / static_cast<double>(ranked.size()),
                 "component " + std::to_string(rank + 1) + " of " + std::to_string(ranked.size()));
    const int32_t label = ranked[rank];
    for (size_t i = 0; i < mip.size(); ++i) component[i] = regions.label[i] == label ? mip[i] : 0;
    const nt::tremap::ProjectionApp2Result traced = nt::tremap::traceProjectionApp2(component.data(), pd, ao, cp);
    lastApp2Thresh = traced.thresholdUsed;
    app2Auto = app2Auto || traced.autoThreshold;
    SwcList trace = traced.tree;
    if (trace.size() > 1) trace = resampleSwc(trace, kSegmentStep);
    msApp2 += clock.lap();
    if (trace.size() == 0) continue;
    ++componentsTraced;
    nodes2d += static_cast<int64_t>(trace.size());
    liftTrace(img, d, p.plane, trace, static_cast<int32_t>(rank) + 2, pieces, lift, cp);
    msLift += clock.lap();
  }

  // 5. assemble: resample every 10, sort linking pieces within 20 voxels
  ctx.progress(0.95, "resampling and sorting");
  const size_t piecesNodes = pieces.size();
  SwcList out = pieces;
  if (out.size() > 1) {
    out = resampleSwc(out, kFinalStep);
    out = sortSwc(out, kSortLink);
  }
  const double msAssemble = clock.lap();

  nt::NativeTree res = toNativeTree(std::move(out));
  res.meta = {
      {"components", static_cast<double>(regions.size.size())},
      {"componentsUsed", static_cast<double>(ranked.size())},
      {"componentsTraced", static_cast<double>(componentsTraced)},
      {"componentsFromBackground", regions.fromBackground ? 1.0 : 0.0},
      {"app2BkgThresh", lastApp2Thresh},
      {"app2BkgThreshAuto", app2Auto ? 1.0 : 0.0},
      {"nodes2d", static_cast<double>(nodes2d)},
      {"segments", static_cast<double>(lift.segments)},
      {"segmentsLifted", static_cast<double>(lift.segmentsLifted)},
      {"rayLinks", static_cast<double>(lift.links)},
      {"rayLinksFailed", static_cast<double>(lift.failedLinks)},
      {"chainsBroken", static_cast<double>(lift.brokenChains)},
      {"voxelsMarched", static_cast<double>(lift.marched)},
      {"nodesLifted", static_cast<double>(piecesNodes)},
      {"nodesFinal", static_cast<double>(res.size())},
      {"msProjection", msProjection},
      {"msApp2", msApp2},
      {"msReverseMapping", msLift},
      {"msAssemble", msAssemble},
  };
  (void)seeds;  // TReMAP picks its own roots (APP2's per-component soma); the manifest takes no seeds
  ctx.progress(1.0, "done");
  return res;
}

}  // namespace

NT_TRACER("tremap", runTreMap);
