// MST_Tracing steps 1–3 (MST_Tracing.md): global threshold, block seeds, and the seed spanning
// tree in the order Vaa3D's SortSWC gives it.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace nt {
namespace mst {

// Seed positions are single precision, as Vaa3D's ImageMarker stores them.
struct SeedPoint { float x, y, z; };

struct Image8 {
  const uint8_t* data;
  int64_t nx, ny, nz;
  uint8_t at(int64_t i) const { return data[i]; }
};

// th = Σ over slices of (slice sum)/(X·Y·Z), accumulated in that order.
double globalMean(const Image8& img);

struct SeedOptions {
  int64_t ws = 10;
  double margin = 30;
  // Quirk S1 (keep): a voxel is "bright" when I − th > th + margin, i.e. I > 2·th + margin.
  bool brightTestQuirk = true;
  // Quirk S3 (keep): medoid distance √(dx² + (dy² + dz⁴)²) in single precision.
  bool medoidDistanceQuirk = true;
};

// One seed per Ws³ block (z-block, then y, then x) whose positive-weight centroid, or failing
// that the medoid of its bright voxels, is brighter than th + margin.
std::vector<SeedPoint> detectSeeds(const Image8& img, double th, const SeedOptions& opt,
                                   const std::function<void()>& poll = {});

// Euclidean minimum spanning tree of the seeds grown from seed 0 with the dense Prim's
// tie rule (the lowest in-tree index, then the lowest new index, among equal weights), then
// renumbered depth-first from seed 0 as SortSWC(root 1, threshold 0) does. parent[i] < i.
// (A local Prim: the shared K9 MST kernel is not in the tree yet.)
struct SeedTree {
  std::vector<SeedPoint> pos;
  std::vector<int32_t> parent;  // -1 for the root (index 0)
};
SeedTree seedSpanningTree(const std::vector<SeedPoint>& seeds, const std::function<void()>& poll = {});

}  // namespace mst
}  // namespace nt
