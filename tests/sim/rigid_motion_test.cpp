// Free rigid-body motion against closed forms: a thrown box follows the
// parabola (with the known error of symplectic Euler), and a box spinning
// freely keeps its angular momentum and kinetic energy while it tumbles.

#include <gtest/gtest.h>

#include <cmath>

#include "rigid_test_scenes.h"

namespace medvision::sim {
namespace {

using testing::about;
using testing::add_box;
using testing::material;

TEST(RigidMotion, FreeFallFollowsTheParabolaWithSymplecticEulersKnownError) {
  RigidWorldModel world;
  const Vec3 x0(0.1, 2.0, -0.3);
  const Vec3 v0(1.0, 2.0, 0.5);
  const int box = add_box(world, Vec3(0.05, 0.05, 0.05), 0.2, material(0.5, 0.4),
                          Transform{x0, Quat::Identity()});
  world.bodies[0].initial_linear_velocity = v0;
  world.bodies[0].initial_angular_velocity = Vec3(0, 3, 0);  // about a principal axis
  RigidWorldState state = make_state(world);
  const Real dt = 0.01;
  const int steps = 100;
  for (int i = 0; i < steps; ++i) step(world, state, dt);

  // v += h g; x += h v: after n substeps x = x0 + v0 t + g h^2 n (n + 1) / 2,
  // which is the parabola plus g h t / 2.
  const Real h = dt / world.settings.substeps;
  const Real n = steps * world.settings.substeps;
  const Real t = n * h;
  const Vec3 g = world.settings.gravity;
  const Vec3 discrete = x0 + v0 * t + g * h * h * n * (n + 1) / 2;
  const Vec3 parabola = x0 + v0 * t + 0.5 * g * t * t;
  const RigidBodyState& s = state.bodies[static_cast<std::size_t>(box)];
  // To round-off: 1000 sums of millimetre steps.
  EXPECT_NEAR((s.pose.translation - discrete).norm(), 0, 1e-10);
  EXPECT_NEAR((s.pose.translation - parabola).norm(), 0.5 * g.norm() * h * t, 1e-10);
  EXPECT_NEAR((s.linear_velocity - (v0 + g * t)).norm(), 0, 1e-10);
  EXPECT_NEAR(state.time, 1.0, 1e-12);
  // Spin about y: 3 rad/s for 1 s (the Cayley map turns by 2 atan(h w / 2) per substep).
  const Eigen::AngleAxis<Real> turned(s.pose.rotation);
  EXPECT_NEAR(turned.angle(), 3.0, 1e-5);
  EXPECT_NEAR(std::abs(turned.axis().y()), 1, 1e-12);
  EXPECT_NEAR((s.angular_velocity - Vec3(0, 3, 0)).norm(), 0, 1e-10);
}

TEST(RigidMotion, TorqueFreeTumblingKeepsAngularMomentumAndEnergy) {
  // A 10 x 20 x 30 cm box spun mostly about its intermediate axis (y) is
  // unstable: it flips over and back (the tennis-racket effect), which
  // exercises the gyroscopic term fully.
  RigidWorldModel world;
  world.settings.gravity = Vec3::Zero();
  const int box = add_box(world, Vec3(0.05, 0.1, 0.15), 1.0, material(0.5, 0.4), Transform{});
  world.bodies[0].initial_angular_velocity = Vec3(0.05, 8.0, 0.05);
  RigidWorldState state = make_state(world);
  const RigidBodyModel& model = world.bodies[static_cast<std::size_t>(box)];
  const RigidBodyState& s = state.bodies[static_cast<std::size_t>(box)];
  const Vec3 l0 = angular_momentum(model, s);
  const Real e0 = kinetic_energy(model, s);
  Real worst_l = 0;
  Real worst_e = 0;
  bool flipped = false;
  for (int i = 0; i < 500; ++i) {  // 5 s
    step(world, state, 0.01);
    worst_l = std::max(worst_l, (angular_momentum(model, s) - l0).norm() / l0.norm());
    worst_e = std::max(worst_e, std::abs(kinetic_energy(model, s) - e0) / e0);
    const Vec3 body_spin = s.pose.rotation.conjugate() * s.angular_velocity;
    flipped = flipped || body_spin.y() < 0;
  }
  EXPECT_TRUE(flipped) << "the intermediate-axis spin should have turned over";
  EXPECT_LT(worst_l, 1e-10) << "relative angular momentum drift " << worst_l;
  EXPECT_LT(worst_e, 1e-10) << "relative energy drift " << worst_e;
}

}  // namespace
}  // namespace medvision::sim
