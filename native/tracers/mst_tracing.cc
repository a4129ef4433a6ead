// MST_Tracing (Zhi Zhou, Allen Institute, 2014; BigNeuron label MST_Tracing), from the card
// MST_Tracing.md: block seeds → Euclidean MST → one GD shortest path per MST edge inside a
// local cube → sort_swc with link threshold 6·Ws → removal of short leaf chains.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/trace_worker.h"
#include "kernels/gd.h"
#include "kernels/swc_tools.h"
#include "tracers/mst_tracing_prune.h"
#include "tracers/mst_tracing_seeds.h"

namespace nt {
namespace mst {
namespace {

// Vaa3D hands the assembled reconstruction from one stage to the next through SWC files, and
// node merging compares the re-read values, so the same text round trips are applied here:
// writeSWC_file prints "%.3f", the sort plugin's export prints 6 significant digits.
// Values are single precision in Vaa3D's NeuronSWC, so each is printed from, and read back
// into, a float.
double viaText(double v, const char* fmt) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, static_cast<double>(static_cast<float>(v)));
  return static_cast<double>(std::strtof(buf, nullptr));
}
void roundList(kern::SwcList& l, const char* fmt) {
  for (size_t i = 0; i < l.size(); ++i) {
    l.x[i] = viaText(l.x[i], fmt); l.y[i] = viaText(l.y[i], fmt);
    l.z[i] = viaText(l.z[i], fmt); l.radius[i] = viaText(l.radius[i], fmt);
  }
}
// The final file's "%.3f" text, as a double.
double finalValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(static_cast<float>(v)));
  return std::strtod(buf, nullptr);
}

// Step 4 for one MST edge P → S: GD marker tracing from P to S in the cube of half-size 2·Ws
// around their midpoint, refined and appended as a chain rooted at P. False when GD finds no
// path (S outside the cube or separated from P by zero-valued blocks).
bool traceEdge(const Image8& img, const SeedPoint& P, const SeedPoint& S, int64_t ws, std::vector<uint8_t>& cube,
               kern::SwcList& out) {
  const int64_t N = img.nx, M = img.ny, Z = img.nz;
  // The midpoint is taken from single-precision sums, as the original's float markers give it.
  const double cx = 0.5 * static_cast<float>(P.x + S.x), cy = 0.5 * static_cast<float>(P.y + S.y),
               cz = 0.5 * static_cast<float>(P.z + S.z);
  int64_t xb = static_cast<int64_t>(cx - 2 * ws), xe = static_cast<int64_t>(cx + 2 * ws - 1);
  int64_t yb = static_cast<int64_t>(cy - 2 * ws), ye = static_cast<int64_t>(cy + 2 * ws - 1);
  int64_t zb = static_cast<int64_t>(cz - 2 * ws), ze = static_cast<int64_t>(cz + 2 * ws - 1);
  if (xb < 0) xb = 0;
  if (yb < 0) yb = 0;
  if (zb < 0) zb = 0;
  if (xe > N - 1) xe = N - 1;
  if (ye > M - 1) ye = M - 1;
  if (ze > Z - 1) ze = Z - 1;
  gd::ImageU8 local;
  local.nx = xe - xb + 1; local.ny = ye - yb + 1; local.nz = ze - zb + 1;
  cube.resize(local.voxels());
  size_t d = 0;
  for (int64_t k = zb; k <= ze; ++k)
    for (int64_t j = yb; j <= ye; ++j) {
      const uint8_t* row = img.data + (k * M + j) * N;
      for (int64_t i = xb; i <= xe; ++i) cube[d++] = row[i];
    }
  local.data = cube.data();

  const gd::Point start{static_cast<float>(P.x - static_cast<float>(xb)), static_cast<float>(P.y - static_cast<float>(yb)),
                        static_cast<float>(P.z - static_cast<float>(zb))};
  const gd::Point tip{static_cast<float>(S.x - static_cast<float>(xb)), static_cast<float>(S.y - static_cast<float>(yb)),
                      static_cast<float>(S.z - static_cast<float>(zb))};
  gd::GraphParams gp;  // step 2, imgTH 0 with background exclusion, 6-connected, block means
  gp.step = 2;
  gp.imgTH = 0;
  gp.zThickness = 1.0;
  gd::GridGraph g(local, gp);
  const int64_t s = g.nodeOf(start.x, start.y, start.z);
  if (s < 0) return false;
  const auto sp = gd::dijkstra(g, s);
  const auto paths = gd::tracePaths(g, sp, start, {tip});
  if (paths[0].empty()) return false;

  const gd::ImageStats stats = gd::imageStats(local);
  const gd::BdbParams bdb;  // f_length 0.1, f_smooth 0.1, f_prior 0.2, one loop, 3-D ring radius
  const gd::RefinedPath r = gd::refinePath(local, paths[0], stats, 2, bdb, 1.0f, true, 7);

  // GD lists the path tip → start; it is appended start first, each node the previous one's child.
  int32_t prev = -1;
  for (size_t k = r.pts.size(); k-- > 0;) {
    const float x = static_cast<float>(r.pts[k].x) + static_cast<float>(xb);
    const float y = static_cast<float>(r.pts[k].y) + static_cast<float>(yb);
    const float z = static_cast<float>(r.pts[k].z) + static_cast<float>(zb);
    out.add(x, y, z, static_cast<float>(r.radius[k]), 2, prev);  // NeuronSWC stores floats
    prev = static_cast<int32_t>(out.size() - 1);
  }
  return true;
}

NativeTree runMstTracing(const VolumeView& vol, const Params& params, const std::vector<Seed>&, TraceContext& ctx) {
  if (vol.dtype != DType::U8) throw std::invalid_argument("needs 8-bit voxels (declare uint8 so the host converts)");
  const double wsValue = params.number("windowSize", 10);
  if (!(wsValue >= 1) || wsValue != std::floor(wsValue)) throw std::invalid_argument("windowSize must be an integer >= 1");
  const int64_t ws = static_cast<int64_t>(wsValue);
  SeedOptions opt;
  opt.ws = ws;
  opt.brightTestQuirk = params.flag("keepBrightTestQuirk", true);
  opt.medoidDistanceQuirk = params.flag("keepMedoidDistanceQuirk", true);
  const auto poll = [&ctx]() { ctx.checkCancel(); };

  const Image8 img{static_cast<const uint8_t*>(vol.data), vol.nx, vol.ny, vol.nz};
  ctx.progress(0, "global threshold");
  const double th = globalMean(img);
  ctx.progress(0.02, "seed detection");
  const std::vector<SeedPoint> seeds = detectSeeds(img, th, opt, poll);

  NativeTree out;
  out.meta.push_back({"threshold", th});
  out.meta.push_back({"seeds", static_cast<double>(seeds.size())});
  // Quirk S6: the original throws on an empty seed set; an empty reconstruction is the answer.
  if (seeds.empty()) return out;

  ctx.progress(0.1, "seed spanning tree");
  const SeedTree tree = seedSpanningTree(seeds, poll);

  ctx.progress(0.2, "GD paths along the tree edges");
  kern::SwcList chains;
  std::vector<uint8_t> cube;
  size_t traced = 0, skipped = 0;
  const size_t edges = tree.pos.size() - 1;
  for (size_t i = 1; i < tree.pos.size(); ++i) {
    if ((i & 31) == 0) {
      ctx.checkCancel();
      ctx.progress(0.2 + 0.6 * double(i) / double(edges + 1), "GD paths along the tree edges");
    }
    if (traceEdge(img, tree.pos[tree.parent[i]], tree.pos[i], ws, cube, chains)) ++traced;
    else ++skipped;
  }
  out.meta.push_back({"edgesTraced", static_cast<double>(traced)});
  out.meta.push_back({"edgesSkipped", static_cast<double>(skipped)});
  if (chains.size() == 0) return out;

  ctx.progress(0.8, "sort_swc");
  roundList(chains, "%.3f");
  kern::SwcList sorted = kern::sortSwc(chains, static_cast<double>(6 * ws));  // first root; link within 6·Ws
  ctx.checkCancel();
  roundList(sorted, "%.6g");
  ctx.progress(0.97, "pruning short leaf chains");
  const kern::SwcList pruned = pruneShortLeafChains(sorted, 5);

  for (size_t i = 0; i < pruned.size(); ++i)
    out.add(finalValue(pruned.x[i]), finalValue(pruned.y[i]), finalValue(pruned.z[i]), finalValue(pruned.radius[i]),
            pruned.type[i], pruned.parent[i]);
  int roots = 0;
  for (int32_t p : pruned.parent) roots += p < 0;
  out.meta.push_back({"trees", static_cast<double>(roots)});
  ctx.progress(1, "done");
  return out;
}

}  // namespace
}  // namespace mst
}  // namespace nt

namespace {
nt::NativeTree runMstTracingCore(const nt::VolumeView& v, const nt::Params& p, const std::vector<nt::Seed>& s,
                                 nt::TraceContext& c) {
  return nt::mst::runMstTracing(v, p, s, c);
}
}  // namespace
NT_TRACER("mstTracing", runMstTracingCore);
