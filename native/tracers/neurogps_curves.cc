#include "tracers/neurogps_curves.h"

#include <algorithm>
#include <cmath>

namespace nt::gps {

void dropShortCurves(const std::vector<Curve>& curves, const std::vector<Link>& links, std::vector<Curve>& keptCurves,
                     std::vector<Link>& keptLinks) {
  std::vector<int> newId(curves.size(), 0);  // 1-based position in the kept list
  keptCurves.clear();
  keptLinks.clear();
  std::vector<size_t> kept;
  for (size_t i = 0; i < curves.size(); ++i)
    if (curves[i].size() > 15 || links[i].any()) {
      kept.push_back(i);
      newId[i] = static_cast<int>(kept.size());
    }
  auto remap = [&](int id) { return id > 0 && id <= static_cast<int>(curves.size()) ? newId[id - 1] : id; };
  for (size_t i : kept) {
    keptCurves.push_back(curves[i]);
    Link l = links[i];
    if (l.head > 0) l.head = remap(l.head);
    if (l.tail > 0) l.tail = remap(l.tail);
    keptLinks.push_back(l);
  }
}

namespace {

// Index of the node of c nearest to p (the first one on ties).
size_t nearestNode(const Curve& c, const Vec3& p) {
  size_t best = 0;
  double bestD = 1e300;
  for (size_t k = 0; k < c.size(); ++k) {
    const double d = (p - c[k].p()).norm();
    if (d < bestD) { bestD = d; best = k; }
  }
  return best;
}

}  // namespace

void addContactNodes(std::vector<Curve>& curves, const std::vector<Link>& links) {
  const int n = static_cast<int>(curves.size());
  for (int i = 0; i < n; ++i) {
    const Link& l = links[i];
    if (l.head > 0 && l.head <= n && !curves[i].empty() && !curves[l.head - 1].empty()) {
      const Curve& other = curves[l.head - 1];
      const Node contact = other[nearestNode(other, curves[i].front().p())];
      curves[i].insert(curves[i].begin(), contact);
    }
    if (l.tail > 0 && l.tail <= n && !curves[i].empty() && !curves[l.tail - 1].empty()) {
      const Curve& other = curves[l.tail - 1];
      const Node contact = other[nearestNode(other, curves[i].back().p())];
      curves[i].push_back(contact);
    }
  }
}

namespace {

struct EndDot { int curve; int end; Vec3 p; };  // end: 1 head, 2 tail

// ClustreFuseConnectDotSet: each dot is linked to its nearest later dot closer than dist; the
// connected groups of linked dots (sorted dot indices).
std::vector<std::vector<int>> groupDots(const std::vector<EndDot>& dots, double dist) {
  const size_t n = dots.size();
  std::vector<std::vector<int>> adj(n);
  for (size_t i = 0; i < n; ++i) {
    double best = 10000.0;
    int idx = -1;
    for (size_t j = i + 1; j < n; ++j) {
      const double d = (dots[i].p - dots[j].p).norm();
      if (d < dist && best > d) { idx = static_cast<int>(j); best = d; }
    }
    if (idx > -1) {
      adj[i].push_back(idx);
      adj[idx].push_back(static_cast<int>(i));
    }
  }
  std::vector<std::vector<int>> groups;
  for (size_t i = 0; i < n; ++i) {
    if (adj[i].empty()) continue;
    std::vector<int> group = adj[i];
    std::vector<int> level;
    level.swap(adj[i]);
    while (!level.empty()) {
      std::vector<int> cur;
      cur.swap(level);
      for (int j : cur) {
        group.insert(group.end(), adj[j].begin(), adj[j].end());
        level.insert(level.end(), adj[j].begin(), adj[j].end());
        adj[j].clear();
      }
    }
    std::sort(group.begin(), group.end());
    group.erase(std::unique(group.begin(), group.end()), group.end());
    groups.push_back(group);
  }
  return groups;
}

// MyCalcSegmentSimilarity: distance of segment 1's ends from segment 2's line, and the cosine
// between the two segments.
void segmentSimilarity(const Vec3& a1, const Vec3& a2, const Vec3& b1, const Vec3& b2, double& dist, double& corr) {
  const Vec3 d1 = (a2 - a1) / std::max((a2 - a1).norm(), 0.001);
  const Vec3 d2 = (b2 - b1) / std::max((b2 - b1).norm(), 0.001);
  const double e1 = (a1 - (b1 + d2 * (a1 - b1).dot(d2))).norm();
  const double e2 = (a2 - (b1 + d2 * (a2 - b1).dot(d2))).norm();
  dist = (e1 * e1 + e2 * e2) / (e1 + e2 + 0.001);
  corr = d1.dot(d2);
}

// MyCalcCurvesSimilarity: segment similarities averaged over curve 2's segments, then weighted
// by the lengths of curve 1's segments.
void curveSimilarity(const std::vector<Vec3>& c1, const std::vector<Vec3>& c2, double& dist, double& corr) {
  dist = 1e300;
  corr = 1e300;
  const int n1 = static_cast<int>(c1.size()) - 1, n2 = static_cast<int>(c2.size()) - 1;
  if (n1 < 1 || n2 < 1) return;  // a single point has no direction (the original would fail)
  double lenSum = 0, d = 0, c = 0;
  for (int i = 0; i < n1; ++i) {
    const double len = (c1[i + 1] - c1[i]).norm();
    double rowD = 0, rowC = 0;
    for (int j = 0; j < n2; ++j) {
      double pd, cd;
      segmentSimilarity(c1[i], c1[i + 1], c2[j], c2[j + 1], pd, cd);
      rowD += pd;
      rowC += cd;
    }
    d += len * rowD / n2;
    c += len * rowC / n2;
    lenSum += len;
  }
  if (!(lenSum > 0)) return;
  dist = d / lenSum;
  corr = c / lenSum;
}

// The four sampled sub-curves next to a curve end (every other node, starting 2..5 nodes in).
std::vector<std::vector<Vec3>> endSubCurves(const Curve& c, int end) {
  std::vector<std::vector<Vec3>> subs;
  const int n = static_cast<int>(c.size());
  if (end == 1) {
    for (int beg = 2; beg < 6; ++beg) {
      std::vector<Vec3> s;
      for (int i = beg; i < std::min(n, beg + 7); i += 2) s.push_back(c[i].p());
      subs.push_back(s);
    }
  } else {
    for (int e = n - 3; e >= std::max(n - 6, 0); --e) {
      std::vector<Vec3> s;
      for (int i = e; i >= std::max(e - 6, 0); i -= 2) s.push_back(c[i].p());
      subs.push_back(s);
    }
  }
  return subs;
}

// MyIdentifyCurvesMerge.
void endSimilarity(const Curve& c1, int end1, const Curve& c2, int end2, int& fuse, double& dist, double& corr) {
  const auto s1 = endSubCurves(c1, end1), s2 = endSubCurves(c2, end2);
  dist = corr = 1e300;
  if (s1.size() < 4 || s2.size() < 4) return;  // curves this short never reach this step
  double pd[4][4], cd[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) curveSimilarity(s1[i], s2[j], pd[i][j], cd[i][j]);
  double best = 10000.0;
  int bi = -1, bj = -1;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      if (pd[i][j] + 10.0 * cd[i][j] < best) { best = pd[i][j] + 10.0 * cd[i][j]; bi = i; bj = j; }
  if (bi >= 0) { dist = pd[bi][bj]; corr = cd[bi][bj]; }
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      if (pd[i][j] < 6.0 && cd[i][j] < -0.9) fuse = 1;
}

// MyMergeCurves: curve 2's part beyond its node nearest to curve 1's nearer end is joined to
// that end; curve 1 takes over curve 2's far link, curve 2 keeps its nodes but loses its links,
// and links to curve 2 are redirected to curve 1.
void mergeCurves(std::vector<Curve>& curves, std::vector<Link>& links, int i1, int i2, int end2) {
  const Curve c1 = curves[i1], c2 = curves[i2];
  if (c1.empty() || c2.empty()) return;
  const int n2 = static_cast<int>(c2.size());
  const size_t headIdx = nearestNode(c2, c1.front().p()), tailIdx = nearestNode(c2, c1.back().p());
  const double headD = (c1.front().p() - c2[headIdx].p()).norm(), tailD = (c1.back().p() - c2[tailIdx].p()).norm();
  const Link l1 = links[i1], l2 = links[i2];
  Curve merged;
  if (headD < tailD) {
    const int m = static_cast<int>(headIdx);
    if (end2 == 1) {
      for (int k = n2 - 1; k >= m; --k) merged.push_back(c2[k]);
      links[i1].head = l2.tail;
    } else {
      for (int k = 0; k <= m; ++k) merged.push_back(c2[k]);
      links[i1].head = l2.head;
    }
    merged.insert(merged.end(), c1.begin(), c1.end());
  } else {
    const int m = static_cast<int>(tailIdx);
    if (end2 == 1) {
      for (int k = n2 - 1; k >= m; --k) merged.push_back(c2[k]);
      links[i1] = Link{l2.tail, l1.head};
    } else {
      for (int k = 0; k <= m; ++k) merged.push_back(c2[k]);
      links[i1] = Link{l2.head, l1.head};
    }
    merged.insert(merged.end(), c1.rbegin(), c1.rend());
  }
  curves[i1].swap(merged);
  links[i2] = Link{};
  for (size_t k = 0; k < links.size(); ++k) {
    if (static_cast<int>(k) == i1 || static_cast<int>(k) == i2) continue;
    if (links[k].head == i2 + 1) links[k].head = i1 + 1;
    if (links[k].tail == i2 + 1) links[k].tail = i1 + 1;
  }
}

}  // namespace

void mergeCrossings(std::vector<Curve>& curves, std::vector<Link>& links, bool flagQuirk) {
  const std::vector<Curve> original = curves;  // similarities always read the unmerged curves
  std::vector<EndDot> dots;
  for (size_t i = 0; i < curves.size(); ++i) {
    if (curves[i].empty()) continue;
    if (links[i].head > 0) dots.push_back({static_cast<int>(i), 1, curves[i].front().p()});
    if (links[i].tail > 0) dots.push_back({static_cast<int>(i), 2, curves[i].back().p()});
  }
  for (const std::vector<int>& group : groupDots(dots, 10.0)) {
    const size_t m = group.size();
    struct Pair { int a, b; double corr; };
    std::vector<Pair> fusable;
    int fuse = 0;
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < m; ++j) {
        if (i == j) continue;
        const EndDot &da = dots[group[i]], &db = dots[group[j]];
        if (!flagQuirk) fuse = 0;
        double dist, corr;
        endSimilarity(original[da.curve], da.end, original[db.curve], db.end, fuse, dist, corr);
        if (fuse == 1) fusable.push_back({static_cast<int>(i), static_cast<int>(j), corr});
      }
    if (fusable.empty()) continue;
    int best = -1;
    double bestCorr = 10000.0;
    for (size_t k = 0; k < fusable.size(); ++k)
      if (bestCorr > fusable[k].corr) { bestCorr = fusable[k].corr; best = static_cast<int>(k); }
    if (best < 0) continue;
    const EndDot &da = dots[group[fusable[best].a]], &db = dots[group[fusable[best].b]];
    if (da.curve != db.curve) mergeCurves(curves, links, da.curve, db.curve, db.end);
  }
}

}  // namespace nt::gps
