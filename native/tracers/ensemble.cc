// EnsembleNeuronTracerBasic / V2n / V2s (Wang, Pradana, Huang, NTUST; BigNeuron labels of the
// same names), from the cards EnsembleNeuronTracer.md (shared) and the three variant cards: an
// optional contrast stretch, a global mask (every non-zero voxel, Niblack or Sauvola), APP2-base
// on the mask, on its hand-written "dilation" and on a third image, the three traces merged by
// nearest-node combining, radii from the original grey image.
#include <string>
#include <vector>

#include "core/trace_worker.h"
#include "kernels/global_binarize.h"
#include "kernels/image_prep.h"
#include "kernels/swc_tools.h"
#include "kernels/trace_combine.h"
#include "tracers/ensemble_images.h"
#include "tracers/ent_app2_base.h"
#include "tracers/ent_family.h"

namespace nt::ens {
namespace {

using namespace nt::kern;
using nt::ent::App2BaseInfo;
using nt::ent::CubeRule;
using nt::ent::SharedRoot;

enum class Mask { Nonzero, Niblack, Sauvola };
enum class ThirdImage { Mask, Closing };

struct EnsParams : nt::ent::SharedParams {
  Mask mask = Mask::Nonzero;
  bool stretch = false;
  int stretchPercent = 50;
  ThirdImage third = ThirdImage::Mask;
};

EnsParams readParams(const nt::Params& p) {
  EnsParams e;
  const std::string m = p.text("binarization", "nonzero");
  if (m == "nonzero") e.mask = Mask::Nonzero;
  else if (m == "niblack") e.mask = Mask::Niblack;
  else if (m == "sauvola") e.mask = Mask::Sauvola;
  else nt::badParam("binarization", "must be \"nonzero\", \"niblack\" or \"sauvola\" (got \"" + m + "\")");
  e.stretch = p.flag("contrastStretch", false);
  e.stretchPercent = static_cast<int>(p.number("contrastPercent", 50));
  static_cast<nt::ent::SharedParams&>(e) = nt::ent::readSharedParams(p);
  const std::string t = p.text("thirdImage", "mask");
  if (t == "mask") e.third = ThirdImage::Mask;
  else if (t == "closing") e.third = ThirdImage::Closing;
  else nt::badParam("thirdImage", "must be \"mask\" or \"closing\" (got \"" + t + "\")");
  return e;
}

nt::NativeTree runEnsemble(const nt::VolumeView& vol, const nt::Params& params, const std::vector<nt::Seed>& seeds,
                           nt::TraceContext& ctx) {
  const uint8_t* grey = nt::ent::greyVoxels(vol);
  const EnsParams e = readParams(params);
  const Checkpoint cp = [&ctx] { ctx.checkCancel(); };
  const Dims d{vol.nx, vol.ny, vol.nz};
  const int64_t n = d.voxels();

  // 1. working image, 2. mask
  ctx.progress(0.0, "mask");
  std::vector<uint8_t> mask(grey, grey + n);
  StretchInfo sti;
  if (e.stretch) sti = contrastStretch(mask.data(), n, e.stretchPercent);
  int threshold = 0;  // Basic: W >= 1, i.e. W > 0
  if (e.mask != Mask::Nonzero) {
    const NonzeroStats st = nonzeroStats(mask.data(), n, NonzeroCounter::IntFromZero);
    threshold = e.mask == Mask::Niblack ? niblackThreshold(st, e.niblackK) : sauvolaThreshold(st, e.sauvolaK, e.sauvolaR);
  }
  binarizeAbove(mask.data(), n, threshold, mask.data());
  int64_t foreground = 0;
  for (int64_t i = 0; i < n; ++i) foreground += mask[static_cast<size_t>(i)] == 255;
  ctx.checkCancel();

  // 3-4. three images, APP2-base on each with the shared root search (quirk EN3)
  std::vector<uint8_t> dilated(static_cast<size_t>(n));
  SharedRoot root;
  SwcList trace[3];
  App2BaseInfo info[3];
  static const char* const what[3] = {"the mask", "the dilated mask", "the third image"};
  for (int it = 0; it < 3; ++it) {
    ctx.progress(0.05 + 0.28 * it, std::string("APP2 on ") + what[it]);
    if (it != 0) quirkyDilate(mask.data(), d, dilated.data());
    if (it == 2 && e.third == ThirdImage::Closing) quirkyClosing(mask.data(), dilated.data(), d);
    const uint8_t* img = it == 1 ? dilated.data() : mask.data();
    trace[it] = nt::ent::app2Base(img, d, CubeRule::IgnoreY, &root, &info[it], cp);
  }
  mask = std::vector<uint8_t>();
  dilated = std::vector<uint8_t>();

  // 5-6. merge, radii on the original grey channel
  ctx.progress(0.9, "combining the three traces");
  CombineStats c1, c2;
  SwcList merged = combineTraces(trace[0], trace[1], e.combineDistance, &c1, cp);
  SwcList out = combineTraces(merged, trace[2], e.combineDistance, &c2, cp);
  merged = SwcList{};
  nt::ent::measureRadii(out, grey, d, cp);

  nt::NativeTree res = toNativeTree(std::move(out));
  res.meta = {
      {"stretchLow", static_cast<double>(sti.lo)},
      {"stretchHigh", static_cast<double>(sti.hi)},
      {"maskThreshold", static_cast<double>(threshold)},
      {"maskVoxels", static_cast<double>(foreground)},
      {"downsampleXY", info[0].fxy},
      {"downsampleZ", info[0].fz},
      {"seedsIgnored", static_cast<double>(seeds.size())},
  };
  for (int it = 0; it < 3; ++it) {
    const std::string k = std::to_string(it + 1);
    res.meta.push_back({"root" + k + "X", toFullGrid(static_cast<double>(info[it].rootX), info[it].fxy)});
    res.meta.push_back({"root" + k + "Y", toFullGrid(static_cast<double>(info[it].rootY), info[it].fxy)});
    res.meta.push_back({"root" + k + "Z", toFullGrid(static_cast<double>(info[it].rootZ), info[it].fz)});
    res.meta.push_back({"root" + k + "Moved", info[it].rootMoved ? 1.0 : 0.0});
    res.meta.push_back({"trace" + k + "Nodes", static_cast<double>(trace[it].size())});
  }
  res.meta.push_back({"appendedFromTrace2", static_cast<double>(c1.appended)});
  res.meta.push_back({"appendedFromTrace3", static_cast<double>(c2.appended)});
  res.meta.push_back({"orphansKeptAsRoots", static_cast<double>(c1.keptAsRoot + c2.keptAsRoot)});
  ctx.progress(1.0, "done");
  return res;
}

}  // namespace

NT_TRACER("EnsembleNeuronTracer", runEnsemble);

}  // namespace nt::ens
