#include "kernels/region_grow.h"

#include <functional>
#include <queue>
#include <stdexcept>

namespace nt::kern {

RegionGrowStats regionGrow(const Dims& d, int64_t sx, int64_t sy, int64_t sz, int radius,
                           const std::function<bool(int64_t, int64_t, int64_t)>& isForeground,
                           std::vector<uint8_t>& labels, const Checkpoint& cp) {
  if (!d.inside(sx, sy, sz)) throw std::invalid_argument("region growing: the seed lies outside the image");
  if (radius < 1) throw std::invalid_argument("region growing: the neighbourhood radius must be at least 1");
  labels.assign(static_cast<size_t>(d.voxels()), kUnlabelled);
  RegionGrowStats st;
  using MinHeap = std::priority_queue<int64_t, std::vector<int64_t>, std::greater<int64_t>>;
  MinHeap pass;
  std::vector<int64_t> nextPass;
  const int64_t s0 = d.index(sx, sy, sz);
  labels[s0] = kForeground;
  st.foreground = 1;
  pass.push(s0);
  uint32_t tick = 0;
  while (!pass.empty()) {
    ++st.passes;
    while (!pass.empty()) {
      const int64_t cur = pass.top();
      pass.pop();
      const int64_t cx = cur % d.nx, cy = (cur / d.nx) % d.ny, cz = cur / (d.nx * d.ny);
      for (int dz = -radius; dz <= radius; ++dz)
        for (int dy = -radius; dy <= radius; ++dy)
          for (int dx = -radius; dx <= radius; ++dx) {
            const int64_t x = cx + dx, y = cy + dy, z = cz + dz;
            if (!d.inside(x, y, z)) continue;
            const int64_t idx = d.index(x, y, z);
            if (labels[idx] != kUnlabelled) continue;
            if ((++tick & 0x3FF) == 0 && cp) cp();
            if (isForeground(x, y, z)) {
              labels[idx] = kForeground;
              ++st.foreground;
              if (idx > cur) pass.push(idx);
              else nextPass.push_back(idx);
            } else {
              labels[idx] = kBackground;
              ++st.background;
            }
          }
    }
    for (int64_t v : nextPass) pass.push(v);
    nextPass.clear();
  }
  return st;
}

}  // namespace nt::kern
