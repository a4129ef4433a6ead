// NeuroGPS-Tree steps 1-2: 8-bit image → internal image (downsampling by resolution, linear
// enhancement, black-area fill) → per-slice background estimate and local binarisation.
#pragma once
#include <cstdint>
#include <vector>

#include "tracers/neurogps_types.h"

namespace nt::gps {

// Integer downsampling factor for a voxel size in µm: ≤ 0.25 → 3, ≤ 0.5 → 2, else 1.
int downsampleScale(double res);

struct PrepOptions {
  double xRes = 1, yRes = 1, zRes = 2;
  double enhanceValue = 0;   // 0 or 255: no enhancement
  bool zSliceQuirk = true;   // N3: every z block re-reads slice z instead of slices z·s .. z·s+s-1
};
struct Scales { int x = 1, y = 1, z = 1; };

// Block sums of the 8-bit image × 4/(sx·sy·sz) (truncated to integers), the optional linear
// enhancement (v > e → 1020, else v·1015/(4e)), then per slice the zero voxels are painted with a
// low histogram mode. Throws std::invalid_argument when a downsampled axis would be empty.
Image16 convertImage(const uint8_t* data, int64_t nx, int64_t ny, int64_t nz, const PrepOptions& opt, Scales& scales);

struct Binarized {
  Image16 back;                // background estimate, truncated to integers
  std::vector<uint8_t> fore;   // 1 where I − B > 1 + k·sqrt(B)
  size_t foreground = 0;
};

// Per slice: B = 20 passes of a 9x9 box mean over min(I, 400) (border rows and columns take the
// mean of the pixel and its inward neighbour); foreground where I − B > 1 + k·sqrt(B).
Binarized binarize(const Image16& img, double k, const Poll& poll);

}  // namespace nt::gps
