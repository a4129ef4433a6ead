// Binary min-heap over integer ids with decrease-key, reproducing the tie behaviour of APP2's
// heap: an element moves only on a strict '>' comparison, sift-down prefers the right child when
// the two children are equal, and removing the minimum moves the last element to the top. Ties
// are therefore decided by heap position (deterministic, insertion-order dependent), which is
// what lets a port match the original fast-marching trees node for node.
#pragma once
#include <cstdint>
#include <vector>

namespace nt::kern {

template <class Key>
class IndexedMinHeap {
 public:
  // pos[id] receives the element's heap slot (-1 once popped); the caller sizes it for every id
  // it will insert, which lets node stores grow it alongside their own arrays.
  explicit IndexedMinHeap(std::vector<int32_t>& pos) : pos_(&pos) {}

  bool empty() const { return elems_.empty(); }
  size_t size() const { return elems_.size(); }
  void reserve(size_t n) { elems_.reserve(n); }

  void insert(int32_t id, Key key) {
    elems_.push_back({key, id});
    int32_t i = static_cast<int32_t>(elems_.size() - 1);
    (*pos_)[id] = i;
    siftUp(i);
  }

  // Removes and returns the id with the smallest key (ties: the one at the top).
  int32_t popMin(Key* keyOut = nullptr) {
    Elem top = elems_[0];
    (*pos_)[top.id] = -1;
    if (elems_.size() == 1) {
      elems_.clear();
    } else {
      elems_[0] = elems_.back();
      elems_.pop_back();
      (*pos_)[elems_[0].id] = 0;
      siftDown(0);
    }
    if (keyOut) *keyOut = top.key;
    return top.id;
  }

  // New key for an element already in the heap: moves up when smaller, down when larger.
  void adjust(int32_t id, Key key) {
    int32_t i = (*pos_)[id];
    Key old = elems_[i].key;
    elems_[i].key = key;
    if (key < old) siftUp(i);
    else if (key > old) siftDown(i);
  }

  bool contains(int32_t id) const { return (*pos_)[id] >= 0; }

 private:
  struct Elem { Key key; int32_t id; };

  // Both sifts move a "hole" instead of swapping pairwise; the comparisons (and therefore the
  // resulting order, ties included) are exactly those of APP2's swap-based sifts: the moving
  // element passes a neighbour only when the upper one is strictly larger, and sift-down takes
  // the right child unless the left one is strictly smaller.
  void place(int32_t i, const Elem& e) {
    elems_[i] = e;
    (*pos_)[e.id] = i;
  }
  void siftUp(int32_t i) {
    const Elem e = elems_[i];
    while (i > 0) {
      const int32_t p = (i + 1) / 2 - 1;
      if (!(elems_[p].key > e.key)) break;
      place(i, elems_[p]);
      i = p;
    }
    place(i, e);
  }
  void siftDown(int32_t i) {
    const int32_t n = static_cast<int32_t>(elems_.size());
    const Elem e = elems_[i];
    for (;;) {
      const int32_t c1 = 2 * i + 1, c2 = c1 + 1;
      if (c1 >= n) break;
      const int32_t c = (c1 == n - 1 || elems_[c1].key < elems_[c2].key) ? c1 : c2;
      if (!(e.key > elems_[c].key)) break;
      place(i, elems_[c]);
      i = c;
      if (c == n - 1) break;  // APP2 stops after the last (only) child
    }
    place(i, e);
  }

  std::vector<Elem> elems_;
  std::vector<int32_t>* pos_;
};

}  // namespace nt::kern
