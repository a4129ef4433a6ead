#include "tracers/nctutw_gd_paths.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <list>
#include <queue>
#include <stdexcept>
#include <utility>

namespace nt::nctutw {

namespace {

// Reads through the linear index the way the original's bounds tests allow; outside the volume
// (where the original read past its buffer) counts as unset.
struct LinearImage {
  const uint8_t* p;
  int64_t vol;
  bool set(int64_t i) const { return i >= 0 && i < vol && p[i] != 0; }
};

// Leftmost minimum over slots: the queue order of the original's deque is the slot order, and
// its "first smallest weight" choice is the leftmost minimum.
class LeftmostMin {
 public:
  explicit LeftmostMin(size_t n) {
    size_ = 1;
    while (size_ < n) size_ <<= 1;
    t_.assign(2 * size_, std::numeric_limits<float>::infinity());
  }
  void set(size_t i, float v) {
    i += size_;
    t_[i] = v;
    for (i >>= 1; i >= 1; i >>= 1) t_[i] = std::min(t_[2 * i], t_[2 * i + 1]);
  }
  float get(size_t i) const { return t_[i + size_]; }
  size_t argmin() const {
    size_t i = 1;
    while (i < size_) i = t_[2 * i] <= t_[2 * i + 1] ? 2 * i : 2 * i + 1;
    return i - size_;
  }

 private:
  size_t size_;
  std::vector<float> t_;
};

struct Graph {
  kern::Dims d;
  std::vector<int32_t> nodeOf;  // per voxel: node index (raster order of Rp voxels), -1 elsewhere
  std::vector<int64_t> voxel;   // per node: voxel index
  int32_t node(int64_t x, int64_t y, int64_t z) const { return d.inside(x, y, z) ? nodeOf[d.index(x, y, z)] : -1; }
  Voxel at(int32_t n) const {
    const int64_t v = voxel[n];
    return {v % d.nx, (v / d.nx) % d.ny, v / (d.nx * d.ny)};
  }
};

// DTWithMedialCost3D_Ver2: exp(-(1e-8 + geodesic + distance value)), the geodesic weighting x and
// y by 0.32 and computed in single precision before the square root.
double stepCost(const Voxel& a, const Voxel& b, const uint8_t* costDT, const kern::Dims& d) {
  const int64_t dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  const float arg = 0.32f * static_cast<float>(dx * dx + dy * dy) + static_cast<float>(dz * dz);
  const double geo = std::sqrt(static_cast<double>(arg));
  return std::exp(-1 * (0.00000001 + geo + costDT[d.index(b.x, b.y, b.z)]));
}

constexpr float kMaxCost = 100000.0f;

// Single_Dijkstra_GridGraph_3D_Ver2 (quirk N2). The queue starts with the source and its
// neighbours; each popped node m "relaxes" every queued neighbour l to c(m,l) − w(m) (the
// adjacency list's own weight, 0, minus m's weight), records m as l's predecessor when that is
// lower, and queues l's unvisited neighbours at 100000; then the first smallest weight moves to
// the front. Neighbours are found through the linear index, so at a row or slice edge the
// original marked a voxel on the far side visited without queueing it (kept).
std::vector<int32_t> labelCorrectingSearch(const Graph& g, const uint8_t* Rp, const uint8_t* costDT, int32_t src,
                                           const kern::Checkpoint& cp) {
  const kern::Dims& d = g.d;
  const int64_t area = d.nx * d.ny, vol = d.voxels();
  const size_t n = g.voxel.size();
  if (n >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) throw std::length_error("more than 2^31 repaired voxels");
  std::vector<int32_t> pred, slotNode, pos;
  pred.assign(n, -1);
  slotNode.assign(n + 1, -1);
  pos.assign(n, -1);
  std::vector<uint8_t> visited(static_cast<size_t>(vol), 0), explored(n, 0);
  LeftmostMin q(n + 1);
  size_t head = 0, tail = 0;
  auto push = [&](int32_t node, float w) {
    slotNode[tail] = node;
    pos[node] = static_cast<int32_t>(tail);
    q.set(tail, w);
    ++tail;
  };
  auto explore = [&](const Voxel& c) {
    for (int64_t mz = -1; mz <= 1; ++mz)
      for (int64_t my = -1; my <= 1; ++my)
        for (int64_t mx = -1; mx <= 1; ++mx) {
          const int64_t p = (c.z + mz) * area + (c.y + my) * d.nx + (c.x + mx);
          if (p < 0 || p >= vol || visited[p]) continue;
          if (Rp[p] > 0) {
            const int32_t idx = g.node(c.x + mx, c.y + my, c.z + mz);
            if (idx >= 0) push(idx, kMaxCost);
          }
          visited[p] = 1;
        }
  };
  pred[src] = src;
  const Voxel s = g.at(src);
  push(src, 0.0f);
  visited[g.voxel[src]] = 1;
  explore(s);
  explored[src] = 1;
  size_t pops = 0;
  while (head < tail) {
    if (cp && (++pops & 4095) == 0) cp();
    const int32_t m = slotNode[head];
    const float wm = q.get(head);
    q.set(head, std::numeric_limits<float>::infinity());
    pos[m] = -1;
    ++head;
    const Voxel mv = g.at(m);
    for (int64_t dz = -1; dz <= 1; ++dz)
      for (int64_t dy = -1; dy <= 1; ++dy)
        for (int64_t dx = -1; dx <= 1; ++dx) {
          const int32_t l = g.node(mv.x + dx, mv.y + dy, mv.z + dz);
          if (l < 0 || pos[l] < 0) continue;
          const Voxel lv = g.at(l);
          const double cand = 0.0 - static_cast<double>(wm) + stepCost(mv, lv, costDT, d);
          const size_t pl = static_cast<size_t>(pos[l]);
          if (static_cast<double>(q.get(pl)) > cand) {
            q.set(pl, static_cast<float>(cand));
            pred[l] = m;
          }
          // Exploring marks all 27 positions visited, so a node is only ever explored once.
          if (!explored[l]) {
            explored[l] = 1;
            explore(lv);
          }
        }
    if (head < tail) {
      const size_t k = q.argmin();
      if (k != head) {
        const float wk = q.get(k), wh = q.get(head);
        std::swap(slotNode[k], slotNode[head]);
        pos[slotNode[k]] = static_cast<int32_t>(k);
        pos[slotNode[head]] = static_cast<int32_t>(head);
        q.set(k, wh);
        q.set(head, wk);
      }
    }
  }
  return pred;
}

// The clean alternative: a true Dijkstra over the 26-connected repaired voxels with the same
// (positive) step cost; ties by node index.
std::vector<int32_t> dijkstraSearch(const Graph& g, const uint8_t* costDT, int32_t src, const kern::Checkpoint& cp) {
  const size_t n = g.voxel.size();
  std::vector<int32_t> pred(n, -1);
  std::vector<double> dist(n, std::numeric_limits<double>::infinity());
  std::vector<uint8_t> done(n, 0);
  using Item = std::pair<double, int32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
  dist[src] = 0;
  pred[src] = src;
  heap.push({0.0, src});
  size_t pops = 0;
  while (!heap.empty()) {
    const auto [dm, m] = heap.top();
    heap.pop();
    if (done[m]) continue;
    done[m] = 1;
    if (cp && (++pops & 4095) == 0) cp();
    const Voxel mv = g.at(m);
    for (int64_t dz = -1; dz <= 1; ++dz)
      for (int64_t dy = -1; dy <= 1; ++dy)
        for (int64_t dx = -1; dx <= 1; ++dx) {
          const int32_t l = g.node(mv.x + dx, mv.y + dy, mv.z + dz);
          if (l < 0 || done[l]) continue;
          const double nd = dm + stepCost(mv, g.at(l), costDT, g.d);
          if (nd < dist[l]) {
            dist[l] = nd;
            pred[l] = m;
            heap.push({nd, l});
          }
        }
  }
  return pred;
}

Graph buildGraph(const uint8_t* Rp, const kern::Dims& d) {
  Graph g;
  g.d = d;
  const int64_t vol = d.voxels();
  g.nodeOf.assign(static_cast<size_t>(vol), -1);
  for (int64_t i = 0; i < vol; ++i)
    if (Rp[i] > 0) {
      g.nodeOf[i] = static_cast<int32_t>(g.voxel.size());
      g.voxel.push_back(i);
    }
  return g;
}

struct EndNode {
  Voxel v;
  int32_t node;
  float pathLength = 0;
  bool visited = false;
};

}  // namespace

std::vector<Voxel> skeletonEndpoints3d(const uint8_t* K, const kern::Dims& d, bool rowQuirk) {
  std::vector<Voxel> out;
  const int64_t W = d.nx, H = d.ny, Z = d.nz, area = W * H;
  const LinearImage img{K, d.voxels()};
  // One plane test: up to four (condition, dz, dy, dx) reads; an endpoint when exactly one is set.
  struct Read { bool ok; int64_t dz, dy, dx; };
  for (int64_t z = 0; z < Z; ++z)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        if (!K[z * area + y * W + x]) continue;
        auto count = [&](std::initializer_list<Read> reads) {
          int c = 0;
          for (const Read& r : reads)
            if (r.ok && img.set((z + r.dz) * area + (y + r.dy) * W + (x + r.dx))) ++c;
          return c;
        };
        const bool xm = x - 1 >= 0, xp = x + 1 < W, ym = y - 1 >= 0, yp = y + 1 < H, zm = z - 1 >= 0, zp = z + 1 < Z;
        // The nine tests in the original's order, with its bounds tests (y + 1 < width in the
        // second, x + 1 >= 0 in the third and y + 1 >= 0 in the sixth).
        const bool end = count({{zp && yp, 1, 1, 0}, {xm, 0, 0, -1}, {xp, 0, 0, 1}, {zm && ym, -1, -1, 0}}) == 1 ||
                         count({{xp, 0, 0, 1}, {xm, 0, 0, -1}, {y + 1 < W, 0, 1, 0}, {ym, 0, -1, 0}}) == 1 ||
                         count({{zp && ym, 1, -1, 0}, {xm, 0, 0, -1}, {x + 1 >= 0, 0, 0, 1}, {zm && yp, -1, 1, 0}}) == 1 ||
                         count({{zp, 1, 0, 0}, {zm, -1, 0, 0}, {xp, 0, 0, 1}, {xm, 0, 0, -1}}) == 1 ||
                         count({{xm && ym, 0, -1, -1}, {xp && yp, 0, 1, 1}, {zm, -1, 0, 0}, {zp, 1, 0, 0}}) == 1 ||
                         count({{xp && ym, 0, -1, 1}, {xm && y + 1 >= 0, 0, 1, -1}, {zm, -1, 0, 0}, {zp, 1, 0, 0}}) == 1 ||
                         count({{zp, 1, 0, 0}, {zm, -1, 0, 0}, {yp, 0, 1, 0}, {ym, 0, -1, 0}}) == 1 ||
                         count({{zp && xp, 1, 0, 1}, {zm && xm, -1, 0, -1}, {yp, 0, 1, 0}, {ym, 0, -1, 0}}) == 1 ||
                         count({{zp && xm, 1, 0, -1}, {zm && xp, -1, 0, 1}, {yp, 0, 1, 0}, {ym, 0, -1, 0}}) == 1;
        if (!end) continue;
        out.push_back({x, y, z});
        if (rowQuirk) break;  // N4: the original's break leaves the rest of the row unexamined
      }
  return out;
}

std::vector<Voxel> branchPoints2d(const uint8_t* K, const kern::Dims& d) {
  std::vector<Voxel> out;
  const int64_t W = d.nx, H = d.ny, area = W * H;
  for (int64_t z = 0; z < d.nz; ++z)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        const int64_t pos = z * area + y * W + x;
        if (!K[pos]) continue;
        // Ring positions: 0 (-1,+1) 1 (-1,0) 2 (-1,-1) 3 (0,-1) 4 (+1,-1) 5 (+1,0) 6 (+1,+1) 7 (0,+1).
        bool loc[9] = {false};
        int cnt = 0;
        for (int64_t my = -1; my <= 1; ++my)
          for (int64_t mx = -1; mx <= 1; ++mx) {
            if (x + mx < 0 || x + mx >= W || y + my < 0 || y + my >= H) continue;
            if (!K[pos + my * W + mx]) continue;
            ++cnt;
            if (mx == -1 && my == -1) loc[2] = true;
            else if (mx == -1 && my == 0) loc[1] = true;
            else if (mx == -1 && my == 1) loc[0] = true;
            else if (mx == 0 && my == 1) loc[7] = true;
            else if (mx == 0 && my == -1) loc[3] = true;
            else if (mx == 1 && my == -1) loc[4] = true;
            else if (mx == 1 && my == 0) loc[5] = true;
            else if (mx == 1 && my == 1) loc[6] = true;
          }
        if (cnt != 4 && cnt != 5) continue;
        int pivot = 0;
        while (pivot < 9 && !loc[pivot]) ++pivot;
        // The original indexed past its 9-entry table for late pivots; those reads count as unset.
        auto L = [&](int i) { return i < 9 && loc[i]; };
        if (L(pivot + 2) && L(pivot + 5)) out.push_back({x, y, z});
        if (L(pivot + 3) && L(pivot + 5)) out.push_back({x, y, z});
        if ((pivot == 0 || pivot == 1) && L(pivot + 3) && L(pivot + 6)) out.push_back({x, y, z});
        if ((pivot == 0 || pivot == 2) && L(pivot + 2) && L(pivot + 4)) out.push_back({x, y, z});
      }
  return out;
}

std::vector<int64_t> searchPredecessors(const uint8_t* Rp, const uint8_t* costDT, const kern::Dims& d, const Voxel& source,
                                        bool searchQuirk, const kern::Checkpoint& cp) {
  std::vector<int64_t> out(static_cast<size_t>(d.voxels()), -1);
  const Graph g = buildGraph(Rp, d);
  const int32_t src = g.node(source.x, source.y, source.z);
  if (src < 0) return out;
  const std::vector<int32_t> pred =
      searchQuirk ? labelCorrectingSearch(g, Rp, costDT, src, cp) : dijkstraSearch(g, costDT, src, cp);
  for (size_t n = 0; n < pred.size(); ++n)
    if (pred[n] >= 0) out[static_cast<size_t>(g.voxel[n])] = g.voxel[static_cast<size_t>(pred[n])];
  return out;
}

TipSelection selectTips(const uint8_t* K, const uint8_t* Rp, uint8_t* costDT, const kern::Dims& d, const Voxel& soma,
                        double avgR, const TipOptions& opt, const kern::Checkpoint& cp) {
  TipSelection res;
  const int64_t W = d.nx, H = d.ny, Z = d.nz, area = W * H, vol = d.voxels();
  const Graph g = buildGraph(Rp, d);
  res.graphNodes = static_cast<int64_t>(g.voxel.size());

  const std::vector<Voxel> endP = skeletonEndpoints3d(K, d, opt.rowQuirk);
  res.endpoints = static_cast<int64_t>(endP.size());

  // Source: the skeleton voxel nearest to the soma (first in raster order among equals).
  double best = 100000.0;
  bool haveSource = false;
  for (int64_t i = 0; i < vol; ++i) {
    if (!K[i]) continue;
    const int64_t x = i % W, y = (i / W) % H, z = i / area;
    const double dist = std::sqrt(double((soma.x - x) * (soma.x - x) + (soma.y - y) * (soma.y - y) + (soma.z - z) * (soma.z - z)));
    if (dist < best) {
      best = dist;
      res.source = {x, y, z};
      haveSource = true;
    }
  }
  if (!haveSource) return res;
  const int32_t src = g.node(res.source.x, res.source.y, res.source.z);
  if (src < 0) return res;
  res.ok = true;

  // Branch-point award: floor(Ita − distance) added (in 8-bit arithmetic) around every 2-D branch
  // point of the skeleton, where the distance map is non-zero.
  const std::vector<Voxel> bps = branchPoints2d(K, d);
  res.branchPoints = static_cast<int64_t>(bps.size());
  const unsigned char award = static_cast<unsigned char>(opt.award);
  for (const Voxel& b : bps)
    for (int64_t mz = -1; mz <= 1; ++mz)
      for (int64_t my = -2; my <= 2; ++my)
        for (int64_t mx = -2; mx <= 2; ++mx) {
          if (!d.inside(b.x + mx, b.y + my, b.z + mz)) continue;
          const int64_t nb = d.index(b.x + mx, b.y + my, b.z + mz);
          const double dis = std::sqrt(double(mx * mx + my * my + mz * mz));
          if (costDT[nb] > 0) costDT[nb] = static_cast<uint8_t>(static_cast<int>(costDT[nb] + std::floor(award - dis)));
        }

  const std::vector<int32_t> pred =
      opt.searchQuirk ? labelCorrectingSearch(g, Rp, costDT, src, cp) : dijkstraSearch(g, costDT, src, cp);

  std::vector<EndNode> ends;
  for (const Voxel& e : endP) {
    const int32_t nd = g.node(e.x, e.y, e.z);
    if (nd >= 0 && pred[nd] >= 0) ends.push_back({e, nd});
  }
  res.reachable = static_cast<int64_t>(ends.size());
  for (EndNode& e : ends) {
    double len = 0;
    int32_t cur = e.node;
    for (int64_t steps = 0; cur != src && steps <= res.graphNodes; ++steps) {
      const Voxel a = g.at(cur), b = g.at(pred[cur]);
      len += std::sqrt(double((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y) + (b.z - a.z) * (b.z - a.z)));
      cur = pred[cur];
    }
    e.pathLength = static_cast<float>(len);
  }
  // std::sort then reverse, as the original (the order of equal lengths is the library's).
  std::sort(ends.begin(), ends.end(), [](const EndNode& l, const EndNode& r) { return l.pathLength < r.pathLength; });
  std::reverse(ends.begin(), ends.end());
  // The original popped from an empty list when every path was short (all of length 0).
  while (!ends.empty() && ends.back().pathLength <= opt.removeRatio * ends[0].pathLength) ends.pop_back();
  res.candidates = static_cast<int64_t>(ends.size());

  std::vector<uint8_t> covered(static_cast<size_t>(vol), 0);
  struct Bp { Voxel v; int32_t node; };
  std::list<Bp> bpList;
  int64_t zR = 2, xR = 4, yR = 4;
  if (avgR > 4) {
    zR = static_cast<int64_t>(avgR / 2);
    xR = static_cast<int64_t>(avgR);
    yR = static_cast<int64_t>(avgR);
  }
  auto walkTo = [&](int32_t node) -> int32_t { return node >= 0 ? pred[node] : -1; };
  bool initial = true;
  for (;;) {
    if (cp) cp();
    EndNode* next = nullptr;
    for (EndNode& e : ends)
      if (!e.visited) { next = &e; break; }
    if (!next) break;
    next->visited = true;
    struct P3 { double x, y, z; };
    std::vector<P3> path;
    int32_t cur = next->node;
    const int64_t maxSteps = 2 * res.graphNodes + 2;
    if (initial) {
      for (int64_t s = 0; cur >= 0 && cur != src && s < maxSteps; ++s) {
        const Voxel v = g.at(cur);
        path.push_back({double(v.x), double(v.y), double(v.z)});
        cur = walkTo(cur);
      }
      initial = false;
    } else {
      bool merged = false;
      for (int64_t s = 0; cur >= 0 && cur != src && s < maxSteps; ++s) {
        const Voxel v = g.at(cur);
        P3 tmp{double(v.x), double(v.y), double(v.z)};
        if (merged) {
          path.push_back(tmp);
          cur = walkTo(cur);
          continue;
        }
        // An existing branch point within 4 × 4 × 1, else a 2-D branch point within 3 × 3 × 1
        // (which then joins the list): the nearest one attracts the path.
        double mindis = 100000.0;
        bool found = false;
        int32_t closestIdx = -1;
        Voxel closest;
        for (const Bp& b : bpList) {
          if (std::llabs(b.v.x - v.x) > 4 || std::llabs(b.v.y - v.y) > 4 || std::llabs(b.v.z - v.z) > 1) continue;
          found = true;
          const double dis = double((v.x - b.v.x) * (v.x - b.v.x) + (v.y - b.v.y) * (v.y - b.v.y) + (v.z - b.v.z) * (v.z - b.v.z));
          if (dis < mindis) { closestIdx = b.node; closest = b.v; mindis = dis; }
        }
        if (!found) {
          bool add = false;
          for (const Voxel& b : bps) {
            if (std::llabs(b.x - v.x) > 3 || std::llabs(b.y - v.y) > 3 || std::llabs(b.z - v.z) > 1) continue;
            add = true;
            const double dis = double((v.x - b.x) * (v.x - b.x) + (v.y - b.y) * (v.y - b.y) + (v.z - b.z) * (v.z - b.z));
            if (dis < mindis) { closestIdx = g.node(b.x, b.y, b.z); closest = b; mindis = dis; }
          }
          if (add) {
            found = true;
            bpList.push_back({closest, closestIdx});
          }
        }
        if (!found) {
          path.push_back(tmp);
          cur = walkTo(cur);
          continue;
        }
        // The line to the branch point: the original's '+' added into its left operand, so the
        // samples sit at 0, 1, 3, 6, ... steps from the path node and may run past the branch
        // point; and its first pushed point is the branch point itself (quirks N7, N8, kept).
        const double vx = closest.x - tmp.x, vy = closest.y - tmp.y, vz = closest.z - tmp.z;
        const double L = std::sqrt(vx * vx + vy * vy + vz * vz);
        if (L > 0) {
          const double ux = vx / L, uy = vy / L, uz = vz / L;
          P3 pre{double(closest.x), double(closest.y), double(closest.z)};
          for (int s2 = 0; s2 < L; ++s2) {
            tmp.x += ux * s2; tmp.y += uy * s2; tmp.z += uz * s2;
            const P3 disc{double(static_cast<int64_t>(tmp.x)), double(static_cast<int64_t>(tmp.y)), double(static_cast<int64_t>(tmp.z))};
            if (!(disc.x == pre.x && disc.y == pre.y && disc.z == pre.z)) {
              path.push_back(pre);
              pre = disc;
            }
          }
        }
        const P3 cn{double(closest.x), double(closest.y), double(closest.z)};
        if (path.empty() || !(cn.x == path.back().x && cn.y == path.back().y && cn.z == path.back().z)) path.push_back(cn);
        merged = true;
        // The original exited the program when the branch point had no predecessor (not
        // reached from the source); the walk ends there instead.
        cur = walkTo(closestIdx);
      }
    }
    path.push_back({double(res.source.x), double(res.source.y), double(res.source.z)});
    const P3& first = path.front();
    res.tips.push_back({static_cast<int64_t>(first.x), static_cast<int64_t>(first.y), static_cast<int64_t>(first.z)});
    for (const P3& p : path)
      for (int64_t mz = -zR; mz <= zR; ++mz) {
        if (p.z + mz < 0 || p.z + mz >= Z) continue;
        for (int64_t my = -yR; my <= yR; ++my) {
          if (p.y + my < 0 || p.y + my >= H) continue;
          for (int64_t mx = -xR; mx <= xR; ++mx) {
            if (p.x + mx < 0 || p.x + mx >= W) continue;
            covered[static_cast<int64_t>((p.z + mz) * area + (p.y + my) * W + (p.x + mx))] = 1;
          }
        }
      }
    for (EndNode& e : ends)
      if (!e.visited && covered[d.index(e.v.x, e.v.y, e.v.z)]) e.visited = true;
  }
  return res;
}

}  // namespace nt::nctutw
