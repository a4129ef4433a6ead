// ENT's "learning" step (ENT.md steps 2-3): the brightest block of the original image picks a
// region, and each binarised version is scored by the fraction of non-zero voxels it has there.
// Both functions transliterate the original's index arithmetic, quirks included:
//  E1 the "projection" is max(first slice, last slice) only (a one-slice stack uses its slice);
//  E2 block indices are a = 8y / X8 and b = 8x / Y8 (x and y sizes crossed), clamped to 7;
//     column 0 is left out of the marking, so it counts only where its raw value is 1;
//  E3 the scored region is read as if y were the fastest axis over an X8 x Y8 x Z box.
#pragma once
#include <cstdint>

#include "kernels/common.h"

namespace nt::ent {

struct BrightBlock {
  int a = 0, b = 0;       // the winning bin (row index a, column index b), each 0..7
  int64_t x8 = 0, y8 = 0;  // the region truncated to multiples of 8
  int maxValue = 0;       // maximum of the two-slice projection
  int marks = 0;          // marks in the winning bin
};

BrightBlock brightestBlock(const uint8_t* img, const kern::Dims& d);

// Fraction of non-zero voxels of `version` among the X8*Y8*Z/64 voxels the original collects;
// 0 when that count is 0 (an axis shorter than 8: the original divides 0 by 0 there).
double learningScore(const uint8_t* version, const kern::Dims& d, const BrightBlock& blk);

}  // namespace nt::ent
