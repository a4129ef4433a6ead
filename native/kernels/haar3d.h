// SmartTracing's voxel features (getWindowWavelet): a 16x16x16 window around a voxel, [c-8, c+7]
// per axis, mirrored at the borders with the edge voxel repeated (-1 -> 0, n -> n-1), then three
// levels of an unnormalised 3-D Haar step on 2x2x2 blocks (L = mean of a pair, H = first minus
// second; x, then y, then z), each level transforming the previous level's LLL band.
// Feature layout (4,096 values): the 8 LLL values of the coarsest level (2x2x2, x fastest), then
// for the levels from coarse to fine (2^3, 4^3, 8^3 coefficients per band) the detail bands 1..7
// in the original's band order, each in z, y, x raster order.
#pragma once
#include <cstdint>

#include "kernels/common.h"

namespace nt::kern {

constexpr int kHaarWin = 16;
constexpr int kHaarLevels = 3;
constexpr int kHaarFeatures = kHaarWin * kHaarWin * kHaarWin;

// Half-sample mirror into [0, n): -1 -> 0, -2 -> 1, n -> n - 1, repeated until inside.
inline int64_t mirrorHalfSample(int64_t i, int64_t n) {
  while (i < 0 || i >= n) {
    if (i < 0) i = -(i + 1);
    if (i >= n) i = 2 * n - i - 1;
  }
  return i;
}

// Reusable buffers for one thread: the window and the bands of every level.
struct HaarWorkspace {
  float window[kHaarFeatures];
  float level0[8][512];  // 8 bands of 8^3
  float level1[8][64];   // 8 bands of 4^3
  float level2[8][8];    // 8 bands of 2^3
};

// One Haar level on a dim^3 cube (x fastest) into 8 bands of (dim/2)^3.
void haarLevel(const float* in, int dim, float (*bands)[512]);

// The 4,096 features of the voxel (cx, cy, cz) into out.
void haarFeatures(const uint8_t* img, const Dims& d, int64_t cx, int64_t cy, int64_t cz, HaarWorkspace& ws,
                  float* out);

}  // namespace nt::kern
