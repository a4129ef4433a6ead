#include "kernels/fm_linker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "kernels/brick_map.h"
#include "kernels/fm_tree.h"
#include "kernels/heap.h"

namespace nt::kern {

namespace {

enum State : uint8_t { kFar = 0, kTrial = 1, kAlive = 2 };

// The original's "infinite" score (3.4e38, a float) as its maps store it.
const double kInfScore = static_cast<double>(static_cast<float>(3.4e38));

Point3 operator+(Point3 a, Point3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Point3 operator-(Point3 a, Point3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Point3 operator*(double s, Point3 a) { return {s * a.x, s * a.y, s * a.z}; }
double dot(Point3 a, Point3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
double dist(Point3 a, Point3 b) { return std::sqrt(dot(a - b, a - b)); }
bool same(Point3 a, Point3 b) { return a.x == b.x && a.y == b.y && a.z == b.z; }
Point3 cross(Point3 a, Point3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
// Unit vector, or the zero vector for a zero (or non-finite) length: the original would divide by
// zero there, and a NaN cosine fails every '< 0' test exactly as a zero one does.
Point3 unitOrZero(Point3 v) {
  const double l = std::sqrt(dot(v, v));
  return (l > 0 && std::isfinite(l)) ? (1.0 / l) * v : Point3{};
}
bool isUnit(Point3 v) { return dot(v, v) > 0.5; }

// (long)(c + 0.5): the original's rounding of marker coordinates (truncation towards zero).
int64_t roundC(double c) { return static_cast<int64_t>(c + 0.5); }

// ---------------------------------------------------------------------------------------------
// The march. Nodes is a storage policy: DenseNodes (a node per voxel of a small grid: the slab)
// or SparseNodes (nodes created on first touch: a whole image, of which a link visits little).

struct DenseNodes {
  std::vector<float> phi;
  std::vector<int32_t> prev, pos;
  std::vector<uint8_t> state;
  void reset(int64_t n) {
    phi.assign(static_cast<size_t>(n), static_cast<float>(kInfScore));
    prev.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) prev[static_cast<size_t>(i)] = static_cast<int32_t>(i);
    pos.assign(static_cast<size_t>(n), -1);
    state.assign(static_cast<size_t>(n), kFar);
  }
  int32_t get(int64_t idx, int64_t, int64_t, int64_t) const { return static_cast<int32_t>(idx); }
  int32_t make(int64_t idx, int64_t, int64_t, int64_t) { return static_cast<int32_t>(idx); }
  int64_t voxel(int32_t s) const { return s; }
};

struct SparseNodes {
  BrickMap<int32_t> slot;
  std::vector<int64_t> vox;
  std::vector<float> phi;
  std::vector<int32_t> prev, pos;
  std::vector<uint8_t> state;
  explicit SparseNodes(const Dims& d) : slot(d, -1) {}
  int32_t get(int64_t, int64_t x, int64_t y, int64_t z) const { return slot.get(x, y, z); }
  int32_t make(int64_t idx, int64_t x, int64_t y, int64_t z) {
    if (vox.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max()))
      throw std::length_error("fast-marching linker: more than 2^31 voxels reached");
    const int32_t s = static_cast<int32_t>(vox.size());
    slot.at(x, y, z) = s;
    vox.push_back(idx);
    phi.push_back(static_cast<float>(kInfScore));
    prev.push_back(s);
    pos.push_back(-1);
    state.push_back(kFar);
    return s;
  }
  int64_t voxel(int32_t s) const { return vox[static_cast<size_t>(s)]; }
};

struct Source {
  int64_t idx;
  double score;
};

// Marches from the sources until more than stopAfter targets have been taken off the heap (the
// last one is left un-ALIVE, as in the original) or the heap runs dry. Returns the node slots of
// the targets taken off, in order.
// box (optional): march only inside it, its faces acting as walls. *touchedBox is set when the
// march takes off the heap a non-target voxel with a neighbour outside the box: the first moment
// an unrestricted march would step out of it. Until then both marches are step for step the same,
// so targets reached before that are exactly the unrestricted result.
template <class Nodes, class IsTarget>
std::vector<int32_t> march(Nodes& N, const uint8_t* J, const Dims& d, const double gi[256], int cnn,
                           const std::vector<Source>& sources, IsTarget isTarget, size_t stopAfter,
                           const Checkpoint& cp, int64_t& pops, const LinkBox* box = nullptr,
                           bool* touchedBox = nullptr) {
  Offset offs[26];
  const int nOffs = stencil(cnn, false, offs);
  const double factor[4] = {0.0, 1.0, 1.414214, 1.732051};
  const int64_t sy = d.nx, sz = d.nx * d.ny;
  IndexedMinHeap<float> heap(N.pos);

  // Every source is ALIVE at its score; a voxel given twice keeps the later score (one map entry
  // in the original) and enters the heap once.
  std::vector<int32_t> order;
  for (const Source& s : sources) {
    const int64_t z = s.idx / sz, y = (s.idx / sy) % d.ny, x = s.idx % d.nx;
    int32_t n = N.get(s.idx, x, y, z);
    if (n < 0) n = N.make(s.idx, x, y, z);
    if (N.state[static_cast<size_t>(n)] != kAlive) order.push_back(n);
    N.state[static_cast<size_t>(n)] = kAlive;
    N.phi[static_cast<size_t>(n)] = static_cast<float>(s.score);
  }
  for (int32_t n : order) heap.insert(n, N.phi[static_cast<size_t>(n)]);

  std::vector<int32_t> reached;
  while (!heap.empty()) {
    if (cp && (++pops & kCheckMask) == 0) cp();
    const int32_t p = heap.popMin();
    const int64_t idx = N.voxel(p);
    if (isTarget(idx)) {
      reached.push_back(p);
      if (reached.size() > stopAfter) break;
    }
    N.state[static_cast<size_t>(p)] = kAlive;
    const int64_t z = idx / sz, y = (idx / sy) % d.ny, x = idx % d.nx;
    if (box && !*touchedBox &&
        ((x == box->x0 && x > 0) || (x == box->x1 && x < d.nx - 1) || (y == box->y0 && y > 0) ||
         (y == box->y1 && y < d.ny - 1) || (z == box->z0 && z > 0) || (z == box->z1 && z < d.nz - 1)))
      *touchedBox = true;
    const double giP = gi[J[idx]];
    const double phiP = N.phi[static_cast<size_t>(p)];
    for (int k = 0; k < nOffs; ++k) {
      const int64_t xx = x + offs[k].dx, yy = y + offs[k].dy, zz = z + offs[k].dz;
      if (!d.inside(xx, yy, zz)) continue;
      if (box && (xx < box->x0 || xx > box->x1 || yy < box->y0 || yy > box->y1 || zz < box->z0 || zz > box->z1)) continue;
      const int64_t nidx = idx + offs[k].dx + offs[k].dy * sy + offs[k].dz * sz;
      int32_t n = N.get(nidx, xx, yy, zz);
      if (n >= 0 && N.state[static_cast<size_t>(n)] == kAlive) continue;
      const double nd = phiP + (gi[J[nidx]] + giP) * factor[offs[k].l1] * 0.5;
      if (n < 0 || N.state[static_cast<size_t>(n)] == kFar) {
        if (n < 0) n = N.make(nidx, xx, yy, zz);
        N.phi[static_cast<size_t>(n)] = static_cast<float>(nd);
        N.prev[static_cast<size_t>(n)] = p;
        N.state[static_cast<size_t>(n)] = kTrial;
        heap.insert(n, N.phi[static_cast<size_t>(n)]);
      } else if (static_cast<double>(N.phi[static_cast<size_t>(n)]) > nd) {
        N.phi[static_cast<size_t>(n)] = static_cast<float>(nd);
        heap.adjust(n, N.phi[static_cast<size_t>(n)]);
        N.prev[static_cast<size_t>(n)] = p;
      }
    }
  }
  return reached;
}

void checkCnn(int cnn) {
  if (cnn < 1 || cnn > 3) throw std::invalid_argument("fast-marching linker: connectivity must be 1, 2 or 3");
}

// ---------------------------------------------------------------------------------------------
// Ray chaining. Every marker (ray voxel or path voxel) lives in one pool; links are pool indices.

struct Pool {
  std::vector<Point3> p;
  std::vector<int32_t> parent;
  int32_t add(Point3 q) {
    p.push_back(q);
    parent.push_back(-1);
    return static_cast<int32_t>(p.size() - 1);
  }
};

struct RayMarkers {
  std::vector<int32_t> id;     // pool indices, near-to-far
  std::vector<double> score;
};

// GET_LINE_MARKER_MAP: the voxels (c + t r + 0.5, truncated) for r = 0, 1, ... while r < length + 1,
// each voxel once, in that order; a zero-length ray is its (unrounded) end point.
RayMarkers rasterRay(Pool& pool, Point3 a, Point3 b, double score) {
  RayMarkers m;
  const double len = dist(a, b);
  if (len == 0.0) {
    m.id.push_back(pool.add(a));
    m.score.push_back(score);
    return m;
  }
  const Point3 t = (1.0 / len) * (b - a);
  struct Key {
    int x, y, z;
    bool operator==(const Key& o) const { return x == o.x && y == o.y && z == o.z; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return static_cast<size_t>(k.x) * 73856093u ^ static_cast<size_t>(k.y) * 19349663u ^ static_cast<size_t>(k.z) * 83492791u;
    }
  };
  std::unordered_set<Key, KeyHash> seen;
  for (double r = 0.0; r < len + 1; r++) {
    const Key k{static_cast<int>(a.x + t.x * r + 0.5), static_cast<int>(a.y + t.y * r + 0.5),
                static_cast<int>(a.z + t.z * r + 0.5)};
    if (!seen.insert(k).second) continue;
    m.id.push_back(pool.add({static_cast<double>(k.x), static_cast<double>(k.y), static_cast<double>(k.z)}));
    m.score.push_back(score);
  }
  return m;
}

// The slab between two rays: origin o and orthonormal axes a (along the rays), b (from ray 1 to
// ray 2), c = a x b; n0 x n1 x n2 voxels.
struct Slab {
  Point3 o, a, b, c;
  int64_t n0 = 0, n1 = 0, n2 = 0;
  Point3 toImage(double i, double j, double k) const { return o + i * a + j * b + k * c; }
};

struct SlabWork {
  std::vector<uint8_t> img;
  DenseNodes nodes;
  std::vector<int32_t> targetAt, sourceAt, pathNode;
};

// One link of the chain (fastmarching_linker with a bounding box): sources = markers of ray 1
// with their scores, targets = markers of ray 2, whose scores and parents it sets. All marker
// positions are rewritten through the slab frame as the original does (exact for parallel rays).
bool linkRays(const uint8_t* img, const Dims& d, Pool& pool, const RayMarkers& subs, RayMarkers& tars, Point3 nm1,
              Point3 fm1, Point3 nm2, Point3 fm2, int stopNum, int cnn, int margin, SlabWork& w,
              const Checkpoint& cp, int64_t& pops) {
  Point3 rt;
  if (!same(nm1, fm1)) rt = unitOrZero(fm1 - nm1);
  else if (!same(nm2, fm2)) rt = unitOrZero(fm2 - nm2);
  else return false;
  if (!isUnit(rt)) return false;

  // the rectangle spanned by both rays, widened along rt where one ray overhangs the other
  const Point3 n1n2 = unitOrZero(nm2 - nm1), f1f2 = unitOrZero(fm2 - fm1);
  Point3 rect[4] = {nm1, nm2, fm2, fm1};
  const double dn = dist(nm1, nm2), df = dist(fm1, fm2);
  double cs;
  if ((cs = dot(rt, n1n2)) < 0.0) rect[0] = nm1 - (dn * -cs) * rt;
  if ((cs = -dot(rt, n1n2)) < 0.0) rect[1] = nm2 - (dn * -cs) * rt;
  if ((cs = dot(rt, f1f2)) < 0.0) rect[2] = fm2 + (df * -cs) * rt;
  if ((cs = -dot(rt, f1f2)) < 0.0) rect[3] = fm1 + (df * -cs) * rt;

  Slab s;
  s.a = unitOrZero(rect[3] - rect[0]);
  s.b = unitOrZero(rect[1] - rect[0]);
  s.c = unitOrZero(cross(s.a, s.b));
  // coincident or collinear rays span no plane: the original divides by zero here
  if (!isUnit(s.a) || !isUnit(s.b) || !isUnit(s.c)) return false;
  const double m = margin;
  s.o = rect[0] - m * s.a - m * s.b - m * s.c;
  const double d01 = dist(rect[0], rect[1]);
  s.n0 = static_cast<int64_t>(dist(rect[0], rect[3]) + 1 + 2 * m + 0.5);
  s.n1 = static_cast<int64_t>(d01 + 1 + 2 * m + 0.5);
  s.n2 = static_cast<int64_t>(1 + 2 * m + 0.5);
  const Dims bd{s.n0, s.n1, s.n2};
  const int64_t bn = bd.voxels();
  if (bn <= 0 || bn >= std::numeric_limits<int32_t>::max())
    throw std::length_error("fast-marching linker: slab between two rays too large");

  // nearest-neighbour resampling of the image into the slab (outside the image: 0)
  w.img.assign(static_cast<size_t>(bn), 0);
  for (int64_t k = 0; k < s.n2; ++k)
    for (int64_t j = 0; j < s.n1; ++j) {
      if (cp && ((k * s.n1 + j) & 63) == 0) cp();
      for (int64_t i = 0; i < s.n0; ++i) {
        const int64_t ii = static_cast<int64_t>(s.o.x + i * s.a.x + j * s.b.x + k * s.c.x + 0.5);
        const int64_t jj = static_cast<int64_t>(s.o.y + i * s.a.y + j * s.b.y + k * s.c.y + 0.5);
        const int64_t kk = static_cast<int64_t>(s.o.z + i * s.a.z + j * s.b.z + k * s.c.z + 0.5);
        if (d.inside(ii, jj, kk)) w.img[static_cast<size_t>(bd.index(i, j, k))] = img[d.index(ii, jj, kk)];
      }
    }

  // markers in slab coordinates: ray 1 on the line y = z = margin, ray 2 on y = margin + |rect0 rect1|
  std::vector<Point3> subBox(subs.id.size()), tarBox(tars.id.size());
  for (size_t i = 0; i < subs.id.size(); ++i) subBox[i] = {m + dist(pool.p[subs.id[i]], rect[0]), m, m};
  for (size_t i = 0; i < tars.id.size(); ++i) tarBox[i] = {m + dist(pool.p[tars.id[i]], rect[1]), m + d01, m};
  auto boxIndex = [&](Point3 q) -> int64_t {
    const int64_t x = roundC(q.x), y = roundC(q.y), z = roundC(q.z);
    return bd.inside(x, y, z) ? bd.index(x, y, z) : -1;
  };

  w.targetAt.assign(static_cast<size_t>(bn), -1);
  w.sourceAt.assign(static_cast<size_t>(bn), -1);
  std::vector<int64_t> tarIdx(tars.id.size());
  for (size_t i = 0; i < tars.id.size(); ++i) {
    tarIdx[i] = boxIndex(tarBox[i]);
    if (tarIdx[i] >= 0) w.targetAt[static_cast<size_t>(tarIdx[i])] = static_cast<int32_t>(i);
  }
  std::vector<Source> sources;
  for (size_t i = 0; i < subs.id.size(); ++i) {
    const int64_t bi = boxIndex(subBox[i]);
    if (bi < 0) continue;
    w.sourceAt[static_cast<size_t>(bi)] = static_cast<int32_t>(i);
    sources.push_back({bi, subs.score[i]});
  }

  const size_t stop = static_cast<size_t>(std::max(0, std::min<int>(stopNum, static_cast<int>(tars.id.size()))));
  w.nodes.reset(bn);
  double gi[256];
  for (int v = 0; v < 256; ++v) gi[v] = giTable()[v];  // min 0, max 255: the table index is the value
  march(w.nodes, w.img.data(), bd, gi, cnn, sources, [&](int64_t idx) { return w.targetAt[static_cast<size_t>(idx)] >= 0; },
        stop, cp, pops);

  // targets reached get their arrival time and the path back to a ray-1 marker; others are cut
  w.pathNode.assign(static_cast<size_t>(bn), -1);
  std::vector<std::pair<int32_t, Point3>> pathBox;  // pool id, slab voxel
  for (size_t i = 0; i < tars.id.size(); ++i) {
    const int32_t t = tars.id[i];
    const int64_t bi = tarIdx[i];
    if (bi < 0 || w.nodes.state[static_cast<size_t>(bi)] != kAlive || w.targetAt[static_cast<size_t>(bi)] != static_cast<int32_t>(i)) {
      pool.parent[t] = -1;
      tars.score[i] = kInfScore;
      continue;
    }
    tars.score[i] = w.nodes.phi[static_cast<size_t>(bi)];
    int32_t child = t;
    int64_t v = w.nodes.prev[static_cast<size_t>(bi)];
    while (w.sourceAt[static_cast<size_t>(v)] < 0) {
      int32_t& pn = w.pathNode[static_cast<size_t>(v)];
      if (pn >= 0) {  // the rest of this path is shared with an earlier target's
        pool.parent[child] = pn;
        child = -1;
        break;
      }
      pn = pool.add({});
      pathBox.push_back({pn, {static_cast<double>(v % bd.nx), static_cast<double>((v / bd.nx) % bd.ny),
                              static_cast<double>(v / (bd.nx * bd.ny))}});
      pool.parent[child] = pn;
      child = pn;
      v = w.nodes.prev[static_cast<size_t>(v)];
    }
    if (child >= 0) pool.parent[child] = subs.id[static_cast<size_t>(w.sourceAt[static_cast<size_t>(v)])];
  }

  // every marker back into image coordinates through the slab frame
  for (size_t i = 0; i < subs.id.size(); ++i) pool.p[subs.id[i]] = s.toImage(subBox[i].x, subBox[i].y, subBox[i].z);
  for (size_t i = 0; i < tars.id.size(); ++i) pool.p[tars.id[i]] = s.toImage(tarBox[i].x, tarBox[i].y, tarBox[i].z);
  for (const auto& pb : pathBox) pool.p[pb.first] = s.toImage(pb.second.x, pb.second.y, pb.second.z);
  return true;
}

// MyMarker::ind: the rounded voxel's linear index (used only to compare rays).
int64_t markerIndex(Point3 q, const Dims& d) {
  return static_cast<int64_t>(q.z + 0.5) * (d.nx * d.ny) + static_cast<int64_t>(q.y + 0.5) * d.nx +
         static_cast<int64_t>(q.x + 0.5);
}

}  // namespace

LinkPath fastmarchingLink(const uint8_t* img, const Dims& d, const std::vector<Point3>& sources,
                          const std::vector<Point3>& targets, int cnn, const Checkpoint& cp, const LinkOptions& opt) {
  checkCnn(cnn);
  LinkPath out;
  const int64_t n = d.voxels();
  if (n <= 0) return out;
  auto inside = [&](Point3 q, int64_t* idx) {
    const int64_t x = roundC(q.x), y = roundC(q.y), z = roundC(q.z);
    if (!d.inside(x, y, z)) return false;
    *idx = d.index(x, y, z);
    return true;
  };
  std::unordered_map<int64_t, size_t> tarAt, subAt;
  for (size_t i = 0; i < targets.size(); ++i) {
    int64_t idx;
    if (inside(targets[i], &idx)) tarAt[idx] = i;
  }
  std::vector<Source> src;
  for (size_t i = 0; i < sources.size(); ++i) {
    int64_t idx;
    if (!inside(sources[i], &idx)) continue;
    subAt[idx] = i;
    src.push_back({idx, 0.0});
  }
  if (src.empty() || tarAt.empty()) return out;

  // GI normalised by the image's true minimum and maximum
  uint8_t mn = 255, mx = 0;
  if (opt.minValue >= 0 && opt.maxValue >= 0) {
    mn = static_cast<uint8_t>(opt.minValue);
    mx = static_cast<uint8_t>(opt.maxValue);
  } else {
    for (int64_t i = 0; i < n; ++i) {
      if (img[i] < mn) mn = img[i];
      if (img[i] > mx) mx = img[i];
    }
  }
  LinkBox box;
  if (opt.box) {
    box = *opt.box;
    box.x0 = std::max<int64_t>(0, box.x0); box.y0 = std::max<int64_t>(0, box.y0); box.z0 = std::max<int64_t>(0, box.z0);
    box.x1 = std::min(d.nx - 1, box.x1); box.y1 = std::min(d.ny - 1, box.y1); box.z1 = std::min(d.nz - 1, box.z1);
    auto in = [&](int64_t idx) {
      const int64_t x = idx % d.nx, y = (idx / d.nx) % d.ny, z = idx / (d.nx * d.ny);
      return x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1 && z >= box.z0 && z <= box.z1;
    };
    for (const Source& s : src)
      if (!in(s.idx)) throw std::invalid_argument("fast-marching linker: a source lies outside the search box");
  }
  double gi[256];
  for (int v = 0; v < 256; ++v) {
    // a constant image would divide by zero in the original; every edge then costs the same
    if (mx == mn) { gi[v] = giTable()[0]; continue; }
    const double r = (v - static_cast<double>(mn)) / (static_cast<double>(mx) - mn) * 255;
    gi[v] = giTable()[r <= 0 ? 0 : (r >= 255 ? 255 : static_cast<int>(r))];
  }

  SparseNodes nodes(d);
  const std::vector<int32_t> reached =
      march(nodes, img, d, gi, cnn, src, [&](int64_t idx) { return tarAt.count(idx) > 0; }, 0, cp, out.marched,
            opt.box ? &box : nullptr, &out.touchedBox);
  if (reached.empty()) return out;

  const int32_t stopNode = reached.back();
  const int64_t stopIdx = nodes.voxel(stopNode);
  out.reached = true;
  out.cost = nodes.phi[static_cast<size_t>(stopNode)];
  out.points.push_back(targets[tarAt[stopIdx]]);
  int32_t s = nodes.prev[static_cast<size_t>(stopNode)];
  for (;;) {
    const int64_t idx = nodes.voxel(s);
    auto it = subAt.find(idx);
    if (it != subAt.end()) {
      out.points.push_back(sources[it->second]);
      break;
    }
    out.points.push_back({static_cast<double>(idx % d.nx), static_cast<double>((idx / d.nx) % d.ny),
                          static_cast<double>(idx / (d.nx * d.ny))});
    s = nodes.prev[static_cast<size_t>(s)];
  }
  return out;
}

RayDrawing fastmarchingDrawRays(const uint8_t* img, const Dims& d, const std::vector<Point3>& nearEnds,
                                const std::vector<Point3>& farEnds, int cnn, int margin, const Checkpoint& cp) {
  checkCnn(cnn);
  if (nearEnds.size() != farEnds.size() || nearEnds.size() < 2)
    throw std::invalid_argument("fast-marching ray drawing needs at least two rays, each with a near and a far end");
  if (margin < 0) throw std::invalid_argument("fast-marching ray drawing: the margin must not be negative");
  RayDrawing out;
  Pool pool;
  SlabWork work;
  RayMarkers tars = rasterRay(pool, nearEnds[0], farEnds[0], 0.0);
  const int32_t firstRayEnd = static_cast<int32_t>(pool.p.size());  // pool ids below this are ray 0's
  Point3 nm2 = nearEnds[0], fm2 = farEnds[0];
  const size_t n = nearEnds.size();
  for (size_t i = 1; i < n; ++i) {
    if (markerIndex(nearEnds[i], d) == markerIndex(nm2, d) || markerIndex(farEnds[i], d) == markerIndex(fm2, d)) continue;
    const Point3 nm1 = nm2, fm1 = fm2;
    nm2 = nearEnds[i];
    fm2 = farEnds[i];
    RayMarkers subs = std::move(tars);
    tars = rasterRay(pool, nm2, fm2, kInfScore);
    const int stopNum = i == n - 1 ? 1 : static_cast<int>((tars.id.size() + 1) / 2);
    if (linkRays(img, d, pool, subs, tars, nm1, fm1, nm2, fm2, stopNum, cnn, margin, work, cp, out.marched)) ++out.links;
    else ++out.failedLinks;
  }

  // the lowest-score marker of the last ray (the first one on ties) and its chain
  size_t best = 0;
  for (size_t i = 1; i < tars.id.size(); ++i)
    if (tars.score[i] < tars.score[best]) best = i;
  int32_t p = tars.id[best];
  int32_t last = p;
  while (p >= 0) {
    out.points.push_back(pool.p[static_cast<size_t>(p)]);
    last = p;
    p = pool.parent[static_cast<size_t>(p)];
  }
  out.fromFirstRay = last < firstRayEnd;
  return out;
}

}  // namespace nt::kern
