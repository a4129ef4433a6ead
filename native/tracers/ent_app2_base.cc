#include "tracers/ent_app2_base.h"

#include <utility>
#include <vector>

#include "kernels/fm_tree.h"
#include "kernels/gsdt.h"
#include "kernels/image_prep.h"

namespace nt::ent {

using namespace nt::kern;

namespace {

constexpr int kCnn = 2;
constexpr int kBackground = 10;

DownsampleFactors factorsFor(const Dims& d, CubeRule rule) {
  if (rule == CubeRule::IgnoreY && d.nx <= 256 && d.nz <= 256) return DownsampleFactors{};
  return chooseDownsample256(d);
}

}  // namespace

SwcList app2Base(const uint8_t* img, const Dims& full, CubeRule rule, SharedRoot* shared, App2BaseInfo* info,
                 const Checkpoint& cp) {
  App2BaseInfo inf;
  const DownsampleFactors f = factorsFor(full, rule);
  inf.fxy = f.xy;
  inf.fz = f.z;
  Dims td = full;
  const uint8_t* I = img;
  std::vector<uint8_t> small;
  if (f.xy > 1 || f.z > 1) {
    small = blockMeanDownsample(img, full, f.xy, f.z, &td);
    I = small.data();
  }
  inf.traced = td;
  if (cp) cp();

  int64_t rootIdx = 0;
  {
    GsdtField g = gsdt(I, td, kCnn, kBackground, true, cp);
    const int64_t idx = g.argmaxFirst();
    if (shared) {
      const int64_t x = idx % td.nx, y = (idx / td.nx) % td.ny, z = idx / (td.nx * td.ny);
      const double v = g.at(idx, x, y, z);
      inf.rootMoved = v > shared->maxVal;
      if (inf.rootMoved) {
        shared->maxVal = v;
        shared->loc = idx;
      }
      rootIdx = shared->loc;
    } else {
      rootIdx = idx;
    }
  }
  inf.rootX = rootIdx % td.nx;
  inf.rootY = (rootIdx / td.nx) % td.ny;
  inf.rootZ = rootIdx / (td.nx * td.ny);

  FmTreeOptions fo;
  fo.cnn = kCnn;
  fo.thresh = kBackground;
  fo.gap = false;
  fo.minMaxQuirk = true;
  const Voxel3 root{static_cast<double>(inf.rootX), static_cast<double>(inf.rootY), static_cast<double>(inf.rootZ)};
  SwcList tree = toSwcList(fastmarchingTree(I, td, root, fo, cp), td);
  inf.nodesInitial = tree.size();

  HappOptions ho;
  ho.bkgThresh = kBackground;
  ho.lengthThresh = 5;
  ho.srRatio = 0.3333;  // the literal these plugins pass (APP2 itself uses 1/3)
  ho.tMax = 2;
  ho.keepDeletedSegments = true;
  ho.smooth = true;
  SwcList out = happ(tree, I, td, ho, &inf.happ, cp);

  toFullGrid(out, f);
  for (double& r : out.radius) r *= f.xy;
  if (info) *info = inf;
  return out;
}

}  // namespace nt::ent
