// The APP2 tracer core, for tracers that run APP2 as a step (SmartTracing), the way Vaa3D plugins
// call the Vaa3D_Neuron2 plugin: parameters by the app2 manifest's names, e.g. bkgThresh (number
// or "AUTO"), downsample256, radiusFrom2D, gsdt, gap, lengthThresh, resample.
#pragma once
#include <vector>

#include "core/trace_worker.h"

namespace nt::app2 {
NativeTree trace(const VolumeView& vol, const Params& params, const std::vector<Seed>& seeds, TraceContext& ctx);
}  // namespace nt::app2
