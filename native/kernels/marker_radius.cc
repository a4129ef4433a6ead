#include "kernels/marker_radius.h"

#include "kernels/edt.h"

namespace nt::kern {

namespace {
struct U8 {
  const uint8_t* p;
  double operator()(int64_t i) const { return p[i]; }
};
}  // namespace

void backgroundRingBounds(const uint8_t* fg, int64_t nx, int64_t ny, uint16_t* out) {
  const std::vector<float> sq = edtSquared(fg, Dims{nx, ny, 1}, true);
  constexpr int64_t kCap = 65535;
  for (size_t i = 0; i < sq.size(); ++i) {
    const float v = sq[i];
    int64_t ring;
    if (v == kEdtInfinity || v >= static_cast<float>(kCap) * kCap) {
      ring = kCap;
    } else if (v <= 16777216.0f) {
      // exact integer: ceil(sqrt(v))
      const int64_t s = static_cast<int64_t>(v);
      ring = isqrtFloor(s);
      if (ring * ring < s) ++ring;
    } else {
      // float may have rounded the squared distance up by one unit; floor(sqrt) stays a lower bound
      ring = isqrtFloor(static_cast<int64_t>(v));
    }
    out[i] = static_cast<uint16_t>(std::min(ring, kCap));
  }
}

double markerRadiusXY(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh) {
  return markerRadiusXY(U8{img}, d, x, y, z, thresh);
}

double markerRadius3D(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh) {
  return markerRadius3D(U8{img}, d, x, y, z, thresh);
}

}  // namespace nt::kern
