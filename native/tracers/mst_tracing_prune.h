// MST_Tracing step 6 (post_process): drop short leaf chains.
#pragma once
#include "kernels/swc_tools.h"

namespace nt {
namespace mst {

// For every leaf, count the nodes above it up to the first node with two or more children (or
// past the root); when fewer than `minChain`, delete the leaf and those nodes (never the branch
// node). Child counts are taken once, before any deletion, as in the original. A node that is
// both leaf and root (isolated) made the original index out of range; it is deleted.
// `in` must be parent-before-child; the result keeps the order with parents re-indexed.
kern::SwcList pruneShortLeafChains(const kern::SwcList& in, int minChain);

}  // namespace mst
}  // namespace nt
