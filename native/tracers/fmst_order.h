// The order in which the original drained a binary heap filled once (in ascending key order of
// the ids) and then emptied: FMST used this for its radius-ordered thinning passes and its
// longest-path-first segment typing. Ties follow APP2's heap (kernels/heap.h), as the original.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/heap.h"

namespace nt::fmst {

// ids[k] is inserted with keys[k], k ascending; returns the ids in pop order.
inline std::vector<int32_t> heapDrainOrder(const std::vector<int32_t>& ids, const std::vector<double>& keys) {
  int32_t maxId = -1;
  for (int32_t id : ids) maxId = id > maxId ? id : maxId;
  std::vector<int32_t> pos(static_cast<size_t>(maxId + 1), -1);
  kern::IndexedMinHeap<double> heap(pos);
  heap.reserve(ids.size());
  for (size_t k = 0; k < ids.size(); ++k) heap.insert(ids[k], keys[k]);
  std::vector<int32_t> order;
  order.reserve(ids.size());
  while (!heap.empty()) order.push_back(heap.popMin());
  return order;
}

}  // namespace nt::fmst
