// FMST steps 8-15: spanning tree of every connected component, a spanning tree over those
// trees, re-rooting at the widest node, spur removal, segment typing and smoothing, and
// short-segment pruning.
#pragma once
#include "core/volume.h"
#include "core/trace_worker.h"
#include "tracers/fmst_graph.h"

namespace nt::fmst {

// Returns the reconstruction in output order (pre-order from the root; parents first) with
// 0-based voxel coordinates, radius = r - 0.5 and type = segment counter (2, 3, ...).
NativeTree assembleTree(const NodeGraph& g, const TraceContext& ctx, double progressFrom, double progressTo);

}  // namespace nt::fmst
