#include "tracers/mst_tracing_seeds.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/swc_tools.h"

namespace nt {
namespace mst {

double globalMean(const Image8& img) {
  const double denom = static_cast<double>(img.nx * img.ny * img.nz);
  const int64_t page = img.nx * img.ny;
  double th = 0;
  for (int64_t z = 0; z < img.nz; ++z) {
    double sum = 0;
    const uint8_t* p = img.data + z * page;
    for (int64_t i = 0; i < page; ++i) sum += p[i];
    th += sum / denom;
  }
  return th;
}

namespace {

struct Voxel { float x, y, z; };

// Index of the medoid: the bright voxel with the least summed distance to the others (first of
// equals).
size_t medoid(const std::vector<Voxel>& v, bool quirk) {
  double best = 1e29;
  size_t at = 0;
  for (size_t a = 0; a < v.size(); ++a) {
    double dis = 0;
    for (size_t b = 0; b < v.size(); ++b) {
      const float dx = v[a].x - v[b].x, dy = v[a].y - v[b].y, dz = v[a].z - v[b].z;
      if (quirk) {
        // The original's nested squares, evaluated in float as its pow2<float> did.
        const float dz2 = dz * dz, dz4 = dz2 * dz2, inner = dy * dy + dz4;
        dis += std::sqrt(dx * dx + inner * inner);
      } else {
        dis += std::sqrt(dx * dx + dy * dy + dz * dz);
      }
    }
    if (dis < best) { best = dis; at = a; }
  }
  return at;
}

}  // namespace

std::vector<SeedPoint> detectSeeds(const Image8& img, double th, const SeedOptions& opt, const std::function<void()>& poll) {
  const int64_t N = img.nx, M = img.ny, P = img.nz, ws = std::max<int64_t>(1, opt.ws);
  const double brightCut = opt.brightTestQuirk ? th + opt.margin : opt.margin;  // compared with w = I − th
  std::vector<SeedPoint> seeds;
  std::vector<Voxel> bright;
  for (int64_t iz = 0; iz < P; iz += ws) {
    if (poll) poll();
    const int64_t zb = iz, ze = std::min(iz + ws - 1, P - 1);
    for (int64_t iy = 0; iy < M; iy += ws) {
      const int64_t yb = iy, ye = std::min(iy + ws - 1, M - 1);
      for (int64_t ix = 0; ix < N; ix += ws) {
        const int64_t xb = ix, xe = std::min(ix + ws - 1, N - 1);
        double xm = 0, ym = 0, zm = 0, s = 0;
        bright.clear();
        for (int64_t k = zb; k <= ze; ++k)
          for (int64_t j = yb; j <= ye; ++j) {
            const uint8_t* row = img.data + (k * M + j) * N;
            for (int64_t i = xb; i <= xe; ++i) {
              const double w = double(row[i]) - th;
              if (w > 0) {
                xm += w * i; ym += w * j; zm += w * k; s += w;
                if (w > brightCut) bright.push_back({float(i), float(j), float(k)});
              }
            }
          }
        if (!(s > 0)) continue;
        xm /= s; ym /= s; zm /= s;
        int64_t at = int64_t(int(zm)) * M * N + int64_t(int(ym)) * N + int(xm);
        if (img.at(at) <= th + opt.margin && bright.size() > 1) {
          const Voxel& m = bright[medoid(bright, opt.medoidDistanceQuirk)];
          at = int64_t(m.z) * M * N + int64_t(m.y) * N + int64_t(m.x);
          xm = m.x; ym = m.y; zm = m.z;
        }
        if (img.at(at) > th + opt.margin) seeds.push_back({float(xm), float(ym), float(zm)});
      }
    }
  }
  return seeds;
}

SeedTree seedSpanningTree(const std::vector<SeedPoint>& seeds, const std::function<void()>& poll) {
  SeedTree out;
  const int64_t n = static_cast<int64_t>(seeds.size());
  if (n == 0) return out;
  // Prim without the n×n matrix: key[j] = lightest edge from the tree, par[j] the lowest tree
  // index giving it. Choosing the least (key, par, j) is exactly the original's row-major scan
  // for the first strict minimum over (tree i, outside j).
  auto w = [&](int64_t a, int64_t b) {
    const double x1 = seeds[a].x, y1 = seeds[a].y, z1 = seeds[a].z;
    const double dx = x1 - seeds[b].x, dy = y1 - seeds[b].y, dz = z1 - seeds[b].z;
    return std::sqrt(dx * dx + dy * dy + dz * dz);
  };
  const double INF = 1e29;
  std::vector<double> key(n, INF);
  std::vector<int64_t> par(n, std::numeric_limits<int64_t>::max());
  std::vector<uint8_t> inTree(n, 0);
  // Prim order: node 0 first, then each node as it joins, with its tree parent.
  kern::SwcList prim;
  prim.add(seeds[0].x, seeds[0].y, seeds[0].z, 1, 3, -1);
  std::vector<int64_t> primIndex(n, -1);  // seed -> position in `prim`
  primIndex[0] = 0;
  int64_t last = 0;
  inTree[0] = 1;
  for (int64_t added = 1; added < n; ++added) {
    if (poll && (added & 63) == 0) poll();
    for (int64_t j = 0; j < n; ++j) {
      if (inTree[j]) continue;
      const double d = w(last, j);
      if (d < key[j] || (d == key[j] && last < par[j])) { key[j] = d; par[j] = last; }
    }
    int64_t pick = -1;
    for (int64_t j = 0; j < n; ++j) {
      if (inTree[j] || !(key[j] < INF)) continue;
      if (pick < 0 || key[j] < key[pick] || (key[j] == key[pick] && par[j] < par[pick])) pick = j;
    }
    if (pick < 0) break;
    inTree[pick] = 1;
    primIndex[pick] = static_cast<int64_t>(prim.size());
    prim.add(seeds[pick].x, seeds[pick].y, seeds[pick].z, 1, 7, static_cast<int32_t>(primIndex[par[pick]]));
    last = pick;
  }
  // SortSWC(root 1, threshold 0). Seeds are distinct (one per disjoint block), so the sort only
  // renumbers the tree depth-first from seed 0.
  const kern::SwcList sorted = kern::sortSwc(prim, 0);
  out.pos.resize(sorted.size());
  out.parent = sorted.parent;
  for (size_t i = 0; i < sorted.size(); ++i)
    out.pos[i] = {static_cast<float>(sorted.x[i]), static_cast<float>(sorted.y[i]), static_cast<float>(sorted.z[i])};
  return out;
}

}  // namespace mst
}  // namespace nt
