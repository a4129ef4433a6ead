// Image steps of the EnsembleNeuronTracer family (EnsembleNeuronTracer.md steps 1 and 3),
// transliterated from the original loops, linear-index arithmetic included.
#pragma once
#include <cstdint>

#include "kernels/common.h"

namespace nt::ens {

struct StretchInfo { int lo = 0, hi = 0; float scale = 0; };

// Contrast(W, percent): lo = first intensity whose cumulative count exceeds floor(n / 100) * percent,
// hi = last intensity whose cumulative count is below n (one below the maximum present);
// W <- min(int(max(W - lo, 0) * scale), 255) with scale = 255 / (hi - lo) in single precision.
// When hi <= lo the original divides by zero (or by a negative number); scale 255 is used then
// (quirk EN5: only voxels above lo, i.e. at the maximum, become 255). In place.
StretchInfo contrastStretch(uint8_t* img, int64_t n, int percent);

// The hand-written "dilation" (quirk EN1): in raster order, a voxel with M = 255 sets D = 255 at
// itself and, when all eight linear indices i + X - 1, i + X + 1, i + XY - X - 1, i + XY - X + 1,
// i + X - 1, i + X + 1, i - XY - X - 1, i - XY - X + 1 are >= 0, at each of them that is < n;
// a voxel with M != 255 sets D = 0 at itself, erasing earlier forward writes. Net effect: M plus
// M shifted by (-1, -1, -1) and (+1, -1, -1), wrapping across row and slice ends.
void quirkyDilate(const uint8_t* m, const kern::Dims& d, uint8_t* out);

// The "closing" the source holds for the third image, which its if/else chain never reaches:
// where M != D, M becomes 255 if D is 255 at linear offsets 0, -XY - 1 + X, -XY + 1 - X,
// -XY + 1 + X, XY - 1 - X, XY - 1 + X, XY + 1 - X, XY + 1 + X, and 0 otherwise; skipped when one
// of the first seven indices is negative. Offsets past the end (read out of bounds in the
// original) count as not 255. In place on m.
void quirkyClosing(uint8_t* m, const uint8_t* dilated, const kern::Dims& d);

}  // namespace nt::ens
