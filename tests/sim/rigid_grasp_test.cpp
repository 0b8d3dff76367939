// Instruments are kinematic bodies: a grasper's jaw carries an attached
// object along its path, a compliant attachment sags by m g alpha, and an
// instrument pushing a block across the floor feels the block's friction.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "rigid_test_scenes.h"

namespace medvision::sim {
namespace {

using testing::about;
using testing::add_box;
using testing::add_floor;
using testing::add_triangle_object;
using testing::material;
using testing::PegBoardSpec;

constexpr Real kPi = std::numbers::pi;

// The jaw's pose along a path: a horizontal circle of 5 cm radius in 2 s,
// turning about the vertical and rolling as it goes.
Transform jaw_path(Real t) {
  const Real a = kPi * t;
  return Transform{Vec3(0.05 * std::cos(a), 0.1 + 0.02 * std::sin(2 * a), 0.05 * std::sin(a)),
                   about(Vec3::UnitY(), a) * about(Vec3::UnitX(), 0.3 * std::sin(a))};
}

TEST(RigidGrasp, AttachedObjectFollowsTheJawAlongItsPath) {
  RigidWorldModel world;
  const PegBoardSpec spec;
  RigidBodyModel jaw = make_kinematic_body(
      "jaw", {{make_box(Vec3(0.002, 0.004, 0.01)), Transform{}}}, material(0.5, 0.4));
  jaw.initial_pose = jaw_path(0);
  const int j = add_body(world, std::move(jaw));
  // The object hangs with its rim in the jaw: grasp point 8 mm from its centre.
  const Transform object_pose{jaw_path(0).translation - Vec3(0.008, 0, 0), Quat::Identity()};
  const int obj = add_triangle_object(world, spec, material(0.8, 0.6), object_pose);
  RigidWorldState state = make_state(world);
  attach(world, state, j, obj, jaw_path(0).translation);
  const Transform relative = compose(inverse(state.bodies[0].pose), state.bodies[1].pose);

  Real worst_offset = 0;
  Real worst_angle = 0;
  for (int i = 1; i <= 200; ++i) {  // 2 s
    set_kinematic_target(state, j, jaw_path(0.01 * i));
    step(world, state, 0.01);
    const Transform now = compose(inverse(state.bodies[0].pose), state.bodies[1].pose);
    worst_offset = std::max(worst_offset, (now.translation - relative.translation).norm());
    worst_angle = std::max(
        worst_angle, Eigen::AngleAxis<Real>(now.rotation * relative.rotation.conjugate()).angle());
  }
  EXPECT_LT(worst_offset, 1e-4) << "the object slipped by " << worst_offset << " m in the jaw";
  EXPECT_LT(worst_angle, 1e-3) << "the object turned by " << worst_angle << " rad in the jaw";
  EXPECT_NEAR((state.bodies[0].pose.translation - jaw_path(2.0).translation).norm(), 0, 1e-12);
}

TEST(RigidGrasp, HeldObjectWeighsOnTheJawAndACompliantGraspSagsByMGAlpha) {
  for (const Real alpha : {0.0, 0.02}) {  // m/N
    RigidWorldModel world;
    RigidBodyModel jaw = make_kinematic_body(
        "jaw", {{make_box(Vec3(0.002, 0.004, 0.01)), Transform{}}}, material(0.5, 0.4));
    jaw.initial_pose.translation = Vec3(0, 0.1, 0);
    const int j = add_body(world, std::move(jaw));
    const int obj = add_box(world, Vec3(0.01, 0.01, 0.01), 0.01, material(0.5, 0.4),
                            Transform{Vec3(0, 0.1, 0), Quat::Identity()});
    RigidWorldState state = make_state(world);
    const int id = attach(world, state, j, obj, Vec3(0, 0.1, 0), alpha, 0);
    for (int i = 0; i < 300; ++i) step(world, state, 0.01);
    const Real weight = 0.01 * 9.81;
    const RigidAttachment* grasp = find_attachment(state, id);
    ASSERT_NE(grasp, nullptr);
    EXPECT_NEAR(grasp->force.y(), weight, 1e-3 * weight);
    EXPECT_NEAR(std::hypot(grasp->force.x(), grasp->force.z()), 0, 1e-9);
    const Real sag = 0.1 - state.bodies[static_cast<std::size_t>(obj)].pose.translation.y();
    EXPECT_NEAR(sag, weight * alpha, 0.01 * weight * alpha + 1e-7) << "alpha " << alpha;
    EXPECT_TRUE(detach(state, id));
    EXPECT_FALSE(detach(state, id));
    for (int i = 0; i < 10; ++i) step(world, state, 0.01);
    EXPECT_LT(state.bodies[static_cast<std::size_t>(obj)].linear_velocity.y(), -0.5);  // dropped
  }
}

TEST(RigidGrasp, InstrumentPushingABlockFeelsItsSlidingFriction) {
  const Real mu = 0.3;
  const Real mass = 0.5;
  RigidWorldModel world;
  add_floor(world, material(0.4, mu));
  const int block = add_box(world, Vec3(0.02, 0.02, 0.02), mass, material(0.4, mu),
                            Transform{Vec3(0, 0.02, 0), Quat::Identity()});
  // An instrument shaft standing upright, 1 cm left of the block, moving right at 0.1 m/s.
  // A smooth shaft: it pushes along the contact normal only.
  RigidBodyModel shaft =
      make_kinematic_body("shaft", {{Capsule{0.0025, 0.015}, Transform{}}}, material(0, 0));
  const Vec3 start(-0.02 - 0.0025 - 0.01, 0.02, 0);
  shaft.initial_pose.translation = start;
  const int tool = add_body(world, std::move(shaft));
  RigidWorldState state = make_state(world);
  const Real speed = 0.1;
  Vec3 felt = Vec3::Zero();
  int pushing_steps = 0;
  for (int i = 1; i <= 100; ++i) {  // 1 s
    set_kinematic_target(state, tool,
                         Transform{start + Vec3(speed * 0.01 * i, 0, 0), Quat::Identity()});
    step(world, state, 0.01);
    if (state.time > 0.3) {  // contact at 0.1 s; the block is up to speed soon after
      felt += contact_force(state, tool, block);
      ++pushing_steps;
    }
  }
  felt /= pushing_steps;
  const RigidBodyState& b = state.bodies[static_cast<std::size_t>(block)];
  EXPECT_NEAR(b.linear_velocity.x(), speed, 0.05 * speed);
  EXPECT_NEAR(felt.x(), -mu * mass * 9.81, 0.05 * mu * mass * 9.81) << felt.transpose();
  EXPECT_LT(std::abs(felt.z()), 0.01);
  EXPECT_NEAR(b.pose.translation.x(), start.x() + speed * 1.0 + 0.0025 + 0.02, 1e-3);
}

TEST(RigidGrasp, RayPicksTheNearestBody) {
  RigidWorldModel world;
  add_floor(world, material(0.5, 0.4));
  const int box = add_box(world, Vec3(0.05, 0.05, 0.05), 1, material(0.5, 0.4),
                          Transform{Vec3(0, 0.05, 0), Quat::Identity()});
  const RigidWorldState state = make_state(world);
  const auto hit = ray_cast(world, state, Vec3(0, 1, 0), Vec3(0, -1, 0), 10);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, box);
  EXPECT_NEAR(hit->t, 0.9, 1e-12);
  const auto miss_box = ray_cast(world, state, Vec3(0.5, 1, 0), Vec3(0, -1, 0), 10);
  ASSERT_TRUE(miss_box);
  EXPECT_EQ(miss_box->body, 0);  // the floor
  EXPECT_NEAR(miss_box->t, 1, 1e-12);
}

}  // namespace
}  // namespace medvision::sim
