// K10: exact Euclidean distance transform of a binary image (Felzenszwalb & Huttenlocher,
// "Distance transforms of sampled functions", Theory of Computing 8, 2012): separable passes of
// the 1-D lower envelope of parabolas, so each pass is linear in the row length and the result is
// the true distance, not a chamfer approximation. Used by app1 (its corrected "distance map") and
// open to any tracer that needs the distance of a foreground voxel to the nearest background.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

// Foreground voxels (mask != 0) get their distance to the nearest background voxel (mask == 0)
// of the same z slice (planar) or of the whole volume; background voxels get 0. Distances are in
// voxel units (isotropic). Foreground with no background in reach gets kEdtInfinity.
constexpr float kEdtInfinity = 3.0e38f;

// Squared distances, x fastest.
std::vector<float> edtSquared(const uint8_t* mask, const Dims& d, bool planar, const Checkpoint& cp = {});

// Distances (square roots of edtSquared; kEdtInfinity stays kEdtInfinity).
std::vector<float> edt(const uint8_t* mask, const Dims& d, bool planar, const Checkpoint& cp = {});

}  // namespace nt::kern
