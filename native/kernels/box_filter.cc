#include "kernels/box_filter.h"

#include <cstddef>
#include <vector>

namespace nt::kern {

bool boxMeanInterior2D(const double* src, double* dst, int64_t w, int64_t h, int r) {
  const int64_t span = 2 * static_cast<int64_t>(r) + 1;
  if (r < 0 || w < span || h < span) return false;
  const double area = static_cast<double>(span * span);
  // sum[i - r] is the window sum of output column i on the current row.
  std::vector<double> sum(static_cast<std::size_t>(w - 2 * r), 0.0);
  for (int64_t i = r; i < w - r; ++i) {
    double s = 0;
    for (int64_t k = i - r; k <= i + r; ++k)
      for (int64_t l = 0; l < span; ++l) s += src[l * w + k];
    dst[r * w + i] = s / area;
    sum[i - r] = s;
  }
  for (int64_t j = r + 1; j < h - r; ++j) {
    const double* enter = src + (j + r) * w;
    const double* leave = src + (j - r - 1) * w;
    for (int64_t i = r; i < w - r; ++i) {
      double& s = sum[i - r];
      for (int64_t k = i - r; k <= i + r; ++k) s += enter[k] - leave[k];
      dst[j * w + i] = s / area;
    }
  }
  return true;
}

}  // namespace nt::kern
