// K5: APP2's radius estimators (Hanchuan Peng's ring rule). From ir = 1 outwards, the grid
// points of the (2ir+1)^2 square (XY) or (2ir+1)^3 cube (3D) whose distance d from the marker
// satisfies ir-1 < d <= ir are sampled at (coordinate truncated + offset); the estimate is the
// first ir at which a sample falls outside the image or the background count (I <= thresh)
// divided by the number of square/cube points scanned so far exceeds stopRatio (0.001).
// If no ring stops it, the result is max_r + 1 with max_r = half the smallest extent.
//
// Only ring points are visited: their scan position (which the running ratio depends on) is
// computed arithmetically instead of walking the whole square, so a radius-r estimate costs
// O(r^2) (XY) or O(r^3) (3D) samples with no square roots.
#pragma once
#include <cmath>
#include <cstdint>

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
}  // namespace detail

// img(i) returns the intensity at linear index i.
template <class Img>
double markerRadiusXY(const Img& img, const Dims& d, double mx, double my, double mz, double thresh,
                      double stopRatio = 0.001) {
  int64_t maxR = d.nx / 2;
  if (maxR > d.ny / 2) maxR = d.ny / 2;
  int64_t ir = 1;
  for (; ir <= maxR; ++ir) {
    const int64_t side = 2 * ir + 1;
    double background = 0;
    bool stop = false;
    const int64_t k = static_cast<int64_t>(mz);
    for (int64_t dy = -ir; dy <= ir && !stop; ++dy) {
      stop = detail::ringRow(ir, dy * dy, [&](int64_t dx) {
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
    if (stop) return static_cast<double>(ir);
  }
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

// Plain-pointer conveniences for the common voxel types.
double markerRadiusXY(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh);
double markerRadius3D(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh);

}  // namespace nt::kern
