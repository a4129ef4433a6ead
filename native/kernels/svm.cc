#include "kernels/svm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <list>
#include <stdexcept>

namespace nt::kern {

namespace {

inline double rbf(const float* a, const float* b, int dim, double gamma) {
  double s = 0;
  for (int k = 0; k < dim; ++k) {
    const double d = static_cast<double>(a[k]) - b[k];
    s += d * d;
  }
  return std::exp(-gamma * s);
}

// Rows of Q = y_i y_j K_ij, computed on demand, least recently used evicted first.
class QCache {
 public:
  QCache(const float* x, int64_t n, int dim, const std::vector<int8_t>& y, double gamma, double mib)
      : x_(x), n_(n), dim_(dim), y_(y), gamma_(gamma), where_(static_cast<size_t>(n), lru_.end()) {
    const double rowBytes = static_cast<double>(n) * sizeof(float);
    capacity_ = std::max<size_t>(2, static_cast<size_t>(mib * 1024 * 1024 / rowBytes));
  }
  const float* row(int64_t i) {
    auto it = where_[i];
    if (it != lru_.end()) {
      lru_.splice(lru_.begin(), lru_, it);
      return it->data.data();
    }
    if (lru_.size() >= capacity_) {
      where_[lru_.back().id] = lru_.end();
      std::vector<float> reuse = std::move(lru_.back().data);
      lru_.pop_back();
      lru_.push_front(Row{i, std::move(reuse)});
    } else {
      lru_.push_front(Row{i, {}});
    }
    Row& r = lru_.front();
    r.data.resize(static_cast<size_t>(n_));
    const float* xi = x_ + i * dim_;
    for (int64_t j = 0; j < n_; ++j)
      r.data[j] = static_cast<float>(y_[i] * y_[j] * rbf(xi, x_ + j * dim_, dim_, gamma_));
    where_[i] = lru_.begin();
    return r.data.data();
  }

 private:
  struct Row { int64_t id; std::vector<float> data; };
  const float* x_;
  int64_t n_;
  int dim_;
  const std::vector<int8_t>& y_;
  double gamma_;
  size_t capacity_ = 2;
  std::list<Row> lru_;
  std::vector<std::list<Row>::iterator> where_;
};

constexpr double kTau = 1e-12;

}  // namespace

double SvmModel::decision(const float* x) const {
  double s = 0;
  for (size_t i = 0; i < coef.size(); ++i) s += coef[i] * rbf(sv.data() + i * dim, x, dim, gamma);
  return s - rho;
}

SvmModel svmTrain(const float* x, int64_t n, int dim, const std::vector<int8_t>& y, const SvmOptions& o,
                  const Checkpoint& cp) {
  if (static_cast<int64_t>(y.size()) != n) throw std::invalid_argument("SVM: one label per sample is required");
  bool pos = false, neg = false;
  for (int8_t v : y) {
    if (v == 1) pos = true;
    else if (v == -1) neg = true;
    else throw std::invalid_argument("SVM: labels must be +1 or -1");
  }
  if (!pos || !neg) throw std::invalid_argument("SVM: training needs samples of both classes");
  const double C = o.c;
  QCache q(x, n, dim, y, o.gamma, o.cacheMiB);
  std::vector<double> alpha(static_cast<size_t>(n), 0.0), G(static_cast<size_t>(n), -1.0);
  const double qd = 1.0;  // K(x, x) = 1 for the RBF kernel
  auto up = [&](int64_t t) { return y[t] == 1 ? alpha[t] < C : alpha[t] > 0; };
  auto low = [&](int64_t t) { return y[t] == 1 ? alpha[t] > 0 : alpha[t] < C; };
  const int64_t maxIter = std::max<int64_t>(10000000, n > INT64_MAX / 100 ? INT64_MAX : 100 * n);
  int64_t iter = 0;
  for (; iter < maxIter; ++iter) {
    if ((iter & 255) == 0 && cp) cp();
    // i: maximal violator in I_up
    double gmax = -std::numeric_limits<double>::infinity();
    int64_t i = -1;
    for (int64_t t = 0; t < n; ++t)
      if (up(t) && -y[t] * G[t] >= gmax) {  // '>=': the last of equals, as libsvm
        gmax = -y[t] * G[t];
        i = t;
      }
    if (i < 0) break;
    const float* qi = q.row(i);
    // j: second-order choice in I_low
    double gmin = std::numeric_limits<double>::infinity(), best = std::numeric_limits<double>::infinity();
    int64_t j = -1;
    for (int64_t t = 0; t < n; ++t) {
      if (!low(t)) continue;
      const double v = -y[t] * G[t];
      gmin = std::min(gmin, v);
      const double b = gmax - v;
      if (b > 0) {
        double a = qd + qd - 2.0 * y[i] * qi[t];
        if (a <= 0) a = kTau;
        const double obj = -(b * b) / a;
        if (obj <= best) {
          best = obj;
          j = t;
        }
      }
    }
    if (j < 0 || gmax - gmin < o.eps) break;
    const float* qj = q.row(j);
    qi = q.row(i);  // the cache may have recycled it
    const double ai = alpha[i], aj = alpha[j];
    if (y[i] != y[j]) {
      double quad = qd + qd + 2.0 * qi[j];
      if (quad <= 0) quad = kTau;
      const double delta = (-G[i] - G[j]) / quad;
      const double diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = diff; }
      } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = -diff; }
      if (diff > 0) {  // C_i == C_j == C
        if (alpha[i] > C) { alpha[i] = C; alpha[j] = C - diff; }
      } else if (alpha[j] > C) { alpha[j] = C; alpha[i] = C + diff; }
    } else {
      double quad = qd + qd - 2.0 * qi[j];
      if (quad <= 0) quad = kTau;
      const double delta = (G[i] - G[j]) / quad;
      const double sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) { alpha[i] = C; alpha[j] = sum - C; }
      } else if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = sum; }
      if (sum > C) {
        if (alpha[j] > C) { alpha[j] = C; alpha[i] = sum - C; }
      } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = sum; }
    }
    const double di = alpha[i] - ai, dj = alpha[j] - aj;
    for (int64_t t = 0; t < n; ++t) G[t] += qi[t] * di + qj[t] * dj;
  }

  // rho
  double ub = std::numeric_limits<double>::infinity(), lb = -std::numeric_limits<double>::infinity(), sumFree = 0;
  int64_t nFree = 0;
  for (int64_t t = 0; t < n; ++t) {
    const double yg = y[t] * G[t];
    if (alpha[t] >= C) {
      if (y[t] == -1) ub = std::min(ub, yg); else lb = std::max(lb, yg);
    } else if (alpha[t] <= 0) {
      if (y[t] == 1) ub = std::min(ub, yg); else lb = std::max(lb, yg);
    } else {
      ++nFree;
      sumFree += yg;
    }
  }
  SvmModel m;
  m.dim = dim;
  m.gamma = o.gamma;
  m.rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  m.iterations = static_cast<int>(std::min<int64_t>(iter, INT32_MAX));
  for (int64_t t = 0; t < n; ++t) {
    if (alpha[t] <= 0) continue;
    m.coef.push_back(alpha[t] * y[t]);
    m.sv.insert(m.sv.end(), x + t * dim, x + (t + 1) * dim);
  }
  return m;
}

}  // namespace nt::kern
