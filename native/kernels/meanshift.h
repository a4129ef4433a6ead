// BJUT mean-shift mode seeking (the `meanshift` tracer's hot loop, card meanshift.md steps 1-2).
//
// Every signal voxel (non-zero, and at least `percentage` of its in-bounds 26 neighbours brighter
// than `threshold`) climbs to a mode: in a 10-voxel window around the current position p, with
// Ic = I(p), each non-zero voxel v gets the weight exp(-sqrt(2((I(v) - Ic)/255)^2 + D)) + 1e-6 and
// per-axis Gaussian kernels exp(-0.1 d^2); the weighted mean m is truncated to a voxel. When m is
// p the walk has converged; otherwise it moves to the window voxel with I >= 30 whose direction
// from p is closest to m - p. No candidate, or no convergence within 50 moves, marks the voxel
// as noise.
//
// One step depends on nothing but the position (Ic is always I(p)), so the walk is a chain of a
// pure function: each voxel's step is computed once and shared by every walk through it, which
// gives exactly the original's modes at a fraction of its cost (the original repeated whole
// walks from every voxel). Steps of the signal voxels are computed on several threads.
#pragma once
#include <algorithm>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

struct MeanShiftOptions {
  double threshold = 10;     // a neighbour is "signal" when I > threshold
  double percentage = 0.6;   // ... and a voxel is processed when that share is >= percentage
  int window = 5;            // r: the window spans offsets -r .. r-1 (or -r .. r when symmetric)
  int maxMoves = 50;         // walks that have not converged after this many moves are noise
  int candidateMin = 30;     // a window voxel can be moved to when I >= this
  // Quirk M2: the spatial term D = sum over axes of (d / r) * d / r in integer arithmetic (1 at
  // d = -r, else 0). false: D = sum (d / r)^2 in floating point.
  bool integerSpatialTerm = true;
  // Quirk M6: the window stops at +r-1 and the mean is truncated twice (modes drift towards
  // -x, -y, -z). true: the window spans -r .. r and the mean is rounded to the nearest voxel.
  bool symmetricWindow = false;
  int threads = 0;           // 0: one per hardware thread
};

struct MeanShiftModes {
  std::vector<int64_t> voxels;  // signal voxels (linear index) in the original scan order: x, then y, then z innermost
  std::vector<int32_t> modeOf;  // per signal voxel: index into `modes`, or -1 (noise)
  std::vector<int64_t> modes;   // mode voxels in discovery order (the original's root numbering)
  size_t stepsComputed = 0;     // distinct voxels whose step was evaluated
};

// The 26-neighbour signal test of step 1 (the centre's own value is not looked at).
bool isSignalVoxel(const uint8_t* img, const Dims& d, int64_t x, int64_t y, int64_t z, double threshold,
                   double percentage);

// Worker threads for the mean-shift stages: `requested` if > 0, else one per hardware thread.
int meanShiftThreads(int requested);

// Runs body(worker, begin, end) over [0, n) in contiguous chunks on `threads` threads. The first
// exception (a cancellation thrown by a checkpoint included) is rethrown once all have finished.
template <class Body>
void parallelChunks(int threads, size_t n, Body&& body) {
  if (threads <= 1 || n < 2) {
    body(0, size_t{0}, n);
    return;
  }
  std::exception_ptr error;
  std::mutex mu;
  std::vector<std::thread> pool;
  const size_t per = (n + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
  for (int t = 0; t < threads; ++t) {
    const size_t b = std::min(n, per * static_cast<size_t>(t)), e = std::min(n, per * static_cast<size_t>(t + 1));
    if (b >= e) break;
    pool.emplace_back([&, t, b, e] {
      try {
        body(t, b, e);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

MeanShiftModes meanShiftModes(const uint8_t* img, const Dims& d, const MeanShiftOptions& o, const Checkpoint& cp = {});

}  // namespace nt::kern
