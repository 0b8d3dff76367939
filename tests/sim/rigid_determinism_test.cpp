// The same model, state and inputs give the same state, bit for bit: run
// twice, and run on from a copied state (a snapshot), the state hashes agree.

#include <gtest/gtest.h>

#include <cmath>

#include "rigid_test_scenes.h"

namespace medvision::sim {
namespace {

using testing::about;
using testing::add_peg_board;
using testing::add_triangle_object;
using testing::material;
using testing::peg_positions;
using testing::PegBoardSpec;

struct Scene {
  RigidWorldModel world;
  int tool = 0;
};

Scene peg_transfer_scene() {
  const PegBoardSpec spec;
  Scene s;
  add_peg_board(s.world, spec, material(0.8, 0.6));
  const auto pegs = peg_positions();
  // Two objects dropping onto pegs of the left group, in the instrument's way.
  for (int k = 3; k <= 4; ++k) {
    add_triangle_object(
        s.world, spec, material(0.8, 0.6),
        Transform{pegs[static_cast<std::size_t>(k)] + Vec3(0.0005 * k, 0.012 + 0.002 * k, 0),
                  about(Vec3(1, 0, 1), 0.05 * k)});
  }
  RigidBodyModel shaft =
      make_kinematic_body("shaft", {{Capsule{0.0025, 0.05}, Transform{}}}, material(0.4, 0.3));
  shaft.initial_pose = Transform{Vec3(-0.17, 0.012, 0.0), about(Vec3::UnitZ(), 1.2)};
  s.tool = add_body(s.world, std::move(shaft));
  return s;
}

// The instrument sweeps across the left group of pegs.
Transform tool_at(Real t, Real wobble) {
  return Transform{Vec3(-0.17 + 0.1 * t, 0.012 + wobble * std::sin(7 * t), 0.01 * std::sin(3 * t)),
                   about(Vec3::UnitZ(), 1.2 + 0.2 * t)};
}

// Runs steps [from, to); returns whether the instrument touched anything.
bool run(const Scene& scene, RigidWorldState& state, int from, int to, Real wobble) {
  bool touched = false;
  for (int i = from; i < to; ++i) {
    set_kinematic_target(state, scene.tool, tool_at(0.01 * (i + 1), wobble));
    step(scene.world, state, 0.01);
    touched = touched || total_contact_force(state, scene.tool).norm() > 0;
  }
  return touched;
}

TEST(RigidDeterminism, SameInputsGiveTheSameStateHashAndASnapshotReplaysIdentically) {
  const Scene scene = peg_transfer_scene();
  RigidWorldState first = make_state(scene.world);
  RigidWorldState second = make_state(scene.world);
  const bool touched = run(scene, first, 0, 30, 0.005);
  run(scene, second, 0, 30, 0.005);
  EXPECT_EQ(state_hash(first), state_hash(second));

  RigidWorldState snapshot = first;
  run(scene, first, 30, 45, 0.005);
  run(scene, snapshot, 30, 45, 0.005);
  EXPECT_EQ(state_hash(first), state_hash(snapshot));

  RigidWorldState other = make_state(scene.world);
  run(scene, other, 0, 45, 0.0051);
  EXPECT_NE(state_hash(first), state_hash(other));
  EXPECT_TRUE(touched) << "the instrument should have pushed an object";
}

}  // namespace
}  // namespace medvision::sim
