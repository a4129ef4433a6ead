// K5: APP2's radius estimators (Hanchuan Peng's ring rule). From ir = 1 outwards, the grid
// points of the (2ir+1)^2 square (XY) or (2ir+1)^3 cube (3D) whose distance d from the marker
// satisfies ir-1 < d <= ir are sampled at (coordinate truncated + offset); the estimate is the
// first ir at which a sample falls outside the image or the background count (I <= thresh)
// divided by the number of square/cube points scanned so far exceeds stopRatio (0.001).
// If no ring stops it, the result is max_r + 1 with max_r = half the smallest extent.
//
// Only ring points are visited: their scan position (which the running ratio depends on) is
// computed arithmetically instead of walking the whole square, so a radius-r estimate costs
// O(r^2) (XY) or O(r^3) (3D) samples with no square roots. RadiusEstimatorXY gives the same XY
// estimates for many markers on one image without the rings that cannot stop the scan, which
// is what keeps markers deep inside solid foreground cheap.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

inline int64_t isqrtFloor(int64_t v) {
  if (v < 0) return -1;
  int64_t r = static_cast<int64_t>(std::sqrt(static_cast<double>(v)));
  while (r * r > v) --r;
  while ((r + 1) * (r + 1) <= v) ++r;
  return r;
}

namespace detail {
// Visits the dx of one (dy, dz) row of ring ir in scan order; returns true to stop.
template <class Visit>
bool ringRow(int64_t ir, int64_t base2, Visit&& visit) {
  const int64_t hi = isqrtFloor(ir * ir - base2);
  if (hi < 0) return false;
  const int64_t inner = (ir - 1) * (ir - 1) - base2;
  const int64_t lo = inner >= 0 ? isqrtFloor(inner) + 1 : 0;
  if (lo > hi) return false;
  for (int64_t dx = -hi; dx <= -lo; ++dx)
    if (dx != 0 && visit(dx)) return true;
  for (int64_t dx = lo; dx <= hi; ++dx)
    if (visit(dx)) return true;
  return false;
}

// One ring ir of markerRadiusXY around (mx, my, mz): true when it stops the estimate. Rings are
// independent (each counts its own background against its own scan position), which is what
// lets MarkerRadiusXY below skip rings.
template <class Img>
bool ringStopsXY(const Img& img, const Dims& d, double mx, double my, double mz, double thresh, double stopRatio,
                 int64_t ir) {
  const int64_t side = 2 * ir + 1;
  double background = 0;
  bool stop = false;
  const int64_t k = static_cast<int64_t>(mz);
  for (int64_t dy = -ir; dy <= ir && !stop; ++dy) {
    stop = ringRow(ir, dy * dy, [&](int64_t dx) {
      const double scanned = static_cast<double>((dy + ir) * side + (dx + ir) + 1);
      const int64_t i = static_cast<int64_t>(mx + dx), j = static_cast<int64_t>(my + dy);
      if (i < 0 || i >= d.nx || j < 0 || j >= d.ny || k < 0 || k >= d.nz) return true;
      if (img(d.index(i, j, k)) <= thresh) {
        background += 1;
        if (background / scanned > stopRatio) return true;
      }
      return false;
    });
  }
  return stop;
}
}  // namespace detail

// img(i) returns the intensity at linear index i.
template <class Img>
double markerRadiusXY(const Img& img, const Dims& d, double mx, double my, double mz, double thresh,
                      double stopRatio = 0.001) {
  int64_t maxR = d.nx / 2;
  if (maxR > d.ny / 2) maxR = d.ny / 2;
  int64_t ir = 1;
  for (; ir <= maxR; ++ir)
    if (detail::ringStopsXY(img, d, mx, my, mz, thresh, stopRatio, ir)) return static_cast<double>(ir);
  return static_cast<double>(ir);
}

template <class Img>
double markerRadius3D(const Img& img, const Dims& d, double mx, double my, double mz, double thresh,
                      double stopRatio = 0.001) {
  if (d.nz == 1) return markerRadiusXY(img, d, mx, my, mz, thresh, stopRatio);
  int64_t maxR = d.nx / 2;
  if (maxR > d.ny / 2) maxR = d.ny / 2;
  if (maxR > d.nz / 2) maxR = d.nz / 2;
  int64_t ir = 1;
  for (; ir <= maxR; ++ir) {
    const int64_t side = 2 * ir + 1;
    double background = 0;
    bool stop = false;
    for (int64_t dz = -ir; dz <= ir && !stop; ++dz)
      for (int64_t dy = -ir; dy <= ir && !stop; ++dy) {
        stop = detail::ringRow(ir, dy * dy + dz * dz, [&](int64_t dx) {
          const double scanned = static_cast<double>(((dz + ir) * side + (dy + ir)) * side + (dx + ir) + 1);
          const int64_t i = static_cast<int64_t>(mx + dx), j = static_cast<int64_t>(my + dy),
                        k = static_cast<int64_t>(mz + dz);
          if (i < 0 || i >= d.nx || j < 0 || j >= d.ny || k < 0 || k >= d.nz) return true;
          if (img(d.index(i, j, k)) <= thresh) {
            background += 1;
            if (background / scanned > stopRatio) return true;
          }
          return false;
        });
      }
    if (stop) return static_cast<double>(ir);
  }
  return static_cast<double>(ir);
}

// APP2's dispatcher: method 1 = XY rings, 2 = 3D shells (an image with one slice always uses XY).
enum class RadiusMethod { XY = 1, Sphere = 2 };
template <class Img>
double markerRadius(const Img& img, const Dims& d, double x, double y, double z, double thresh, RadiusMethod m) {
  return m == RadiusMethod::XY ? markerRadiusXY(img, d, x, y, z, thresh) : markerRadius3D(img, d, x, y, z, thresh);
}

// Per pixel of one nx x ny slice whose foreground is fg != 0: a lower bound on the index of the
// first ring of markerRadiusXY that can hold a background pixel of the slice, i.e. the Euclidean
// distance to the nearest background pixel rounded up (never above the true value; 65535 when
// there is no background or it is farther).
void backgroundRingBounds(const uint8_t* fg, int64_t nx, int64_t ny, uint16_t* out);

// markerRadiusXY(img, d, x, y, z, thresh, stopRatio) for many markers on one image, with the same
// results but without scanning rings that provably cannot stop the estimate. A ring stops only
// at a sample outside the image or at a background sample, and rings do not share counts, so:
//  - the first ring holding an outside sample is found exactly from the marker position (with
//    the scan's own truncation arithmetic), and every ring from there on is never reached;
//  - a per-slice Euclidean distance to the nearest background pixel, computed once per slice
//    when a marker first needs it, bounds the first ring that can hold a background sample;
//    only rings between that bound and the first outside ring are scanned.
// Inside solid foreground this turns an O(r^2) scan per marker into O(1). Until a marker of a
// slice gets past the first few rings, that slice's markers scan those rings directly, so sparse
// images (small radii) build few or no maps.
template <class Img>
class RadiusEstimatorXY {
 public:
  RadiusEstimatorXY(const Img& img, const Dims& d, double thresh, double stopRatio = 0.001)
      : img_(img), d_(d), thresh_(thresh), stopRatio_(stopRatio), slices_(static_cast<size_t>(d.nz > 0 ? d.nz : 0)) {}

  double operator()(double mx, double my, double mz) {
    // Markers off the grid (or NaN) keep the plain scan.
    if (!(mx >= 0 && my >= 0 && mz >= 0 && mx < static_cast<double>(d_.nx) && my < static_cast<double>(d_.ny) &&
          mz < static_cast<double>(d_.nz)))
      return markerRadiusXY(img_, d_, mx, my, mz, thresh_, stopRatio_);
    int64_t maxR = d_.nx / 2;
    if (maxR > d_.ny / 2) maxR = d_.ny / 2;
    const int64_t outside = std::min(firstOutsideRing(mx, d_.nx), firstOutsideRing(my, d_.ny));
    const int64_t last = std::min(outside - 1, maxR);
    auto stops = [&](int64_t ir) { return detail::ringStopsXY(img_, d_, mx, my, mz, thresh_, stopRatio_, ir); };
    const int64_t cx = static_cast<int64_t>(mx), cy = static_cast<int64_t>(my), cz = static_cast<int64_t>(mz);
    // Once a slice has its map, probing first would only cost time.
    const int64_t probe = slices_[static_cast<size_t>(cz)].empty() ? std::min(kProbeRings, last) : 0;
    for (int64_t ir = 1; ir <= probe; ++ir)
      if (stops(ir)) return static_cast<double>(ir);
    if (last > probe) {
      int64_t from = slice(cz)[cy * d_.nx + cx];
      // A sample at offset (dx, dy) is voxel (cx + dx, cy + dy) when the marker sits on a voxel;
      // from a fractional position, rounding can put it one voxel further along each axis.
      if (!(mx == static_cast<double>(cx) && my == static_cast<double>(cy))) from -= 2;
      for (int64_t ir = std::max(probe + 1, from); ir <= last; ++ir)
        if (stops(ir)) return static_cast<double>(ir);
    }
    return static_cast<double>(std::min(outside, maxR + 1));
  }

  // Slices whose background-distance map has been built (memory: 2 bytes per pixel each).
  size_t slicesBuilt() const { return built_; }

 private:
  // Rings up to this one are scanned before a slice's map exists: markers near background stop
  // here, so a slice gets a map only once one of its markers lies deeper in foreground.
  static constexpr int64_t kProbeRings = 4;

  // Smallest k >= 1 with the sample at offset -k or +k along an axis of extent n outside the
  // image, evaluated exactly as the scan does (truncation of m + dx).
  static int64_t firstOutsideRing(double m, int64_t n) {
    auto below = [m](int64_t k) { return static_cast<int64_t>(m + static_cast<double>(-k)) < 0; };
    auto above = [m, n](int64_t k) { return static_cast<int64_t>(m + static_cast<double>(k)) >= n; };
    const int64_t c = static_cast<int64_t>(m);
    int64_t lo = std::max<int64_t>(1, c + 1);
    while (lo > 1 && below(lo - 1)) --lo;
    while (!below(lo)) ++lo;
    int64_t hi = std::max<int64_t>(1, n - c);
    while (hi > 1 && above(hi - 1)) --hi;
    while (!above(hi)) ++hi;
    return std::min(lo, hi);
  }

  const std::vector<uint16_t>& slice(int64_t z) {
    std::vector<uint16_t>& s = slices_[static_cast<size_t>(z)];
    if (s.empty()) {
      const int64_t plane = d_.nx * d_.ny;
      std::vector<uint8_t> fg(static_cast<size_t>(plane));
      const int64_t base = z * plane;
      for (int64_t i = 0; i < plane; ++i) fg[static_cast<size_t>(i)] = img_(base + i) <= thresh_ ? 0 : 1;
      s.resize(static_cast<size_t>(plane));
      backgroundRingBounds(fg.data(), d_.nx, d_.ny, s.data());
      ++built_;
    }
    return s;
  }

  Img img_;
  Dims d_;
  double thresh_, stopRatio_;
  std::vector<std::vector<uint16_t>> slices_;
  size_t built_ = 0;
};

// Plain-pointer conveniences for the common voxel types.
double markerRadiusXY(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh);
double markerRadius3D(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh);

}  // namespace nt::kern
