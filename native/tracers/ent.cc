// ENT, the Ensemble Neuron Tracer (Wang, Pradana, Huang, NTUST 2016; BigNeuron label ENT), from
// the card ENT.md: three global binarisations (Niblack, Sauvola, Bernsen) of the 8-bit image,
// a "learning" score per version in the brightest block, then per chosen version the base tracer
// (APP2-base on the binary image, on its 6-neighbour dilation and on its closing, merged by
// nearest-node combining) and a size-capped choice of the result.
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/trace_worker.h"
#include "kernels/global_binarize.h"
#include "kernels/morph6.h"
#include "kernels/swc_tools.h"
#include "kernels/trace_combine.h"
#include "tracers/ent_app2_base.h"
#include "tracers/ent_family.h"
#include "tracers/ent_learning.h"

namespace nt::ent {
namespace {

using namespace nt::kern;

struct EntParams : SharedParams {
  int bernsenContrast = 15;
  size_t nodeCap = 11000;
};

EntParams readParams(const nt::Params& p) {
  EntParams e;
  static_cast<SharedParams&>(e) = readSharedParams(p);
  e.bernsenContrast = static_cast<int>(p.number("bernsenContrast", 15));
  const double cap = p.number("nodeCap", 11000);
  if (!(cap >= 0)) nt::badParam("nodeCap", "must be 0 or more");
  e.nodeCap = static_cast<size_t>(cap);
  return e;
}

const char* const kVersionName[3] = {"N", "S", "B"};

// One trace of the base tracer with its radii measured on the image it was traced on, i.e. on
// a binary image (quirk E4).
SwcList traceOne(const uint8_t* img, const Dims& d, const Checkpoint& cp) {
  SwcList t = app2Base(img, d, CubeRule::Standard, nullptr, nullptr, cp);
  measureRadii(t, img, d, cp);
  return t;
}

struct BaseResult {
  SwcList tree;
  size_t traced[3] = {0, 0, 0};  // nodes of the traces of V, V+ and V+- before merging
  CombineStats first, second;    // Combine(T2, T1) and Combine(that, T3)
};

// ENT.md step 4: Combine(Combine(T2, T1), T3) over V, its dilation V+ and the closing V+-.
BaseResult baseTracer(const std::vector<uint8_t>& v, const Dims& d, double combineDistance, const Checkpoint& cp,
                      const std::function<void(int)>& stage) {
  BaseResult r;
  std::vector<uint8_t> dil(v.size()), closed(v.size());
  stage(0);
  SwcList t1 = traceOne(v.data(), d, cp);
  // "Erotion" in the original is this dilation and "Dilation" the erosion (quirk E7: names only)
  dilate6(v.data(), d, MorphBorder::Interior, dil.data(), cp);
  stage(1);
  SwcList t2 = traceOne(dil.data(), d, cp);
  erode6(dil.data(), d, MorphBorder::Interior, closed.data(), cp);
  dil = std::vector<uint8_t>();
  stage(2);
  SwcList t3 = traceOne(closed.data(), d, cp);
  r.traced[0] = t1.size();
  r.traced[1] = t2.size();
  r.traced[2] = t3.size();
  SwcList merged = combineTraces(t2, t1, combineDistance, &r.first, cp);
  r.tree = combineTraces(merged, t3, combineDistance, &r.second, cp);
  return r;
}

nt::NativeTree runEnt(const nt::VolumeView& vol, const nt::Params& params, const std::vector<nt::Seed>& seeds,
                      nt::TraceContext& ctx) {
  const uint8_t* img = greyVoxels(vol);
  const EntParams e = readParams(params);
  const Checkpoint cp = [&ctx] { ctx.checkCancel(); };
  const Dims d{vol.nx, vol.ny, vol.nz};
  const int64_t n = d.voxels();

  // 1. three binarised versions, 2. brightest block, 3. learning scores
  ctx.progress(0.0, "binarising (Niblack, Sauvola, Bernsen)");
  const NonzeroStats st = nonzeroStats(img, n, NonzeroCounter::FloatFromTenth);
  const int tN = niblackThreshold(st, e.niblackK), tS = sauvolaThreshold(st, e.sauvolaK, e.sauvolaR);
  std::vector<uint8_t> version[3];
  for (auto& v : version) v.resize(static_cast<size_t>(n));
  binarizeAbove(img, n, tN, version[0].data());
  binarizeAbove(img, n, tS, version[1].data());
  const BernsenInfo bern = bernsenGlobal(img, n, e.bernsenContrast, true, version[2].data());
  ctx.checkCancel();
  const BrightBlock blk = brightestBlock(img, d);
  double score[3];
  for (int k = 0; k < 3; ++k) score[k] = learningScore(version[k].data(), d, blk);

  // 4-6. base tracer on the chosen versions, size-capped choice
  const bool clean = score[0] == 0 && score[1] == 0 && score[2] == 0;
  std::vector<int> run;
  int dropped = -1;
  if (clean) {
    run = {0, 1, 2};
  } else {
    const double best = std::max(std::max(score[0], score[1]), score[2]);
    for (int k = 0; k < 3; ++k)
      if (score[k] == best) dropped = k;  // the last one on ties
    for (int k = 0; k < 3; ++k)
      if (k != dropped) run.push_back(k);
    version[dropped] = std::vector<uint8_t>();
  }
  std::vector<BaseResult> results(3);
  const double share = 0.9 / (3.0 * static_cast<double>(run.size()));
  for (size_t r = 0; r < run.size(); ++r) {
    const int k = run[r];
    auto stage = [&](int s) {
      static const char* const what[3] = {"binary", "dilated", "closed"};
      ctx.progress(0.05 + share * static_cast<double>(3 * r + s),
                   std::string("version ") + kVersionName[k] + ": APP2 on the " + what[s] + " image");
    };
    results[static_cast<size_t>(k)] = baseTracer(version[k], d, e.combineDistance, cp, stage);
    version[k] = std::vector<uint8_t>();
  }

  int chosen = -1;
  if (clean) {
    size_t capped[3], top = 0;
    for (int k = 0; k < 3; ++k) {
      capped[k] = results[k].tree.size() > e.nodeCap ? 0 : results[k].tree.size();
      top = std::max(top, capped[k]);
    }
    for (int k = 0; k < 3; ++k)
      if (results[k].tree.size() == top) chosen = k;  // the last one written wins
    if (chosen < 0) {
      // quirk E5: the original writes no file here
      throw std::runtime_error("no output: all three candidate reconstructions exceed " + std::to_string(e.nodeCap) +
                               " nodes (N " + std::to_string(results[0].tree.size()) + ", S " +
                               std::to_string(results[1].tree.size()) + ", B " + std::to_string(results[2].tree.size()) +
                               "), and the original writes no SWC file then");
    }
  } else {
    const int r1 = run[0], r2 = run[1];
    const size_t s1 = results[r1].tree.size(), s2 = results[r2].tree.size();
    if (s1 > e.nodeCap) chosen = r2;
    else if (s2 > e.nodeCap) chosen = r1;
    else chosen = s1 >= s2 ? r1 : r2;
  }
  ctx.progress(0.97, std::string("writing version ") + kVersionName[chosen]);

  BaseResult& win = results[static_cast<size_t>(chosen)];
  const double nodesOf[3] = {static_cast<double>(results[0].tree.size()), static_cast<double>(results[1].tree.size()),
                             static_cast<double>(results[2].tree.size())};
  nt::NativeTree res = toNativeTree(std::move(win.tree));
  res.meta = {
      {"thresholdN", static_cast<double>(tN)},
      {"thresholdS", static_cast<double>(tS)},
      {"bernsenMid", static_cast<double>(bern.mid)},
      {"bernsenLowContrast", bern.lowContrast ? 1.0 : 0.0},
      {"blockRow", static_cast<double>(blk.a)},
      {"blockColumn", static_cast<double>(blk.b)},
      {"scoreN", score[0]},
      {"scoreS", score[1]},
      {"scoreB", score[2]},
      {"allScoresZero", clean ? 1.0 : 0.0},
      {"droppedVersion", static_cast<double>(dropped)},  // 0 N, 1 S, 2 B; -1 none
      {"chosenVersion", static_cast<double>(chosen)},
      {"nodesN", nodesOf[0]},
      {"nodesS", nodesOf[1]},
      {"nodesB", nodesOf[2]},
      {"chosenTraceBinary", static_cast<double>(win.traced[0])},
      {"chosenTraceDilated", static_cast<double>(win.traced[1])},
      {"chosenTraceClosed", static_cast<double>(win.traced[2])},
      {"chosenAppendedBinary", static_cast<double>(win.first.appended)},
      {"chosenAppendedClosed", static_cast<double>(win.second.appended)},
      {"chosenOrphansKeptAsRoots", static_cast<double>(win.first.keptAsRoot + win.second.keptAsRoot)},
      {"seedsIgnored", static_cast<double>(seeds.size())},
  };
  ctx.progress(1.0, "done");
  return res;
}

}  // namespace

NT_TRACER("ENT", runEnt);

}  // namespace nt::ent
