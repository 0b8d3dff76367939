#pragma once
// The physics engine's basic types. SI units throughout: metres, kilograms,
// seconds, newtons, pascals. Positions and velocities are stored as flat
// arrays of these (structure of arrays where it pays), sized when a model is
// built, so the step allocates nothing.

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <cstdint>

namespace medvision::sim {

using Real = double;
using Vec3 = Eigen::Matrix<Real, 3, 1>;
using Mat3 = Eigen::Matrix<Real, 3, 3>;
using Quat = Eigen::Quaternion<Real>;

// A rigid transform: x_world = rotation * x_local + translation.
struct Transform {
  Vec3 translation = Vec3::Zero();
  Quat rotation = Quat::Identity();
  Vec3 apply(const Vec3& local) const { return rotation * local + translation; }
};

}  // namespace medvision::sim
