// The node list APP1 prunes (Vaa3D's vector<V_NeuronSWC_unit>), with the original's id
// bookkeeping: nodes carry ids 1..n in list order between clean-ups, a parent id (-1 for a root),
// and a child counter that doubles as the deletion mark (nchild < 0).
//
// The pruning rules decide on these counters, so how the original kept them is part of the
// method's behaviour. Its id -> row look-ups went through std::map::operator[], which answers 0
// for an id it does not hold: the root's parent (-1) and a removed parent (renumbered to 0) both
// resolve to the first list row. That gives the first row a phantom child from the start and
// lets dangling nodes act on it. rowZeroQuirk keeps this (the BigNeuron variant); without it a
// missing parent is no parent at all and dangling nodes become roots.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

namespace nt::app1 {

struct Node {
  double x = 0, y = 0, z = 0, r = 0;
  int64_t n = 0;        // id
  int64_t parent = -1;  // parent id; -1 root; 0 dangling (quirk mode only)
  int64_t nchild = 0;   // child counter; < 0 marks the node for deletion
};

inline double dist2(const Node& a, const Node& b) {
  const double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return dx * dx + dy * dy + dz * dz;
}
inline double dist(const Node& a, const Node& b) { return std::sqrt(dist2(a, b)); }

class Tree {
 public:
  std::vector<Node> u;
  bool rowZeroQuirk = true;

  int64_t size() const { return static_cast<int64_t>(u.size()); }
  // Row of node id `id`; ids are 1..size() in row order at the start of every pruning step and
  // deleted nodes keep their rows until rearrange(). Missing ids: row 0 (quirk) or -1.
  int64_t row(int64_t id) const {
    if (id >= 1 && id <= size()) return id - 1;
    return rowZeroQuirk && !u.empty() ? 0 : -1;
  }
  // Row of a node's parent, -1 for a root (parent id < 0).
  int64_t parentRow(const Node& a) const { return a.parent < 0 ? -1 : row(a.parent); }

  // rearrange_and_remove_labeled_deletion_nodes_mmUnit: drop nodes with nchild < 0, renumber the
  // rest 1..m in list order and re-point parents; a parent that was dropped becomes 0 (quirk) or
  // -1. Child counters are carried over as they are, not recounted.
  void rearrange() {
    std::vector<int64_t> newId(u.size() + 1, 0);
    int64_t m = 0;
    for (size_t j = 0; j < u.size(); ++j)
      if (u[j].nchild >= 0) newId[j + 1] = ++m;
    std::vector<Node> out;
    out.reserve(static_cast<size_t>(m));
    for (size_t j = 0; j < u.size(); ++j) {
      if (u[j].nchild < 0) continue;
      Node a = u[j];
      a.n = newId[j + 1];
      if (a.parent >= 0) {
        const int64_t p = (a.parent >= 1 && a.parent <= size()) ? newId[a.parent] : 0;
        a.parent = p > 0 ? p : (rowZeroQuirk ? 0 : -1);
      }
      out.push_back(a);
    }
    u.swap(out);
  }
};

}  // namespace nt::app1
