#include "tracers/app1_geometry.h"

#include <algorithm>
#include <cmath>

namespace nt::app1 {

namespace {

inline int64_t trunc64(double v) { return static_cast<int64_t>(v); }
inline bool inside(const gd::ImageU8& img, int64_t i, int64_t j, int64_t k) {
  return i >= 0 && j >= 0 && k >= 0 && i < img.nx && j < img.ny && k < img.nz;
}

// fitPosition without a tangent: the intensity centroid (voxels > imgTH) of the samples
// (x + dx, y + dy, z + dz) over a ball of radius ir, stepping from -ir in unit steps, each read
// at the truncated position. Unchanged when the ball holds no such voxel.
void fitPosition(const gd::ImageU8& img, double imgTH, double ir, float& x, float& y, float& z) {
  double s = 0, cx = 0, cy = 0, cz = 0;
  const double r2 = ir * ir;
  for (double dz = -ir; dz <= ir; ++dz) {
    const double rz = dz * dz;
    for (double dy = -ir; dy <= ir; ++dy) {
      const double ry = rz + dy * dy;
      if (ry > r2) continue;
      for (double dx = -ir; dx <= ir; ++dx) {
        const double rx = ry + dx * dx;
        if (rx > r2 || std::sqrt(rx) > ir) continue;
        const int64_t i = trunc64(x + dx), j = trunc64(y + dy), k = trunc64(z + dz);
        if (!inside(img, i, j, k)) continue;
        const double f = img.at(i, j, k);
        if (f > imgTH) {
          s += f;
          cx += f * (x + dx);
          cy += f * (y + dy);
          cz += f * (z + dz);
        }
      }
    }
  }
  if (s > 0) {
    x = static_cast<float>(cx / s);
    y = static_cast<float>(cy / s);
    z = static_cast<float>(cz / s);
  }
}

double dmapAt(const Context& c, const Node& a) {
  const gd::ImageU8& img = c.img;
  const int64_t i = std::clamp<int64_t>(trunc64(a.x), 0, img.nx - 1), j = std::clamp<int64_t>(trunc64(a.y), 0, img.ny - 1),
                k = std::clamp<int64_t>(trunc64(a.z), 0, img.nz - 1);
  const size_t idx = (static_cast<size_t>(k) * img.ny + j) * img.nx + i;
  return c.dmap ? static_cast<double>(c.dmap[idx]) : static_cast<double>(static_cast<float>(std::sqrt(double(img.data[idx]))));
}

// transformDval2SR: the search radius shrinks from 10 as the distance value grows, never below 1.
double searchRadius(double dval) { return 10 - dval < 1 ? 1 : 10 - dval; }

// A bound the original did not have: its loop ends only when a move is shorter than a voxel, and
// two centroids can in principle hand the leaf back and forth for ever.
constexpr int kMaxCondenseSteps = 1000;

}  // namespace

void fitRadii(Tree& t, const Context& c) {
  if (t.size() < 2) return;
  const double th = c.stats.mean + c.stats.std;
  const float zt = static_cast<float>(c.zThickness);
  for (Node& a : t.u)
    a.r = gd::fitRadiusPercent(c.img, th, static_cast<float>(a.x), static_cast<float>(a.y), static_cast<float>(a.z), zt, true);
}

int64_t condenseLeaves(Tree& t, const Context& c) {
  int64_t capped = 0;
  for (int64_t i = 0; i < t.size(); ++i) {
    Node& a = t.u[i];
    if (a.parent < 0 || a.nchild != 0) continue;
    if ((i & 1023) == 0 && c.poll) c.poll();
    double sr = searchRadius(dmapAt(c, a));
    int steps = 0;
    for (;;) {
      float x = static_cast<float>(a.x), y = static_cast<float>(a.y), z = static_cast<float>(a.z);
      fitPosition(c.img, 0, sr, x, y, z);
      const double dx = a.x - x, dy = a.y - y, dz = a.z - z;
      if (dx * dx + dy * dy + dz * dz < 1.0) break;
      a.x = x; a.y = y; a.z = z;
      sr = searchRadius(dmapAt(c, a));
      if (++steps >= kMaxCondenseSteps) { ++capped; break; }
    }
  }
  return capped;
}

void smoothGraphOrder(Tree& t, const Context& c) {
  const int64_t M = t.size();
  if (M <= 2) return;
  std::vector<std::vector<int64_t>> nbr(static_cast<size_t>(M));
  for (const Node& a : t.u) {
    const int64_t pr = t.parentRow(a);
    if (pr >= 0) nbr[pr].push_back(a.n);
  }
  for (int64_t j = 0; j < M; ++j)
    if (t.u[j].parent >= 0) nbr[j].push_back(t.u[j].parent);

  const gd::ImageU8& img = c.img;
  const double th = c.stats.mean + c.stats.std;
  const double fImage = 1, fLength = 0.1, fPrior = 0.2;
  std::vector<Node> next = t.u;
  for (int64_t j = 0; j < M; ++j) {
    if ((j & 1023) == 0 && c.poll) c.poll();
    const Node& cur = t.u[j];
    const size_t deg = nbr[j].size();
    if (deg < 1) continue;
    // Image force: centroid of the non-zero voxels in a sphere of twice the 3-D ring radius.
    // The x range stops one short of its end (ix < x1), as in the original.
    const double radius = 2 * gd::fitRadiusPercent(img, th, static_cast<float>(cur.x), static_cast<float>(cur.y),
                                                    static_cast<float>(cur.z), 1.0f, false);
    const int64_t x0 = std::max<int64_t>(trunc64(cur.x - radius), 0), x1 = std::min<int64_t>(trunc64(cur.x + radius), img.nx - 1);
    const int64_t y0 = std::max<int64_t>(trunc64(cur.y - radius), 0), y1 = std::min<int64_t>(trunc64(cur.y + radius), img.ny - 1);
    const int64_t z0 = std::max<int64_t>(trunc64(cur.z - radius), 0), z1 = std::min<int64_t>(trunc64(cur.z + radius), img.nz - 1);
    const double r2 = radius * radius;
    double s = 0, px = 0, py = 0, pz = 0;
    for (int64_t iz = z0; iz <= z1; ++iz) {
      const double dz = (iz - cur.z) * (iz - cur.z);
      for (int64_t iy = y0; iy <= y1; ++iy) {
        const double dyz = (iy - cur.y) * (iy - cur.y) + dz;
        if (dyz > r2) continue;
        for (int64_t ix = x0; ix < x1; ++ix) {
          if ((ix - cur.x) * (ix - cur.x) + dyz > r2) continue;
          const double v = img.at(ix, iy, iz);
          if (v != 0) { s += v; px += v * ix; py += v * iy; pz += v * iz; }
        }
      }
    }
    double mx = cur.x, my = cur.y, mz = cur.z;
    if (s != 0) { mx = px / s; my = py / s; mz = pz / s; }
    // The prior curve is a copy of the nodes themselves, so its nearest point is the node.
    const double qx = cur.x, qy = cur.y, qz = cur.z;
    Node& o = next[j];
    if (deg == 1) {
      const double f = fImage + fPrior;
      o.x = (fImage * mx + fPrior * qx) / f;
      o.y = (fImage * my + fPrior * qy) / f;
      o.z = (fImage * mz + fPrior * qz) / f;
    } else {
      double sx = 0, sy = 0, sz = 0;
      for (int64_t id : nbr[j]) {
        const Node& b = t.u[t.row(id)];
        sx += b.x; sy += b.y; sz += b.z;
      }
      const double f = static_cast<double>(deg) * fLength + fImage + fPrior;
      o.x = (fLength * sx + fImage * mx + fPrior * qx) / f;
      o.y = (fLength * sy + fImage * my + fPrior * qy) / f;
      o.z = (fLength * sz + fImage * mz + fPrior * qz) / f;
    }
  }
  // Terminal nodes (one neighbour or none) keep their positions.
  for (int64_t j = 0; j < M; ++j)
    if (nbr[j].size() <= 1) { next[j].x = t.u[j].x; next[j].y = t.u[j].y; next[j].z = t.u[j].z; }
  t.u.swap(next);
}

namespace {

// Share of the intensity in n1's ball (voxels within n1.r of its rounded centre; it reaches
// R / zThickness slices up and down) at voxels where covered(x, y, z) holds. 1 when the ball holds
// no voxel or no intensity.
template <class Covered>
double ballShare(const Node& n1, const gd::ImageU8& img, double zThickness, Covered&& covered) {
  const int64_t R = static_cast<int64_t>(std::ceil(n1.r));
  const double r12 = n1.r * n1.r;
  const double kmax = R / zThickness;
  double total = 0, sum = 0, inc = 0;
  for (int64_t k = trunc64(-R / zThickness); k <= kmax; ++k) {
    const int64_t cz = trunc64(n1.z + k + 0.5);
    if (cz < 0 || cz >= img.nz) continue;
    const double ck = double(k) * k;
    for (int64_t j = -R; j <= R; ++j) {
      const int64_t cy = trunc64(n1.y + j + 0.5);
      if (cy < 0 || cy >= img.ny) continue;
      const double cj = double(j) * j + ck;
      if (cj > r12) continue;
      for (int64_t i = -R; i <= R; ++i) {
        const int64_t cx = trunc64(n1.x + i + 0.5);
        if (cx < 0 || cx >= img.nx) continue;
        if (double(i) * i + cj > r12) continue;
        total += 1;
        const double v = img.at(cx, cy, cz);
        sum += v;
        if (covered(cx, cy, cz)) inc += v;
      }
    }
  }
  if (total == 0) return 1;
  return sum <= 0 ? 1.0 : inc / sum;
}

bool inBall(int64_t cx, int64_t cy, int64_t cz, const Node& n, double r2) {
  return (cz - n.z) * (cz - n.z) + (cy - n.y) * (cy - n.y) + (cx - n.x) * (cx - n.x) <= r2;
}

}  // namespace

double overlapRatio(const Node& n1, const Node& n2, const Context& c) {
  const double r22 = n2.r * n2.r;
  return ballShare(n1, c.img, c.zThickness, [&](int64_t cx, int64_t cy, int64_t cz) { return inBall(cx, cy, cz, n2, r22); });
}

double overlapRatioCovers(const Node& n1, const Tree& t, const std::vector<int64_t>& coverIds, const Context& c) {
  if (coverIds.empty()) return 0;
  if (coverIds.size() == 1 && t.u[t.row(coverIds[0])].n == n1.n) return 0;
  return ballShare(n1, c.img, 1.0, [&](int64_t cx, int64_t cy, int64_t cz) {
    for (int64_t id : coverIds) {
      const Node& n2 = t.u[t.row(id)];
      if (n2.n == n1.n || n2.nchild < 0) continue;
      if (inBall(cx, cy, cz, n2, n2.r * n2.r)) return true;
    }
    return false;
  });
}

double edgeMean(const Node& a, const Node& b, const gd::ImageU8& img) {
  const double len = dist(a, b);
  auto inRange = [&](double x, double y, double z) {
    return x >= 0 && x <= img.nx - 1 && y >= 0 && y <= img.ny - 1 && z >= 0 && z <= img.nz - 1;
  };
  auto sample = [&](double x, double y, double z) {
    return static_cast<double>(img.at(trunc64(x + 0.5), trunc64(y + 0.5), trunc64(z + 0.5)));
  };
  if (len <= 0) return inRange(a.x, a.y, a.z) ? sample(a.x, a.y, a.z) : 0;
  const double dx = (b.x - a.x) / len, dy = (b.y - a.y) / len, dz = (b.z - a.z) / len;
  double s = 0;
  int64_t cnt = 0;
  // The original divided by a counter it never initialised (a shadowed loop variable counted
  // instead); the mean of the samples is what it meant.
  for (int i = 0; i < len; ++i) {
    const double x = a.x + dx * i, y = a.y + dy * i, z = a.z + dz * i;
    if (inRange(x, y, z)) { s += sample(x, y, z); ++cnt; }
  }
  return cnt > 0 ? s / static_cast<double>(cnt) : s;
}

}  // namespace nt::app1
