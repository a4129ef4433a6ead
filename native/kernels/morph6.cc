#include "kernels/morph6.h"

#include <algorithm>

namespace nt::kern {

namespace {

constexpr uint8_t kFg = 255;

// Every voxel (x, y, z) of the region the mode examines, row by row.
template <class RowFn>
void forRows(const Dims& d, MorphBorder border, const Checkpoint& cp, RowFn&& row) {
  const int64_t m = border == MorphBorder::Interior ? 1 : 0;
  for (int64_t z = m; z < d.nz - m; ++z) {
    if (cp) cp();
    for (int64_t y = m; y < d.ny - m; ++y) row(y, z, m, d.nx - m);
  }
}

}  // namespace

void dilate6(const uint8_t* in, const Dims& d, MorphBorder border, uint8_t* out, const Checkpoint& cp) {
  const int64_t n = d.voxels();
  std::fill(out, out + n, 0);
  const int64_t sy = d.nx, sz = d.nx * d.ny;
  forRows(d, border, cp, [&](int64_t y, int64_t z, int64_t x0, int64_t x1) {
    const int64_t base = d.index(0, y, z);
    for (int64_t x = x0; x < x1; ++x) {
      const int64_t i = base + x;
      if (in[i] != kFg) continue;
      out[i] = kFg;
      if (x > 0) out[i - 1] = kFg;
      if (x + 1 < d.nx) out[i + 1] = kFg;
      if (y > 0) out[i - sy] = kFg;
      if (y + 1 < d.ny) out[i + sy] = kFg;
      if (z > 0) out[i - sz] = kFg;
      if (z + 1 < d.nz) out[i + sz] = kFg;
    }
  });
}

void erode6(const uint8_t* in, const Dims& d, MorphBorder border, uint8_t* out, const Checkpoint& cp) {
  const int64_t n = d.voxels();
  std::fill(out, out + n, 0);
  const int64_t sy = d.nx, sz = d.nx * d.ny;
  forRows(d, border, cp, [&](int64_t y, int64_t z, int64_t x0, int64_t x1) {
    const int64_t base = d.index(0, y, z);
    for (int64_t x = x0; x < x1; ++x) {
      const int64_t i = base + x;
      const bool keep = in[i] == kFg && (x == 0 || in[i - 1] == kFg) && (x + 1 == d.nx || in[i + 1] == kFg) &&
                        (y == 0 || in[i - sy] == kFg) && (y + 1 == d.ny || in[i + sy] == kFg) &&
                        (z == 0 || in[i - sz] == kFg) && (z + 1 == d.nz || in[i + sz] == kFg);
      if (keep) out[i] = kFg;
    }
  });
}

}  // namespace nt::kern
