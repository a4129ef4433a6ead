// K1: gray-scale distance transform by fast marching (APP2's fastmarching_dt and its per-slice
// variant fastmarching_dt_XY), stored sparsely.
//
// Voxels with I <= thresh are background and keep phi = I. Every other voxel starts FAR; the ones
// touching background (within the cnn neighbourhood) start TRIAL with phi = min(neighbouring
// background I) + I, and the march relaxes phi(n) = phi(p) + I(n) * sqrt(|offset|_1). Only
// foreground voxels ever change, so phi is kept for them alone (a sorted index list, a float per
// voxel and a brick map from voxel to slot); background phi is read back from the image.
// Foreground that no march reaches (no background anywhere in its reach, or in its slice for the
// planar variant) keeps phi = kGsdtInf, as in the original.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/brick_map.h"
#include "kernels/common.h"

namespace nt::kern {

constexpr float kGsdtInf = 1e20f;

struct GsdtField {
  Dims dims;
  const uint8_t* img = nullptr;  // the 8-bit image the transform was computed on (not owned)
  int thresh = 0;
  std::vector<int64_t> voxel;    // foreground voxel indices, ascending (raster order)
  std::vector<float> phi;        // phi of voxel[i]
  BrickMap<int32_t> slot{Dims{}, -1};  // voxel -> i, -1 for background

  bool isBackground(int64_t idx) const { return img[idx] <= thresh; }
  float at(int64_t idx, int64_t x, int64_t y, int64_t z) const {
    const uint8_t v = img[idx];
    if (v <= thresh) return static_cast<float>(v);
    return phi[static_cast<size_t>(slot.get(x, y, z))];
  }
  // First voxel (raster order) holding the maximum phi: APP2's soma/root rule.
  int64_t argmaxFirst() const;
  // phi for every voxel (tests and small images; allocates dims.voxels() floats).
  void toDense(float* out) const;
};

// planar = true restricts every neighbourhood to its own z slice (fastmarching_dt_XY).
// cnn: 1 -> 6 (4 planar), 2 -> 18 (8 planar), 3 -> 26 (8 planar) neighbours.
GsdtField gsdt(const uint8_t* img, const Dims& dims, int cnn, int thresh, bool planar, const Checkpoint& cp = {});

}  // namespace nt::kern
