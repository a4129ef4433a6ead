// NeuroGPS-Tree step 3: tracing seeds at local intensity maxima of the foreground.
#pragma once
#include <cstdint>
#include <vector>

#include "tracers/neurogps_types.h"

namespace nt::gps {

struct SeedPoint { int x, y, z; uint16_t v; };

// Scans x, then y, then z (z fastest); a foreground voxel whose value is not exceeded anywhere
// in the (2·range+1)³ window of a working copy becomes a seed, and that window is zeroed in the
// copy. Seeds are sorted by value (descending), then x, y, z, and at most `limit` are kept.
std::vector<SeedPoint> selectSeeds(const Image16& img, const std::vector<uint8_t>& fore, int range, size_t limit,
                                   const Poll& poll);

}  // namespace nt::gps
