// Nearest-node merge of two reconstructions ("Combining" in the NTUST ensemble tracers, ENT.md
// step 5 and EnsembleNeuronTracer.md step 6):
//  1. the result starts as `main`, unchanged;
//  2. each node of `add`, in order, is dropped when its nearest main node lies within
//     dropDistance (the nearest is searched with a running minimum that starts at 1000, so only
//     distances below 1000 count), otherwise it is appended;
//  3. each appended node whose parent was not appended (add's roots, nodes whose parent was
//     dropped, nodes whose parent was pruned earlier) is re-attached to its nearest result node
//     other than itself (first minimum in result order; index 0 when nothing is nearer than 1000).
// Fix: the original re-attaches blindly, so an orphan often takes its own child (or another
// descendant) as parent and its piece becomes a parent cycle with no root. Such an orphan stays
// the root of its piece instead; when the nearest node was its child this draws exactly the edges
// the original wrote.
// Nearest-node searches use a k-d tree with the brute-force scan's distance expression and
// tie rule, so the outcome equals the quadratic original.
#pragma once
#include <cstddef>

#include "kernels/common.h"
#include "kernels/swc_tools.h"

namespace nt::kern {

struct CombineStats {
  size_t dropped = 0, appended = 0, orphans = 0, relinked = 0, keptAsRoot = 0;
};

// Parents in main and add: index, -1 for a root, kDanglingParent for a pruned parent. Main's
// parents are copied as they are; appended nodes get an index or -1.
SwcList combineTraces(const SwcList& main, const SwcList& add, double dropDistance, CombineStats* stats = nullptr,
                      const Checkpoint& cp = {});

}  // namespace nt::kern
