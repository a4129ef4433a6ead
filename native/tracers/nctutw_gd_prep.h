// nctuTW's image preparation for tip finding (nctuTW_GD.md, steps A1–A4; the NCTU tip finder of
// Lee, Chuang, Chiang & Ching, PLoS Comput Biol 8(9):e1002658, 2012): grey threshold, slice-wise
// cleaning and skeleton, soma by box density, skeleton repair by shortest bridges, and the
// slice-wise distance map that weights the path search.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::nctutw {

struct Voxel {
  int64_t x = 0, y = 0, z = 0;
  bool operator==(const Voxel& o) const { return x == o.x && y == o.y && z == o.z; }
};

// ImagePreprocessforTracing, grey part: the intensity T such that the voxels of at least T make
// up the brightest `fraction` of the non-zero voxels (the histogram is accumulated from 255
// down); 0 when no such level exists.
int greyThreshold(const uint8_t* img, int64_t n, double fraction);

// Slice-wise clean-up and skeleton: per slice keep 8-connected components of G (> 0) with more
// than cc2d pixels, then 26-connected components with more than cc3d voxels, dilate each slice
// with a 3×3 square and thin it (IPToolBox Zhang–Suen). Returns the skeleton S1 (0/255).
std::vector<uint8_t> cleanSkeleton(const uint8_t* G, const kern::Dims& d, int cc2d, int cc3d, const kern::Checkpoint& cp);

// SomaDetection: the density of each G-foreground voxel is the sum of the raw intensities of
// G-foreground voxels in the box ±R × ±R × ±ceil(R/3), divided by 8R³; positions attaining the
// running maximum are kept (ties too). While more than one remains and R < 10, R grows by one and
// every voxel is scored again against the maximum so far (quirk N3: it is not reset). The first
// kept position wins. found is false when G is empty.
struct SomaResult { Voxel pos; bool found = false; double density = 0; double finalR = 0; };
SomaResult detectSoma(const uint8_t* raw, const uint8_t* G, const kern::Dims& d, double R0, const kern::Checkpoint& cp);

// ImageRepair: binarise S1, keep 26-connected components with more than ccMin voxels, thin per
// slice, take the 2-D endpoints (skeleton pixels with at most 2 set pixels in their 3×3, read
// through the slice's linear index as the original did), and join the components greedily by the
// shortest endpoint-to-endpoint bridges (Kruskal order; a bridge paints 3×3×3 blocks along the
// segment). Returns the repaired image Rp (0/255).
struct RepairResult { std::vector<uint8_t> image; int64_t components = 0; int64_t bridges = 0; int64_t frontiers = 0; };
// maxSortedPairs bounds the frontier pairs materialised and sorted (see chooseBridges).
constexpr int64_t kMaxSortedBridgePairs = 25'000'000;
RepairResult repairSkeleton(const uint8_t* S1, const kern::Dims& d, int ccMin, const kern::Checkpoint& cp,
                            int64_t maxSortedPairs = kMaxSortedBridgePairs);

// Per-slice skeleton of a binary image (thinning_1frT on every slice).
std::vector<uint8_t> thinSlices(const uint8_t* img, const kern::Dims& d, const kern::Checkpoint& cp);

// DistanceTransTwo::euclideanTrans on every slice: an iterative squared-distance propagation
// (iteration t adds 2t-1 across an edge and 4t-2 across a corner) on the interior pixels, the
// one-pixel border never updated (foreground there stays at 50000), output int(sqrt(value))
// stored in a byte.
std::vector<uint8_t> sliceDistance(const uint8_t* G, const kern::Dims& d, const kern::Checkpoint& cp);

}  // namespace nt::nctutw
