// Moving-average (box) filters over one image plane.
#pragma once
#include <cstdint>

namespace nt::kern {

// Mean of the (2r+1) x (2r+1) window around every pixel whose window lies inside the w x h
// plane (rows and columns r .. size-r-1); dst pixels nearer the border are left untouched.
// Each output row updates its window sums from the row above (add the entering row segment,
// subtract the leaving one), so the cost is O(w·h·(2r+1)) rather than O(w·h·(2r+1)²).
// Returns false and writes nothing when the plane has no such pixel.
bool boxMeanInterior2D(const double* src, double* dst, int64_t w, int64_t h, int r);

}  // namespace nt::kern
