// NeuroGPS-Tree step 4, direction estimation: the weighted Gaussian statistics of the signal
// around a curve node, and the principal direction constrained to stay within a cone of both the
// previous direction and the brightest forward ray (a projected-gradient search on the sphere).
#pragma once
#include <vector>

#include "tracers/neurogps_types.h"

namespace nt::gps {

struct LocalStats {
  double mass = 0;   // P: total Gaussian-weighted signal
  Mat3 sigma;        // 0.15·I − 0.0225·(weighted covariance of the offsets)
  Vec3 shift;        // node minus the weighted centroid (when the mass is large enough)
};

// Gaussian (0.15·I) weights of the signal w at pts around X, counting only offsets shorter than
// 3.5 (z doubled; low resolution) or 6 (high resolution).
LocalStats localStats(const std::vector<Vec3>& pts, const std::vector<double>& w, const Vec3& X, bool highResolution);

// Up to 15 constrained steps from t1 maximising x'Sx on the unit sphere with t1·x ≥ thr and
// t2·x ≥ thr; stops early once the estimate leaves the 0.7 cone around t1.
Vec3 constrainedDirection(const Mat3& S, const Vec3& t1, const Vec3& t2, double thr);

// Two unit vectors completing v1 to an orthogonal frame (the original's closed-form choice).
void orthoBasis(const Vec3& v1, Vec3& v2, Vec3& v3);

// Direction of a polyline: the sum of its segment vectors, each weighted by its length,
// normalised (zero for fewer than two points).
Vec3 polylineDirection(const std::vector<Vec3>& pts);
// The same over nodes from..to (inclusive) of a curve; an empty or inverted range gives zero.
Vec3 curveDirection(const Curve& c, int from, int to);

}  // namespace nt::gps
