#include "kernels/edt.h"

#include <cmath>
#include <limits>

namespace nt::kern {

namespace {

// Stand-in for "no site": large enough to lose every comparison, small enough that the
// parabola intersections below stay finite in double precision.
constexpr double kFar = 1e20;

// One pass of the lower envelope along a line of n samples spaced `stride` apart in `g`
// (squared distances so far); writes min_j g[j] + (i - j)^2 back into g.
struct Line {
  std::vector<double> f, z;
  std::vector<int64_t> v;
  void run(double* g, int64_t n, int64_t stride) {
    f.resize(n);
    v.resize(n);
    z.resize(n + 1);
    for (int64_t i = 0; i < n; ++i) f[i] = g[i * stride];
    int64_t k = 0;
    v[0] = 0;
    z[0] = -std::numeric_limits<double>::infinity();
    z[1] = std::numeric_limits<double>::infinity();
    for (int64_t q = 1; q < n; ++q) {
      // z[0] = -inf ends the pop loop at the first parabola at the latest.
      double s;
      for (;;) {
        const int64_t p = v[k];
        s = ((f[q] + double(q) * q) - (f[p] + double(p) * p)) / (2.0 * (q - p));
        if (s > z[k]) break;
        --k;
      }
      ++k;
      v[k] = q;
      z[k] = s;
      z[k + 1] = std::numeric_limits<double>::infinity();
    }
    k = 0;
    for (int64_t q = 0; q < n; ++q) {
      while (z[k + 1] < q) ++k;
      const double dq = double(q - v[k]);
      g[q * stride] = dq * dq + f[v[k]];
    }
  }
};

}  // namespace

std::vector<float> edtSquared(const uint8_t* mask, const Dims& d, bool planar, const Checkpoint& cp) {
  const int64_t n = d.voxels();
  std::vector<double> g(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) g[i] = mask[i] ? kFar : 0.0;
  Line line;
  const int64_t sxy = d.nx * d.ny;
  for (int64_t z = 0; z < d.nz; ++z) {
    if (cp) cp();
    for (int64_t y = 0; y < d.ny; ++y) line.run(g.data() + z * sxy + y * d.nx, d.nx, 1);
    for (int64_t x = 0; x < d.nx; ++x) line.run(g.data() + z * sxy + x, d.ny, d.nx);
  }
  if (!planar && d.nz > 1) {
    for (int64_t y = 0; y < d.ny; ++y) {
      if (cp) cp();
      for (int64_t x = 0; x < d.nx; ++x) line.run(g.data() + y * d.nx + x, d.nz, sxy);
    }
  }
  std::vector<float> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[i] = g[i] >= kFar * 0.5 ? kEdtInfinity : static_cast<float>(g[i]);
  return out;
}

std::vector<float> edt(const uint8_t* mask, const Dims& d, bool planar, const Checkpoint& cp) {
  std::vector<float> out = edtSquared(mask, d, planar, cp);
  for (float& v : out)
    if (v != kEdtInfinity) v = std::sqrt(v);
  return out;
}

}  // namespace nt::kern
