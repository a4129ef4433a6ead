#include "kernels/gsdt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/heap.h"
#include "kernels/scan.h"

namespace nt::kern {

namespace {
enum State : uint8_t { kFar = 0, kTrial = 1, kAlive = 2 };
}

GsdtField gsdt(const uint8_t* img, const Dims& d, int cnn, int thresh, bool planar, const Checkpoint& cp) {
  if (cnn < 1 || cnn > 3) throw std::invalid_argument("gsdt: connectivity must be 1, 2 or 3");
  GsdtField f;
  f.dims = d;
  f.img = img;
  f.thresh = thresh;
  f.slot.reset(d);
  forEachAbove(img, d, thresh, [&](int64_t idx, int64_t x, int64_t y, int64_t z) {
    f.slot.at(x, y, z) = static_cast<int32_t>(f.voxel.size());
    f.voxel.push_back(idx);
  });
  const size_t n = f.voxel.size();
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw std::length_error("gsdt: more than 2^31 foreground voxels");
  f.phi.assign(n, kGsdtInf);
  if (n == 0) return f;

  Offset offs[26];
  const int nOffs = stencil(cnn, planar, offs);
  double sqrtL1[4] = {0, 1, std::sqrt(2.0), std::sqrt(3.0)};
  const int64_t sy = d.nx, sz = d.nx * d.ny;

  std::vector<uint8_t> state(n, kFar);
  std::vector<int32_t> pos(n, -1);
  IndexedMinHeap<float> heap(pos);

  // A foreground voxel touching background is first discovered, in the original raster scan,
  // by its lowest-index background neighbour; insertion order follows (that neighbour, voxel).
  struct Discovery { int64_t by; int32_t slot; };
  std::vector<Discovery> boundary;
  for (size_t s = 0; s < n; ++s) {
    const int64_t idx = f.voxel[s];
    const int64_t z = idx / sz, y = (idx / d.nx) % d.ny, x = idx % d.nx;
    int64_t first = std::numeric_limits<int64_t>::max();
    int minBg = 256;
    for (int k = 0; k < nOffs; ++k) {
      const int64_t xx = x + offs[k].dx, yy = y + offs[k].dy, zz = z + offs[k].dz;
      if (!d.inside(xx, yy, zz)) continue;
      const int64_t nidx = idx + offs[k].dx + offs[k].dy * sy + offs[k].dz * sz;
      const int v = img[nidx];
      if (v > thresh) continue;
      if (nidx < first) first = nidx;
      if (v < minBg) minBg = v;
    }
    if (first == std::numeric_limits<int64_t>::max()) continue;
    f.phi[s] = static_cast<float>(minBg) + static_cast<float>(img[idx]);
    state[s] = kTrial;
    boundary.push_back({first, static_cast<int32_t>(s)});
  }
  std::stable_sort(boundary.begin(), boundary.end(), [](const Discovery& a, const Discovery& b) { return a.by < b.by; });
  heap.reserve(boundary.size());
  for (const auto& b : boundary) heap.insert(b.slot, f.phi[b.slot]);
  boundary.clear();
  boundary.shrink_to_fit();

  // Intensities of the foreground by slot, so the march never touches the (large) image: a
  // neighbour without a slot is background, which is ALIVE from the start.
  std::vector<uint8_t> val(n);
  for (size_t s = 0; s < n; ++s) val[s] = img[f.voxel[s]];
  uint32_t pops = 0;
  while (!heap.empty()) {
    if (cp && (++pops & kCheckMask) == 0) cp();
    const int32_t s = heap.popMin();
    state[s] = kAlive;
    const int64_t idx = f.voxel[s];
    const int64_t z = idx / sz, y = (idx / d.nx) % d.ny, x = idx % d.nx;
    const float ps = f.phi[s];
    for (int k = 0; k < nOffs; ++k) {
      const int64_t xx = x + offs[k].dx, yy = y + offs[k].dy, zz = z + offs[k].dz;
      if (!d.inside(xx, yy, zz)) continue;
      const int32_t ns = f.slot.get(xx, yy, zz);
      if (ns < 0 || state[ns] == kAlive) continue;
      const float nd = static_cast<float>(ps + val[ns] * sqrtL1[offs[k].l1]);
      if (state[ns] == kFar) {
        f.phi[ns] = nd;
        state[ns] = kTrial;
        heap.insert(ns, nd);
      } else if (f.phi[ns] > nd) {
        f.phi[ns] = nd;
        heap.adjust(ns, nd);
      }
    }
  }
  return f;
}

int64_t GsdtField::argmaxFirst() const {
  // Foreground phi always exceeds any background value (phi >= I > thresh >= background I), so
  // the maximum lies in the foreground whenever there is one.
  if (!voxel.empty()) {
    size_t best = 0;
    for (size_t i = 1; i < phi.size(); ++i)
      if (phi[i] > phi[best]) best = i;
    return voxel[best];
  }
  const int64_t n = dims.voxels();
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (img[i] > img[best]) best = i;
  return best;
}

void GsdtField::toDense(float* out) const {
  const int64_t n = dims.voxels();
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(img[i]);
  for (size_t i = 0; i < voxel.size(); ++i) out[voxel[i]] = phi[i];
}

}  // namespace nt::kern
