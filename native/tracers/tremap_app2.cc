#include "tracers/tremap_app2.h"

#include <optional>
#include <vector>

#include "kernels/fm_tree.h"
#include "kernels/gsdt.h"
#include "kernels/happ.h"
#include "kernels/image_prep.h"

namespace nt::tremap {

using namespace nt::kern;

ProjectionApp2Result traceProjectionApp2(const uint8_t* img, const Dims& d, const ProjectionApp2Options& o,
                                         const Checkpoint& cp) {
  constexpr int kCnn = 2;
  ProjectionApp2Result res;

  // 256-cube downsampling (8-bit input: only when an axis exceeds 256)
  DownsampleFactors f;
  Dims td = d;
  const uint8_t* I = img;
  std::vector<uint8_t> small;
  if (o.downsample256 && (d.nx > 256 || d.ny > 256 || d.nz > 256)) {
    f = chooseDownsample256(d);
    if (f.xy > 1 || f.z > 1) {
      small = blockMeanDownsample(img, d, f.xy, f.z, &td);
      I = small.data();
    }
  }

  // AUTO: the bench-era rule, int(mean) of the tracing image
  int t = o.bkgThresh;
  if (t <= 0) {
    t = static_cast<int>(meanStd(I, td.voxels()).mean);
    res.autoThreshold = true;
  }
  res.thresholdUsed = t;

  // root = first maximum of the per-slice GSDT; with gsdt on, APP2 then traces on that same
  // per-slice transform (its quirk Q9; for an XY projection it equals the full transform)
  GsdtField g2 = gsdt(I, td, kCnn, t, true, cp);
  const int64_t ridx = g2.argmaxFirst();
  const Voxel3 root{static_cast<double>(ridx % td.nx), static_cast<double>((ridx / td.nx) % td.ny),
                    static_cast<double>(ridx / (td.nx * td.ny))};
  std::optional<GsdtField> phi;
  if (o.gsdt) phi.emplace(std::move(g2));

  FmTreeOptions fo;
  fo.cnn = kCnn;
  fo.thresh = t;
  fo.gap = o.gap;
  fo.minMaxQuirk = true;
  FmTree fm = phi ? fastmarchingTree(*phi, root, fo, cp) : fastmarchingTree(I, td, root, fo, cp);
  phi.reset();
  SwcList tree = toSwcList(fm, td);
  fm = FmTree{};

  HappOptions ho;
  ho.bkgThresh = t;
  ho.lengthThresh = o.lengthThresh;
  ho.srRatio = 1.0 / 3.0;
  ho.tMax = 2;
  ho.keepDeletedSegments = true;
  ho.smooth = true;
  SwcList out = happ(tree, I, td, ho, nullptr, cp);

  toFullGrid(out, f);
  if (out.size() > 1) {
    out = resampleSwc(out, 10.0);
    out = sortSwc(out, 0);
  }
  for (auto& p : out.parent)
    if (p < 0) p = -1;
  res.tree = std::move(out);
  return res;
}

}  // namespace nt::tremap
