#include "kernels/cc_label.h"

#include <stdexcept>

namespace nt::kern {

ComponentLabels labelComponents(const uint8_t* mask, const Dims& d, int connectivity, const Checkpoint& cp) {
  int maxL1;
  bool planar = false;
  switch (connectivity) {
    case 4: maxL1 = 1; planar = true; break;
    case 8: maxL1 = 2; planar = true; break;
    case 6: maxL1 = 1; break;
    case 18: maxL1 = 2; break;
    case 26: maxL1 = 3; break;
    default: throw std::invalid_argument("labelComponents: connectivity must be 4, 8, 6, 18 or 26");
  }
  if (planar && d.nz != 1) throw std::invalid_argument("labelComponents: 4/8-connectivity needs a single slice");
  Offset offs[26];
  const int nOffs = stencil(maxL1, planar, offs);
  ComponentLabels out;
  const int64_t n = d.voxels();
  out.label.assign(static_cast<size_t>(n), -1);
  std::vector<int64_t> stack;
  for (int64_t i = 0; i < n; ++i) {
    if (!mask[i] || out.label[i] >= 0) continue;
    if (cp && (out.size.size() & 1023) == 0) cp();
    const int32_t id = static_cast<int32_t>(out.size.size());
    int64_t count = 0;
    out.label[i] = id;
    stack.push_back(i);
    while (!stack.empty()) {
      const int64_t p = stack.back();
      stack.pop_back();
      ++count;
      const int64_t z = p / (d.nx * d.ny), y = (p / d.nx) % d.ny, x = p % d.nx;
      for (int k = 0; k < nOffs; ++k) {
        const int64_t xx = x + offs[k].dx, yy = y + offs[k].dy, zz = z + offs[k].dz;
        if (!d.inside(xx, yy, zz)) continue;
        const int64_t q = d.index(xx, yy, zz);
        if (!mask[q] || out.label[q] >= 0) continue;
        out.label[q] = id;
        stack.push_back(q);
      }
    }
    out.size.push_back(count);
  }
  return out;
}

void keepComponentsLargerThan(uint8_t* mask, const Dims& d, int connectivity, int64_t minSizeExclusive, uint8_t value,
                              const Checkpoint& cp) {
  const ComponentLabels c = labelComponents(mask, d, connectivity, cp);
  const int64_t n = d.voxels();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t l = c.label[i];
    mask[i] = (l >= 0 && c.size[l] > minSizeExclusive) ? value : 0;
  }
}

}  // namespace nt::kern
