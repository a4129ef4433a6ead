#include "tracers/neurogps_prep.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/box_filter.h"

namespace nt::gps {

int downsampleScale(double res) {
  if (res > 0.25 && res <= 0.5) return 2;
  if (res <= 0.25) return 3;
  return 1;
}

namespace {

// FillBlackArea: zero pixels of a slice take the intensity found by scanning the histogram over
// 1..254 and keeping every intensity whose count exceeds the intensity kept so far (the original
// compares a count with an intensity), stopping after the eleventh such step.
void fillBlack(uint16_t* slice, size_t n) {
  std::vector<int> hist(1021, 0);
  for (size_t i = 0; i < n; ++i) ++hist[std::min<int>(slice[i], 1020)];
  int steps = 0, fill = 0;
  for (int i = 1; i < 255; ++i) {
    if (steps > 10) break;
    if (hist[i] > fill) {
      ++steps;
      fill = i;
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (slice[i] == 0) slice[i] = static_cast<uint16_t>(fill);
}

}  // namespace

Image16 convertImage(const uint8_t* data, int64_t X, int64_t Y, int64_t Z, const PrepOptions& opt, Scales& s) {
  s = {downsampleScale(opt.xRes), downsampleScale(opt.yRes), downsampleScale(opt.zRes)};
  Image16 img;
  img.nx = static_cast<int>(X / s.x);
  img.ny = static_cast<int>(Y / s.y);
  img.nz = static_cast<int>(Z / s.z);
  if (img.nx < 1 || img.ny < 1 || img.nz < 1)
    throw std::invalid_argument("the " + std::to_string(X) + "x" + std::to_string(Y) + "x" + std::to_string(Z) +
                                " image is smaller than its downsampling factors " + std::to_string(s.x) + "x" +
                                std::to_string(s.y) + "x" + std::to_string(s.z) + " (from xRes, yRes, zRes)");
  img.resX = opt.xRes * s.x;
  img.resY = opt.yRes * s.y;
  img.resZ = opt.zRes * s.z;
  const size_t plane = static_cast<size_t>(img.nx) * img.ny;
  img.v.assign(plane * img.nz, 0);

  const double ratio = 4.0 / static_cast<double>(s.x * s.y * s.z);
  // N2: enhanceValue 0 would divide by zero and saturate every non-zero voxel; 0 and 255 both
  // mean "no enhancement".
  const bool enhance = opt.enhanceValue > 0 && std::abs(opt.enhanceValue - 255.0) >= 0.1;
  const double enhanceRatio = enhance ? (1020.0 - 5.0) / (4.0 * opt.enhanceValue) : 1.0;
  std::vector<uint32_t> acc(plane);
  for (int z = 0; z < img.nz; ++z) {
    std::fill(acc.begin(), acc.end(), 0u);
    for (int k = 0; k < s.z; ++k) {
      const int64_t src = opt.zSliceQuirk ? z : static_cast<int64_t>(z) * s.z + k;
      const uint8_t* slice = data + src * X * Y;
      for (int j = 0; j < img.ny; ++j)
        for (int i = 0; i < img.nx; ++i) {
          uint32_t sum = 0;
          for (int jj = 0; jj < s.y; ++jj) {
            const uint8_t* row = slice + static_cast<int64_t>(j * s.y + jj) * X + static_cast<int64_t>(i) * s.x;
            for (int ii = 0; ii < s.x; ++ii) sum += row[ii];
          }
          acc[static_cast<size_t>(j) * img.nx + i] += sum;
        }
    }
    uint16_t* out = img.v.data() + plane * z;
    for (size_t p = 0; p < plane; ++p) {
      // The original accumulates and scales in unsigned short, truncating.
      uint16_t v = static_cast<uint16_t>(static_cast<double>(acc[p]) * ratio);
      if (enhance) v = v > opt.enhanceValue ? 1020 : static_cast<uint16_t>(static_cast<double>(v) * enhanceRatio);
      out[p] = v;
    }
  }
  for (int z = 0; z < img.nz; ++z) fillBlack(img.v.data() + plane * z, plane);
  return img;
}

Binarized binarize(const Image16& img, double k, const Poll& poll) {
  constexpr int kRadius = 4, kPasses = 20;
  const int64_t w = img.nx, h = img.ny;
  const size_t plane = static_cast<size_t>(w * h);
  Binarized out;
  out.back = img;
  out.fore.assign(img.v.size(), 0);
  std::vector<double> m1(plane), m2(plane);
  for (int z = 0; z < img.nz; ++z) {
    poll();
    const uint16_t* in = img.v.data() + plane * z;
    for (size_t p = 0; p < plane; ++p) m1[p] = std::min(static_cast<double>(in[p]), 400.0);
    for (int pass = 0; pass < kPasses; ++pass) {
      kern::boxMeanInterior2D(m1.data(), m2.data(), w, h, kRadius);
      // Border rows, then border columns: the mean of the pixel and its inward neighbour. The
      // original assumes planes of at least 9x9; narrower ones clamp the neighbour index here.
      for (int64_t i = 0; i < w; ++i)
        for (int64_t l = 0; l < kRadius && l < h; ++l) {
          const int64_t top = l, topIn = std::min(l + 1, h - 1);
          m2[i + top * w] = (m1[i + top * w] + m1[i + topIn * w]) / 2;
          const int64_t bot = h - 1 - l, botIn = std::max<int64_t>(h - 2 - l, 0);
          m2[i + bot * w] = (m1[i + bot * w] + m1[i + botIn * w]) / 2;
        }
      for (int64_t j = 0; j < h; ++j)
        for (int64_t l = 0; l < kRadius && l < w; ++l) {
          const int64_t lf = l, lfIn = std::min(l + 1, w - 1);
          m2[lf + j * w] = (m1[lf + j * w] + m1[lfIn + j * w]) / 2;
          const int64_t rt = w - 1 - l, rtIn = std::max<int64_t>(w - 2 - l, 0);
          m2[rt + j * w] = (m1[rt + j * w] + m1[rtIn + j * w]) / 2;
        }
      std::memcpy(m1.data(), m2.data(), plane * sizeof(double));
    }
    uint16_t* back = out.back.v.data() + plane * z;
    uint8_t* fore = out.fore.data() + plane * z;
    for (size_t p = 0; p < plane; ++p) {
      if (static_cast<double>(in[p]) - m1[p] > 1.0 + k * std::sqrt(m1[p])) {
        fore[p] = 1;
        ++out.foreground;
      }
      back[p] = static_cast<uint16_t>(static_cast<int>(m1[p]));
    }
  }
  return out;
}

}  // namespace nt::gps
