#include "kernels/mrmr.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace nt::kern {

double mutualInformationBits(const int32_t* a, int na, const int32_t* b, int nb, int64_t n,
                             std::vector<double>& h) {
  if (n <= 0) return 0;
  // joint[j * na + i]: a = i, b = j
  h.assign(static_cast<size_t>(na) * nb + na + nb, 0.0);
  double* joint = h.data();
  double* pa = joint + static_cast<size_t>(na) * nb;
  double* pb = pa + na;
  for (int64_t s = 0; s < n; ++s) joint[static_cast<size_t>(b[s]) * na + a[s]] += 1;
  const double len = static_cast<double>(n);
  for (size_t k = 0; k < static_cast<size_t>(na) * nb; ++k) joint[k] /= len;
  for (int i = 0; i < na; ++i)
    for (int j = 0; j < nb; ++j) {
      pa[i] += joint[static_cast<size_t>(j) * na + i];
      pb[j] += joint[static_cast<size_t>(j) * na + i];
    }
  double mi = 0;
  for (int j = 0; j < nb; ++j)
    for (int i = 0; i < na; ++i) {
      const double p = joint[static_cast<size_t>(j) * na + i];
      if (p != 0 && pa[i] != 0 && pb[j] != 0) mi += p * std::log(p / pa[i] / pb[j]);
    }
  return mi / std::log(2.0);
}

namespace {

// Integer states starting at 0, and their count.
struct Column {
  std::vector<int32_t> v;
  int states = 1;
};

Column statesOf(std::vector<int32_t> v) {
  Column c;
  if (v.empty()) return c;
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const int32_t mn = *lo, mx = *hi;
  for (auto& s : v) s -= mn;
  c.states = mx - mn + 1;
  c.v = std::move(v);
  return c;
}

}  // namespace

std::vector<int> mrmrMid(const float* x, int64_t n, int f, const std::vector<int>& labels, const MrmrOptions& o,
                         const Checkpoint& cp) {
  if (static_cast<int64_t>(labels.size()) != n) throw std::invalid_argument("mRMR: one label per sample is required");
  if (o.bins < 1 || o.bins > 10000) throw std::invalid_argument("mRMR: bins must be 1..10000");
  std::vector<int> out;
  if (n == 0 || f == 0) return out;

  const Column cls = statesOf(std::vector<int32_t>(labels.begin(), labels.end()));
  std::vector<Column> col(static_cast<size_t>(f));
  for (int j = 0; j < f; ++j) {
    float mx = -3.40281e+38f, mn = 3.40281e+38f;
    for (int64_t i = 0; i < n; ++i) {
      mx = std::max(mx, x[i * f + j]);
      mn = std::min(mn, x[i * f + j]);
    }
    const float bin = (mx - mn) / static_cast<float>(o.bins);
    std::vector<int32_t> s(static_cast<size_t>(n), 0);
    // a constant feature divides 0 by 0 in the original; every sample is then in one state
    if (bin > 0)
      for (int64_t i = 0; i < n; ++i) s[i] = static_cast<int32_t>((x[i * f + j] - mn) / bin);
    col[j] = statesOf(std::move(s));
    if ((j & 63) == 0 && cp) cp();
  }

  std::vector<double> scratch, rel(static_cast<size_t>(f));
  std::vector<float> relF(static_cast<size_t>(f));
  for (int j = 0; j < f; ++j) {
    rel[j] = mutualInformationBits(cls.v.data(), cls.states, col[j].v.data(), col[j].states, n, scratch);
    relF[j] = static_cast<float>(rel[j]);
  }
  std::vector<int> rank(static_cast<size_t>(f));
  std::iota(rank.begin(), rank.end(), 0);
  std::stable_sort(rank.begin(), rank.end(), [&](int a, int b) { return relF[a] > relF[b]; });
  const int pool = std::min(f, std::max(1, o.pool));
  rank.resize(static_cast<size_t>(pool));
  const int picks = std::min(o.picks, pool);

  std::vector<double> redundancy(static_cast<size_t>(pool), 0.0);
  std::vector<char> used(static_cast<size_t>(pool), 0);
  out.push_back(rank[0]);
  used[0] = 1;
  for (int k = 1; k < picks; ++k) {
    const Column& last = col[out.back()];
    int best = -1;
    double bestScore = 0;
    for (int c = 0; c < pool; ++c) {
      if (used[c]) continue;
      const Column& cand = col[rank[c]];
      redundancy[c] += mutualInformationBits(last.v.data(), last.states, cand.v.data(), cand.states, n, scratch);
      const double score = rel[rank[c]] - redundancy[c] / k;
      if (best < 0 || score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    if (cp) cp();
    used[best] = 1;
    out.push_back(rank[best]);
  }
  return out;
}

}  // namespace nt::kern
