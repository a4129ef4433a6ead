#include "tracers/meanshift_paths.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <atomic>
#include <unordered_map>

#include "core/stage_clock.h"
#include "kernels/meanshift.h"
#include "kernels/mst.h"

namespace nt::ms {

SphereWalker::SphereWalker(const uint8_t* img, const kern::Dims& d, double radius, int maxSteps)
    : img_(img), d_(d), radius_(radius), maxSteps_(maxSteps) {
  const int R = static_cast<int>(std::floor(radius));
  for (int dx = -R; dx <= R; ++dx)
    for (int dy = -R; dy <= R; ++dy)
      for (int dz = -R; dz <= R; ++dz) {
        if (dx == 0 && dy == 0 && dz == 0) continue;
        if (std::sqrt(static_cast<double>(dx * dx + dy * dy + dz * dz)) > radius) continue;
        sphere_.push_back({dx, dy, dz});
      }
}

template <class Step>
bool SphereWalker::run(int64_t a, int64_t b, Step&& step) const {
  const kern::Dims& d = d_;
  int64_t cx = a % d.nx, cy = (a / d.nx) % d.ny, cz = a / (d.nx * d.ny);
  const int64_t bx = b % d.nx, by = (b / d.nx) % d.ny, bz = b / (d.nx * d.ny);
  for (int t = 0; t < maxSteps_; ++t) {
    const double ex = static_cast<double>(cx - bx), ey = static_cast<double>(cy - by), ez = static_cast<double>(cz - bz);
    const double dist = std::sqrt(ex * ex + ey * ey + ez * ez);
    if (dist == 0) return true;
    if (dist <= radius_) return step(bx, by, bz);
    // Each move covers at most `radius`: stop once b can no longer come within reach in the
    // steps left (the outcome is failure either way; this only saves the remaining steps).
    if (dist > radius_ * (maxSteps_ - t) + 1e-9) return false;
    const int64_t tx = bx - cx, ty = by - cy, tz = bz - cz;
    int64_t frontD2 = -1, backD2 = -1;
    int64_t fx = 0, fy = 0, fz = 0, kx = 0, ky = 0, kz = 0;
    for (const Off& o : sphere_) {
      const int64_t x = cx + o.dx, y = cy + o.dy, z = cz + o.dz;
      // quirk M5: the plugin's box reached one voxel past the far edges; those reads are
      // treated as the zero padding they stand for
      if (x < 0 || y < 0 || z < 0 || x >= d.nx || y >= d.ny || z >= d.nz) continue;
      if (img_[d.index(x, y, z)] == 0) continue;
      const int64_t dot = tx * o.dx + ty * o.dy + tz * o.dz;
      const int64_t d2 = (x - bx) * (x - bx) + (y - by) * (y - by) + (z - bz) * (z - bz);
      if (dot > 0) {
        if (frontD2 < 0 || d2 < frontD2) { frontD2 = d2; fx = x; fy = y; fz = z; }
      } else if (dot < 0) {
        if (backD2 < 0 || d2 < backD2) { backD2 = d2; kx = x; ky = y; kz = z; }
      }
    }
    // The plugin scored both halves by the mean of cos * I(v) * I(b) / |v - b|^2 and took the
    // better one; the front half's score is positive and the back half's negative, so the front
    // wins whenever it has a voxel.
    if (frontD2 >= 0) { cx = fx; cy = fy; cz = fz; }
    else if (backD2 >= 0) { cx = kx; cy = ky; cz = kz; }
    else return false;
    if (!step(cx, cy, cz)) return false;
  }
  return cx == bx && cy == by && cz == bz;
}

bool SphereWalker::walk(int64_t a, int64_t b, std::vector<int64_t>* path) const {
  if (path) {
    path->clear();
    path->push_back(a);
  }
  return run(a, b, [&](int64_t x, int64_t y, int64_t z) {
    if (path) path->push_back(d_.index(x, y, z));
    return true;
  });
}

double SphereWalker::length(int64_t a, int64_t b, double budget) const {
  const kern::Dims& d = d_;
  int64_t px = a % d.nx, py = (a / d.nx) % d.ny, pz = a / (d.nx * d.ny);
  const double bx = static_cast<double>(b % d.nx), by = static_cast<double>((b / d.nx) % d.ny),
               bz = static_cast<double>(b / (d.nx * d.ny));
  double sum = 0;
  bool over = false;
  const bool ok = run(a, b, [&](int64_t x, int64_t y, int64_t z) {
    // summed step by step in path order, as the plugin added up its weights
    const int64_t dx = x - px, dy = y - py, dz = z - pz;
    sum += std::sqrt(static_cast<double>(dx * dx + dy * dy + dz * dz));
    px = x; py = y; pz = z;
    // what is left is at least the straight line to b (margins absorb rounding)
    const double rest = std::sqrt((x - bx) * (x - bx) + (y - by) * (y - by) + (z - bz) * (z - bz));
    if (sum + rest * (1 - 1e-12) > budget * (1 + 1e-12) + 1e-12) {
      over = true;
      return false;
    }
    return true;
  });
  if (over) return std::numeric_limits<double>::infinity();
  return ok ? sum : -1;
}

namespace {

struct Xyz { int64_t x, y, z; };

double euclid(const Xyz& a, const Xyz& b) {
  const int64_t dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return std::sqrt(static_cast<double>(dx * dx + dy * dy + dz * dz));
}

// Step 7a: a node is kept when at least one of its walks to the other nodes succeeds. The
// answer does not depend on the order the targets are tried in, so nearby targets go first:
// nodes sit in a grid of cubic cells, visited in shells of growing Chebyshev distance. Targets
// farther than a walk can ever get are never tried.
std::vector<uint8_t> reachability(const SphereWalker& walker, const std::vector<int64_t>& q, const std::vector<Xyz>& pos,
                                  const kern::Dims& d, int threads, std::atomic<size_t>& walks, const kern::Checkpoint& cp) {
  const double reach = walker.reach();
  const double inf = std::numeric_limits<double>::infinity();
  const size_t n = pos.size();
  std::vector<uint8_t> ok(n, 0);
  constexpr int64_t kCell = 8;
  const int64_t gx = (d.nx + kCell - 1) / kCell, gy = (d.ny + kCell - 1) / kCell, gz = (d.nz + kCell - 1) / kCell;
  std::vector<std::vector<int32_t>> cells(static_cast<size_t>(gx * gy * gz));
  for (size_t i = 0; i < n; ++i)
    cells[static_cast<size_t>((pos[i].z / kCell * gy + pos[i].y / kCell) * gx + pos[i].x / kCell)].push_back(static_cast<int32_t>(i));
  const int64_t maxShell = static_cast<int64_t>(std::ceil(reach / kCell)) + 1;
  kern::parallelChunks(threads, n, [&](int, size_t b, size_t e) {
    std::vector<std::pair<double, int32_t>> cand;
    size_t own = 0;
    for (size_t i = b; i < e; ++i) {
      if (cp) cp();
      const int64_t cx = pos[i].x / kCell, cy = pos[i].y / kCell, cz = pos[i].z / kCell;
      for (int64_t k = 0; k <= maxShell && !ok[i]; ++k) {
        cand.clear();
        for (int64_t z = std::max<int64_t>(0, cz - k); z <= std::min(gz - 1, cz + k); ++z)
          for (int64_t y = std::max<int64_t>(0, cy - k); y <= std::min(gy - 1, cy + k); ++y)
            for (int64_t x = std::max<int64_t>(0, cx - k); x <= std::min(gx - 1, cx + k); ++x) {
              if (std::max({std::abs(x - cx), std::abs(y - cy), std::abs(z - cz)}) != k) continue;
              for (int32_t j : cells[static_cast<size_t>((z * gy + y) * gx + x)]) {
                if (static_cast<size_t>(j) == i) continue;
                const double dd = euclid(pos[i], pos[j]);
                if (dd <= reach) cand.push_back({dd, j});
              }
            }
        std::sort(cand.begin(), cand.end());
        for (const auto& c : cand) {
          ++own;
          if (walker.length(q[i], q[static_cast<size_t>(c.second)], inf) >= 0) {
            ok[i] = 1;
            break;
          }
        }
      }
    }
    walks += own;
  });
  return ok;
}

}  // namespace

Connection connectNodes(const SphereWalker& walker, const kern::Dims& d, const std::vector<int64_t>& q,
                        const ConnectOptions& o, const kern::Checkpoint& cp) {
  Connection out;
  const size_t n = q.size();
  std::vector<Xyz> pos(n);
  for (size_t i = 0; i < n; ++i) pos[i] = {q[i] % d.nx, (q[i] / d.nx) % d.ny, q[i] / (d.nx * d.ny)};
  const int threads = kern::meanShiftThreads(o.threads);
  std::atomic<size_t> walks{0};
  StageClock clock;
  const std::vector<uint8_t> ok = reachability(walker, q, pos, d, threads, walks, cp);
  std::vector<int32_t> kept;
  for (size_t i = 0; i < n; ++i)
    if (ok[i]) kept.push_back(static_cast<int32_t>(i));
  out.kept = kept.size();
  out.msReach = clock.lap();
  if (kept.empty()) {
    out.walks = walks;
    return out;
  }

  // Step 7b: dense Prim over the kept nodes, from the first; a pair's weight is the length of
  // the walk from the earlier to the later node, or (quirk M3) their straight distance when
  // that walk fails. The plugin's O(n^3) scan used strict '<' against INF = 1e6, tree node
  // outer: the kernel reproduces its tree and ties.
  const size_t m = kept.size();
  const bool straight = o.unreachable == Unreachable::Straight;
  const double inf = std::numeric_limits<double>::infinity();
  // Without the straight fallback a failed walk weighs infinity, so a walk that is sure to come
  // out longer than the candidate's best edge so far cannot matter and is abandoned (with the
  // fallback it must run to the end: failing would make it the cheapest edge). best[] holds,
  // per candidate, the lightest edge to the tree seen so far; pairs the kernel skips by their
  // lower bound are heavier than that anyway.
  std::vector<double> best;
  auto cost = [&](int32_t treeNode, int32_t candidate) {
    const int32_t lo = std::min(treeNode, candidate), hi = std::max(treeNode, candidate);
    const double e = euclid(pos[kept[lo]], pos[kept[hi]]);
    double w = straight ? e : inf;
    if (e <= walker.reach()) {
      ++walks;
      const double len = walker.length(q[kept[lo]], q[kept[hi]], straight ? inf : best[candidate]);
      if (len >= 0) w = len;
    }
    if (!straight && w < best[candidate]) best[candidate] = w;
    return w;
  };
  // A walk is never shorter than the straight line; the margin absorbs rounding in the sums.
  auto bound = [&](int32_t a, int32_t b) { return euclid(pos[kept[a]], pos[kept[b]]) * (1 - 1e-12); };
  kern::PrimOptions po;
  po.limit = 1e6;
  po.ties = kern::PrimTies::TreeMajor;
  std::vector<int32_t> parent(m, -1);
  std::vector<int32_t> joinOrder;
  {
    std::vector<uint8_t> done(m, 0);
    std::vector<int32_t> sub;  // without a straight fallback the graph may fall apart: one tree per piece
    for (size_t start = 0; start < m; ++start) {
      if (done[start]) continue;
      sub.clear();
      for (size_t i = start; i < m; ++i)
        if (!done[i]) sub.push_back(static_cast<int32_t>(i));
      best.assign(m, inf);
      const kern::SpanningForest f = kern::densePrim(
          sub.size(), [&](int32_t a, int32_t b) { return cost(sub[a], sub[b]); }, po,
          [&](int32_t a, int32_t b) { return bound(sub[a], sub[b]); }, cp);
      for (int32_t v : f.order) {
        done[sub[v]] = 1;
        joinOrder.push_back(sub[v]);
        parent[sub[v]] = f.parent[v] < 0 ? -1 : sub[f.parent[v]];
      }
    }
  }

  // The spanning tree as the plugin listed it (root first, then in joining order), sorted.
  kern::SwcList mst;
  std::vector<int32_t> listPos(m, -1);
  for (int32_t v : joinOrder) {
    const Xyz& p = pos[kept[v]];
    listPos[v] = mst.add(static_cast<double>(p.x), static_cast<double>(p.y), static_cast<double>(p.z), 1,
                         parent[v] < 0 ? 3 : 7, parent[v] < 0 ? -1 : listPos[parent[v]]);
    if (parent[v] >= 0) ++out.mstEdges;
  }
  if (cp) cp();
  kern::SwcList tree = kern::sortSwc(mst, 0);
  out.msTree = clock.lap();

  // Step 8: each tree edge whose walk succeeded is replaced by the walk's voxels, written from
  // the parent towards the child; a walk voxel already in the tree is re-parented (quirk M4).
  const size_t base = tree.size();
  auto voxelOf = [&](size_t i) {
    return d.index(static_cast<int64_t>(tree.x[i]), static_cast<int64_t>(tree.y[i]), static_cast<int64_t>(tree.z[i]));
  };
  std::unordered_map<int64_t, int32_t> keptOf, posOf;
  for (size_t k = 0; k < m; ++k) keptOf.emplace(q[kept[k]], static_cast<int32_t>(k));
  for (size_t i = 0; i < base; ++i) posOf.emplace(voxelOf(i), static_cast<int32_t>(i));
  std::vector<int32_t> par(tree.parent);
  std::vector<int64_t> path;
  for (size_t i = 0; i < base; ++i) {
    if ((i & 255) == 0 && cp) cp();
    const int32_t p = tree.parent[i];
    if (p < 0) continue;
    const int64_t child = voxelOf(i), up = voxelOf(static_cast<size_t>(p));
    const int32_t a = keptOf.at(child), b = keptOf.at(up);
    const int32_t lo = std::min(a, b), hi = std::max(a, b);
    if (!walker.walk(q[kept[lo]], q[kept[hi]], &path)) continue;
    if (path.front() != up) std::reverse(path.begin(), path.end());
    for (size_t k = 1; k < path.size(); ++k) {
      const int32_t from = posOf.at(path[k - 1]);
      auto it = posOf.find(path[k]);
      if (it != posOf.end()) {
        par[static_cast<size_t>(it->second)] = from;
        continue;
      }
      const int64_t v = path[k];
      const int32_t added = tree.add(static_cast<double>(v % d.nx), static_cast<double>((v / d.nx) % d.ny),
                                     static_cast<double>(v / (d.nx * d.ny)), 0, 20, from);
      par.push_back(from);
      posOf.emplace(v, added);
    }
    ++out.pathsFilled;
  }
  tree.parent = std::move(par);
  if (cp) cp();
  // sort_swc roots at the first node without a parent; when M4 re-parented the spanning-tree
  // root nothing is left without one and it falls back to the first node, which is the root id
  // 1 the plugin asked for either way.
  out.tree = kern::sortSwc(tree, 0);
  out.walks = walks;
  out.msFill = clock.lap();
  return out;
}

}  // namespace nt::ms
