// Contacts with the table and with instruments: tissue never sinks into a
// collider, comes to rest on it, reports the force it exerts, and obeys
// Coulomb friction.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "sim/xpbd_colliders.h"
#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

using tissue_test::kLiver;

TEST(Colliders, MeasureSignedDistanceAndOutwardNormal) {
  const SurfaceContact plane = surface_contact(
      PlaneCollider{Vec3(0, 0, 1), Vec3::UnitZ(), Vec3(0, 0, 2), 0.5}, 0.5, Vec3(3, 4, 1.5));
  EXPECT_NEAR(plane.distance, -0.5, 1e-15) << "the plane has moved up by 1 m";
  EXPECT_EQ(plane.normal, Vec3::UnitZ());

  const SurfaceContact sphere =
      surface_contact(SphereCollider{Vec3::Zero(), 0.5, Vec3::Zero(), 0.5}, 0, Vec3(0, 0.3, 0));
  EXPECT_NEAR(sphere.distance, -0.2, 1e-15);
  EXPECT_EQ(sphere.normal, Vec3::UnitY());

  CapsuleCollider shaft;
  shaft.a = Vec3::Zero();
  shaft.b = Vec3(1, 0, 0);
  shaft.radius = 0.1;
  shaft.velocity_b = Vec3(0, 0, 1);  // pivoting about a
  const SurfaceContact side = surface_contact(shaft, 0, Vec3(0.5, 0, 0.05));
  EXPECT_NEAR(side.distance, -0.05, 1e-15);
  EXPECT_EQ(side.normal, Vec3::UnitZ());
  EXPECT_NEAR(side.surface_velocity.z(), 0.5, 1e-15)
      << "the shaft's midpoint moves at half the tip's speed";
  const SurfaceContact cap = surface_contact(shaft, 0, Vec3(1.2, 0, 0));
  EXPECT_NEAR(cap.distance, 0.1, 1e-15);
  EXPECT_EQ(cap.normal, Vec3::UnitX());
}

TEST(XpbdContact, ABlockDroppedOnATableComesToRestOnIt) {
  const TissueModel model = make_tet_block(3, 3, 2, Vec3(0.03, 0.03, 0.02), kLiver, 1000);
  TissueState state = initial_state(model);
  for (Vec3& x : state.position) x.z() += 0.02;  // 2 cm above the table
  StepInputs inputs;
  inputs.planes.push_back(PlaneCollider{});
  SolverSettings settings;
  settings.damping_per_s = 5;
  XpbdSolver solver(settings);
  Real lowest = 1;
  StepOutputs out;
  for (int i = 0; i < 150; ++i) {
    out = solver.step(model, state, 0.01, inputs);
    for (const Vec3& x : state.position) lowest = std::min(lowest, x.z());
  }
  Real fastest = 0;
  for (const Vec3& v : state.velocity) fastest = std::max(fastest, v.norm());
  const Real weight = total_mass(model) * 9.81;
  std::printf(
      "dropped block: deepest point %.2e m, fastest particle %.2e m/s, table force %.5f N (weight "
      "%.5f N)\n",
      lowest, fastest, out.planes[0].force_N.z(), weight);
  EXPECT_GT(lowest, -1e-12) << "never below the table at the end of a step";
  EXPECT_LT(fastest, 1e-4);
  EXPECT_NEAR(out.planes[0].force_N.z(), -weight, 1e-3 * weight)
      << "the table carries the weight, pushed down";
  EXPECT_NEAR(out.planes[0].force_N.head<2>().norm(), 0, 1e-6 * weight);
  EXPECT_EQ(out.planes[0].contacts, 16);
}

// A 10 mm instrument shaft lying across a 4 cm block (bottom fixed) is
// pressed down by `depth` and held; returns the settled reaction.
ColliderReaction press(Real depth) {
  TissueModel model = make_tet_block(4, 4, 2, Vec3(0.04, 0.04, 0.02), kLiver, 1000);
  pin_particles(model, [](const Vec3& p) { return p.z() == 0; });
  CapsuleCollider shaft;
  shaft.radius = 0.005;
  shaft.a = Vec3(0.02, -0.01, 0.02 + shaft.radius);
  shaft.b = Vec3(0.02, 0.05, 0.02 + shaft.radius);
  StepInputs inputs;
  inputs.capsules.push_back(shaft);
  SolverSettings settings;
  settings.gravity = Vec3::Zero();
  settings.damping_per_s = 30;
  XpbdSolver solver(settings);
  TissueState state = initial_state(model);
  const Real dt = 0.01, press_time = 0.2;
  auto& moving = inputs.capsules[0];
  moving.velocity_a = moving.velocity_b = Vec3(0, 0, -depth / press_time);
  for (int i = 0; i < 20; ++i) {
    solver.step(model, state, dt, inputs);
    moving.a += moving.velocity_a * dt;
    moving.b += moving.velocity_b * dt;
  }
  moving.velocity_a = moving.velocity_b = Vec3::Zero();
  return tissue_test::run_for(solver, model, state, 0.5, dt, inputs).capsules[0];
}

TEST(XpbdContact, AnInstrumentPressedIntoTissueFeelsAForceGrowingWithDepth) {
  Real previous = 0;
  for (Real depth_mm : {1.0, 2.0, 4.0}) {
    const ColliderReaction r = press(depth_mm * 1e-3);
    std::printf("capsule indentation %.0f mm: force (%.2e, %.2e, %.4f) N on %d particles\n",
                depth_mm, r.force_N.x(), r.force_N.y(), r.force_N.z(), r.contacts);
    EXPECT_GT(r.force_N.z(), previous) << "deeper is harder";
    // Nearly straight up: the five-tet mesh is not mirror-symmetric, so the
    // surface slides a little under the shaft and friction leans the force.
    EXPECT_LT(r.force_N.head<2>().norm(), 0.01 * r.force_N.z());
    EXPECT_GT(r.contacts, 0);
    previous = r.force_N.z();
  }
}

// A block settled on a table, then gravity tilted by 30 degrees (the same as
// inclining the table by 30 degrees): how far its bottom moves in the first
// and in the second quarter second after the tilt.
struct Slide {
  Real first_m = 0, second_m = 0;
};

Slide slide(Real friction) {
  TissueModel model = make_tet_block(2, 2, 1, Vec3(0.02, 0.02, 0.01), kLiver, 1000);
  StepInputs inputs;
  inputs.planes.push_back(PlaneCollider{Vec3::Zero(), Vec3::UnitZ(), Vec3::Zero(), friction});
  TissueState state = initial_state(model);
  SolverSettings level;
  level.damping_per_s = 50;
  XpbdSolver settle(level);
  tissue_test::run_for(settle, model, state, 0.5, 0.01, inputs);

  const Real angle = std::numbers::pi / 6;
  SolverSettings tilted;
  tilted.gravity = 9.81 * Vec3(std::sin(angle), 0, -std::cos(angle));
  XpbdSolver solver(tilted);
  const auto bottom = tissue_test::particles_where(model, [](const Vec3& p) { return p.z() == 0; });
  const Real x0 = tissue_test::mean_position(state, bottom).x();
  tissue_test::run_for(solver, model, state, 0.25, 0.01, inputs);
  const Real x1 = tissue_test::mean_position(state, bottom).x();
  tissue_test::run_for(solver, model, state, 0.25, 0.01, inputs);
  const Real x2 = tissue_test::mean_position(state, bottom).x();
  return {x1 - x0, x2 - x1};
}

TEST(XpbdContact, FrictionAboveTheSlopesTangentHoldsBelowItSlides) {
  const Real angle = std::numbers::pi / 6;  // tan = 0.577
  const Slide held = slide(0.7);
  const Slide sliding = slide(0.4);
  // Coulomb: a = g (sin - mu cos) from rest; distance in each quarter second.
  const Real a = 9.81 * (std::sin(angle) - 0.4 * std::cos(angle));
  const Real first = 0.5 * a * 0.25 * 0.25, second = 0.5 * a * 0.5 * 0.5 - first;
  std::printf(
      "incline 30 deg: mu 0.7 moved %.2e then %.2e m; mu 0.4 slid %.4f then %.4f m (Coulomb %.4f, "
      "%.4f)\n",
      held.first_m, held.second_m, sliding.first_m, sliding.second_m, first, second);
  // Held: the elastic block's uphill edge slips a little as the load shifts
  // (partial slip), then everything sticks.
  EXPECT_LT(std::abs(held.first_m), 2e-4);
  EXPECT_LT(std::abs(held.second_m), 1e-9);
  EXPECT_NEAR(sliding.first_m, first, 0.05 * first);
  EXPECT_NEAR(sliding.second_m, second, 0.05 * second);
}

TEST(XpbdContact, AMovingTableCarriesTissueAlongByFriction) {
  const TissueModel model = make_tet_block(2, 2, 1, Vec3(0.02, 0.02, 0.01), kLiver, 1000);
  StepInputs inputs;
  inputs.planes.push_back(PlaneCollider{Vec3::Zero(), Vec3::UnitZ(), Vec3(0.05, 0, 0), 1.0});
  SolverSettings settings;
  settings.damping_per_s = 1;
  XpbdSolver solver(settings);
  TissueState state = initial_state(model);
  tissue_test::run_for(solver, model, state, 1.0, 0.01, inputs);
  const Vec3 v = state.velocity[0];
  EXPECT_NEAR(v.x(), 0.05, 2e-3) << "moves with the table";
  EXPECT_NEAR(v.y(), 0, 1e-6);
}

}  // namespace
}  // namespace medvision::sim
