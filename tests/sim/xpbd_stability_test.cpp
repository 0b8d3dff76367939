// Stability of the stable neo-Hookean tets in time step, at rest. A body at
// rest has no forces, so any motion it gains is the integrator's (the
// analytic expectation is zero kinetic energy). Before the deviatoric term
// was projected as a linear constraint (see xpbd_tet_constraints.cpp), this
// block, 5 mm elements of a 20 kPa organ at 10 substeps per 10 ms
// (mu h^2 / (rho l^2) = 0.26), grew a 1 um perturbation to ~2 m/s: the
// rest state was stable only below ~0.1 (docs/sim.md, "Stability").

#include <gtest/gtest.h>

#include <random>

#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

constexpr Real kElement = 0.005, kDensity = 1060;

Real kinetic_energy(const TissueModel& model, const TissueState& state) {
  Real e = 0;
  for (std::size_t i = 0; i < model.particles(); ++i)
    e += 0.5 * model.mass[i] * state.velocity[i].squaredNorm();
  return e;
}

// Largest kinetic energy over the last second of `seconds`, for a block of
// 4 x 4 x 4 cubes pinned at its base, every free particle nudged by up to 1 um.
Real late_kinetic_energy(const Material& material, int substeps, const Vec3& gravity,
                         Real seconds) {
  TissueModel model = make_tet_block(4, 4, 4, Vec3::Constant(4 * kElement), material, kDensity);
  pin_particles(model, [](const Vec3& p) { return p.z() < 1e-9; });
  TissueState state = initial_state(model);
  std::mt19937 rng(7);
  std::uniform_real_distribution<Real> nudge(-1e-6, 1e-6);
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (model.inv_mass[i] > 0) state.position[i] += Vec3(nudge(rng), nudge(rng), nudge(rng));
  }
  SolverSettings settings;
  settings.substeps = substeps;
  settings.gravity = gravity;  // no damping: only the integrator may remove energy
  XpbdSolver solver(settings);
  const long steps = std::lround(seconds / 0.01);
  Real late = 0;
  for (long s = 0; s < steps; ++s) {
    solver.step(model, state, 0.01, {});
    if (s >= steps - 100) late = std::max(late, kinetic_energy(model, state));
  }
  EXPECT_TRUE(tissue_test::all_finite(state));
  return late;
}

TEST(XpbdStability, AnOrganAtRestStaysStillAtTenSubstepsForTenSeconds) {
  const Material organ{20e3, 0.45};
  const Real h = 0.01 / 10;
  const Real number = organ.lame_mu_Pa() * h * h / (kDensity * kElement * kElement);
  ASSERT_GT(number, 0.2) << "beyond the old bound";
  const Real energy = late_kinetic_energy(organ, 10, Vec3::Zero(), 10.0);
  std::printf("20 kPa, 5 mm, 10 substeps (mu h^2/(rho l^2) = %.2f): KE in the last second %.2e J\n",
              number, energy);
  // The nudge stores ~1e-12 J of strain energy; the old solver reached ~7e-5 J.
  EXPECT_LT(energy, 1e-20);
}

TEST(XpbdStability, AStiffBlockSettlesUnderGravityAtTenSubsteps) {
  // 290 kPa: mu h^2 / (rho l^2) = 3.8, forty times the old bound.
  const Real energy = late_kinetic_energy(Material{290e3, 0.45}, 10, Vec3(0, 0, -9.81), 10.0);
  std::printf("290 kPa under gravity, 10 substeps: KE in the last second %.2e J\n", energy);
  EXPECT_LT(energy, 1e-20);
}

}  // namespace
}  // namespace medvision::sim
