#include "tracers/ensemble_images.h"

#include <algorithm>

namespace nt::ens {

using kern::Dims;

StretchInfo contrastStretch(uint8_t* img, int64_t n, int percent) {
  StretchInfo s;
  int64_t hist[256] = {};
  for (int64_t i = 0; i < n; ++i) ++hist[img[i]];
  const int64_t lowBound = n / 100 * percent;
  int64_t cdf[256];
  cdf[0] = hist[0];
  for (int v = 1; v < 256; ++v) cdf[v] = cdf[v - 1] + hist[v];
  s.lo = 255;
  for (int v = 0; v < 256; ++v)
    if (cdf[v] > lowBound) { s.lo = v; break; }
  s.hi = -1;  // no bin below n: every voxel has the same value
  for (int v = 255; v >= 0; --v)
    if (cdf[v] < n) { s.hi = v; break; }
  s.scale = s.hi > s.lo ? 255.0f / static_cast<float>(s.hi - s.lo) : 255.0f;
  uint8_t lut[256];
  for (int v = 0; v < 256; ++v) {
    const int vs = std::max(v - s.lo, 0);
    lut[v] = static_cast<uint8_t>(std::min(static_cast<int>(static_cast<float>(vs) * s.scale), 255));
  }
  for (int64_t i = 0; i < n; ++i) img[i] = lut[img[i]];
  return s;
}

void quirkyDilate(const uint8_t* m, const Dims& d, uint8_t* out) {
  const int64_t n = d.voxels(), X = d.nx, XY = d.nx * d.ny;
  // the eight targets in the original's order (two of them repeat)
  const int64_t off[8] = {X - 1, X + 1, XY - X - 1, XY - X + 1, X - 1, X + 1, -XY - X - 1, -XY - X + 1};
  for (int64_t i = 0; i < n; ++i) {
    if (m[i] != 255) {
      out[i] = 0;
      continue;
    }
    out[i] = 255;
    bool allNonNegative = true;
    for (int64_t o : off) allNonNegative = allNonNegative && i + o >= 0;
    if (!allNonNegative) continue;
    for (int64_t o : off)
      if (i + o < n) out[i + o] = 255;
  }
}

void quirkyClosing(uint8_t* m, const uint8_t* dilated, const Dims& d) {
  const int64_t n = d.voxels(), X = d.nx, XY = d.nx * d.ny;
  const int64_t off[8] = {0, -XY - 1 + X, -XY + 1 - X, -XY + 1 + X, XY - 1 - X, XY - 1 + X, XY + 1 - X, XY + 1 + X};
  for (int64_t i = 0; i < n; ++i) {
    if (m[i] == dilated[i]) continue;
    bool inRange = true;
    for (int k = 0; k < 7; ++k) inRange = inRange && i + off[k] >= 0;
    if (!inRange || i + off[7] == 0) continue;
    bool all = true;
    for (int64_t o : off) {
      const int64_t j = i + o;
      all = all && j < n && dilated[j] == 255;
    }
    m[i] = all ? 255 : 0;
  }
}

}  // namespace nt::ens
