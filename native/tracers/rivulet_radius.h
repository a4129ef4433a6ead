// Rivulet2's radius estimate: the smallest r >= 1 whose (2r+1)^3 cube around floor(p) is less
// than 60 % foreground, the cube clipped to the image but the count divided by the full cube
// volume (as in the plugin). A summed-volume table makes each cube sum O(1) instead of O(r^3).
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "tracers/rivulet_geometry.h"

namespace nt {
namespace rivulet {

class CubeOccupancy {
 public:
  CubeOccupancy(const std::vector<uint8_t>& b, const kern::Dims& g) : g_(g), sx_(g.nx + 1), sy_(g.ny + 1) {
    // uint32 wraps consistently, so inclusion-exclusion stays exact while the true count fits.
    table_.assign(static_cast<size_t>(sx_ * sy_ * (g.nz + 1)), 0);
    for (int64_t z = 0; z < g.nz; ++z)
      for (int64_t y = 0; y < g.ny; ++y) {
        uint32_t row = 0;
        for (int64_t x = 0; x < g.nx; ++x) {
          row += b[g.index(x, y, z)] ? 1u : 0u;
          table_[at(x + 1, y + 1, z + 1)] = row + table_[at(x + 1, y, z + 1)] + table_[at(x + 1, y + 1, z)] - table_[at(x + 1, y, z)];
        }
      }
  }

  // Foreground voxels in [x0,x1) x [y0,y1) x [z0,z1), bounds already clipped to the grid.
  uint32_t sum(int64_t x0, int64_t x1, int64_t y0, int64_t y1, int64_t z0, int64_t z1) const {
    if (x0 >= x1 || y0 >= y1 || z0 >= z1) return 0;
    return table_[at(x1, y1, z1)] - table_[at(x0, y1, z1)] - table_[at(x1, y0, z1)] - table_[at(x1, y1, z0)]
         + table_[at(x0, y0, z1)] + table_[at(x0, y1, z0)] + table_[at(x1, y0, z0)] - table_[at(x0, y0, z0)];
  }

  int radius(const PointF& p) const {
    const int64_t cx = static_cast<int64_t>(std::floor(p.x));
    const int64_t cy = static_cast<int64_t>(std::floor(p.y));
    const int64_t cz = static_cast<int64_t>(std::floor(p.z));
    for (int r = 1;; ++r) {
      const uint32_t s = sum(clip(cx - r, g_.nx), clip(cx + r + 1, g_.nx), clip(cy - r, g_.ny),
                             clip(cy + r + 1, g_.ny), clip(cz - r, g_.nz), clip(cz + r + 1, g_.nz));
      if (static_cast<double>(s) / std::pow(2 * r + 1, 3) < 0.6) return r;
    }
  }

 private:
  kern::Dims g_;
  int64_t sx_, sy_;
  std::vector<uint32_t> table_;
  size_t at(int64_t x, int64_t y, int64_t z) const { return static_cast<size_t>((z * sy_ + y) * sx_ + x); }
  static int64_t clip(int64_t v, int64_t n) { return v < 0 ? 0 : (v > n ? n : v); }
};

}  // namespace rivulet
}  // namespace nt
