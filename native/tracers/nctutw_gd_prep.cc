#include "tracers/nctutw_gd_prep.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <list>

#include "kernels/cc_label.h"
#include "kernels/thinning2d.h"

namespace nt::nctutw {

namespace {
struct Bridge { int32_t a, b; float w; };
}  // namespace

int greyThreshold(const uint8_t* img, int64_t n, double fraction) {
  int64_t slot[256] = {0};
  int64_t samples = 0;
  for (int64_t i = 0; i < n; ++i)
    if (img[i] > 0) { ++slot[img[i]]; ++samples; }
  // The original accumulates in a float and compares with its float parameter.
  const float frac = static_cast<float>(fraction);
  float accum = 0;
  for (int i = 255; i > 1; --i) {
    accum += static_cast<float>(slot[i]);
    if (accum / samples < frac && (accum + slot[i - 1]) / samples >= frac) return i - 1;
  }
  return 0;
}

std::vector<uint8_t> thinSlices(const uint8_t* img, const kern::Dims& d, const kern::Checkpoint& cp) {
  const int64_t area = d.nx * d.ny;
  std::vector<uint8_t> out(static_cast<size_t>(d.voxels()));
  for (int64_t z = 0; z < d.nz; ++z) {
    if (cp) cp();
    kern::thinZhangSuen(img + z * area, out.data() + z * area, d.nx, d.ny, kern::ThinStop::FirstIdleSubiteration);
  }
  return out;
}

std::vector<uint8_t> cleanSkeleton(const uint8_t* G, const kern::Dims& d, int cc2d, int cc3d, const kern::Checkpoint& cp) {
  const int64_t area = d.nx * d.ny;
  const kern::Dims slice{d.nx, d.ny, 1};
  std::vector<uint8_t> buf(G, G + d.voxels());
  for (int64_t z = 0; z < d.nz; ++z) {
    if (cp) cp();
    kern::keepComponentsLargerThan(buf.data() + z * area, slice, 8, cc2d, 255);
  }
  kern::keepComponentsLargerThan(buf.data(), d, 26, cc3d, 255, cp);
  // BinaryDilation2D with R = 1: every set pixel paints its 3×3 square (read from a copy).
  std::vector<uint8_t> src(static_cast<size_t>(area));
  for (int64_t z = 0; z < d.nz; ++z) {
    uint8_t* s = buf.data() + z * area;
    std::copy(s, s + area, src.begin());
    for (int64_t y = 0; y < d.ny; ++y)
      for (int64_t x = 0; x < d.nx; ++x) {
        if (!src[y * d.nx + x]) continue;
        for (int64_t yy = std::max<int64_t>(0, y - 1); yy <= std::min(d.ny - 1, y + 1); ++yy)
          for (int64_t xx = std::max<int64_t>(0, x - 1); xx <= std::min(d.nx - 1, x + 1); ++xx) s[yy * d.nx + xx] = 255;
      }
  }
  return thinSlices(buf.data(), d, cp);
}

SomaResult detectSoma(const uint8_t* raw, const uint8_t* G, const kern::Dims& d, double R0, const kern::Checkpoint& cp) {
  SomaResult res;
  const int64_t nx = d.nx, ny = d.ny, nz = d.nz;
  // Box sums of the raw intensity over G-foreground voxels from a 3-D prefix sum: the original
  // summed the box voxel by voxel; the sums are integers well inside float precision, so the
  // densities and their ties come out the same.
  const int64_t px = nx + 1, py = ny + 1;
  std::vector<int64_t> P(static_cast<size_t>(px * py * (nz + 1)), 0);
  auto at = [&](int64_t x, int64_t y, int64_t z) -> int64_t& { return P[(z * py + y) * px + x]; };
  for (int64_t z = 0; z < nz; ++z) {
    if (cp) cp();
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const int64_t i = d.index(x, y, z);
        const int64_t v = G[i] > 0 ? raw[i] : 0;
        at(x + 1, y + 1, z + 1) = v + at(x, y + 1, z + 1) + at(x + 1, y, z + 1) + at(x + 1, y + 1, z) - at(x, y, z + 1) -
                                  at(x, y + 1, z) - at(x + 1, y, z) + at(x, y, z);
      }
  }
  auto boxSum = [&](int64_t x0, int64_t x1, int64_t y0, int64_t y1, int64_t z0, int64_t z1) {
    x0 = std::max<int64_t>(x0, 0); y0 = std::max<int64_t>(y0, 0); z0 = std::max<int64_t>(z0, 0);
    x1 = std::min(x1, nx - 1); y1 = std::min(y1, ny - 1); z1 = std::min(z1, nz - 1);
    if (x0 > x1 || y0 > y1 || z0 > z1) return int64_t(0);
    ++x1; ++y1; ++z1;
    return at(x1, y1, z1) - at(x0, y1, z1) - at(x1, y0, z1) - at(x1, y1, z0) + at(x0, y0, z1) + at(x0, y1, z0) + at(x1, y0, z0) -
           at(x0, y0, z0);
  };

  std::list<Voxel> best;
  const int64_t n = d.voxels();
  for (int64_t i = 0; i < n; ++i)
    if (G[i] > 0) best.push_back({i % nx, (i / nx) % ny, i / (nx * ny)});
  if (best.empty()) return res;
  float maxDensity = 0;
  float R = static_cast<float>(R0);
  while (R < 10 && best.size() > 1) {
    if (cp) cp();
    const int64_t rxy = static_cast<int64_t>(-1 * R);  // loop bounds: int(-R) .. R
    const int64_t rz = static_cast<int64_t>(std::ceil(R / 3.0));
    const double norm = static_cast<double>(R * R * R) * 8.0;
    for (int64_t i = 0; i < n; ++i) {
      if (!(G[i] > 0)) continue;
      const int64_t x = i % nx, y = (i / nx) % ny, z = i / (nx * ny);
      const int64_t hi = static_cast<int64_t>(std::floor(R));
      float mass = static_cast<float>(boxSum(x + rxy, x + hi, y + rxy, y + hi, z - rz, z + rz));
      mass = static_cast<float>(mass / norm);
      if (mass >= maxDensity) {
        if (mass > maxDensity) {
          best.clear();
          maxDensity = mass;
        }
        best.push_back({x, y, z});
      }
    }
    R += 1;
  }
  res.pos = best.front();
  res.found = true;
  res.density = maxDensity;
  res.finalR = R;
  return res;
}

namespace {

// The bridges ImageRepair paints: over all pairs of frontier points in different components,
// sorted by length, take each pair that joins two groups not yet joined (Kruskal). The original
// materialised and std::sort-ed every pair, which also fixes the order of equal lengths; that is
// done here too up to maxSortedPairs pairs. Beyond that (tens of thousands of frontier points,
// gigabytes of pairs) a dense Prim pass over the points picks the same bridges for distinct
// lengths, breaking ties by point order instead.
template <class Dist>
std::vector<Bridge> chooseBridges(const std::vector<int32_t>& ccOf, int32_t groups, Dist&& distance, int64_t maxSortedPairs,
                                  const kern::Checkpoint& cp) {
  std::vector<Bridge> chosen;
  const size_t n = ccOf.size();
  if (groups <= 1 || n < 2) return chosen;
  if (static_cast<double>(n) * (n - 1) / 2 <= static_cast<double>(maxSortedPairs)) {
    std::vector<Bridge> edges;
    for (size_t i = 0; i + 1 < n; ++i) {
      if ((i & 255) == 0 && cp) cp();
      for (size_t j = i + 1; j < n; ++j)
        if (ccOf[i] != ccOf[j]) edges.push_back({static_cast<int32_t>(i), static_cast<int32_t>(j), distance(i, j)});
    }
    std::sort(edges.begin(), edges.end(), [](const Bridge& l, const Bridge& r) { return l.w < r.w; });
    std::vector<int32_t> group(static_cast<size_t>(groups));
    for (int32_t g = 0; g < groups; ++g) group[g] = g;
    // The original rescanned the sorted list from the top for every join, which picks the same
    // bridges; it looped for ever when a component had no endpoint to bridge from. Here joining
    // simply stops when no bridge can merge two groups.
    int32_t joined = 1;
    for (const Bridge& e : edges) {
      if (joined >= groups) break;
      const int32_t ga = group[ccOf[e.a]], gb = group[ccOf[e.b]];
      if (ga == gb) continue;
      ++joined;
      chosen.push_back(e);
      for (int32_t& g : group)
        if (g == gb) g = ga;
    }
    return chosen;
  }
  // Prim: grow from component 0; each point keeps its best (length, i, j) link into the tree.
  struct Key { float w; int32_t a, b; };
  auto less = [](const Key& l, const Key& r) {
    if (l.w != r.w) return l.w < r.w;
    if (l.a != r.a) return l.a < r.a;
    return l.b < r.b;
  };
  std::vector<std::vector<int32_t>> members(static_cast<size_t>(groups));
  for (size_t i = 0; i < n; ++i) members[ccOf[i]].push_back(static_cast<int32_t>(i));
  std::vector<uint8_t> inTree(n, 0), groupIn(static_cast<size_t>(groups), 0);
  std::vector<Key> best(n, Key{std::numeric_limits<float>::infinity(), -1, -1});
  std::vector<int32_t> added;
  auto addGroup = [&](int32_t g) {
    groupIn[g] = 1;
    added.clear();
    for (int32_t p : members[g]) { inTree[p] = 1; added.push_back(p); }
    for (size_t q = 0; q < n; ++q) {
      if (inTree[q]) continue;
      for (int32_t p : added) {
        const Key k{distance(static_cast<size_t>(p), q), std::min<int32_t>(p, static_cast<int32_t>(q)),
                    std::max<int32_t>(p, static_cast<int32_t>(q))};
        if (less(k, best[q])) best[q] = k;
      }
    }
  };
  addGroup(ccOf[0]);
  for (;;) {
    if (cp) cp();
    int64_t pick = -1;
    for (size_t q = 0; q < n; ++q)
      if (!inTree[q] && best[q].a >= 0 && (pick < 0 || less(best[q], best[pick]))) pick = static_cast<int64_t>(q);
    if (pick < 0) break;
    chosen.push_back({best[pick].a, best[pick].b, best[pick].w});
    addGroup(ccOf[pick]);
  }
  return chosen;
}

}  // namespace

RepairResult repairSkeleton(const uint8_t* S1, const kern::Dims& d, int ccMin, const kern::Checkpoint& cp, int64_t maxSortedPairs) {
  RepairResult res;
  const int64_t nx = d.nx, ny = d.ny, area = nx * ny, vol = d.voxels();
  std::vector<uint8_t>& img = res.image;
  img.assign(static_cast<size_t>(vol), 0);
  std::vector<uint8_t> bin(static_cast<size_t>(vol));
  for (int64_t i = 0; i < vol; ++i) bin[i] = S1[i] > 0 ? 255 : 0;
  const kern::ComponentLabels cc = kern::labelComponents(bin.data(), d, 26, cp);
  // FindCCs lists the kept components in discovery order; a component's index counts kept ones.
  std::vector<int32_t> keptIndex(static_cast<size_t>(cc.count()), -1);
  int32_t kept = 0;
  for (int32_t c = 0; c < cc.count(); ++c)
    if (cc.size[c] > ccMin) keptIndex[c] = kept++;
  for (int64_t i = 0; i < vol; ++i)
    if (cc.label[i] >= 0 && keptIndex[cc.label[i]] >= 0) img[i] = 255;
  res.components = kept;
  const std::vector<uint8_t> skel = thinSlices(img.data(), d, cp);

  // Endpoint2D: the 3×3 count runs over the slice's linear index, so at the first and last
  // column it reads the neighbouring row's far end (kept).
  struct Frontier { double x, y, z; int32_t cc; };
  std::vector<Frontier> fr;
  for (int64_t z = 0; z < d.nz; ++z) {
    const uint8_t* s = skel.data() + z * area;
    for (int64_t i = 0; i < area; ++i) {
      if (!s[i]) continue;
      int cnt = 0;
      for (int64_t ox = -1; ox <= 1; ++ox)
        for (int64_t oy = -1; oy <= 1; ++oy) {
          const int64_t p = i + oy * nx + ox;
          if (p >= 0 && p < area && s[p] > 0) ++cnt;
        }
      if (cnt > 2) continue;
      const int32_t l = cc.label[z * area + i];
      if (l < 0 || keptIndex[l] < 0) continue;
      fr.push_back({double(i % nx), double(i / nx), double(z), keptIndex[l]});
    }
  }
  res.frontiers = static_cast<int64_t>(fr.size());
  if (kept <= 1 || fr.size() < 2) return res;

  std::vector<int32_t> ccOf(fr.size());
  for (size_t i = 0; i < fr.size(); ++i) ccOf[i] = fr[i].cc;
  auto distance = [&](size_t i, size_t j) {
    const double dx = fr[i].x - fr[j].x, dy = fr[i].y - fr[j].y, dz = fr[i].z - fr[j].z;
    return static_cast<float>(std::sqrt(dx * dx + dy * dy + dz * dz));
  };
  const std::vector<Bridge> chosen = chooseBridges(ccOf, kept, distance, maxSortedPairs, cp);
  for (const Bridge& e : chosen) {
    const Frontier &s = fr[e.a], &t = fr[e.b];
    const double sx = (t.x - s.x) / e.w, sy = (t.y - s.y) / e.w, sz = (t.z - s.z) / e.w;
    for (int64_t k = 0; k <= std::ceil(e.w); ++k) {
      const int64_t origin = static_cast<int64_t>(std::ceil(s.z + sz * k)) * area +
                             static_cast<int64_t>(std::ceil(s.y + sy * k)) * nx + static_cast<int64_t>(std::ceil(s.x + sx * k));
      for (int64_t oz = -1; oz <= 1; ++oz)
        for (int64_t oy = -1; oy <= 1; ++oy)
          for (int64_t ox = -1; ox <= 1; ++ox) {
            const int64_t p = origin + oz * area + oy * nx + ox;
            if (p >= 0 && p < vol) img[p] = 255;
          }
    }
  }
  res.bridges = static_cast<int64_t>(chosen.size());
  return res;
}

std::vector<uint8_t> sliceDistance(const uint8_t* G, const kern::Dims& d, const kern::Checkpoint& cp) {
  const int64_t nx = d.nx, ny = d.ny, area = nx * ny;
  std::vector<uint8_t> out(static_cast<size_t>(d.voxels()), 0);
  std::vector<int64_t> cur(static_cast<size_t>(area)), next(static_cast<size_t>(area));
  for (int64_t z = 0; z < d.nz; ++z) {
    if (cp) cp();
    const uint8_t* s = G + z * area;
    for (int64_t i = 0; i < area; ++i) cur[i] = next[i] = s[i] != 0 ? 50000 : 0;
    for (int64_t iter = 1;; ++iter) {
      const int64_t edge = 2 * iter - 1, corner = 4 * iter - 2;
      bool changed = false;
      for (int64_t y = 1; y < ny - 1; ++y)
        for (int64_t x = 1; x < nx - 1; ++x) {
          const int64_t i = y * nx + x;
          if (cur[i] == 0) continue;
          int64_t m = cur[i];
          m = std::min({m, cur[i - nx - 1] + corner, cur[i - nx] + edge, cur[i - nx + 1] + corner, cur[i - 1] + edge,
                        cur[i + 1] + edge, cur[i + nx - 1] + corner, cur[i + nx] + edge, cur[i + nx + 1] + corner});
          if (m >= 65025) m = 65025;
          if (next[i] != m) { next[i] = m; changed = true; }
        }
      if (!changed) break;
      cur = next;
    }
    uint8_t* o = out.data() + z * area;
    for (int64_t i = 0; i < area; ++i) o[i] = static_cast<uint8_t>(static_cast<int>(std::sqrt(static_cast<double>(cur[i]))));
  }
  return out;
}

}  // namespace nt::nctutw
