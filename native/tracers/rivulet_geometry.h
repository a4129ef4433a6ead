// Small value types shared by the Rivulet2 core. Points are single precision because the
// plugin stores every traced point as Point<float>; keeping that rounding keeps the
// back-tracking on the same numbers.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/common.h"

namespace nt {
namespace rivulet {

struct PointF {
  float x = 0, y = 0, z = 0;
};

// Point<float>::dist: float differences and sum, then a square root.
inline float distF(const PointF& a, const PointF& b) {
  const float dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return static_cast<float>(std::pow(dx * dx + dy * dy + dz * dz, 0.5));
}

// The plugin's Image3::get on Point<long>(p): coordinates truncated toward zero, then a linear
// index that reads 0 when it falls outside the buffer. Returns -1 for "outside".
inline int64_t truncatedIndex(const kern::Dims& d, const PointF& p) {
  const int64_t i = d.index(static_cast<int64_t>(p.x), static_cast<int64_t>(p.y), static_cast<int64_t>(p.z));
  return (i >= 0 && i < d.voxels()) ? i : -1;
}

}  // namespace rivulet
}  // namespace nt
