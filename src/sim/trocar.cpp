#include "sim/trocar.h"

#include <algorithm>
#include <cmath>

namespace medvision::sim {

namespace {

// `direction` tilted back onto the cone of half-angle `max_angle` around `axis` if outside it.
Vec3 clamp_to_cone(const Vec3& direction, const Vec3& axis, double max_angle, bool* clamped) {
  const double cos_angle = std::clamp(direction.dot(axis), -1.0, 1.0);
  if (std::acos(cos_angle) <= max_angle) return direction;
  *clamped = true;
  Vec3 side = direction - cos_angle * axis;
  if (side.squaredNorm() < 1e-24) {
    // Pointing straight back out of the body: any side will do; pick one deterministically.
    side = axis.unitOrthogonal();
  }
  side.normalize();
  return (std::cos(max_angle) * axis + std::sin(max_angle) * side).normalized();
}

}  // namespace

InstrumentPose instrument_through_port(const TrocarPort& port, const Vec3& handle_position,
                                       const Quat& handle_orientation) {
  InstrumentPose out;
  const Vec3 axis = port.inward.normalized();
  const Vec3 to_fulcrum = port.fulcrum - handle_position;
  const double outside = to_fulcrum.norm();
  Vec3 direction = outside > 1e-9 ? Vec3(to_fulcrum / outside) : axis;
  direction = clamp_to_cone(direction, axis, port.max_angle_rad, &out.clamped);

  const double wanted_depth = port.shaft_length_m - outside;
  out.depth_m =
      std::clamp(wanted_depth, port.min_depth_m, std::min(port.max_depth_m, port.shaft_length_m));
  if (out.depth_m != wanted_depth) out.clamped = true;

  out.tip = port.fulcrum + out.depth_m * direction;
  out.handle = port.fulcrum - (port.shaft_length_m - out.depth_m) * direction;
  // Keep the handle's roll: rotate its frame by the smallest rotation that
  // brings its +Z onto the shaft.
  const Vec3 handle_z = handle_orientation * Vec3::UnitZ();
  out.orientation = (Quat::FromTwoVectors(handle_z, direction) * handle_orientation).normalized();
  return out;
}

double lever_ratio(const TrocarPort& port, const InstrumentPose& pose) {
  const double outside = port.shaft_length_m - pose.depth_m;
  return outside > 1e-9 ? pose.depth_m / outside : 0.0;
}

}  // namespace medvision::sim
