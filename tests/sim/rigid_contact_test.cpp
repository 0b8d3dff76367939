// Contacts and friction against closed forms: a box at rest stays put, a
// sliding box stops where Coulomb friction says, a box on an incline holds
// or slides by the static coefficient and accelerates by the dynamic one,
// and a stack of boxes stands.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "rigid_test_scenes.h"

namespace medvision::sim {
namespace {

using testing::about;
using testing::add_box;
using testing::add_floor;
using testing::material;

constexpr Real kPi = std::numbers::pi;

Real tilt(const Quat& q) { return Eigen::AngleAxis<Real>(q).angle(); }

TEST(RigidContact, BoxRestingOnTheFloorNeitherDriftsNorJittersForTenSeconds) {
  RigidWorldModel world;
  add_floor(world, material(0.5, 0.4));
  const Real mass = 1.0;
  const Vec3 start(0.2, 0.05, -0.1);
  const int box = add_box(world, Vec3(0.05, 0.05, 0.05), mass, material(0.5, 0.4),
                          Transform{start, Quat::Identity()});
  RigidWorldState state = make_state(world);
  const RigidBodyState& s = state.bodies[static_cast<std::size_t>(box)];
  Real worst_offset = 0;
  Real worst_speed = 0;
  Real worst_tilt = 0;
  Vec3 mean_force = Vec3::Zero();
  for (int i = 0; i < 1000; ++i) {  // 10 s at 100 Hz, 1 kHz substeps
    step(world, state, 0.01);
    worst_offset = std::max(worst_offset, (s.pose.translation - start).norm());
    worst_speed = std::max(worst_speed, s.linear_velocity.norm());
    worst_tilt = std::max(worst_tilt, tilt(s.pose.rotation));
    mean_force += total_contact_force(state, box) / 1000;
  }
  EXPECT_LT(worst_offset, 1e-6) << "moved by " << worst_offset << " m";
  EXPECT_LT(worst_speed, 1e-5) << "jitters at " << worst_speed << " m/s";
  EXPECT_LT(worst_tilt, 1e-6) << "rocks by " << worst_tilt << " rad";
  EXPECT_NEAR(mean_force.y(), mass * 9.81, 1e-6 * mass * 9.81);
  EXPECT_NEAR(std::hypot(mean_force.x(), mean_force.z()), 0, 1e-6);
}

TEST(RigidContact, SlidingBoxStopsAtTheCoulombDistance) {
  const Real mu = 0.3;
  const Real v0 = 2.0;
  const Real g = 9.81;
  RigidWorldModel world;
  add_floor(world, material(0.4, mu));
  const int box = add_box(world, Vec3(0.05, 0.05, 0.05), 1.0, material(0.4, mu),
                          Transform{Vec3(0, 0.05, 0), Quat::Identity()});
  world.bodies[static_cast<std::size_t>(box)].initial_linear_velocity = Vec3(v0, 0, 0);
  RigidWorldState state = make_state(world);
  const RigidBodyState& s = state.bodies[static_cast<std::size_t>(box)];
  Real stop_time = -1;
  Real speed_at_quarter = 0;
  for (int i = 0; i < 150 && stop_time < 0; ++i) {
    step(world, state, 0.01);
    if (i == 24) speed_at_quarter = s.linear_velocity.x();
    if (s.linear_velocity.norm() < 1e-3) stop_time = state.time;
  }
  for (int i = 0; i < 50; ++i) step(world, state, 0.01);  // and it stays stopped
  const Real distance = s.pose.translation.x();
  const Real want = v0 * v0 / (2 * mu * g);  // 0.680 m
  EXPECT_NEAR(distance, want, 0.02 * want) << "stopped after " << distance << " m";
  EXPECT_NEAR(stop_time, v0 / (mu * g), 0.02 * v0 / (mu * g));
  EXPECT_NEAR(speed_at_quarter, v0 - mu * g * 0.25, 0.02 * v0);
  EXPECT_LT(s.linear_velocity.norm(), 1e-3);
  EXPECT_LT(tilt(s.pose.rotation), 1e-3);
}

struct InclineRun {
  Real travelled = 0;  // along the slope, m
  Real speed = 0;
};

InclineRun box_on_incline(Real angle, Real mu_s, Real mu_d, Real seconds) {
  RigidWorldModel world;
  const Quat slope = about(Vec3::UnitZ(), angle);
  add_floor(world, material(mu_s, mu_d), Transform{Vec3::Zero(), slope});
  const Vec3 normal = slope * Vec3::UnitY();
  const int box = add_box(world, Vec3(0.05, 0.05, 0.05), 1.0, material(mu_s, mu_d),
                          Transform{0.05 * normal, slope});
  RigidWorldState state = make_state(world);
  const int steps = static_cast<int>(std::lround(seconds / 0.01));
  for (int i = 0; i < steps; ++i) step(world, state, 0.01);
  const RigidBodyState& s = state.bodies[static_cast<std::size_t>(box)];
  const Vec3 downhill = slope * -Vec3::UnitX();
  return {s.pose.translation.dot(downhill), s.linear_velocity.norm()};
}

TEST(RigidContact, BoxOnAnInclineHoldsWhenTanThetaIsBelowMuS) {
  const InclineRun run = box_on_incline(25 * kPi / 180, 0.5, 0.4, 2.0);  // tan = 0.47
  EXPECT_LT(std::abs(run.travelled), 1e-5) << "crept " << run.travelled << " m";
  EXPECT_LT(run.speed, 0.02);
}

TEST(RigidContact, BoxOnAnInclineSlidesWhenTanThetaExceedsMuSAtGSinMinusMuDCos) {
  const Real angle = 30 * kPi / 180;  // tan = 0.58
  const InclineRun run = box_on_incline(angle, 0.5, 0.4, 1.0);
  const Real a = 9.81 * (std::sin(angle) - 0.4 * std::cos(angle));  // 1.51 m/s^2
  EXPECT_NEAR(run.travelled, 0.5 * a, 0.02 * 0.5 * a);
  EXPECT_NEAR(run.speed, a, 0.02 * a);
}

TEST(RigidContact, StaggeredStackOfThreeBoxesStandsAndEachCarriesTheOnesAbove) {
  RigidWorldModel world;
  add_floor(world, material(0.6, 0.5));
  std::vector<Vec3> start;
  for (int k = 0; k < 3; ++k) {
    start.emplace_back(0.01 * (k % 2), 0.05 + 0.1 * k, 0.005 * k);  // staggered by up to 1 cm
    add_box(world, Vec3(0.05, 0.05, 0.05), 0.5, material(0.6, 0.5),
            Transform{start.back(), Quat::Identity()});
  }
  RigidWorldState state = make_state(world);
  for (int i = 0; i < 150; ++i) step(world, state, 0.01);  // 1.5 s
  for (int k = 0; k < 3; ++k) {
    const RigidBodyState& s = state.bodies[static_cast<std::size_t>(k + 1)];
    EXPECT_LT((s.pose.translation - start[static_cast<std::size_t>(k)]).norm(), 1e-5)
        << "box " << k << " moved to " << s.pose.translation.transpose();
    EXPECT_LT(tilt(s.pose.rotation), 1e-6);
    EXPECT_LT(s.linear_velocity.norm(), 1e-4);
    // Each box carries the ones above it.
    const Real above = (3 - k) * 0.5 * 9.81;
    EXPECT_NEAR(contact_force(state, k + 1, k).y(), above, 1e-3 * above) << "under box " << k;
  }
}

TEST(RigidContact, BouncingBallReturnsToRestitutionSquaredOfItsHeight) {
  RigidWorldModel world;
  add_floor(world, material(0.5, 0.4, 0.8));
  RigidBodyModel ball = make_dynamic_body_of_mass("ball", {{Capsule{0.02, 0}, Transform{}}}, 0.05,
                                                  material(0.5, 0.4, 0.8));
  ball.initial_pose.translation = Vec3(0, 0.52, 0);  // falls 0.5 m to touch
  const int b = add_body(world, std::move(ball));
  RigidWorldState state = make_state(world);
  Real peak = 0;
  bool bounced = false;
  for (int i = 0; i < 150; ++i) {
    step(world, state, 0.01);
    const RigidBodyState& s = state.bodies[static_cast<std::size_t>(b)];
    if (s.linear_velocity.y() > 0) bounced = true;
    if (bounced) peak = std::max(peak, s.pose.translation.y() - 0.02);
  }
  EXPECT_TRUE(bounced);
  EXPECT_NEAR(peak, 0.8 * 0.8 * 0.5, 0.03 * 0.32);
}

}  // namespace
}  // namespace medvision::sim
