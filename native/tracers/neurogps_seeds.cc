#include "tracers/neurogps_seeds.h"

#include <algorithm>

namespace nt::gps {

std::vector<SeedPoint> selectSeeds(const Image16& img, const std::vector<uint8_t>& fore, int range, size_t limit,
                                   const Poll& poll) {
  std::vector<uint16_t> copy(img.v);
  std::vector<SeedPoint> seeds;
  const int nx = img.nx, ny = img.ny, nz = img.nz;
  for (int x = 0; x < nx; ++x) {
    poll();
    const int x0 = std::max(x - range, 0), x1 = std::min(x + range, nx - 1);
    for (int y = 0; y < ny; ++y) {
      const int y0 = std::max(y - range, 0), y1 = std::min(y + range, ny - 1);
      for (int z = 0; z < nz; ++z) {
        const size_t c = img.idx(x, y, z);
        if (!fore[c]) continue;
        const uint16_t v = copy[c];
        const int z0 = std::max(z - range, 0), z1 = std::min(z + range, nz - 1);
        bool isMax = true;
        for (int k = z0; k <= z1 && isMax; ++k)
          for (int j = y0; j <= y1 && isMax; ++j) {
            const uint16_t* row = copy.data() + img.idx(0, j, k);
            for (int i = x0; i <= x1; ++i)
              if (row[i] > v) { isMax = false; break; }
          }
        if (!isMax) continue;
        seeds.push_back({x, y, z, v});
        for (int k = z0; k <= z1; ++k)
          for (int j = y0; j <= y1; ++j) {
            uint16_t* row = copy.data() + img.idx(0, j, k);
            std::fill(row + x0, row + x1 + 1, uint16_t{0});
          }
      }
    }
  }
  std::sort(seeds.begin(), seeds.end(), [](const SeedPoint& a, const SeedPoint& b) {
    if (a.v != b.v) return a.v > b.v;
    if (a.x != b.x) return a.x < b.x;
    if (a.y != b.y) return a.y < b.y;
    return a.z < b.z;
  });
  if (seeds.size() > limit) seeds.resize(limit);
  return seeds;
}

}  // namespace nt::gps
