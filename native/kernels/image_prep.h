// Image preparation shared by APP2-style tracers: linear min-max conversion to 8 bits, the
// "256-cube" downsampling rule with block-mean resampling, and mean/standard deviation.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"
#include "kernels/swc_tools.h"

namespace nt::kern {

// Maps [min, max] of src linearly onto [0, 255] and truncates (Vaa3D scale_img_and_convert28bit).
// invert reflects the values first (brightfield images: dark neurites on a bright background).
// NaN voxels become 0. A constant image maps to 0.
void convertTo8bit(const uint16_t* src, int64_t n, bool invert, uint8_t* dst);
void convertTo8bit(const float* src, int64_t n, bool invert, uint8_t* dst);

struct DownsampleFactors { double xy = 1, z = 1; };

// APP2's rule: nothing when every axis is <= 256; otherwise when X >= 2Z or Y >= 2Z the XY axes
// shrink by max(X,Y)/256 and Z stays (or all axes shrink by max(X,Y,Z)/256 when Z > 256); in all
// other cases every axis shrinks by max(X,Y,Z)/256.
DownsampleFactors chooseDownsample256(const Dims& d);

// Output size floor(N / f) per axis; each output voxel is the truncated mean of its input block
// [floor(i f), floor((i+1) f - 1)] clipped to the image (Vaa3D resample3dimg_interp).
std::vector<uint8_t> blockMeanDownsample(const uint8_t* src, const Dims& d, double fxy, double fz, Dims* outDims);

// A coordinate traced on a grid downsampled by f, on the full grid as APP2 maps it back: the
// middle of its block, c * f + f / 2, when f > 1.
inline double toFullGrid(double c, double f) { return f > 1 ? c * f + f / 2 : c; }
// The same for every node of a trace (radii are left alone).
void toFullGrid(SwcList& t, const DownsampleFactors& f);

struct MeanStd { double mean = 0, std = 0; };
// Mean and sample standard deviation (divisor n - 1).
MeanStd meanStd(const uint8_t* img, int64_t n);

}  // namespace nt::kern
