// The meanshift tracer's connection stage (card meanshift.md steps 6-8): greedy "sphere model"
// walks between node pairs, a dense Prim spanning tree weighted by walk length (or straight
// distance when the walk fails, quirk M3), and the walks written into the tree (quirk M4).
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"
#include "kernels/swc_tools.h"

namespace nt::ms {

// A walk from a towards b: each step looks at the non-zero voxels within `radius` of the
// current voxel (x, then y, then z innermost, inside the image), keeps those in front of the
// current voxel (positive cosine with b - c) or, when there are none, those behind, and moves to
// the one closest to b. It succeeds when b is within `radius` of the current voxel before
// `maxSteps` moves; it fails when the sphere holds no usable voxel or the steps run out.
class SphereWalker {
 public:
  SphereWalker(const uint8_t* img, const kern::Dims& d, double radius = 2.0, int maxSteps = 100);
  // True when the walk reaches b; `path` (if given) receives a .. b (only meaningful on success).
  bool walk(int64_t a, int64_t b, std::vector<int64_t>* path) const;
  // The polyline length of a successful walk, -1 when it fails, +infinity as soon as the length
  // is sure to exceed `budget` (the walk is then abandoned).
  double length(int64_t a, int64_t b, double budget) const;
  // The farthest target a walk can reach.
  double reach() const { return radius_ * maxSteps_; }

 private:
  struct Off { int dx, dy, dz; };
  // Runs the walk, calling step(x, y, z) for every voxel after a (b included on success); a
  // false return abandons the walk (reported as failure).
  template <class Step>
  bool run(int64_t a, int64_t b, Step&& step) const;
  const uint8_t* img_;
  kern::Dims d_;
  double radius_;
  int maxSteps_;
  std::vector<Off> sphere_;
};

// How the spanning tree treats pairs whose walk fails (quirk M3).
enum class Unreachable { Straight, NoEdge };

struct ConnectOptions {
  Unreachable unreachable = Unreachable::Straight;
  int threads = 0;
};

struct Connection {
  kern::SwcList tree;        // voxel coordinates, parent indices; sorted (sort_swc) after the fill
  size_t kept = 0;           // Q nodes with at least one successful outgoing walk
  size_t mstEdges = 0;
  size_t pathsFilled = 0;    // spanning-tree edges replaced by their walk
  size_t walks = 0;          // walks evaluated
  double msReach = 0, msTree = 0, msFill = 0;
};

// Steps 6-8 on the node list Q (voxel indices, in the original's order).
Connection connectNodes(const SphereWalker& walker, const kern::Dims& d, const std::vector<int64_t>& q,
                        const ConnectOptions& o, const kern::Checkpoint& cp);

}  // namespace nt::ms
