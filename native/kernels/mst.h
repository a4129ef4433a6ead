// Minimum spanning trees (kernel K9): a dense O(n²) Prim for complete graphs that reproduces
// the tie-breaking of the O(n³) scan the BigNeuron tracers used (meanshift, MST_Tracing,
// RegMST, NeuroStalker), and a heap Prim that grows a forest over a sparse graph (FMST).
//
// Both return the same shape: parent[i] (-1 for a root or an unreached node) plus the order in
// which nodes joined, so callers can list nodes "in Prim order" as the originals wrote them.
// `poll` (optional) is called every few hundred steps; a core passes its cancellation check.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

struct SpanningForest {
  std::vector<int32_t> parent;  // -1: a root, or a node no tree reached (see order)
  std::vector<int32_t> order;   // nodes in the order they joined; roots start their tree
  std::vector<int32_t> roots;   // roots in creation order (one per tree)
};

// Which (tree node i, candidate j) pair wins among equal costs in the original O(n³) scans:
//  TreeMajor:      `for i in tree { for j not in tree { if (w[i][j] < best) ... } }` → lowest i, then j
//  CandidateMajor: `for j not in tree { for i in tree { ... } }`                     → lowest j, then i
enum class PrimTies { TreeMajor, CandidateMajor };

struct PrimOptions {
  int32_t root = 0;
  // An edge can be used only when its cost is strictly below this (the originals' INF sentinels:
  // 1e29 in MST_Tracing, 1e9 in RegMST). Nodes with no usable edge to the tree stay unreached.
  double limit = std::numeric_limits<double>::infinity();
  PrimTies ties = PrimTies::TreeMajor;
};

// Dense Prim on the complete graph given by cost(i, j) (i already in the tree, j a candidate),
// O(n²) evaluations and O(n) memory. It returns exactly the tree of the O(n³) scan with strict
// `<` comparisons, including its tie-breaking. lowerBound(i, j), when given, must never exceed
// cost(i, j); pairs whose bound already exceeds j's best cost are skipped without evaluating
// cost (a large saving when cost is expensive, e.g. a distance between point sets).
template <class Cost, class Bound>
SpanningForest densePrim(size_t n, Cost&& cost, const PrimOptions& opt, Bound&& lowerBound,
                         const Checkpoint& poll = {}) {
  SpanningForest out;
  out.parent.assign(n, -1);
  if (n == 0) return out;
  if (opt.root < 0 || static_cast<size_t>(opt.root) >= n) return out;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> best(n, inf);
  std::vector<int32_t> from(n, -1);
  std::vector<char> inTree(n, 0);
  out.order.reserve(n);
  int32_t added = opt.root;
  inTree[added] = 1;
  out.order.push_back(added);
  out.roots.push_back(added);
  for (size_t step = 1; step < n; ++step) {
    if (poll && (step & 255) == 0) poll();
    // Fold the newest tree node into every candidate's best edge. Among equal costs the lower
    // tree index wins in both scan orders, whatever order the tree nodes joined in.
    for (size_t j = 0; j < n; ++j) {
      if (inTree[j]) continue;
      if (lowerBound(added, static_cast<int32_t>(j)) > best[j]) continue;
      const double w = cost(added, static_cast<int32_t>(j));
      if (!(w < opt.limit)) continue;
      if (w < best[j] || (w == best[j] && added < from[j])) { best[j] = w; from[j] = added; }
    }
    int32_t pick = -1;
    for (size_t j = 0; j < n; ++j) {
      if (inTree[j] || from[j] < 0) continue;
      if (pick < 0 || best[j] < best[pick] ||
          (best[j] == best[pick] && opt.ties == PrimTies::TreeMajor && from[j] < from[pick])) {
        pick = static_cast<int32_t>(j);
      }
    }
    if (pick < 0) break;  // the rest is unreachable through usable edges
    inTree[pick] = 1;
    out.parent[pick] = from[pick];
    out.order.push_back(pick);
    added = pick;
  }
  return out;
}

template <class Cost>
SpanningForest densePrim(size_t n, Cost&& cost, const PrimOptions& opt = {}) {
  return densePrim(n, cost, opt, [](int32_t, int32_t) { return -std::numeric_limits<double>::infinity(); });
}

// Row-major n×n matrix: w[i*n + j] is the cost of joining candidate j from tree node i.
SpanningForest densePrimMatrix(const double* w, size_t n, const PrimOptions& opt = {});

// Points xyz[3k..3k+2]; cost = Euclidean distance, or its square (NeuroStalker's matrix).
SpanningForest euclideanPrim(const double* xyz, size_t n, bool squared, const PrimOptions& opt = {});

// An undirected graph in adjacency form: the neighbours of node i are target[offset[i] ..
// offset[i+1]) with the matching weight; every edge appears in both endpoints' lists. The
// order inside a list is the order the edges are offered to the heap.
struct WeightedGraph {
  std::vector<int64_t> offset{0};
  std::vector<int32_t> target;
  std::vector<double> weight;
  size_t size() const { return offset.size() - 1; }
  // Builds the lists from an edge list; each node's neighbours keep edge-list order.
  static WeightedGraph fromEdges(size_t n, const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                 const std::vector<double>& w);
};

// Heap Prim over every connected component: a tree starts at the lowest-index node not yet
// reached; edges of each new tree node (to unreached nodes) are pushed in list order; the
// cheapest edge is popped. Isolated nodes become single-node trees. The heap is APP2's binary
// heap (kernels/heap.h), so among equal weights the pop order is the original's
// (heap-position dependent): this is exactly the forest FMST's `mst` builds.
SpanningForest heapPrimForest(const WeightedGraph& g, const Checkpoint& poll = {});

}  // namespace nt::kern
