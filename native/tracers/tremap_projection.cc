#include "tracers/tremap_projection.h"

#include <algorithm>
#include <deque>
#include <numeric>

namespace nt::tremap {

using kern::Dims;

Dims projectionDims(const Dims& vol, Plane plane) {
  Dims p = vol;
  if (plane == Plane::XY) p.nz = 1;
  else if (plane == Plane::XZ) p.ny = 1;
  else p.nx = 1;
  return p;
}

std::vector<uint8_t> maxProjection(const uint8_t* img, const Dims& vol, Plane plane, const kern::Checkpoint& cp) {
  const Dims pd = projectionDims(vol, plane);
  std::vector<uint8_t> out(static_cast<size_t>(pd.voxels()), 0);
  for (int64_t z = 0; z < vol.nz; ++z) {
    if (cp) cp();
    for (int64_t y = 0; y < vol.ny; ++y) {
      const uint8_t* row = img + vol.index(0, y, z);
      if (plane == Plane::XY) {
        uint8_t* o = out.data() + y * vol.nx;
        for (int64_t x = 0; x < vol.nx; ++x) o[x] = std::max(o[x], row[x]);
      } else if (plane == Plane::XZ) {
        uint8_t* o = out.data() + z * vol.nx;
        for (int64_t x = 0; x < vol.nx; ++x) o[x] = std::max(o[x], row[x]);
      } else {
        uint8_t& o = out[static_cast<size_t>(z * vol.ny + y)];
        for (int64_t x = 0; x < vol.nx; ++x) o = std::max(o, row[x]);
      }
    }
  }
  return out;
}

std::vector<uint8_t> binaryRankFilter(const std::vector<uint8_t>& mip, const Dims& pd, int thresh, bool sixthOfNine) {
  const int64_t n = pd.voxels();
  std::vector<uint8_t> fg(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) fg[static_cast<size_t>(i)] = mip[static_cast<size_t>(i)] > thresh ? 1 : 0;
  // The window values are 0 and 255 only, so the sorted list is (count - on) zeros then `on`
  // 255s: element r is 255 exactly when r >= count - on.
  std::vector<uint8_t> out(static_cast<size_t>(n), 0);
  for (int64_t z = 0; z < pd.nz; ++z)
    for (int64_t y = 0; y < pd.ny; ++y)
      for (int64_t x = 0; x < pd.nx; ++x) {
        int count = 0, on = 0;
        for (int64_t k = std::max<int64_t>(z - 1, 0); k <= std::min(z + 1, pd.nz - 1); ++k)
          for (int64_t j = std::max<int64_t>(y - 1, 0); j <= std::min(y + 1, pd.ny - 1); ++j)
            for (int64_t i = std::max<int64_t>(x - 1, 0); i <= std::min(x + 1, pd.nx - 1); ++i) {
              ++count;
              on += fg[static_cast<size_t>(pd.index(i, j, k))];
            }
        int r = sixthOfNine ? count / 2 + 1 : count / 2;
        if (r > count - 1) r = count - 1;
        out[static_cast<size_t>(pd.index(x, y, z))] = r >= count - on ? 255 : 0;
      }
  return out;
}

Regions growRegions(const std::vector<uint8_t>& img, const Dims& pd, int64_t minSize, bool skipDownRightDiagonal,
                    const kern::Checkpoint& cp) {
  const int64_t n = pd.voxels();
  Regions r;
  r.label.assign(static_cast<size_t>(n), 0);
  if (n == 0) return r;
  double mean = 0;
  for (int64_t i = 0; i < n; ++i) mean += img[static_cast<size_t>(i)];
  mean /= static_cast<double>(n);
  std::vector<uint8_t> bw(static_cast<size_t>(n));
  bool any = false;
  for (int64_t i = 0; i < n; ++i) {
    bw[static_cast<size_t>(i)] = static_cast<double>(img[static_cast<size_t>(i)]) > mean ? 1 : 0;
    any = any || bw[static_cast<size_t>(i)];
  }

  // the 26 offsets in the plugin's order; its test for (+1, +1, 0) compares x > width and so fails
  struct Off { int dx, dy, dz; };
  static const Off kAll[26] = {{-1, 0, 0},  {1, 0, 0},   {0, -1, 0},  {0, 1, 0},   {0, 0, -1},  {0, 0, 1},   {-1, -1, 0},
                               {1, -1, 0},  {-1, 1, 0},  {1, 1, 0},   {-1, 0, -1}, {1, 0, -1},  {-1, 0, 1},  {1, 0, 1},
                               {0, -1, -1}, {0, 1, -1},  {0, -1, 1},  {0, 1, 1},   {-1, -1, -1}, {1, -1, -1}, {-1, 1, -1},
                               {-1, -1, 1}, {1, 1, -1},  {1, -1, 1},  {-1, 1, 1},  {1, 1, 1}};
  std::vector<Off> offs;
  for (const Off& o : kAll)
    if (!(skipDownRightDiagonal && o.dx == 1 && o.dy == 1 && o.dz == 0)) offs.push_back(o);

  // single-voxel objects are cleared, but only away from every border (so never in a projection,
  // whose projected axis is one voxel thick)
  for (int64_t z = 1; z + 1 < pd.nz; ++z)
    for (int64_t y = 1; y + 1 < pd.ny; ++y)
      for (int64_t x = 1; x + 1 < pd.nx; ++x) {
        uint8_t& v = bw[static_cast<size_t>(pd.index(x, y, z))];
        if (!v) continue;
        bool alone = true;
        for (const Off& o : kAll)
          if (bw[static_cast<size_t>(pd.index(x + o.dx, y + o.dy, z + o.dz))]) { alone = false; break; }
        if (alone) v = 0;
      }

  // the plugin grows regions on every grey level above the lowest; a binary image with no pixel
  // above the mean has only level 0, which it then labels instead
  const uint8_t level = any ? 1 : 0;
  if (!any) r.fromBackground = true;
  std::vector<uint8_t> open(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) open[static_cast<size_t>(i)] = bw[static_cast<size_t>(i)] == level;

  std::vector<int32_t> grown(static_cast<size_t>(n), 0);  // provisional region number, 1-based
  std::vector<int64_t> provisionalSize;
  std::deque<int64_t> queue;
  for (int64_t seed = 0; seed < n; ++seed) {
    if (!open[static_cast<size_t>(seed)]) continue;
    if (cp) cp();
    const int32_t id = static_cast<int32_t>(provisionalSize.size() + 1);
    int64_t count = 0;
    open[static_cast<size_t>(seed)] = 0;
    grown[static_cast<size_t>(seed)] = id;
    queue.push_back(seed);
    while (!queue.empty()) {
      const int64_t p = queue.front();
      queue.pop_front();
      ++count;
      const int64_t z = p / (pd.nx * pd.ny), y = (p / pd.nx) % pd.ny, x = p % pd.nx;
      for (const Off& o : offs) {
        const int64_t xx = x + o.dx, yy = y + o.dy, zz = z + o.dz;
        if (!pd.inside(xx, yy, zz)) continue;
        const int64_t q = pd.index(xx, yy, zz);
        if (!open[static_cast<size_t>(q)]) continue;
        open[static_cast<size_t>(q)] = 0;
        grown[static_cast<size_t>(q)] = id;
        queue.push_back(q);
      }
    }
    provisionalSize.push_back(count);
  }

  std::vector<int32_t> finalOf(provisionalSize.size() + 1, 0);
  for (size_t i = 0; i < provisionalSize.size(); ++i) {
    if (provisionalSize[i] < minSize) continue;
    r.size.push_back(provisionalSize[i]);
    finalOf[i + 1] = static_cast<int32_t>(r.size.size());
  }
  for (int64_t i = 0; i < n; ++i) r.label[static_cast<size_t>(i)] = finalOf[static_cast<size_t>(grown[static_cast<size_t>(i)])];
  return r;
}

std::vector<int32_t> largestRegions(const Regions& r, size_t maxCount) {
  std::vector<int32_t> order(r.size.size());
  std::iota(order.begin(), order.end(), 1);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return r.size[a - 1] > r.size[b - 1]; });
  if (order.size() > maxCount) order.resize(maxCount);
  return order;
}

}  // namespace nt::tremap
