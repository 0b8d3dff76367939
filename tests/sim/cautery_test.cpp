// Hook cautery against the closed form of heat deposited in a fixed zone:
// dT = P t / (rho c V), coagulation and vaporisation at their temperatures.

#include "sim/cautery.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/tet_cut.h"
#include "sim/tissue_state.h"

namespace medvision::sim {
namespace {

struct Block {
  TissueModel model;
  TissueState state;
  Block() {
    // 2 cm x 2 cm x 1 cm in 4 mm cubes, 10 kPa, 1050 kg/m^3.
    model = make_tet_block(5, 5, 3, Vec3(0.02, 0.02, 0.012), Material{10e3, 0.45}, 1050);
    state = initial_state(model);
  }
};

// The tets whose centres lie within r of p, and their volume.
std::pair<int, Real> zone(const Block& b, const Vec3& p, Real r) {
  int n = 0;
  Real v = 0;
  for (std::size_t t = 0; t < b.model.tets.size(); ++t) {
    Vec3 c = Vec3::Zero();
    for (auto q : b.model.tets.vertices[t]) c += b.state.position[static_cast<std::size_t>(q)];
    if ((c / 4 - p).norm() <= r) {
      ++n;
      v += b.model.tets.rest_volume[t];
    }
  }
  return {n, v};
}

TEST(Cautery, TheZoneWarmsAsPowerTimesTimeOverItsHeatCapacity) {
  Block b;
  CauterySpec spec;
  spec.power_W = 5;
  spec.contact_radius_m = 0.003;
  const Vec3 tip(0.01, 0.01, 0.012);  // on the top face, in the middle
  const auto [n, volume] = zone(b, tip, spec.contact_radius_m);
  ASSERT_GT(n, 0);
  for (std::size_t t = 0; t < b.model.tets.size(); ++t)
    EXPECT_EQ(b.model.tets.temperature_C[t], kBodyTemperature_C);
  const Real dt = 0.01;
  const Real heat_capacity = spec.density_kg_per_m3 * spec.specific_heat_J_per_kg_K * volume;
  // Coagulation starts in the step that takes the zone past 60 C.
  const int coagulation_step = static_cast<int>(std::ceil(
      (spec.coagulation_C - kBodyTemperature_C) * heat_capacity / (spec.power_W * dt) - 1e-9));
  Real energy = 0;
  int newly_coagulated = 0;
  for (int k = 1; k <= coagulation_step; ++k) {
    const CauteryStep s = apply_cautery(b.model, b.state, tip, dt, spec);
    EXPECT_EQ(s.heated, n);
    energy += s.energy_J;
    newly_coagulated += s.coagulated;
    EXPECT_NEAR(s.max_temperature_C, kBodyTemperature_C + spec.power_W * dt * k / heat_capacity,
                1e-9);
    if (k < coagulation_step) {
      EXPECT_EQ(s.coagulated, 0) << k;
    }
  }
  EXPECT_NEAR(energy, spec.power_W * dt * coagulation_step, 1e-12);
  EXPECT_EQ(newly_coagulated, n);
  // Coagulated tets are weakened: half the shear modulus, and the solver's
  // compliance follows it.
  const Real mu = Material{10e3, 0.45}.lame_mu_Pa();
  int marked = 0;
  for (std::size_t t = 0; t < b.model.tets.size(); ++t) {
    if (!coagulated(b.model, t, spec)) {
      EXPECT_NEAR(b.model.tets.mu[t], mu, 1e-9);
      continue;
    }
    ++marked;
    EXPECT_NEAR(b.model.tets.mu[t], spec.coagulated_stiffness * mu, 1e-9);
    EXPECT_NEAR(b.model.tets.deviatoric_compliance[t],
                1 / (spec.coagulated_stiffness * mu * b.model.tets.rest_volume[t]), 1e-6);
  }
  EXPECT_EQ(marked, n);
}

TEST(Cautery, HeldLongEnoughTheHookVaporisesItsZoneAndDividesTheTissue) {
  Block b;
  CauterySpec spec;
  spec.power_W = 30;
  spec.contact_radius_m = 0.003;
  const Vec3 tip(0.01, 0.01, 0.012);
  const auto [n, volume] = zone(b, tip, spec.contact_radius_m);
  const std::size_t tets = b.model.tets.size();
  const std::size_t faces = b.model.surface.size();
  const Real heat_capacity = spec.density_kg_per_m3 * spec.specific_heat_J_per_kg_K * volume;
  const Real dt = 0.01;
  const int steps = static_cast<int>(std::ceil(
      (spec.vaporisation_C - kBodyTemperature_C) * heat_capacity / (spec.power_W * dt) - 1e-9));
  int vaporised = 0;
  for (int k = 1; k <= steps; ++k)
    vaporised += apply_cautery(b.model, b.state, tip, dt, spec).vaporised;
  EXPECT_EQ(vaporised, n);
  EXPECT_EQ(b.model.tets.size(), tets - static_cast<std::size_t>(n));
  EXPECT_EQ(b.model.tets.temperature_C.size(), b.model.tets.size());
  EXPECT_NE(b.model.surface.size(), faces) << "the crater's walls are new surface";
  // What stays was never in the zone, so never heated.
  for (const Real temperature : b.model.tets.temperature_C)
    EXPECT_EQ(temperature, kBodyTemperature_C);
  // The hook now touches nothing where the zone was.
  EXPECT_EQ(apply_cautery(b.model, b.state, tip, dt, spec).heated, 0);
}

TEST(Cautery, AHookAwayFromTissueOrOutsideTheIncludedPartHeatsNothing) {
  Block b;
  CauterySpec spec;
  EXPECT_EQ(apply_cautery(b.model, b.state, Vec3(0.01, 0.01, 0.05), 0.01, spec).heated, 0);
  const std::vector<bool> none(b.model.particles(), false);
  const CauteryStep s = apply_cautery(b.model, b.state, Vec3(0.01, 0.01, 0.012), 0.01, spec, none);
  EXPECT_EQ(s.heated, 0);
  EXPECT_EQ(s.energy_J, 0);
}

TEST(Cautery, TemperaturesFollowTheirTetsThroughAScissorsCut) {
  Block b;
  CauterySpec spec;
  spec.contact_radius_m = 0.003;
  apply_cautery(b.model, b.state, Vec3(0.004, 0.01, 0.012), 0.05, spec);  // warm one end
  std::vector<Vec3> warm;
  for (std::size_t t = 0; t < b.model.tets.size(); ++t) {
    if (b.model.tets.temperature_C[t] == kBodyTemperature_C) continue;
    Vec3 c = Vec3::Zero();
    for (auto q : b.model.tets.vertices[t]) c += b.model.rest_position[static_cast<std::size_t>(q)];
    warm.push_back(c / 4);
  }
  ASSERT_FALSE(warm.empty());
  // Scissors across the other end (x = 15 mm).
  BladeSweep blades;
  blades.hinge = Vec3(0.015, -0.01, 0.006);
  blades.along = Vec3::UnitY();
  blades.across = Vec3::UnitZ();
  blades.half_angle_rad = 1.2;
  blades.length_m = 0.05;
  ASSERT_GT(cut_tets(b.model, b.state, blades).tets_removed, 0);
  std::size_t still_warm = 0;
  for (std::size_t t = 0; t < b.model.tets.size(); ++t) {
    if (b.model.tets.temperature_C[t] == kBodyTemperature_C) continue;
    Vec3 c = Vec3::Zero();
    for (auto q : b.model.tets.vertices[t]) c += b.model.rest_position[static_cast<std::size_t>(q)];
    c /= 4;
    EXPECT_LT(c.x(), 0.009) << "a warm tet where none was heated";
    ++still_warm;
  }
  EXPECT_EQ(still_warm, warm.size());
}

}  // namespace
}  // namespace medvision::sim
