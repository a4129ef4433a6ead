// K10 small morphology: dilation and erosion of a binary mask with the 6-neighbourhood (the
// voxel and its face neighbours). A voxel is foreground when it equals 255; outputs are 0/255.
//
// Interior mode is ENT's formulation: the output starts all 0 and only voxels with every
// coordinate in 1..n-2 are examined, so the one-voxel border of the result is written only by
// dilation reaching it from the inside (erosion leaves the border 0). Full mode treats the
// image as surrounded by background for dilation and ignores missing neighbours for erosion.
#pragma once
#include <cstdint>

#include "kernels/common.h"

namespace nt::kern {

enum class MorphBorder { Interior, Full };

// out must not alias in; both hold d.voxels() bytes.
void dilate6(const uint8_t* in, const Dims& d, MorphBorder border, uint8_t* out, const Checkpoint& cp = {});
void erode6(const uint8_t* in, const Dims& d, MorphBorder border, uint8_t* out, const Checkpoint& cp = {});

}  // namespace nt::kern
