// The meanshift tracer's node set (card meanshift.md steps 3-5): modes that cover each other
// are merged, every surviving mode collects the voxels that climbed to it or to a mode it
// covered, and each such cluster is thinned so that no two kept members overlap.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"
#include "kernels/meanshift.h"
#include "tracers/meanshift_balls.h"

namespace nt::ms {

struct MergedRoots {
  std::vector<Ball> roots;        // every mode with its radius, in discovery order
  std::vector<int32_t> coveredBy; // per mode: the surviving mode that covered it, or itself
  std::vector<int32_t> survivors; // surviving modes in discovery order
};

// Step 3: radius = markerRadiusXY(I, mode, 20); in discovery order, a mode not yet covered
// covers every other uncovered mode within primDistance * (r1 + r2).
MergedRoots mergeRoots(const uint8_t* img, const kern::Dims& d, const std::vector<int64_t>& modes, double primDistance,
                       int threads, const kern::Checkpoint& cp);

struct ClusterNodes {
  std::vector<int64_t> nodes;  // P: kept members, clusters in ascending root voxel order, members ascending
  size_t members = 0;          // members before thinning
  size_t clusters = 0;
};

// Steps 4-5: clusters of the surviving modes, thinned by the same coverage rule (member radius
// markerRadiusXY(I, v, 20), ascending voxel order; surviving modes are never removed).
ClusterNodes thinClusters(const uint8_t* img, const kern::Dims& d, const kern::MeanShiftModes& modes, const MergedRoots& mr,
                          double primDistance, int threads, const kern::Checkpoint& cp);

}  // namespace nt::ms
