// TReMAP's 2-D stage before tracing: the maximum-intensity projection, its binarisation with the
// 3x3 rank filter, and the regiongrow labelling that splits the projection into components.
// Projections keep the volume's axis order with the projected axis reduced to one voxel
// (XY: nx x ny x 1, XZ: nx x 1 x nz, YZ: 1 x ny x nz), as the original stores them.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::tremap {

enum class Plane { XY = 0, XZ = 1, YZ = 2 };

kern::Dims projectionDims(const kern::Dims& vol, Plane plane);

// Maximum over the projected axis.
std::vector<uint8_t> maxProjection(const uint8_t* img, const kern::Dims& vol, Plane plane, const kern::Checkpoint& cp);

// 255 where v > thresh, else 0, then the 3x3 (border-clipped) rank filter. sixthOfNine: TReMAP's
// element floor(n/2) + 1 of the n sorted window values (the 6th of 9, so a pixel is foreground
// when at least 4 of its 9 window pixels are; quirk T2); false: the median element floor(n/2).
// A window of fewer than 3 pixels (1-pixel-wide images) takes its last element instead of
// reading past the window as the original would.
std::vector<uint8_t> binaryRankFilter(const std::vector<uint8_t>& mip, const kern::Dims& pd, int thresh, bool sixthOfNine);

struct Regions {
  std::vector<int32_t> label;   // per pixel: 0 = none, else 1-based region label
  std::vector<int64_t> size;    // pixels of region label l at size[l - 1]
  bool fromBackground = false;  // no pixel exceeded the mean, so the below-mean level was labelled
};

// The regiongrow plugin as TReMAP calls it ("-p 1 0 1 minSize"): threshold at the image mean
// (strict '>'), clear interior pixels without a 26-neighbour, grow regions from seeds in raster
// order, drop regions under minSize pixels, label the rest 1.. in seed order. An image with no
// pixel above its mean labels its below-mean pixels instead (the plugin's level loop then runs on
// level 0). skipDownRightDiagonal reproduces the plugin's neighbour test for offset (+1, +1, 0),
// whose bound check can never pass: growth never steps that way directly, so two groups touching
// only through such a diagonal stay separate unless the second is reached first.
Regions growRegions(const std::vector<uint8_t>& img, const kern::Dims& pd, int64_t minSize, bool skipDownRightDiagonal,
                    const kern::Checkpoint& cp);

// Region labels ordered by size, largest first (ties keep label order), at most maxCount.
std::vector<int32_t> largestRegions(const Regions& r, size_t maxCount);

}  // namespace nt::tremap
