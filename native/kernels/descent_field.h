// Back-tracking on an arrival-time map: a discrete steepest-descent direction per voxel (the
// 26-neighbour with the smallest T), trilinearly interpolated, and fourth-order Runge-Kutta
// steps along it (Rivulet's geodesic back-tracking, after Kroon's rk4 for msfm).
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

class DescentField {
 public:
  static constexpr uint8_t kNone = 26;  // no neighbour is lower: a local minimum of T

  // Picks, for every voxel, the first of the 26 neighbours (x-major order, dx then dy then dz
  // from -1 to +1) with the strictly smallest T below the voxel's own; neighbours outside the
  // grid never win.
  DescentField(const std::vector<double>& T, const Dims& dims);

  const Dims& dims() const { return d_; }
  uint8_t direction(int64_t v) const { return dir_[v]; }
  // The chosen neighbour's index (v itself at a minimum): T at this index is the
  // neighbourhood minimum of T around v.
  int64_t lowestNeighbour(int64_t v) const;

  // The field value -offset/|offset| (zero at minima) interpolated at p, with corner indices
  // clamped into the grid.
  void interpolate(const double p[3], double g[3]) const;

  // One RK4 step of length `step` against the interpolated field (each stage normalised to
  // `step`), i.e. downhill on T. Returns false, leaving `out` untouched, when a stage point or
  // the result leaves [0, n-1] on any axis or the field vanishes under a stage.
  bool rk4Step(const double p[3], double step, double out[3]) const;

  bool inBounds(const double p[3]) const;

 private:
  Dims d_;
  std::vector<uint8_t> dir_;
};

}  // namespace nt::kern
