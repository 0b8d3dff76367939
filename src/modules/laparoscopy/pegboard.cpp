#include "modules/laparoscopy/pegboard.h"

#include <cmath>
#include <numbers>

#include "sim/shapes.h"

namespace medvision::laparoscopy {

using namespace sim;  // the engine this task is built on

std::vector<Vec3> peg_positions(const PegBoardSpec& spec) {
  std::vector<Vec3> p;
  for (int side = -1; side <= 1; side += 2) {
    for (int k = 0; k < kPegsPerSide; ++k) {
      const Real a = k * std::numbers::pi / 3;
      p.push_back(spec.board.apply(Vec3(side * 0.08 + 0.04 * std::cos(a), 0, 0.04 * std::sin(a))));
    }
  }
  return p;
}

int add_peg_board(RigidWorldModel& world, const PegBoardSpec& spec, const RigidMaterial& material) {
  std::vector<ShapeInstance> shapes;
  shapes.push_back(
      {make_box(spec.board_half), Transform{Vec3(0, -spec.board_half.y(), 0), Quat::Identity()}});
  // A capsule standing on the board, its top at peg_height, its lower cap inside the board.
  const Real half = Real(0.5) * (spec.peg_height - spec.peg_radius);
  const Transform to_board = inverse(spec.board);
  for (const Vec3& p : peg_positions(spec)) {
    shapes.push_back(
        {Capsule{spec.peg_radius, half},
         Transform{to_board.apply(p) + Vec3(0, spec.peg_height - spec.peg_radius - half, 0),
                   Quat::Identity()}});
  }
  RigidBodyModel board = make_fixed_body("pegboard", std::move(shapes), material);
  board.initial_pose = spec.board;
  return add_body(world, std::move(board));
}

int add_triangle_object(RigidWorldModel& world, const PegBoardSpec& spec,
                        const RigidMaterial& material, const Transform& pose) {
  RigidBodyModel object = make_dynamic_body(
      "triangle", make_triangular_ring(spec.outer_side, spec.hole_side, spec.half_thickness),
      spec.density, material);
  object.initial_pose = pose;
  return add_body(world, std::move(object));
}

Transform resting_on_peg(const PegBoardSpec& spec, const Vec3& peg) {
  return Transform{peg + spec.board.rotation * Vec3(0, spec.half_thickness, 0),
                   spec.board.rotation};
}

bool threaded_on_peg(const PegBoardSpec& spec, const Transform& object, const Vec3& peg) {
  // The peg's axis in the object's frame, at the object's height along it.
  const Vec3 up = spec.board.rotation * Vec3::UnitY();
  const Real along = up.dot(object.translation - peg);
  if (along < 0 || along > spec.peg_height) return false;
  const Vec3 p = object.rotation.conjugate() * (peg + along * up - object.translation);
  const Real reach = equilateral_inradius(spec.hole_side) - spec.peg_radius + 1e-4;
  for (int k = 0; k < 3; ++k) {
    const Real a = std::numbers::pi / 2 + k * 2 * std::numbers::pi / 3 + std::numbers::pi / 3;
    if (std::cos(a) * p.x() + std::sin(a) * p.z() > reach) return false;
  }
  return true;
}

}  // namespace medvision::laparoscopy
