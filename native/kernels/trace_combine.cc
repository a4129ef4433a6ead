#include "kernels/trace_combine.h"

#include <vector>

#include "kernels/kdtree3.h"

namespace nt::kern {

namespace {

// The original's running minimum starts here, so nothing at or beyond it is ever "nearest".
constexpr double kSearchLimit = 1000.0;

// True when following parents up from `from` reaches `node` (linking node under from would close a loop).
bool reaches(const std::vector<int32_t>& parent, int32_t from, int32_t node) {
  size_t guard = parent.size() + 1;
  for (int32_t p = from; p >= 0 && guard > 0; p = parent[static_cast<size_t>(p)], --guard)
    if (p == node) return true;
  return false;
}

}  // namespace

SwcList combineTraces(const SwcList& main, const SwcList& add, double dropDistance, CombineStats* stats,
                      const Checkpoint& cp) {
  CombineStats st;
  SwcList out = main;
  std::vector<int32_t> placed(add.size(), -1);  // add index -> result index, -1 when dropped
  {
    KdTree3 mainTree(main.x.data(), main.y.data(), main.z.data(), main.size());
    for (size_t i = 0; i < add.size(); ++i) {
      if (cp && (i & 4095) == 0) cp();
      const KdTree3::Hit h = mainTree.nearest(add.x[i], add.y[i], add.z[i]);
      const double minimum = h.index >= 0 && h.dist < kSearchLimit ? h.dist : kSearchLimit;
      if (minimum <= dropDistance) {
        ++st.dropped;
        continue;
      }
      placed[i] = out.add(add.x[i], add.y[i], add.z[i], add.radius[i], add.type[i], -1);
      ++st.appended;
    }
  }
  // Links inside the appended part never change, so set them all before re-attaching orphans
  // (the original checks each node's own, untouched parent link, so the order is immaterial).
  std::vector<size_t> orphans;
  for (size_t i = 0; i < add.size(); ++i) {
    if (placed[i] < 0) continue;
    const int32_t p = add.parent[i];
    if (p >= 0 && placed[static_cast<size_t>(p)] >= 0) out.parent[static_cast<size_t>(placed[i])] = placed[static_cast<size_t>(p)];
    else orphans.push_back(static_cast<size_t>(placed[i]));
  }
  st.orphans = orphans.size();
  if (!orphans.empty()) {
    KdTree3 all(out.x.data(), out.y.data(), out.z.data(), out.size());
    for (size_t k = 0; k < orphans.size(); ++k) {
      if (cp && (k & 1023) == 0) cp();
      const int32_t i = static_cast<int32_t>(orphans[k]);
      const KdTree3::Hit h = all.nearest(out.x[static_cast<size_t>(i)], out.y[static_cast<size_t>(i)],
                                         out.z[static_cast<size_t>(i)], i);
      const int32_t target = h.index >= 0 && h.dist < kSearchLimit ? static_cast<int32_t>(h.index) : 0;
      if (target == i || reaches(out.parent, target, i)) {
        out.parent[static_cast<size_t>(i)] = -1;
        ++st.keptAsRoot;
      } else {
        out.parent[static_cast<size_t>(i)] = target;
        ++st.relinked;
      }
    }
  }
  if (stats) *stats = st;
  return out;
}

}  // namespace nt::kern
