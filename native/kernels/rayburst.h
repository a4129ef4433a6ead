// Ray-burst sampling of a 16-bit volume around a point: smoothed point samples, the length of a
// ray while it stays bright, ray profiles turned into edge strengths, and the ray-burst shape
// (the voxels inside a star-shaped surface that stops at the first strong intensity drop along
// each of 200 rays, regularised like a snake on the sphere). Used by the NeuroGPS-Tree tracker.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/box_view.h"
#include "kernels/mat3.h"

namespace nt::kern {

// Rounds half away from zero, the rounding every ray-burst position goes through.
inline int roundHalfAway(double v) { return static_cast<int>(v + (v > 0 ? 0.5 : -0.5)); }

// Smoothed intensity at (x, y, z): a weighted mean over the nearest voxel and its six face
// neighbours (each clamped into the window), weight exp(sharpness · max(-2(dx² + dy² + 4dz²), -6))
// with (dx, dy, dz) the offset from the sample point; z counts four times because the volumes
// this serves have z steps about twice the xy steps.
double stencilMean(const BoxView16& img, double sharpness, double x, double y, double z);

// How many leading samples of a ray are at least thr (the ray stops at the first darker one).
int leadingAtLeast(const double* ray, int n, double thr);

// Background along a closed shell of samples: 100 passes of a 3-tap mean over min(v, 400)
// (ends averaged with their neighbour); samples further than k·sqrt(background) from it are
// replaced by the background, the others are kept.
std::vector<double> shellBackground(const std::vector<double>& shell, double k);

// Edge strength along one ray of n samples: the negative part of the (twice-interpolated)
// intensity derivative relative to the intensity, smoothed by 100 passes of an
// intensity-weighted 3-tap filter, returned as n-1 non-negative values (drops become peaks).
std::vector<double> rayGradientProfile(const std::vector<double>& ray);

struct GridVoxel { int x, y, z; };

// Voxels inside the ray-burst shape around c: 26 samples 0.3 voxel apart on each of 20 x 10
// rays; a ray's reach is where its samples first fall below mean + 3.5·std of the outer-shell
// background; 10 snake passes pull each reach toward the edge-strength peaks, smoothed with its
// four neighbours and capped by the reach; the voxels 1, 1.5, 2, ... up to 0.3·reach along every
// ray longer than one sample, rounded, de-duplicated (sorted x, y, z) and kept inside the window.
std::vector<GridVoxel> rayBurstShape(const BoxView16& img, const Vec3& c);

}  // namespace nt::kern
