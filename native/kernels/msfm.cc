// Multi-stencil fast marching. The update rule follows Kroon's msfm3d (the code rivuletpy and
// the Rivulet2 plugin link), including two of its choices that change the numbers:
//  * the cross stencils are not solved separately: stencil q adds its terms (and one more
//    -1/F^2) to the running coefficients of stencils 0..q-1, and T takes the smallest root over
//    q = 0..5;
//  * the speed is clamped as max(F^2, eps) in the quadratic and max(F, eps) in the first step
//    and the upwind fallback, eps = 2^-52, so speeds below ~1.5e-8 all march at that floor.
// The narrow band reproduces Kroon's list order as well (see NarrowBand), so ties are broken as
// in the original and T matches it value for value.
#include "kernels/msfm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nt::kern {
namespace {

constexpr double kEps = 2.2204460492503131e-16;
constexpr double kBig = 1e50;  // |T| above this counts as "not available"
constexpr double kInf = 2e50;

inline bool isFinite(double v) { return v <= kBig && v >= -kBig; }
inline double sq(double v) { return v * v; }

// The 13 stencil directions (axes, face diagonals, body diagonals) and the six stencils
// (triples of mutually used directions) of the 3-D multi-stencil scheme.
struct Dir { int dx, dy, dz; double g1, g2; };
constexpr double kThird = 0.3333333333333;  // Kroon's literal, kept for identical roots
const Dir kDirs[13] = {
    {1, 0, 0, 1, 2.25},     {0, 1, 0, 1, 2.25},     {0, 0, 1, 1, 2.25},
    {0, 1, 1, 0.5, 1.125},  {0, 1, -1, 0.5, 1.125}, {1, 0, -1, 0.5, 1.125},
    {1, 0, 1, 0.5, 1.125},  {1, 1, 0, 0.5, 1.125},  {1, -1, 0, 0.5, 1.125},
    {1, 1, -1, kThird, 0.75}, {1, -1, -1, kThird, 0.75}, {1, 1, 1, kThird, 0.75},
    {1, -1, 1, kThird, 0.75},
};
const int kStencils[6][3] = {{0, 1, 2}, {0, 3, 4}, {1, 5, 6}, {2, 7, 8}, {6, 9, 10}, {5, 11, 12}};

// Roots of a x^2 + b x + c with a negative discriminant clamped to 0; for a ~ 0 the
// numerically stable 2c / (-b -+ sqrt d) form, as in Kroon's common.c.
void roots(double a, double b, double c, double& r0, double& r1) {
  const double d = std::max(b * b - 4.0 * a * c, 0.0);
  if (a * a > kEps) {
    r0 = (-b - std::sqrt(d)) / (2.0 * a);
    r1 = (-b + std::sqrt(d)) / (2.0 * a);
    return;
  }
  const double q1 = -b - std::sqrt(d), q2 = -b + std::sqrt(d);
  const bool n1 = q1 * q1 > kEps, n2 = q2 * q2 > kEps;
  if (n1 && n2) { r0 = 2.0 * c / q1; r1 = 2.0 * c / q2; }
  else if (n1) { r0 = r1 = 2.0 * c / q1; }
  else if (n2) { r0 = r1 = 2.0 * c / q2; }
  else { r0 = r1 = 0; }
}

// One-sided second-order estimate (4 T1 - T2) / 3 from the side(s) where T decreases away.
double secondOrder(double m1, double m2, double p1, double p2) {
  const bool cm = m2 < m1 && isFinite(m1), cp = p2 < p1 && isFinite(p1);
  if (cm && cp) return std::min((4.0 * m1 - m2) / 3.0, (4.0 * p1 - p2) / 3.0);
  if (cm) return (4.0 * m1 - m2) / 3.0;
  if (cp) return (4.0 * p1 - p2) / 3.0;
  return kInf;
}

// msfm3d's narrow band: values in a compact list (new entries appended, a removed entry
// replaced by the last one) under a tournament tree whose descent prefers the left child on
// ties, so the minimum taken is the lowest list position among equal values. Keeping exactly
// this order makes tie-breaking, and therefore T, identical to Kroon's code; in uniform-speed
// regions (all of a binarised image's background) ties are the rule, not the exception.
class NarrowBand {
 public:
  bool empty() const { return len_ == 0; }

  int32_t append(double v, int64_t voxel) {
    if (len_ == cap_) grow();
    const int32_t p = static_cast<int32_t>(len_++);
    voxel_[p] = voxel;
    set(p, v);
    return p;
  }

  void decrease(int32_t p, double v) { set(p, v); }

  // Position of the minimum (leftmost on ties).
  int32_t minPosition() const {
    size_t n = 1;
    while (n < cap_) n = tree_[2 * n] <= tree_[2 * n + 1] ? 2 * n : 2 * n + 1;
    return static_cast<int32_t>(n - cap_);
  }
  double value(int32_t p) const { return tree_[cap_ + p]; }
  int64_t voxel(int32_t p) const { return voxel_[p]; }

  // Removes position p; the last entry moves into it. Returns the moved voxel, or -1.
  int64_t removeReplace(int32_t p) {
    const int32_t last = static_cast<int32_t>(len_) - 1;
    int64_t moved = -1;
    if (p < last) {
      const double v = tree_[cap_ + last];
      moved = voxel_[p] = voxel_[last];
      set(last, kListInf);
      set(p, v);
    } else {
      set(p, kListInf);
    }
    --len_;
    return moved;
  }

 private:
  static constexpr double kListInf = 2.345e50;
  size_t cap_ = 0;
  size_t len_ = 0;
  std::vector<double> tree_;  // 1-based implicit tree; leaves at [cap_, 2 cap_)
  std::vector<int64_t> voxel_;

  void set(int32_t p, double v) {
    size_t n = cap_ + static_cast<size_t>(p);
    const double old = tree_[n];
    tree_[n] = v;
    if (v <= old) {
      for (n >>= 1; n >= 1 && tree_[n] > v; n >>= 1) tree_[n] = v;
    } else {
      for (n >>= 1; n >= 1; n >>= 1) {
        const double m = std::min(tree_[2 * n], tree_[2 * n + 1]);
        if (tree_[n] == m) break;
        tree_[n] = m;
      }
    }
  }
  void grow() {
    const size_t cap = cap_ ? 2 * cap_ : 1024;
    std::vector<double> t(2 * cap, kListInf);
    for (size_t i = 0; i < cap_; ++i) t[cap + i] = tree_[cap_ + i];
    for (size_t n = cap - 1; n >= 1; --n) t[n] = std::min(t[2 * n], t[2 * n + 1]);
    tree_.swap(t);
    voxel_.resize(cap, -1);
    cap_ = cap;
  }
};

// The grid is padded by two voxels on every side (state kOutside there), so the stencils read
// neighbours through fixed linear offsets without bounds tests.
class Marcher {
 public:
  Marcher(const double* F, const Dims& d, const MsfmOptions& opt)
      : d_(d), opt_(opt), px_(d.nx + 2 * kPad), py_(d.ny + 2 * kPad), pz_(d.nz + 2 * kPad) {
    const int64_t n = px_ * py_ * pz_;
    if (n > std::numeric_limits<int32_t>::max()) throw std::length_error("msfm3d: grid larger than 2^31 voxels");
    cells_.assign(static_cast<size_t>(n), Cell{kInf, 0.0, -1, kOutside});
    for (int64_t z = 0; z < d.nz; ++z)
      for (int64_t y = 0; y < d.ny; ++y) {
        Cell* row = &cells_[pad(0, y, z)];
        const double* frow = F + d.index(0, y, z);
        for (int64_t x = 0; x < d.nx; ++x) { row[x].state = kFar; row[x].f = frow[x]; }
      }
    for (int q = 0; q < 13; ++q) {
      const Dir& D = kDirs[q];
      off1_[q] = D.dx + D.dy * px_ + D.dz * px_ * py_;
    }
    const int64_t sx = 1, sy = px_, sz = px_ * py_;
    const int64_t u[6] = {-sx, -sy, -sz, sx, sy, sz};  // Kroon's order: -x, -y, -z, +x, +y, +z
    for (int w = 0; w < 6; ++w) six_[w] = u[w];
  }

  std::vector<double> run(const std::vector<int64_t>& sources, const Checkpoint& cp) {
    NarrowBand band;
    auto offer = [&](int64_t p, double t) {
      Cell& c = cells_[p];
      if (c.state == kBand) {
        if (c.t > t) { c.t = t; band.decrease(c.pos, t); }
        return;
      }
      c.state = kBand;
      c.t = t;
      c.pos = band.append(t, p);
    };
    std::vector<int64_t> srcPad;
    for (int64_t s : sources) {
      if (s < 0 || s >= d_.voxels()) throw std::invalid_argument("msfm3d: source outside the grid");
      const int64_t p = padOf(s);
      cells_[p].t = 0;
      cells_[p].state = kFrozen;
      srcPad.push_back(p);
    }
    // The first ring gets T = 1/F directly (no quadratic), as in msfm3d.
    for (size_t k = 0; k < sources.size(); ++k)
      for (int w = 0; w < 6; ++w) {
        const int64_t p = srcPad[k] + six_[w];
        if (cells_[p].state == kFar || cells_[p].state == kBand) offer(p, 1.0 / std::max(cells_[p].f, kEps));
      }
    uint32_t pops = 0;
    while (!band.empty()) {
      const int32_t at = band.minPosition();
      if (band.value(at) >= kBig) break;
      const int64_t p = band.voxel(at);
      const int64_t moved = band.removeReplace(at);
      if (moved >= 0) cells_[moved].pos = at;
      cells_[p].state = kFrozen;
      if (cp && (++pops & kCheckMask) == 0) cp();
      for (int w = 0; w < 6; ++w) {
        const int64_t q = p + six_[w];
        const Cell& c = cells_[q];
        if (c.state == kFar || c.state == kBand) offer(q, solve(q, c.f));
      }
    }
    // Unpadded result; voxels still in the band or never reached keep the "unreached" -1.
    std::vector<double> out(static_cast<size_t>(d_.voxels()));
    for (int64_t z = 0; z < d_.nz; ++z)
      for (int64_t y = 0; y < d_.ny; ++y) {
        const int64_t p0 = pad(0, y, z), f0 = d_.index(0, y, z);
        for (int64_t x = 0; x < d_.nx; ++x) out[f0 + x] = cells_[p0 + x].state == kFrozen ? cells_[p0 + x].t : -1.0;
      }
    return out;
  }

 private:
  static constexpr int64_t kPad = 2;
  static constexpr uint8_t kFar = 0, kBand = 1, kFrozen = 2, kOutside = 3;

  // Arrival time, speed and state side by side: the march reads all three of a neighbour at
  // once, so one cache line serves them.
  struct Cell { double t; double f; int32_t pos; uint8_t state; };

  Dims d_;
  MsfmOptions opt_;
  int64_t px_, py_, pz_;
  int64_t off1_[13];
  int64_t six_[6];
  std::vector<Cell> cells_;

  int64_t pad(int64_t x, int64_t y, int64_t z) const { return ((z + kPad) * py_ + (y + kPad)) * px_ + (x + kPad); }
  int64_t padOf(int64_t v) const { return pad(v % d_.nx, (v / d_.nx) % d_.ny, v / (d_.nx * d_.ny)); }
  double frozenT(int64_t p) const { return cells_[p].state == kFrozen ? cells_[p].t : kInf; }

  // The upwind update of padded voxel p from its frozen neighbours.
  double solve(int64_t p, double f) const {
    const int ndirs = opt_.cross ? 13 : 3;
    double tm[13], tm2[13];
    int order[13];
    for (int d = 0; d < ndirs; ++d) {
      const int64_t o = off1_[d];
      const double m1 = frozenT(p - o), p1 = frozenT(p + o);
      tm[d] = std::min(m1, p1);
      order[d] = isFinite(tm[d]) ? 1 : 0;
      tm2[d] = 0;
      if (opt_.secondOrder && order[d]) {
        const double s = secondOrder(m1, frozenT(p - 2 * o), p1, frozenT(p + 2 * o));
        if (s < kBig) { tm2[d] = s; order[d] = 2; }
      }
    }
    const double rhs = -1.0 / std::max(f * f, kEps);
    double a = 0, b = 0, c = rhs;
    auto addStencil = [&](int s) {
      for (int q = 0; q < 3; ++q) {
        const int d = kStencils[s][q];
        if (order[d] == 1) { a += kDirs[d].g1; b += -2.0 * tm[d] * kDirs[d].g1; c += sq(tm[d]) * kDirs[d].g1; }
        else if (order[d] == 2) { a += kDirs[d].g2; b += -2.0 * tm2[d] * kDirs[d].g2; c += sq(tm2[d]) * kDirs[d].g2; }
      }
    };
    addStencil(0);
    double r0, r1;
    roots(a, b, c, r0, r1);
    double t = std::max(r0, r1);
    if (opt_.cross) {
      for (int s = 1; s < 6; ++s) {
        c += rhs;  // accumulated, not reset (see the file comment)
        addStencil(s);
        if (a > 0) { roots(a, b, c, r0, r1); t = std::min(t, std::max(r0, r1)); }
      }
    }
    // Upwind guard: the new value may not undercut a neighbour it was computed from.
    double lowest = kInf;
    bool violated = false;
    for (int d = 0; d < ndirs; ++d) {
      if (tm[d] < lowest) lowest = tm[d];
      if (isFinite(tm[d]) && t < tm[d]) violated = true;
    }
    if (violated) t = lowest + 1.0 / std::max(f, kEps);
    return t;
  }
};

}  // namespace

std::vector<double> msfm3d(const double* speed, const Dims& dims, const std::vector<int64_t>& sources,
                           const MsfmOptions& opt, const Checkpoint& cp) {
  if (dims.nx <= 0 || dims.ny <= 0 || dims.nz <= 0) throw std::invalid_argument("msfm3d: empty grid");
  Marcher m(speed, dims, opt);
  return m.run(sources, cp);
}

}  // namespace nt::kern
