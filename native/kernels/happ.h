// K3: APP2's hierarchical pruning ("happ") of a fast-marching tree, on the 8-bit image I:
//  1. segments: each node keeps the largest "intensity length" (sum of I/255 along the path
//     from a leaf below it, ties to the later leaf) and the leaf achieving it; each leaf owns
//     the chain where it wins, giving a partition into segments with a length and parent segment;
//  2. segments shorter than lengthThresh are dropped;
//  3. dark leaves (I <= bkgThresh) are trimmed repeatedly;
//  4. segments with leaf == top, mean I <= bkgThresh or >= 20 % dark nodes are deleted;
//  5. node radius = markerRadiusXY(I, node, max(40, bkgThresh));
//  6. coverage pruning in descending length: a segment whose parent segment was accepted is
//     accepted when it has no parent, no redundant intensity, or signal/redundant >= srRatio with
//     signal >= tMax; accepted balls are erased from a working copy of I;
//  7. leaf pruning (leaf ball >= 90 % inside its parent's ball) and 8. joint leaf pruning (leaf
//     ball intensity >= 90 % covered by other balls), both repeated until nothing changes;
//  9. optional Gauss-Seidel smoothing of each segment (window 5, weights 1 2 3 2 1, ends fixed);
// 10. output segment by segment (leaf to top) with the length heat-map type 20..274.
// The working copy and the coverage mask are sparse (brick maps), so cost follows the tree.
// Inside solid foreground (every node deep in it, radii up to half the image) the same results
// come cheaply: step 1 is one children-first pass instead of a walk from every leaf, step 5
// skips rings that cannot stop (RadiusEstimatorXY), and the ball loops of steps 6-8 work on
// whole x runs of each ball row and whole brick spans of the maps.
#pragma once
#include <cstdint>

#include "kernels/common.h"
#include "kernels/swc_tools.h"

namespace nt::kern {

struct HappOptions {
  double bkgThresh = 10;
  double lengthThresh = 2;
  double srRatio = 1.0 / 9.0;
  // Minimum signal for accepting a child segment. APP2 computes 1 << sizeof(T), i.e. 2 for
  // 8-bit data where 256 was probably meant (quirk Q2); kept as a parameter.
  double tMax = 2;
  // APP2 iterates its stale length-ordered list in coverage pruning, so segments deleted as dark
  // come back there with radius 0 (quirk Q1). false = only surviving segments are considered.
  bool keepDeletedSegments = true;
  bool smooth = true;
};

struct HappStats {
  size_t segments = 0, afterLength = 0, afterDark = 0, afterCoverage = 0, afterLeaf = 0, afterJoint = 0;
};

// tree: node coordinates are voxel positions of img (as the fast-marching tree gives them);
// parent is an index (-1 root). Output parents: index, -1 for the root, kDanglingParent when
// the parent node was pruned (APP2 writes parent id 0 for those).
SwcList happ(const SwcList& tree, const uint8_t* img, const Dims& d, const HappOptions& o, HappStats* stats = nullptr,
             const Checkpoint& cp = {});

}  // namespace nt::kern
