#include "tracers/rivulet_swc.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_set>

namespace nt {
namespace rivulet {

Swc::Swc(const SwcNode& soma) { nodes_.push_back(soma); }

uint64_t Swc::cellKey(int64_t cx, int64_t cy, int64_t cz) {
  const uint64_t o = 1u << 20;
  return ((static_cast<uint64_t>(cx) + o) << 42) | ((static_cast<uint64_t>(cy) + o) << 21) | (static_cast<uint64_t>(cz) + o);
}

void Swc::append(const SwcNode& n) {
  const int32_t idx = static_cast<int32_t>(nodes_.size());
  nodes_.push_back(n);
  cells_[cellKey(cellOf(n.p.x), cellOf(n.p.y), cellOf(n.p.z))].push_back(idx);
  maxNodeRadius_ = std::max(maxNodeRadius_, n.radius);
}

int64_t Swc::match(const PointF& p, float radius) const {
  // The plugin scans every node for the closest one (strict '<' from a 1e4 start, so the
  // lowest index wins ties) and accepts it within either radius. The soma (index 0) is tested
  // directly; other nodes only in the cells that can hold a node closer than any acceptance
  // radius, which returns the same answer (see the card's note on incremental bookkeeping).
  const SwcNode& soma = nodes_[0];
  const float d0 = distF(p, soma.p);
  int64_t best = -2;
  float bestD = 1.0e4f;
  if (bestD > d0) { bestD = d0; best = 0; }
  float reach = std::max(radius, maxNodeRadius_);
  if (radius > d0 || soma.radius > d0) reach = std::max(reach, d0);
  const int64_t x0 = cellOf(p.x - reach), x1 = cellOf(p.x + reach);
  const int64_t y0 = cellOf(p.y - reach), y1 = cellOf(p.y + reach);
  const int64_t z0 = cellOf(p.z - reach), z1 = cellOf(p.z + reach);
  for (int64_t cz = z0; cz <= z1; ++cz)
    for (int64_t cy = y0; cy <= y1; ++cy)
      for (int64_t cx = x0; cx <= x1; ++cx) {
        auto it = cells_.find(cellKey(cx, cy, cz));
        if (it == cells_.end()) continue;
        for (int32_t i : it->second) {
          const float d = distF(p, nodes_[i].p);
          if (d < bestD || (d == bestD && best >= 0 && i < best)) { bestD = d; best = i; }
        }
      }
  if (best < 0) return -2;  // nothing within 1e4 voxels: the plugin indexed nodes[-2] here
  return (radius > bestD || nodes_[best].radius > bestD) ? best : -2;
}

bool Swc::reaches(int from, int target) const {
  // Follows parents from `from`; ids equal indices while tracing.
  for (size_t guard = 0; from >= 0 && guard <= nodes_.size(); ++guard) {
    if (from == target) return true;
    from = nodes_[from].pid;
  }
  return false;
}

bool Swc::addBranch(const Branch& b, int connectId, int type) {
  const int n = b.length();
  if (n < 5) return false;
  const int idStart = size() == 1 ? 1 : nodes_.back().id + 1;
  std::vector<SwcNode> add(n);
  for (int i = 0; i < n; ++i) {
    SwcNode& s = add[i];
    s.id = idStart + i;
    s.type = type;
    s.p = b.pts[i];
    // The plugin shrinks the cube-occupancy radius for display.
    s.radius = static_cast<float>(std::max(static_cast<double>(b.radius[i]) * 0.6, 1.0));
    s.pid = i == n - 1 ? (connectId >= 0 ? connectId : -2) : idStart + i + 1;
  }
  // A tail that lands on the head of an unattached branch adopts it. The plugin did this even
  // when the new branch itself hangs off that same piece, which closes a loop; skip that case.
  const int64_t m = match(add[0].p, add[0].radius);
  if (m > 0 && nodes_[m].pid == -2 && !(connectId >= 0 && reaches(connectId, static_cast<int>(m))))
    nodes_[m].pid = add[0].id;
  for (const SwcNode& s : add) append(s);
  return true;
}

void Swc::prune() {
  pruneUnreached();
  pruneLeaves();
  cells_.clear();
}

void Swc::pruneUnreached() {
  const size_t n = nodes_.size();
  std::vector<std::vector<int>> adj(n);
  for (size_t i = 0; i < n; ++i) {
    const int p = nodes_[i].pid;
    if (p >= 0 && static_cast<size_t>(p) < n) {
      adj[i].push_back(p);
      adj[p].push_back(static_cast<int>(i));
    }
  }
  std::vector<bool> seen(n, false);
  std::deque<int> queue{0};
  seen[0] = true;
  while (!queue.empty()) {
    const int v = queue.front();
    queue.pop_front();
    for (int w : adj[v]) if (!seen[w]) { seen[w] = true; queue.push_back(w); }
  }
  std::vector<SwcNode> kept;
  for (size_t i = 0; i < n; ++i) if (seen[i]) kept.push_back(nodes_[i]);
  nodes_.swap(kept);
}

void Swc::pruneLeaves() {
  std::unordered_map<int, int> children, position;
  for (size_t i = 0; i < nodes_.size(); ++i) { position[nodes_[i].id] = static_cast<int>(i); children[nodes_[i].id] = 0; }
  for (const SwcNode& s : nodes_) {
    auto it = children.find(s.pid);
    if (it != children.end()) ++it->second;
  }
  std::unordered_set<int> dump;
  for (const SwcNode& leaf : nodes_) {
    if (children[leaf.id] != 0) continue;
    std::vector<int> chain;
    int at = position[leaf.id];
    while (at >= 0 && children[nodes_[at].id] <= 1) {
      chain.push_back(at);
      auto up = position.find(nodes_[at].pid);
      at = up == position.end() ? -1 : up->second;
    }
    float len = 0;
    for (size_t k = 0; k + 1 < chain.size(); ++k) len += distF(nodes_[chain[k]].p, nodes_[chain[k + 1]].p);
    if (len < 5) dump.insert(chain.begin(), chain.end());
  }
  std::vector<SwcNode> kept;
  for (size_t i = 0; i < nodes_.size(); ++i) if (!dump.count(static_cast<int>(i))) kept.push_back(nodes_[i]);
  nodes_.swap(kept);
}

}  // namespace rivulet
}  // namespace nt
