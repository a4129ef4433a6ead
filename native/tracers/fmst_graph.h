// FMST steps 1-7: foreground voxels become graph nodes, each gets an in-slice radius, nodes
// inside bigger balls are thinned away (their links handed to the ball's centre), weakly
// supported nodes are pruned, and every remaining link gets a weight.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/trace_worker.h"
#include "kernels/mst.h"

namespace nt::fmst {

enum class EdgeWeight {
  Chebyshev,  // the bench behaviour (quirk F1): 1024 x max(|dx|,|dy|,|dz|)
  Geodesic,   // the intended cost: bounding-box Dijkstra, 1/r inside the foreground, 1024 outside
};

struct Options {
  int threshold = 30;      // foreground: intensity strictly above this
  double coverRate = 1.0;  // cover pruning removes a node whose cube is covered twice at this fraction
  EdgeWeight weight = EdgeWeight::Chebyshev;
};

// The weighted node graph handed to the spanning-tree stage. Nodes are the surviving foreground
// voxels in raster order (so node index order is the original's voxel-key order).
struct NodeGraph {
  std::vector<int32_t> x, y, z;  // voxel coordinates
  std::vector<int32_t> radius;   // in-slice chessboard radius (step 3)
  std::vector<double> cover;     // double-cover fraction from step 5
  kern::WeightedGraph links;        // neighbours ascending by node index, with weights
  // Counts for the run's meta block.
  int64_t foreground = 0, afterThinning = 0, afterCover = 0;
  size_t size() const { return x.size(); }
};

// Steps 1-7 on a uint8 volume. ctx: cancellation and progress (fractions from..to).
NodeGraph buildNodeGraph(const uint8_t* img, int64_t nx, int64_t ny, int64_t nz, const Options& opt,
                         const TraceContext& ctx, double progressFrom, double progressTo);

}  // namespace nt::fmst
