// The growing Rivulet2 reconstruction: the soma node (id 0) plus branches appended as
// consecutive ids, nearest-node matching for branch merges, and the optional pruning.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tracers/rivulet_branch.h"
#include "tracers/rivulet_geometry.h"

namespace nt {
namespace rivulet {

struct SwcNode {
  int id;
  int type;
  PointF p;
  float radius;
  int pid;  // -1 root (soma), -2 head of a branch that attached to nothing
};

class Swc {
 public:
  explicit Swc(const SwcNode& soma);

  const std::vector<SwcNode>& nodes() const { return nodes_; }
  size_t size() const { return nodes_.size(); }

  // Index of the node closest to p (first one on ties) if p lies within that node's radius or
  // within `radius`; -2 otherwise.
  int64_t match(const PointF& p, float radius) const;

  // Appends a branch (tail first, head last) with the given type; its head's parent is
  // `connectId` when >= 0, else -2. Branches with fewer than 5 points are dropped. Then, if the
  // branch tail lands on an unattached head, that head is re-parented to the tail.
  // Returns false when the branch was too short.
  bool addBranch(const Branch& b, int connectId, int type);

  // Keeps the component of the soma, then removes every leaf chain (leaf up to, not
  // including, the first node with more than one child) shorter than 5 voxels.
  void prune();

 private:
  std::vector<SwcNode> nodes_;
  // Spatial buckets for match(): the nearest node must lie within max(radius, the largest
  // node radius), so only those cells are scanned. Indices stay valid until prune().
  static constexpr float kCell = 8;
  std::unordered_map<uint64_t, std::vector<int32_t>> cells_;
  float maxNodeRadius_ = 0;

  static int64_t cellOf(float v) { return static_cast<int64_t>(std::floor(v / kCell)); }
  static uint64_t cellKey(int64_t cx, int64_t cy, int64_t cz);
  void append(const SwcNode& n);
  bool reaches(int fromIndex, int targetIndex) const;
  void pruneUnreached();
  void pruneLeaves();
};

}  // namespace rivulet
}  // namespace nt
