#include "kernels/image_prep.h"

#include <algorithm>
#include <cmath>

namespace nt::kern {

namespace {

template <class T>
void convert(const T* src, int64_t n, bool invert, uint8_t* dst) {
  double lo = 0, hi = 0;
  bool any = false;
  for (int64_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(src[i]);
    if (v != v) continue;
    if (!any) { lo = hi = v; any = true; }
    else if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  // Reflecting before the min-max map equals reflecting the range: v -> lo + hi - v.
  const double rate = hi == lo ? 1.0 : 255.0 / (hi - lo);
  for (int64_t i = 0; i < n; ++i) {
    double v = static_cast<double>(src[i]);
    if (v != v) { dst[i] = 0; continue; }
    if (invert) v = lo + hi - v;
    double m = (v - lo) * rate;
    m = m < 0 ? 0 : (m > 255 ? 255 : m);
    // Vaa3D rescales in the source type first, then narrows to bytes.
    dst[i] = static_cast<uint8_t>(static_cast<T>(m));
  }
}

}  // namespace

void convertTo8bit(const uint16_t* src, int64_t n, bool invert, uint8_t* dst) { convert(src, n, invert, dst); }
void convertTo8bit(const float* src, int64_t n, bool invert, uint8_t* dst) { convert(src, n, invert, dst); }

DownsampleFactors chooseDownsample256(const Dims& d) {
  DownsampleFactors f;
  if (d.nx <= 256 && d.ny <= 256 && d.nz <= 256) return f;
  const double mxy = static_cast<double>(std::max(d.nx, d.ny));
  const double mxyz = std::max(mxy, static_cast<double>(d.nz));
  if (d.nx >= 2 * d.nz || d.ny >= 2 * d.nz) {
    if (d.nz <= 256) {
      f.xy = mxy / 256.0;
      f.z = 1;
    } else {
      f.xy = f.z = mxyz / 256.0;
    }
  } else {
    f.xy = f.z = mxyz / 256.0;
  }
  return f;
}

std::vector<uint8_t> blockMeanDownsample(const uint8_t* src, const Dims& d, double fxy, double fz, Dims* outDims) {
  Dims o;
  o.nx = static_cast<int64_t>(std::floor(static_cast<double>(d.nx) / fxy));
  o.ny = static_cast<int64_t>(std::floor(static_cast<double>(d.ny) / fxy));
  o.nz = static_cast<int64_t>(std::floor(static_cast<double>(d.nz) / fz));
  o.nx = std::max<int64_t>(o.nx, 1);
  o.ny = std::max<int64_t>(o.ny, 1);
  o.nz = std::max<int64_t>(o.nz, 1);
  std::vector<uint8_t> out(static_cast<size_t>(o.voxels()));
  auto range = [](int64_t i, double f, int64_t n, int64_t& lo, int64_t& hi) {
    lo = static_cast<int64_t>(std::floor(i * f));
    hi = static_cast<int64_t>(std::floor((i + 1) * f - 1));
    if (hi > n - 1) hi = n - 1;
    if (hi < lo) hi = lo;
  };
  std::vector<int64_t> xlo(o.nx), xhi(o.nx);
  for (int64_t i = 0; i < o.nx; ++i) range(i, fxy, d.nx, xlo[i], xhi[i]);
  // Sum whole input rows once per output row band, then split them into x blocks.
  std::vector<uint32_t> colSum(static_cast<size_t>(d.nx));
  for (int64_t k = 0; k < o.nz; ++k) {
    int64_t zlo, zhi;
    range(k, fz, d.nz, zlo, zhi);
    for (int64_t j = 0; j < o.ny; ++j) {
      int64_t ylo, yhi;
      range(j, fxy, d.ny, ylo, yhi);
      std::fill(colSum.begin(), colSum.end(), 0u);
      for (int64_t zz = zlo; zz <= zhi; ++zz)
        for (int64_t yy = ylo; yy <= yhi; ++yy) {
          const uint8_t* row = src + d.index(0, yy, zz);
          for (int64_t xx = 0; xx < d.nx; ++xx) colSum[xx] += row[xx];
        }
      const double rows = static_cast<double>((zhi - zlo + 1) * (yhi - ylo + 1));
      uint8_t* dst = out.data() + o.index(0, j, k);
      for (int64_t i = 0; i < o.nx; ++i) {
        double s = 0;
        for (int64_t xx = xlo[i]; xx <= xhi[i]; ++xx) s += colSum[xx];
        dst[i] = static_cast<uint8_t>(s / (rows * static_cast<double>(xhi[i] - xlo[i] + 1)));
      }
    }
  }
  if (outDims) *outDims = o;
  return out;
}

MeanStd meanStd(const uint8_t* img, int64_t n) {
  MeanStd r;
  if (n <= 0) return r;
  uint64_t hist[256] = {0};
  for (int64_t i = 0; i < n; ++i) ++hist[img[i]];
  double sum = 0;
  for (int v = 0; v < 256; ++v) sum += static_cast<double>(hist[v]) * v;
  r.mean = sum / static_cast<double>(n);
  if (n > 1) {
    double ss = 0;
    for (int v = 0; v < 256; ++v) ss += static_cast<double>(hist[v]) * (v - r.mean) * (v - r.mean);
    r.std = std::sqrt(ss / static_cast<double>(n - 1));
  }
  return r;
}

void toFullGrid(SwcList& t, const DownsampleFactors& f) {
  for (size_t i = 0; i < t.size(); ++i) {
    t.x[i] = toFullGrid(t.x[i], f.xy);
    t.y[i] = toFullGrid(t.y[i], f.xy);
    t.z[i] = toFullGrid(t.z[i], f.z);
  }
}

}  // namespace nt::kern
