// Fixed-size 3-vectors and 3x3 matrices for trackers that fit local principal directions:
// enough algebra (products, outer products, determinant, inverse) to avoid a linear-algebra
// dependency for problems that never exceed three dimensions.
#pragma once
#include <cmath>

namespace nt::kern {

struct Vec3 {
  double x = 0, y = 0, z = 0;
  double operator[](int i) const { return i == 0 ? x : (i == 1 ? y : z); }
  double& operator[](int i) { return i == 0 ? x : (i == 1 ? y : z); }
  Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  Vec3 operator-() const { return {-x, -y, -z}; }
  Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
  Vec3 operator/(double s) const { return {x / s, y / s, z / s}; }
  Vec3& operator+=(const Vec3& o) { x += o.x; y += o.y; z += o.z; return *this; }
  Vec3& operator-=(const Vec3& o) { x -= o.x; y -= o.y; z -= o.z; return *this; }
  double dot(const Vec3& o) const { return x * o.x + y * o.y + z * o.z; }
  double norm() const { return std::sqrt(x * x + y * y + z * z); }
  bool isZero() const { return x == 0 && y == 0 && z == 0; }
  // A zero vector stays zero rather than turning into NaNs.
  Vec3 normalized() const {
    const double n = norm();
    return n > 0 ? Vec3{x / n, y / n, z / n} : *this;
  }
};
inline Vec3 operator*(double s, const Vec3& v) { return v * s; }

struct Mat3 {
  double m[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  static Mat3 identity(double d = 1.0) {
    Mat3 r;
    r.m[0][0] = r.m[1][1] = r.m[2][2] = d;
    return r;
  }
  static Mat3 fromColumns(const Vec3& a, const Vec3& b, const Vec3& c) {
    Mat3 r;
    for (int i = 0; i < 3; ++i) { r.m[i][0] = a[i]; r.m[i][1] = b[i]; r.m[i][2] = c[i]; }
    return r;
  }
  static Mat3 outer(const Vec3& a, const Vec3& b) {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) r.m[i][j] = a[i] * b[j];
    return r;
  }
  Vec3 column(int j) const { return {m[0][j], m[1][j], m[2][j]}; }
  Mat3 operator+(const Mat3& o) const { Mat3 r; for (int i = 0; i < 9; ++i) r.m[i / 3][i % 3] = m[i / 3][i % 3] + o.m[i / 3][i % 3]; return r; }
  Mat3 operator-(const Mat3& o) const { Mat3 r; for (int i = 0; i < 9; ++i) r.m[i / 3][i % 3] = m[i / 3][i % 3] - o.m[i / 3][i % 3]; return r; }
  Mat3 operator*(double s) const { Mat3 r; for (int i = 0; i < 9; ++i) r.m[i / 3][i % 3] = m[i / 3][i % 3] * s; return r; }
  Mat3& operator+=(const Mat3& o) { for (int i = 0; i < 9; ++i) m[i / 3][i % 3] += o.m[i / 3][i % 3]; return *this; }
  Vec3 operator*(const Vec3& v) const {
    return {m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z, m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
            m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z};
  }
  Mat3 operator*(const Mat3& o) const {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) r.m[i][j] = m[i][0] * o.m[0][j] + m[i][1] * o.m[1][j] + m[i][2] * o.m[2][j];
    return r;
  }
  Mat3 transposed() const {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) r.m[i][j] = m[j][i];
    return r;
  }
  double determinant() const {
    return m[0][0] * (m[1][1] * m[2][2] - m[2][1] * m[1][2]) - m[1][0] * (m[0][1] * m[2][2] - m[2][1] * m[0][2]) +
           m[2][0] * (m[0][1] * m[1][2] - m[1][1] * m[0][2]);
  }
  // Inverse by cofactors. Returns false (and leaves out untouched) for a singular matrix, where
  // a dense solver would produce infinities.
  bool inverse(Mat3& out) const {
    const double det = determinant();
    if (det == 0 || !std::isfinite(det)) return false;
    Mat3 r;
    r.m[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    r.m[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    r.m[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    r.m[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    r.m[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    r.m[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    r.m[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    r.m[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    r.m[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
    out = r;
    return true;
  }
};

}  // namespace nt::kern
