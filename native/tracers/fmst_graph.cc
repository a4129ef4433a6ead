#include "tracers/fmst_graph.h"

#include "tracers/fmst_order.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <stdexcept>

namespace nt::fmst {
namespace {

// The graph while it is being thinned. Links come in two kinds: the implicit ones between
// 26-adjacent foreground voxels (never stored: a link exists while both ends are alive), and
// the explicit ones created when a deleted node hands its links on. Every link removal in FMST
// is caused by deleting an end point, so "alive" is all the bookkeeping the implicit kind needs;
// this keeps the graph at a few bytes per foreground voxel instead of 26 stored links.
class WorkGraph {
 public:
  WorkGraph(const uint8_t* img, int64_t nx, int64_t ny, int64_t nz, int threshold)
      : img_(img), nx_(nx), ny_(ny), nz_(nz) {
    const int64_t total = nx * ny * nz;
    idOf.assign(static_cast<size_t>(total), -1);
    int64_t count = 0;
    for (int64_t v = 0; v < total; ++v)
      if (img[v] > threshold) ++count;
    if (count > std::numeric_limits<int32_t>::max())
      throw std::runtime_error("more than 2^31 foreground voxels; raise the threshold");
    voxel.reserve(static_cast<size_t>(count));
    for (int64_t v = 0; v < total; ++v) {
      if (img[v] <= threshold) continue;
      idOf[static_cast<size_t>(v)] = static_cast<int32_t>(voxel.size());
      voxel.push_back(v);
      x.push_back(static_cast<int32_t>(v % nx));
      y.push_back(static_cast<int32_t>((v / nx) % ny));
      z.push_back(static_cast<int32_t>(v / (nx * ny)));
    }
    r.assign(voxel.size(), 0);
    alive.assign(voxel.size(), 1);
    extra.resize(voxel.size());
  }

  std::vector<int32_t> idOf;  // voxel -> node, -1 for background
  std::vector<int64_t> voxel;
  std::vector<int32_t> x, y, z, r;
  std::vector<char> alive;

  size_t nodes() const { return voxel.size(); }
  int64_t nx() const { return nx_; }
  int64_t ny() const { return ny_; }
  int64_t nz() const { return nz_; }
  int64_t index(int64_t i, int64_t j, int64_t k) const { return (k * ny_ + j) * nx_ + i; }

  // The original drops a 26-neighbour link when I(dst) < 0.1·I(src). Applied one way it would
  // leave one-directional links, so it is applied to both ends; it can only fire when the
  // threshold is below 25 (at the bench threshold 30 no uint8 pair fails it).
  bool ratioOk(int32_t a, int32_t b) const {
    const double ia = img_[voxel[a]], ib = img_[voxel[b]];
    return ia >= 0.1 * ib && ib >= 0.1 * ia;
  }

  bool implicitLink(int32_t a, int32_t b) const {
    return a != b && std::abs(x[a] - x[b]) <= 1 && std::abs(y[a] - y[b]) <= 1 && std::abs(z[a] - z[b]) <= 1 && ratioOk(a, b);
  }

  // Calls f(b) for each live node b implicitly linked to a (in its 26-neighbourhood, passing the
  // intensity ratio test), in ascending voxel order.
  template <class F>
  void forEachImplicitNeighbour(int32_t a, F&& f) const {
    for (int dz = -1; dz <= 1; ++dz) {
      const int64_t k = z[a] + dz;
      if (k < 0 || k >= nz_) continue;
      for (int dy = -1; dy <= 1; ++dy) {
        const int64_t j = y[a] + dy;
        if (j < 0 || j >= ny_) continue;
        for (int dx = -1; dx <= 1; ++dx) {
          const int64_t i = x[a] + dx;
          if (i < 0 || i >= nx_ || (dx == 0 && dy == 0 && dz == 0)) continue;
          const int32_t b = idOf[static_cast<size_t>(index(i, j, k))];
          if (b >= 0 && alive[b] && ratioOk(a, b)) f(b);
        }
      }
    }
  }

  // Live neighbours in ascending node order (= ascending voxel key, the original's QMap order).
  void neighbours(int32_t a, std::vector<int32_t>& out) const {
    out.clear();
    int32_t adj[26];
    int n = 0;
    forEachImplicitNeighbour(a, [&](int32_t b) { adj[n++] = b; });
    const auto& ex = extra[a];
    out.resize(n + ex.size());
    std::merge(adj, adj + n, ex.begin(), ex.end(), out.begin());
  }

  size_t degree(int32_t a) const {
    size_t d = extra[a].size();
    forEachImplicitNeighbour(a, [&](int32_t) { ++d; });
    return d;
  }

  void addLink(int32_t a, int32_t b) {
    if (a == b || implicitLink(a, b)) return;
    insertSorted(extra[a], b);
    insertSorted(extra[b], a);
  }

  void remove(int32_t a) {
    alive[a] = 0;
    for (int32_t b : extra[a]) {
      auto& l = extra[b];
      auto it = std::lower_bound(l.begin(), l.end(), a);
      if (it != l.end() && *it == a) l.erase(it);
    }
    std::vector<int32_t>().swap(extra[a]);
  }

 private:
  static void insertSorted(std::vector<int32_t>& l, int32_t v) {
    auto it = std::lower_bound(l.begin(), l.end(), v);
    if (it == l.end() || *it != v) l.insert(it, v);
  }

  const uint8_t* img_;
  int64_t nx_, ny_, nz_;
  // Explicit links, sorted ascending; never duplicates an implicit link and never names a dead node.
  std::vector<std::vector<int32_t>> extra;
};

// Step 3: per z-slice multi-source BFS over the 8 in-plane neighbours. Foreground voxels with
// a background voxel in their in-image 3x3 neighbourhood start at 1 (the image border does not
// count as background); r = 1 + min over neighbours, i.e. the chessboard distance to the
// nearest in-slice background voxel. A slice without background leaves r = 0 (as the original).
void computeRadius(WorkGraph& g, const TraceContext& ctx) {
  std::vector<int32_t> queue;
  for (int64_t k = 0; k < g.nz(); ++k) {
    ctx.checkCancel();
    queue.clear();
    for (int64_t j = 0; j < g.ny(); ++j) {
      for (int64_t i = 0; i < g.nx(); ++i) {
        const int32_t a = g.idOf[static_cast<size_t>(g.index(i, j, k))];
        if (a < 0) continue;
        bool boundary = false;
        for (int dy = -1; dy <= 1 && !boundary; ++dy) {
          const int64_t jj = j + dy;
          if (jj < 0 || jj >= g.ny()) continue;
          for (int dx = -1; dx <= 1; ++dx) {
            const int64_t ii = i + dx;
            if (ii < 0 || ii >= g.nx()) continue;
            if (g.idOf[static_cast<size_t>(g.index(ii, jj, k))] < 0) { boundary = true; break; }
          }
        }
        if (boundary) { g.r[a] = 1; queue.push_back(a); }
      }
    }
    for (size_t head = 0; head < queue.size(); ++head) {
      const int32_t a = queue[head];
      for (int dy = -1; dy <= 1; ++dy) {
        const int64_t jj = g.y[a] + dy;
        if (jj < 0 || jj >= g.ny()) continue;
        for (int dx = -1; dx <= 1; ++dx) {
          const int64_t ii = g.x[a] + dx;
          if (ii < 0 || ii >= g.nx()) continue;
          const int32_t b = g.idOf[static_cast<size_t>(g.index(ii, jj, k))];
          if (b >= 0 && g.r[b] == 0) { g.r[b] = g.r[a] + 1; queue.push_back(b); }
        }
      }
    }
  }
}

// Live node ids in the order the original's heap released them: keyed 300 - r (widest first)
// or r (thinnest first), inserted in ascending voxel key.
std::vector<int32_t> byRadius(const WorkGraph& g, bool widestFirst) {
  std::vector<int32_t> ids;
  std::vector<double> keys;
  for (size_t a = 0; a < g.nodes(); ++a) {
    if (!g.alive[a]) continue;
    ids.push_back(static_cast<int32_t>(a));
    keys.push_back(widestFirst ? 300.0 - g.r[a] : static_cast<double>(g.r[a]));
  }
  return heapDrainOrder(ids, keys);
}

// Step 4: a node whose ball contains another node's ball (r_N >= r_C + d) deletes it and takes
// over its links.
void thinContained(WorkGraph& g, const TraceContext& ctx) {
  std::vector<int32_t> nb;
  const std::vector<int32_t> order = byRadius(g, true);
  size_t done = 0;
  for (int32_t c : order) {
    if ((++done & 1023) == 0) ctx.checkCancel();
    if (!g.alive[c]) continue;
    const int32_t R = g.r[c];
    if (R <= 0) continue;
    const int64_t i0 = std::max<int64_t>(0, g.x[c] - R), i1 = std::min<int64_t>(g.nx() - 1, g.x[c] + R);
    const int64_t j0 = std::max<int64_t>(0, g.y[c] - R), j1 = std::min<int64_t>(g.ny() - 1, g.y[c] + R);
    const int64_t k0 = std::max<int64_t>(0, g.z[c] - R), k1 = std::min<int64_t>(g.nz() - 1, g.z[c] + R);
    for (int64_t k = k0; k <= k1; ++k) {
      for (int64_t j = j0; j <= j1; ++j) {
        for (int64_t i = i0; i <= i1; ++i) {
          const int32_t m = g.idOf[static_cast<size_t>(g.index(i, j, k))];
          if (m < 0 || m == c || !g.alive[m]) continue;
          const int64_t dx = i - g.x[c], dy = j - g.y[c], dz = k - g.z[c];
          // The original keeps the distance as a float.
          const double d = static_cast<float>(std::sqrt(static_cast<double>(dx * dx + dy * dy + dz * dz)));
          if (d > R) continue;
          if (R >= g.r[m] + d) {
            g.neighbours(m, nb);
            for (int32_t dst : nb)
              if (dst != c) g.addLink(c, dst);
            g.remove(m);
          }
        }
      }
    }
  }
}

// Step 5: cover pruning. Each node's cube [x±r]³ lists the live nodes inside it ("members"),
// and each member counts the cubes that hold it ("centres"). In ascending radius a node whose
// members are covered by >= 2 centres at fraction >= coverRate is scheduled for removal and
// stops being a centre. Then scheduled nodes are deleted in that order: a degree-1 node is just
// unlinked; otherwise its links go to its first (lowest-key) remaining centre; a node with no
// centre left links its neighbours pairwise.
void prunePoorlyCovered(WorkGraph& g, double coverRate, std::vector<double>& cover, const TraceContext& ctx) {
  std::vector<int32_t> live;
  for (size_t a = 0; a < g.nodes(); ++a)
    if (g.alive[a]) live.push_back(static_cast<int32_t>(a));
  std::vector<int32_t> slot(g.nodes(), -1);
  for (size_t p = 0; p < live.size(); ++p) slot[live[p]] = static_cast<int32_t>(p);

  auto forCube = [&](int32_t c, auto&& f) {
    const int32_t R = g.r[c];
    const int64_t i0 = std::max<int64_t>(0, g.x[c] - R), i1 = std::min<int64_t>(g.nx() - 1, g.x[c] + R);
    const int64_t j0 = std::max<int64_t>(0, g.y[c] - R), j1 = std::min<int64_t>(g.ny() - 1, g.y[c] + R);
    const int64_t k0 = std::max<int64_t>(0, g.z[c] - R), k1 = std::min<int64_t>(g.nz() - 1, g.z[c] + R);
    for (int64_t k = k0; k <= k1; ++k)
      for (int64_t j = j0; j <= j1; ++j)
        for (int64_t i = i0; i <= i1; ++i) {
          const int32_t m = g.idOf[static_cast<size_t>(g.index(i, j, k))];
          if (m >= 0 && g.alive[m]) f(m);
        }
  };

  std::vector<int64_t> start(live.size() + 1, 0);
  for (size_t p = 0; p < live.size(); ++p) {
    if ((p & 1023) == 0) ctx.checkCancel();
    int64_t n = 0;
    forCube(live[p], [&](int32_t) { ++n; });
    start[p + 1] = start[p] + n;
  }
  std::vector<int32_t> members(static_cast<size_t>(start.back()));
  std::vector<int32_t> centres(g.nodes(), 0);
  for (size_t p = 0; p < live.size(); ++p) {
    int64_t at = start[p];
    forCube(live[p], [&](int32_t m) { members[static_cast<size_t>(at++)] = m; ++centres[m]; });
  }

  std::vector<char> pruned(g.nodes(), 0);
  std::vector<int32_t> schedule;
  for (int32_t c : byRadius(g, false)) {
    const int32_t p = slot[c];
    const int64_t total = start[p + 1] - start[p];
    int64_t twice = 0;
    for (int64_t q = start[p]; q < start[p + 1]; ++q) twice += centres[members[q]] > 1 ? 1 : 0;
    cover[c] = static_cast<double>(twice) / static_cast<double>(total);
    if (cover[c] >= coverRate) {
      pruned[c] = 1;
      schedule.push_back(c);
      for (int64_t q = start[p]; q < start[p + 1]; ++q) --centres[members[q]];
    }
  }

  std::vector<int32_t> firstCentre(g.nodes(), -1);
  for (size_t p = 0; p < live.size(); ++p) {
    if (pruned[live[p]]) continue;
    for (int64_t q = start[p]; q < start[p + 1]; ++q)
      if (firstCentre[members[q]] < 0) firstCentre[members[q]] = live[p];
  }
  std::vector<int32_t>().swap(members);

  std::vector<int32_t> nb;
  size_t done = 0;
  for (int32_t rm : schedule) {
    if ((++done & 1023) == 0) ctx.checkCancel();
    g.neighbours(rm, nb);
    if (nb.size() != 1) {
      const int32_t centre = firstCentre[rm];
      if (centre >= 0) {
        for (int32_t dst : nb)
          if (dst != centre) g.addLink(centre, dst);
      } else {
        for (size_t a = 0; a < nb.size(); ++a)
          for (size_t b = a + 1; b < nb.size(); ++b) g.addLink(nb[a], nb[b]);
      }
    }
    g.remove(rm);
  }
}

// Step 6: drop nodes without links, and thin (r <= 1) nodes with fewer than two. The original
// erased from the map it was iterating (undefined, quirk F2); here every decision is taken on
// the graph as it stood before the pass, so a thin chain loses its loose ends, not its length.
void pruneSingles(WorkGraph& g) {
  std::vector<int32_t> doomed;
  for (size_t a = 0; a < g.nodes(); ++a) {
    if (!g.alive[a]) continue;
    const size_t deg = g.degree(static_cast<int32_t>(a));
    if (deg == 0 || (g.r[a] <= 1 && deg < 2)) doomed.push_back(static_cast<int32_t>(a));
  }
  for (int32_t a : doomed) g.remove(a);
}

// The intended step-7 cost: Dijkstra over all voxels of the link's bounding box (26-neighbour
// steps), entering a voxel costs 1/r if it was a foreground node with r > 0, else 1024.
class GeodesicWeigher {
 public:
  explicit GeodesicWeigher(const WorkGraph& g) : g_(g) {}
  double operator()(int32_t src, int32_t dst) {
    const int64_t x0 = std::min(g_.x[src], g_.x[dst]), x1 = std::max(g_.x[src], g_.x[dst]);
    const int64_t y0 = std::min(g_.y[src], g_.y[dst]), y1 = std::max(g_.y[src], g_.y[dst]);
    const int64_t z0 = std::min(g_.z[src], g_.z[dst]), z1 = std::max(g_.z[src], g_.z[dst]);
    const int64_t bx = x1 - x0 + 1, by = y1 - y0 + 1, bz = z1 - z0 + 1;
    const size_t n = static_cast<size_t>(bx * by * bz);
    dist_.assign(n, std::numeric_limits<double>::infinity());
    auto local = [&](int64_t i, int64_t j, int64_t k) { return static_cast<size_t>(((k - z0) * by + (j - y0)) * bx + (i - x0)); };
    const size_t s = local(g_.x[src], g_.y[src], g_.z[src]);
    const size_t t = local(g_.x[dst], g_.y[dst], g_.z[dst]);
    using Item = std::pair<double, size_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    dist_[s] = 0;
    heap.emplace(0.0, s);
    while (!heap.empty()) {
      const auto [d, u] = heap.top();
      heap.pop();
      if (d > dist_[u]) continue;
      if (u == t) return d;
      const int64_t ui = static_cast<int64_t>(u % bx) + x0, uj = static_cast<int64_t>((u / bx) % by) + y0,
                    uk = static_cast<int64_t>(u / (bx * by)) + z0;
      for (int64_t k = std::max(z0, uk - 1); k <= std::min(z1, uk + 1); ++k)
        for (int64_t j = std::max(y0, uj - 1); j <= std::min(y1, uj + 1); ++j)
          for (int64_t i = std::max(x0, ui - 1); i <= std::min(x1, ui + 1); ++i) {
            const size_t v = local(i, j, k);
            if (v == u) continue;
            const int32_t node = g_.idOf[static_cast<size_t>(g_.index(i, j, k))];
            const double step = node >= 0 && g_.r[node] > 0 ? 1.0 / g_.r[node] : 1024.0;
            if (d + step < dist_[v]) { dist_[v] = d + step; heap.emplace(d + step, v); }
          }
    }
    return std::numeric_limits<double>::infinity();  // unreachable: the box always joins its corners
  }

 private:
  const WorkGraph& g_;
  std::vector<double> dist_;
};

}  // namespace

NodeGraph buildNodeGraph(const uint8_t* img, int64_t nx, int64_t ny, int64_t nz, const Options& opt,
                         const TraceContext& ctx, double p0, double p1) {
  auto at = [&](double f) { return p0 + (p1 - p0) * f; };
  ctx.progress(at(0), "foreground nodes");
  WorkGraph g(img, nx, ny, nz, opt.threshold);
  NodeGraph out;
  out.foreground = static_cast<int64_t>(g.nodes());

  ctx.progress(at(0.1), "in-slice radius");
  computeRadius(g, ctx);

  ctx.progress(at(0.25), "containment thinning");
  thinContained(g, ctx);
  out.afterThinning = std::count(g.alive.begin(), g.alive.end(), 1);

  ctx.progress(at(0.5), "cover pruning");
  std::vector<double> cover(g.nodes(), 0.0);
  prunePoorlyCovered(g, opt.coverRate, cover, ctx);
  out.afterCover = std::count(g.alive.begin(), g.alive.end(), 1);
  pruneSingles(g);

  ctx.progress(at(0.8), "edge weights");
  std::vector<int32_t> slot(g.nodes(), -1);
  std::vector<int32_t> keep;
  for (size_t a = 0; a < g.nodes(); ++a)
    if (g.alive[a]) { slot[a] = static_cast<int32_t>(keep.size()); keep.push_back(static_cast<int32_t>(a)); }
  out.links.offset.assign(1, 0);
  std::vector<int32_t> nb;
  for (int32_t a : keep) {
    out.x.push_back(g.x[a]); out.y.push_back(g.y[a]); out.z.push_back(g.z[a]);
    out.radius.push_back(g.r[a]);
    out.cover.push_back(cover[a]);
    g.neighbours(a, nb);
    for (int32_t b : nb) {
      out.links.target.push_back(slot[b]);
      // Quirk F1 (bench): the radius map reached the weight function empty, so every voxel
      // step cost 1024 and the Dijkstra returned 1024 x the Chebyshev distance.
      const int32_t cheb = std::max({std::abs(g.x[a] - g.x[b]), std::abs(g.y[a] - g.y[b]), std::abs(g.z[a] - g.z[b])});
      out.links.weight.push_back(1024.0 * cheb);
    }
    out.links.offset.push_back(static_cast<int64_t>(out.links.target.size()));
  }
  if (opt.weight == EdgeWeight::Geodesic) {
    // The original computed each link from both ends and kept the later one, i.e. the search
    // from the higher-key end; do that once per link and mirror it.
    GeodesicWeigher weigh(g);
    auto& L = out.links;
    for (size_t p = 0; p < keep.size(); ++p) {
      if ((p & 255) == 0) ctx.checkCancel();
      for (int64_t e = L.offset[p]; e < L.offset[p + 1]; ++e) {
        const int32_t q = L.target[e];
        if (q >= static_cast<int32_t>(p)) break;  // lists are ascending
        const double w = weigh(keep[p], keep[q]);
        L.weight[e] = w;
        auto first = L.target.begin() + L.offset[q], last = L.target.begin() + L.offset[q + 1];
        auto it = std::lower_bound(first, last, static_cast<int32_t>(p));
        L.weight[it - L.target.begin()] = w;
      }
    }
  }
  ctx.progress(at(1), "node graph ready");
  return out;
}

}  // namespace nt::fmst
