#include "tracers/fmst_tree.h"

#include "tracers/fmst_order.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nt::fmst {
namespace {

// The original's "no link" sentinel for the closest pair between two trees.
constexpr double kFarAway = 100000;
// Up to this many component trees the tree-of-trees MST replays the original's heap over all
// T² links (about 30 bytes per link).
constexpr size_t kExactTreeLimit = 2048;

// Each tree's connection points: its leaves plus its root, ascending node index.
struct TreeSummary {
  std::vector<int32_t> points;
  int32_t lo[3] = {std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::max()};
  int32_t hi[3] = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::min()};
  double area = 0;  // sum of radii over all its nodes
};

struct ClosestPair { double distance = kFarAway; int32_t a = -1, b = -1; };

// Step 9 for one pair of trees (ta < tb in creation order): first strictly closest pair in
// (point of ta, point of tb) ascending scan order.
ClosestPair closestPair(const NodeGraph& g, const TreeSummary& A, const TreeSummary& B) {
  ClosestPair best;
  for (int32_t a : A.points) {
    for (int32_t b : B.points) {
      const double dx = g.x[a] - g.x[b], dy = g.y[a] - g.y[b], dz = g.z[a] - g.z[b];
      const double d = std::sqrt(dx * dx + dy * dy + dz * dz);
      if (d < best.distance) best = {d, a, b};
    }
  }
  return best;
}

double boxGap(const TreeSummary& A, const TreeSummary& B) {
  double s = 0;
  for (int c = 0; c < 3; ++c) {
    const double gap = std::max({0.0, static_cast<double>(A.lo[c]) - B.hi[c], static_cast<double>(B.lo[c]) - A.hi[c]});
    s += gap * gap;
  }
  return std::sqrt(s);
}

void eraseFirst(std::vector<int32_t>& v, int32_t value) {
  auto it = std::find(v.begin(), v.end(), value);
  if (it != v.end()) v.erase(it);
}

// Pre-order walk of an adjacency structure from root: each child's list loses its first entry
// naming the node it was reached from (the original's `child.removeOne(parent)`), so what is
// left in kids[] are children in list order. Returns nodes in pre-order; parent and kids are
// re-expressed in pre-order positions.
struct Ordered {
  std::vector<int32_t> node;                 // pre-order position -> node
  std::vector<int32_t> parent;               // pre-order position -> parent position (-1 root)
  std::vector<std::vector<int32_t>> kids;    // pre-order position -> child positions, in order
};

Ordered preorder(std::vector<std::vector<int32_t>> adj, int32_t root, bool dropBackLink) {
  Ordered out;
  std::vector<int32_t> pos(adj.size(), -1);
  std::vector<std::pair<int32_t, int32_t>> stack{{root, -1}};
  while (!stack.empty()) {
    const auto [v, from] = stack.back();
    stack.pop_back();
    if (pos[v] >= 0) continue;  // defensive: the structure is a tree, so this never happens
    pos[v] = static_cast<int32_t>(out.node.size());
    out.node.push_back(v);
    out.parent.push_back(from >= 0 ? pos[from] : -1);
    if (dropBackLink && from >= 0) eraseFirst(adj[v], from);
    for (auto it = adj[v].rbegin(); it != adj[v].rend(); ++it) stack.emplace_back(*it, v);
  }
  out.kids.resize(out.node.size());
  for (size_t p = 0; p < out.node.size(); ++p)
    for (int32_t c : adj[out.node[p]])
      if (pos[c] >= 0) out.kids[p].push_back(pos[c]);
  return out;
}

// APP2's window smoothing as the original called it: its "copy" of the segment held pointers,
// so each node is averaged with neighbours already smoothed earlier in the same pass. Window
// 5 (weights 3,2,2,1,1 with clamped ends); the first and last node stay.
void smoothInPlace(const std::vector<int32_t>& seg, std::vector<double>& x, std::vector<double>& y,
                   std::vector<double>& z, std::vector<double>& r) {
  const int n = static_cast<int>(seg.size());
  const int half = 2;
  for (int i = 1; i < n - 1; ++i) {
    double sx = 0, sy = 0, sz = 0, sr = 0, sw = 0;
    auto add = [&](int k, double w) {
      const int32_t v = seg[k];
      sx += w * x[v]; sy += w * y[v]; sz += w * z[v]; sr += w * r[v]; sw += w;
    };
    add(i, 1.0 + half);
    for (int j = 1; j <= half; ++j) {
      add(std::min(i + j, n - 1), 1.0 + half - j);
      add(std::max(i - j, 0), 1.0 + half - j);
    }
    const int32_t v = seg[i];
    x[v] = sx / sw; y[v] = sy / sw; z[v] = sz / sw; r[v] = sr / sw;
  }
}

}  // namespace

NativeTree assembleTree(const NodeGraph& g, const TraceContext& ctx, double p0, double p1) {
  auto at = [&](double f) { return p0 + (p1 - p0) * f; };
  auto poll = [&ctx]() { ctx.checkCancel(); };
  NativeTree out;
  const size_t n = g.size();
  out.meta.emplace_back("graphNodes", static_cast<double>(n));
  if (n == 0) {
    out.meta.emplace_back("trees", 0);
    return out;
  }

  // Step 8: spanning forest; children keep the order in which they joined.
  ctx.progress(at(0), "spanning forest");
  const kern::SpanningForest forest = kern::heapPrimForest(g.links, poll);
  std::vector<std::vector<int32_t>> children(n);
  std::vector<int32_t> treeOf(n, -1);
  int32_t trees = -1;
  for (int32_t v : forest.order) {
    if (forest.parent[v] < 0) ++trees;
    treeOf[v] = trees;
    if (forest.parent[v] >= 0) children[forest.parent[v]].push_back(v);
  }
  const size_t T = forest.roots.size();
  out.meta.emplace_back("trees", static_cast<double>(T));

  // Step 9: connection points and extents per tree.
  std::vector<TreeSummary> sum(T);
  for (size_t v = 0; v < n; ++v) {
    TreeSummary& s = sum[treeOf[v]];
    s.area += g.radius[v];
    if (!children[v].empty() && forest.parent[v] >= 0) continue;
    s.points.push_back(static_cast<int32_t>(v));
    const int32_t c[3] = {g.x[v], g.y[v], g.z[v]};
    for (int k = 0; k < 3; ++k) { s.lo[k] = std::min(s.lo[k], c[k]); s.hi[k] = std::max(s.hi[k], c[k]); }
  }

  // Step 10: spanning tree over the trees: complete graph, weight = distance between the two
  // closest connection points. The original ran its heap Prim over all T² links; that is
  // reproduced (ties included) up to kExactTreeLimit trees. Beyond that the T² heap would need
  // gigabytes, so a dense Prim builds the same tree up to ties in O(T) memory, skipping pairs
  // whose bounding boxes are already too far apart.
  ctx.progress(at(0.3), "tree of trees");
  kern::SpanningForest treeMst;
  if (T <= kExactTreeLimit) {
    kern::WeightedGraph complete;
    complete.offset.assign(1, 0);
    std::vector<double> d(T * T, kFarAway);
    for (size_t i = 0; i < T; ++i) {
      if ((i & 15) == 0) ctx.checkCancel();
      for (size_t j = i + 1; j < T; ++j) d[i * T + j] = d[j * T + i] = closestPair(g, sum[i], sum[j]).distance;
    }
    for (size_t i = 0; i < T; ++i) {
      for (size_t j = 0; j < T; ++j) {
        if (j == i || !(d[i * T + j] < kFarAway)) continue;  // no pair closer than the sentinel: no link
        complete.target.push_back(static_cast<int32_t>(j));
        complete.weight.push_back(d[i * T + j]);
      }
      complete.offset.push_back(static_cast<int64_t>(complete.target.size()));
    }
    treeMst = kern::heapPrimForest(complete, poll);
  } else {
    auto treeCost = [&](int32_t i, int32_t j) {
      return i < j ? closestPair(g, sum[i], sum[j]).distance : closestPair(g, sum[j], sum[i]).distance;
    };
    auto treeBound = [&](int32_t i, int32_t j) { return boxGap(sum[i], sum[j]); };
    kern::PrimOptions popt;
    popt.limit = kFarAway;
    treeMst = kern::densePrim(T, treeCost, popt, treeBound, poll);
  }
  out.meta.emplace_back("treeMstExactTies", T <= kExactTreeLimit ? 1 : 0);
  std::vector<std::vector<int32_t>> treeKids(T);
  for (int32_t t : treeMst.order)
    if (treeMst.parent[t] >= 0) treeKids[treeMst.parent[t]].push_back(t);

  // Leaf trees of that tree with a total radius below 2 are cut off; so is the first tree when
  // it has a single neighbour and is that small itself.
  // Leaves are collected before any is cut, so a tree left childless by a cut is not a leaf.
  // (The first tree is never cut this way: with T = 1 the original dereferenced a missing parent.)
  std::vector<int32_t> leafTrees;
  for (int32_t t = 1; t < static_cast<int32_t>(T); ++t)
    if (treeMst.parent[t] >= 0 && treeKids[t].empty()) leafTrees.push_back(t);
  int32_t dropped = 0;
  for (int32_t t : leafTrees) {
    if (sum[t].area < 2) { eraseFirst(treeKids[treeMst.parent[t]], t); ++dropped; }
  }
  if (treeKids[0].size() == 1 && sum[0].area < 2) { treeKids[0].clear(); ++dropped; }
  out.meta.emplace_back("droppedTrees", dropped);

  // Step 11: undirected structure = tree links (children, then parent) + kept inter-tree
  // links; root = the widest node (first in key order).
  ctx.progress(at(0.6), "re-rooting");
  int32_t root = 0;
  for (size_t v = 1; v < n; ++v)
    if (g.radius[v] > g.radius[root]) root = static_cast<int32_t>(v);
  std::vector<std::vector<int32_t>> adj = std::move(children);
  for (size_t v = 0; v < n; ++v)
    if (forest.parent[v] >= 0) adj[v].push_back(forest.parent[v]);
  for (size_t t = 0; t < T; ++t) {
    for (int32_t c : treeKids[t]) {
      const ClosestPair link = closestPair(g, sum[std::min<size_t>(t, c)], sum[std::max<size_t>(t, c)]);
      const int32_t a = std::min(link.a, link.b), b = std::max(link.a, link.b);
      adj[a].push_back(b);
      adj[b].push_back(a);
    }
  }
  Ordered first = preorder(std::move(adj), root, true);

  // Step 12: a leaf whose parent has another child that branches is a spur: detach it.
  for (size_t L = 1; L < first.node.size(); ++L) {
    if (!first.kids[L].empty()) continue;
    auto& siblings = first.kids[first.parent[L]];
    for (int32_t s : siblings) {
      if (s != static_cast<int32_t>(L) && first.kids[s].size() > 1) { eraseFirst(siblings, static_cast<int32_t>(L)); break; }
    }
  }
  const Ordered second = preorder(first.kids, 0, false);
  const size_t m = second.node.size();
  // Work in the final pre-order positions from here on.
  std::vector<double> px(m), py(m), pz(m), pr(m), cover(m);
  std::vector<int32_t> type(m, 0), depth(m, 0);
  for (size_t p = 0; p < m; ++p) {
    const int32_t v = first.node[second.node[p]];
    px[p] = g.x[v]; py[p] = g.y[v]; pz[p] = g.z[v]; pr[p] = g.radius[v]; cover[p] = g.cover[v];
    if (p > 0) depth[p] = depth[second.parent[p]] + 1;
  }
  const auto& par = second.parent;
  const auto& kids = second.kids;

  // Step 13: root-to-leaf paths, longest first (the original's heap keyed 300 - length, filled in
  // leaf order). The unvisited part of each path is a segment with the next type. Quirk kept:
  // the first path's segment list was emptied before smoothing (its break index stayed 0), so
  // only the segments after the first are smoothed.
  ctx.progress(at(0.8), "segments and smoothing");
  std::vector<int32_t> leaves;
  std::vector<double> pathKey;
  for (size_t p = 0; p < m; ++p) {
    if (!kids[p].empty()) continue;
    leaves.push_back(static_cast<int32_t>(p));
    pathKey.push_back(300.0 - (depth[p] + 1));
  }
  const std::vector<int32_t> pathOrder = heapDrainOrder(leaves, pathKey);
  std::vector<char> visited(m, 0);
  std::vector<int32_t> seg;
  int32_t nextType = 2;
  for (int32_t leaf : pathOrder) {
    seg.clear();
    int32_t v = leaf;
    bool reachedVisited = false;
    while (v >= 0) {
      if (visited[v]) { reachedVisited = true; break; }
      visited[v] = 1;
      type[v] = nextType;
      seg.push_back(v);
      v = par[v];
    }
    if (reachedVisited) smoothInPlace(seg, px, py, pz, pr);
    ++nextType;
  }

  // Step 14: from each leaf, the unbranched chain up to the first node with >= 2 children;
  // chains of <= 5 nodes whose r²-weighted cover is >= 0.6 are deleted. The original walked
  // off the root when a chain reached a root with one child (quirk F3, a crash); here the root
  // ends the walk like a branch node and is never deleted.
  std::vector<char> removed(m, 0);
  for (int32_t leaf : leaves) {
    if (leaf == 0) continue;
    int count = 0;
    double weighted = 0, weights = 0;
    int32_t v = leaf;
    while (v > 0 && kids[v].size() <= 1) {
      ++count;
      const double w = pr[v] * pr[v];
      weighted += cover[v] * w;
      weights += w;
      v = par[v];
    }
    if (count <= 5 && weighted / weights >= 0.6) {
      for (int32_t u = leaf; u > 0 && kids[u].size() <= 1; u = par[u]) removed[u] = 1;
    }
  }

  // Step 15: renumber the survivors in order.
  std::vector<int32_t> outIndex(m, -1);
  for (size_t p = 0; p < m; ++p) {
    if (removed[p]) continue;
    outIndex[p] = out.add(px[p], py[p], pz[p], pr[p] - 0.5, type[p], par[p] >= 0 ? outIndex[par[p]] : -1);
  }
  out.meta.emplace_back("outputNodes", static_cast<double>(out.size()));
  ctx.progress(at(1), "tree ready");
  return out;
}

}  // namespace nt::fmst
