// Global (whole-volume) binarisation of 8-bit images as the NTUST tracers (ENT and the
// EnsembleNeuronTracer family) compute it: Niblack and Sauvola thresholds from the mean and
// standard deviation of the non-zero voxels, and Bernsen's rule on the global minimum and maximum.
//
// The statistics are accumulated in single precision, voxel by voxel in raster order, exactly as
// the originals do: on large stacks the float running sum loses low-order bits, and the threshold
// it yields is the one the published results were produced with. Thresholds are truncated to int.
#pragma once
#include <cstdint>

namespace nt::kern {

// How the original counts the non-zero voxels: ENT starts a float counter at 0.1 (so an empty
// image gives mean 0, not 0/0); the Ensemble tracers use an int counter starting at 0.
enum class NonzeroCounter { FloatFromTenth, IntFromZero };

struct NonzeroStats {
  float mean = 0;       // (sum of all voxels) / counter
  float stddev = 0;     // sqrt(sum over non-zero voxels of (v - mean)^2 / counter)
  double counter = 0;   // the counter's final value (0.1 + n, or n)
  int64_t nonzero = 0;  // exact number of non-zero voxels
};

NonzeroStats nonzeroStats(const uint8_t* img, int64_t n, NonzeroCounter counter);

// int(mean + k * stddev); 0 for an image without non-zero voxels (no foreground either way).
int niblackThreshold(const NonzeroStats& s, float k);
// int(mean * (1 + k * (stddev / r - 1))); 0 for an image without non-zero voxels.
int sauvolaThreshold(const NonzeroStats& s, float k, float r);

// dst[i] = src[i] > t ? 255 : 0 (src == dst is allowed).
void binarizeAbove(const uint8_t* src, int64_t n, int t, uint8_t* dst);

// Global Bernsen: with m, M the image minimum and maximum and mid = (m + M) / 2 (integer
// division), a voxel becomes 255 when M - m < minContrast ? mid >= 128 : v >= mid, else 0.
// skipFirstVoxel leaves voxel 0 unchanged (ENT's loop starts at index 1; quirk E6).
struct BernsenInfo { int lo = 0, hi = 0, mid = 0; bool lowContrast = false; };
BernsenInfo bernsenGlobal(const uint8_t* src, int64_t n, int minContrast, bool skipFirstVoxel, uint8_t* dst);

}  // namespace nt::kern
