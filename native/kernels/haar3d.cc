#include "kernels/haar3d.h"

#include <cstring>

namespace nt::kern {

namespace {

void readWindow(const uint8_t* img, const Dims& d, int64_t cx, int64_t cy, int64_t cz, float* win) {
  constexpr int W = kHaarWin, h = kHaarWin / 2;
  int64_t xs[W], ys[W];
  for (int i = 0; i < W; ++i) {
    xs[i] = mirrorHalfSample(cx - h + i, d.nx);
    ys[i] = mirrorHalfSample(cy - h + i, d.ny);
  }
  float* o = win;
  for (int k = 0; k < W; ++k) {
    const int64_t z = mirrorHalfSample(cz - h + k, d.nz);
    for (int j = 0; j < W; ++j) {
      const uint8_t* row = img + (z * d.ny + ys[j]) * d.nx;
      for (int i = 0; i < W; ++i) *o++ = row[xs[i]];
    }
  }
}

// Bands are stored with a row stride of 512 floats whatever their size, so one signature serves
// every level; level k uses the first (8 >> k)^3 entries of each band.
void transform(const float* window, HaarWorkspace& ws) {
  haarLevel(window, 16, ws.level0);
  float tmp1[8][512], tmp2[8][512];
  haarLevel(ws.level0[0], 8, tmp1);
  for (int b = 0; b < 8; ++b) std::memcpy(ws.level1[b], tmp1[b], sizeof ws.level1[b]);
  haarLevel(ws.level1[0], 4, tmp2);
  for (int b = 0; b < 8; ++b) std::memcpy(ws.level2[b], tmp2[b], sizeof ws.level2[b]);
}

template <class Put>
void emit(const HaarWorkspace& ws, Put&& put) {
  int k = 0;
  for (int i = 0; i < 8; ++i) put(k++, ws.level2[0][i]);
  for (int b = 1; b < 8; ++b)
    for (int i = 0; i < 8; ++i) put(k++, ws.level2[b][i]);
  for (int b = 1; b < 8; ++b)
    for (int i = 0; i < 64; ++i) put(k++, ws.level1[b][i]);
  for (int b = 1; b < 8; ++b)
    for (int i = 0; i < 512; ++i) put(k++, ws.level0[b][i]);
}

}  // namespace

void haarLevel(const float* in, int dim, float (*bands)[512]) {
  const int h = dim / 2;
  auto at = [&](int z, int y, int x) { return in[(z * dim + y) * dim + x]; };
  for (int z = 0; z < h; ++z)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < h; ++x) {
        float LL[2], LH[2], HL[2], HH[2];
        for (int dz = 0; dz < 2; ++dz) {
          float L[2], H[2];
          for (int dy = 0; dy < 2; ++dy) {
            const float a = at(2 * z + dz, 2 * y + dy, 2 * x), b = at(2 * z + dz, 2 * y + dy, 2 * x + 1);
            L[dy] = (a + b) / 2;
            H[dy] = a - b;
          }
          LL[dz] = (L[0] + L[1]) / 2;
          LH[dz] = L[0] - L[1];
          HL[dz] = (H[0] + H[1]) / 2;
          HH[dz] = H[0] - H[1];
        }
        const int o = (z * h + y) * h + x;
        bands[0][o] = (LL[0] + LL[1]) / 2;
        bands[1][o] = (HL[0] + HL[1]) / 2;
        bands[2][o] = (LH[0] + LH[1]) / 2;
        bands[3][o] = LL[0] - LL[1];
        bands[4][o] = LH[0] - LH[1];
        bands[5][o] = HL[0] - HL[1];
        bands[6][o] = (HH[0] + HH[1]) / 2;
        bands[7][o] = HH[0] - HH[1];
      }
}

void haarFeatures(const uint8_t* img, const Dims& d, int64_t cx, int64_t cy, int64_t cz, HaarWorkspace& ws,
                  float* out) {
  readWindow(img, d, cx, cy, cz, ws.window);
  transform(ws.window, ws);
  emit(ws, [out](int k, float v) { out[k] = v; });
}

}  // namespace nt::kern
