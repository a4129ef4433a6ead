#include "tracers/ent_family.h"

#include "kernels/marker_radius.h"

namespace nt::ent {

namespace {
constexpr double kRadiusThreshold = 40;
}  // namespace

const uint8_t* greyVoxels(const nt::VolumeView& vol) {
  return vol.u8("reads 8-bit images only (the host converts others by min-max scaling)");
}

SharedParams readSharedParams(const nt::Params& p) {
  SharedParams s;
  s.niblackK = static_cast<float>(p.number("niblackK", 0.2));
  s.sauvolaK = static_cast<float>(p.number("sauvolaK", 0.5));
  s.sauvolaR = static_cast<float>(p.number("sauvolaR", 128));
  if (!(s.sauvolaR > 0)) nt::badParam("sauvolaR", "must be greater than 0");
  s.combineDistance = p.number("combineDistance", 2);
  return s;
}

void measureRadii(kern::SwcList& t, const uint8_t* img, const kern::Dims& d, const kern::Checkpoint& cp) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (cp && (i & 1023) == 0) cp();
    t.radius[i] = kern::markerRadius3D(img, d, t.x[i], t.y[i], t.z[i], kRadiusThreshold);
  }
}

}  // namespace nt::ent
