// nctuTW's tip selection (nctuTW_GD.md step A5, DT_Tracing_Ver2): skeleton endpoints, a path
// search from the soma over the repaired image, and a greedy choice of tips by path length with
// covered-box suppression. The tips become GD's targets.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"
#include "tracers/nctutw_gd_prep.h"

namespace nt::nctutw {

// Endpoint3D: a skeleton voxel is an endpoint when, in one of nine fixed 4-neighbourhoods through
// it (read in the original's order and with its bounds tests, which let a few reads run past a
// row or slice end), exactly one neighbour is set. rowQuirk (N4): after an endpoint the rest of
// its image row is skipped, as the original's break did.
std::vector<Voxel> skeletonEndpoints3d(const uint8_t* K, const kern::Dims& d, bool rowQuirk);

// BranchPoint2D_Iter2D: skeleton pixels with 3 or 4 set 8-neighbours in one of the original's
// junction patterns, per slice, in raster order (a pixel matching several patterns is listed
// once per pattern). Pattern tests that read past the 8-neighbour table count as unset.
std::vector<Voxel> branchPoints2d(const uint8_t* K, const kern::Dims& d);

// The tip finder's path search over the repaired image Rp (26-adjacency, step cost
// exp(−(√(0.32(dx²+dy²)+dz²) + costDT))) from source: per voxel, the voxel index of its
// predecessor (the source is its own), -1 where the search never set one (not in Rp, or never
// queued). searchQuirk: the original's label-correcting pass (N2), whose exploration through the
// linear index marks a voxel past a row or slice end visited without queueing it; so in a solid
// block the x = 0 face (or the x = W−1 face, whichever the search gets to second) is never reached.
std::vector<int64_t> searchPredecessors(const uint8_t* Rp, const uint8_t* costDT, const kern::Dims& d, const Voxel& source,
                                        bool searchQuirk, const kern::Checkpoint& cp);

struct TipOptions {
  double award = 10;         // Ita: cost bonus painted around 2-D branch points
  double removeRatio = 0.2;  // endpoints whose path is at most this share of the longest are dropped
  bool searchQuirk = true;   // N2: the original's label-correcting search (else a true Dijkstra)
  bool rowQuirk = true;      // N4
};

struct TipSelection {
  bool ok = false;            // false: no skeleton voxel to start from
  Voxel source;               // skeleton voxel nearest to the soma
  std::vector<Voxel> tips;    // first point of each recorded path
  int64_t endpoints = 0, reachable = 0, candidates = 0, branchPoints = 0, graphNodes = 0;
};

// G: the grey-thresholded image, K: skeleton of Rp, Rp: repaired image, costDT: per-slice distance
// map of G (modified: the branch-point award is added in place).
TipSelection selectTips(const uint8_t* K, const uint8_t* Rp, uint8_t* costDT, const kern::Dims& d, const Voxel& soma,
                        double avgR, const TipOptions& opt, const kern::Checkpoint& cp);

}  // namespace nt::nctutw
