#include "kernels/swc_tools.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <utility>

namespace nt::kern {

namespace {

struct CoordKey {
  uint64_t a, b, c;
  bool operator==(const CoordKey& o) const { return a == o.a && b == o.b && c == o.c; }
};
struct CoordHash {
  size_t operator()(const CoordKey& k) const {
    uint64_t h = k.a * 0x9E3779B97F4A7C15ull;
    h ^= (k.b + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2));
    h ^= (k.c + 0xA0761D6478BD642Full + (h << 6) + (h >> 2));
    return static_cast<size_t>(h);
  }
};
uint64_t bitsOf(double v) {
  if (v == 0) v = 0;  // -0 and +0 compare equal in the original
  uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

void addUnique(std::vector<int32_t>& v, int32_t x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

// Pre-order from root, always descending into the first unvisited neighbour.
void dfs(const std::vector<std::vector<int32_t>>& nb, int32_t root, std::vector<uint8_t>& visited,
         std::vector<int32_t>& order) {
  std::vector<std::pair<int32_t, size_t>> stack;
  visited[root] = 1;
  order.push_back(root);
  stack.push_back({root, 0});
  while (!stack.empty()) {
    auto& top = stack.back();
    const auto& list = nb[top.first];
    bool pushed = false;
    while (top.second < list.size()) {
      const int32_t c = list[top.second++];
      if (!visited[c]) {
        visited[c] = 1;
        order.push_back(c);
        stack.push_back({c, 0});
        pushed = true;
        break;
      }
    }
    if (!pushed) stack.pop_back();
  }
}

}  // namespace

SwcList sortSwc(const SwcList& in, double linkThresh) {
  const size_t n = in.size();
  SwcList out;
  if (n == 0) return out;
  // merged ids in order of first appearance
  std::vector<int32_t> uid(n);
  std::vector<int32_t> firstOf;
  std::unordered_map<CoordKey, int32_t, CoordHash> seen;
  seen.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    CoordKey k{bitsOf(in.x[i]), bitsOf(in.y[i]), bitsOf(in.z[i])};
    auto it = seen.find(k);
    if (it == seen.end()) {
      const int32_t id = static_cast<int32_t>(firstOf.size());
      seen.emplace(k, id);
      firstOf.push_back(static_cast<int32_t>(i));
      uid[i] = id;
    } else {
      uid[i] = it->second;
    }
  }
  const int32_t m = static_cast<int32_t>(firstOf.size());
  std::vector<std::vector<int32_t>> nb(m);
  for (size_t i = 0; i < n; ++i) {
    const int32_t p = in.parent[i];
    if (p < 0) continue;
    const int32_t c = uid[i], q = uid[static_cast<size_t>(p)];
    addUnique(nb[c], q);
    addUnique(nb[q], c);
  }
  int32_t root = 0;
  for (size_t i = 0; i < n; ++i)
    if (in.parent[i] == -1) { root = uid[i]; break; }

  // first pass: pieces in discovery order
  std::vector<uint8_t> visited(m, 0);
  std::vector<int32_t> order;
  order.reserve(m);
  std::vector<int32_t> comp(m, 0);
  std::vector<int32_t> pieceRoots;
  int32_t pieces = 0;
  {
    int32_t next = root;
    size_t scan = 0;
    for (;;) {
      const size_t before = order.size();
      dfs(nb, next, visited, order);
      ++pieces;
      pieceRoots.push_back(next);
      for (size_t i = before; i < order.size(); ++i) comp[order[i]] = pieces;
      while (scan < static_cast<size_t>(m) && visited[scan]) ++scan;
      if (scan == static_cast<size_t>(m)) break;
      next = static_cast<int32_t>(scan);
    }
  }

  std::vector<int32_t> roots;
  if (linkThresh > 0 && pieces > 1) {
    roots.push_back(root);
    auto d2 = [&](int32_t a, int32_t b) {
      const size_t ia = firstOf[a], ib = firstOf[b];
      const double dx = in.x[ia] - in.x[ib], dy = in.y[ia] - in.y[ib], dz = in.z[ia] - in.z[ib];
      return dx * dx + dy * dy + dz * dz;
    };
    // best[j]: closest node of the first piece to j (lowest id on ties), as the original's
    // ii-outer/jj-inner strict '<' scan would find it.
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> bestD(m, inf);
    std::vector<int32_t> bestI(m, -1);
    auto absorb = [&](int32_t a) {
      for (int32_t j = 0; j < m; ++j) {
        if (comp[j] == 1) continue;
        const double d = d2(a, j);
        if (d < bestD[j] || (d == bestD[j] && a < bestI[j])) { bestD[j] = d; bestI[j] = a; }
      }
    };
    for (int32_t a = 0; a < m; ++a)
      if (comp[a] == 1) absorb(a);
    for (int32_t left = pieces - 1; left > 0; --left) {
      int32_t m2 = -1;
      for (int32_t j = 0; j < m; ++j) {
        if (comp[j] == 1) continue;
        if (m2 < 0 || bestD[j] < bestD[m2] || (bestD[j] == bestD[m2] && bestI[j] < bestI[m2])) m2 = j;
      }
      const int32_t m1 = bestI[m2];
      const int32_t g = comp[m2];
      std::vector<int32_t> joined;
      for (int32_t j = 0; j < m; ++j)
        if (comp[j] == g) { comp[j] = 1; joined.push_back(j); }
      if (bestD[m2] <= linkThresh * linkThresh) {
        addUnique(nb[m1], m2);
        addUnique(nb[m2], m1);
      } else {
        roots.push_back(m2);
      }
      for (int32_t a : joined) absorb(a);
    }
  } else {
    roots = pieceRoots;
  }

  // final pass: each piece in depth-first order; parent = earliest-visited neighbour
  std::fill(visited.begin(), visited.end(), 0);
  std::vector<int32_t> position(m, -1);
  order.clear();
  for (int32_t r : roots) {
    const size_t offset = order.size();
    dfs(nb, r, visited, order);
    for (size_t q = offset; q < order.size(); ++q) position[order[q]] = static_cast<int32_t>(q);
    for (size_t q = offset; q < order.size(); ++q) {
      const int32_t u = order[q];
      int32_t par = -1;
      for (int32_t v : nb[u]) {
        const int32_t pv = position[v];
        if (pv >= static_cast<int32_t>(offset) && pv < static_cast<int32_t>(q) && (par < 0 || pv < par)) par = pv;
      }
      const size_t src = firstOf[u];
      out.add(in.x[src], in.y[src], in.z[src], in.radius[src], in.type[src], par);
    }
  }
  return out;
}

SwcList resampleSwc(const SwcList& in, double step) {
  const size_t n = in.size();
  SwcList out;
  if (n == 0) return out;
  if (!(step > 0)) return in;
  std::vector<int32_t> children(n, 0);
  for (size_t i = 0; i < n; ++i)
    if (in.parent[i] >= 0) ++children[in.parent[i]];

  std::vector<int32_t> outIndexOfStart(n, -1);  // output index of each kept path-start node
  struct Pending { int32_t outIdx; int32_t segPar; };
  std::vector<Pending> pending;
  auto dist = [&](int32_t a, int32_t b) {
    const double dx = in.x[a] - in.x[b], dy = in.y[a] - in.y[b], dz = in.z[a] - in.z[b];
    return std::sqrt(dx * dx + dy * dy + dz * dz);
  };
  std::vector<int32_t> path;
  for (size_t s = 0; s < n; ++s) {
    if (children[s] == 1) continue;
    path.clear();
    int32_t cur = static_cast<int32_t>(s);
    do {
      path.push_back(cur);
      cur = in.parent[cur];
    } while (cur >= 0 && children[cur] == 1);
    const int32_t segPar = cur >= 0 ? cur : -1;
    // polyline: path nodes, then the branch node it hangs from
    std::vector<int32_t> poly(path);
    if (segPar >= 0) poly.push_back(segPar);
    const int32_t startOut = out.add(in.x[s], in.y[s], in.z[s], in.radius[s], in.type[s], -1);
    outIndexOfStart[s] = startOut;
    int32_t last = startOut;
    double walked = 0;  // arc length at poly[e]
    int k = 1;
    for (size_t e = 0; e + 1 < poly.size(); ++e) {
      const int32_t a = poly[e], b = poly[e + 1];
      const double len = dist(a, b);
      while (len > 0 && k * step < walked + len) {
        const double f = (k * step - walked) / len;
        const int32_t p = out.add(in.x[a] + f * (in.x[b] - in.x[a]), in.y[a] + f * (in.y[b] - in.y[a]),
                                  in.z[a] + f * (in.z[b] - in.z[a]), in.radius[a] * (1 - f) + in.radius[b] * f,
                                  in.type[a], -1);
        out.parent[last] = p;
        last = p;
        ++k;
      }
      walked += len;
    }
    if (segPar < 0 && path.back() != static_cast<int32_t>(s)) {
      // the path ends at a root with one child: keep the root itself
      const int32_t r = path.back();
      const int32_t p = out.add(in.x[r], in.y[r], in.z[r], in.radius[r], in.type[r], -1);
      out.parent[last] = p;
      last = p;
    }
    if (segPar >= 0) pending.push_back({last, segPar});
  }
  for (const auto& p : pending) out.parent[p.outIdx] = outIndexOfStart[p.segPar];
  return out;
}

NativeTree toNativeTree(SwcList&& t) {
  NativeTree res;
  res.x = std::move(t.x);
  res.y = std::move(t.y);
  res.z = std::move(t.z);
  res.radius = std::move(t.radius);
  res.type = std::move(t.type);
  res.parent = std::move(t.parent);
  for (auto& p : res.parent)
    if (p < 0) p = -1;
  return res;
}

}  // namespace nt::kern
