#include "kernels/marker_radius.h"

namespace nt::kern {

namespace {
struct U8 {
  const uint8_t* p;
  double operator()(int64_t i) const { return p[i]; }
};
}  // namespace

double markerRadiusXY(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh) {
  return markerRadiusXY(U8{img}, d, x, y, z, thresh);
}

double markerRadius3D(const uint8_t* img, const Dims& d, double x, double y, double z, double thresh) {
  return markerRadius3D(U8{img}, d, x, y, z, thresh);
}

}  // namespace nt::kern
