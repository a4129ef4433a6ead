// K7: multi-stencil fast marching (Hassouna & Farag, IEEE TPAMI 2007) on a 3-D grid, in the
// formulation of D. Kroon's msfm3d that rivuletpy and the Rivulet2 Vaa3D plugin both call.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

struct MsfmOptions {
  bool secondOrder = false;  // one-sided second-order differences where two frozen voxels line up
  bool cross = false;        // add the five rotated stencils (face and body diagonals)
};

// Arrival time T of a front that leaves `sources` (linear voxel indices, x fastest) at time 0
// and moves with local speed `speed` (> 0; values are clamped below at machine epsilon).
// Unit grid spacing. Voxels the front never reaches keep T = -1.
// `cp`, when set, is called every kCheckMask+1 frozen voxels (cancellation hook).
std::vector<double> msfm3d(const double* speed, const Dims& dims, const std::vector<int64_t>& sources,
                           const MsfmOptions& opt, const Checkpoint& cp = {});

}  // namespace nt::kern
