// Shared vocabulary of the native kernels: volume dimensions, the cancellation/progress hook and
// the neighbourhood tables. Kernels take plain pointers and these small structs, never N-API
// types, so every tracer core can call them directly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>

namespace nt::kern {

struct Dims {
  int64_t nx = 0, ny = 0, nz = 0;
  int64_t voxels() const { return nx * ny * nz; }
  int64_t index(int64_t x, int64_t y, int64_t z) const { return (z * ny + y) * nx + x; }
  bool inside(int64_t x, int64_t y, int64_t z) const {
    return x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz;
  }
};

// Called every few tens of thousands of inner-loop steps; a tracer core passes a closure that
// throws its cancellation exception, so kernels stay free of any runtime type.
using Checkpoint = std::function<void()>;

// How often hot loops call the checkpoint: a power of two minus one, used as a mask.
constexpr uint32_t kCheckMask = 0xFFFF;

// One neighbour offset of the 3x3x3 stencil; l1 is |dx|+|dy|+|dz| (1, 2 or 3).
struct Offset { int dx, dy, dz, l1; };

// Offsets with 1 <= l1 <= cnn in the original loop order (dz outer, then dy, then dx), which is
// also increasing linear-index order; the order decides heap ties, so it is part of the contract.
// planar keeps only dz == 0 (the per-slice variants). Returns the count written to out (<= 26).
inline int stencil(int cnn, bool planar, Offset out[26]) {
  int n = 0;
  for (int dz = -1; dz <= 1; ++dz) {
    if (planar && dz != 0) continue;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        int l1 = (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy) + (dz < 0 ? -dz : dz);
        if (l1 == 0 || l1 > cnn) continue;
        out[n++] = {dx, dy, dz, l1};
      }
  }
  return n;
}

}  // namespace nt::kern
