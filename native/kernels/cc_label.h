// K10: connected-component labelling of binary images, 2-D (4- or 8-connected) and 3-D (6-, 18-
// or 26-connected). Components are numbered in the raster order of their first voxel, which is
// the order the scan-and-flood loops of the Vaa3D-era tracers (nctuTW's FindCCs, TReMAP) found
// them in, so "component k" means the same thing as in those programs.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

struct ComponentLabels {
  std::vector<int32_t> label;  // per voxel: component number, -1 for background (mask == 0)
  std::vector<int64_t> size;   // voxels per component
  int32_t count() const { return static_cast<int32_t>(size.size()); }
};

// connectivity: 6, 18 or 26 (a 2-D image is a volume with nz = 1; use 4 or 8 there).
ComponentLabels labelComponents(const uint8_t* mask, const Dims& d, int connectivity, const Checkpoint& cp = {});

// Clears (to 0) every voxel of mask whose component has at most minSizeExclusive voxels and sets
// the rest to `value`: the "keep components with more than N voxels" step.
void keepComponentsLargerThan(uint8_t* mask, const Dims& d, int connectivity, int64_t minSizeExclusive, uint8_t value,
                              const Checkpoint& cp = {});

}  // namespace nt::kern
