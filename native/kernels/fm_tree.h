// K2: APP2's fast-marching tree. Dijkstra from a root voxel over the cnn neighbourhood with the
// gray-weighted edge cost (GI(p) + GI(n)) / 2 * f(|offset|_1), GI(v) = exp(10 (1 - k/255)^2) for
// the 0..255 rank k of J(v) between the image min and max (APP2's 6-digit table), f = 1, 1.414214,
// 1.732051. Voxels with J <= thresh are skipped (gap mode: only when the popped voxel is also
// background, so one background voxel may be crossed). Every voxel that becomes ALIVE is a node,
// listed in raster order; its parent is the voxel it was reached from.
//
// The multi-target form (first seed = root, others = targets) follows the original: no background
// exclusion, and the march stops once every target is ALIVE (checked on the original's cadence).
//
// State is sparse (a brick map from voxel to node slot plus per-node arrays), so cost and memory
// follow the reached foreground, not the volume.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"
#include "kernels/gsdt.h"
#include "kernels/swc_tools.h"

namespace nt::kern {

struct FmTreeOptions {
  int cnn = 2;
  int thresh = 10;
  bool gap = false;
  // APP2 scans min/max with "if (v > max) ... else if (v < min)", so a voxel that raises the
  // running maximum is never considered for the minimum (quirk Q5). false = plain min/max.
  bool minMaxQuirk = true;
};

struct FmTree {
  std::vector<int64_t> voxel;   // node voxels, raster order
  std::vector<int32_t> parent;  // index into voxel, -1 for the root
  double giMin = 0, giRange = 0;  // the normalisation the run used (J min and max - min)
};

struct Voxel3 { double x, y, z; };

// J = the 8-bit image itself.
FmTree fastmarchingTree(const uint8_t* img, const Dims& d, Voxel3 root, const FmTreeOptions& o, const Checkpoint& cp = {});
// J = a gray-scale distance transform (APP2's is_gsdt mode); thresh applies to phi.
FmTree fastmarchingTree(const GsdtField& phi, Voxel3 root, const FmTreeOptions& o, const Checkpoint& cp = {});

FmTree fastmarchingTreeTargets(const uint8_t* img, const Dims& d, Voxel3 root, const std::vector<Voxel3>& targets,
                               int cnn, const Checkpoint& cp = {});
FmTree fastmarchingTreeTargets(const GsdtField& phi, Voxel3 root, const std::vector<Voxel3>& targets, int cnn,
                               const Checkpoint& cp = {});

// APP2's GI table: exp(10 (1 - k/255)^2) rounded to 6 significant digits, as printed in the
// original source; exported for tests and other tracers.
const double* giTable();

// Voxel of a marker as the original rounds it: (long)(c + 0.5) per axis.
int64_t roundVoxel(double c);

// The tree as a node list on the grid d it was marched on: each node at its voxel, radius 0,
// type 0, parents as in the tree (happ's input).
SwcList toSwcList(const FmTree& fm, const Dims& d);

}  // namespace nt::kern
