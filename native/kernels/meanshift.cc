#include "kernels/meanshift.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace nt::kern {

namespace {

constexpr int64_t kNoise = -1;

// Voxel -> slot of its step record: a dense table when it costs less than a hash of the
// expected entries (about 40 bytes each) or at most 256 MiB, a hash otherwise.
class SlotMap {
 public:
  SlotMap(int64_t voxels, size_t expected) {
    const double denseBytes = 4.0 * static_cast<double>(voxels);
    if (denseBytes <= std::max(256.0 * 1024 * 1024, 40.0 * static_cast<double>(expected)))
      dense_.assign(static_cast<size_t>(voxels), -1);
  }
  int32_t get(int64_t v) const {
    if (!dense_.empty()) return dense_[static_cast<size_t>(v)];
    auto it = sparse_.find(v);
    return it == sparse_.end() ? -1 : it->second;
  }
  void put(int64_t v, int32_t slot) {
    if (!dense_.empty()) dense_[static_cast<size_t>(v)] = slot;
    else sparse_[v] = slot;
  }
  void reserve(size_t n) { if (dense_.empty()) sparse_.reserve(n); }

 private:
  std::vector<int32_t> dense_;
  std::unordered_map<int64_t, int32_t> sparse_;
};

// The weight and kernel values, tabulated from the very expressions the plugin evaluated per
// voxel so that every sum is bit-identical to the original's.
struct Tables {
  int r = 5;
  int lo = -5, hi = 4;  // window offsets lo..hi
  std::vector<double> core;      // exp(-0.1 d^2 / r * r), index d - lo
  std::vector<int> spatialInt;   // (d / r) * d / r in integer arithmetic, index d - lo
  bool integer = true;
  int spatialSlots = 4;
  std::vector<double> weight;    // [|dI|][spatial slot]
  std::vector<double> len, invLen;  // sqrt(d^2) and its inverse, index d^2 = dx^2 + dy^2 + dz^2

  explicit Tables(const MeanShiftOptions& o) : r(o.window), integer(o.integerSpatialTerm) {
    lo = -r;
    hi = o.symmetricWindow ? r : r - 1;
    const int64_t rl = r;
    for (int d = lo; d <= hi; ++d) {
      const int64_t dl = d;
      core.push_back(std::exp(-0.1 * static_cast<double>(dl * dl) / static_cast<double>(rl) * static_cast<double>(rl)));
      spatialInt.push_back(static_cast<int>(dl / rl * dl / rl));
    }
    for (int q = 0; q <= 3 * r * r; ++q) {
      len.push_back(std::sqrt(static_cast<double>(q)));
      invLen.push_back(q > 0 ? 1.0 / len.back() : 0.0);
    }
    // Integer mode: the spatial term is a small integer (0..3); float mode: indexed by d^2 sums.
    spatialSlots = integer ? 3 * std::max(1, *std::max_element(spatialInt.begin(), spatialInt.end())) + 1 : 3 * r * r + 1;
    weight.resize(static_cast<size_t>(256 * spatialSlots));
    for (int delta = 0; delta < 256; ++delta) {
      const double dI = delta;
      const double sim = dI / 255.0 * dI / 255.0;
      for (int s = 0; s < spatialSlots; ++s) {
        const double D = integer ? static_cast<double>(s) : static_cast<double>(s) / (static_cast<double>(r) * r);
        weight[static_cast<size_t>(delta * spatialSlots + s)] = std::exp(-1.0 * std::sqrt(2 * sim + D)) + 0.000001;
      }
    }
  }
};

// One step of the walk at voxel p: p itself (converged), kNoise, or the voxel moved to.
class Stepper {
 public:
  Stepper(const uint8_t* img, const Dims& d, const Tables& t, int candidateMin, bool round)
      : img_(img), d_(d), t_(t), candidateMin_(candidateMin), round_(round) {
    const int side = t.hi - t.lo + 1;
    box_.resize(static_cast<size_t>(side) * side * side);
    cand_.reserve(box_.size());
  }

  int64_t step(int64_t p) {
    const Dims& d = d_;
    const int64_t cx = p % d.nx, cy = (p / d.nx) % d.ny, cz = p / (d.nx * d.ny);
    const int ic = img_[p];
    const int64_t x0 = std::max<int64_t>(0, cx + t_.lo), x1 = std::min<int64_t>(d.nx, cx + t_.hi + 1);
    const int64_t y0 = std::max<int64_t>(0, cy + t_.lo), y1 = std::min<int64_t>(d.ny, cy + t_.hi + 1);
    const int64_t z0 = std::max<int64_t>(0, cz + t_.lo), z1 = std::min<int64_t>(d.nz, cz + t_.hi + 1);
    const int64_t sx = x1 - x0, sy = y1 - y0, sz = z1 - z0;
    // Gather the window in memory order, then walk it in the plugin's x-outer, z-inner order.
    for (int64_t k = 0; k < sz; ++k)
      for (int64_t j = 0; j < sy; ++j) {
        const uint8_t* row = img_ + d.index(x0, y0 + j, z0 + k);
        uint8_t* dst = &box_[static_cast<size_t>((k * sy + j) * sx)];
        for (int64_t i = 0; i < sx; ++i) dst[i] = row[i];
      }
    double s1x = 0, s2x = 0, s1y = 0, s2y = 0, s1z = 0, s2z = 0;
    cand_.clear();
    for (int64_t i = 0; i < sx; ++i) {
      const int64_t x = x0 + i, dx = x - cx;
      const double kx = t_.core[static_cast<size_t>(dx - t_.lo)];
      for (int64_t j = 0; j < sy; ++j) {
        const int64_t y = y0 + j, dy = y - cy;
        const double ky = t_.core[static_cast<size_t>(dy - t_.lo)];
        for (int64_t k = 0; k < sz; ++k) {
          const int64_t z = z0 + k, dz = z - cz;
          if (dx == 0 && dy == 0 && dz == 0) continue;
          const int v = box_[static_cast<size_t>((k * sy + j) * sx + i)];
          if (v < 1) continue;
          const int spatial = t_.integer ? t_.spatialInt[static_cast<size_t>(dx - t_.lo)] +
                                               t_.spatialInt[static_cast<size_t>(dy - t_.lo)] +
                                               t_.spatialInt[static_cast<size_t>(dz - t_.lo)]
                                         : static_cast<int>(dx * dx + dy * dy + dz * dz);
          const int delta = v > ic ? v - ic : ic - v;
          const double w = t_.weight[static_cast<size_t>(delta * t_.spatialSlots + spatial)];
          const double kz = t_.core[static_cast<size_t>(dz - t_.lo)];
          s1z += kz * w * static_cast<double>(z);
          s2z += kz * w;
          s1y += ky * w * static_cast<double>(y);
          s2y += ky * w;
          s1x += kx * w * static_cast<double>(x);
          s2x += kx * w;
          if (v >= candidateMin_) cand_.push_back({dx, dy, dz, dx * dx + dy * dy + dz * dz});
        }
      }
    }
    if (s2x == 0 || s2y == 0 || s2z == 0 || cand_.empty()) return kNoise;
    // The plugin truncates the numerator to an integer, divides, and truncates again (M6); the
    // symmetric variant rounds the mean, as the plugin's earlier meanshift_vn5 did.
    int64_t mx, my, mz;
    if (round_) {
      mx = static_cast<int64_t>(s1x / s2x + 0.5);
      my = static_cast<int64_t>(s1y / s2y + 0.5);
      mz = static_cast<int64_t>(s1z / s2z + 0.5);
    } else {
      mx = static_cast<int64_t>(static_cast<double>(static_cast<int64_t>(s1x)) / s2x);
      my = static_cast<int64_t>(static_cast<double>(static_cast<int64_t>(s1y)) / s2y);
      mz = static_cast<int64_t>(static_cast<double>(static_cast<int64_t>(s1z)) / s2z);
    }
    if (mx == cx && my == cy && mz == cz) return p;
    // Move to the candidate whose direction from p best matches m - p: the first maximum of
    // dot / (|u - p| |m - p|), evaluated as the plugin did. A cheap key (dot / |u - p|, from a
    // table) finds the few candidates that can hold the maximum; only those get the exact value.
    // With any candidate in front (dot > 0) the maximum is among those.
    const int64_t vx = mx - cx, vy = my - cy, vz = mz - cz;
    const double vlen = std::sqrt(static_cast<double>(vx * vx + vy * vy + vz * vz));
    double bestKey = -std::numeric_limits<double>::infinity();
    for (const Off& c : cand_) {
      const double key = static_cast<double>(c.dx * vx + c.dy * vy + c.dz * vz) * t_.invLen[c.r2];
      if (key > bestKey) bestKey = key;
    }
    const double cut = bestKey - 1e-9 * (std::fabs(bestKey) + 1);
    size_t best = 0;
    double bestCos = 0;
    bool any = false;
    for (size_t c = 0; c < cand_.size(); ++c) {
      const Off& u = cand_[c];
      const int64_t dot = u.dx * vx + u.dy * vy + u.dz * vz;
      if (static_cast<double>(dot) * t_.invLen[u.r2] < cut) continue;
      // the plugin's vectors p - u and p - m: the same dot product
      const double cosv = static_cast<double>(dot) / (t_.len[u.r2] * vlen);
      if (!any || cosv > bestCos) {
        bestCos = cosv;
        best = c;
        any = true;
      }
    }
    return d.index(cx + cand_[best].dx, cy + cand_[best].dy, cz + cand_[best].dz);
  }

 private:
  struct Off { int64_t dx, dy, dz, r2; };
  const uint8_t* img_;
  Dims d_;
  const Tables& t_;
  int candidateMin_;
  bool round_;
  std::vector<uint8_t> box_;
  std::vector<Off> cand_;
};

}  // namespace

int meanShiftThreads(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 16u));
}

bool isSignalVoxel(const uint8_t* img, const Dims& d, int64_t x, int64_t y, int64_t z, double threshold,
                   double percentage) {
  double inBounds = 0, bright = 0;
  for (int dz = -1; dz <= 1; ++dz) {
    const int64_t zz = z + dz;
    if (zz < 0 || zz >= d.nz) continue;
    for (int dy = -1; dy <= 1; ++dy) {
      const int64_t yy = y + dy;
      if (yy < 0 || yy >= d.ny) continue;
      for (int dx = -1; dx <= 1; ++dx) {
        if (dx == 0 && dy == 0 && dz == 0) continue;
        const int64_t xx = x + dx;
        if (xx < 0 || xx >= d.nx) continue;
        inBounds += 1;
        if (static_cast<double>(img[d.index(xx, yy, zz)]) > threshold) bright += 1;
      }
    }
  }
  if (inBounds == 0) return false;
  return bright / inBounds >= percentage;
}

MeanShiftModes meanShiftModes(const uint8_t* img, const Dims& d, const MeanShiftOptions& o, const Checkpoint& cp) {
  if (o.window < 1 || o.window > 64) throw std::invalid_argument("mean-shift window must be 1..64");
  MeanShiftModes out;
  const int threads = meanShiftThreads(o.threads);
  const Tables tables(o);

  // 1. signal voxels, x-major as the plugin scanned them (slabs of x per thread, concatenated)
  {
    std::vector<std::vector<int64_t>> parts(static_cast<size_t>(threads));
    parallelChunks(threads, static_cast<size_t>(d.nx), [&](int t, size_t b, size_t e) {
      auto& mine = parts[static_cast<size_t>(t)];
      for (size_t xi = b; xi < e; ++xi) {
        if (cp) cp();
        const int64_t x = static_cast<int64_t>(xi);
        for (int64_t y = 0; y < d.ny; ++y)
          for (int64_t z = 0; z < d.nz; ++z) {
            const int64_t idx = d.index(x, y, z);
            if (img[idx] == 0) continue;
            if (isSignalVoxel(img, d, x, y, z, o.threshold, o.percentage)) mine.push_back(idx);
          }
      }
    });
    size_t total = 0;
    for (auto& p : parts) total += p.size();
    if (total >= static_cast<size_t>(std::numeric_limits<int32_t>::max() / 2))
      throw std::length_error("too many signal voxels for the mean-shift stage");
    out.voxels.reserve(total);
    for (auto& p : parts) {
      out.voxels.insert(out.voxels.end(), p.begin(), p.end());
      std::vector<int64_t>().swap(p);
    }
  }
  const size_t nSignal = out.voxels.size();

  // 2. one step per signal voxel, in parallel (the steps are independent)
  std::vector<int64_t> next(nSignal);
  parallelChunks(threads, nSignal, [&](int, size_t b, size_t e) {
    Stepper stepper(img, d, tables, o.candidateMin, o.symmetricWindow);
    for (size_t i = b; i < e; ++i) {
      if (cp && ((i - b) & 4095) == 0) cp();
      next[i] = stepper.step(out.voxels[i]);
    }
  });

  // 3. follow the chains; voxels outside the signal set (bright candidates that failed the
  // neighbour test) get their step on first visit
  SlotMap slots(d.voxels(), nSignal);
  slots.reserve(nSignal + nSignal / 8);
  std::vector<int64_t> voxelOf(out.voxels);
  for (size_t i = 0; i < nSignal; ++i) slots.put(out.voxels[i], static_cast<int32_t>(i));
  constexpr int32_t kUnknown = -1, kNever = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> depth(nSignal, kUnknown);  // moves to convergence, kNever for noise / cycles
  std::vector<int64_t> terminal(nSignal, kNoise);
  std::vector<uint8_t> onPath(nSignal, 0);
  Stepper lazy(img, d, tables, o.candidateMin, o.symmetricWindow);
  auto slotOf = [&](int64_t v) {
    int32_t s = slots.get(v);
    if (s >= 0) return s;
    s = static_cast<int32_t>(voxelOf.size());
    slots.put(v, s);
    voxelOf.push_back(v);
    next.push_back(lazy.step(v));
    depth.push_back(kUnknown);
    terminal.push_back(kNoise);
    onPath.push_back(0);
    return s;
  };
  std::vector<int32_t> path;
  std::unordered_map<int64_t, int32_t> modeId;
  out.modeOf.assign(nSignal, -1);
  for (size_t i = 0; i < nSignal; ++i) {
    if (cp && (i & 4095) == 0) cp();
    path.clear();
    int32_t s = static_cast<int32_t>(i);
    int32_t base = kNever;
    int64_t term = kNoise;
    for (;;) {
      if (depth[s] != kUnknown) {
        base = depth[s];
        term = terminal[s];
        break;
      }
      if (onPath[s]) break;  // a cycle never converges
      onPath[s] = 1;
      path.push_back(s);
      const int64_t to = next[s];
      if (to == kNoise) break;
      if (to == voxelOf[s]) {
        depth[s] = 0;
        terminal[s] = to;
        path.pop_back();
        onPath[s] = 0;
        base = 0;
        term = to;
        break;
      }
      s = slotOf(to);
    }
    for (size_t k = path.size(); k-- > 0;) {
      const int32_t q = path[k];
      onPath[q] = 0;
      if (base != kNever && base < kNever - 1) ++base;
      else base = kNever;
      depth[q] = base;
      terminal[q] = base == kNever ? kNoise : term;
    }
    const int32_t own = depth[i];
    if (own == kNever || own > o.maxMoves - 1) continue;
    const int64_t m = terminal[i];
    auto it = modeId.find(m);
    if (it == modeId.end()) {
      it = modeId.emplace(m, static_cast<int32_t>(out.modes.size())).first;
      out.modes.push_back(m);
    }
    out.modeOf[i] = it->second;
  }
  out.stepsComputed = voxelOf.size();
  return out;
}

}  // namespace nt::kern
