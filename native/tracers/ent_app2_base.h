// "APP2-base": the fixed APP2 pipeline the NTUST ensemble tracers (ENT, EnsembleNeuronTracer*)
// run on each of their binary images (ENT.md step 4, EnsembleNeuronTracer.md step 4):
// 256-cube block-mean downsampling when needed, root = first maximum of the per-slice gray-scale
// distance transform (cnn 2, background 10), fast-marching tree (cnn 2, background 10, no gap),
// hierarchical pruning (background 10, length 5, SR ratio 0.3333, leaf pruning and smoothing on,
// APP2's T_max = 2 and stale segment list kept), and coordinates mapped back (x * d + d / 2).
// Radii are left as happ estimated them (times the xy factor); callers re-estimate them.
#pragma once
#include <cstdint>

#include "kernels/common.h"
#include "kernels/happ.h"
#include "kernels/swc_tools.h"

namespace nt::ent {

enum class CubeRule {
  Standard,  // downsample when any axis exceeds 256 (APP2, ENT)
  IgnoreY,   // the Ensemble tracers test X <= 256 && Z <= 256 && Z <= 256 (quirk EN2)
};

// The Ensemble tracers keep one running maximum of the distance transform and its location
// across their three runs (quirk EN3): a later run moves the root only to a strictly larger peak.
struct SharedRoot {
  double maxVal = -1;
  int64_t loc = 0;
};

struct App2BaseInfo {
  double fxy = 1, fz = 1;
  kern::Dims traced;
  int64_t rootX = 0, rootY = 0, rootZ = 0;  // in the traced (possibly downsampled) grid
  bool rootMoved = true;                    // false when a shared root kept an earlier run's peak
  size_t nodesInitial = 0;
  kern::HappStats happ;
};

// shared == nullptr: the root is this image's own first GSDT maximum.
kern::SwcList app2Base(const uint8_t* img, const kern::Dims& full, CubeRule rule, SharedRoot* shared,
                       App2BaseInfo* info, const kern::Checkpoint& cp);

}  // namespace nt::ent
