// NeuroGPS-Tree step 4: growing one curve from a seed in both directions by constrained PCA
// steps, with collision bookkeeping in an index image (each voxel remembers the curve that
// claimed it, so later curves stop where they run into earlier ones and record the contact).
#pragma once
#include <cstdint>
#include <vector>

#include "tracers/neurogps_types.h"

namespace nt::gps {

struct TrackConfig {
  bool high = true;        // voxel volume <= 1.5 µm³: the high-resolution window sizes and rules
  double fillThrev = 0;    // 4·traceValue: extra claiming around a curve (high resolution)
  double endThrev = 20;    // 4·(traceValue + 5): minimum mean of the 20 strongest neighbour signals
};

class Tracker {
 public:
  Tracker(const Image16& orig, const Image16& back, const TrackConfig& cfg);

  // Whether the voxel is still unclaimed.
  bool free(int x, int y, int z) const { return index_[orig_.idx(x, y, z)] == 0; }
  // Traces from a seed voxel, claims the curve's voxels with id, and returns the curve with
  // midpoints inserted (empty when the seed gives no direction or fewer than five nodes). link
  // receives the curves its head and tail ran into.
  Curve traceFromSeed(const Vec3& seed, int id, Link& link);

 private:
  struct Neighbourhood {
    std::vector<Vec3> pts;   // voxel positions (tracking-window coordinates)
    std::vector<double> w;   // max(I − background, 0)
    Vec3 ahead;              // brightest ray within ~18° of the current direction
  };

  kern::BoxView16 window(const Vec3& c, int ex, int ey, int ez) const;
  Vec3 initialDirection(const Vec3& p, int window) const;
  Curve traceOneWay(const Vec3& dir0, const Vec3& start, int& hit);
  void neighbourSignal(const kern::BoxView16& loc, const Vec3& node, const Vec3& dir, double threv, Neighbourhood& nb) const;
  bool nextNode(const kern::BoxView16& loc, const Vec3& node, double threv, const Vec3& dir, Vec3& next, Vec3& nextDir) const;
  Vec3 pushNode(const Vec3& p, double threv, const Vec3& dir) const;
  void nodeParams(const Vec3& p, double& radius, double& mean) const;
  void windowHit(const Vec3& p, int& id, double& share) const;
  bool crossKnot(const Vec3& dir, const Vec3& start, int hitId, std::vector<Vec3>& cross) const;
  std::vector<Vec3> rayburstTrack(const Vec3& start, const Vec3& dir, int len) const;
  void claim(const Curve& dense, int id);

  const Image16& orig_;
  const Image16& back_;
  TrackConfig cfg_;
  std::vector<int32_t> index_;
};

}  // namespace nt::gps
