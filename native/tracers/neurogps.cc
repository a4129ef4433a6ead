// NeuroGPS-Tree (Quan T, Zhou H, Li J et al., Nat Methods 13:51-54, 2016; BigNeuron label
// NeuroGPSTree, plugin "2016-1-1" by Zhou Hang, HUST), from the card NeuroGPSTree.md and the
// published method: resolution-based downsampling and enhancement → per-slice local binarisation
// → local-maximum seeds → bidirectional constrained-PCA tracking with collision bookkeeping →
// clean-up and crossing merge → curve clustering → the first tree (or all trees).
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/trace_worker.h"
#include "tracers/neurogps_curves.h"
#include "tracers/neurogps_prep.h"
#include "tracers/neurogps_seeds.h"
#include "tracers/neurogps_track.h"
#include "tracers/neurogps_tree.h"

namespace nt {
namespace gps {
namespace {

double positive(const Params& p, const char* name, double def) {
  const double v = p.number(name, def);
  if (!(v > 0) || !std::isfinite(v)) throw std::invalid_argument(std::string(name) + " must be a positive number of µm");
  return v;
}

NativeTree runNeuroGps(const VolumeView& vol, const Params& params, const std::vector<Seed>&, TraceContext& ctx) {
  if (vol.dtype != DType::U8) throw std::invalid_argument("needs 8-bit voxels (declare uint8 so the host converts)");
  PrepOptions opt;
  opt.xRes = positive(params, "xRes", 1);
  opt.yRes = positive(params, "yRes", 1);
  opt.zRes = positive(params, "zRes", 2);
  opt.enhanceValue = params.number("enhanceValue", 0);
  opt.zSliceQuirk = params.flag("zSliceQuirk", true);
  const double binaryThreshold = params.number("binaryThreshold", 6);
  const double traceValue = params.number("traceValue", 0);
  const bool firstTreeOnly = params.flag("firstTreeOnly", true);
  const bool mergeFlagQuirk = params.flag("crossMergeFlagQuirk", true);
  const Poll poll = [&ctx]() { ctx.checkCancel(); };

  ctx.progress(0, "downsampling and enhancement");
  Scales scales;
  const Image16 img = convertImage(static_cast<const uint8_t*>(vol.data), vol.nx, vol.ny, vol.nz, opt, scales);
  ctx.checkCancel();
  ctx.progress(0.02, "local binarisation");
  const Binarized bin = binarize(img, binaryThreshold, poll);
  ctx.progress(0.06, "seed selection");
  const bool high = img.highResolution();
  const std::vector<SeedPoint> seeds = selectSeeds(img, bin.fore, high ? 7 : 5, 10000, poll);
  const size_t traced = static_cast<size_t>(0.7 * static_cast<double>(seeds.size()) + 0.5);

  ctx.progress(0.1, "tracing from seeds");
  TrackConfig cfg;
  cfg.high = high;
  cfg.fillThrev = 4.0 * traceValue;
  cfg.endThrev = 4.0 * (traceValue + 5.0);
  Tracker tracker(img, bin.back, cfg);
  std::vector<Curve> curves(traced);
  std::vector<Link> links(traced);
  size_t grown = 0;
  for (size_t s = 0; s < traced; ++s) {
    ctx.checkCancel();
    if ((s & 63) == 0) ctx.progress(0.1 + 0.8 * static_cast<double>(s) / static_cast<double>(traced), "tracing from seeds");
    const SeedPoint& sp = seeds[s];
    if (!tracker.free(sp.x, sp.y, sp.z)) continue;
    curves[s] = tracker.traceFromSeed(Vec3{double(sp.x), double(sp.y), double(sp.z)}, static_cast<int>(s + 1), links[s]);
    if (!curves[s].empty()) ++grown;
  }

  ctx.progress(0.9, "curve clean-up and clustering");
  std::vector<Curve> kept;
  std::vector<Link> keptLinks;
  dropShortCurves(curves, links, kept, keptLinks);
  curves.clear();
  addContactNodes(kept, keptLinks);
  if (high) mergeCrossings(kept, keptLinks, mergeFlagQuirk);
  ctx.checkCancel();
  const std::vector<std::vector<int>> trees = keptTrees(clusterCurves(keptLinks), kept);

  NativeTree out;
  const WriteScale ws{double(scales.x), double(scales.y), double(scales.z)};
  size_t written = 0;
  for (const std::vector<int>& t : trees) {
    if (firstTreeOnly && written == 1) break;
    std::vector<Curve> treeCurves;
    treeCurves.reserve(t.size());
    for (int c : t) treeCurves.push_back(kept[c]);
    writeTree(treeCurves, ws, out);
    ++written;
  }
  out.meta.emplace_back("scaleX", scales.x);
  out.meta.emplace_back("scaleY", scales.y);
  out.meta.emplace_back("scaleZ", scales.z);
  out.meta.emplace_back("highResolution", high ? 1 : 0);
  out.meta.emplace_back("foregroundVoxels", static_cast<double>(bin.foreground));
  out.meta.emplace_back("seeds", static_cast<double>(seeds.size()));
  out.meta.emplace_back("tracedSeeds", static_cast<double>(traced));
  out.meta.emplace_back("curves", static_cast<double>(grown));
  out.meta.emplace_back("keptCurves", static_cast<double>(kept.size()));
  out.meta.emplace_back("trees", static_cast<double>(trees.size()));
  out.meta.emplace_back("writtenTrees", static_cast<double>(written));
  ctx.progress(1, "done");
  return out;
}

}  // namespace
}  // namespace gps
}  // namespace nt

namespace {
nt::NativeTree runNeuroGpsCore(const nt::VolumeView& v, const nt::Params& p, const std::vector<nt::Seed>& s,
                               nt::TraceContext& c) {
  return nt::gps::runNeuroGps(v, p, s, c);
}
}  // namespace
NT_TRACER("neuroGpsTree", runNeuroGpsCore);
