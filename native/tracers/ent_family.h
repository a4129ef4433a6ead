// What ENT and the EnsembleNeuronTracer variants (the NTUST ensemble tracers) share besides
// APP2-base (ent_app2_base.h): the 8-bit input they insist on, the global-threshold constants and
// merge distance both read, and the radius pass over a finished trace.
#pragma once
#include <cstdint>

#include "core/volume.h"
#include "kernels/common.h"
#include "kernels/swc_tools.h"

namespace nt::ent {

// The voxels as bytes; both refuse other types with the same message.
const uint8_t* greyVoxels(const nt::VolumeView& vol);

// Niblack's k, Sauvola's k and R (single precision, as the originals computed), and the
// nearest-node Combine distance.
struct SharedParams {
  float niblackK = 0.2f;
  float sauvolaK = 0.5f;
  float sauvolaR = 128;
  double combineDistance = 2;
};
SharedParams readSharedParams(const nt::Params& p);

// Every node's radius re-estimated by markerRadius3D on `img` with background threshold 40.
void measureRadii(kern::SwcList& t, const uint8_t* img, const kern::Dims& d, const kern::Checkpoint& cp);

}  // namespace nt::ent
