#pragma once
// Raw views of the particle arrays for the innermost kernels. A Vec3 is three
// packed doubles, so a std::vector<Vec3> is a flat array of 3n doubles. The
// kernels that run for every element of every substep use these with plain
// arithmetic: the same machine code as Eigen in optimised builds, and tens
// of times faster than Eigen's unoptimised templates in the debug builds the
// tests run in. Internal to src/sim.

#include <vector>

#include "sim/types.h"

namespace medvision::sim {

static_assert(sizeof(Vec3) == 3 * sizeof(Real), "Vec3 must be three packed doubles");

inline Real* coordinates(std::vector<Vec3>& v) { return v.empty() ? nullptr : v.data()->data(); }
inline const Real* coordinates(const std::vector<Vec3>& v) {
  return v.empty() ? nullptr : v.data()->data();
}

inline Real dot3(const Real* a, const Real* b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

inline void cross3(const Real* a, const Real* b, Real* out) {
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

}  // namespace medvision::sim
