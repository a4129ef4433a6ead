#include "tracers/neurogps_track.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "tracers/neurogps_pca.h"

namespace nt::gps {

using kern::BoxView16;
using kern::stencilMean;

namespace {

inline int clampTo(int v, int lo, int hi) { return std::max(lo, std::min(v, hi)); }

// The 36 x 18 direction grid (10° steps in azimuth and polar angle) the ray tests scan.
struct DirGrid {
  Vec3 d[36 * 18];
  DirGrid() {
    for (int i = 0; i < 36; ++i)
      for (int j = 0; j < 18; ++j) {
        const double ii = i * M_PI / 18.0, jj = j * M_PI / 18.0;
        d[i * 18 + j] = {std::sin(jj) * std::cos(ii), std::sin(ii) * std::sin(jj), std::cos(jj)};
      }
  }
};
const DirGrid& dirGrid() {
  static const DirGrid g;
  return g;
}

// Box [Round(c - r), Round(c + r)] clamped into [0, size - 1] on one axis (never empty).
inline void clampedSpan(double c, double r, int size, int& lo, int& hi) {
  lo = std::max(std::min(roundHalfAway(c - r), size - 1), 0);
  hi = std::min(std::max(roundHalfAway(c + r), 0), size - 1);
}

// Past the image by more than one voxel; a non-finite position (never expected) counts as outside
// so it can never reach the integer rounding of the next step.
bool outside(const Vec3& p, const Image16& img) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) return true;
  return std::min({p.x, p.y, p.z}) < -1.0 || p.x > img.nx || p.y > img.ny || p.z > img.nz;
}

}  // namespace

Tracker::Tracker(const Image16& orig, const Image16& back, const TrackConfig& cfg)
    : orig_(orig), back_(back), cfg_(cfg), index_(orig.v.size(), 0) {}

// Get3DRegion around the rounded centre, clamped to the image.
BoxView16 Tracker::window(const Vec3& c, int ex, int ey, int ez) const {
  const int cx = roundHalfAway(c.x), cy = roundHalfAway(c.y), cz = roundHalfAway(c.z);
  return orig_.view().sub(std::max(0, cx - ex), std::max(0, cy - ey), std::max(0, cz - ez), std::min(orig_.nx - 1, cx + ex),
                          std::min(orig_.ny - 1, cy + ey), std::min(orig_.nz - 1, cz + ez));
}

// CalcInitDirectionOnTraceSeed: the brightest of 432 hemisphere lines through the seed (17
// samples each, 3x3x3 means of I − B), if it stands out from the others and from the noise.
Vec3 Tracker::initialDirection(const Vec3& p, int w) const {
  const int cx = static_cast<int>(p.x), cy = static_cast<int>(p.y), cz = static_cast<int>(p.z);
  const int x0 = std::max(0, cx - w), y0 = std::max(0, cy - w), z0 = std::max(0, cz - w);
  const int sx = std::min(orig_.nx - 1, cx + w) - x0 + 1, sy = std::min(orig_.ny - 1, cy + w) - y0 + 1,
            sz = std::min(orig_.nz - 1, cz + w) - z0 + 1;
  const Vec3 c{p.x - x0, p.y - y0, p.z - z0};
  auto boxMean = [&](const Vec3& q, bool backOnly) {
    int lx, hx, ly, hy, lz, hz;
    clampedSpan(q.x, 1.0, sx, lx, hx);
    clampedSpan(q.y, 1.0, sy, ly, hy);
    clampedSpan(q.z, 1.0, sz, lz, hz);
    double s = 0;
    for (int i = lx; i <= hx; ++i)
      for (int j = ly; j <= hy; ++j)
        for (int k = lz; k <= hz; ++k) {
          const size_t at = orig_.idx(x0 + i, y0 + j, z0 + k);
          s += backOnly ? static_cast<double>(back_.v[at]) : static_cast<double>(orig_.v[at]) - back_.v[at];
        }
    return s / ((hx - lx + 1) * (hy - ly + 1) * (hz - lz + 1));
  };
  struct Ray { Vec3 d; double v; };
  std::vector<Ray> rays;
  rays.reserve(36 * 12);
  for (int i = 0; i < 36; ++i)
    for (int j = 0; j < 12; ++j) {
      const double jj = j * M_PI / 24.0, ii = i * M_PI / 18.0;
      const Vec3 d{std::sin(jj) * std::cos(ii), std::sin(ii) * std::sin(jj), std::cos(jj)};
      double sum = 0;
      for (int t = -8; t <= 8; ++t) sum += boxMean(c + d * t, false);
      rays.push_back({d, sum / 13.0});  // 17 samples divided by 13, as in the original
    }
  const double backValue = boxMean(Vec3{static_cast<double>(roundHalfAway(c.x)), static_cast<double>(roundHalfAway(c.y)),
                                        static_cast<double>(roundHalfAway(c.z))},
                                   true);
  // Largest value; ties go to the larger x, then y, then z component.
  size_t best = 0;
  for (size_t r = 1; r < rays.size(); ++r) {
    const Ray &a = rays[best], &b = rays[r];
    const bool greater = b.v != a.v ? b.v > a.v : b.d.x != a.d.x ? b.d.x > a.d.x : b.d.y != a.d.y ? b.d.y > a.d.y : b.d.z > a.d.z;
    if (greater) best = r;
  }
  double mean = 0;
  for (const Ray& r : rays) mean += r.v;
  mean /= static_cast<double>(rays.size());
  double ss = 0;
  for (const Ray& r : rays) ss += (r.v - mean) * (r.v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(rays.size() - 1));
  if (rays[best].v > std::min(2.5 * std::sqrt(backValue), 5.0 * sd)) return rays[best].d.normalized();
  return {};
}

// CalcNeighborSignal (low resolution) / CalcNeighborSignalV2 (high resolution): the brightest
// rays backward and forward of the node, then the signal in boxes strung along both of them.
void Tracker::neighbourSignal(const BoxView16& loc, const Vec3& node, const Vec3& dir, double threv,
                              Neighbourhood& nb) const {
  const bool high = cfg_.high;
  const double ext[3] = {high ? 9.0 : 7.0, high ? 9.0 : 7.0, high ? 9.0 : 6.0};
  const int size[3] = {loc.sx, loc.sy, loc.sz};
  int lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    lo[a] = std::max(roundHalfAway(node[a] - ext[a]), 0);
    hi[a] = std::min(roundHalfAway(node[a] + ext[a]), size[a] - 1);
  }
  const BoxView16 sub = loc.sub(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
  const Vec3 center{node.x - lo[0], node.y - lo[1], node.z - lo[2]};
  const int minLen = std::min({sub.sx, sub.sy, sub.sz});
  // Only the first three samples of each ray enter its mean: 1, 3, 5 (high) or 1, 2, 3 voxels out.
  const double steps[3] = {1.0, high ? 3.0 : 2.0, high ? 5.0 : 3.0};
  auto bestRay = [&](bool backward, const Vec3& fallback) {
    int count = 0;
    double bestV = 0;
    Vec3 best;
    for (const Vec3& d : dirGrid().d) {
      const double c = d.dot(dir);
      if (backward ? !(c < -0.95) : !(c > 0.95)) continue;
      double s = 0;
      for (double t : steps) {
        const Vec3 q = center + d * t;
        s += stencilMean(sub, 0.05, q.x, q.y, q.z);
      }
      s /= 3.0;
      if (count == 0 || s > bestV) { bestV = s; best = d; }
      ++count;
    }
    return count < 2 ? fallback : best.normalized();
  };
  Vec3 backDir = -dir, aheadDir = dir;
  if (minLen > 3 && loc.sz > 3) {
    backDir = bestRay(true, -dir);
    aheadDir = bestRay(false, dir);
  }
  nb.ahead = aheadDir;

  std::vector<int64_t> keys;
  keys.reserve(2048);
  const int64_t SY = loc.sy, SZ = loc.sz;
  auto addBox = [&](const Vec3& c, double rxy, double rz) {
    int lx, hx, ly, hy, lz, hz;
    clampedSpan(c.x, rxy, loc.sx, lx, hx);
    clampedSpan(c.y, rxy, loc.sy, ly, hy);
    clampedSpan(c.z, rz, loc.sz, lz, hz);
    for (int x = lx; x <= hx; ++x)
      for (int y = ly; y <= hy; ++y)
        for (int z = lz; z <= hz; ++z) keys.push_back((x * SY + y) * SZ + z);
  };
  if (high) {
    for (int i = 0; i < 5; ++i) addBox(node + backDir * (1.5 * i), 3.0, 2.0);
    for (int i = 1; i < 5; ++i) addBox(node + aheadDir * (1.5 * i), 2.0, 2.0);
  } else {
    for (int i = 0; i < 3; ++i) addBox(node + backDir * static_cast<double>(i), 2.0, 2.0);
    for (int i = 1; i < 3; ++i) addBox(node + aheadDir * static_cast<double>(i), 2.0, 2.0);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  nb.pts.clear();
  nb.w.clear();
  nb.pts.reserve(keys.size());
  nb.w.reserve(keys.size());
  for (int64_t key : keys) {
    const int z = static_cast<int>(key % SZ), y = static_cast<int>((key / SZ) % SY), x = static_cast<int>(key / (SZ * SY));
    nb.pts.push_back({static_cast<double>(x), static_cast<double>(y), static_cast<double>(z)});
    nb.w.push_back(std::max(static_cast<double>(loc(x, y, z)) - threv, 0.0));
  }
}

// TraceNextCurveNode(V2): recentres the node on the local signal across the tracking direction
// and updates the direction by constrained PCA. False when the signal is too weak to go on.
bool Tracker::nextNode(const BoxView16& loc, const Vec3& node, double threv, const Vec3& dir, Vec3& next,
                       Vec3& nextDir) const {
  next = Vec3{};
  nextDir = dir;
  Neighbourhood nb;
  neighbourSignal(loc, node, dir, threv, nb);
  const size_t n = nb.pts.size();
  const size_t top = std::min<size_t>(20, n);
  std::vector<double> sorted(nb.w);
  std::partial_sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(top), sorted.end(), std::greater<double>());
  double strongest = 0;
  if (top > (cfg_.high ? 15u : 10u)) {
    for (size_t i = 0; i < top; ++i) strongest += sorted[i];
    strongest /= static_cast<double>(top);
  }
  const double minCount = std::max(0.1 * threv, cfg_.high ? 15.0 : 5.0);
  const double minSignal = std::max(cfg_.endThrev, std::max(0.3 * threv, 4.5 * std::sqrt(threv)));
  if (!(static_cast<double>(n) > minCount && strongest > minSignal)) return false;
  bool valid = true;
  const LocalStats st = localStats(nb.pts, nb.w, node, cfg_.high);
  if (st.mass > 0) {
    Mat3 inv;
    // |det(Σ) / det(Σ⁻¹)| = det(Σ)² must stay below 10; a singular Σ keeps the direction.
    if (st.sigma.inverse(inv)) {
      const double det = st.sigma.determinant();
      if (std::abs(det / inv.determinant() + 0.0001) < 10.0) {
        const double sgn = det < 0 ? -1.0 : (det > 0 ? 1.0 : 0.0);
        nextDir = constrainedDirection(inv * sgn, dir.normalized(), nb.ahead, 0.9);
      }
    }
  } else {
    valid = false;
  }
  Vec3 x2, x3;
  orthoBasis(nextDir, x2, x3);
  next = node - (Mat3::outer(x3, x3) + Mat3::outer(x2, x2)) * st.shift;
  return valid;
}

// PushNodeUseRayBurst: the next node 1.5 voxels along the ray (within ~32° of dir) that stays
// above B + 4.5·sqrt(B) longest, preferring the ray closest to dir.
Vec3 Tracker::pushNode(const Vec3& p, double threv, const Vec3& dir) const {
  int lo[3], hi[3];
  const double ext[3] = {7.0, 7.0, 6.0};
  const int size[3] = {orig_.nx, orig_.ny, orig_.nz};
  for (int a = 0; a < 3; ++a) {
    lo[a] = std::max(roundHalfAway(p[a] - ext[a]), 0);
    hi[a] = std::min(roundHalfAway(p[a] + ext[a]), size[a] - 1);
  }
  const BoxView16 box = orig_.view().sub(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
  const Vec3 c{p.x - lo[0], p.y - lo[1], p.z - lo[2]};
  Vec3 step = dir;
  if (std::min({box.sx, box.sy, box.sz}) > 3 && orig_.nz > 3) {
    const double thr = threv + 4.5 * std::sqrt(threv);
    bool found = false;
    double bestScore = 0;
    Vec3 best;
    for (const Vec3& d : dirGrid().d) {
      const double cosA = d.dot(dir);
      if (!(cosA > 0.85)) continue;
      double w[3];
      const double t[3] = {0.5, 1.5, 2.0};
      for (int k = 0; k < 3; ++k) {
        const Vec3 q = c + d * t[k];
        w[k] = stencilMean(box, 0.05, q.x, q.y, q.z);
      }
      const double score = 300.0 * kern::leadingAtLeast(w, 3, thr) + cosA;
      if (!found || score > bestScore) { found = true; bestScore = score; best = d; }
    }
    if (found) step = best.normalized();
  }
  return p + step * 1.5;
}

// CalcParmOfCurveNode: radius from the largest of four spheres more than half filled with
// voxels where I − B − 3·sqrt(B) > 0, corrected by the cube root of that fill fraction; the mean
// of the positive signal within the second sphere.
void Tracker::nodeParams(const Vec3& p, double& radius, double& mean) const {
  const bool high = cfg_.high;
  const int e = high ? 8 : 5;
  const BoxView16 box = window(p, e, e, e);
  const Vec3 c{p.x - box.x0, p.y - box.y0, p.z - box.z0};
  const double level[4] = {high ? 1.5 : 1.0, high ? 3.0 : 2.0, high ? 4.5 : 3.0, high ? 6.0 : 4.0};
  double cnt[4] = {0, 0, 0, 0}, pos[4] = {0, 0, 0, 0}, vv0 = 0, vv1 = 0;
  for (int i = 0; i < box.sx; ++i)
    for (int j = 0; j < box.sy; ++j)
      for (int k = 0; k < box.sz; ++k) {
        const size_t at = orig_.idx(box.x0 + i, box.y0 + j, box.z0 + k);
        const double b = back_.v[at];
        const double proc = static_cast<double>(orig_.v[at]) - b - 3.0 * std::sqrt(b);
        const double d = Vec3{i - c.x, j - c.y, k - c.z}.norm();
        for (int l = 0; l < 4; ++l) {
          if (d > level[l]) continue;
          cnt[l] += 1.0;
          if (proc > 0) {
            pos[l] += 1.0;
            if (l == 0) vv0 += proc;
            if (l == 1) vv1 += proc;
          }
        }
      }
  radius = 0.05;
  mean = 0;
  for (int i = 1; i <= 4; ++i)
    if (pos[4 - i] / (cnt[4 - i] + 0.0001) > 0.5) {
      radius = (5.0 - i) * (high ? 1.5 : 1.0);
      break;
    }
  if (radius > 2.1) {
    const int l = (high ? static_cast<int>(radius / 1.5 + 0.5) : static_cast<int>(radius + 0.5)) - 1;
    radius = radius / std::pow(cnt[l] / pos[l], 1.0 / 3.0);
    mean = pos[1] > 0 ? vv1 / pos[1] : 0.0;  // the original divides by zero here
  }
  if (radius < 2.1) {
    if (pos[1] > 0) {
      radius = 2.0 / std::pow(cnt[1] / pos[1], 1.0 / 3.0);
      mean = vv1 / pos[1];
    }
    if (pos[1] == 0 && pos[0] > 0) {
      radius = 1.0 / std::pow(cnt[0] / pos[0], 1.0 / 3.0);
      mean = vv0 / pos[0];
    }
  }
}

// IsCurvesCollide(V2): in the 5x5x5 window around the node, when more than 60 (75 at low
// resolution) voxels are claimed, the curve owning the longest run of the sorted ids and that
// run's share of 125. The run lengths keep the original's off-by-one (first run one short,
// last one long when there are several).
void Tracker::windowHit(const Vec3& p, int& id, double& share) const {
  id = 0;
  share = 0;
  const int cx = roundHalfAway(p.x), cy = roundHalfAway(p.y), cz = roundHalfAway(p.z);
  std::vector<int32_t> ids;
  for (int i = std::max(0, cx - 2); i <= std::min(cx + 2, orig_.nx - 1); ++i)
    for (int j = std::max(0, cy - 2); j <= std::min(cy + 2, orig_.ny - 1); ++j)
      for (int k = std::max(0, cz - 2); k <= std::min(cz + 2, orig_.nz - 1); ++k) {
        const int32_t v = index_[orig_.idx(i, j, k)];
        if (v != 0) ids.push_back(v);
      }
  if (ids.size() <= (cfg_.high ? 60u : 75u)) return;
  std::sort(ids.begin(), ids.end());
  std::vector<size_t> bounds{0};
  std::vector<int32_t> values;
  for (size_t i = 0; i + 1 < ids.size(); ++i)
    if (ids[i + 1] != ids[i]) {
      bounds.push_back(i);
      values.push_back(ids[i]);
    }
  bounds.push_back(ids.size());
  values.push_back(ids.back());
  size_t best = 0, bestLen = 0;
  for (size_t r = 0; r + 1 < bounds.size(); ++r) {
    const size_t len = bounds[r + 1] - bounds[r];
    if (r == 0 || len > bestLen) { best = r; bestLen = len; }
  }
  id = values[best];
  share = static_cast<double>(bestLen) / 125.0;
}

// TraceForwardInKnot (low resolution): follows dir for up to 14 steps past a collision. The
// crossing counts when it advances more than 10 voxels and more than 6 of its nodes lie on
// signal not owned by the curve that was hit.
bool Tracker::crossKnot(const Vec3& dir0, const Vec3& start, int hitId, std::vector<Vec3>& cross) const {
  std::vector<Vec3> pts{start};
  int i = 0;
  bool valid = true;
  Vec3 dir = dir0;
  while (valid && i < 14) {
    const BoxView16 loc = window(pts[i], 10, 10, 7);
    const int tx = clampTo(roundHalfAway(pts[i].x - 1.0), 0, orig_.nx - 1);
    const int ty = clampTo(roundHalfAway(pts[i].y - 1.0), 0, orig_.ny - 1);
    const int tz = clampTo(roundHalfAway(pts[i].z - 1.0), 0, orig_.nz - 1);
    const double threv = back_(tx, ty, tz);
    const Vec3 local{pts[i].x - loc.x0, pts[i].y - loc.y0, pts[i].z - loc.z0};
    Vec3 next, nd;
    valid = nextNode(loc, local, threv, dir, next, nd);
    dir = (dir0 * 0.8 + nd * 0.2).normalized();
    if (next.x != 0.0 && next.y != 0.0 && next.z != 0.0) next += Vec3{double(loc.x0), double(loc.y0), double(loc.z0)};
    if (valid) {
      pts[i] = next;
      ++i;
      pts.push_back(next + nd * 2.0);
    }
    if (outside(pts[i], orig_)) valid = false;
    if (valid) {
      double best = -1e300;
      for (int k = i - 1; k <= i; ++k) {
        const double o = stencilMean(orig_.view(), 0.05, pts[k].x, pts[k].y, pts[k].z);
        const double b = stencilMean(back_.view(), 0.05, pts[k].x, pts[k].y, pts[k].z);
        best = std::max(best, o - b - 3.5 * std::sqrt(b));
      }
      if (best < 0.0) {
        valid = false;
        i -= 2;
      }
    }
  }
  cross.clear();
  if (i >= 0) cross.assign(pts.begin(), pts.begin() + i + 1);
  if (i <= 4) return false;
  int notOwned = 0;
  for (int k = 0; k <= i; ++k) {
    const int x = clampTo(roundHalfAway(cross[k].x), 0, orig_.nx - 1);
    const int y = clampTo(roundHalfAway(cross[k].y), 0, orig_.ny - 1);
    const int z = clampTo(roundHalfAway(cross[k].z), 0, orig_.nz - 1);
    const size_t at = orig_.idx(x, y, z);
    const double b = back_.v[at];
    const int owner = static_cast<double>(orig_.v[at]) > b + 4.5 * std::sqrt(b) ? index_[at] : 0;
    if (owner != hitId) ++notOwned;
  }
  const double advance = (cross[i] - cross[0]).dot(dir0);
  return advance > 10.0 && notOwned > 6;
}

// RayburstShapeTrack: up to len steps, each to the intensity-weighted centre of the ray-burst
// shape voxels ahead of the current point.
std::vector<Vec3> Tracker::rayburstTrack(const Vec3& start, const Vec3& dir, int len) const {
  std::vector<Vec3> out;
  Vec3 p = start;
  for (int j = 0; j < len; ++j) {
    const std::vector<kern::GridVoxel> shape = kern::rayBurstShape(orig_.view(), p);
    if (shape.size() <= 2) break;
    std::vector<Vec3> ahead;
    for (const kern::GridVoxel& v : shape) {
      const Vec3 q{double(v.x), double(v.y), double(v.z)};
      if (dir.dot(q - p) > 0.0) ahead.push_back(q);
    }
    if (ahead.size() <= 1) break;
    std::vector<double> w(ahead.size());
    double sum = 0;
    for (size_t k = 0; k < ahead.size(); ++k) {
      w[k] = stencilMean(orig_.view(), 0.05, ahead[k].x, ahead[k].y, ahead[k].z);
      sum += w[k];
    }
    if (!(sum > 0)) break;  // an all-zero neighbourhood has no centre
    Vec3 q;
    for (size_t k = 0; k < ahead.size(); ++k) q += ahead[k] * (w[k] / sum);
    p = q;
    out.push_back(p);
  }
  return out;
}

// TraceCurvesForwardFromSeed: one direction from the seed, up to 3000 nodes.
Curve Tracker::traceOneWay(const Vec3& dir0, const Vec3& start, int& hit) {
  const bool high = cfg_.high;
  Curve c(1);
  c[0].setP(start);
  hit = 0;
  bool valid = true;
  int i = 0;
  Vec3 dir = dir0;
  const Vec3 fixDir = dir0;
  std::vector<Vec3> saveDir{dir};
  std::vector<int> crossed(3000, 0);  // id of a curve crossed at node i (low resolution knots)
  const int ex = high ? 15 : 10, ez = high ? 10 : 7;
  const double endK = high ? 4.0 : 2.0;
  auto setSave = [&](int k, const Vec3& d) {
    if (static_cast<int>(saveDir.size()) < k + 1) saveDir.resize(k + 1);
    saveDir[k] = d;
  };
  while (valid && i < 3000) {
    const BoxView16 loc = window(c[i].p(), ex, ex, ez);
    const int tx = clampTo(roundHalfAway(c[i].x), 0, orig_.nx - 1);
    const int ty = clampTo(roundHalfAway(c[i].y), 0, orig_.ny - 1);
    const int tz = clampTo(roundHalfAway(c[i].z), 0, orig_.nz - 1);
    const double threv = back_(tx, ty, tz);
    const Vec3 local{c[i].x - loc.x0, c[i].y - loc.y0, c[i].z - loc.z0};
    Vec3 next, nd;
    valid = nextNode(loc, local, threv, dir, next, nd);
    dir = nd;
    const Vec3 pushDir = nd;
    if (!next.isZero()) c[i].setP(next + Vec3{double(loc.x0), double(loc.y0), double(loc.z0)});
    if (outside(c.back().p(), orig_)) valid = false;
    if (i < 4) dir = (dir * 0.5 + fixDir * 0.5).normalized();

    if (i > 3) {
      dir = curveDirection(c, std::max(i - 10, 0), i - 1);
      int crossedId = 0;
      int id;
      double share;
      windowHit(c[i].p(), id, share);
      if (high) {
        if (share > 0.1) { hit = id; valid = false; }
      } else if (share > 0.5) {
        hit = id;
        valid = false;
        std::vector<Vec3> cross;
        if (crossKnot(curveDirection(c, std::max(i - 10, 0), i - 2), c[i - 2].p(), id, cross)) {
          crossedId = id;
          valid = true;
          c.resize(i + 4);
          for (int k = 0; k < 5; ++k) c[i - 1 + k].setP(cross[k + 1]);
          i += 3;
          hit = 0;
        }
      }
      if (static_cast<int>(crossed.size()) < i + 1) crossed.resize(i + 1, 0);
      crossed[i] = crossedId;
      if (crossedId > 0)
        for (int k = i - 3; k <= i; ++k) setSave(k, dir);
    }

    if (i > 3) {
      double nearest = 1e300;
      for (int k = 1; k < 4; ++k) nearest = std::min(nearest, (c[i - k + 1].p() - c[i - k].p()).norm());
      dir = curveDirection(c, std::max(i - 10, 0), i - 1);
      // The path must keep heading where it headed ~6 nodes ago (z counted twice).
      const Vec3 ref = saveDir[std::max(i - 6, 0)];
      auto stretched = [&](int a, int b) {
        Vec3 d = c[a].p() - c[b].p();
        d.z *= 2.0;
        return d;
      };
      const Vec3 v[4] = {stretched(i - 1, std::max(i - 6, 0)), stretched(i - 2, std::max(i - 6, 0)),
                         stretched(i - 2, std::max(i - 7, 0)), stretched(i - 1, std::max(i - 7, 0))};
      double cmax = -1e300, cmin = 1e300;
      for (const Vec3& u : v) {
        const double corr = ref.dot(u) / (ref.norm() * u.norm() + 0.001);
        cmax = std::max(cmax, corr);
        cmin = std::min(cmin, corr);
      }
      if (nearest < 0.15) { valid = false; --i; }
      if (cmax < 0.5 || cmin < -0.5) { valid = false; i -= 3; }
      if (valid) {
        double best = -1e300;
        for (int k = i - 1; k <= i; ++k) {
          const double o = stencilMean(orig_.view(), 0.05, c[k].x, c[k].y, c[k].z);
          const double b = stencilMean(back_.view(), 0.05, c[k].x, c[k].y, c[k].z);
          best = std::max(best, o - b - endK * std::sqrt(b));
        }
        if (best < 0.0) {
          if (high) {
            valid = false;
          } else {
            const std::vector<Vec3> track = rayburstTrack(c[i - 3].p(), dir, 5);
            if (track.size() > 2) {
              for (int k = i - 2; k <= i; ++k) c[k].setP(track[k - i + 2]);
              dir = curveDirection(c, std::max(i - 9, 0), i);
            } else {
              valid = false;
            }
          }
        }
      }
    }

    if (valid && crossed[i] == 0) {
      setSave(i, dir);
      ++i;
      const Vec3 pushed = pushNode(c[i - 1].p(), threv, pushDir);
      if (static_cast<int>(c.size()) < i + 1) c.resize(i + 1);
      c[i].setP(pushed);
    }
  }
  if (i + 1 < static_cast<int>(c.size())) c.resize(static_cast<size_t>(std::max(i + 1, 0)));
  return c;
}

void Tracker::claim(const Curve& dense, int id) {
  const bool high = cfg_.high;
  const size_t n = dense.size();
  for (size_t ik = 1; ik + 1 < n; ++ik) {
    const Node& q = dense[ik];
    const int t = high ? static_cast<int>(std::min(5.0, std::max(1.0, double(roundHalfAway(q.r + 2.5)))))
                       : static_cast<int>(std::min(2.0, std::max(1.0, double(roundHalfAway(q.r + 0.5)))));
    const int cx = roundHalfAway(q.x), cy = roundHalfAway(q.y), cz = roundHalfAway(q.z);
    for (int i = std::max(0, cx - t); i <= std::min(orig_.nx - 1, cx + t); ++i)
      for (int j = std::max(0, cy - t); j <= std::min(orig_.ny - 1, cy + t); ++j)
        for (int k = std::max(0, cz - t); k <= std::min(orig_.nz - 1, cz + t); ++k) {
          const size_t at = orig_.idx(i, j, k);
          if (index_[at] != 0) continue;
          if (!high) {
            index_[at] = id;
            continue;
          }
          // High resolution: a ball of radius 2, plus bright voxels of the surrounding box.
          const double dist = Vec3{double(i - cx), double(j - cy), double(k - cz)}.norm();
          const double b = back_.v[at];
          if (dist < 2.0 || static_cast<double>(int(orig_.v[at]) - int(back_.v[at])) > std::max(cfg_.fillThrev, 4.5 * std::sqrt(b)))
            index_[at] = id;
        }
  }
}

// TraceCurvesFromSeed.
Curve Tracker::traceFromSeed(const Vec3& seed, int id, Link& link) {
  link = Link{};
  const int sx = static_cast<int>(seed.x), sy = static_cast<int>(seed.y), sz = static_cast<int>(seed.z);
  Vec3 dir;
  if (index_[orig_.idx(sx, sy, sz)] == 0) {
    dir = initialDirection(seed, cfg_.high ? 12 : 8);
    int claimed = 0;
    for (int i = std::max(0, sx - 2); i <= std::min(orig_.nx - 1, sx + 2); ++i)
      for (int j = std::max(0, sy - 2); j <= std::min(orig_.ny - 1, sy + 2); ++j)
        for (int k = std::max(0, sz - 2); k <= std::min(orig_.nz - 1, sz + 2); ++k)
          if (index_[orig_.idx(i, j, k)] != 0) ++claimed;
    if (claimed > 83.3333) dir = Vec3{};  // two thirds of the 5x5x5 block already traced
  }
  Curve raw;
  if (std::abs(dir.x) >= 0.0001 || std::abs(dir.y) >= 0.0001 || std::abs(dir.z) >= 0.0001) {
    const Vec3 start{double(roundHalfAway(seed.x)), double(roundHalfAway(seed.y)), double(roundHalfAway(seed.z))};
    int tailHit = 0, headHit = 0;
    const Curve backward = traceOneWay(-dir, start, tailHit);
    const Curve forward = traceOneWay(dir, start, headHit);
    link.head = headHit;
    link.tail = tailHit;
    // Forward tip first (its very last node dropped), then the backward branch from the seed.
    if (forward.size() > 2) {
      for (size_t n = forward.size() - 1; n-- > 0;) raw.push_back(forward[n]);
      raw.insert(raw.end(), backward.begin(), backward.end());
    } else {
      raw = backward;
    }
  }
  if (raw.size() <= 4) {
    link = Link{};
    return {};
  }
  for (Node& q : raw) {
    const Vec3 r{double(roundHalfAway(q.x)), double(roundHalfAway(q.y)), double(roundHalfAway(q.z))};
    nodeParams(r, q.r, q.v);
  }
  Curve dense;
  dense.reserve(raw.size() * 2 - 1);
  for (size_t i = 0; i + 1 < raw.size(); ++i) {
    dense.push_back(raw[i]);
    const Node &a = raw[i], &b = raw[i + 1];
    dense.push_back({0.5 * (a.x + b.x), 0.5 * (a.y + b.y), 0.5 * (a.z + b.z), 0.5 * (a.r + b.r), 0.5 * (a.v + b.v)});
  }
  dense.push_back(raw.back());
  claim(dense, id);
  return dense;
}

}  // namespace nt::gps
