#include "kernels/thinning2d.h"

#include <algorithm>
#include <vector>

namespace nt::kern {

// Only pixels touching the background can ever be removed (the rule needs at most 6 set
// neighbours), so each subiteration examines the current border pixels, not the whole image;
// the border grows inward as pixels go. Every subiteration still decides from the image as it
// was when the subiteration began, as the original's flag pass did.
void thinZhangSuen(const uint8_t* in, uint8_t* out, int64_t nx, int64_t ny, ThinStop stop) {
  const int64_t n = nx * ny;
  std::copy(in, in + n, out);
  if (nx < 3 || ny < 3) return;
  auto interior = [&](int64_t p) {
    const int64_t x = p % nx, y = p / nx;
    return x >= 1 && y >= 1 && x < nx - 1 && y < ny - 1;
  };
  std::vector<uint8_t> listed(static_cast<size_t>(n), 0);
  std::vector<int64_t> border, doomed;
  const int64_t ring[8] = {-nx - 1, -nx, -nx + 1, 1, nx + 1, nx, nx - 1, -1};
  for (int64_t p = 0; p < n; ++p) {
    if (!out[p] || !interior(p)) continue;
    for (int64_t o : ring)
      if (!out[p + o]) { listed[p] = 1; border.push_back(p); break; }
  }
  bool first = true;
  int idleInARow = 0;
  for (;;) {
    doomed.clear();
    for (int64_t p : border) {
      if (!out[p]) continue;
      // Neighbours clockwise from north-west: NW N NE E SE S SW W.
      const bool nw = out[p - nx - 1], nn = out[p - nx], ne = out[p - nx + 1], ee = out[p + 1], se = out[p + nx + 1],
                 ss = out[p + nx], sw = out[p + nx - 1], ww = out[p - 1];
      const int np = nw + nn + ne + ee + se + ss + sw + ww;
      if (np < 2 || np > 6) continue;
      const int sp = (!nw && nn) + (!nn && ne) + (!ne && ee) + (!ee && se) + (!se && ss) + (!ss && sw) + (!sw && ww) + (!ww && nw);
      if (sp != 1) continue;
      const bool ok = first ? (!nn || !ee || !ss) && (!ee || !ss || !ww) : (!nn || !ee || !ww) && (!nn || !ss || !ww);
      if (ok) doomed.push_back(p);
    }
    for (int64_t p : doomed) out[p] = 0;
    for (int64_t p : doomed)
      for (int64_t o : ring) {
        const int64_t q = p + o;
        if (out[q] && !listed[q] && interior(q)) { listed[q] = 1; border.push_back(q); }
      }
    if (!doomed.empty()) border.erase(std::remove_if(border.begin(), border.end(), [&](int64_t p) { return !out[p]; }), border.end());
    first = !first;
    if (doomed.empty()) {
      if (stop == ThinStop::FirstIdleSubiteration || ++idleInARow >= 2) break;
    } else {
      idleInARow = 0;
    }
  }
}

}  // namespace nt::kern
