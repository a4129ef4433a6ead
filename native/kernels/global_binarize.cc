#include "kernels/global_binarize.h"

#include <cmath>

namespace nt::kern {

NonzeroStats nonzeroStats(const uint8_t* img, int64_t n, NonzeroCounter counter) {
  NonzeroStats s;
  // Single-precision accumulation in raster order is part of the result (see the header).
  float sum = 0.0f;
  float fcount = 0.1f;
  int64_t icount = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t v = img[i];
    sum += static_cast<float>(v);
    if (v > 0) {
      fcount = fcount + 1.0f;
      ++icount;
    }
  }
  s.nonzero = icount;
  if (counter == NonzeroCounter::IntFromZero) {
    s.counter = static_cast<double>(icount);
    if (icount == 0) return s;  // the original divides 0 by 0 here; there is no foreground anyway
  } else {
    s.counter = static_cast<double>(fcount);
  }
  const float div = counter == NonzeroCounter::IntFromZero ? static_cast<float>(icount) : fcount;
  const float mean = sum / div;
  float ss = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t v = img[i];
    if (v == 0) continue;
    const float d = static_cast<float>(static_cast<int>(v)) - mean;
    ss += d * d;
  }
  s.mean = mean;
  s.stddev = std::sqrt(ss / div);
  return s;
}

int niblackThreshold(const NonzeroStats& s, float k) {
  if (s.nonzero == 0) return 0;
  const float t = s.mean + k * s.stddev;
  return static_cast<int>(t);
}

int sauvolaThreshold(const NonzeroStats& s, float k, float r) {
  if (s.nonzero == 0) return 0;
  const float t = s.mean * (1.0f + k * (s.stddev / r - 1.0f));
  return static_cast<int>(t);
}

void binarizeAbove(const uint8_t* src, int64_t n, int t, uint8_t* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<int>(src[i]) > t ? 255 : 0;
}

BernsenInfo bernsenGlobal(const uint8_t* src, int64_t n, int minContrast, bool skipFirstVoxel, uint8_t* dst) {
  BernsenInfo b;
  if (n <= 0) return b;
  int lo = src[0], hi = src[0];
  for (int64_t i = 1; i < n; ++i) {
    if (src[i] > hi) hi = src[i];
    if (src[i] < lo) lo = src[i];
  }
  b.lo = lo;
  b.hi = hi;
  b.mid = (lo + hi) / 2;
  b.lowContrast = hi - lo < minContrast;
  if (skipFirstVoxel) {
    if (dst != src) dst[0] = src[0];
  }
  const uint8_t flat = b.mid >= 128 ? 255 : 0;
  for (int64_t i = skipFirstVoxel ? 1 : 0; i < n; ++i)
    dst[i] = b.lowContrast ? flat : (src[i] >= b.mid ? 255 : 0);
  return b;
}

}  // namespace nt::kern
