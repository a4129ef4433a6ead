#include "kernels/rayburst.h"

#include <algorithm>
#include <cmath>

namespace nt::kern {

namespace {
inline int clampIndex(int v, int n) { return std::max(std::min(v, n - 1), 0); }
}  // namespace

double stencilMean(const BoxView16& img, double sharpness, double x, double y, double z) {
  // Centre first, then x+1, x-1, y-1, y+1, z-1, z+1: the summation order is part of the result.
  static const int off[7][3] = {{0, 0, 0}, {1, 0, 0}, {-1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, -1}, {0, 0, 1}};
  double dense = 0, wet = 0;
  for (const auto& o : off) {
    const int ix = clampIndex(roundHalfAway(x + o[0]), img.sx);
    const int iy = clampIndex(roundHalfAway(y + o[1]), img.sy);
    const int iz = clampIndex(roundHalfAway(z + o[2]), img.sz);
    const double dx = x - ix, dy = y - iy, dz = z - iz;
    const double d = sharpness * std::max(-2.0 * (dx * dx + dy * dy + 4.0 * dz * dz), -6.0);
    const double e = std::exp(d);
    dense += e * static_cast<double>(img(ix, iy, iz));
    wet += e;
  }
  return dense / (wet + 0.0001);
}

int leadingAtLeast(const double* ray, int n, double thr) {
  int k = 0;
  while (k < n && !(ray[k] < thr)) ++k;
  return k;
}

std::vector<double> shellBackground(const std::vector<double>& shell, double k) {
  const size_t n = shell.size();
  std::vector<double> adj(n);
  for (size_t i = 0; i < n; ++i) adj[i] = std::min(shell[i], 400.0);
  if (n >= 2) {
    const double third = 1.0 / 3.0;
    for (int pass = 0; pass < 100; ++pass) {
      for (size_t j = 1; j + 1 < n; ++j) adj[j] = third * (adj[j - 1] + adj[j] + adj[j + 1]);
      adj[n - 1] = 0.5 * (adj[n - 1] + adj[n - 2]);
      adj[0] = 0.5 * (adj[0] + adj[1]);
    }
  }
  std::vector<double> out(shell);
  for (size_t i = 0; i < n; ++i)
    if (std::abs(shell[i] - adj[i]) > k * std::sqrt(adj[i])) out[i] = adj[i];
  return out;
}

std::vector<double> rayGradientProfile(const std::vector<double>& ray) {
  const size_t n = ray.size();
  if (n < 3) return std::vector<double>(n > 0 ? n - 1 : 0, 0.0);
  std::vector<double> proc(n);
  for (size_t i = 0; i < n; ++i) proc[i] = std::min(ray[i], 600.0);
  std::vector<double> diff(n - 1);
  for (size_t i = 0; i + 1 < n; ++i) diff[i] = proc[i + 1] - proc[i];
  // Derivative and intensity, each with midpoints inserted.
  const size_t L = 2 * diff.size() - 1;
  std::vector<double> dr(L);
  for (size_t i = 0; i + 1 < diff.size(); ++i) {
    dr[2 * i] = diff[i];
    dr[2 * i + 1] = 0.5 * (diff[i] + diff[i + 1]);
  }
  dr[L - 1] = diff.back();
  std::vector<double> ip(2 * n - 2);
  for (size_t i = 0; i + 2 < n; ++i) {
    ip[2 * i] = proc[i];
    ip[2 * i + 1] = 0.5 * (proc[i] + proc[i + 1]);
  }
  ip[2 * n - 4] = proc[n - 2];
  ip[2 * n - 3] = proc[n - 1];
  std::vector<double> buf(L);
  for (size_t i = 0; i < L; ++i) {
    const double drop = std::max(-dr[i], 0.0);
    // A zero intensity would divide by zero; such a sample carries no relative drop.
    buf[i] = ip[1 + i] > 0 ? -drop * 100.0 / ip[1 + i] : 0.0;
  }
  auto f = [](double a, double b, double c) { return (std::abs(b) * b + 2.0 * (a + c)) / (std::abs(b) + 4.0); };
  if (L >= 3) {
    // The first update reads the raw derivative; every later one works in place on the
    // normalised values (the smoothing pass copies its buffer back after each sample).
    buf[1] = f(dr[0], dr[1], dr[2]);
    for (size_t i = 2; i + 1 < L; ++i) buf[i] = f(buf[i - 1], buf[i], buf[i + 1]);
    for (int pass = 2; pass <= 100; ++pass)
      for (size_t i = 1; i + 1 < L; ++i) buf[i] = f(buf[i - 1], buf[i], buf[i + 1]);
  }
  std::vector<double> out;
  out.reserve(L / 2 + 1);
  for (size_t i = 0; i <= L / 2; ++i) {
    const double v = buf[2 * i];
    out.push_back(v > 0 ? 0.0 : -v);
  }
  return out;
}

std::vector<GridVoxel> rayBurstShape(const BoxView16& img, const Vec3& c) {
  constexpr int kSamples = 26, kTheta = 20, kPhi = 10;
  constexpr double kStep = 0.3;
  const double a = 360.0 / kTheta, b = 180.0 / kPhi, rad = M_PI / 180.0;
  Vec3 dir[kTheta][kPhi];
  for (int i = 0; i < kTheta; ++i)
    for (int j = 0; j < kPhi; ++j) {
      const double t = a * (i + 1) * rad, p = b * (j + 1) * rad;
      dir[i][j] = {std::sin(p) * std::cos(t), std::sin(p) * std::sin(t), std::cos(p)};
    }
  // sphere[i][j][k]: smoothed intensity k·0.3 voxels out along ray (i, j).
  std::vector<double> sphere(static_cast<size_t>(kTheta) * kPhi * kSamples);
  auto at = [&](int i, int j, int k) -> double& { return sphere[(static_cast<size_t>(i) * kPhi + j) * kSamples + k]; };
  for (int k = 0; k < kSamples; ++k)
    for (int i = 0; i < kTheta; ++i)
      for (int j = 0; j < kPhi; ++j) {
        const Vec3 p = c + dir[i][j] * (k * kStep);
        at(i, j, k) = stencilMean(img, 1.0, p.x, p.y, p.z);
      }
  // The outer shell, listed phi-major, is replaced by its background; the reach threshold
  // is that background's mean + 3.5 standard deviations.
  std::vector<double> shell;
  shell.reserve(kTheta * kPhi);
  for (int j = 0; j < kPhi; ++j)
    for (int i = 0; i < kTheta; ++i) shell.push_back(at(i, j, kSamples - 1));
  const std::vector<double> bg = shellBackground(shell, 4.0);
  double mean = 0;
  for (double v : bg) mean += v;
  mean /= static_cast<double>(bg.size());
  double ss = 0;
  for (double v : bg) ss += (v - mean) * (v - mean);
  const double thr = mean + 3.5 * std::sqrt(ss / static_cast<double>(bg.size() - 1));
  for (int j = 0; j < kPhi; ++j)
    for (int i = 0; i < kTheta; ++i) at(i, j, kSamples - 1) = bg[static_cast<size_t>(j) * kTheta + i];

  double limit[kTheta][kPhi];
  std::vector<double> edge[kTheta][kPhi];
  for (int i = 0; i < kTheta; ++i)
    for (int j = 0; j < kPhi; ++j) {
      std::vector<double> ray(&at(i, j, 0), &at(i, j, 0) + kSamples);
      limit[i][j] = leadingAtLeast(ray.data(), kSamples, thr);
      edge[i][j] = rayGradientProfile(ray);
      edge[i][j].resize(kSamples, 0.0);  // the last sample has no derivative
    }

  // Reach per ray with a one-ray margin that mirrors the neighbouring rows and columns.
  double R[kTheta + 2][kPhi + 2];
  for (auto& row : R)
    for (double& v : row) v = 3.0;
  for (int i = 0; i < kTheta; ++i)
    for (int j = 0; j < kPhi; ++j) R[i + 1][j + 1] = limit[i][j];
  double w[kSamples];
  for (int pass = 0; pass < 10; ++pass) {
    for (int i = 1; i <= kTheta; ++i) {
      for (int j = 1; j <= kPhi; ++j) {
        const double cur = R[i][j];
        double num = 0, den = 0;
        for (int k = 0; k < kSamples; ++k) {
          w[k] = edge[i - 1][j - 1][k] * std::exp(-0.05 * std::pow((k + 1) - cur, 2.0));
          num += (k + 1) * w[k];
        }
        for (int k = 0; k < kSamples; ++k) den += w[k];
        R[i][j] += 0.9 * (num / (den + 0.001) - cur) - 0.1 * (4.0 * cur - R[i - 1][j] - R[i + 1][j] - R[i][j - 1] - R[i][j + 1]);
        R[i][j] = std::min(R[i][j], limit[i - 1][j - 1]);
      }
      for (auto& row : R)
        for (double& v : row) v = v > 0.0 ? v : 0.0;  // NaN becomes 0 as well
      for (int j = 0; j < kPhi + 2; ++j) { R[0][j] = R[2][j]; R[kTheta + 1][j] = R[kTheta - 1][j]; }
      for (int ii = 0; ii < kTheta + 2; ++ii) { R[ii][0] = R[ii][2]; R[ii][kPhi + 1] = R[ii][kPhi - 1]; }
    }
  }

  std::vector<GridVoxel> out;
  for (int j = 1; j <= kPhi; ++j)
    for (int i = 1; i <= kTheta; ++i) {
      if (!(R[i][j] > 1.0)) continue;
      for (double k = 1.0; k <= kStep * R[i][j]; k += 0.5) {
        const Vec3 p = c + dir[i - 1][j - 1] * k;
        out.push_back({roundHalfAway(p.x), roundHalfAway(p.y), roundHalfAway(p.z)});
      }
    }
  std::sort(out.begin(), out.end(), [](const GridVoxel& l, const GridVoxel& r) {
    if (l.x != r.x) return l.x < r.x;
    if (l.y != r.y) return l.y < r.y;
    return l.z < r.z;
  });
  out.erase(std::unique(out.begin(), out.end(), [](const GridVoxel& l, const GridVoxel& r) { return l.x == r.x && l.y == r.y && l.z == r.z; }),
            out.end());
  out.erase(std::remove_if(out.begin(), out.end(), [&](const GridVoxel& v) {
              return v.x < 0 || v.y < 0 || v.z < 0 || v.x >= img.sx || v.y >= img.sy || v.z >= img.sz;
            }),
            out.end());
  return out;
}

}  // namespace nt::kern
