// SmartTracing steps 2-3 (topology_analysis_perturb_intense with score type 1, getTrainingSample).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/common.h"
#include "kernels/swc_tools.h"

namespace nt::smart {

// The original's mask bounds test checks z against the y size (quirk ST1). Faithful mode keeps
// that test, so a voxel past the last row wraps into the next slice as the original's linear
// index does (writes past the end of the volume are dropped instead of corrupting memory);
// clean mode tests y.
enum class MaskBounds { Quirk, Fixed };

// Calls fn(linear index) for every voxel of the balls the original paints along the edge from
// node a to its parent b: centres every 0.4 voxel from a (inclusive) towards b (exclusive),
// radius factor * the interpolated node radius, integer offsets (dx, dy, dz) with
// dx^2 + dy^2 + dz^2 <= rf^2 within +-int(rf + 0.5), voxel = int(centre + offset) (truncation).
template <class Fn>
void forEdgeBalls(const kern::Dims& d, const kern::SwcList& t, int32_t a, int32_t b, double factor, MaskBounds mb,
                  Fn&& fn);

struct ScoreStats {
  int segments = 0;   // all segments
  int perturbed = 0;  // segments with a parent node (or of >= 2 nodes) that were re-linked
  int unlinked = 0;   // re-links the fast-marching linker could not make
  int64_t marched = 0; // voxels the final linker searches took off their heaps
  int walled = 0;      // segments whose detour is the best inside their search box, not the image's
};

// One score per node: segments run from a tip or branch node up through single-child nodes; for
// each, a working copy of the image is zeroed inside balls of 2 r along the segment and the edge
// to its parent node, the APP2 fast-marching linker (cnn 2) joins the segment's first node to
// that parent node in the masked copy, the mask is undone, and every node of the segment gets
// (length-weighted mean original intensity along the new path) / (same along the segment).
// A single-node segment without a parent scores 1.
// confine = false searches the whole image every time (the original's cost; for tests).
// progress(done, total) is called after each segment.
std::vector<double> perturbationScores(const uint8_t* img, const kern::Dims& d, const kern::SwcList& tree,
                                       MaskBounds mb, ScoreStats* stats, const kern::Checkpoint& cp,
                                       bool confine = true,
                                       const std::function<void(int, int)>& progress = {});

struct Samples {
  std::vector<int64_t> positive, negative;  // voxel indices in raster order
  double scoreThreshUsed = 0;
  int64_t positiveCount = 0, negativeCount = 0;  // the original's paint counters
};

// Step 3: label 2 within 2 r of every edge; around each reliable edge (both end scores <= the
// threshold) label 1 within 0.7 r and label 3 within 3 r where still 0; then every k-th voxel of
// each label in raster order, k = count / min(#positive, #negative, maxPerClass) with the
// original's counters. The threshold rises to (lowest edge score) + 1e-6 when it is below every
// edge's score.
Samples trainingSamples(const kern::Dims& d, const kern::SwcList& tree, const std::vector<double>& scores,
                        double scoreThresh, int64_t maxPerClass, MaskBounds mb, const kern::Checkpoint& cp);

}  // namespace nt::smart

#include <cmath>

namespace nt::smart {

// One ball of the original's painting loops around the centre (xf, yf, zf) with radius rf.
template <class Fn>
void forBall(const kern::Dims& d, double xf, double yf, double zf, double rf, MaskBounds mb, Fn&& fn) {
  const int64_t total = d.voxels();
  const int ri = static_cast<int>(rf + 0.5);
  for (int dx = -ri; dx <= ri; ++dx)
    for (int dy = -ri; dy <= ri; ++dy)
      for (int dz = -ri; dz <= ri; ++dz) {
        if (dx * dx + dy * dy + dz * dz > rf * rf) continue;
        const int64_t xi = static_cast<int>(xf + dx), yi = static_cast<int>(yf + dy), zi = static_cast<int>(zf + dz);
        if (xi < 0 || xi >= d.nx) continue;
        if (yi < 0 || (mb == MaskBounds::Quirk ? zi >= d.ny : yi >= d.ny)) continue;
        if (zi < 0 || zi >= d.nz) continue;
        const int64_t idx = xi + yi * d.nx + zi * d.nx * d.ny;
        if (idx < total) fn(idx);
      }
}

// Centres every 0.4 voxel from node a (inclusive) towards b (exclusive); fn(centre, radius).
template <class Fn>
void forEdgeSteps(const kern::SwcList& t, int32_t a, int32_t b, Fn&& fn) {
  const double xv = t.x[b] - t.x[a], yv = t.y[b] - t.y[a], zv = t.z[b] - t.z[a], rv = t.radius[b] - t.radius[a];
  const double len = std::sqrt(xv * xv + yv * yv + zv * zv);
  for (double acc = 0; acc < len; acc += 0.4)
    fn(t.x[a] + xv * acc / len, t.y[a] + yv * acc / len, t.z[a] + zv * acc / len, t.radius[a] + rv * acc / len);
}

template <class Fn>
void forEdgeBalls(const kern::Dims& d, const kern::SwcList& t, int32_t a, int32_t b, double factor, MaskBounds mb,
                  Fn&& fn) {
  forEdgeSteps(t, a, b, [&](double x, double y, double z, double r) { forBall(d, x, y, z, r * factor, mb, fn); });
}

}  // namespace nt::smart
