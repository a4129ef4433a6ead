#include "tracers/ent_learning.h"

#include <algorithm>
#include <vector>

namespace nt::ent {

using kern::Dims;

BrightBlock brightestBlock(const uint8_t* img, const Dims& d) {
  BrightBlock blk;
  blk.x8 = (d.nx / 8) * 8;
  blk.y8 = (d.ny / 8) * 8;
  const int64_t X8 = blk.x8, Y8 = blk.y8;
  const int64_t last = d.nz - 1;
  // P(y, x) = max(I(x, y, 0), I(x, y, Z-1)) over the truncated region (quirk E1)
  std::vector<uint8_t> P(static_cast<size_t>(X8 * Y8));
  int maxValue = 0;
  for (int64_t y = 0; y < Y8; ++y)
    for (int64_t x = 0; x < X8; ++x) {
      const uint8_t v = std::max(img[d.index(x, y, 0)], img[d.index(x, y, last)]);
      P[static_cast<size_t>(y * X8 + x)] = v;
      maxValue = std::max<int>(maxValue, v);
    }
  blk.maxValue = maxValue;
  // Marking skips column 0, which keeps its raw value and so counts as a mark only if it is 1.
  int count[8][8] = {};
  for (int64_t y = 0; y < Y8; ++y)
    for (int64_t x = 0; x < X8; ++x) {
      const uint8_t raw = P[static_cast<size_t>(y * X8 + x)];
      const bool mark = x == 0 ? raw == 1 : raw >= maxValue;
      if (!mark) continue;
      // quirk E2: the row index is divided by the x size and the column index by the y size;
      // on non-square images that can pass 7 (an overflow in the original), so it is clamped
      const int64_t a = std::min<int64_t>((y * 8) / X8, 7), b = std::min<int64_t>((x * 8) / Y8, 7);
      ++count[a][b];
    }
  int best = 0;
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 8; ++b) best = std::max(best, count[a][b]);
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 8; ++b)
      if (count[a][b] == best) {  // the last bin in scan order wins ties
        blk.a = a;
        blk.b = b;
      }
  blk.marks = best;
  return blk;
}

double learningScore(const uint8_t* version, const Dims& d, const BrightBlock& blk) {
  const int64_t X8 = blk.x8, Y8 = blk.y8;
  const int64_t xx = X8 / 8, yy = Y8 / 8;
  const int64_t total = xx * yy * d.nz;
  if (total == 0) return 0;
  // quirk E3: a running counter over (z, i < X8, j < Y8) with j fastest is used as the voxel
  // index, and (i, j) must fall in column block b and row block a
  int64_t nonzero = 0;
  for (int64_t k = 0; k < d.nz; ++k)
    for (int64_t i = blk.b * xx; i < (blk.b + 1) * xx; ++i) {
      const uint8_t* row = version + k * X8 * Y8 + i * Y8;
      for (int64_t j = blk.a * yy; j < (blk.a + 1) * yy; ++j)
        if (row[j] != 0) ++nonzero;
    }
  return static_cast<double>(nonzero) / static_cast<double>(total);
}

}  // namespace nt::ent
