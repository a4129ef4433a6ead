// Wall-clock milliseconds per stage of a tracer run, for the run metadata: start the clock, run
// a stage, lap() it, run the next. Only ever reported, never used to decide anything, so outputs
// do not depend on it.
#pragma once
#include <chrono>

namespace nt {

class StageClock {
 public:
  // Milliseconds since construction or the previous lap.
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace nt
