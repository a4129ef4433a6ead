// K4: the GD ("graph-augmented deformable model") shortest-path machinery of Vaa3D's APP1
// (Peng, Ruan, Atasoy & Sternson, Bioinformatics 26:i38, 2010), shared by MST_Tracing, app1
// and nctuTW_GD. Implemented from the cards (MST_Tracing.md, app1.md, nctuTW_GD.md).
//
// Conventions: an 8-bit image view, 0-based voxel coordinates (x fastest). Every routine that
// the original computes with its own truncations keeps them, because node positions, block
// means and ring radii are what the published outputs were made of.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace nt {
namespace gd {

struct ImageU8 {
  const uint8_t* data = nullptr;
  int64_t nx = 0, ny = 0, nz = 0;
  size_t voxels() const { return static_cast<size_t>(nx) * ny * nz; }
  uint8_t at(int64_t x, int64_t y, int64_t z) const { return data[(static_cast<size_t>(z) * ny + y) * nx + x]; }
};

struct Point { double x = 0, y = 0, z = 0; };

// Mean and population standard deviation of the whole image (GD's imgAve / imgStd).
struct ImageStats { double mean = 0, std = 0; };
ImageStats imageStats(const ImageU8& img);

// Mean (or max) of the block [trunc(c - s/2), trunc(c + s/2)] per axis, clipped to the image;
// 0 for a centre outside the image. For step 2 that is a 3×3×3 block, for step 1 the
// asymmetric 2×2×2 block [c-1, c], exactly as Vaa3D's getBlockAveValue.
double blockMean(const ImageU8& img, int64_t x0, int64_t y0, int64_t z0, int sx, int sy, int sz);
double blockMax(const ImageU8& img, int64_t x0, int64_t y0, int64_t z0, int sx, int sy, int sz);

struct GraphParams {
  int step = 2;              // sp_graph_resolution_step: grid spacing in voxels (>= 1)
  double imgTH = 0;          // an edge is dropped when either end's block value is <= imgTH
  double zThickness = 1.0;   // z edge length (and the z block is step/zThickness voxels)
  bool diagonalEdges = false;  // false: 6-connected (sp_graph_connect 0); true: 26-connected
  bool blockMaxValue = false;  // node value = block max instead of block mean
};

// The grid nodes (x0 + i*step, ...) over the box [x0,x1]×[y0,y1]×[z0,z1] and their block values.
// Edges are implicit: between grid neighbours whose values both exceed imgTH, with weight
// len · ½(e(va) + e(vb)) · 1e-5, e(v) = exp(10 (1 − v/255)²).
class GridGraph {
 public:
  GridGraph(const ImageU8& img, const GraphParams& p, int64_t x0, int64_t y0, int64_t z0, int64_t x1, int64_t y1, int64_t z1);
  // The whole image as the box.
  GridGraph(const ImageU8& img, const GraphParams& p);

  int64_t nx() const { return nx_; }
  int64_t ny() const { return ny_; }
  int64_t nz() const { return nz_; }
  int64_t size() const { return nx_ * ny_ * nz_; }
  const GraphParams& params() const { return p_; }
  double value(int64_t node) const { return value_[node]; }
  // Node of a point: truncates (c + 0.5 − box start) and integer-divides by the step, as
  // NODE_FROM_XYZ; -1 when the point lies more than half a voxel outside the box.
  int64_t nodeOf(double x, double y, double z) const;
  Point position(int64_t node) const;
  // Calls f(neighbour, weight) for every edge of `node`.
  template <class F> void forEachEdge(int64_t node, F&& f) const;

 private:
  void build(const ImageU8& img);
  GraphParams p_;
  int64_t bx0_, by0_, bz0_, bx1_, by1_, bz1_;
  int64_t nx_, ny_, nz_;
  std::vector<double> value_;
  std::vector<double> cost_;  // e(value) per node, so each edge costs two lookups
  struct Offset { int di, dj, dk; double len; };
  std::vector<Offset> offsets_;
};

// Single-source shortest paths over the grid graph. pred[v] = -1 for the source and for every
// node it cannot reach. Ties between equal-cost paths are broken by node index (the original's
// Boost 4-ary heap may pick a different one of several equal paths).
struct ShortestPaths {
  int64_t source = -1;
  std::vector<int32_t> pred;
  std::vector<double> dist;
  bool reached(int64_t v) const { return v == source || pred[v] >= 0; }
};
ShortestPaths dijkstra(const GridGraph& g, int64_t source, const std::function<void()>& poll = {});

// Marker (1→N) mode: one path per end point, ordered tip → start, with the exact tip and start
// coordinates at its ends and grid node positions between (the tip's own grid node is replaced
// by the tip). A path is empty when its end lies outside the box, cannot be reached, or falls on
// the start's grid node, as in find_shortest_path_graphimg.
std::vector<std::vector<Point>> tracePaths(const GridGraph& g, const ShortestPaths& sp, const Point& start,
                                           const std::vector<Point>& ends);

// Tree mode (n_end_nodes = 0): every node the start reaches, in grid index order, the start
// node carrying the exact start position. parent is an index into the returned list (-1 root).
struct TreeNode { Point p; int64_t gridNode; int32_t parent; };
std::vector<TreeNode> shortestPathTree(const GridGraph& g, const ShortestPaths& sp, const Point& start);

// The dark-leaf pruning GD applies in tree mode: repeatedly remove leaves whose block mean over
// a (10/step)-wide block is <= max(imgTH, visibleThresh). Returns a keep flag per node.
// Faithful to the original's bookkeeping, the root's missing parent is looked up as list entry 0,
// so entry 0 carries one phantom child (and loses one if the root is pruned).
std::vector<bool> darkLeafPrune(const ImageU8& img, const std::vector<TreeNode>& tree, const GraphParams& p,
                                double visibleThresh);

// downsample_curve: keeps the first point, every `step`-th point from index 1, and the last.
std::vector<Point> downsampleCurve(const std::vector<Point>& c, int step);

// fitRadiusPercent: the first ring radius ir = 1, 2, ... at which a ring voxel leaves the image
// or background (<= imgTH) voxels exceed 0.1 % of the voxels scanned so far in that ring's
// square/cube (scan order z, y, x); max_r + 1 when none does. xyOnly scans the XY square.
double fitRadiusPercent(const ImageU8& img, double imgTH, float x, float y, float z, float zThickness, bool xyOnly);

// GD radius estimate of a traced curve: fitRadiusPercent against imgTH = mean + std of `img`
// (pass the stats when already known), positions unchanged.
std::vector<double> fitRadii(const ImageU8& img, const std::vector<Point>& c, const ImageStats& stats, float zThickness,
                             bool xyOnly);

// smooth_radius: triangular weights (halfwin + 1 − |k|) over a `winsize` window, clamped
// indices, end values unchanged.
void smoothRadius(std::vector<double>& r, int winsize);

struct BdbParams {
  double fLength = 0.1;  // internal_force_weight
  double fSmooth = 0.1;  // internal_force2_weight
  double fPrior = 0.2;
  int nloops = 1;
  float zThickness = 1.0f;    // the marker-mode call leaves this at its default 1
  bool radiusXYOnly = false;  // ... and uses the 3-D ring radius for the image force
};
// point_bdb_minus_3d_localwinmass_prior with bending code 1: each point moves to the weighted
// mean of its neighbours (length and smoothness forces), the intensity centroid of a sphere of
// twice its ring radius (shift projected orthogonal to the curve), and the nearest prior point.
// Ends are fixed. Curves with <= 2 points are unchanged.
void bdbSmooth(const ImageU8& img, std::vector<Point>& curve, const std::vector<Point>& prior, const ImageStats& stats,
               const BdbParams& p);

// What visiocyteneuron_GD_tracing does to one marker-mode path (b_deformcurve off, radii on):
// downsample by `downsampleStep`, one bdb pass against the full path as prior, XY (or 3-D) ring
// radii against mean + std (z scaled by radiusZThickness), radius smoothing with window
// `smoothWin`. `stats` are imageStats(img).
struct RefinedPath { std::vector<Point> pts; std::vector<double> radius; };
RefinedPath refinePath(const ImageU8& img, const std::vector<Point>& path, const ImageStats& stats, int downsampleStep,
                       const BdbParams& bdb, float radiusZThickness, bool radiusXYOnly, int smoothWin);

// ---- inline template ----
template <class F> void GridGraph::forEachEdge(int64_t node, F&& f) const {
  const double va = value_[node];
  if (va <= p_.imgTH) return;
  const int64_t i = node % nx_, j = (node / nx_) % ny_, k = node / (nx_ * ny_);
  const double ca = cost_[node];
  for (const Offset& o : offsets_) {
    const int64_t ii = i + o.di, jj = j + o.dj, kk = k + o.dk;
    if (ii < 0 || jj < 0 || kk < 0 || ii >= nx_ || jj >= ny_ || kk >= nz_) continue;
    const int64_t m = (kk * ny_ + jj) * nx_ + ii;
    if (value_[m] <= p_.imgTH) continue;
    f(m, o.len * ((ca + cost_[m]) * 0.5) * 1e-5);
  }
}

}  // namespace gd
}  // namespace nt
