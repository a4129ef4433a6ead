// NeuroGPS-Tree step 5: clean-up of the traced curves before they are grouped into trees.
#pragma once
#include <vector>

#include "tracers/neurogps_types.h"

namespace nt::gps {

// ClearShortCurvesAndInvalidConnection: keeps curves longer than 15 nodes or touching another
// curve, and renumbers the links to the kept list (a link to a dropped curve becomes 0).
void dropShortCurves(const std::vector<Curve>& curves, const std::vector<Link>& links, std::vector<Curve>& keptCurves,
                     std::vector<Link>& keptLinks);

// AddCollideConnectNode: a curve whose head (tail) ran into another curve gets that curve's
// nearest node prepended (appended), so the two share a point. Curves are processed in order,
// each against the current state of the curve it hit.
void addContactNodes(std::vector<Curve>& curves, const std::vector<Link>& links);

// MyCrossDetection (high resolution only): contact ends within 10 voxels are grouped; in each
// group the most anti-parallel pair of curve ends that lie within 6 voxels of each other
// (direction correlation < −0.9) is merged into one curve, so a neurite crossing another is not
// cut in two. flagQuirk keeps the original's fuse flag, which is never reset inside a group:
// once one pair qualifies, every later pair of the group counts as qualifying too.
void mergeCrossings(std::vector<Curve>& curves, std::vector<Link>& links, bool flagQuirk);

}  // namespace nt::gps
