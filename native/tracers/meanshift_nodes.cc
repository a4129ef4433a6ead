#include "tracers/meanshift_nodes.h"

#include <algorithm>
#include <unordered_set>

#include "kernels/marker_radius.h"

namespace nt::ms {

namespace {

constexpr double kRadiusThresh = 20;  // markerRadiusXY threshold for modes and members

Ball ballAt(const kern::Dims& d, int64_t v) {
  return Ball{v % d.nx, (v / d.nx) % d.ny, v / (d.nx * d.ny), 0.0};
}

std::vector<Ball> withRadii(const uint8_t* img, const kern::Dims& d, const std::vector<int64_t>& voxels, int threads,
                            const kern::Checkpoint& cp) {
  std::vector<Ball> out(voxels.size());
  kern::parallelChunks(threads, voxels.size(), [&](int, size_t b, size_t e) {
    // markerRadiusXY without the rings that cannot stop it (one estimator per thread: it builds
    // its per-slice maps as it goes)
    kern::RadiusEstimatorXY radiusOf([img](int64_t j) { return static_cast<double>(img[j]); }, d, kRadiusThresh);
    for (size_t i = b; i < e; ++i) {
      if (cp && ((i - b) & 1023) == 0) cp();
      Ball ball = ballAt(d, voxels[i]);
      ball.r = radiusOf(static_cast<double>(ball.x), static_cast<double>(ball.y), static_cast<double>(ball.z));
      out[i] = ball;
    }
  });
  return out;
}

}  // namespace

MergedRoots mergeRoots(const uint8_t* img, const kern::Dims& d, const std::vector<int64_t>& modes, double primDistance,
                       int threads, const kern::Checkpoint& cp) {
  MergedRoots mr;
  mr.roots = withRadii(img, d, modes, threads, cp);
  const size_t n = mr.roots.size();
  mr.coveredBy.resize(n);
  for (size_t i = 0; i < n; ++i) mr.coveredBy[i] = static_cast<int32_t>(i);
  std::vector<uint8_t> covered(n, 0);
  BallNeighbours index(mr.roots, primDistance);
  for (size_t i = 0; i < n; ++i) {
    if (cp && (i & 1023) == 0) cp();
    if (covered[i]) continue;
    mr.survivors.push_back(static_cast<int32_t>(i));
    index.forCandidates(
        i,
        [&](int32_t j) {
          if (static_cast<size_t>(j) == i) return;
          if (ballsOverlap(mr.roots[i], mr.roots[j], primDistance)) {
            covered[j] = 1;
            mr.coveredBy[j] = static_cast<int32_t>(i);
          }
        },
        [&](int32_t j) { return covered[j] != 0; });
  }
  return mr;
}

ClusterNodes thinClusters(const uint8_t* img, const kern::Dims& d, const kern::MeanShiftModes& modes, const MergedRoots& mr,
                          double primDistance, int threads, const kern::Checkpoint& cp) {
  ClusterNodes out;
  // members of each surviving mode: voxels whose mode it is or was covered by it, plus itself
  std::vector<std::vector<int64_t>> members(mr.roots.size());
  for (size_t i = 0; i < modes.voxels.size(); ++i) {
    const int32_t m = modes.modeOf[i];
    if (m < 0) continue;
    members[static_cast<size_t>(mr.coveredBy[static_cast<size_t>(m)])].push_back(modes.voxels[i]);
  }
  std::vector<int32_t> order(mr.survivors);
  std::sort(order.begin(), order.end(),
            [&](int32_t a, int32_t b) { return modes.modes[static_cast<size_t>(a)] < modes.modes[static_cast<size_t>(b)]; });
  std::unordered_set<int64_t> survivorVoxels;
  for (int32_t s : mr.survivors) survivorVoxels.insert(modes.modes[static_cast<size_t>(s)]);

  out.clusters = order.size();
  std::vector<int64_t> all;
  std::vector<size_t> start;
  for (int32_t root : order) {
    auto& list = members[static_cast<size_t>(root)];
    list.push_back(modes.modes[static_cast<size_t>(root)]);
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    start.push_back(all.size());
    all.insert(all.end(), list.begin(), list.end());
    std::vector<int64_t>().swap(list);
  }
  start.push_back(all.size());
  out.members = all.size();
  const std::vector<Ball> balls = withRadii(img, d, all, threads, cp);

  std::vector<Ball> cluster;
  for (size_t c = 0; c + 1 < start.size(); ++c) {
    if (cp) cp();
    cluster.assign(balls.begin() + static_cast<std::ptrdiff_t>(start[c]), balls.begin() + static_cast<std::ptrdiff_t>(start[c + 1]));
    const size_t n = cluster.size();
    std::vector<uint8_t> deleted(n, 0), isRoot(n, 0);
    for (size_t i = 0; i < n; ++i) isRoot[i] = survivorVoxels.count(all[start[c] + i]) ? 1 : 0;
    BallNeighbours index(cluster, primDistance);
    for (size_t i = 0; i < n; ++i) {
      if (cp && (i & 4095) == 4095) cp();
      if (deleted[i]) continue;
      index.forCandidates(
          i,
          [&](int32_t j) {
            if (static_cast<size_t>(j) == i || isRoot[j]) return;
            if (ballsOverlap(cluster[i], cluster[j], primDistance)) deleted[j] = 1;
          },
          [&](int32_t j) { return deleted[j] != 0; });
    }
    for (size_t i = 0; i < n; ++i)
      if (!deleted[i]) out.nodes.push_back(all[start[c] + i]);
  }
  return out;
}

}  // namespace nt::ms
