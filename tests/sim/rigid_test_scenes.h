#pragma once
// Scenes shared by the rigid-body tests: a floor, boxes, and the FLS
// peg-transfer board with its triangular objects (the laparoscopy module's).

#include <cmath>
#include <numbers>
#include <vector>

#include "modules/laparoscopy/pegboard.h"
#include "sim/rigid_world.h"

namespace medvision::sim::testing {

inline Quat about(const Vec3& axis, Real angle) {
  return Quat(Eigen::AngleAxis<Real>(angle, axis.normalized()));
}

inline RigidMaterial material(Real mu_s, Real mu_d, Real e = 0) {
  RigidMaterial m;
  m.static_friction = mu_s;
  m.dynamic_friction = mu_d;
  m.restitution = e;
  return m;
}

// The floor: the half-space below the plane through `point` with normal pose * +y.
inline int add_floor(RigidWorldModel& world, const RigidMaterial& m,
                     const Transform& pose = Transform{}) {
  RigidBodyModel floor = make_fixed_body("floor", {{Plane{}, Transform{}}}, m);
  floor.initial_pose = pose;
  return add_body(world, std::move(floor));
}

inline int add_box(RigidWorldModel& world, const Vec3& half, Real mass, const RigidMaterial& m,
                   const Transform& pose) {
  RigidBodyModel box = make_dynamic_body_of_mass("box", {{make_box(half), Transform{}}}, mass, m);
  box.initial_pose = pose;
  return add_body(world, std::move(box));
}

// The FLS board and objects are the laparoscopy module's
// (modules/laparoscopy/pegboard.h): the engine is tested on the scene it
// serves. The tests use its default board, whose top is y = 0.
using laparoscopy::add_peg_board;
using laparoscopy::add_triangle_object;
using laparoscopy::PegBoardSpec;
inline std::vector<Vec3> peg_positions() { return laparoscopy::peg_positions(PegBoardSpec{}); }

}  // namespace medvision::sim::testing
