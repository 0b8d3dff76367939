#pragma once
// The signed dihedral angle of two triangles (x0, x1, x2) and (x1, x0, x3)
// sharing the edge x0-x1, and its gradient with respect to the four vertices.
// theta = 0 when the sheet is flat; it is positive when the normals turn
// counter-clockwise about the edge direction x1 - x0.
//
// Gradient: Bridson, Marino & Fedkiw 2003, "Simulation of clothing with folds
// and wrinkles" (SCA), sec. 4.2: the opposite vertices move along their
// triangle's normal with magnitude 1/height; the edge vertices take the
// balancing share by where the opposite vertices project onto the edge.

#include <array>

#include "sim/types.h"

namespace medvision::sim {

Real dihedral_angle(const Vec3& x0, const Vec3& x1, const Vec3& x2, const Vec3& x3);

struct DihedralAngle {
  Real angle = 0;
  std::array<Vec3, 4> gradient{};
  bool valid = false;  // false for a degenerate (zero-area) triangle or edge
};
DihedralAngle dihedral_angle_with_gradient(const Vec3& x0, const Vec3& x1, const Vec3& x2,
                                           const Vec3& x3);

// The same on raw coordinates (three doubles each), for the solver's inner
// loop; returns false (and leaves the outputs alone) when degenerate.
bool dihedral_angle_with_gradient(const Real* x0, const Real* x1, const Real* x2, const Real* x3,
                                  Real& angle, Real gradient[4][3]);

// (a - b) wrapped into (-pi, pi].
Real angle_difference(Real a, Real b);

}  // namespace medvision::sim
