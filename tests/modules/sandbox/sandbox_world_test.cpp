#include "modules/sandbox/sandbox_world.h"

#include <gtest/gtest.h>

#include <cmath>

namespace medvision {
namespace {

constexpr double kDt = 1e-3;

TEST(World, SandboxLayoutDependsOnlyOnTheSeed) {
  const auto a = make_initial_state(make_sandbox_model(7), 7);
  const auto b = make_initial_state(make_sandbox_model(7), 7);
  const auto c = make_initial_state(make_sandbox_model(8), 8);
  ASSERT_EQ(a.bodies.size(), 6u);
  for (std::size_t i = 0; i < a.bodies.size(); ++i) {
    EXPECT_EQ(a.bodies[i].pose.position, b.bodies[i].pose.position);
  }
  EXPECT_NE(a.bodies[0].pose.position, c.bodies[0].pose.position);
}

TEST(World, BodiesStartRestingOnTheTableTop) {
  const auto model = make_sandbox_model(3);
  const auto state = make_initial_state(model, 3);
  for (std::size_t i = 0; i < state.bodies.size(); ++i) {
    const auto& b = state.bodies[i];
    EXPECT_NEAR(b.pose.position.y() - support_offset(model.bodies[i], b.pose.orientation), 0.9,
                1e-12);
    EXPECT_TRUE(b.resting);
  }
}

TEST(World, ABodyAtRestDoesNotDriftOverTenSeconds) {
  const auto model = make_sandbox_model(3);
  auto state = make_initial_state(model, 3);
  const auto start = state;
  for (int i = 0; i < 10000; ++i) step_world(model, state, {}, kDt);
  for (std::size_t i = 0; i < state.bodies.size(); ++i) {
    EXPECT_EQ(state.bodies[i].pose.position, start.bodies[i].pose.position);
    EXPECT_TRUE(state.bodies[i].pose.orientation.isApprox(start.bodies[i].pose.orientation, 0));
  }
}

TEST(World, ADroppedBodyLandsAfterTheFreeFallTime) {
  // A body released from rest h above its support lands after t = sqrt(2 h / g).
  auto model = make_sandbox_model(3);
  auto state = make_initial_state(model, 3);
  auto& body = state.bodies[0];
  const double h = 0.5;
  const double rest_y = body.pose.position.y();
  body.pose.position.y() += h;
  body.resting = false;
  int steps = 0;
  while (state.bodies[0].pose.position.y() > rest_y + 1e-9 && steps < 10000) {
    step_world(model, state, {}, kDt);
    ++steps;
  }
  const double expected = std::sqrt(2 * h / 9.81);
  // Semi-implicit Euler lands within a step or two of the analytic time.
  EXPECT_NEAR(steps * kDt, expected, 2 * kDt);
  EXPECT_NEAR(state.bodies[0].pose.position.y(), rest_y, 1e-9);
}

TEST(World, ABodyPushedOffTheTableFallsToTheFloor) {
  auto model = make_sandbox_model(3);
  auto state = make_initial_state(model, 3);
  auto& body = state.bodies[0];
  body.pose.position.x() = 1.0;  // beyond the table's edge at x = 0.6
  body.resting = false;
  for (int i = 0; i < 2000; ++i) step_world(model, state, {}, kDt);
  EXPECT_NEAR(state.bodies[0].pose.position.y(),
              support_offset(model.bodies[0], state.bodies[0].pose.orientation), 1e-9);
  EXPECT_TRUE(state.bodies[0].resting);
}

TEST(World, GrabReachFindsTheNearestFreeBody) {
  const auto model = make_sandbox_model(3);
  auto state = make_initial_state(model, 3);
  const Eigen::Vector3d on_top = state.bodies[2].pose.position + Eigen::Vector3d(0, 0.06, 0);
  EXPECT_EQ(find_grabbable(model, state, on_top), 2);
  EXPECT_EQ(find_grabbable(model, state, Eigen::Vector3d(0, 1.6, 0.5)), kNobody);
  state.bodies[2].held_by = 1;
  EXPECT_NE(find_grabbable(model, state, on_top), 2);
}

}  // namespace
}  // namespace medvision
