// Shared vocabulary of the NeuroGPS-Tree port (Quan, Zhou et al., Nat Methods 2016; BigNeuron
// label NeuroGPSTree): the internal 16-bit image, curve nodes and the per-curve connection row.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/box_view.h"
#include "kernels/mat3.h"
#include "kernels/rayburst.h"

namespace nt::gps {

using kern::Mat3;
using kern::Vec3;
using kern::roundHalfAway;

// The image the method works on: "4 x 8-bit" units (0..1020) after downsampling and enhancement.
struct Image16 {
  int nx = 0, ny = 0, nz = 0;
  double resX = 1, resY = 1, resZ = 1;  // µm per internal voxel (resolution × downsampling scale)
  std::vector<uint16_t> v;

  size_t idx(int x, int y, int z) const { return (static_cast<size_t>(z) * ny + y) * nx + x; }
  uint16_t operator()(int x, int y, int z) const { return v[idx(x, y, z)]; }
  kern::BoxView16 view() const { return kern::BoxView16::whole(v.data(), nx, ny, nz); }
  // The method switches every window size and threshold on the voxel volume (2015-8-13 branch).
  bool highResolution() const { return resX * resY * resZ <= 1.5; }
};

// A curve node: position in internal voxels, radius, and mean foreground intensity.
struct Node {
  double x = 0, y = 0, z = 0, r = 0, v = 0;
  Vec3 p() const { return {x, y, z}; }
  void setP(const Vec3& q) { x = q.x; y = q.y; z = q.z; }
};
using Curve = std::vector<Node>;

// Which curve (1-based id, 0 = none) the head (first node) and tail (last node) ran into.
struct Link {
  int head = 0, tail = 0;
  bool any() const { return head != 0 || tail != 0; }
};

using Poll = std::function<void()>;

}  // namespace nt::gps
