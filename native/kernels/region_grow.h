// SmartTracing's classifier-driven region growing: from a seed voxel, every unlabelled voxel in
// the (2*radius+1)^3 neighbourhood of a foreground seed is asked once whether it is foreground;
// yes -> foreground and a new seed, no -> background for good (never asked again, quirk ST5).
// Seeds are visited in passes over raster order: a new seed with a larger linear index than the
// one being processed is handled in the same pass, a smaller one in the next pass, exactly as a
// repeated raster scan for seeds would, but without rescanning the volume.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

enum RegionLabel : uint8_t { kUnlabelled = 0, kForeground = 1, kBackground = 2 };

struct RegionGrowStats { int64_t foreground = 0, background = 0, passes = 0; };

// isForeground(x, y, z) classifies one voxel. The seed itself is labelled foreground without a
// query. labels receives one RegionLabel per voxel.
RegionGrowStats regionGrow(const Dims& d, int64_t seedX, int64_t seedY, int64_t seedZ, int radius,
                           const std::function<bool(int64_t, int64_t, int64_t)>& isForeground,
                           std::vector<uint8_t>& labels, const Checkpoint& cp = {});

}  // namespace nt::kern
