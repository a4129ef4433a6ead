// A static 3-D k-d tree for nearest-point queries that must agree exactly with a brute-force scan
// "for j in order: d = sqrt((dx*dx + dy*dy) + dz*dz); if (d < best) take j": the distance is
// computed with that expression and ties go to the lowest index. Pruning compares the rounded
// distance to the splitting plane, which never exceeds any rounded point distance behind the
// plane (rounding is monotone), so no candidate that the scan would pick is ever skipped.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nt::kern {

class KdTree3 {
 public:
  // Copies the coordinates; index i of the query answers refers to point i.
  KdTree3(const double* x, const double* y, const double* z, size_t n);

  struct Hit {
    int64_t index = -1;  // -1: no point (empty tree, or only the skipped one)
    double dist = 0;
  };
  // Nearest point to q other than `skip` (-1: none skipped).
  Hit nearest(double qx, double qy, double qz, int64_t skip = -1) const;

  size_t size() const { return order_.size(); }

 private:
  struct Search;
  void build(size_t lo, size_t hi);
  std::vector<double> pts_;       // x, y, z interleaved, by original index
  std::vector<int32_t> order_;    // point indices; subtree [lo, hi) splits at its middle element
  std::vector<uint8_t> axis_;     // split axis of the subtree whose middle is at this position
};

}  // namespace nt::kern
