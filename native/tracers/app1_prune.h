// APP1's pruning rules (app1.md steps 4.3–4.5, 5, 6, 9), each one pass or fixed point of the
// original function of the same name in visiocyteneuron_gd_tracing.cpp, ending with the list
// clean-up (deleted nodes dropped, ids renumbered). Each returns the number it counted as pruned,
// which drives the convergence tests of the main loop.
#pragma once
#include <cstdint>

#include "tracers/app1_geometry.h"
#include "tracers/app1_tree.h"

namespace nt::app1 {

// pruning_covered_leaf_single_cover: passes over the leaves until one deletes nothing; a leaf
// goes when, among its first 10 ancestors, one contains its ball (d + r_leaf <= r_anc) or holds
// more than 90 % of its ball intensity. Isolated nodes (no parent) go too.
int64_t pruneSingleCover(Tree& t, const Context& c);

// pruning_covered_leaf_multi_covers: for every node centre voxel, the nodes whose cover region
// reaches it, largest radius first; a leaf goes when its largest coverer (not itself, not
// deleted) contains its ball, or the other coverers' balls hold more than 90 % of its intensity.
int64_t pruneMultiCover(Tree& t, const Context& c);

// pruning_internodes: from every leaf and branch node towards the root, a single-child parent
// goes (and the walk re-links to the grandparent) when it lies inside the current node's ball or
// more than 10 % of its ball intensity lies inside it.
int64_t pruneInternodes(Tree& t, const Context& c);

// pruning_branch_nodes, one pass: a branch node whose child overlaps it by more than 90 %
// (and touches it) merges into that child, which takes its place.
int64_t pruneBranchNodes(Tree& t, const Context& c);

// pruning_artifacial_branches: from each leaf towards the root, squared lengths of edges whose
// mean intensity is below visibleThresh accumulate; at the next bright edge, an accumulated
// value above 30 deletes the nodes walked so far, otherwise the sum restarts. Repeats until a
// pass deletes nothing.
int64_t pruneArtefactBranches(Tree& t, const Context& c, double visibleThresh);

}  // namespace nt::app1
