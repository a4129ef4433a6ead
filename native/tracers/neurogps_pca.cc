#include "tracers/neurogps_pca.h"

#include <algorithm>
#include <cmath>

namespace nt::gps {

LocalStats localStats(const std::vector<Vec3>& pts, const std::vector<double>& w, const Vec3& X, bool high) {
  constexpr double kConv = 0.150;
  const Mat3 conv = Mat3::identity(kConv);
  const double reach = high ? 6.0 : 3.5;
  Vec3 g;
  Mat3 H, mms;
  Vec3 mms1;
  LocalStats s;
  for (size_t i = 0; i < pts.size(); ++i) {
    Vec3 dd = X - pts[i];
    if (!high) dd.z *= 2.0;
    const double C = dd.norm() < reach ? w[i] * std::exp(-0.5 * kConv * dd.dot(dd)) : 0.0;
    const Vec3 U = conv * dd;
    g += U * C;
    H += (Mat3::outer(U, U) - conv) * C;
    mms += conv * C;
    mms1 += (conv * C) * dd;
    s.mass += C;
  }
  g = -g;
  if (s.mass != 0) s.sigma = H * (-1.0 / s.mass) + Mat3::outer(g, g) * std::pow(s.mass, -2.0);
  Mat3 inv;
  if (std::abs(mms.determinant()) > 0.1 && mms.inverse(inv)) s.shift = inv * mms1;
  else s.shift = mms1;
  return s;
}

namespace {

// One projected-gradient step (CalcPCAMainDirection): the constraints |x| = 1, -t1·x + thr ≤ 0
// and -t2·x + thr ≤ 0 are active-set projected, then a halving line search of up to 20 steps.
Vec3 constrainedStep(const Vec3& x0, const Mat3& S, const Vec3& T1, const Vec3& T2, double thr) {
  constexpr double a = 0.5;
  const Vec3 g = S * x0;
  const Mat3 A = Mat3::fromColumns(x0, -T1, -T2);
  Mat3 H;
  H.m[0][0] = x0.dot(x0) - 1.0;
  H.m[1][1] = -T1.dot(x0) + thr;
  H.m[2][2] = -T2.dot(x0) + thr;
  const Mat3 At = A.transposed();
  Mat3 ss;
  if (!(At * A - H).inverse(ss)) return x0;  // no projection exists: keep the direction
  const Mat3 B = ss * At;
  const Vec3 U = B * g;
  const Mat3 P = Mat3::identity() - (A * ss) * At;
  const Vec3 Pg = P * g;
  if (std::abs(Pg.x) + std::abs(Pg.y) + std::abs(Pg.z) < 0.001 && std::min({U.x, U.y, U.z}) > -0.0001) return x0;
  Vec3 v;
  for (int n = 0; n < 3; ++n) v[n] = U[n] < -0.0001 ? U[n] : -H.m[n][n];
  const Mat3 Bt = B.transposed();
  const Vec3 Sd = Pg + Bt * v;
  const double p1 = (1.0 - a) * g.dot(Sd) / (std::abs(U.x + U.y + U.z) + 1.0);
  Vec3 d = Sd - Bt * Vec3{1, 1, 1} * p1;
  const double dmax = std::max({std::abs(d.x), std::abs(d.y), std::abs(d.z)});
  if (!(dmax > 0)) return x0;
  d = d / dmax;
  Vec3 x1;
  int i = 1;
  for (i = 1; i <= 20; ++i) {
    x1 = (x0 + d * std::pow(0.5, i)).normalized();
    const double Ls = x1.dot(S * x1) - x0.dot(S * x0);
    const double n1 = x1.norm();
    const double k1 = -T1.dot(x1) / n1 + thr + 0.001;
    const double k2 = std::pow(0.5, i + 1) * g.dot(d);
    const double k3 = -T2.dot(x1) / n1 + thr + 0.001;
    if (Ls > k2 && n1 < 1.0001 && n1 > 0.999 && k1 < 0.0 && k3 < 0.0) break;
  }
  // The original resets to x0 only when the search succeeded on its very last step; a search
  // that never succeeds keeps x0 + 2^-20·d.
  if (i == 20) x1 = x0;
  return x1;
}

}  // namespace

Vec3 constrainedDirection(const Mat3& S, const Vec3& t1, const Vec3& t2, double thr) {
  Vec3 v0 = t1, v1 = t1;
  for (int i = 1; i < 16; ++i) {
    v1 = constrainedStep(v0, S, t1, t2, thr);
    v0 = v1;
    if (v0.dot(t1) < 0.7) break;
  }
  return v1;
}

void orthoBasis(const Vec3& v1, Vec3& v2, Vec3& v3) {
  v2 = v1;
  v3 = Vec3{};
  int t[3] = {0, 1, 2};
  std::stable_sort(t, t + 3, [&](int l, int r) { return std::abs(v1[l]) < std::abs(v1[r]); });
  const double big = std::abs(v1[t[2]]);
  if (!(big > 0)) {  // a zero direction has no frame
    v2 = Vec3{};
    return;
  }
  const double cdd = (v1[t[0]] * v1[t[0]] + v1[t[1]] * v1[t[1]]) / big;
  const double sgn = v1[t[2]] < 0 ? -1.0 : 1.0;
  v2[t[2]] = -sgn * cdd;
  if (std::abs(cdd) > 0.000001) v2 = v2.normalized();
  else v2[t[1]] = 1.0;
  v3[t[0]] = -1.0;
  const double den = v1[t[1]] * v2[t[2]] - v1[t[2]] * v2[t[1]];
  const double num1 = v1[t[0]] * v2[t[2]] - v1[t[2]] * v2[t[0]];
  const double num2 = v1[t[1]] * v2[t[0]] - v1[t[0]] * v2[t[1]];
  v3[t[1]] = num1 / den;
  v3[t[2]] = num2 / den;
  v3 = v3.normalized();
}

Vec3 polylineDirection(const std::vector<Vec3>& pts) {
  Vec3 acc;
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    const Vec3 d = pts[i + 1] - pts[i];
    acc += d * d.norm();
  }
  return acc.normalized();
}

Vec3 curveDirection(const Curve& c, int from, int to) {
  if (from < 0 || to >= static_cast<int>(c.size()) || from > to) return {};
  std::vector<Vec3> pts;
  pts.reserve(static_cast<size_t>(to - from + 1));
  for (int i = from; i <= to; ++i) pts.push_back(c[i].p());
  return polylineDirection(pts);
}

}  // namespace nt::gps
