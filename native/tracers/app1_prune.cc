#include "tracers/app1_prune.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace nt::app1 {

namespace {

inline void poll(const Context& c, int64_t i) {
  if ((i & 4095) == 0 && c.poll) c.poll();
}

// Decrements the child counter of a node's parent, the way the original does after deleting a
// leaf: through the id look-up, so in quirk mode a dangling node (parent 0) charges row 0.
inline void releaseParent(Tree& t, const Node& a) {
  const int64_t pr = t.parentRow(a);
  if (pr >= 0) t.u[pr].nchild--;
}

// Walks that follow parent links only stop at a root or a branch; in quirk mode a dangling node
// resolves to row 0, which may lie below it, closing a cycle the original would loop on for ever.
// Every walk is bounded by the list length instead.
inline bool walkTooLong(int64_t steps, const Tree& t) { return steps > t.size() + 1; }

// Rounds of leaf pruning until a round deletes nothing, then the list is rearranged. In each
// round every leaf (nchild 0), in list order, is deleted at once when it is isolated (no parent,
// or its own parent) and otherwise handed to prune(row, leaf), which deletes what its rule says
// and returns how many nodes that was. Returns the number deleted in all rounds.
template <class Rule>
int64_t pruneLeavesInRounds(Tree& t, const Context& c, Rule&& prune) {
  if (t.size() == 0) return 0;
  const int64_t n = t.size();
  int64_t npruned = 0;
  for (;;) {
    int64_t deleted = 0;
    for (int64_t i = 0; i < n; ++i) {
      poll(c, i);
      Node& leaf = t.u[i];
      if (leaf.nchild != 0) continue;
      if (leaf.parent < 0 || leaf.parent == leaf.n) {  // isolated node
        leaf.nchild = -1;
        ++deleted;
        continue;
      }
      deleted += prune(i, leaf);
    }
    npruned += deleted;
    if (deleted == 0) break;
  }
  t.rearrange();
  return npruned;
}

}  // namespace

int64_t pruneSingleCover(Tree& t, const Context& c) {
  return pruneLeavesInRounds(t, c, [&](int64_t i, Node& leaf) -> int64_t {
    int64_t j = i;
    for (int step = 0; step < 10; ++step) {
      const Node& cur = t.u[j];
      const int64_t pi = cur.parent;
      if (cur.n == pi) {  // self-loop (never produced, guarded as in the original)
        t.u[j].nchild = -1;
        return 1;
      }
      const int64_t pr = pi < 0 ? -1 : t.row(pi);
      if (pr < 0) return 0;
      const Node& anc = t.u[pr];
      if (dist(leaf, anc) + leaf.r <= anc.r || overlapRatio(leaf, anc, c) > 0.9) {
        leaf.nchild = -1;
        releaseParent(t, leaf);
        return 1;
      }
      j = pr;
    }
    return 0;
  });
}

int64_t pruneMultiCover(Tree& t, const Context& c) {
  if (t.size() == 0) return 0;
  const gd::ImageU8& img = c.img;
  const int64_t n = t.size();
  auto centre = [&](const Node& a) {
    const int64_t i = std::clamp<int64_t>(static_cast<int64_t>(a.x), 0, img.nx - 1);
    const int64_t j = std::clamp<int64_t>(static_cast<int64_t>(a.y), 0, img.ny - 1);
    const int64_t k = std::clamp<int64_t>(static_cast<int64_t>(a.z), 0, img.nz - 1);
    return (k * img.ny + j) * img.nx + i;
  };
  // Coverage is only ever asked about node centre voxels, so it is kept for those alone: a bit
  // per voxel answers "is this a centre" during the cube scans, a slot map the rest.
  std::vector<uint64_t> isCentre((img.voxels() + 63) / 64, 0);
  std::unordered_map<int64_t, int32_t> slotOf;
  std::vector<int64_t> nodeSlot(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t p = centre(t.u[i]);
    isCentre[p >> 6] |= uint64_t(1) << (p & 63);
    auto it = slotOf.emplace(p, static_cast<int32_t>(slotOf.size())).first;
    nodeSlot[i] = it->second;
  }
  const size_t nSlots = slotOf.size();
  std::vector<std::vector<int64_t>> covers(nSlots);  // node ids, appended in list order
  std::vector<double> maxR(nSlots, 0);
  std::vector<int64_t> maxId(nSlots, 0);
  for (int64_t i = 0; i < n; ++i) {
    poll(c, i);
    const Node& a = t.u[i];
    auto lo = [](double v, int64_t hi) { return std::clamp<int64_t>(static_cast<int64_t>(v), 0, hi); };
    const int64_t i0 = lo(a.x - a.r, img.nx - 1), i1 = lo(a.x + a.r, img.nx - 1);
    const int64_t j0 = lo(a.y - a.r, img.ny - 1), j1 = lo(a.y + a.r, img.ny - 1);
    const int64_t k0 = lo(a.z - a.r, img.nz - 1), k1 = lo(a.z + a.r, img.nz - 1);
    // Quirk A3: the original compares the distance with r², so (for r >= sqrt 3) the whole cube.
    const double reach = c.coverCubeQuirk ? a.r * a.r : a.r;
    for (int64_t k = k0; k <= k1; ++k)
      for (int64_t j = j0; j <= j1; ++j)
        for (int64_t x = i0; x <= i1; ++x) {
          const int64_t p = (k * img.ny + j) * img.nx + x;
          if (!(isCentre[p >> 6] >> (p & 63) & 1)) continue;
          const double d = std::sqrt((x - a.x) * (x - a.x) + (j - a.y) * (j - a.y) + (k - a.z) * (k - a.z));
          if (d > reach) continue;
          const int32_t s = slotOf.find(p)->second;
          covers[s].push_back(a.n);
          if (maxR[s] < a.r) { maxR[s] = a.r; maxId[s] = a.n; }
        }
  }
  // Largest radius first; equal radii keep list order (the original inserted each new node
  // before the first strictly smaller one).
  for (auto& l : covers)
    std::stable_sort(l.begin(), l.end(), [&](int64_t a, int64_t b) { return t.u[t.row(a)].r > t.u[t.row(b)].r; });

  return pruneLeavesInRounds(t, c, [&](int64_t i, Node& leaf) -> int64_t {
    const int64_t s = nodeSlot[i];
    if (maxId[s] == leaf.n) return 0;  // its own best coverer
    const Node& best = t.u[t.row(maxId[s])];
    if (best.nchild < 0) return 0;
    if (dist(leaf, best) + leaf.r <= best.r || overlapRatioCovers(leaf, t, covers[s], c) > 0.9) {
      leaf.nchild = -1;
      releaseParent(t, leaf);
      return 1;
    }
    return 0;
  });
}

int64_t pruneInternodes(Tree& t, const Context& c) {
  if (t.size() == 0) return 0;
  const int64_t n = t.size();
  std::vector<int64_t> starts;
  for (int64_t i = 0; i < n; ++i) {
    const Node& a = t.u[i];
    if ((a.nchild == 0 || a.nchild >= 2) && a.parent >= 0) starts.push_back(i);
  }
  int64_t deleted = 0;
  for (size_t s = 0; s < starts.size(); ++s) {
    poll(c, static_cast<int64_t>(s));
    int64_t cur = starts[s];
    for (int64_t steps = 0;; ++steps) {
      if (walkTooLong(steps, t)) break;
      Node& a = t.u[cur];
      const int64_t pi = a.parent;
      if (pi < 0 || pi == a.n) {
        a.nchild = -1;
        ++deleted;
        break;
      }
      const int64_t pr = t.row(pi);
      if (pr < 0 || pr == cur) break;
      Node& p = t.u[pr];
      if (p.parent < 0) break;    // the root is never removed
      if (p.nchild >= 2) break;   // nor a branch point
      if (dist(a, p) + p.r <= a.r || overlapRatio(p, a, c) > 0.1) {
        p.nchild = -1;
        a.parent = p.parent;  // stay on the current node, now one step closer to the root
        ++deleted;
      } else {
        cur = pr;
      }
    }
  }
  t.rearrange();
  return deleted;
}

int64_t pruneBranchNodes(Tree& t, const Context& c) {
  if (t.size() == 0) return 0;
  const int64_t n = t.size();
  std::vector<uint8_t> visited(static_cast<size_t>(n), 0);
  std::vector<std::vector<int64_t>> children(static_cast<size_t>(n));
  for (const Node& a : t.u) {
    const int64_t pr = t.parentRow(a);
    if (pr >= 0) children[pr].push_back(a.n);
  }
  int64_t deleted = 0;
  for (int64_t i = 0; i < n; ++i) {
    poll(c, i);
    Node& b = t.u[i];
    if (b.nchild < 2 || visited[i]) continue;
    const int64_t pi = b.parent;
    if (pi == b.n) {
      b.nchild = -1;
      ++deleted;
      continue;
    }
    const int64_t pr = pi < 0 ? -1 : t.row(pi);
    // A dangling node's parent id 0 resolves to a row holding another id: the original took that
    // for a corrupted look-up table and skipped the node.
    if (pi >= 0 && (pr < 0 || t.u[pr].n != pi)) continue;
    if (pr >= 0 && t.u[pr].nchild <= 0) continue;  // the parent is a leaf or deleted already
    // The counter may exceed the recorded children (row 0's phantom child); the original read
    // past the end of the list there, which is not reproduced.
    const size_t nk = std::min<size_t>(static_cast<size_t>(b.nchild), children[i].size());
    for (size_t k = 0; k < nk; ++k) {
      Node& ch = t.u[t.row(children[i][k])];
      if (ch.nchild == -1 || ch.parent != b.n) continue;
      const double d = dist(b, ch);
      if (!(d <= b.r + ch.r && overlapRatio(b, ch, c) > 0.9)) continue;
      ch.x = (b.x + ch.x) / 2;
      ch.y = (b.y + ch.y) / 2;
      ch.z = (b.z + ch.z) / 2;
      ch.r = (b.r + ch.r + d) / 2;
      ch.parent = pi;
      const int64_t chRow = t.row(ch.n);
      for (size_t k2 = 0; k2 < nk; ++k2) {
        if (k2 == k) continue;
        Node& other = t.u[t.row(children[i][k2])];
        if (other.nchild == -1) continue;
        other.parent = ch.n;
        visited[t.row(other.n)] = 1;
        children[chRow].push_back(other.n);
        ch.nchild++;
      }
      if (pr >= 0) {
        auto& pc = children[pr];
        const size_t np = std::min<size_t>(static_cast<size_t>(std::max<int64_t>(t.u[pr].nchild, 0)), pc.size());
        for (size_t k2 = 0; k2 < np; ++k2)
          if (pc[k2] == b.n) { pc[k2] = ch.n; break; }
      }
      ++deleted;
      b.nchild = -1;
      visited[chRow] = 1;
      break;  // one merge per branch node
    }
  }
  t.rearrange();
  return deleted;
}

int64_t pruneArtefactBranches(Tree& t, const Context& c, double visibleThresh) {
  return pruneLeavesInRounds(t, c, [&](int64_t i, Node&) -> int64_t {
    int64_t deleted = 0;
    int64_t j = i;
    double dark = 0;
    for (int64_t steps = 0;; ++steps) {
      if (walkTooLong(steps, t)) break;
      Node& cur = t.u[j];
      const int64_t pi = cur.parent;
      if (cur.n == pi) {
        cur.nchild = -1;
        ++deleted;
        break;
      }
      const int64_t pr = pi < 0 ? -1 : t.row(pi);
      if (pr < 0) break;
      const Node& p = t.u[pr];
      const double m = edgeMean(cur, p, c.img);
      // Quirk A4: squared edge lengths accumulate, against a fixed 30.
      if (m < visibleThresh) dark += dist2(cur, p);
      if (m >= visibleThresh) {
        if (dark > 30) {
          int64_t k = i;
          for (int64_t back = 0; k != j && !walkTooLong(back, t); ++back) {
            Node& del = t.u[k];
            del.nchild = -1;
            const int64_t kp = t.parentRow(del);
            if (kp < 0) break;
            t.u[kp].nchild--;
            ++deleted;
            k = kp;
          }
          break;
        }
        dark = 0;
      }
      j = pr;
    }
    return deleted;
  });
}

}  // namespace nt::app1
