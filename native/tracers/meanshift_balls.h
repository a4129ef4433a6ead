// Candidate pairs for the meanshift tracer's coverage tests "dist(a, b) / (r_a + r_b) < f".
// The original compared every pair (O(n^2) over all modes, and over all members of a cluster).
// Here the balls are split into radius classes (r <= 1, 2, 4, 8, ...), each in a uniform grid
// sized for its largest radius, and a query visits, per class, the cells within
// f * (r + class maximum): always a superset of the pairs that pass, on which the caller applies
// the exact test. Balls that are gone for good (covered, deleted) are dropped from the cells as
// queries meet them.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace nt::ms {

struct Ball {
  int64_t x, y, z;
  double r;
};

class BallNeighbours {
 public:
  BallNeighbours(const std::vector<Ball>& balls, double factor) : balls_(balls), factor_(factor) {
    for (size_t i = 0; i < balls.size(); ++i) {
      const size_t k = classOf(balls[i].r);
      if (k >= classes_.size()) {
        const size_t before = classes_.size();
        classes_.resize(k + 1);
        for (size_t c = before; c <= k; ++c) {
          classes_[c].upper = std::ldexp(1.0, static_cast<int>(c));
          classes_[c].cell = std::max(1.0, std::ceil(2 * factor * classes_[c].upper));
        }
      }
      Class& c = classes_[k];
      c.cells[key(cellOf(balls[i].x, c.cell), cellOf(balls[i].y, c.cell), cellOf(balls[i].z, c.cell))].push_back(
          static_cast<int32_t>(i));
      ++c.count;
    }
  }

  // Calls f(j) for every j (i itself included) that may satisfy the test with ball i and is not
  // gone(j); a ball that is gone must stay gone.
  template <class F, class Gone>
  void forCandidates(size_t i, F&& f, Gone&& gone) {
    const Ball& b = balls_[i];
    for (Class& c : classes_) {
      if (c.count == 0) continue;
      auto visit = [&](std::vector<int32_t>& list) {
        size_t keep = 0;
        for (size_t k = 0; k < list.size(); ++k) {
          const int32_t j = list[k];
          if (gone(j)) continue;
          f(j);
          if (!gone(j)) list[keep++] = j;
        }
        list.resize(keep);
      };
      const double h = factor_ * (b.r + c.upper) + 1e-9;
      const int64_t x0 = cellOf(static_cast<int64_t>(std::floor(b.x - h)), c.cell), x1 = cellOf(static_cast<int64_t>(std::ceil(b.x + h)), c.cell);
      const int64_t y0 = cellOf(static_cast<int64_t>(std::floor(b.y - h)), c.cell), y1 = cellOf(static_cast<int64_t>(std::ceil(b.y + h)), c.cell);
      const int64_t z0 = cellOf(static_cast<int64_t>(std::floor(b.z - h)), c.cell), z1 = cellOf(static_cast<int64_t>(std::ceil(b.z + h)), c.cell);
      const double span = static_cast<double>(x1 - x0 + 1) * static_cast<double>(y1 - y0 + 1) * static_cast<double>(z1 - z0 + 1);
      if (span > static_cast<double>(c.cells.size())) {
        for (auto& entry : c.cells) visit(entry.second);
        continue;
      }
      for (int64_t cz = z0; cz <= z1; ++cz)
        for (int64_t cy = y0; cy <= y1; ++cy)
          for (int64_t cx = x0; cx <= x1; ++cx) {
            auto it = c.cells.find(key(cx, cy, cz));
            if (it != c.cells.end()) visit(it->second);
          }
    }
  }

 private:
  struct Class {
    double upper = 1;  // largest radius of the class
    double cell = 1;
    size_t count = 0;
    std::unordered_map<int64_t, std::vector<int32_t>> cells;
  };

  static size_t classOf(double r) {
    size_t k = 0;
    while (k < 40 && r > std::ldexp(1.0, static_cast<int>(k))) ++k;
    return k;
  }
  static int64_t cellOf(int64_t c, double cell) { return static_cast<int64_t>(std::floor(static_cast<double>(c) / cell)); }
  static int64_t key(int64_t cx, int64_t cy, int64_t cz) {
    // 21 bits per axis, offset so that the small negative cells of a query near the origin fit
    const int64_t o = int64_t{1} << 20;
    return ((cz + o) << 42) | ((cy + o) << 21) | (cx + o);
  }

  const std::vector<Ball>& balls_;
  double factor_;
  std::vector<Class> classes_;
};

// The plugin's coverage test, evaluated exactly as it wrote it.
inline bool ballsOverlap(const Ball& a, const Ball& b, double factor) {
  const double dx = static_cast<double>(a.x - b.x), dy = static_cast<double>(a.y - b.y), dz = static_cast<double>(a.z - b.z);
  const double dis = std::sqrt(dx * dx + dy * dy + dz * dz);
  return dis / (a.r + b.r) < factor;
}

}  // namespace nt::ms
