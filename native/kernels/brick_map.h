// Sparse voxel map: the volume is cut into 8x8x8 bricks that are allocated on first write, so
// per-voxel state costs memory only near the voxels an algorithm actually touches (tracing
// works on well under 1% of a light-microscopy volume). Reads of untouched voxels return the
// default value. Bricks come from large pooled blocks to keep allocation off the hot path.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

template <class T>
class BrickMap {
 public:
  static constexpr int kShift = 3;
  static constexpr int kSide = 1 << kShift;
  static constexpr int kCells = kSide * kSide * kSide;

  BrickMap(const Dims& d, T def) : def_(def) { reset(d); }

  void reset(const Dims& d) {
    bx_ = (d.nx + kSide - 1) >> kShift;
    by_ = (d.ny + kSide - 1) >> kShift;
    bz_ = (d.nz + kSide - 1) >> kShift;
    table_.assign(static_cast<size_t>(bx_ * by_ * bz_), nullptr);
    blocks_.clear();
    used_ = kBricksPerBlock;
    bricks_ = 0;
  }

  T get(int64_t x, int64_t y, int64_t z) const {
    const T* b = table_[brick(x, y, z)];
    return b ? b[cell(x, y, z)] : def_;
  }

  // Writable reference; allocates (and fills with the default) the brick on first use.
  T& at(int64_t x, int64_t y, int64_t z) {
    T*& b = table_[brick(x, y, z)];
    if (!b) b = allocate();
    return b[cell(x, y, z)];
  }

  // Pointer to the value when its brick exists, else nullptr (no allocation).
  T* find(int64_t x, int64_t y, int64_t z) {
    T* b = table_[brick(x, y, z)];
    return b ? b + cell(x, y, z) : nullptr;
  }

  size_t bricks() const { return bricks_; }
  size_t bytes() const { return table_.size() * sizeof(T*) + blocks_.size() * kBricksPerBlock * kCells * sizeof(T); }

 private:
  static constexpr size_t kBricksPerBlock = 64;

  size_t brick(int64_t x, int64_t y, int64_t z) const {
    return static_cast<size_t>(((z >> kShift) * by_ + (y >> kShift)) * bx_ + (x >> kShift));
  }
  static int cell(int64_t x, int64_t y, int64_t z) {
    return static_cast<int>(((z & (kSide - 1)) << (2 * kShift)) | ((y & (kSide - 1)) << kShift) | (x & (kSide - 1)));
  }
  T* allocate() {
    if (used_ == kBricksPerBlock) {
      blocks_.emplace_back(new T[kBricksPerBlock * kCells]);
      used_ = 0;
    }
    T* b = blocks_.back().get() + used_ * kCells;
    ++used_;
    ++bricks_;
    for (int i = 0; i < kCells; ++i) b[i] = def_;
    return b;
  }

  T def_;
  int64_t bx_ = 0, by_ = 0, bz_ = 0;
  std::vector<T*> table_;
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t used_ = kBricksPerBlock;
  size_t bricks_ = 0;
};

}  // namespace nt::kern
