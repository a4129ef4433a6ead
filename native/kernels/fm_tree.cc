#include "kernels/fm_tree.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "kernels/brick_map.h"
#include "kernels/heap.h"

namespace nt::kern {

namespace {

enum State : uint8_t { kFar = 0, kTrial = 1, kAlive = 2 };
constexpr double kInfD = 1e20;  // APP2's INF, the starting minimum of the intensity scan

struct MinMax { double min = kInfD, max = 0; };

// min/max of a value stream in raster order, with or without the else-if quirk (Q5).
struct MinMaxScanner {
  bool quirk;
  MinMax m;
  void push(double v) {
    if (quirk) {
      if (v > m.max) m.max = v;
      else if (v < m.min) m.min = v;
    } else {
      if (v > m.max) m.max = v;
      if (v < m.min) m.min = v;
    }
  }
};

MinMax scanU8(const uint8_t* img, int64_t n, bool quirk) {
  MinMaxScanner s{quirk, {}};
  constexpr int64_t kChunk = 4096;
  for (int64_t off = 0; off < n; off += kChunk) {
    const int64_t end = std::min(n, off + kChunk);
    uint8_t cmax = 0, cmin = 255;
    for (int64_t i = off; i < end; ++i) { cmax = std::max(cmax, img[i]); cmin = std::min(cmin, img[i]); }
    // A chunk that cannot raise the running maximum only contributes its minimum.
    if (cmax <= s.m.max) { s.m.min = std::min<double>(s.m.min, cmin); continue; }
    for (int64_t i = off; i < end; ++i) s.push(img[i]);
  }
  return s.m;
}

MinMax scanPhi(const GsdtField& f, bool quirk) {
  MinMaxScanner s{quirk, {}};
  const int64_t n = f.dims.voxels();
  const uint8_t* img = f.img;
  const int t = f.thresh;
  size_t j = 0;  // next foreground slot
  constexpr int64_t kChunk = 4096;
  for (int64_t off = 0; off < n; off += kChunk) {
    const int64_t end = std::min(n, off + kChunk);
    size_t jEnd = j;
    while (jEnd < f.voxel.size() && f.voxel[jEnd] < end) ++jEnd;
    // background part of the chunk (values <= t), written branch-free so it vectorises
    const uint8_t tt = static_cast<uint8_t>(std::max(0, std::min(255, t)));
    uint8_t bmax = 0, bmin = 255;
    bool anyBg = false;
    for (int64_t i = off; i < end; ++i) {
      const uint8_t v = img[i];
      const bool bg = v <= tt;
      bmax = std::max<uint8_t>(bmax, bg ? v : 0);
      bmin = std::min<uint8_t>(bmin, bg ? v : 255);
      anyBg |= bg;
    }
    if (t < 0) anyBg = false;
    double cmax = anyBg ? bmax : -1.0, cmin = anyBg ? bmin : kInfD;
    for (size_t k = j; k < jEnd; ++k) { cmax = std::max<double>(cmax, f.phi[k]); cmin = std::min<double>(cmin, f.phi[k]); }
    if (cmax <= s.m.max) {
      s.m.min = std::min(s.m.min, cmin);
    } else {
      size_t k = j;
      for (int64_t i = off; i < end; ++i) s.push(img[i] <= t ? static_cast<double>(img[i]) : static_cast<double>(f.phi[k++]));
    }
    j = jEnd;
  }
  return s.m;
}

struct GiMap {
  double mn = 0, rg = 0;
  double operator()(double v) const {
    if (rg == 0) return giTable()[0];
    double r = (v - mn) / rg * 255;
    int k = r != r ? 0 : (r <= 0 ? 0 : (r >= 255 ? 255 : static_cast<int>(r)));
    return giTable()[k];
  }
};

// A voxel of the tracing image J as the march needs it: background or not, and its edge weight
// (computed lazily, since background neighbours are usually skipped without one).
struct U8Field {
  const uint8_t* img;
  double gi[256];
  U8Field(const uint8_t* im, const GiMap& g) : img(im) {
    for (int v = 0; v < 256; ++v) gi[v] = g(v);
  }
  struct Sample { uint8_t v; };
  Sample sample(int64_t idx, int64_t, int64_t, int64_t) const { return {img[idx]}; }
  bool background(const Sample& s, int t) const { return s.v <= t; }
  double GI(const Sample& s) const { return gi[s.v]; }
};

// J = phi; background voxels (no GSDT slot) keep phi = I. One brick lookup per sample; the edge
// weights of all foreground voxels are computed once up front.
struct PhiField {
  const GsdtField* f;
  double giBg[256];
  std::vector<double> giFg;
  PhiField(const GsdtField& field, const GiMap& g) : f(&field), giFg(field.phi.size()) {
    for (int v = 0; v < 256; ++v) giBg[v] = g(v);
    for (size_t i = 0; i < giFg.size(); ++i) giFg[i] = g(field.phi[i]);
  }
  struct Sample { int64_t idx; int32_t slot; };
  Sample sample(int64_t idx, int64_t x, int64_t y, int64_t z) const { return {idx, f->slot.get(x, y, z)}; }
  bool background(const Sample& s, int) const { return s.slot < 0; }
  double GI(const Sample& s) const { return s.slot < 0 ? giBg[f->img[s.idx]] : giFg[static_cast<size_t>(s.slot)]; }
};

int64_t checkedRoot(const Dims& d, Voxel3 r, const char* what) {
  const int64_t x = roundVoxel(r.x), y = roundVoxel(r.y), z = roundVoxel(r.z);
  if (!d.inside(x, y, z)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s (%g, %g, %g) lies outside the %lldx%lldx%lld tracing grid", what, r.x, r.y, r.z,
                  static_cast<long long>(d.nx), static_cast<long long>(d.ny), static_cast<long long>(d.nz));
    throw std::invalid_argument(buf);
  }
  return d.index(x, y, z);
}

// The march itself; targets empty = single-root mode with background exclusion.
template <class Field>
FmTree march(const Field& J, const Dims& d, Voxel3 root, const std::vector<Voxel3>& targets, int cnn, int thresh,
             bool gap, const Checkpoint& cp) {
  if (cnn < 1 || cnn > 3) throw std::invalid_argument("fast-marching tree: connectivity must be 1, 2 or 3");
  const bool multi = !targets.empty();
  const int64_t rootIdx = checkedRoot(d, root, "root");
  std::vector<int64_t> targetIdx;
  for (const auto& t : targets) targetIdx.push_back(checkedRoot(d, t, "target seed"));

  Offset offs[26];
  const int nOffs = stencil(cnn, false, offs);
  const double factor[4] = {0.0, 1.0, 1.414214, 1.732051};
  const int64_t sy = d.nx, sz = d.nx * d.ny;

  BrickMap<int32_t> slotOf(d, -1);
  std::vector<int64_t> vox;
  std::vector<float> phi;
  std::vector<int32_t> prev;
  std::vector<uint8_t> state;
  std::vector<int32_t> pos;
  IndexedMinHeap<float> heap(pos);
  auto newNode = [&](int64_t idx, int64_t x, int64_t y, int64_t z) {
    const int32_t s = static_cast<int32_t>(vox.size());
    if (vox.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max()))
      throw std::length_error("fast-marching tree: more than 2^31 nodes");
    slotOf.at(x, y, z) = s;
    vox.push_back(idx);
    phi.push_back(0.0f);
    prev.push_back(s);
    state.push_back(kFar);
    pos.push_back(-1);
    return s;
  };

  {
    const int64_t rz = rootIdx / sz, ry = (rootIdx / sy) % d.ny, rx = rootIdx % d.nx;
    const int32_t r = newNode(rootIdx, rx, ry, rz);
    state[r] = kAlive;
    heap.insert(r, 0.0f);
  }

  const double tolSz = static_cast<double>(d.voxels());
  int64_t timeCounter = 1;
  double process1 = 0;
  uint32_t pops = 0;
  while (!heap.empty()) {
    if (multi) {
      const double process2 = static_cast<double>(timeCounter++) * 100000.0 / tolSz;
      if (process2 - process1 >= 1) {
        process1 = process2;
        bool all = true;
        for (int64_t t : targetIdx) {
          if (t == rootIdx) continue;
          const int64_t tz = t / sz, ty = (t / sy) % d.ny, tx = t % d.nx;
          const int32_t s = slotOf.get(tx, ty, tz);
          // reached = popped: its parent is fixed (the root counts as reached)
          if (s < 0 || state[s] != kAlive || pos[s] >= 0) { all = false; break; }
        }
        if (all) break;
      }
    }
    if (cp && (++pops & kCheckMask) == 0) cp();
    const int32_t p = heap.popMin();
    state[p] = kAlive;
    const int64_t idx = vox[p];
    const int64_t z = idx / sz, y = (idx / sy) % d.ny, x = idx % d.nx;
    const auto sp = J.sample(idx, x, y, z);
    const bool pBg = J.background(sp, thresh);
    const double giP = J.GI(sp);
    const double phiP = phi[p];
    for (int k = 0; k < nOffs; ++k) {
      const int64_t xx = x + offs[k].dx, yy = y + offs[k].dy, zz = z + offs[k].dz;
      if (!d.inside(xx, yy, zz)) continue;
      const int64_t nidx = idx + offs[k].dx + offs[k].dy * sy + offs[k].dz * sz;
      const auto sn = J.sample(nidx, xx, yy, zz);
      if (!multi) {
        const bool nBg = J.background(sn, thresh);
        if (gap ? (nBg && pBg) : nBg) continue;
      }
      int32_t ns = slotOf.get(xx, yy, zz);
      if (ns >= 0 && state[ns] == kAlive) continue;
      const double nd = phiP + (J.GI(sn) + giP) * factor[offs[k].l1] * 0.5;
      if (ns < 0) {
        ns = newNode(nidx, xx, yy, zz);
        phi[ns] = static_cast<float>(nd);
        prev[ns] = p;
        state[ns] = kTrial;
        heap.insert(ns, phi[ns]);
      } else if (static_cast<double>(phi[ns]) > nd) {
        phi[ns] = static_cast<float>(nd);
        heap.adjust(ns, phi[ns]);
        prev[ns] = p;
      }
    }
  }

  // Nodes = ALIVE voxels in raster order (the multi-target march may stop with TRIAL left over).
  std::vector<int32_t> alive;
  alive.reserve(vox.size());
  for (size_t s = 0; s < vox.size(); ++s)
    if (state[s] == kAlive) alive.push_back(static_cast<int32_t>(s));
  std::sort(alive.begin(), alive.end(), [&](int32_t a, int32_t b) { return vox[a] < vox[b]; });
  std::vector<int32_t> order(vox.size(), -1);
  for (size_t i = 0; i < alive.size(); ++i) order[alive[i]] = static_cast<int32_t>(i);
  FmTree out;
  out.voxel.resize(alive.size());
  out.parent.resize(alive.size());
  for (size_t i = 0; i < alive.size(); ++i) {
    const int32_t s = alive[i];
    out.voxel[i] = vox[s];
    out.parent[i] = prev[s] == s ? -1 : order[prev[s]];
  }
  return out;
}

}  // namespace

const double* giTable() {
  static const struct Table {
    double v[256];
    Table() {
      for (int k = 0; k < 256; ++k) {
        const double e = std::exp(10.0 * (1.0 - k / 255.0) * (1.0 - k / 255.0));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", e);
        v[k] = std::strtod(buf, nullptr);
      }
    }
  } table;
  return table.v;
}

int64_t roundVoxel(double c) { return static_cast<int64_t>(c + 0.5); }

FmTree fastmarchingTree(const uint8_t* img, const Dims& d, Voxel3 root, const FmTreeOptions& o, const Checkpoint& cp) {
  const MinMax m = scanU8(img, d.voxels(), o.minMaxQuirk);
  GiMap g{m.min, m.max - m.min};
  U8Field J(img, g);
  FmTree t = march(J, d, root, {}, o.cnn, o.thresh, o.gap, cp);
  t.giMin = g.mn;
  t.giRange = g.rg;
  return t;
}

FmTree fastmarchingTree(const GsdtField& f, Voxel3 root, const FmTreeOptions& o, const Checkpoint& cp) {
  const MinMax m = scanPhi(f, o.minMaxQuirk);
  const GiMap g{m.min, m.max - m.min};
  PhiField J(f, g);
  FmTree t = march(J, f.dims, root, {}, o.cnn, o.thresh, o.gap, cp);
  t.giMin = g.mn;
  t.giRange = g.rg;
  return t;
}

FmTree fastmarchingTreeTargets(const uint8_t* img, const Dims& d, Voxel3 root, const std::vector<Voxel3>& targets,
                               int cnn, const Checkpoint& cp) {
  if (targets.empty()) throw std::invalid_argument("fast-marching tree: the multi-target form needs at least one target");
  const MinMax m = scanU8(img, d.voxels(), false);
  GiMap g{m.min, m.max - m.min};
  U8Field J(img, g);
  FmTree t = march(J, d, root, targets, cnn, 0, false, cp);
  t.giMin = g.mn;
  t.giRange = g.rg;
  return t;
}

FmTree fastmarchingTreeTargets(const GsdtField& f, Voxel3 root, const std::vector<Voxel3>& targets, int cnn,
                               const Checkpoint& cp) {
  if (targets.empty()) throw std::invalid_argument("fast-marching tree: the multi-target form needs at least one target");
  const MinMax m = scanPhi(f, false);
  const GiMap g{m.min, m.max - m.min};
  PhiField J(f, g);
  FmTree t = march(J, f.dims, root, targets, cnn, 0, false, cp);
  t.giMin = g.mn;
  t.giRange = g.rg;
  return t;
}

SwcList toSwcList(const FmTree& fm, const Dims& d) {
  SwcList tree;
  for (size_t i = 0; i < fm.voxel.size(); ++i) {
    const int64_t v = fm.voxel[i];
    tree.add(static_cast<double>(v % d.nx), static_cast<double>((v / d.nx) % d.ny), static_cast<double>(v / (d.nx * d.ny)),
             0, 0, fm.parent[i]);
  }
  return tree;
}

}  // namespace nt::kern
