// Node geometry for APP1 (app1.md, steps 4.1, 4.2, 7 and the measurements the pruning rules
// use): ring radii, leaf condensing, the graph-order smoothing pass, ball-overlap ratios and the
// mean intensity along an edge. Each follows the sampling of Vaa3D's APP1 (gd.cpp,
// calculate_cover_scores.cpp, visiocyteneuron_gd_tracing.cpp) because the pruning thresholds
// (0.9, 0.1, 30) were tuned on exactly these numbers.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/gd.h"
#include "tracers/app1_tree.h"

namespace nt::app1 {

struct Context {
  gd::ImageU8 img;
  double zThickness = 1;   // trace_z_thickness: z length of a graph edge, z reach of overlap balls
  gd::ImageStats stats;    // whole-image mean and population std (ring-radius threshold mean + std)
  // Per voxel, what the leaf-condensing search radius is derived from: the distance to the
  // background when set; null reproduces quirk A1 (the original overwrote its distance map with
  // the square root of the intensity).
  const float* dmap = nullptr;
  bool coverCubeQuirk = true;   // A3: multi-cover coverage test d > r^2 instead of d > r
  std::function<void()> poll;   // cancellation checkpoint
};

// fit_radius_and_position without moving: every node gets the XY ring radius against
// mean + std; a list of fewer than two nodes is left alone, as in the original.
void fitRadii(Tree& t, const Context& c);

// condense_branches: every leaf (not the root) moves to the intensity centroid (voxels > 0) of a
// ball of radius max(1, 10 - dmap(leaf)), repeated until a move is shorter than one voxel.
// Returns how many leaves stopped at the iteration cap (the original had none; see app1.cc).
int64_t condenseLeaves(Tree& t, const Context& c);

// proj_trace_smooth_traced_neuron: one pass of point_bdb_minus_3d_localwinmass_prior_withGraphOrder
// (f_length 0.1, f_prior 0.2, image force = centroid of a sphere of twice the 3-D ring radius);
// nodes with fewer than two graph neighbours stay put.
void smoothGraphOrder(Tree& t, const Context& c);

// calculate_overlapping_ratio_n1(n1, n2): share of n1's ball intensity inside n2's ball (n1's
// ball reaches R/zThickness slices up and down). 1 when n1's ball holds no intensity.
double overlapRatio(const Node& n1, const Node& n2, const Context& c);

// The multi-cover form: share of n1's ball intensity inside the ball of any listed, not deleted
// node other than n1 (z reach not scaled). 0 when the list names no other node.
double overlapRatioCovers(const Node& n1, const Tree& t, const std::vector<int64_t>& coverIds, const Context& c);

// computeEdgeMeanVal: mean of the nearest-voxel intensities sampled at unit steps from a towards
// b (positions inside the image only); the value at a when a and b coincide.
double edgeMean(const Node& a, const Node& b, const gd::ImageU8& img);

}  // namespace nt::app1
