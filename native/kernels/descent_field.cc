#include "kernels/descent_field.h"

#include <cmath>

namespace nt::kern {
namespace {

struct Offsets {
  int d[26][3];
  double g[27][3];  // field value per direction code; code 26 (none) is zero
  Offsets() {
    int n = 0;
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy)
        for (int dz = -1; dz <= 1; ++dz) {
          if (dx == 0 && dy == 0 && dz == 0) continue;
          d[n][0] = dx; d[n][1] = dy; d[n][2] = dz;
          const double len = std::sqrt(static_cast<double>(dx * dx + dy * dy + dz * dz));
          g[n][0] = -dx / len; g[n][1] = -dy / len; g[n][2] = -dz / len;
          ++n;
        }
    g[26][0] = g[26][1] = g[26][2] = 0;
  }
};
const Offsets kOff;

}  // namespace

DescentField::DescentField(const std::vector<double>& T, const Dims& dims)
    : d_(dims), dir_(static_cast<size_t>(dims.voxels()), kNone) {
  const int64_t nx = d_.nx, ny = d_.ny, nz = d_.nz;
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const int64_t v = (z * ny + y) * nx + x;
        double best = T[v];
        uint8_t code = kNone;
        for (int n = 0; n < 26; ++n) {
          const int64_t i = x + kOff.d[n][0], j = y + kOff.d[n][1], k = z + kOff.d[n][2];
          if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
          const double t = T[(k * ny + j) * nx + i];
          if (t < best) { best = t; code = static_cast<uint8_t>(n); }
        }
        dir_[v] = code;
      }
}

int64_t DescentField::lowestNeighbour(int64_t v) const {
  const uint8_t c = dir_[v];
  if (c == kNone) return v;
  return v + (kOff.d[c][2] * d_.ny + kOff.d[c][1]) * d_.nx + kOff.d[c][0];
}

void DescentField::interpolate(const double p[3], double g[3]) const {
  const double fx = std::floor(p[0]), fy = std::floor(p[1]), fz = std::floor(p[2]);
  int64_t x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy), z0 = static_cast<int64_t>(fz);
  int64_t x1 = x0 + 1, y1 = y0 + 1, z1 = z0 + 1;
  const double ax = p[0] - fx, ay = p[1] - fy, az = p[2] - fz;
  const double bx = 1 - ax, by = 1 - ay, bz = 1 - az;
  auto clamp = [](int64_t& a, int64_t hi) { if (a < 0) a = 0; if (a > hi) a = hi; };
  clamp(x0, d_.nx - 1); clamp(x1, d_.nx - 1);
  clamp(y0, d_.ny - 1); clamp(y1, d_.ny - 1);
  clamp(z0, d_.nz - 1); clamp(z1, d_.nz - 1);
  const int64_t xs[2] = {x0, x1}, ys[2] = {y0, y1}, zs[2] = {z0, z1};
  const double wx[2] = {bx, ax}, wy[2] = {by, ay}, wz[2] = {bz, az};
  g[0] = g[1] = g[2] = 0;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 2; ++c) {
        const double w = wx[a] * wy[b] * wz[c];
        const double* f = kOff.g[dir_[d_.index(xs[a], ys[b], zs[c])]];
        g[0] += f[0] * w; g[1] += f[1] * w; g[2] += f[2] * w;
      }
}

bool DescentField::inBounds(const double p[3]) const {
  return p[0] >= 0 && p[1] >= 0 && p[2] >= 0 && p[0] <= d_.nx - 1 && p[1] <= d_.ny - 1 && p[2] <= d_.nz - 1;
}

bool DescentField::rk4Step(const double p[3], double step, double out[3]) const {
  double k[4][3];
  const double frac[4] = {0.5, 0.5, 1.0, 0.0};
  double at[3] = {p[0], p[1], p[2]};
  for (int s = 0; s < 4; ++s) {
    interpolate(at, k[s]);
    const double len = std::sqrt(k[s][0] * k[s][0] + k[s][1] * k[s][1] + k[s][2] * k[s][2]);
    // The plugin divides by this length unguarded; a vanishing field would give NaN points,
    // which it then treats as leaving the image. Report that directly.
    if (!(len > 0)) return false;
    for (int a = 0; a < 3; ++a) k[s][a] = k[s][a] * step / len;
    if (s == 3) break;
    for (int a = 0; a < 3; ++a) at[a] = p[a] - k[s][a] * frac[s];
    if (!inBounds(at)) return false;
  }
  double e[3];
  for (int a = 0; a < 3; ++a) e[a] = p[a] - (k[0][a] + k[1][a] * 2.0 + k[2][a] * 2.0 + k[3][a]) / 6.0;
  if (!inBounds(e)) return false;
  out[0] = e[0]; out[1] = e[1]; out[2] = e[2];
  return true;
}

}  // namespace nt::kern
