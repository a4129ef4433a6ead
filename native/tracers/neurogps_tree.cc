#include "tracers/neurogps_tree.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

namespace nt::gps {

std::vector<std::vector<int>> clusterCurves(const std::vector<Link>& links) {
  const int n = static_cast<int>(links.size());
  // Curves carrying each id (as a link or as their own id).
  std::unordered_map<int, std::vector<int>> holders;
  auto idsOf = [&](int c) { return std::vector<int>{links[c].head, links[c].tail, c + 1}; };
  for (int c = 0; c < n; ++c)
    for (int id : idsOf(c))
      if (id != 0) holders[id].push_back(c);
  std::vector<char> seen(n, 0);
  std::vector<std::vector<int>> groups;
  for (int s = 0; s < n; ++s) {
    if (seen[s]) continue;
    std::vector<int> group{s};
    seen[s] = 1;
    for (size_t q = 0; q < group.size(); ++q) {
      const int c = group[q];
      std::vector<int> nb;
      for (int id : idsOf(c)) {
        if (id == 0) continue;
        for (int o : holders[id])
          if (o != c && !seen[o]) nb.push_back(o);
      }
      std::sort(nb.begin(), nb.end());
      nb.erase(std::unique(nb.begin(), nb.end()), nb.end());
      for (int o : nb) {
        seen[o] = 1;
        group.push_back(o);
      }
    }
    groups.push_back(group);
  }
  return groups;
}

std::vector<std::vector<int>> keptTrees(const std::vector<std::vector<int>>& groups, const std::vector<Curve>& curves) {
  std::vector<std::vector<int>> kept;
  for (const auto& g : groups) {
    if (g.size() < 3) {
      size_t nodes = 0;
      for (int c : g) nodes += curves[c].size();
      if (nodes < 20) continue;
    }
    kept.push_back(g);
  }
  return kept;
}

namespace {

// Spatial hash of every node of every curve (cells of one voxel), for "which curves come closer
// than 1.0 to this point" without scanning all nodes.
class NodeGrid {
 public:
  explicit NodeGrid(const std::vector<Curve>& curves) : curves_(curves) {
    for (size_t c = 0; c < curves.size(); ++c)
      for (size_t k = 0; k < curves[c].size(); ++k) cells_[key(cell(curves[c][k].x), cell(curves[c][k].y), cell(curves[c][k].z))].push_back(static_cast<int>(c));
    for (auto& kv : cells_) {
      std::sort(kv.second.begin(), kv.second.end());
      kv.second.erase(std::unique(kv.second.begin(), kv.second.end()), kv.second.end());
    }
  }
  // Curves other than self with a node closer than dist (< 1) to p, ascending.
  std::vector<size_t> near(const Vec3& p, size_t self, double dist) const {
    std::vector<size_t> out;
    const int64_t cx = cell(p.x), cy = cell(p.y), cz = cell(p.z);
    for (int64_t dx = -1; dx <= 1; ++dx)
      for (int64_t dy = -1; dy <= 1; ++dy)
        for (int64_t dz = -1; dz <= 1; ++dz) {
          auto it = cells_.find(key(cx + dx, cy + dy, cz + dz));
          if (it == cells_.end()) continue;
          for (int c : it->second) {
            if (static_cast<size_t>(c) == self) continue;
            for (const Node& q : curves_[c])
              if ((p - q.p()).norm() < dist) { out.push_back(static_cast<size_t>(c)); break; }
          }
        }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  static int64_t cell(double v) { return static_cast<int64_t>(std::floor(v)); }
  static uint64_t key(int64_t x, int64_t y, int64_t z) {
    return (static_cast<uint64_t>(x + (1 << 20)) << 42) ^ (static_cast<uint64_t>(y + (1 << 20)) << 21) ^ static_cast<uint64_t>(z + (1 << 20));
  }
  const std::vector<Curve>& curves_;
  std::unordered_map<uint64_t, std::vector<int>> cells_;
};

struct Slot { Node node; int64_t pid; int64_t owner; };

bool member(size_t v, const std::vector<size_t>& list) { return std::find(list.begin(), list.end(), v) != list.end(); }

// Index of the curve node nearest to p (the first on ties) and its distance.
size_t nearestIn(const Curve& c, const Vec3& p) {
  size_t best = 0;
  double bestD = 100000.0;
  for (size_t k = 0; k < c.size(); ++k) {
    const double d = (p - c[k].p()).norm();
    if (d < bestD) { bestD = d; best = k; }
  }
  return best;
}

}  // namespace

size_t writeTree(const std::vector<Curve>& curves, const WriteScale& scale, NativeTree& out) {
  const size_t n = curves.size();
  if (n == 0) return 0;
  constexpr double kLink = 1.0;
  // conInfo[i][0 / 1]: curves within kLink of curve i's head / tail.
  std::vector<std::vector<size_t>> headOf(n), tailOf(n);
  {
    const NodeGrid grid(curves);
    for (size_t i = 0; i < n; ++i) {
      if (curves[i].empty()) continue;
      headOf[i] = grid.near(curves[i].front().p(), i, kLink);
      tailOf[i] = grid.near(curves[i].back().p(), i, kLink);
    }
  }
  // GetTreeLevelFromConInfo: breadth-first levels from curve 0 over the symmetric link graph.
  std::vector<std::vector<size_t>> adj(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j : headOf[i]) { adj[i].push_back(j); adj[j].push_back(i); }
    for (size_t j : tailOf[i]) { adj[i].push_back(j); adj[j].push_back(i); }
  }
  for (auto& a : adj) {
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
  }
  const size_t none = std::numeric_limits<size_t>::max();
  std::vector<size_t> parent(n, none);
  std::vector<char> removed(n, 0);  // rows/columns cleared from the link matrix
  std::vector<std::vector<size_t>> levels{{0}};
  removed[0] = 1;
  {
    std::vector<size_t> first;
    for (size_t k : adj[0]) first.push_back(k);
    for (size_t k : first) parent[k] = 0;
    levels.push_back(first);
  }
  for (size_t lv = 1; lv < n && lv < levels.size(); ++lv) {
    std::vector<size_t> next;
    const std::vector<size_t>& cur = levels[lv];
    for (size_t c : cur) {
      std::vector<size_t> kids;
      for (size_t k : adj[c])
        if (!removed[k] && !std::binary_search(cur.begin(), cur.end(), k)) kids.push_back(k);
      removed[c] = 1;
      for (size_t k : kids) parent[k] = c;
      next.insert(next.end(), kids.begin(), kids.end());
    }
    if (next.empty()) break;
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    levels.push_back(next);
  }

  // GetWholeConnectSWC: slots are filled curve by curve in level order.
  size_t total = 0;
  for (const Curve& c : curves) total += c.size();
  std::vector<Slot> slots(total);
  for (size_t j = 0; j < total; ++j) slots[j] = {Node{}, static_cast<int64_t>(j), -1};  // pid is 1-based: j = previous slot
  slots[0].pid = -1;
  std::vector<int64_t> first(n, -1), last(n, -1);
  size_t filled = 0;
  auto place = [&](size_t slot, size_t curve, const Node& q) {
    slots[slot].node = q;
    slots[slot].owner = static_cast<int64_t>(curve);
  };
  bool aborted = false;
  for (size_t lv = 0; lv < levels.size() && !aborted; ++lv) {
    for (size_t cn : levels[lv]) {
      const Curve& c = curves[cn];
      const size_t sz = c.size();
      if (lv == 0) {
        for (size_t j = 0; j < sz; ++j) place(filled + j, cn, c[j]);
      } else {
        const size_t anc = parent[cn];
        if (member(anc, headOf[cn]) && member(anc, tailOf[cn]))  // both ends on the parent: cut the tail link
          tailOf[cn].erase(std::remove(tailOf[cn].begin(), tailOf[cn].end(), anc), tailOf[cn].end());
        auto nearestSlot = [&](const Vec3& p) {
          int64_t best = first[anc];
          double bestD = 100000.0;
          for (int64_t k = first[anc]; k <= last[anc]; ++k) {
            const double d = (p - slots[k].node.p()).norm();
            if (d < bestD) { bestD = d; best = k; }
          }
          return best;
        };
        if (member(anc, headOf[cn])) {
          for (size_t j = 0; j < sz; ++j) place(filled + j, cn, c[j]);
          slots[filled].pid = nearestSlot(c.front().p()) + 1;
        } else if (member(anc, tailOf[cn])) {
          for (size_t j = 0; j < sz; ++j) place(filled + sz - j - 1, cn, c[j]);
          slots[filled].pid = nearestSlot(c.back().p()) + 1;
        } else if (member(cn, headOf[anc]) || member(cn, tailOf[anc])) {
          // The parent's end touches this curve's middle: split the curve at its nearest node.
          std::vector<int64_t> heads;
          for (int64_t k = first[anc]; k <= last[anc]; ++k)
            if (slots[k].pid != k) heads.push_back(k);
          std::vector<int64_t> search;
          if (heads.size() >= 2) {
            search.push_back(first[anc]);
            for (int64_t h : heads) {
              if (h - 1 >= 0) search.push_back(h - 1);
              search.push_back(h);
            }
            search.push_back(last[anc]);
          } else {
            search = {first[anc], last[anc]};
          }
          double bestD = 100000.0;
          size_t minIndex = 0;
          int64_t connect = first[anc];
          for (int64_t s : search) {
            const size_t k = nearestIn(c, slots[s].node.p());
            const double d = (slots[s].node.p() - c[k].p()).norm();
            if (d < bestD) { bestD = d; minIndex = k; connect = s; }
          }
          for (size_t k = 0; k < minIndex; ++k) place(filled + k, cn, c[minIndex - k - 1]);
          for (size_t k = minIndex; k < sz; ++k) place(filled + k, cn, c[k]);
          slots[filled].pid = connect + 1;
          slots[filled + minIndex].pid = connect + 1;
        } else {
          aborted = true;  // no end meets the parent (the original stops writing here)
          break;
        }
      }
      first[cn] = static_cast<int64_t>(filled);
      last[cn] = static_cast<int64_t>(filled + sz) - 1;
      filled += sz;
    }
  }
  const int32_t base = static_cast<int32_t>(out.size());
  for (size_t k = 0; k < filled; ++k) {
    const Slot& s = slots[k];
    const int32_t par = s.pid < 1 ? -1 : base + static_cast<int32_t>(s.pid - 1);
    out.add(s.node.x * scale.x, s.node.y * scale.y, s.node.z * scale.z, s.node.r, 0, par);
  }
  return filled;
}

}  // namespace nt::gps
