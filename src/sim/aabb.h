#pragma once
// An axis-aligned bounding box, the currency of the broad phase and of the
// bounding-volume hierarchy. An Aabb made by default is empty (min > max),
// so growing it by the first point or box gives that point or box.

#include <algorithm>
#include <limits>

#include "sim/types.h"

namespace medvision::sim {

struct Aabb {
  Vec3 min = Vec3::Constant(std::numeric_limits<Real>::infinity());
  Vec3 max = Vec3::Constant(-std::numeric_limits<Real>::infinity());

  static Aabb around(const Vec3& p) { return Aabb{p, p}; }
  static Aabb around(const Vec3& p, Real radius) {
    return Aabb{p.array() - radius, p.array() + radius};
  }

  bool empty() const { return (min.array() > max.array()).any(); }
  void grow(const Vec3& p) {
    min = min.cwiseMin(p);
    max = max.cwiseMax(p);
  }
  void grow(const Aabb& b) {
    min = min.cwiseMin(b.min);
    max = max.cwiseMax(b.max);
  }
  Aabb inflated(Real margin) const { return Aabb{min.array() - margin, max.array() + margin}; }
  Vec3 center() const { return Real(0.5) * (min + max); }
  Vec3 extent() const { return max - min; }
  Real surface_area() const {
    if (empty()) return 0;
    const Vec3 e = extent();
    return 2 * (e.x() * e.y() + e.y() * e.z() + e.z() * e.x());
  }
  bool overlaps(const Aabb& o) const {
    return (min.array() <= o.max.array()).all() && (o.min.array() <= max.array()).all();
  }
  bool contains(const Vec3& p) const {
    return (min.array() <= p.array()).all() && (p.array() <= max.array()).all();
  }
  // Zero inside; the squared Euclidean distance to the box outside.
  Real squared_distance(const Vec3& p) const {
    const Vec3 below = (min - p).cwiseMax(0);
    const Vec3 above = (p - max).cwiseMax(0);
    return (below + above).squaredNorm();
  }
};

inline Aabb merged(const Aabb& a, const Aabb& b) {
  Aabb m = a;
  m.grow(b);
  return m;
}

}  // namespace medvision::sim
