// GD marker mode (the 1 -> N path tracing of Vaa3D's visiocyteneuron_GD_tracing when markers are
// given), on top of the K4 kernel in gd.h: shortest paths from a start point to every end point,
// the paths merged into shared and diverging segments (merge_back_traced_paths), and each
// segment downsampled, smoothed by one bdb pass and given ring radii. Used by nctuTW_GD (soma to
// tips) and by any tracer that hands GD a root and targets.
#pragma once
#include <functional>
#include <vector>

#include "kernels/gd.h"

namespace nt {
namespace gd {

// merge_back_traced_paths: paths are listed end -> start and all end at the same start point.
// Walking back from the start, the stretch all paths share becomes one segment; where they
// diverge, each group continues as its own segment starting at the last shared point, and so on
// down to every end. Segments are listed start side first; the point where a segment meets its
// parent segment appears in both. With fewer than two paths nothing is merged (the paths are
// returned as they are, end first).
std::vector<std::vector<Point>> mergeBackTracedPaths(const std::vector<std::vector<Point>>& paths);

struct MarkerTraceParams {
  GraphParams graph;         // grid step, imgTH, z thickness, connectivity
  int downsampleStep = 2;    // sp_downsample_step
  BdbParams bdb;             // one loop, f_length 0.1, f_smooth 0.1, f_prior 0.2
  float radiusZThickness = 1.0f;
  bool radiusXYOnly = true;  // b_3dcurve_width_from_xyonly
  int smoothWin = 7;         // sp_smoothing_win_sz (radius smoothing)
};

// A traced segment in the order GD refined it. rootFirst: the first point is the segment's root
// and each point's parent is the one before it (the N-marker link order); otherwise the last
// point is the root and each point's parent is the one after it (a single marker's path, end
// first). Segments of fewer than two points keep radius 1, as the radius fit skipped them.
struct MarkerSegment {
  std::vector<Point> pts;
  std::vector<double> radius;
  bool rootFirst = true;
};
struct MarkerTrace {
  std::vector<MarkerSegment> segments;
  int pathsFound = 0;  // end points GD reached (non-empty paths)
};

MarkerTrace traceToMarkers(const ImageU8& img, const MarkerTraceParams& p, const Point& start, const std::vector<Point>& ends,
                           const std::function<void()>& poll = {});

}  // namespace gd
}  // namespace nt
