// A read-only window onto a 16-bit volume: the window's own coordinates run from 0 to size-1 and
// map onto the whole volume by an offset, so sub-windows need no copy.
#pragma once
#include <cstdint>

namespace nt::kern {

struct BoxView16 {
  const uint16_t* data = nullptr;
  int64_t nx = 0, ny = 0;      // strides of the whole volume (x fastest, then y, then z)
  int x0 = 0, y0 = 0, z0 = 0;  // window origin in the whole volume
  int sx = 0, sy = 0, sz = 0;  // window size

  uint16_t operator()(int i, int j, int k) const {
    return data[(static_cast<int64_t>(z0 + k) * ny + (y0 + j)) * nx + (x0 + i)];
  }
  // The sub-window [lo, hi] (inclusive, in this window's coordinates, assumed inside it).
  BoxView16 sub(int xl, int yl, int zl, int xh, int yh, int zh) const {
    BoxView16 b = *this;
    b.x0 = x0 + xl; b.y0 = y0 + yl; b.z0 = z0 + zl;
    b.sx = xh - xl + 1; b.sy = yh - yl + 1; b.sz = zh - zl + 1;
    return b;
  }
  static BoxView16 whole(const uint16_t* d, int nx, int ny, int nz) {
    BoxView16 b;
    b.data = d; b.nx = nx; b.ny = ny; b.sx = nx; b.sy = ny; b.sz = nz;
    return b;
  }
};

}  // namespace nt::kern
