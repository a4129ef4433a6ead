#include "kernels/gd.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <queue>
#include <stdexcept>
#include <utility>

namespace nt {
namespace gd {

ImageStats imageStats(const ImageU8& img) {
  ImageStats s;
  const size_t n = img.voxels();
  if (n == 0) return s;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += img.data[i];
  s.mean = sum / static_cast<double>(n);
  double ss = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = img.data[i] - s.mean;
    ss += d * d;
  }
  s.std = std::sqrt(ss / static_cast<double>(n));
  return s;
}

namespace {

// The block bounds Vaa3D computes: half-widths are |step|/2 as doubles and the bounds are
// converted to integers by truncation, then clipped.
struct Bounds { int64_t xs, xe, ys, ye, zs, ze; };
bool blockBounds(const ImageU8& img, int64_t x0, int64_t y0, int64_t z0, int sx, int sy, int sz, Bounds& b) {
  if (img.nx <= 0 || img.ny <= 0 || img.nz <= 0 || x0 < 0 || x0 >= img.nx || y0 < 0 || y0 >= img.ny || z0 < 0 || z0 >= img.nz)
    return false;
  const double hx = std::fabs(static_cast<double>(sx)) / 2, hy = std::fabs(static_cast<double>(sy)) / 2,
               hz = std::fabs(static_cast<double>(sz)) / 2;
  b.xs = static_cast<int64_t>(x0 - hx); b.xe = static_cast<int64_t>(x0 + hx);
  b.ys = static_cast<int64_t>(y0 - hy); b.ye = static_cast<int64_t>(y0 + hy);
  b.zs = static_cast<int64_t>(z0 - hz); b.ze = static_cast<int64_t>(z0 + hz);
  b.xs = std::max<int64_t>(b.xs, 0); b.xe = std::min<int64_t>(b.xe, img.nx - 1);
  b.ys = std::max<int64_t>(b.ys, 0); b.ye = std::min<int64_t>(b.ye, img.ny - 1);
  b.zs = std::max<int64_t>(b.zs, 0); b.ze = std::min<int64_t>(b.ze, img.nz - 1);
  return true;
}

inline double metric(double v) {
  const double t = 1 - v / 255;
  return std::exp(t * t * 10);
}

}  // namespace

double blockMean(const ImageU8& img, int64_t x0, int64_t y0, int64_t z0, int sx, int sy, int sz) {
  Bounds b;
  if (!blockBounds(img, x0, y0, z0, sx, sy, sz, b)) return 0;
  double v = 0;
  int64_t n = 0;
  for (int64_t k = b.zs; k <= b.ze; ++k)
    for (int64_t j = b.ys; j <= b.ye; ++j) {
      const uint8_t* row = img.data + (static_cast<size_t>(k) * img.ny + j) * img.nx;
      for (int64_t i = b.xs; i <= b.xe; ++i) { v += row[i]; ++n; }
    }
  return n == 0 ? 0 : v / static_cast<double>(n);
}

double blockMax(const ImageU8& img, int64_t x0, int64_t y0, int64_t z0, int sx, int sy, int sz) {
  Bounds b;
  if (!blockBounds(img, x0, y0, z0, sx, sy, sz, b)) return 0;
  double m = 0;
  for (int64_t k = b.zs; k <= b.ze; ++k)
    for (int64_t j = b.ys; j <= b.ye; ++j)
      for (int64_t i = b.xs; i <= b.xe; ++i) m = std::max<double>(m, img.at(i, j, k));
  return m;
}

// ---------------------------------------------------------------- grid graph

GridGraph::GridGraph(const ImageU8& img, const GraphParams& p, int64_t x0, int64_t y0, int64_t z0, int64_t x1, int64_t y1,
                     int64_t z1)
    : p_(p), bx0_(x0), by0_(y0), bz0_(z0), bx1_(x1), by1_(y1), bz1_(z1) {
  build(img);
}

GridGraph::GridGraph(const ImageU8& img, const GraphParams& p)
    : p_(p), bx0_(0), by0_(0), bz0_(0), bx1_(img.nx - 1), by1_(img.ny - 1), bz1_(img.nz - 1) {
  build(img);
}

void GridGraph::build(const ImageU8& img) {
  if (img.nx <= 0 || img.ny <= 0 || img.nz <= 0) throw std::invalid_argument("GD: empty image");
  if (bx0_ < 0 || by0_ < 0 || bz0_ < 0 || bx1_ >= img.nx || by1_ >= img.ny || bz1_ >= img.nz || bx1_ < bx0_ ||
      by1_ < by0_ || bz1_ < bz0_)
    throw std::invalid_argument("GD: bounding box outside the image");
  if (p_.step < 1) p_.step = 1;
  if (!(p_.zThickness > 0)) p_.zThickness = 1.0;
  const int s = p_.step;
  nx_ = (bx1_ - bx0_) / s + 1;
  ny_ = (by1_ - by0_) / s + 1;
  nz_ = (bz1_ - bz0_) / s + 1;
  if (nx_ * ny_ * nz_ > std::numeric_limits<int32_t>::max()) throw std::invalid_argument("GD: graph too large");
  // The z block size is step / zThickness passed through an int parameter (truncated).
  const int zblock = static_cast<int>(s / p_.zThickness);
  value_.resize(static_cast<size_t>(nx_ * ny_ * nz_));
  cost_.resize(value_.size());
  for (int64_t k = 0; k < nz_; ++k)
    for (int64_t j = 0; j < ny_; ++j)
      for (int64_t i = 0; i < nx_; ++i) {
        const int64_t x = bx0_ + i * s, y = by0_ + j * s, z = bz0_ + k * s;
        const double v = p_.blockMaxValue ? blockMax(img, x, y, z, s, s, zblock) : blockMean(img, x, y, z, s, s, zblock);
        const size_t m = static_cast<size_t>((k * ny_ + j) * nx_ + i);
        value_[m] = v;
        cost_[m] = metric(v);
      }
  const double zt = p_.zThickness;
  auto len = [zt](int di, int dj, int dk) { return std::sqrt(double(di * di + dj * dj) + dk * dk * zt * zt); };
  std::vector<std::array<int, 3>> dirs = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  if (p_.diagonalEdges) {
    // The 13 directions of GD's edge table (face, edge and corner diagonals of a grid cell).
    const std::vector<std::array<int, 3>> diag = {{1, 1, 0}, {0, 1, 1}, {1, 0, 1}, {-1, 1, 0}, {0, -1, 1},
                                                   {1, 0, -1}, {1, 1, 1}, {-1, 1, 1}, {1, -1, 1}, {1, 1, -1}};
    dirs.insert(dirs.end(), diag.begin(), diag.end());
  }
  for (const auto& d : dirs) {
    const double l = len(d[0], d[1], d[2]);
    offsets_.push_back({d[0], d[1], d[2], l});
    offsets_.push_back({-d[0], -d[1], -d[2], l});
  }
}

int64_t GridGraph::nodeOf(double x, double y, double z) const {
  const double dd = 0.5;
  if (x < bx0_ - dd || x > bx1_ + dd || y < by0_ - dd || y > by1_ + dd || z < bz0_ - dd || z > bz1_ + dd) return -1;
  const int64_t s = p_.step;
  const int64_t i = static_cast<int64_t>((x + .5) - bx0_) / s, j = static_cast<int64_t>((y + .5) - by0_) / s,
                k = static_cast<int64_t>((z + .5) - bz0_) / s;
  if (i < 0 || j < 0 || k < 0) return -1;
  // Half a voxel past an odd-sized box edge rounds to grid column n, which the original folds
  // into the next row of its flat index; the intended node is the last column.
  return (std::min(k, nz_ - 1) * ny_ + std::min(j, ny_ - 1)) * nx_ + std::min(i, nx_ - 1);
}

Point GridGraph::position(int64_t node) const {
  const int64_t i = node % nx_, j = (node / nx_) % ny_, k = node / (nx_ * ny_);
  return {double(bx0_ + i * p_.step), double(by0_ + j * p_.step), double(bz0_ + k * p_.step)};
}

// ---------------------------------------------------------------- shortest paths

ShortestPaths dijkstra(const GridGraph& g, int64_t source, const std::function<void()>& poll) {
  ShortestPaths sp;
  const int64_t n = g.size();
  if (source < 0 || source >= n) throw std::invalid_argument("GD: start node outside the graph");
  sp.source = source;
  sp.pred.assign(static_cast<size_t>(n), -1);
  sp.dist.assign(static_cast<size_t>(n), std::numeric_limits<double>::infinity());
  std::vector<uint8_t> done(static_cast<size_t>(n), 0);
  using Item = std::pair<double, int32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
  sp.dist[source] = 0;
  heap.push({0.0, static_cast<int32_t>(source)});
  size_t pops = 0;
  while (!heap.empty()) {
    const auto [d, u] = heap.top();
    heap.pop();
    if (done[u]) continue;
    done[u] = 1;
    if (poll && (++pops & 0xFFFF) == 0) poll();
    g.forEachEdge(u, [&](int64_t v, double w) {
      if (done[v]) return;
      const double nd = d + w;
      if (nd < sp.dist[v]) {
        sp.dist[v] = nd;
        sp.pred[v] = u;
        heap.push({nd, static_cast<int32_t>(v)});
      }
    });
  }
  return sp;
}

std::vector<std::vector<Point>> tracePaths(const GridGraph& g, const ShortestPaths& sp, const Point& start,
                                           const std::vector<Point>& ends) {
  std::vector<std::vector<Point>> out(ends.size());
  for (size_t e = 0; e < ends.size(); ++e) {
    const int64_t endNode = g.nodeOf(ends[e].x, ends[e].y, ends[e].z);
    if (endNode < 0) continue;
    // Walking predecessors from the end: a node without one (unreachable, or the start itself
    // when the end shares its grid node) is a "self-link" in the original and voids the path.
    std::vector<Point>& path = out[e];
    path.push_back(ends[e]);
    int64_t j = endNode;
    for (;;) {
      const int64_t p = sp.pred[j];
      if (p < 0) { path.clear(); break; }
      if (p == sp.source) { path.push_back(start); break; }
      path.push_back(g.position(p));
      j = p;
    }
    if (path.size() < 2) path.clear();
  }
  return out;
}

std::vector<TreeNode> shortestPathTree(const GridGraph& g, const ShortestPaths& sp, const Point& start) {
  std::vector<TreeNode> out;
  std::vector<int32_t> listIndex(static_cast<size_t>(g.size()), -1);
  for (int64_t j = 0; j < g.size(); ++j) {
    if (j == sp.source) {
      listIndex[j] = static_cast<int32_t>(out.size());
      out.push_back({start, j, -1});
    } else if (sp.pred[j] >= 0) {
      listIndex[j] = static_cast<int32_t>(out.size());
      out.push_back({g.position(j), j, -1});
    }
  }
  for (TreeNode& t : out)
    if (t.gridNode != sp.source) t.parent = listIndex[sp.pred[t.gridNode]];
  return out;
}

std::vector<bool> darkLeafPrune(const ImageU8& img, const std::vector<TreeNode>& tree, const GraphParams& p,
                                double visibleThresh) {
  const size_t n = tree.size();
  std::vector<bool> keep(n, true);
  if (n == 0) return keep;
  const double th = std::max(p.imgTH, visibleThresh);
  const int level = std::max(1, 10 / std::max(1, p.step));
  std::vector<int64_t> nchild(n, 0);
  auto parentSlot = [&](size_t j) -> size_t { return tree[j].parent >= 0 ? static_cast<size_t>(tree[j].parent) : 0; };
  for (size_t j = 0; j < n; ++j) nchild[parentSlot(j)]++;
  for (;;) {
    size_t pruned = 0;
    for (size_t j = 0; j < n; ++j) {
      if (nchild[j] != 0) continue;
      const Point& q = tree[j].p;
      const double v = blockMean(img, static_cast<int64_t>(q.x), static_cast<int64_t>(q.y), static_cast<int64_t>(q.z),
                                 level, level, level);
      if (v <= th) {
        nchild[parentSlot(j)]--;
        nchild[j] = -1;
        keep[j] = false;
        ++pruned;
      }
    }
    if (pruned == 0) break;
  }
  return keep;
}

// ---------------------------------------------------------------- curve refinement

std::vector<Point> downsampleCurve(const std::vector<Point>& c, int step) {
  if (step < 1) return c;
  std::vector<Point> out;
  const int64_t n = static_cast<int64_t>(c.size());
  if (n > 0) out.push_back(c[0]);
  for (int64_t i = 1; i < n - 1; i += step) out.push_back(c[i]);
  if (n > 1) out.push_back(c[n - 1]);
  return out;
}

double fitRadiusPercent(const ImageU8& img, double imgTH, float x, float y, float z, float zThickness, bool xyOnly) {
  if (!(zThickness > 0)) zThickness = 1.0f;
  double maxR = static_cast<double>(img.nx / 2);
  if (maxR > img.ny / 2) maxR = static_cast<double>(img.ny / 2);
  if (!xyOnly && maxR > (img.nz * zThickness) / 2) maxR = (img.nz * zThickness) / 2;
  double ir;
  for (ir = 1; ir <= maxR; ir++) {
    double total = 0, background = 0;
    const double zlo = xyOnly ? 0 : -ir / zThickness, zhi = xyOnly ? 0 : ir / zThickness;
    const double width = 2 * ir + 1;
    const double inner = ir - 1;
    for (double dz = zlo; dz <= zhi; ++dz)
      for (double dy = -ir; dy <= ir; ++dy) {
        // A scan row that clearly misses the ring only adds to the voxel count (the margin keeps
        // rows whose points could still round onto the ring with fractional z steps).
        if (dz * dz + dy * dy > ir * ir * (1 + 1e-12)) { total += width; continue; }
        for (double dx = -ir; dx <= ir; ++dx) {
          total++;
          const double r = std::sqrt(dx * dx + dy * dy + dz * dz);
          if (r > inner && r <= ir) {
            const int64_t i = static_cast<int64_t>(x + dx);
            if (i < 0 || i >= img.nx) return ir;
            const int64_t j = static_cast<int64_t>(y + dy);
            if (j < 0 || j >= img.ny) return ir;
            const int64_t k = static_cast<int64_t>(z + dz);
            if (k < 0 || k >= img.nz) return ir;
            if (img.at(i, j, k) <= imgTH) {
              background++;
              if (background / total > 0.001) return ir;
            }
          }
        }
      }
  }
  return ir;
}

std::vector<double> fitRadii(const ImageU8& img, const std::vector<Point>& c, const ImageStats& stats, float zThickness,
                             bool xyOnly) {
  const double th = stats.mean + stats.std;
  std::vector<double> r(c.size());
  for (size_t i = 0; i < c.size(); ++i)
    r[i] = fitRadiusPercent(img, th, static_cast<float>(c[i].x), static_cast<float>(c[i].y), static_cast<float>(c[i].z),
                            zThickness, xyOnly);
  return r;
}

void smoothRadius(std::vector<double>& r, int winsize) {
  if (winsize < 2) return;
  const std::vector<double> src = r;
  const int64_t n = static_cast<int64_t>(r.size());
  const int half = winsize / 2;
  for (int64_t i = 1; i < n - 1; ++i) {
    double acc = (1.0 + half) * src[i], wsum = 1.0 + half;
    for (int j = 1; j <= half; ++j) {
      const int64_t k1 = std::min(std::max<int64_t>(i + j, 0), n - 1);
      const int64_t k2 = std::min(std::max<int64_t>(i - j, 0), n - 1);
      const double w = 1.0 + half - j;
      acc += w * src[k1] + w * src[k2];
      wsum += 2 * w;
    }
    r[i] = acc / wsum;
  }
}

namespace {

// curve_bending_vector: removes the component of the move (target − c[i]) along the local
// tangent (sum of differences over ±5 neighbours), in single precision as the original.
void projectOrthogonal(const std::vector<Point>& c, int64_t i, Point& target) {
  const int64_t n = static_cast<int64_t>(c.size());
  float D[3] = {0, 0, 0};
  for (int k = 1; k <= 5; ++k) {
    const int64_t a = std::min(std::max<int64_t>(i + k, 0), n - 1), b = std::min(std::max<int64_t>(i - k, 0), n - 1);
    D[0] = static_cast<float>(D[0] + c[a].x); D[0] = static_cast<float>(D[0] - c[b].x);
    D[1] = static_cast<float>(D[1] + c[a].y); D[1] = static_cast<float>(D[1] - c[b].y);
    D[2] = static_cast<float>(D[2] + c[a].z); D[2] = static_cast<float>(D[2] - c[b].z);
  }
  float x = static_cast<float>(c[i].x), y = static_cast<float>(c[i].y), z = static_cast<float>(c[i].z);
  float cx = static_cast<float>(target.x), cy = static_cast<float>(target.y), cz = static_cast<float>(target.z);
  const float sq = D[0] * D[0] + D[1] * D[1] + D[2] * D[2];
  const double len = std::sqrt(static_cast<double>(sq));
  if (len != 0) {
    D[0] = static_cast<float>(D[0] / len); D[1] = static_cast<float>(D[1] / len); D[2] = static_cast<float>(D[2] / len);
    cx -= x; cy -= y; cz -= z;
    const double proj = cx * D[0] + cy * D[1] + cz * D[2];  // a float expression, as the original
    cx = static_cast<float>(cx - proj * D[0]);
    cy = static_cast<float>(cy - proj * D[1]);
    cz = static_cast<float>(cz - proj * D[2]);
    x += cx; y += cy; z += cz;
  }
  target = {x, y, z};
}

}  // namespace

void bdbSmooth(const ImageU8& img, std::vector<Point>& curve, const std::vector<Point>& prior, const ImageStats& stats,
               const BdbParams& p) {
  const int64_t M = static_cast<int64_t>(curve.size());
  if (M <= 2) return;
  const double fImage = 1, fLength = p.fLength, fSmooth = p.fSmooth, fPrior = p.fPrior;
  const double imgTH = stats.mean + stats.std;
  const std::vector<Point> fixedEnds = {curve.front(), curve.back()};
  double lastScore = 0;
  for (int loop = 0; loop < p.nloops; ++loop) {
    std::vector<Point> next = curve;
    double score = 0;
    for (int64_t j = 0; j < M; ++j) {
      const Point& c = curve[j];
      // Image force: intensity centroid of a sphere of twice the ring radius.
      Point m = c;
      {
        const double radius = 2 * fitRadiusPercent(img, imgTH, static_cast<float>(c.x), static_cast<float>(c.y),
                                                    static_cast<float>(c.z), p.zThickness, p.radiusXYOnly);
        int64_t x0 = static_cast<int64_t>(c.x - radius), x1 = static_cast<int64_t>(c.x + radius);
        int64_t y0 = static_cast<int64_t>(c.y - radius), y1 = static_cast<int64_t>(c.y + radius);
        int64_t z0 = static_cast<int64_t>(c.z - radius), z1 = static_cast<int64_t>(c.z + radius);
        x0 = std::max<int64_t>(x0, 0); x1 = std::min<int64_t>(x1, img.nx - 1);
        y0 = std::max<int64_t>(y0, 0); y1 = std::min<int64_t>(y1, img.ny - 1);
        z0 = std::max<int64_t>(z0, 0); z1 = std::min<int64_t>(z1, img.nz - 1);
        const double r2 = radius * radius;
        double s = 0, sx = 0, sy = 0, sz = 0;
        for (int64_t iz = z0; iz <= z1; ++iz) {
          double dz = std::fabs(iz - c.z); dz *= dz;
          for (int64_t iy = y0; iy <= y1; ++iy) {
            double dy = std::fabs(iy - c.y); dy *= dy;
            if (dy + dz > r2) continue;
            dy += dz;
            // The original stops one short of x1 (ix < x1): kept, it shifts centroids slightly.
            for (int64_t ix = x0; ix < x1; ++ix) {
              double dx = std::fabs(ix - c.x); dx *= dx;
              if (dx + dy > r2) continue;
              const double v = img.at(ix, iy, iz);
              if (v != 0) { s += v; sx += v * ix; sy += v * iy; sz += v * iz; }
            }
          }
        }
        if (s != 0) m = {sx / s, sy / s, sz / s};
        projectOrthogonal(curve, j, m);
      }
      // Prior force: the nearest point of the prior curve (first of equals).
      Point pr = c;
      if (!prior.empty()) {
        auto dist = [&](const Point& q) { return std::sqrt((c.x - q.x) * (c.x - q.x) + (c.y - q.y) * (c.y - q.y) + (c.z - q.z) * (c.z - q.z)); };
        pr = prior[0];
        double d0 = dist(prior[0]);
        for (size_t ip = 1; ip < prior.size(); ++ip) {
          const double d1 = dist(prior[ip]);
          if (d1 < d0) { pr = prior[ip]; d0 = d1; }
        }
      }
      Point& o = next[j];
      if (j == 0 || j == M - 1) {
        double f = fImage + fPrior;
        if (f == 0) f = 1;
        o = {(fImage * m.x + fPrior * pr.x) / f, (fImage * m.y + fPrior * pr.y) / f, (fImage * m.z + fPrior * pr.z) / f};
      } else if (j == 1 || j == M - 2) {
        const Point f1 = {curve[j - 1].x + curve[j + 1].x, curve[j - 1].y + curve[j + 1].y, curve[j - 1].z + curve[j + 1].z};
        double f = 2 * fLength + fImage + fPrior;
        if (f == 0) f = 1;
        o = {(fLength * f1.x + fImage * m.x + fPrior * pr.x) / f, (fLength * f1.y + fImage * m.y + fPrior * pr.y) / f,
             (fLength * f1.z + fImage * m.z + fPrior * pr.z) / f};
      } else {
        const Point f1 = {curve[j - 1].x + curve[j + 1].x, curve[j - 1].y + curve[j + 1].y, curve[j - 1].z + curve[j + 1].z};
        const Point f2 = {f1.x - 0.25 * (curve[j + 2].x + curve[j - 2].x), f1.y - 0.25 * (curve[j + 2].y + curve[j - 2].y),
                          f1.z - 0.25 * (curve[j + 2].z + curve[j - 2].z)};
        double f = 2 * fLength + 1.5 * fSmooth + fImage + fPrior;
        if (f == 0) f = 1;
        o = {(fLength * f1.x + fSmooth * f2.x + fImage * m.x + fPrior * pr.x) / f,
             (fLength * f1.y + fSmooth * f2.y + fImage * m.y + fPrior * pr.y) / f,
             (fLength * f1.z + fSmooth * f2.z + fImage * m.z + fPrior * pr.z) / f};
      }
      score += std::fabs(o.x - c.x) + std::fabs(o.y - c.y) + std::fabs(o.z - c.z);
    }
    curve = std::move(next);
    curve.front() = fixedEnds[0];
    curve.back() = fixedEnds[1];
    // Convergence tests of the original (they only matter with more than one loop).
    if (score < 1 || std::isnan(score)) break;
    if (loop > 0 && std::fabs(lastScore - score) < 0.1 / M) break;
    lastScore = score;
  }
}

RefinedPath refinePath(const ImageU8& img, const std::vector<Point>& path, const ImageStats& stats, int downsampleStep,
                       const BdbParams& bdb, float radiusZThickness, bool radiusXYOnly, int smoothWin) {
  RefinedPath out;
  out.pts = downsampleCurve(path, downsampleStep);
  bdbSmooth(img, out.pts, path, stats, bdb);
  out.radius = fitRadii(img, out.pts, stats, radiusZThickness, radiusXYOnly);
  smoothRadius(out.radius, smoothWin);
  return out;
}

}  // namespace gd
}  // namespace nt
