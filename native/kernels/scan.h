// Raster-order enumeration of the voxels above a threshold. Tracing touches a small fraction
// of a volume, so the scan skips 64-byte runs whose maximum is at or below the threshold; the
// max loop vectorises, which keeps a full pass over a 200-megavoxel image to a few tens of ms.
#pragma once
#include <algorithm>
#include <cstdint>

#include "kernels/common.h"

namespace nt::kern {

// Calls f(index, x, y, z) for every voxel with img[index] > thresh, in increasing index order.
template <class F>
void forEachAbove(const uint8_t* img, const Dims& d, int thresh, F&& f) {
  if (thresh < 0) thresh = -1;
  if (thresh >= 255) return;
  const uint8_t t = static_cast<uint8_t>(thresh < 0 ? 0 : thresh);
  const bool all = thresh < 0;
  for (int64_t z = 0; z < d.nz; ++z)
    for (int64_t y = 0; y < d.ny; ++y) {
      const int64_t base = d.index(0, y, z);
      const uint8_t* row = img + base;
      int64_t x = 0;
      while (x < d.nx) {
        const int64_t end = std::min<int64_t>(d.nx, x + 64);
        uint8_t m = 0;
        for (int64_t i = x; i < end; ++i) m = std::max(m, row[i]);
        if (all || m > t) {
          for (int64_t i = x; i < end; ++i)
            if (all || row[i] > t) f(base + i, i, y, z);
        }
        x = end;
      }
    }
}

}  // namespace nt::kern
