// K8: the fast-marching linker (Hang Xiao's fastmarching_linker, Vaa3D neuron_tracing) on 8-bit
// images, with the gray-weighted edge cost of APP2: cost(p -> n) = (GI(p) + GI(n)) / 2 * f(|offset|_1),
// f = 1, 1.414214, 1.732051, GI = APP2's 6-digit table of exp(10 (1 - k/255)^2).
//
// Two forms:
//  - fastmarchingLink: multi-source -> multi-target march over the whole image (every voxel is
//    passable; GI normalised by the image's true min and max), stopping at the first target
//    reached; returns that target, the path voxels and the source it came from.
//  - fastmarchingDrawRays: the ray-to-ray chaining of fastmarching_drawing_dynamic. Each ray
//    (near end -> far end) is rasterised into voxels; consecutive rays are linked by a march from
//    every voxel of ray i (each starting at its accumulated score) inside a slab spanned by rays i
//    and i+1 plus a margin, resampled from the image by nearest neighbour in the slab's own frame
//    (GI normalised to 0..255), until (n+1)/2 voxels of ray i+1 are reached (1 for the last ray);
//    reached voxels inherit their arrival time as score. Rays whose near or far end rounds to the
//    previous ray's voxel are skipped. The result is the chain from the lowest-score voxel of the
//    last ray back through the previous rays: a polyline through the volume that stays over the
//    curve the rays were cast from. This is how TReMAP lifts a 2-D trace into 3-D.
//
// Ties and precision follow the original: float arrival times, APP2's binary heap (strict '>'
// sifts), neighbours in dz, dy, dx order, ray voxels in near-to-far order. Where the original
// divides by zero or reads outside its arrays (coincident rays, out-of-range markers, no target
// reachable) these functions do the evident intended thing instead: the link is reported as not
// made.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

struct Point3 {
  double x = 0, y = 0, z = 0;
};

struct LinkPath {
  bool reached = false;
  // The reached target (its given coordinates), the voxels of the path, then the source it came
  // from (its given coordinates): the original's output order. Empty when nothing was reached.
  std::vector<Point3> points;
  double cost = 0;       // arrival time at the target
  int64_t marched = 0;   // voxels taken off the heap
  // With LinkOptions::box: the march reached the box's faces before its target, so the result is
  // the best path inside the box and may differ from the whole image's. Without it, the result is
  // exactly the unrestricted one.
  bool touchedBox = false;
};

// Inclusive voxel bounds.
struct LinkBox {
  int64_t x0 = 0, y0 = 0, z0 = 0, x1 = 0, y1 = 0, z1 = 0;
};

struct LinkOptions {
  // GI normalisation range; both < 0: the image's own minimum and maximum (scanned per call).
  int minValue = -1, maxValue = -1;
  // Search only inside this box (clipped to the image; sources must lie inside), its faces acting
  // as walls; LinkPath::touchedBox says whether they may have changed the result (a caller that
  // needs the whole-image result grows the box and asks again).
  const LinkBox* box = nullptr;
};

// Sources and targets are rounded to voxels ((long)(c + 0.5) per axis); ones outside the image are
// ignored. cnn: 1 -> 6, 2 -> 18, 3 -> 26 neighbours.
LinkPath fastmarchingLink(const uint8_t* img, const Dims& d, const std::vector<Point3>& sources,
                          const std::vector<Point3>& targets, int cnn, const Checkpoint& cp = {},
                          const LinkOptions& opt = {});

struct RayDrawing {
  // points[0] lies on the last ray; points[i + 1] is the parent of points[i]; the last point has no
  // parent. Coordinates are continuous (ray voxels and slab voxels mapped back into the image).
  std::vector<Point3> points;
  bool fromFirstRay = false;  // the chain reaches back to the first ray (false when a link failed)
  int64_t links = 0;          // ray pairs marched (skipped duplicates not counted)
  int64_t failedLinks = 0;    // ray pairs the slab could not be built for (coincident rays)
  int64_t marched = 0;        // voxels taken off the heap, all links together
};

// nearEnds[i] and farEnds[i] define ray i (at least two rays). margin pads the slab on every side.
RayDrawing fastmarchingDrawRays(const uint8_t* img, const Dims& d, const std::vector<Point3>& nearEnds,
                                const std::vector<Point3>& farEnds, int cnn, int margin, const Checkpoint& cp = {});

}  // namespace nt::kern
