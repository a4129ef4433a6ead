// Rivulet2 (Liu, Zhang, Song, Peng & Cai, IEEE TMI 2018) as built into the Vaa3D plugin
// `Rivulet` (bigneuron_siqi_rivulet): binarise and crop, boundary distance transform, soma,
// multi-stencil fast marching from the soma, then iterative RK4 back-tracking from the
// geodesically farthest uncovered voxel with online-confidence stops and branch erasing,
// until 98 % of the foreground is covered. See plugins/Rivulet/plugin.json for the kept and
// fixed quirks.
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/trace_worker.h"
#include "kernels/descent_field.h"
#include "kernels/gsdt.h"
#include "kernels/msfm.h"
#include "tracers/rivulet_branch.h"
#include "tracers/rivulet_radius.h"
#include "tracers/rivulet_swc.h"

namespace nt {
namespace rivulet {
namespace {

constexpr float kTargetCoverage = 0.98f;
constexpr float kEraseRatio = 1.5f;

// The foreground bounding box, and the 0/1 image cropped to it. The plugin's crop is one voxel
// larger than the box on the high side of every axis and left that layer uninitialised; it is
// zero here, which is what a fresh allocation held in practice.
struct Crop {
  int64_t x0 = 0, y0 = 0, z0 = 0;
  kern::Dims dims;
  std::vector<uint8_t> b;
  int64_t foreground = 0;
};

Crop binariseAndCrop(const VolumeView& vol, int threshold) {
  const auto* img = static_cast<const uint8_t*>(vol.data);
  int64_t lo[3] = {vol.nx, vol.ny, vol.nz}, hi[3] = {-1, -1, -1};
  for (int64_t z = 0; z < vol.nz; ++z)
    for (int64_t y = 0; y < vol.ny; ++y) {
      const uint8_t* row = img + vol.index(0, y, z);
      for (int64_t x = 0; x < vol.nx; ++x) {
        if (row[x] <= threshold) continue;
        lo[0] = std::min(lo[0], x); hi[0] = std::max(hi[0], x);
        lo[1] = std::min(lo[1], y); hi[1] = std::max(hi[1], y);
        lo[2] = std::min(lo[2], z); hi[2] = std::max(hi[2], z);
      }
    }
  Crop c;
  if (hi[0] < 0) return c;
  c.x0 = lo[0]; c.y0 = lo[1]; c.z0 = lo[2];
  c.dims = {hi[0] - lo[0] + 2, hi[1] - lo[1] + 2, hi[2] - lo[2] + 2};
  c.b.assign(static_cast<size_t>(c.dims.voxels()), 0);
  for (int64_t z = lo[2]; z <= hi[2]; ++z)
    for (int64_t y = lo[1]; y <= hi[1]; ++y) {
      const uint8_t* row = img + vol.index(0, y, z);
      for (int64_t x = lo[0]; x <= hi[0]; ++x)
        if (row[x] > threshold) {
          c.b[c.dims.index(x - lo[0], y - lo[1], z - lo[2])] = 1;
          ++c.foreground;
        }
    }
  return c;
}

// B dilated once with the 3x3x3 cube, computed for interior voxels only: the plugin's dilate()
// skips the outermost layer, which therefore stays 0 even where B is 1.
std::vector<uint8_t> dilateInterior(const std::vector<uint8_t>& b, const kern::Dims& d) {
  std::vector<uint8_t> a(b.size(), 0), out(b.size(), 0);
  auto pass = [&](const std::vector<uint8_t>& in, std::vector<uint8_t>& res, int64_t step, int64_t n, int axis) {
    for (int64_t z = 0; z < d.nz; ++z)
      for (int64_t y = 0; y < d.ny; ++y)
        for (int64_t x = 0; x < d.nx; ++x) {
          const int64_t c = axis == 0 ? x : axis == 1 ? y : z;
          const int64_t i = d.index(x, y, z);
          uint8_t m = in[i];
          if (c > 0) m |= in[i - step];
          if (c + 1 < n) m |= in[i + step];
          res[i] = m;
        }
  };
  pass(b, a, 1, d.nx, 0);
  pass(a, out, d.nx, d.ny, 1);
  pass(out, a, d.nx * d.ny, d.nz, 2);
  std::fill(out.begin(), out.end(), 0);
  for (int64_t z = 1; z + 1 < d.nz; ++z)
    for (int64_t y = 1; y + 1 < d.ny; ++y)
      for (int64_t x = 1; x + 1 < d.nx; ++x) out[d.index(x, y, z)] = a[d.index(x, y, z)];
  return out;
}

PointF pointOf(const kern::Dims& d, int64_t i) {
  PointF p;
  p.x = static_cast<float>(i % d.nx);
  p.y = static_cast<float>((i / d.nx) % d.ny);
  p.z = static_cast<float>(i / (d.nx * d.ny));
  return p;
}

// Image3::is_in_bound: truncated coordinates, upper bound inclusive (the plugin's off-by-one;
// RK4 never produces such points, so it only ever rejects the "left the image" marker).
bool inBound(const kern::Dims& d, const PointF& p) {
  if (p.x != p.x || p.y != p.y || p.z != p.z) return false;
  const int64_t x = static_cast<int64_t>(p.x), y = static_cast<int64_t>(p.y), z = static_cast<int64_t>(p.z);
  return x >= 0 && x <= d.nx && y >= 0 && y <= d.ny && z >= 0 && z <= d.nz;
}

class Tracer {
 public:
  Tracer(const Crop& crop, const Params& params, TraceContext& ctx)
      : crop_(crop), d_(crop.dims), ctx_(ctx),
        quality_(params.flag("quality", false)), prune_(params.flag("prune", false)) {
    if (params.isString("branchType")) {
      const std::string t = params.text("branchType", "random");
      if (t != "random") throw std::invalid_argument("branchType must be \"random\" or an SWC type 0-255 (got \"" + t + "\")");
      fixedType_ = -1;
    } else {
      fixedType_ = static_cast<int>(params.number("branchType", 3));
    }
    rng_.seed(static_cast<uint32_t>(params.number("randomSeed", 0)));
  }

  NativeTree run() {
    prepare();
    backtrack();
    if (prune_) swc_->prune();
    return output();
  }

 private:
  const Crop& crop_;
  kern::Dims d_;
  TraceContext& ctx_;
  bool quality_, prune_;
  int fixedType_ = -1;
  std::mt19937 rng_;

  std::vector<uint8_t> dilated_;
  std::vector<uint8_t> somaMask_;
  std::vector<double> T_;   // arrival times from the soma
  std::vector<double> tt_;  // working copy: -1 traced, -2 background/noise, -3 soma
  std::unique_ptr<kern::DescentField> field_;
  std::unique_ptr<CubeOccupancy> occupancy_;
  std::unique_ptr<Swc> swc_;
  PointF centroid_;
  int somaRadius_ = 0;
  int64_t covered_ = 0;
  std::vector<int64_t> order_;  // start-point candidates, by T descending then index
  size_t cursor_ = 0;
  std::vector<uint8_t> bb_;
  std::vector<int64_t> bbList_;
  int64_t branchesTraced_ = 0, branchesAdded_ = 0, stepCapHits_ = 0;

  void checkpoint() const { ctx_.checkCancel(); }

  void prepare() {
    const kern::Checkpoint cp = [this] { checkpoint(); };
    const int64_t n = d_.voxels();
    ctx_.progress(0.05, "boundary distance transform");
    // APP2's fastmarching_dt on the 0/1 image, 18-neighbourhood, threshold 0.
    kern::GsdtField dt = kern::gsdt(crop_.b.data(), d_, 2, 0, false, cp);
    std::vector<float> D(static_cast<size_t>(n), 0.0f);
    for (size_t i = 0; i < dt.voxel.size(); ++i) D[dt.voxel[i]] = dt.phi[i];
    const int64_t maxIdx = dt.argmaxFirst();
    const float maxD = D[maxIdx];
    dt = kern::GsdtField{};

    // Soma: centre at the first maximum of D; the plugin stores max D in a long before doubling.
    centroid_ = pointOf(d_, maxIdx);
    const long maxDt = static_cast<long>(maxD);
    const float somaRadiusF = static_cast<float>(maxDt * 2);
    somaRadius_ = static_cast<int>(somaRadiusF);
    makeSomaMask(somaRadiusF);

    ctx_.progress(0.15, quality_ ? "multi-stencil fast marching (second order, cross stencils)" : "fast marching");
    {
      // Speed (D / max D)^4; background gets (1e-10)^4, which msfm clamps to its epsilon floor.
      const double dmax = static_cast<double>(maxD);
      std::vector<double> F(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const double v = static_cast<double>(D[i]);
        F[i] = std::pow(v == 0 ? 1e-10 : v / dmax, 4);
      }
      D.clear();
      D.shrink_to_fit();
      kern::MsfmOptions opt;
      opt.secondOrder = quality_;
      opt.cross = quality_;
      T_ = kern::msfm3d(F.data(), d_, {maxIdx}, opt, cp);
    }
    checkpoint();
    ctx_.progress(0.35, "descent field");
    // Kept quirk R4: the plugin's gradient pass lowers T to the neighbourhood minimum and the
    // erase interval later reads that lowered T; erasedT() reproduces it from the field.
    field_ = std::make_unique<kern::DescentField>(T_, d_);
    tt_ = T_;
    dilated_ = dilateInterior(crop_.b, d_);
    occupancy_ = std::make_unique<CubeOccupancy>(crop_.b, d_);
    for (int64_t i = 0; i < n; ++i) {
      if (!crop_.b[i]) tt_[i] = -2;
      else if (somaMask_[i]) tt_[i] = -3;
    }
    for (int64_t i = 0; i < n; ++i) {
      if (!crop_.b[i]) continue;
      if (tt_[i] < 0) ++covered_;
      else if (tt_[i] > -1) order_.push_back(i);
    }
    // argmax(tt) over the whole volume with the first index winning ties: tt only ever drops
    // to negative values, so walking this order and skipping covered voxels gives the same
    // start points as the plugin's full rescan per branch.
    std::sort(order_.begin(), order_.end(), [this](int64_t a, int64_t b) { return T_[a] > T_[b] || (T_[a] == T_[b] && a < b); });
    bb_.assign(static_cast<size_t>(n), 0);
    swc_ = std::make_unique<Swc>(SwcNode{0, 1, centroid_, static_cast<float>(somaRadius_), -1});
  }

  void makeSomaMask(float radius) {
    somaMask_.assign(static_cast<size_t>(d_.voxels()), 0);
    const double reach = 1.5 * radius;
    const int64_t r = static_cast<int64_t>(std::ceil(reach)) + 1;
    const int64_t cx = static_cast<int64_t>(centroid_.x), cy = static_cast<int64_t>(centroid_.y), cz = static_cast<int64_t>(centroid_.z);
    for (int64_t z = std::max<int64_t>(0, cz - r); z <= std::min(d_.nz - 1, cz + r); ++z)
      for (int64_t y = std::max<int64_t>(0, cy - r); y <= std::min(d_.ny - 1, cy + r); ++y)
        for (int64_t x = std::max<int64_t>(0, cx - r); x <= std::min(d_.nx - 1, cx + r); ++x) {
          const int64_t i = d_.index(x, y, z);
          if (crop_.b[i] && distF(pointOf(d_, i), centroid_) < reach) somaMask_[i] = 1;
        }
  }

  double erasedT(int64_t i) const { return T_[field_->lowestNeighbour(i)]; }

  void setTt(int64_t i, double v) {
    if (crop_.b[i] && tt_[i] >= 0) ++covered_;
    tt_[i] = v;
  }

  double ttAt(const PointF& p) const {
    const int64_t i = truncatedIndex(d_, p);
    return i < 0 ? 0.0 : tt_[i];
  }

  int nextType() { return fixedType_ >= 0 ? fixedType_ : static_cast<int>(rng_() % 256); }

  void step(Branch& br) {
    const PointF& h = br.head();
    const double p[3] = {h.x, h.y, h.z};
    double q[3] = {-1, -1, -1};  // the plugin's "left the image" marker
    field_->rk4Step(p, 1.0, q);
    const PointF np{static_cast<float>(q[0]), static_cast<float>(q[1]), static_cast<float>(q[2])};
    const int64_t i = truncatedIndex(d_, np);
    br.update(np, i < 0 ? 0 : dilated_[i], occupancy_->radius(np));
  }

  void backtrack() {
    const int64_t bsum = crop_.foreground;
    const int64_t stepCap = 20 * (d_.nx + d_.ny + d_.nz) + 1000;
    float coverage = 0;
    float reported = -1;
    ctx_.progress(0.4, "back-tracking");
    while (coverage < kTargetCoverage) {
      checkpoint();
      while (cursor_ < order_.size() && tt_[order_[cursor_]] < 0) ++cursor_;
      // With nothing left the plugin's argmax returned -1 and it traced from a point outside
      // the image, which changes nothing in the output; stop instead.
      if (cursor_ == order_.size()) break;
      const int64_t src = order_[cursor_];
      Branch br;
      br.add(pointOf(d_, src), 1.0f, 1.0f);
      setTt(src, -2);
      // Coverage is measured here, before this branch is erased, exactly as in the plugin;
      // so the loop runs one branch past the point where the target is reached.
      coverage = static_cast<float>(covered_) / static_cast<float>(bsum);
      ++branchesTraced_;
      if (coverage - reported >= 0.005f) {
        reported = coverage;
        ctx_.progress(0.4 + 0.55 * std::min(1.0f, coverage / kTargetCoverage), "back-tracking");
      }

      bool keep = true;
      for (int64_t steps = 1;; ++steps) {
        step(br);
        const PointF head = br.head();
        if (!inBound(d_, head)) {
          br.slice(0, br.length() - 1);
          break;
        }
        // Kept quirk R5: the gap counter is reset every step, so this never fires.
        if (br.gap > br.meanRadius() * 8) break;
        br.gap = 0;
        const double th = ttAt(head);
        if (th == -3) {
          keep = br.branchLen > 10;
          br.reachedSoma = true;
          break;
        }
        if (br.stuck()) break;
        if (br.lowConf) {
          keep = false;
          break;
        }
        if (th == -1) {
          br.touched = true;
          if (swc_->size() == 1) break;
          const int64_t m = swc_->match(head, static_cast<float>(static_cast<int>(br.radius.back())));
          if (m > 0) {
            br.touchIdx = static_cast<int>(m);
            break;
          }
          if (br.stepsAfterTouch > 200) break;
        }
        // Guard against an orbit that never satisfies the stuck rule (the plugin would loop).
        if (steps >= stepCap) {
          ++stepCapHits_;
          break;
        }
        if ((steps & 1023) == 0) checkpoint();
      }

      erase(br);
      if (keep && br.length() >= 5) {
        int pid = -2;
        if (br.reachedSoma) pid = 0;
        else if (br.touchIdx > 0) pid = swc_->nodes()[br.touchIdx].id;
        if (swc_->addBranch(br, pid, nextType())) ++branchesAdded_;
      }
    }
  }

  // Marks the cube of half-width ceil(1.5 r) around every point, then sets tt to -1 (-2 for a
  // low-confidence branch) on the marked voxels, restricted to the branch's T interval when the
  // branch is longer than 5 and runs downhill.
  void erase(const Branch& br) {
    if (br.length() == 0) return;  // only after a valley cut at the first point then leaving the image
    for (int i = 0; i < br.length(); ++i) {
      const int r = static_cast<int>(std::ceil(br.radius[i] * kEraseRatio));
      const PointF& p = br.pts[i];
      const int64_t cx = static_cast<int64_t>(std::floor(p.x)), cy = static_cast<int64_t>(std::floor(p.y)), cz = static_cast<int64_t>(std::floor(p.z));
      for (int64_t z = std::max<int64_t>(0, cz - r); z <= std::min(d_.nz - 1, cz + r); ++z)
        for (int64_t y = std::max<int64_t>(0, cy - r); y <= std::min(d_.ny - 1, cy + r); ++y)
          for (int64_t x = std::max<int64_t>(0, cx - r); x <= std::min(d_.nx - 1, cx + r); ++x) {
            const int64_t v = d_.index(x, y, z);
            if (!bb_[v]) { bb_[v] = 1; bbList_.push_back(v); }
          }
    }
    const int64_t ti = truncatedIndex(d_, br.tail()), hi = truncatedIndex(d_, br.head());
    const double start = ti < 0 ? 0.0 : erasedT(ti), end = hi < 0 ? 0.0 : erasedT(hi);
    const double mark = br.lowConf ? -2.0 : -1.0;
    const bool interval = br.branchLen > 5 && end < start;
    for (int64_t v : bbList_) {
      bb_[v] = 0;
      if (interval) {
        const double t = erasedT(v);
        if (!(t >= end && t <= start)) continue;
      }
      setTt(v, mark);
    }
    bbList_.clear();
  }

  NativeTree output() {
    NativeTree out;
    const auto& nodes = swc_->nodes();
    std::unordered_map<int, int32_t> index;
    for (size_t i = 0; i < nodes.size(); ++i) index[nodes[i].id] = static_cast<int32_t>(i);
    int64_t unattached = 0;
    for (const SwcNode& s : nodes) {
      int32_t parent = -1;
      if (s.pid >= 0) {
        auto it = index.find(s.pid);
        if (it != index.end()) parent = it->second;
      } else if (s.pid == -2) {
        ++unattached;
      }
      // Coordinates are padded back from the crop in float, as the plugin did.
      out.add(static_cast<float>(s.p.x + static_cast<float>(crop_.x0)), static_cast<float>(s.p.y + static_cast<float>(crop_.y0)),
              static_cast<float>(s.p.z + static_cast<float>(crop_.z0)), std::floor(s.radius), s.type, parent);
    }
    out.meta.push_back({"foregroundVoxels", static_cast<double>(crop_.foreground)});
    out.meta.push_back({"somaX", centroid_.x + crop_.x0});
    out.meta.push_back({"somaY", centroid_.y + crop_.y0});
    out.meta.push_back({"somaZ", centroid_.z + crop_.z0});
    out.meta.push_back({"somaRadius", static_cast<double>(somaRadius_)});
    out.meta.push_back({"coverage", static_cast<double>(covered_) / static_cast<double>(crop_.foreground)});
    out.meta.push_back({"branchesTraced", static_cast<double>(branchesTraced_)});
    out.meta.push_back({"branchesAdded", static_cast<double>(branchesAdded_)});
    out.meta.push_back({"unattachedBranches", static_cast<double>(unattached)});
    if (stepCapHits_) out.meta.push_back({"stepCapHits", static_cast<double>(stepCapHits_)});
    return out;
  }
};

}  // namespace
}  // namespace rivulet
}  // namespace nt

namespace {

nt::NativeTree runRivulet2(const nt::VolumeView& vol, const nt::Params& params, const std::vector<nt::Seed>&, nt::TraceContext& ctx) {
  if (vol.dtype != nt::DType::U8) throw std::invalid_argument("expects 8-bit voxels (the host converts other types by min-max scaling)");
  const int threshold = static_cast<int>(params.number("threshold", 0));
  ctx.progress(0.0, "binarising");
  const nt::rivulet::Crop crop = nt::rivulet::binariseAndCrop(vol, threshold);
  if (crop.foreground == 0)
    throw std::runtime_error("no voxel is brighter than threshold " + std::to_string(threshold) + "; nothing to trace (lower 'threshold')");
  nt::rivulet::Tracer tracer(crop, params, ctx);
  nt::NativeTree tree = tracer.run();
  ctx.progress(1.0, "done");
  return tree;
}

}  // namespace

NT_TRACER("rivulet2", runRivulet2);
