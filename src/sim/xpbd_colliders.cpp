#include "sim/xpbd_colliders.h"

#include <algorithm>

namespace medvision::sim {
namespace {

// A unit vector perpendicular to `axis`, for a point exactly on a capsule's axis.
Vec3 unit_perpendicular(const Vec3& axis) {
  const Vec3 helper = std::abs(axis.x()) < 0.9 ? Vec3::UnitX() : Vec3::UnitY();
  const Vec3 p = axis.cross(helper);
  return p.squaredNorm() > 0 ? p.normalized() : Vec3::UnitZ();
}

}  // namespace

SurfaceContact surface_contact(const PlaneCollider& c, Real elapsed_s, const Vec3& x) {
  const Vec3 point = c.point + c.velocity * elapsed_s;
  return {c.normal.dot(x - point), c.normal, c.velocity};
}

SurfaceContact surface_contact(const SphereCollider& c, Real elapsed_s, const Vec3& x) {
  const Vec3 centre = c.centre + c.velocity * elapsed_s;
  const Vec3 d = x - centre;
  const Real len = d.norm();
  const Vec3 n = len > 0 ? Vec3(d / len) : Vec3::UnitZ();
  return {len - c.radius, n, c.velocity};
}

SurfaceContact surface_contact(const CapsuleCollider& c, Real elapsed_s, const Vec3& x) {
  const Vec3 a = c.a + c.velocity_a * elapsed_s;
  const Vec3 b = c.b + c.velocity_b * elapsed_s;
  const Vec3 axis = b - a;
  const Real len2 = axis.squaredNorm();
  const Real t = len2 > 0 ? std::clamp((x - a).dot(axis) / len2, Real{0}, Real{1}) : Real{0};
  const Vec3 closest = a + t * axis;
  const Vec3 d = x - closest;
  const Real len = d.norm();
  const Vec3 n = len > 0
                     ? Vec3(d / len)
                     : unit_perpendicular(len2 > 0 ? Vec3(axis / std::sqrt(len2)) : Vec3::UnitZ());
  return {len - c.radius, n, (1 - t) * c.velocity_a + t * c.velocity_b};
}

}  // namespace medvision::sim
