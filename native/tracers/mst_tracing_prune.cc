#include "tracers/mst_tracing_prune.h"

#include <vector>

namespace nt {
namespace mst {

kern::SwcList pruneShortLeafChains(const kern::SwcList& in, int minChain) {
  const size_t n = in.size();
  std::vector<int32_t> children(n, 0);
  for (size_t i = 0; i < n; ++i)
    if (in.parent[i] >= 0) children[in.parent[i]]++;
  std::vector<uint8_t> keep(n, 1);
  for (size_t i = 0; i < n; ++i) {
    if (children[i] != 0) continue;
    if (in.parent[i] < 0) { keep[i] = 0; continue; }
    int count = 0;
    for (int32_t p = in.parent[i]; children[p] < 2;) {
      p = in.parent[p];
      ++count;
      if (p < 0) break;
    }
    if (count >= minChain) continue;
    keep[i] = 0;
    for (int32_t p = in.parent[i]; children[p] < 2;) {
      keep[p] = 0;
      p = in.parent[p];
      if (p < 0) break;
    }
  }
  kern::SwcList out;
  std::vector<int32_t> newIndex(n, -1);
  for (size_t i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    newIndex[i] = static_cast<int32_t>(out.size());
    const int32_t p = in.parent[i];
    out.add(in.x[i], in.y[i], in.z[i], in.radius[i], in.type[i], p >= 0 ? newIndex[p] : -1);
  }
  return out;
}

}  // namespace mst
}  // namespace nt
