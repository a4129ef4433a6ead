// K6: SWC utilities shared by the tracers: the node-list representation, Vaa3D's sort_swc
// (merge identical coordinates, depth-first renumbering, optional linking of pieces) and
// resample_swc (re-spacing unbranched paths by arc length).
#pragma once
#include <cstdint>
#include <vector>

#include "core/volume.h"
#include "kernels/common.h"

namespace nt::kern {

// Parent of a node whose parent was removed by an earlier stage: the original writers emit
// parent id 0 for it, which no node has, so such a node starts a separate piece but is never
// taken as "the first root".
constexpr int32_t kDanglingParent = -2;

// A reconstruction as parallel arrays; parent is an index into the same arrays, -1 for a root.
struct SwcList {
  std::vector<double> x, y, z, radius;
  std::vector<int32_t> type, parent;
  size_t size() const { return x.size(); }
  int32_t add(double px, double py, double pz, double r, int32_t t, int32_t p) {
    x.push_back(px); y.push_back(py); z.push_back(pz); radius.push_back(r); type.push_back(t); parent.push_back(p);
    return static_cast<int32_t>(x.size() - 1);
  }
};

// sort_swc: nodes with identical x, y, z become one (the first occurrence's radius and type);
// the first node with parent -1 roots a depth-first traversal that always descends into the
// first unvisited neighbour (neighbours in the order the parent links list them). Each node's
// parent is its earliest-visited neighbour, so parents precede children and ids are 1..N in the
// returned order. Remaining pieces follow, each rooted at its lowest merged id.
// linkThresh > 0: pieces are then joined greedily to the growing first piece through their
// closest node pair when that pair is within linkThresh (Euclidean); a piece that is too far
// stays separate, rooted at its node closest to the first piece. linkThresh <= 0: no links.
SwcList sortSwc(const SwcList& in, double linkThresh = 0);

// resample_swc: every unbranched path (from a tip or branch node up to the next branch node or
// the root) is replaced by points every `step` of arc length, interpolating position and radius
// (r_child (1 - a) + r_parent a); a new point takes the type of the child end of its edge. Tip, branch
// and root nodes are kept. Output parents are indices, -1 for roots.
SwcList resampleSwc(const SwcList& in, double step);

// The list as a tracer returns it: the columns moved out of `t`, and every negative parent (a
// root, or a node whose parent an earlier stage removed) written as -1. Metadata is left empty.
NativeTree toNativeTree(SwcList&& t);

}  // namespace nt::kern
