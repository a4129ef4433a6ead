// The APP2 run TReMAP makes on each projection component, assembled in process from the shared
// APP2 kernels instead of a Vaa3D sub-process: `-p NULL 0 <t> <b256> 1 <gsdt> <gap> <length>` with
// the remaining fields at the plugin defaults (resample on, not brightfield, no intensity rule),
// cnn 2, SR 1/3, on an 8-bit image whose projected axis is one voxel thick.
#pragma once
#include <cstdint>

#include "kernels/common.h"
#include "kernels/swc_tools.h"

namespace nt::tremap {

struct ProjectionApp2Options {
  int bkgThresh = 5;  // <= 0: AUTO (APP2 reads 0 as AUTO, and its automatic rule is any value < 0)
  bool downsample256 = false;
  bool gsdt = false;
  bool gap = false;
  double lengthThresh = 5;
};

struct ProjectionApp2Result {
  kern::SwcList tree;  // sorted (ids in order, parents before children), resampled every 10
  int thresholdUsed = 0;
  bool autoThreshold = false;
};

// Returns an empty tree when APP2 keeps nothing. Radii are left as hierarchical pruning set them:
// TReMAP overwrites every radius, so APP2's final re-estimation would change nothing downstream.
ProjectionApp2Result traceProjectionApp2(const uint8_t* img, const kern::Dims& d, const ProjectionApp2Options& o,
                                         const kern::Checkpoint& cp);

}  // namespace nt::tremap
