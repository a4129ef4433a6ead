// K10: 2-D thinning of a binary image by Zhang & Suen's two-subiteration rule (CACM 27(3), 1984),
// in the form of the IPToolBox routine thinning_1frT that nctuTW uses: a pixel goes when it has
// 2..6 set 8-neighbours, exactly one 0->1 transition around it, and (first subiteration) N·E·S = 0
// and E·S·W = 0, or (second) N·E·W = 0 and N·S·W = 0. The outermost rows and columns are never
// thinned. Set pixels keep their value; removed pixels become 0.
#pragma once
#include <cstdint>

namespace nt::kern {

enum class ThinStop {
  // IPToolBox: stop after the first subiteration that removes nothing, even if the other
  // subiteration still could (what nctuTW's skeletons were made with).
  FirstIdleSubiteration,
  // The published rule: stop when a full pass of both subiterations removes nothing.
  IdlePass,
};

// in and out may not alias; both hold nx·ny bytes, x fastest.
void thinZhangSuen(const uint8_t* in, uint8_t* out, int64_t nx, int64_t ny, ThinStop stop = ThinStop::FirstIdleSubiteration);

}  // namespace nt::kern
