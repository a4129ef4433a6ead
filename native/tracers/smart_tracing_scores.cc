#include "tracers/smart_tracing_scores.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/fm_linker.h"

namespace nt::smart {

using namespace nt::kern;

namespace {

struct Pt { double x, y, z; };

// get_linker_intensScore: intensities at the truncated coordinates (0 outside the image), then
// the length-weighted mean over consecutive points.
double meanIntensity(const uint8_t* img, const Dims& d, const std::vector<Pt>& p) {
  if (p.empty()) return 0;
  std::vector<double> v(p.size(), 0.0);
  for (size_t i = 0; i < p.size(); ++i) {
    const int64_t x = static_cast<int64_t>(p[i].x), y = static_cast<int64_t>(p[i].y), z = static_cast<int64_t>(p[i].z);
    if (d.inside(x, y, z)) v[i] = img[d.index(x, y, z)];
  }
  if (p.size() < 2) return v[0] / 1e-16;
  double len = 0, acc = 0;
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    const double dx = p[i].x - p[i + 1].x, dy = p[i].y - p[i + 1].y, dz = p[i].z - p[i + 1].z;
    const double dis = std::sqrt(dx * dx + dy * dy + dz * dz);
    len += dis;
    acc += dis * (v[i] + v[i + 1]) / 2;
  }
  return acc / (len + 1e-16);
}

}  // namespace

std::vector<double> perturbationScores(const uint8_t* img, const Dims& d, const SwcList& t, MaskBounds mb,
                                       ScoreStats* stats, const Checkpoint& cp, bool confine,
                                       const std::function<void(int, int)>& progress) {
  const int32_t n = static_cast<int32_t>(t.size());
  std::vector<double> score(static_cast<size_t>(n), 0.0);
  std::vector<int32_t> kids(static_cast<size_t>(n), 0);
  for (int32_t i = 0; i < n; ++i)
    if (t.parent[i] >= 0) ++kids[t.parent[i]];
  // One working copy; each segment's mask is undone after its link, as perturb_linker restores the
  // shared buffer (only the painted voxels are copied back, which gives the same image).
  std::vector<uint8_t> work(img, img + d.voxels());
  std::vector<int64_t> painted;
  // The linker normalises GI by the masked image's minimum and maximum: kept from a histogram.
  std::vector<int64_t> hist(256, 0);
  for (int64_t v = 0; v < d.voxels(); ++v) ++hist[img[v]];
  ScoreStats st;
  int total = 0;
  for (int32_t i = 0; i < n; ++i) total += kids[i] != 1;
  for (int32_t bottom = 0; bottom < n; ++bottom) {
    if (kids[bottom] == 1) continue;  // segments start at tips and branch nodes
    std::vector<int32_t> seg{bottom};
    for (int32_t p = t.parent[bottom]; p >= 0 && kids[p] == 1; p = t.parent[p]) seg.push_back(p);
    ++st.segments;
    const int32_t top = seg.back(), above = t.parent[top];
    if (above < 0 && seg.size() == 1) {
      score[bottom] = 1;
      continue;
    }
    ++st.perturbed;
    std::vector<int32_t> line(seg);
    if (above >= 0) line.push_back(above);
    painted.clear();
    double rmax = 0;
    LinkBox box{d.nx, d.ny, d.nz, 0, 0, 0};
    for (int32_t i : line) {
      rmax = std::max(rmax, t.radius[i]);
      box.x0 = std::min<int64_t>(box.x0, static_cast<int64_t>(t.x[i])); box.x1 = std::max<int64_t>(box.x1, static_cast<int64_t>(t.x[i]) + 1);
      box.y0 = std::min<int64_t>(box.y0, static_cast<int64_t>(t.y[i])); box.y1 = std::max<int64_t>(box.y1, static_cast<int64_t>(t.y[i]) + 1);
      box.z0 = std::min<int64_t>(box.z0, static_cast<int64_t>(t.z[i])); box.z1 = std::max<int64_t>(box.z1, static_cast<int64_t>(t.z[i]) + 1);
    }
    for (size_t k = 0; k + 1 < line.size(); ++k)
      forEdgeBalls(d, t, line[k], line[k + 1], 2.0, mb, [&](int64_t v) {
        if (work[v] == 0) return;
        painted.push_back(v);
        --hist[work[v]];
        ++hist[0];
        work[v] = 0;
      });
    LinkOptions lo;
    for (int k = 0; k < 256; ++k)
      if (hist[k] > 0) { lo.minValue = k; break; }
    for (int k = 255; k >= 0; --k)
      if (hist[k] > 0) { lo.maxValue = k; break; }
    const Point3 sub{t.x[line.front()], t.y[line.front()], t.z[line.front()]};
    const Point3 tar{t.x[line.back()], t.y[line.back()], t.z[line.back()]};
    // The original marches over the whole image, which costs segments x image size (hours on a
    // noisy 256x256x128 image with thousands of segments). Here the march is walled in by the
    // segment's bounding box grown by 2 r_max + 4 (the mask plus 4 voxels); when it reaches the
    // target before touching the walls it is the whole-image march step for step (fm_linker.h),
    // otherwise the best detour inside the box is taken (a difference from the original, counted
    // in the run's metadata).
    const int64_t m = static_cast<int64_t>(std::ceil(2 * rmax)) + 4;
    const LinkBox b{box.x0 - m, box.y0 - m, box.z0 - m, box.x1 + m, box.y1 + m, box.z1 + m};
    if (confine) lo.box = &b;
    const LinkPath link = fastmarchingLink(work.data(), d, {sub}, {tar}, 2, cp, lo);
    st.walled += link.touchedBox;
    for (int64_t v : painted) {
      --hist[0];
      ++hist[img[v]];
      work[v] = img[v];
    }
    std::vector<Pt> alt, orig;
    for (const auto& q : link.points) alt.push_back({q.x, q.y, q.z});
    for (int32_t i : line) orig.push_back({t.x[i], t.y[i], t.z[i]});
    // An unreachable end (only possible for nodes outside the image) leaves no alternative: the
    // original would read an empty path; it is scored as having no bright detour (0).
    if (!link.reached) ++st.unlinked;
    const double s = link.reached ? meanIntensity(img, d, alt) / meanIntensity(img, d, orig) : 0.0;
    for (int32_t i : seg) score[i] = s;
    st.marched += link.marched;
    if (cp) cp();
    if (progress) progress(st.segments, total);
  }
  if (stats) *stats = st;
  return score;
}

Samples trainingSamples(const Dims& d, const SwcList& t, const std::vector<double>& score, double thresh,
                        int64_t maxPerClass, MaskBounds mb, const Checkpoint& cp) {
  Samples out;
  const int32_t n = static_cast<int32_t>(t.size());
  // minScore as the original computes it: every node, roots by their own score
  double minScore = -1;
  for (int32_t i = 0; i < n; ++i) {
    if (i == 0) minScore = score[i] + 1;
    const double s = t.parent[i] < 0 ? score[i] : std::max(score[i], score[t.parent[i]]);
    minScore = std::min(minScore, s);
  }
  if (minScore > thresh) thresh = minScore + 1e-6;
  out.scoreThreshUsed = thresh;

  std::vector<uint8_t> L(static_cast<size_t>(d.voxels()), 0);
  for (int32_t i = 0; i < n; ++i)
    if (t.parent[i] >= 0) forEdgeBalls(d, t, i, t.parent[i], 2.0, mb, [&](int64_t v) { L[v] = 2; });
  if (cp) cp();
  int64_t pos = 0, neg = 0;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t p = t.parent[i];
    if (p < 0 || score[i] > thresh || score[p] > thresh) continue;
    // positives and negatives are painted from the same centres, interleaved per step
    forEdgeSteps(t, i, p, [&](double cx, double cy, double cz, double r) {
      forBall(d, cx, cy, cz, r * 0.7, mb, [&](int64_t v) {
        if (L[v] != 1) ++pos;
        L[v] = 1;
      });
      forBall(d, cx, cy, cz, r * 3.0, mb, [&](int64_t v) {
        if (L[v] != 0) return;
        ++neg;
        L[v] = 3;
      });
    });
  }
  if (cp) cp();
  out.positiveCount = pos;
  out.negativeCount = neg;
  const int64_t k = std::min<int64_t>({pos, maxPerClass, neg});
  if (k <= 0) return out;
  const double posRate = static_cast<double>(pos) / k, negRate = static_cast<double>(neg) / k;
  int64_t posRec = 0, negRec = 0;
  double posLine = 0, negLine = 0;
  for (int64_t v = 0; v < d.voxels(); ++v) {
    if (L[v] == 1 && ++posRec >= posLine) {
      posLine += posRate;
      out.positive.push_back(v);
      L[v] = 4;
    }
    if (L[v] == 3 && ++negRec >= negLine) {
      negLine += negRate;
      out.negative.push_back(v);
      L[v] = 4;
    }
  }
  return out;
}

}  // namespace nt::smart
