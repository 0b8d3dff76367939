// The FLS peg-transfer object (a triangular prism with a triangular hole,
// three convex pieces) dropped over a peg threads onto it and settles flat
// on the board around the peg.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "rigid_test_scenes.h"

namespace medvision::sim {
namespace {

using namespace laparoscopy;  // the task scenes the engine is tested on

using testing::about;
using testing::add_peg_board;
using testing::add_triangle_object;
using testing::material;
using testing::peg_positions;
using testing::PegBoardSpec;

struct Settled {
  Real height = 0;  // of the object's centre above the board, m
  Real tilt = 0;    // of its axis from the vertical, rad
  Real speed = 0;
  bool threaded = false;     // the peg passes through the hole
  bool touched_peg = false;  // on the way down
};

bool peg_through_hole(const PegBoardSpec& spec, const Transform& object, const Vec3& peg) {
  return threaded_on_peg(spec, object, peg);
}

Settled drop_over_peg(const Vec3& offset, const Quat& tilt) {
  const PegBoardSpec spec;
  RigidWorldModel world;
  add_peg_board(world, spec, material(0.8, 0.6));
  const Vec3 peg = peg_positions()[0];
  const int obj = add_triangle_object(
      world, spec, material(0.8, 0.6),
      Transform{peg + Vec3(0, spec.peg_height + spec.half_thickness + 0.01, 0) + offset, tilt});
  RigidWorldState state = make_state(world);
  Settled out;
  for (int i = 0; i < 80; ++i) {  // 0.8 s
    step(world, state, 0.01);
    for (const auto& r : state.contact_reports) {
      // Touching the pegboard body above the board's top: a peg.
      if (r.points > 0 && r.point.y() > 0.002) out.touched_peg = true;
    }
  }
  const RigidBodyState& s = state.bodies[static_cast<std::size_t>(obj)];
  out.height = s.pose.translation.y();
  out.tilt = std::acos(std::min(Real(1), (s.pose.rotation * Vec3::UnitY()).y()));
  out.speed = s.linear_velocity.norm();
  out.threaded = peg_through_hole(spec, s.pose, peg);
  return out;
}

TEST(RigidPegTransfer, ObjectDroppedCentredOverAPegSettlesFlatOnTheBoardAroundIt) {
  const PegBoardSpec spec;
  const Settled s = drop_over_peg(Vec3(0.001, 0, -0.0005), Quat::Identity());
  EXPECT_NEAR(s.height, spec.half_thickness, 1e-5);
  EXPECT_LT(s.tilt, 1e-3);
  EXPECT_LT(s.speed, 1e-3);
  EXPECT_TRUE(s.threaded);
  EXPECT_FALSE(s.touched_peg);
}

TEST(RigidPegTransfer, ObjectDroppedOffCentreAndTiltedSlidesDownThePegOntoTheBoard) {
  // 3 mm off the axis and tilted 6 degrees: the hole's edge lands on the
  // peg and the object slides along it down to the board.
  const PegBoardSpec spec;
  const Settled s = drop_over_peg(Vec3(0.003, 0, 0), about(Vec3(0, 0, 1), 0.1));
  EXPECT_TRUE(s.touched_peg);
  EXPECT_NEAR(s.height, spec.half_thickness, 1e-5);
  EXPECT_LT(s.tilt, 1e-3);
  EXPECT_LT(s.speed, 1e-3);
  EXPECT_TRUE(s.threaded);
}

TEST(RigidPegTransfer, ObjectDroppedTooFarOffCentreRestsOnThePeg) {
  // 4 mm off: the rim catches on the peg's top and the object stays tilted
  // on it, as a trainee who misses the peg sees.
  const PegBoardSpec spec;
  const Settled s = drop_over_peg(Vec3(0.004, 0, 0), Quat::Identity());
  EXPECT_TRUE(s.touched_peg);
  EXPECT_GT(s.height, spec.half_thickness + 0.002);
  EXPECT_GT(s.tilt, 0.1);
}

}  // namespace
}  // namespace medvision::sim
