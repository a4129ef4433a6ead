#include "kernels/happ.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels/brick_map.h"
#include "kernels/marker_radius.h"

namespace nt::kern {

namespace {

struct Segment {
  int32_t leaf = -1, top = -1;  // leaf_marker / root_marker; -1 once pruned away entirely
  double length = 0;
  int level = 1;
  int32_t parent = -1;          // parent segment
};

struct V3 { int64_t x, y, z; };

// Visits the in-bounds voxels of the ball of integer radius r around c (|offset|^2 <= r^2) as
// x runs: f(y, z, x0, x1) for each (z, y) row in the original's z, y order. Every use below only
// sums integers or sets/bumps per-voxel values, so whole runs can be handled at once.
template <class F>
void forBallRows(const Dims& d, V3 c, int r, F&& f) {
  const int64_t rr = static_cast<int64_t>(r) * r;
  for (int64_t kk = -r; kk <= r; ++kk) {
    const int64_t z = c.z + kk;
    if (z < 0 || z >= d.nz) continue;
    for (int64_t jj = -r; jj <= r; ++jj) {
      const int64_t y = c.y + jj;
      if (y < 0 || y >= d.ny) continue;
      const int64_t h = isqrtFloor(rr - jj * jj - kk * kk);
      if (h < 0) continue;
      const int64_t x0 = std::max<int64_t>(c.x - h, 0), x1 = std::min<int64_t>(c.x + h, d.nx - 1);
      if (x0 > x1) continue;
      f(y, z, x0, x1);
    }
  }
}

// The x run [x0, x1] of row (y, z) cut at brick boundaries: f(x, n) for n voxels from x, which
// share one brick of a BrickMap and so lie contiguously in it.
template <class F>
void forBrickSpans(int64_t x0, int64_t x1, F&& f) {
  constexpr int64_t kMask = BrickMap<uint8_t>::kSide - 1;
  for (int64_t x = x0; x <= x1;) {
    const int64_t end = std::min(x1, x | kMask);
    f(x, end - x + 1);
    x = end + 1;
  }
}

// Sum of img over voxels x0..x1 of one row.
inline int64_t rowSum(const uint8_t* row, int64_t x0, int64_t x1) {
  int64_t s = 0;
  for (int64_t x = x0; x <= x1; ++x) s += row[x];
  return s;
}

}  // namespace

SwcList happ(const SwcList& tree, const uint8_t* img, const Dims& d, const HappOptions& o, HappStats* stats,
             const Checkpoint& cp) {
  const size_t n = tree.size();
  SwcList out;
  if (n == 0) return out;
  const std::vector<int32_t>& parent = tree.parent;
  std::vector<double> x = tree.x, y = tree.y, z = tree.z;
  auto vox = [&](int32_t i) {
    return V3{static_cast<int64_t>(x[i] + 0.5), static_cast<int64_t>(y[i] + 0.5), static_cast<int64_t>(z[i] + 0.5)};
  };
  auto I = [&](int32_t i) {
    const V3 v = vox(i);
    if (!d.inside(v.x, v.y, v.z)) throw std::invalid_argument("happ: a tree node lies outside the image");
    return static_cast<double>(img[d.index(v.x, v.y, v.z)]);
  };
  auto Iat = [&](int64_t xx, int64_t yy, int64_t zz) { return static_cast<double>(img[d.index(xx, yy, zz)]); };
  const double t = o.bkgThresh;

  // 1. hierarchical segments
  std::vector<int32_t> children(n, 0);
  for (size_t i = 0; i < n; ++i)
    if (parent[i] >= 0) ++children[static_cast<size_t>(parent[i])];
  std::vector<int32_t> leaves;
  for (size_t i = 0; i < n; ++i)
    if (children[i] == 0) leaves.push_back(static_cast<int32_t>(i));
  // APP2 walks up from each leaf in index order while its running sum reaches a node's best so
  // far ('>=': a later leaf wins ties). When lengths tie often (uniform foreground) nearly every
  // leaf walks to the root, O(leaves x depth). The same values come from one children-first
  // pass: a node's best is the best of I(node)/255 + its children's bests (the sums are formed
  // in the same order, so they are the same doubles), ties going to the higher leaf index.
  std::vector<double> topoDist(n, 0.0);
  std::vector<int32_t> topoLeaf(n, -1);
  {
    std::vector<int32_t> pending(children);
    std::vector<int32_t> ready(leaves);
    for (int32_t leaf : leaves) {
      topoLeaf[leaf] = leaf;
      topoDist[leaf] = I(leaf) / 255.0;
    }
    while (!ready.empty()) {
      const int32_t c = ready.back();
      ready.pop_back();
      const int32_t p = parent[c];
      if (p < 0) continue;
      const double cand = I(p) / 255.0 + topoDist[c];
      if (topoLeaf[p] < 0 || cand > topoDist[p] || (cand == topoDist[p] && topoLeaf[c] > topoLeaf[p])) {
        topoDist[p] = cand;
        topoLeaf[p] = topoLeaf[c];
      }
      if (--pending[p] == 0) ready.push_back(p);
    }
  }
  std::vector<Segment> segs(leaves.size());
  std::vector<int32_t> segOfLeaf(n, -1);
  for (size_t s = 0; s < leaves.size(); ++s) segOfLeaf[leaves[s]] = static_cast<int32_t>(s);
  for (size_t s = 0; s < leaves.size(); ++s) {
    const int32_t leaf = leaves[s];
    int32_t top = leaf, up = parent[top];
    int level = 1;
    while (up >= 0 && topoLeaf[up] == leaf) {
      if (children[top] >= 2) ++level;
      top = up;
      up = parent[top];
    }
    Segment& g = segs[s];
    g.leaf = leaf;
    g.top = top;
    g.length = topoDist[top];
    g.level = level;
    g.parent = up < 0 ? -1 : segOfLeaf[topoLeaf[up]];
  }
  if (stats) stats->segments = segs.size();
  if (cp) cp();

  // 2. length filter; coverage pruning later walks them longest first, equal lengths in
  // reverse insertion order (a reverse walk of a multimap)
  std::vector<int32_t> filtered;
  for (size_t s = 0; s < segs.size(); ++s)
    if (segs[s].length >= o.lengthThresh) filtered.push_back(static_cast<int32_t>(s));
  std::vector<int32_t> byLength(filtered.rbegin(), filtered.rend());
  std::stable_sort(byLength.begin(), byLength.end(),
                   [&](int32_t a, int32_t b) { return segs[a].length > segs[b].length; });
  if (stats) stats->afterLength = filtered.size();

  // 3. dark leaf trimming
  {
    std::vector<uint8_t> again(filtered.size(), 0);
    int iteration = 1;
    for (size_t pruned = 1; pruned > 0; ++iteration) {
      pruned = 0;
      for (size_t i = 0; i < filtered.size(); ++i) {
        if (iteration > 1 && !again[i]) continue;
        Segment& g = segs[filtered[i]];
        if (g.leaf == g.top) continue;
        if (I(g.leaf) <= t) {
          g.leaf = parent[g.leaf];
          ++pruned;
          again[i] = 1;
        } else {
          again[i] = 0;
        }
      }
    }
  }

  // 4. dark segment deletion
  std::vector<int32_t> alive;
  std::vector<uint8_t> survived(segs.size(), 0);
  for (int32_t s : filtered) {
    const Segment& g = segs[s];
    if (g.leaf == g.top) continue;
    double sum = 0, count = 0, dark = 0;
    for (int32_t p = g.leaf;; p = parent[p]) {
      const double v = I(p);
      sum += v;
      count += 1;
      if (v <= t) dark += 1;
      if (p == g.top) break;
    }
    if (sum / count <= t || dark / count >= 0.2) continue;
    alive.push_back(s);
    survived[s] = 1;
  }
  if (stats) stats->afterDark = alive.size();

  // 5. radius of the surviving segments' nodes (others keep 0)
  std::vector<double> radius(n, 0.0);
  const double radiusThresh = std::max(40.0, t);
  uint32_t work = 0;
  auto tick = [&] { if (cp && (++work & 1023) == 0) cp(); };
  {
    RadiusEstimatorXY radiusOf([img](int64_t i) { return static_cast<double>(img[i]); }, d, radiusThresh);
    for (int32_t s : alive) {
      const Segment& g = segs[s];
      for (int32_t p = g.leaf;; p = parent[p]) {
        tick();
        radius[p] = radiusOf(x[p], y[p], z[p]);
        if (p == g.top) break;
      }
    }
  }  // its slice maps are freed here
  if (cp) cp();

  // 6. coverage pruning against a working copy C of I, kept as the set of erased voxels
  BrickMap<uint8_t> erased(d, 0);
  auto C = [&](int64_t xx, int64_t yy, int64_t zz) { return erased.get(xx, yy, zz) ? 0.0 : Iat(xx, yy, zz); };
  std::vector<int32_t> accepted;
  std::vector<uint8_t> isAccepted(segs.size(), 0);
  std::vector<int32_t> keep;
  for (int32_t s : byLength) {
    if (!o.keepDeletedSegments && !survived[s]) continue;
    const Segment& g = segs[s];
    if (g.parent >= 0 && !isAccepted[g.parent]) continue;
    double signal = 0, redundant = 0;
    for (int32_t p = g.leaf;; p = parent[p]) {
      tick();
      const V3 v = vox(p);
      const double ip = Iat(v.x, v.y, v.z);
      if (C(v.x, v.y, v.z) == 0) {
        redundant += ip;
      } else {
        int64_t ball = 0, gone = 0;  // the original's double counters hold these integers exactly
        forBallRows(d, v, static_cast<int>(radius[p]), [&](int64_t yy, int64_t zz, int64_t x0, int64_t x1) {
          ball += x1 - x0 + 1;
          const uint8_t* row = img + d.index(0, yy, zz);
          forBrickSpans(x0, x1, [&](int64_t x, int64_t len) {
            const uint8_t* e = erased.find(x, yy, zz);
            if (!e) return;  // never erased
            for (int64_t k = 0; k < len; ++k) gone += (e[k] != 0) & (row[x + k] != 0);
          });
        });
        if (ball > 0 && static_cast<double>(gone) / static_cast<double>(ball) > 0.1) redundant += ip;
        else signal += ip;
      }
      if (p == g.top) break;
    }
    if (g.parent < 0 || redundant == 0 || (signal / redundant >= o.srRatio && signal >= o.tMax)) {
      keep.clear();
      for (int32_t p = g.leaf;; p = parent[p]) {
        const V3 v = vox(p);
        if (C(v.x, v.y, v.z) != 0) keep.push_back(p);
        if (p == g.top) break;
      }
      for (int32_t p : keep) {
        const int r = static_cast<int>(radius[p]);
        if (r > 0)
          forBallRows(d, vox(p), r, [&](int64_t yy, int64_t zz, int64_t x0, int64_t x1) {
            forBrickSpans(x0, x1, [&](int64_t x, int64_t len) { std::fill_n(&erased.at(x, yy, zz), len, uint8_t{1}); });
          });
      }
      accepted.push_back(s);
      isAccepted[s] = 1;
    }
  }
  if (stats) stats->afterCoverage = accepted.size();
  if (cp) cp();

  auto countChildren = [&](const std::vector<int32_t>& list, std::vector<int32_t>& cnt) {
    std::fill(cnt.begin(), cnt.end(), 0);
    for (int32_t s : list) {
      const Segment& g = segs[s];
      for (int32_t p = g.leaf;; p = parent[p]) {
        if (parent[p] >= 0) ++cnt[parent[p]];
        if (p == g.top) break;
      }
    }
  };
  auto dropEmpty = [&](std::vector<int32_t>& list) {
    list.erase(std::remove_if(list.begin(), list.end(), [&](int32_t s) { return segs[s].leaf < 0; }), list.end());
  };
  std::vector<int32_t> childCnt(n, 0);

  // 7. leaf pruning: a leaf whose ball lies >= 90 % (by intensity) inside its parent's ball
  {
    countChildren(accepted, childCnt);
    std::vector<uint8_t> again(accepted.size(), 0);
    int iteration = 1;
    for (size_t pruned = 1; pruned > 0; ++iteration) {
      pruned = 0;
      for (size_t i = 0; i < accepted.size(); ++i) {
        if (iteration > 1 && !again[i]) continue;
        Segment& g = segs[accepted[i]];
        const int32_t leaf = g.leaf;
        if (childCnt[leaf] >= 1) continue;
        const int32_t par = parent[leaf];
        if (par < 0) { again[i] = 0; continue; }
        const int r1 = static_cast<int>(radius[leaf]), r2 = static_cast<int>(radius[par]);
        const V3 c1 = vox(leaf), c2 = vox(par);
        // integer sums of 8-bit values: exactly what the original's double sums held
        int64_t inLeaf = 0, inBoth = 0;
        const int64_t r2sq = static_cast<int64_t>(r2) * r2;
        forBallRows(d, c1, r1, [&](int64_t yy, int64_t zz, int64_t x0, int64_t x1) {
          const uint8_t* row = img + d.index(0, yy, zz);
          inLeaf += rowSum(row, x0, x1);
          // the part of the run inside the parent's ball
          const int64_t dy = c2.y - yy, dz = c2.z - zz;
          const int64_t h = isqrtFloor(r2sq - dy * dy - dz * dz);
          if (h < 0) return;
          const int64_t b0 = std::max(x0, c2.x - h), b1 = std::min(x1, c2.x + h);
          if (b0 <= b1) inBoth += rowSum(row, b0, b1);
        });
        if (inLeaf > 0 && static_cast<double>(inBoth) / static_cast<double>(inLeaf) >= 0.9) {
          ++pruned;
          --childCnt[par];
          if (leaf != g.top) {
            g.leaf = par;
            again[i] = 1;
          } else {
            g.leaf = g.top = -1;
            again[i] = 0;
          }
        } else {
          again[i] = 0;
        }
      }
    }
    dropEmpty(accepted);
  }
  if (stats) stats->afterLeaf = accepted.size();
  if (cp) cp();

  // 8. joint leaf pruning against a count of covering balls
  {
    BrickMap<uint16_t> mask(d, 0);
    for (int32_t s : accepted) {
      const Segment& g = segs[s];
      for (int32_t p = g.leaf;; p = parent[p]) {
        const int r = static_cast<int>(radius[p]);
        if (r > 0)
          forBallRows(d, vox(p), r, [&](int64_t yy, int64_t zz, int64_t x0, int64_t x1) {
            forBrickSpans(x0, x1, [&](int64_t x, int64_t len) {
              uint16_t* m = &mask.at(x, yy, zz);
              for (int64_t k = 0; k < len; ++k) ++m[k];
            });
          });
        if (p == g.top) break;
      }
    }
    countChildren(accepted, childCnt);
    std::vector<uint8_t> again(accepted.size(), 0);
    int iteration = 1;
    for (size_t pruned = 1; pruned > 0; ++iteration) {
      pruned = 0;
      for (size_t i = 0; i < accepted.size(); ++i) {
        if (iteration > 1 && !again[i]) continue;
        Segment& g = segs[accepted[i]];
        const int32_t leaf = g.leaf;
        const int r = static_cast<int>(radius[leaf]);
        if (r <= 0) { again[i] = 0; continue; }
        const V3 c = vox(leaf);
        int64_t covered = 0, total = 0;
        forBallRows(d, c, r, [&](int64_t yy, int64_t zz, int64_t x0, int64_t x1) {
          const uint8_t* row = img + d.index(0, yy, zz);
          total += rowSum(row, x0, x1);
          forBrickSpans(x0, x1, [&](int64_t x, int64_t len) {
            const uint16_t* m = mask.find(x, yy, zz);
            if (!m) return;  // no ball here
            for (int64_t k = 0; k < len; ++k)
              if (m[k] > 1) covered += row[x + k];
          });
        });
        // 0/0 is NaN and fails, as in the original
        if (static_cast<double>(covered) / static_cast<double>(total) >= 0.9) {
          if (childCnt[leaf] == 0) {
            ++pruned;
            const int32_t par = parent[leaf];
            if (par >= 0) --childCnt[par];
            if (leaf != g.top) {
              g.leaf = par;
              again[i] = 1;
            } else {
              g.leaf = g.top = -1;
              again[i] = 0;
            }
            forBallRows(d, c, r, [&](int64_t yy, int64_t zz, int64_t x0, int64_t x1) {
              forBrickSpans(x0, x1, [&](int64_t x, int64_t len) {
                uint16_t* m = mask.find(x, yy, zz);
                if (!m) return;
                for (int64_t k = 0; k < len; ++k)
                  if (m[k] > 1) --m[k];
              });
            });
          } else {
            again[i] = 1;  // may become a leaf later
          }
        } else {
          again[i] = 0;
        }
      }
    }
    dropEmpty(accepted);
  }
  if (stats) stats->afterJoint = accepted.size();

  // 9. smoothing, in place so already-smoothed predecessors feed later nodes
  if (o.smooth) {
    std::vector<int32_t> chain;
    for (int32_t s : accepted) {
      const Segment& g = segs[s];
      chain.clear();
      for (int32_t p = g.leaf;; p = parent[p]) {
        chain.push_back(p);
        if (p == g.top) break;
      }
      const int64_t N = static_cast<int64_t>(chain.size());
      for (int64_t i = 1; i < N - 1; ++i) {
        const int64_t idx[5] = {i, std::min(i + 1, N - 1), std::max<int64_t>(i - 1, 0), std::min(i + 2, N - 1),
                                std::max<int64_t>(i - 2, 0)};
        const double w[5] = {3, 2, 2, 1, 1};
        double sw = 0, sx = 0, sy = 0, sz = 0, sr = 0;
        for (int k = 0; k < 5; ++k) {
          const int32_t q = chain[idx[k]];
          sx += w[k] * x[q];
          sy += w[k] * y[q];
          sz += w[k] * z[q];
          sr += w[k] * radius[q];
          sw += w[k];
        }
        const int32_t q = chain[i];
        x[q] = sx / sw;
        y[q] = sy / sw;
        z[q] = sz / sw;
        radius[q] = sr / sw;
      }
    }
  }

  // 10. output with the length heat map
  if (accepted.empty()) return out;
  double minLen = segs[accepted[0]].length, maxLen = minLen;
  for (int32_t s : accepted) {
    minLen = std::min(minLen, segs[s].length);
    maxLen = std::max(maxLen, segs[s].length);
  }
  double span = maxLen - minLen;
  if (span == 0.0) span = 0.0000001;
  std::vector<int32_t> outIndex(n, -1);
  std::vector<int32_t> srcOf;
  for (int32_t s : accepted) {
    const Segment& g = segs[s];
    const int32_t type = static_cast<int32_t>((g.length - minLen) / span * 254.0 + 20.5);
    for (int32_t p = g.leaf;; p = parent[p]) {
      outIndex[p] = out.add(x[p], y[p], z[p], radius[p], type, -1);
      srcOf.push_back(p);
      if (p == g.top) break;
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const int32_t p = parent[srcOf[i]];
    out.parent[i] = p < 0 ? -1 : (outIndex[p] >= 0 ? outIndex[p] : kDanglingParent);
  }
  return out;
}

}  // namespace nt::kern
