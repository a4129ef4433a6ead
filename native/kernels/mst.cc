#include "kernels/mst.h"

#include "kernels/heap.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nt::kern {

SpanningForest densePrimMatrix(const double* w, size_t n, const PrimOptions& opt) {
  return densePrim(n, [w, n](int32_t i, int32_t j) { return w[static_cast<size_t>(i) * n + j]; }, opt);
}

SpanningForest euclideanPrim(const double* xyz, size_t n, bool squared, const PrimOptions& opt) {
  return densePrim(n, [xyz, squared](int32_t i, int32_t j) {
    const double dx = xyz[3 * i] - xyz[3 * j], dy = xyz[3 * i + 1] - xyz[3 * j + 1], dz = xyz[3 * i + 2] - xyz[3 * j + 2];
    const double d2 = dx * dx + dy * dy + dz * dz;
    return squared ? d2 : std::sqrt(d2);
  }, opt);
}

WeightedGraph WeightedGraph::fromEdges(size_t n, const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                       const std::vector<double>& w) {
  if (a.size() != b.size() || a.size() != w.size()) throw std::invalid_argument("edge arrays differ in length");
  WeightedGraph g;
  g.offset.assign(n + 1, 0);
  for (size_t e = 0; e < a.size(); ++e) {
    if (a[e] < 0 || b[e] < 0 || static_cast<size_t>(a[e]) >= n || static_cast<size_t>(b[e]) >= n)
      throw std::invalid_argument("edge " + std::to_string(e) + " names a node outside 0.." + std::to_string(n - 1));
    if (a[e] == b[e]) throw std::invalid_argument("edge " + std::to_string(e) + " is a self-loop");
    ++g.offset[a[e] + 1];
    ++g.offset[b[e] + 1];
  }
  for (size_t i = 0; i < n; ++i) g.offset[i + 1] += g.offset[i];
  g.target.resize(g.offset[n]);
  g.weight.resize(g.offset[n]);
  std::vector<int64_t> fill(g.offset.begin(), g.offset.end() - 1);
  for (size_t e = 0; e < a.size(); ++e) {
    g.target[fill[a[e]]] = b[e]; g.weight[fill[a[e]]++] = w[e];
    g.target[fill[b[e]]] = a[e]; g.weight[fill[b[e]]++] = w[e];
  }
  return g;
}

SpanningForest heapPrimForest(const WeightedGraph& g, const Checkpoint& poll) {
  const size_t n = g.size();
  SpanningForest out;
  out.parent.assign(n, -1);
  out.order.reserve(n);
  std::vector<char> reached(n, 0);
  // Every offered edge gets the next id (as the original appended it to its path list).
  std::vector<int32_t> edgeFrom, edgeTo, heapPos;
  IndexedMinHeap<double> heap(heapPos);
  auto join = [&](int32_t v, int32_t parent) {
    reached[v] = 1;
    out.parent[v] = parent;
    out.order.push_back(v);
    for (int64_t k = g.offset[v]; k < g.offset[v + 1]; ++k) {
      const int32_t u = g.target[k];
      if (reached[u]) continue;
      const int32_t id = static_cast<int32_t>(edgeFrom.size());
      edgeFrom.push_back(v);
      edgeTo.push_back(u);
      heapPos.push_back(-1);
      heap.insert(id, g.weight[k]);
    }
  };
  size_t nextStart = 0;
  uint64_t pops = 0;
  while (out.order.size() < n) {
    if (heap.empty()) {
      while (reached[nextStart]) ++nextStart;
      out.roots.push_back(static_cast<int32_t>(nextStart));
      join(static_cast<int32_t>(nextStart), -1);
      continue;
    }
    if (poll && (++pops & 4095) == 0) poll();
    const int32_t e = heap.popMin();
    if (reached[edgeTo[e]]) continue;
    join(edgeTo[e], edgeFrom[e]);
  }
  return out;
}

}  // namespace nt::kern
