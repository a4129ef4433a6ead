#include "kernels/gd_marker.h"

#include <cstdint>

namespace nt {
namespace gd {

namespace {

inline bool samePoint(const Point& a, const Point& b) { return a.x == b.x && a.y == b.y && a.z == b.z; }

// The states merge_back_traced_paths gives a path while one group of segments is being walked.
enum Flag : int { kWalking = 0, kSharesOther = 1, kSeparate = 2, kDone = 3 };

}  // namespace

std::vector<std::vector<Point>> mergeBackTracedPaths(const std::vector<std::vector<Point>>& paths) {
  const int npath = static_cast<int>(paths.size());
  if (npath < 2) return paths;
  std::vector<int64_t> from(npath), at(npath);  // segment start index / last index taken, per path
  size_t total = 0;
  for (int i = 0; i < npath; ++i) {
    from[i] = at[i] = static_cast<int64_t>(paths[i].size()) - 1;
    total += paths[i].size();
  }
  std::vector<int> flag(npath);
  std::vector<std::vector<Point>> out;
  // Every round closes at least one segment; the bound only guards against malformed input.
  for (size_t round = 0; round <= total + 1; ++round) {
    bool allDone = true;
    for (int i = 0; i < npath; ++i) {
      flag[i] = from[i] < 1 ? kDone : kWalking;
      allDone = allDone && flag[i] != kWalking;
    }
    if (allDone) break;
    Point same;
    int ipath = -1;
    int64_t lastSame = 0;
    for (;;) {
      int64_t nSame = 0;
      for (int i = 0; i < npath; ++i) {
        if (flag[i] != kWalking) continue;
        const int64_t jj = at[i] - 1;
        if (jj < 0) {  // this path is used up
          flag[i] = kDone;
          if (lastSame == 1) break;
          continue;
        }
        const Point& node = paths[i][jj];
        if (nSame == 0) {  // the first path still walking sets the point the others must share
          same = node;
          nSame = 1;
          ipath = i;
          if (lastSame == 1) break;
          continue;
        }
        if (samePoint(node, same)) {
          ++nSame;
        } else {  // diverges here: its own segment starts at its last shared point
          from[i] = at[i];
          flag[i] = lastSame == 0 ? kSeparate : lastSame == 1 ? kDone : kSharesOther;
        }
      }
      if (lastSame == 0) lastSame = nSame;
      if (nSame > 0 && nSame == lastSame) {
        for (int i = 0; i < npath; ++i)
          if (flag[i] == kWalking) at[i]--;
      } else if (nSame < lastSame) {
        if (ipath > -1) {
          std::vector<Point> seg;
          for (int64_t jj = from[ipath]; jj >= at[ipath]; --jj) seg.push_back(paths[ipath][jj]);
          out.push_back(std::move(seg));
        }
        for (int i = 0; i < npath; ++i)
          if (flag[i] == kWalking || flag[i] == kDone) from[i] = at[i];
        if (nSame < 1) break;
      } else {
        return out;  // more paths agree than before: the original gives up with what it has
      }
      lastSame = nSame;
    }
  }
  return out;
}

MarkerTrace traceToMarkers(const ImageU8& img, const MarkerTraceParams& p, const Point& start, const std::vector<Point>& ends,
                           const std::function<void()>& poll) {
  MarkerTrace out;
  if (ends.empty()) return out;
  const GridGraph g(img, p.graph);
  const int64_t s = g.nodeOf(start.x, start.y, start.z);
  if (s < 0) return out;
  const ShortestPaths sp = dijkstra(g, s, poll);
  std::vector<std::vector<Point>> found;
  for (auto& path : tracePaths(g, sp, start, ends))
    if (path.size() >= 2) found.push_back(std::move(path));
  out.pathsFound = static_cast<int>(found.size());
  const std::vector<std::vector<Point>> segs = ends.size() >= 2 ? mergeBackTracedPaths(found) : found;
  const ImageStats stats = imageStats(img);
  for (const auto& seg : segs) {
    if (poll) poll();
    MarkerSegment m;
    m.rootFirst = ends.size() != 1;
    if (seg.size() < 2) {
      m.pts = seg;
      m.radius.assign(seg.size(), 1.0);
    } else {
      RefinedPath r = refinePath(img, seg, stats, p.downsampleStep, p.bdb, p.radiusZThickness, p.radiusXYOnly, p.smoothWin);
      m.pts = std::move(r.pts);
      m.radius = std::move(r.radius);
    }
    out.segments.push_back(std::move(m));
  }
  return out;
}

}  // namespace gd
}  // namespace nt
