#pragma once
// Scenes shared by the rigid-body tests: a floor, boxes, and the FLS
// peg-transfer board with its triangular objects.

#include <cmath>
#include <numbers>
#include <vector>

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

// FLS peg transfer: a board whose top is y = 0, two groups of six pegs.
struct PegBoardSpec {
  Real peg_radius = 0.0025;  // m
  Real peg_height = 0.025;   // m above the board
  Real hole_side = 0.016;    // the object's triangular hole (inradius 4.6 mm)
  Real outer_side = 0.028;   // the object's outer triangle
  Real half_thickness = 0.005;
  Real density = 1100;  // rubber, kg/m^3
};

// Peg centres on the board (y = 0): two hexagons, left and right.
inline std::vector<Vec3> peg_positions() {
  std::vector<Vec3> p;
  for (int side = -1; side <= 1; side += 2) {
    for (int k = 0; k < 6; ++k) {
      const Real a = k * std::numbers::pi / 3;
      p.emplace_back(side * 0.08 + 0.04 * std::cos(a), 0, 0.04 * std::sin(a));
    }
  }
  return p;
}

inline int add_peg_board(RigidWorldModel& world, const PegBoardSpec& spec, const RigidMaterial& m) {
  std::vector<ShapeInstance> shapes;
  shapes.push_back(
      {make_box(Vec3(0.15, 0.01, 0.08)), Transform{Vec3(0, -0.01, 0), Quat::Identity()}});
  // A capsule standing on the board, its top at peg_height, its lower cap inside the board.
  const Real half = Real(0.5) * (spec.peg_height - spec.peg_radius);
  for (const Vec3& p : peg_positions()) {
    shapes.push_back(
        {Capsule{spec.peg_radius, half},
         Transform{p + Vec3(0, spec.peg_height - spec.peg_radius - half, 0), Quat::Identity()}});
  }
  return add_body(world, make_fixed_body("pegboard", std::move(shapes), m));
}

inline int add_triangle_object(RigidWorldModel& world, const PegBoardSpec& spec,
                               const RigidMaterial& m, const Transform& pose) {
  RigidBodyModel object = make_dynamic_body(
      "triangle", make_triangular_ring(spec.outer_side, spec.hole_side, spec.half_thickness),
      spec.density, m);
  object.initial_pose = pose;
  return add_body(world, std::move(object));
}

}  // namespace medvision::sim::testing
