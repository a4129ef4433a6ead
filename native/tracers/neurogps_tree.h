// NeuroGPS-Tree steps 7-8: curves → separate trees → SWC-style nodes.
#pragma once
#include <vector>

#include "core/volume.h"
#include "tracers/neurogps_types.h"

namespace nt::gps {

// ClusterCurvesByConnectInfo: curves are connected when their {head link, tail link, own id}
// sets share a non-zero id; returns the connected groups (0-based curve indices) in breadth-first
// order from each group's lowest index, groups ordered by that index.
std::vector<std::vector<int>> clusterCurves(const std::vector<Link>& links);

// The trees NeuroTreeCluster keeps without somas: every group except those with fewer than 3
// curves and fewer than 20 nodes in total.
std::vector<std::vector<int>> keptTrees(const std::vector<std::vector<int>>& groups, const std::vector<Curve>& curves);

struct WriteScale { double x = 1, y = 1, z = 1; };

// TreeWriter for one tree: curve ends closer than 1.0 to another curve link the two; a
// breadth-first tree from the group's first curve orders the curves, each attached to its parent
// curve at the nearest node (head link, tail link, or the parent's end touching the child's
// middle, which splits the child there). Nodes are appended to out with coordinates ×scale, the
// internal radius, type 0. Curves the breadth-first search never reaches are left out (the
// original wrote them as nodes at the origin). Returns the number of nodes written.
size_t writeTree(const std::vector<Curve>& treeCurves, const WriteScale& scale, NativeTree& out);

}  // namespace nt::gps
