// One back-tracked branch of Rivulet2 and its online confidence bookkeeping. The arithmetic
// mirrors the plugin's Branch class, float where it used float, because the EMA comparisons
// that decide valley cuts are sensitive to rounding.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "tracers/rivulet_geometry.h"

namespace nt {
namespace rivulet {

class Branch {
 public:
  std::vector<PointF> pts;
  std::vector<float> conf;
  std::vector<float> radius;

  double branchLen = 0;  // curve length of every step taken, including later cut ones
  float gap = 0;
  bool reachedSoma = false;
  bool touched = false;
  bool lowConf = false;
  int touchIdx = -2;
  int stepsAfterTouch = 0;

  void add(const PointF& p, float c, float r) {
    pts.push_back(p);
    conf.push_back(c);
    radius.push_back(r);
    radiusSum_ += r;
  }

  const PointF& head() const { return pts.back(); }
  const PointF& tail() const { return pts.front(); }
  int length() const { return static_cast<int>(pts.size()); }

  // Keeps points [start, end).
  void slice(int start, int end) {
    const int n = length();
    const int len = (end == -1 || end >= n) ? n - start : end - start;
    pts = std::vector<PointF>(pts.begin() + start, pts.begin() + start + len);
    conf = std::vector<float>(conf.begin() + start, conf.begin() + start + len);
    radius = std::vector<float>(radius.begin() + start, radius.begin() + start + len);
    radiusSum_ = 0;
    for (float r : radius) radiusSum_ += r;
  }

  float meanRadius() const { return static_cast<float>(radiusSum_ / static_cast<double>(radius.size())); }

  // The plugin's Branch::update: step statistics, online confidence (OC) on the dilated
  // foreground, short/long EMAs of OC and the valley cut, then the new point with its radius.
  // `onDilated` is B+ at the point (0 outside the image); `r` its radius estimate.
  void update(const PointF& p, uint8_t onDilated, int r) {
    const PointF& h = pts.back();
    velocity_[0] = p.x - h.x;
    velocity_[1] = p.y - h.y;
    velocity_[2] = p.z - h.z;
    stepSize_ = static_cast<float>(std::sqrt(velocity_[0] * velocity_[0] + velocity_[1] * velocity_[1] + velocity_[2] * velocity_[2]));
    branchLen += stepSize_;
    if (onDilated > 0) gap += stepSize_;

    // OC starts near 0.5 because of the +1, so noise branches lose confidence quickly.
    onlineVoxSum_ += onDilated;
    const float oc = static_cast<float>(onlineVoxSum_) / static_cast<float>(pts.size() + 1);
    updateMovingAverages(oc);

    const float eps = 1e-5f;
    if (length() > kLongWindow && maShort_ < maLong_ - eps && oc < 0.5 && !inValley_) inValley_ = true;
    if (inValley_ && maShort_ > maLong_) {
      const int valley = static_cast<int>(std::min_element(conf.begin(), conf.end()) - conf.begin());
      if (conf[valley] < 0.5) {
        slice(0, valley);
        lowConf = true;
      } else {
        inValley_ = false;
      }
    }
    if (oc <= 0.2) lowConf = true;
    if (touched) ++stepsAfterTouch;
    add(p, oc, static_cast<float>(r));
  }

  // No movement on the last step, or less than one voxel over the last 15 points.
  bool stuck() const {
    if (velocity_[0] == 0 && velocity_[1] == 0 && velocity_[2] == 0) return true;
    if (pts.size() > 15) return distF(head(), pts[pts.size() - 15]) < 1;
    return false;
  }

 private:
  static constexpr int kShortWindow = 4, kLongWindow = 10;
  double velocity_[3] = {0, 0, 0};
  float stepSize_ = 0;
  int onlineVoxSum_ = 0;
  float maShort_ = -1, maLong_ = -1;
  bool inValley_ = false;
  double radiusSum_ = 0;

  static float ema(float p, float prev, int n) {
    const float alpha = static_cast<float>(2.0 / static_cast<float>(1 + n));
    return p * alpha + prev * (1 - alpha);
  }

  void updateMovingAverages(float oc) {
    if (length() <= kLongWindow) return;
    const int n = length();
    maShort_ = maShort_ == -1 ? oc : ema(oc, maShort_, n >= kShortWindow ? kShortWindow : n);
    maLong_ = maLong_ == -1 ? oc : ema(oc, maLong_, n >= kLongWindow ? kLongWindow : n);
  }
};

}  // namespace rivulet
}  // namespace nt
