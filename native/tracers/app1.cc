// APP1, the original all-path pruning tracer (Peng, Long & Myers, Bioinformatics 27(13):i239,
// 2011; Vaa3D plugin vn2 -f app1; BigNeuron label app1), from the card app1.md: a GD
// shortest-path tree from the soma to every grid node above the threshold, then rounds of
// covered-leaf, inter-node, branch-node and artefact-branch pruning on the node list.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/trace_worker.h"
#include "kernels/edt.h"
#include "kernels/gd.h"
#include "kernels/gd_marker.h"
#include "kernels/gsdt.h"
#include "kernels/image_prep.h"
#include "tracers/app1_geometry.h"
#include "tracers/app1_prune.h"
#include "tracers/app1_tree.h"

namespace nt::app1 {
namespace {

struct Options {
  bool autoThresh = true;
  int bkgThresh = 0;
  bool cube256 = true;
  int downsampleFactor = 2;
  double visibleThresh = 30;
  bool condenseQuirk = true;     // A1
  bool bookkeepingQuirk = true;  // row-0 look-ups (see app1_tree.h)
  bool coverCubeQuirk = true;    // A3
  bool cubeTypoQuirk = true;     // A5
};

Options readOptions(const Params& p) {
  Options o;
  if (p.isString("bkgThresh")) {
    if (p.text("bkgThresh", "") != "AUTO") badParam("bkgThresh", "must be an integer from 0 to 255 or \"AUTO\"");
  } else {
    const double v = p.number("bkgThresh", -1);
    if (v < 0) {
      o.autoThresh = true;
    } else {
      if (v > 255 || v != std::floor(v)) badParam("bkgThresh", "must be an integer from 0 to 255 or \"AUTO\"");
      o.autoThresh = false;
      o.bkgThresh = static_cast<int>(v);
    }
  }
  o.cube256 = p.flag("downsample256", true);
  const double f = p.number("downsampleFactor", 2);
  if (!(f >= 1 && f <= 10) || f != std::floor(f)) badParam("downsampleFactor", "must be an integer from 1 to 10");
  o.downsampleFactor = static_cast<int>(f);
  o.visibleThresh = p.number("visibleThresh", 30);
  if (!(o.visibleThresh >= 0 && o.visibleThresh <= 255)) badParam("visibleThresh", "must be from 0 to 255");
  o.condenseQuirk = p.flag("keepCondenseQuirk", true);
  o.bookkeepingQuirk = p.flag("keepBookkeepingQuirk", true);
  o.coverCubeQuirk = p.flag("keepCoverCubeQuirk", true);
  o.cubeTypoQuirk = p.flag("keepCubeTypoQuirk", true);
  return o;
}

// Vaa3D's SWC text: single-precision NeuronSWC values printed with three decimals.
double swcValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(static_cast<float>(v)));
  return std::strtod(buf, nullptr);
}

// The graph step and z weight of app1_connector.cpp: considered only for non-8-bit input or an
// axis above 256 voxels; then either the fixed downsample factor or the 256-cube fit.
struct GridScale { int step = 1; double zThickness = 1; double dxy = 1, dz = 1; };
GridScale chooseGrid(const VolumeView& vol, const Options& o) {
  GridScale g;
  const bool large = vol.nx > 256 || vol.ny > 256 || vol.nz > 256;
  if (vol.dtype != DType::U8 || large) {
    if (!o.cube256) {
      g.dxy = g.dz = o.downsampleFactor;
    } else if (o.cubeTypoQuirk && vol.nx <= 256 && vol.nz <= 256) {
      // Quirk A5: the original tests X, Z and Z again, so a large Y alone changes nothing.
    } else {
      const kern::DownsampleFactors f = kern::chooseDownsample256(kern::Dims{vol.nx, vol.ny, vol.nz});
      g.dxy = f.xy;
      g.dz = f.z;
    }
  }
  g.step = std::max(1, static_cast<int>(g.dxy));  // stored into an int (A6)
  g.zThickness = static_cast<float>(g.dxy / g.dz);
  return g;
}

// Marker mode (a root and target seeds): GD shortest paths from the root to every target on the
// same graph, merged into shared segments, each downsampled by 2, smoothed by one bdb pass and
// given XY ring radii smoothed over 7 nodes; no pruning. Segments are written one after another,
// each its own tree, as Vaa3D's merge of the segment list did.
NativeTree traceToTargets(const gd::ImageU8& img, const GridScale& grid, int thresh, const std::vector<Seed>& seeds,
                          TraceContext& ctx, NativeTree out) {
  gd::MarkerTraceParams p;
  p.graph.step = grid.step;
  p.graph.imgTH = thresh;
  p.graph.zThickness = grid.zThickness;
  p.downsampleStep = 2;
  p.radiusZThickness = static_cast<float>(grid.zThickness);
  p.radiusXYOnly = true;
  p.smoothWin = 7;
  std::vector<gd::Point> ends;
  for (size_t i = 1; i < seeds.size(); ++i) ends.push_back({seeds[i].x, seeds[i].y, seeds[i].z});
  ctx.progress(0.05, "GD shortest paths from the root to the targets");
  const gd::MarkerTrace tr = gd::traceToMarkers(img, p, {seeds[0].x, seeds[0].y, seeds[0].z}, ends, [&ctx]() { ctx.checkCancel(); });
  out.meta.push_back({"rootX", seeds[0].x});
  out.meta.push_back({"rootY", seeds[0].y});
  out.meta.push_back({"rootZ", seeds[0].z});
  out.meta.push_back({"pathsTraced", double(tr.pathsFound)});
  out.meta.push_back({"segments", double(tr.segments.size())});
  for (const gd::MarkerSegment& sg : tr.segments) {
    const int32_t base = static_cast<int32_t>(out.size()), m = static_cast<int32_t>(sg.pts.size());
    for (int32_t i = 0; i < m; ++i) {
      const int32_t parent = sg.rootFirst ? (i == 0 ? -1 : base + i - 1) : (i == m - 1 ? -1 : base + i + 1);
      out.add(swcValue(sg.pts[i].x), swcValue(sg.pts[i].y), swcValue(sg.pts[i].z), swcValue(sg.radius[i]), 2, parent);
    }
  }
  int64_t roots = 0;
  for (int32_t pa : out.parent) roots += pa < 0;
  out.meta.push_back({"trees", double(roots)});
  ctx.progress(1, "done");
  return out;
}

NativeTree runApp1(const VolumeView& vol, const Params& params, const std::vector<Seed>& seeds, TraceContext& ctx) {
  const Options opt = readOptions(params);
  const auto poll = [&ctx]() { ctx.checkCancel(); };
  const int64_t nVox = static_cast<int64_t>(vol.voxels());

  ctx.progress(0, "preprocessing");
  std::vector<uint8_t> own8;
  const uint8_t* img8 = nullptr;
  if (vol.dtype == DType::U8) {
    img8 = static_cast<const uint8_t*>(vol.data);
  } else {
    own8.resize(static_cast<size_t>(nVox));
    if (vol.dtype == DType::U16) kern::convertTo8bit(static_cast<const uint16_t*>(vol.data), nVox, false, own8.data());
    else kern::convertTo8bit(static_cast<const float*>(vol.data), nVox, false, own8.data());
    img8 = own8.data();
  }
  gd::ImageU8 img{img8, vol.nx, vol.ny, vol.nz};

  int thresh = opt.bkgThresh;
  if (opt.autoThresh) {
    double sum = 0;
    for (int64_t i = 0; i < nVox; ++i) sum += img8[i];
    thresh = static_cast<int>(sum / static_cast<double>(nVox));  // int(mean), as PARA_APP1 stores it
  }
  const GridScale grid = chooseGrid(vol, opt);

  NativeTree out;
  out.meta.push_back({"threshold", static_cast<double>(thresh)});
  out.meta.push_back({"graphStep", static_cast<double>(grid.step)});
  out.meta.push_back({"zThickness", grid.zThickness});

  if (seeds.size() > 1) return traceToTargets(img, grid, thresh, seeds, ctx, std::move(out));

  // Root: the given seed, else the first maximum of the per-slice gray-scale distance transform.
  ctx.progress(0.02, "soma (2-D gray-scale distance transform)");
  gd::Point root;
  if (!seeds.empty()) {
    root = {seeds[0].x, seeds[0].y, seeds[0].z};
  } else {
    const kern::Dims d{vol.nx, vol.ny, vol.nz};
    const kern::GsdtField f = kern::gsdt(img8, d, 2, thresh, true, poll);
    const int64_t m = f.argmaxFirst();
    root = {double(m % vol.nx), double((m / vol.nx) % vol.ny), double(m / (vol.nx * vol.ny))};
  }
  out.meta.push_back({"rootX", root.x});
  out.meta.push_back({"rootY", root.y});
  out.meta.push_back({"rootZ", root.z});
  ctx.checkCancel();

  // GD graph over the whole image and the shortest-path tree to every node the root reaches.
  ctx.progress(0.08, "GD graph and shortest-path tree");
  gd::GraphParams gp;
  gp.step = grid.step;
  gp.imgTH = thresh;
  gp.zThickness = grid.zThickness;
  const gd::GridGraph g(img, gp);
  const int64_t rootNode = g.nodeOf(root.x, root.y, root.z);
  if (rootNode < 0) throw std::invalid_argument("the root lies outside the image");
  const gd::ShortestPaths sp = gd::dijkstra(g, rootNode, poll);
  const std::vector<gd::TreeNode> spt = gd::shortestPathTree(g, sp, root);
  const std::vector<bool> keep = gd::darkLeafPrune(img, spt, gp, opt.visibleThresh);
  out.meta.push_back({"treeNodes", static_cast<double>(spt.size())});

  Tree t;
  t.rowZeroQuirk = opt.bookkeepingQuirk;
  {
    std::vector<int64_t> newId(spt.size(), 0);
    int64_t m = 0;
    for (size_t i = 0; i < spt.size(); ++i)
      if (keep[i]) newId[i] = ++m;
    std::vector<int64_t> kept(spt.size(), 0);
    bool rootKept = false;
    for (size_t i = 0; i < spt.size(); ++i) {
      if (!keep[i]) continue;
      if (spt[i].parent >= 0) kept[spt[i].parent]++;
      else rootKept = true;
    }
    for (size_t i = 0; i < spt.size(); ++i) {
      if (!keep[i]) continue;
      Node a;
      a.x = spt[i].p.x; a.y = spt[i].p.y; a.z = spt[i].p.z;
      a.n = newId[i];
      a.parent = spt[i].parent >= 0 ? newId[spt[i].parent] : -1;
      // The original counted children through an id look-up that sends the root's parent (-1)
      // to the first list row: that row carries one child too many while the root lives.
      a.nchild = kept[i] + (opt.bookkeepingQuirk && i == 0 && rootKept ? 1 : 0);
      t.u.push_back(a);
    }
  }
  out.meta.push_back({"nodesAfterDarkPruning", static_cast<double>(t.size())});
  ctx.checkCancel();

  Context c;
  c.img = img;
  c.zThickness = grid.zThickness;
  c.stats = gd::imageStats(img);
  c.coverCubeQuirk = opt.coverCubeQuirk;
  c.poll = poll;
  std::vector<float> distance;
  if (!opt.condenseQuirk) {
    std::vector<uint8_t> fg(static_cast<size_t>(nVox));
    for (int64_t i = 0; i < nVox; ++i) fg[i] = img8[i] > thresh;
    distance = kern::edt(fg.data(), kern::Dims{vol.nx, vol.ny, vol.nz}, false, poll);
    c.dmap = distance.data();
  }

  int64_t capped = 0, rounds = 0, coverPruned = 0;
  // Step 4 / 8: radius fit, condensing, single- then multi-cover pruning, until a round removes
  // nothing or less than 0.1 % of the nodes.
  auto coverLoop = [&](double p0, double p1) {
    for (int round = 1;; ++round) {
      ctx.progress(p0 + (p1 - p0) * (1 - 1.0 / (round + 1)), "covered-leaf pruning");
      const int64_t nnodes = t.size();
      fitRadii(t, c);
      capped += condenseLeaves(t, c);
      int64_t pruned = pruneSingleCover(t, c);
      pruned += pruneMultiCover(t, c);
      coverPruned += pruned;
      ++rounds;
      if (pruned <= 0 || double(pruned) / double(nnodes) < 0.001) break;
    }
  };
  coverLoop(0.15, 0.5);
  ctx.progress(0.5, "inter-node pruning");
  const int64_t internodes = pruneInternodes(t, c);
  ctx.progress(0.55, "branch-node pruning");
  int64_t branchMerged = pruneBranchNodes(t, c);
  ctx.progress(0.6, "smoothing");
  smoothGraphOrder(t, c);
  coverLoop(0.62, 0.85);
  branchMerged += pruneBranchNodes(t, c);
  ctx.progress(0.88, "artefact-branch pruning");
  const int64_t artefact = pruneArtefactBranches(t, c, opt.visibleThresh);
  int64_t finalSingle = 0;
  for (;;) {
    const int64_t n = pruneSingleCover(t, c);
    finalSingle += n;
    if (n <= 0) break;
  }
  ctx.progress(0.97, "radii");
  fitRadii(t, c);
  if (t.size() == 1) {  // fitRadii leaves a lone node alone, as the original; it still gets a radius
    Node& a = t.u[0];
    a.r = gd::fitRadiusPercent(img, c.stats.mean + c.stats.std, float(a.x), float(a.y), float(a.z), float(c.zThickness), true);
  }

  out.meta.push_back({"pruningRounds", static_cast<double>(rounds)});
  out.meta.push_back({"coveredLeavesPruned", static_cast<double>(coverPruned + finalSingle)});
  out.meta.push_back({"internodesPruned", static_cast<double>(internodes)});
  out.meta.push_back({"branchNodesMerged", static_cast<double>(branchMerged)});
  out.meta.push_back({"artefactNodesPruned", static_cast<double>(artefact)});
  out.meta.push_back({"condenseStepCapHits", static_cast<double>(capped)});

  // Output in list order; a parent id of 0 (removed parent) becomes a root, as the merge into
  // one V_NeuronSWC segment did (parent >= 1 kept, anything else -1).
  int64_t roots = 0;
  for (const Node& a : t.u) {
    const int32_t parent = a.parent >= 1 ? static_cast<int32_t>(a.parent - 1) : -1;
    roots += parent < 0;
    out.add(swcValue(a.x), swcValue(a.y), swcValue(a.z), swcValue(a.r), 2, parent);
  }
  out.meta.push_back({"trees", static_cast<double>(roots)});
  ctx.progress(1, "done");
  return out;
}

}  // namespace
}  // namespace nt::app1

namespace {
nt::NativeTree runApp1Core(const nt::VolumeView& v, const nt::Params& p, const std::vector<nt::Seed>& s, nt::TraceContext& c) {
  return nt::app1::runApp1(v, p, s, c);
}
}  // namespace
NT_TRACER("app1", runApp1Core);
