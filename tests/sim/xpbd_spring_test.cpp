// One constraint against its closed form: XPBD with one iteration per
// substep is backward Euler for a linear spring, exactly.

#include <gtest/gtest.h>

#include <cmath>

#include "sim/xpbd_solver.h"

namespace medvision::sim {
namespace {

// A particle of mass m at distance rest + stretch from a pinned anchor, on a
// distance constraint of compliance 1/k.
TissueModel spring(Real m, Real k, Real rest_length) {
  TissueModel model;
  model.rest_position = {Vec3::Zero(), Vec3(rest_length, 0, 0)};
  model.mass = {0, m};
  model.inv_mass = {0, 1 / m};
  model.distances.particles = {{0, 1}};
  model.distances.rest_length = {rest_length};
  model.distances.compliance = {1 / k};
  finish_model(model);
  return model;
}

// Why it is exact: along the spring, with u = |x| - L and lambda reset to 0,
// one projection of x* = x + h v gives u' = u* - u* k h^2 / (m + k h^2) =
// (u + h v) / (1 + w^2 h^2), w^2 = k/m, and v' = (u' - u) / h. These are
// backward Euler's u' = u + h v', v' = v - h w^2 u'. In the coordinates
// (w u, v) its matrix is [[1, wh], [-wh, 1]] / (1 + w^2 h^2): a rotation
// times 1/sqrt(1 + w^2 h^2), so the energy m/2 v^2 + k/2 u^2 shrinks by
// exactly 1/(1 + w^2 h^2) per step. Only rounding separates the two: |x|
// is about 10x u, so each step loses ~1e-15 relative, ~1e-13 over 200 steps.
TEST(XpbdSpring, EnergyDecaysExactlyAsBackwardEuler) {
  const Real m = 0.01, k = 100, rest = 0.1, h = 1e-3;
  const TissueModel model = spring(m, k, rest);
  TissueState state = initial_state(model);
  state.position[1].x() = rest + 0.01;
  SolverSettings settings;
  settings.substeps = 1;
  settings.gravity = Vec3::Zero();
  XpbdSolver solver(settings);

  auto energy = [&] {
    const Real u = state.position[1].norm() - rest;
    return 0.5 * m * state.velocity[1].squaredNorm() + 0.5 * k * u * u;
  };
  const Real e0 = energy();
  const Real decay = 1 / (1 + k / m * h * h);
  Real worst = 0;
  for (int n = 1; n <= 200; ++n) {
    solver.step(model, state, h, {});
    const Real expected = e0 * std::pow(decay, n);
    worst = std::max(worst, std::abs(energy() - expected) / expected);
  }
  EXPECT_LT(worst, 1e-9);
  EXPECT_NEAR(energy() / e0, std::pow(decay, 200), 1e-9);
  EXPECT_EQ(state.position[1].y(), 0);  // it stays one-dimensional
  std::printf("spring: E_200/E_0 = %.12f, backward Euler %.12f, worst relative error %.1e\n",
              energy() / e0, std::pow(decay, 200), worst);
}

TEST(XpbdSpring, CompliantAttachmentStretchesByWeightTimesCompliance) {
  TissueModel model;
  const Real m = 0.02, compliance = 1e-3;
  model.rest_position = {Vec3(0, 0, 0.1)};
  model.mass = {m};
  model.inv_mass = {1 / m};
  finish_model(model);
  attach_particles(
      model, [](const Vec3&) { return true; }, compliance);
  TissueState state = initial_state(model);
  SolverSettings settings;
  settings.substeps = 10;
  settings.damping_per_s = 2 * std::sqrt(1 / (compliance * m));  // critical
  XpbdSolver solver(settings);
  for (int i = 0; i < 100; ++i) solver.step(model, state, 0.01, {});
  const Real sag = 0.1 - state.position[0].z();
  EXPECT_NEAR(sag, m * 9.81 * compliance, 1e-9 * m * 9.81 * compliance);
  const Real h = 0.001;
  EXPECT_NEAR(-state.lambda_attachment[0] / (h * h), m * 9.81, 1e-6)
      << "the multiplier reads the force";
}

}  // namespace
}  // namespace medvision::sim
