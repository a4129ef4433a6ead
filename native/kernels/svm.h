// Two-class C-SVC with an RBF kernel, compatible with libsvm's formulation (Chang & Lin): the
// dual  min 1/2 a'Qa - e'a,  0 <= a_i <= C,  y'a = 0,  Q_ij = y_i y_j exp(-gamma |x_i - x_j|^2),
// solved by SMO with second-order working-set selection (Fan, Chen & Lin 2005) to the stopping
// tolerance eps on the maximal violating pair; rho from the free support vectors (or the middle
// of the feasible interval when there are none). Kernel rows are kept in an LRU cache.
// No shrinking: it changes the path to the optimum, not the optimum within eps.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace nt::kern {

struct SvmOptions {
  double c = 1;
  double gamma = 0.05;
  double eps = 1e-3;
  double cacheMiB = 200;
};

struct SvmModel {
  int dim = 0;
  double gamma = 0, rho = 0;
  std::vector<float> sv;     // support vectors, row-major (count x dim)
  std::vector<double> coef;  // alpha_i y_i
  int iterations = 0;
  size_t supportVectors() const { return coef.size(); }
  // sum coef_i K(sv_i, x) - rho; > 0 means class +1.
  double decision(const float* x) const;
  bool predictPositive(const float* x) const { return decision(x) > 0; }
};

// x: n x dim row-major; y: +1 / -1 per sample (both classes must be present).
SvmModel svmTrain(const float* x, int64_t n, int dim, const std::vector<int8_t>& y, const SvmOptions& o,
                  const Checkpoint& cp = {});

}  // namespace nt::kern
