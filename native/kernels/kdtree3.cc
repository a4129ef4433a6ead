#include "kernels/kdtree3.h"

#include <algorithm>
#include <cmath>

namespace nt::kern {

KdTree3::KdTree3(const double* x, const double* y, const double* z, size_t n) : pts_(3 * n), order_(n), axis_(n, 0) {
  for (size_t i = 0; i < n; ++i) {
    pts_[3 * i] = x[i];
    pts_[3 * i + 1] = y[i];
    pts_[3 * i + 2] = z[i];
    order_[i] = static_cast<int32_t>(i);
  }
  build(0, n);
}

void KdTree3::build(size_t lo, size_t hi) {
  if (hi - lo <= 1) return;
  // Split on the axis of largest spread, which keeps clustered traces (long thin paths) balanced.
  double mn[3] = {1e300, 1e300, 1e300}, mx[3] = {-1e300, -1e300, -1e300};
  for (size_t k = lo; k < hi; ++k)
    for (int a = 0; a < 3; ++a) {
      const double v = pts_[3 * static_cast<size_t>(order_[k]) + a];
      mn[a] = std::min(mn[a], v);
      mx[a] = std::max(mx[a], v);
    }
  int ax = 0;
  for (int a = 1; a < 3; ++a)
    if (mx[a] - mn[a] > mx[ax] - mn[ax]) ax = a;
  const size_t mid = lo + (hi - lo) / 2;
  std::nth_element(order_.begin() + static_cast<std::ptrdiff_t>(lo), order_.begin() + static_cast<std::ptrdiff_t>(mid),
                   order_.begin() + static_cast<std::ptrdiff_t>(hi), [&](int32_t a, int32_t b) {
                     return pts_[3 * static_cast<size_t>(a) + ax] < pts_[3 * static_cast<size_t>(b) + ax];
                   });
  axis_[mid] = static_cast<uint8_t>(ax);
  build(lo, mid);
  build(mid + 1, hi);
}

struct KdTree3::Search {
  const KdTree3& t;
  double q[3];
  int64_t skip;
  Hit best;

  void consider(int32_t idx) {
    if (idx == skip) return;
    const double* p = &t.pts_[3 * static_cast<size_t>(idx)];
    const double dx = p[0] - q[0], dy = p[1] - q[1], dz = p[2] - q[2];
    const double d = std::sqrt(dx * dx + dy * dy + dz * dz);
    if (best.index < 0 || d < best.dist || (d == best.dist && idx < best.index)) {
      best.index = idx;
      best.dist = d;
    }
  }

  void visit(size_t lo, size_t hi) {
    if (lo >= hi) return;
    if (hi - lo == 1) {
      consider(t.order_[lo]);
      return;
    }
    const size_t mid = lo + (hi - lo) / 2;
    const int32_t idx = t.order_[mid];
    const int ax = t.axis_[mid];
    const double diff = t.pts_[3 * static_cast<size_t>(idx) + ax] - q[ax];
    // diff > 0: the query lies below the plane, so the lower half is the near side
    const bool lowerFirst = diff >= 0;
    consider(idx);
    if (lowerFirst) visit(lo, mid); else visit(mid + 1, hi);
    // Points on the far side sit at least |diff| away along this axis; equality must still be
    // examined because a tie can go to a lower index there.
    if (best.index < 0 || !(std::sqrt(diff * diff) > best.dist)) {
      if (lowerFirst) visit(mid + 1, hi); else visit(lo, mid);
    }
  }
};

KdTree3::Hit KdTree3::nearest(double qx, double qy, double qz, int64_t skip) const {
  Search s{*this, {qx, qy, qz}, skip, Hit{}};
  s.visit(0, order_.size());
  return s.best;
}

}  // namespace nt::kern
