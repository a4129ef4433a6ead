// meanshift (BJUT, Zhijiang Wan; BigNeuron label `meanshift`), from the card meanshift.md:
// mean shift from every signal voxel to its mode, merging of overlapping modes, thinning of each
// mode's cluster, greedy sphere-model walks between the remaining nodes, a dense Prim spanning
// tree over walk lengths, the walks written into the tree, then APP2's hierarchical pruning.
#include <string>
#include <utility>
#include <vector>

#include "core/stage_clock.h"
#include "core/trace_worker.h"
#include "kernels/happ.h"
#include "kernels/meanshift.h"
#include "kernels/swc_tools.h"
#include "tracers/meanshift_nodes.h"
#include "tracers/meanshift_paths.h"

namespace nt {
namespace {

// If fewer nodes than this survive thinning, walks join all of them; else only the modes.
constexpr size_t kAllNodesLimit = 200;

struct MsParams {
  double primDistance = 3.0;
  double threshold = 10;
  double percentage = 0.6;
  bool integerSpatialTerm = true;  // M2
  bool symmetricWindow = false;    // M6
  ms::Unreachable unreachable = ms::Unreachable::Straight;  // M3
};

MsParams readParams(const Params& p) {
  MsParams m;
  m.primDistance = p.numberIn("primDistance", 3.0, 0, 1000);
  if (!(m.primDistance > 0)) badParam("primDistance", "must be greater than 0");
  m.threshold = p.numberIn("threshold", 10, 0, 255);
  m.percentage = p.numberIn("percentage", 0.6, 0, 1);
  const std::string spatial = p.text("spatialTerm", "integer");
  if (spatial == "integer") m.integerSpatialTerm = true;
  else if (spatial == "float") m.integerSpatialTerm = false;
  else badParam("spatialTerm", "must be \"integer\" or \"float\" (got \"" + spatial + "\")");
  const std::string window = p.text("window", "asymmetric");
  if (window == "asymmetric") m.symmetricWindow = false;
  else if (window == "symmetric") m.symmetricWindow = true;
  else badParam("window", "must be \"asymmetric\" or \"symmetric\" (got \"" + window + "\")");
  const std::string unreachable = p.text("unreachablePairs", "straight");
  if (unreachable == "straight") m.unreachable = ms::Unreachable::Straight;
  else if (unreachable == "none") m.unreachable = ms::Unreachable::NoEdge;
  else badParam("unreachablePairs", "must be \"straight\" or \"none\" (got \"" + unreachable + "\")");
  return m;
}

NativeTree runMeanShift(const VolumeView& vol, const Params& params, const std::vector<Seed>&, TraceContext& ctx) {
  const uint8_t* img = vol.u8();
  const MsParams mp = readParams(params);
  const kern::Checkpoint cp = [&ctx] { ctx.checkCancel(); };
  const kern::Dims d{vol.nx, vol.ny, vol.nz};
  StageClock clock;

  // 1-2. modes
  ctx.progress(0.0, "mean shift from every signal voxel");
  kern::MeanShiftOptions mo;
  mo.threshold = mp.threshold;
  mo.percentage = mp.percentage;
  mo.integerSpatialTerm = mp.integerSpatialTerm;
  mo.symmetricWindow = mp.symmetricWindow;
  const kern::MeanShiftModes modes = kern::meanShiftModes(img, d, mo, cp);
  size_t clustered = 0;
  for (int32_t m : modes.modeOf) clustered += m >= 0 ? 1 : 0;
  const double msModes = clock.lap();

  // 3-5. merged modes, thinned clusters
  ctx.progress(0.45, "merging modes and thinning clusters");
  const int threads = kern::meanShiftThreads(0);
  const ms::MergedRoots merged = ms::mergeRoots(img, d, modes.modes, mp.primDistance, threads, cp);
  const ms::ClusterNodes nodes = ms::thinClusters(img, d, modes, merged, mp.primDistance, threads, cp);
  const double msNodes = clock.lap();

  // 6-8. walks, spanning tree, walks written into the tree
  ctx.progress(0.55, "sphere-model walks and spanning tree");
  std::vector<int64_t> q;
  if (nodes.nodes.size() < kAllNodesLimit) {
    q = nodes.nodes;
  } else {
    for (int32_t s : merged.survivors) q.push_back(modes.modes[static_cast<size_t>(s)]);
  }
  const ms::SphereWalker walker(img, d, 2.0, 100);
  ms::ConnectOptions co;
  co.unreachable = mp.unreachable;
  const ms::Connection conn = ms::connectNodes(walker, d, q, co, cp);
  const double msConnect = clock.lap();

  // 9. APP2's hierarchical pruning (bkg 1, length 1, SR 0.11111, leaf pruning and smoothing)
  ctx.progress(0.9, "hierarchical pruning");
  kern::HappOptions ho;
  ho.bkgThresh = 1;
  ho.lengthThresh = 1;
  ho.srRatio = 0.11111;
  ho.tMax = 2;                     // 1 << sizeof(unsigned char), as APP2's happ computes it
  ho.keepDeletedSegments = true;   // the plugin's copy of happ has APP2's stale segment list
  ho.smooth = true;
  kern::HappStats hs;
  kern::SwcList out = conn.tree.size() > 0 ? kern::happ(conn.tree, img, d, ho, &hs, cp) : kern::SwcList{};
  const double msPrune = clock.lap();

  // a node whose parent was pruned starts its own piece
  NativeTree res = kern::toNativeTree(std::move(out));
  res.meta = {
      {"signalVoxels", static_cast<double>(modes.voxels.size())},
      {"clusteredVoxels", static_cast<double>(clustered)},
      {"stepsComputed", static_cast<double>(modes.stepsComputed)},
      {"modes", static_cast<double>(modes.modes.size())},
      {"modesMerged", static_cast<double>(merged.survivors.size())},
      {"clusterMembers", static_cast<double>(nodes.members)},
      {"clusterNodes", static_cast<double>(nodes.nodes.size())},
      {"pathNodes", static_cast<double>(q.size())},
      {"pathNodesReaching", static_cast<double>(conn.kept)},
      {"walks", static_cast<double>(conn.walks)},
      {"treeEdges", static_cast<double>(conn.mstEdges)},
      {"edgesWithWalk", static_cast<double>(conn.pathsFilled)},
      {"nodesInitial", static_cast<double>(conn.tree.size())},
      {"segments", static_cast<double>(hs.segments)},
      {"segmentsKept", static_cast<double>(hs.afterJoint)},
      {"nodesFinal", static_cast<double>(res.size())},
      {"msModes", msModes},
      {"msNodes", msNodes},
      {"msConnect", msConnect},
      {"msConnectReach", conn.msReach},
      {"msConnectTree", conn.msTree},
      {"msConnectFill", conn.msFill},
      {"msPrune", msPrune},
  };
  ctx.progress(1.0, "done");
  return res;
}

}  // namespace

NT_TRACER("meanShift", runMeanShift);

}  // namespace nt
