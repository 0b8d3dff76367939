#pragma once
// The FLS peg-transfer board and its objects (Fundamentals of Laparoscopic
// Surgery, manual skills task 1): a board with two groups of six pegs and
// six rubber triangles with a triangular hole, dimensions as the FLS box
// trainer's (pegs about 2.5 cm tall; objects threaded on them).

#include <vector>

#include "sim/rigid_world.h"

namespace medvision::laparoscopy {

using sim::Quat;
using sim::Real;
using sim::RigidMaterial;
using sim::RigidWorldModel;
using sim::Transform;
using sim::Vec3;

struct PegBoardSpec {
  Transform board = Transform{};  // the board's top centre: pegs stand along +y from it
  Real peg_radius = 0.0025;       // m
  Real peg_height = 0.025;        // m above the board
  Real hole_side = 0.016;         // the object's triangular hole (inradius 4.6 mm)
  Real outer_side = 0.028;        // the object's outer triangle
  Real half_thickness = 0.005;    // half the object's height
  Real density = 1100;            // rubber, kg/m^3
  Vec3 board_half = Vec3(0.15, 0.01, 0.08);
};

// Peg centres on the board's top, in world: two hexagons, left (-x) then right.
std::vector<Vec3> peg_positions(const PegBoardSpec& spec = {});
inline constexpr int kPegsPerSide = 6;

// The board with its pegs: one fixed body.
int add_peg_board(RigidWorldModel& world, const PegBoardSpec& spec, const RigidMaterial& material);

// A triangle object (three convex pieces), its frame at its centroid with
// the hole along its local y.
int add_triangle_object(RigidWorldModel& world, const PegBoardSpec& spec,
                        const RigidMaterial& material, const Transform& pose);

// The pose of an object resting flat on the board around `peg`.
Transform resting_on_peg(const PegBoardSpec& spec, const Vec3& peg);

// Does the peg's axis pass through the object's hole, shrunk by the peg's
// radius (the hole's inner faces are the three lines at its inradius from
// the object's axis), with the object low enough to be on the peg?
bool threaded_on_peg(const PegBoardSpec& spec, const Transform& object, const Vec3& peg);

}  // namespace medvision::laparoscopy
