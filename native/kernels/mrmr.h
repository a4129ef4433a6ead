// Minimum-redundancy maximum-relevance feature selection (Peng, Long & Ding 2005), MID scheme, as
// SmartTracing runs Peng's mRMR code: each feature is discretised into equal-width bins over its
// sample range, state = int((v - min) / ((max - min) / bins)) (so the maximum gets state `bins`;
// a constant feature is one state); mutual information in bits from the joint histogram; features
// ranked by relevance I(f; class) (stored as float, as the original does), the `pool` (500) most
// relevant are candidates; the first pick is the most relevant, each further pick maximises
// I(f; class) - mean over picked s of I(s; f), the first candidate in rank order winning a tie.
// The original ranks with Numerical Recipes' unstable quicksort; equal relevances are ranked here
// by feature index instead.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

struct MrmrOptions {
  int picks = 20;
  int bins = 100;
  int pool = 500;
};

// x: n samples x f features, row-major; labels: one class value per sample. Returns the picked
// feature indices (0-based) in selection order (fewer when f < picks).
std::vector<int> mrmrMid(const float* x, int64_t n, int f, const std::vector<int>& labels, const MrmrOptions& o,
                         const Checkpoint& cp = {});

// Mutual information in bits of two state sequences (values 0..na-1 and 0..nb-1), summed in the
// original's order (b states outer, a states inner).
double mutualInformationBits(const int32_t* a, int na, const int32_t* b, int nb, int64_t n,
                             std::vector<double>& scratch);

}  // namespace nt::kern
