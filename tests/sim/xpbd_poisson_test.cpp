// Small-strain elasticity of the stable neo-Hookean tets: a cube stretched by
// 1% between two faces that may slide on their planes (uniaxial stress)
// contracts laterally by the material's Poisson ratio, and a nearly
// incompressible cube (nu = 0.49) squeezed by 10% keeps its volume.

#include <gtest/gtest.h>

#include <cmath>

#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

constexpr Real kSide = 0.04;  // 4 cm cube, 4 x 4 x 4 cubes of 5 tets
constexpr int kCells = 4;

// A cube whose faces normal to `axis` slide on their planes, the far one
// moved to (1 + strain) kSide, and whose centre of the near face is pinned so
// it cannot drift sideways. Returns the settled state.
TissueState load_uniaxially(const Material& material, int axis, Real strain, TissueModel& model) {
  model = make_tet_block(kCells, kCells, kCells, Vec3::Constant(kSide), material, 1000);
  const Vec3 normal = Vec3::Unit(axis);
  attach_particles_to_plane(
      model, [&](const Vec3& p) { return p[axis] == 0; }, normal, 0);
  attach_particles_to_plane(
      model, [&](const Vec3& p) { return p[axis] == kSide; }, normal, 0, strain * kSide * normal);
  pin_particles(model, [&](const Vec3& p) {
    return p[axis] == 0 && (p - Vec3::Constant(kSide / 2)).norm() <= kSide / 2;
  });
  // One projection per substep leaves each constraint with an extra,
  // numerical compliance h^2 w |grad C|^2 at equilibrium (it fades as h^2):
  // the stiff volume term softens by about (h c_p / element)^2. At 1 kHz,
  // nu = 0.3 reads as 0.24 on these 1 cm elements; at 4 kHz the bias is ~1.5%.
  SolverSettings settings;
  settings.substeps = 40;
  settings.gravity = Vec3::Zero();
  settings.damping_per_s = 60;
  XpbdSolver solver(settings);
  TissueState state = initial_state(model);
  tissue_test::run_for(solver, model, state, 1.0, 0.01);
  EXPECT_TRUE(tissue_test::all_finite(state));
  Real fastest = 0;
  for (const Vec3& v : state.velocity) fastest = std::max(fastest, v.norm());
  EXPECT_LT(fastest, 1e-6) << "settled";
  return state;
}

// Lateral strain along `axis`: mean separation of the two faces normal to it.
Real strain_along(const TissueModel& model, const TissueState& state, int axis) {
  const auto low = tissue_test::particles_where(model, [&](const Vec3& p) { return p[axis] == 0; });
  const auto high =
      tissue_test::particles_where(model, [&](const Vec3& p) { return p[axis] == kSide; });
  return (tissue_test::mean_position(state, high)[axis] -
          tissue_test::mean_position(state, low)[axis]) /
             kSide -
         1;
}

TEST(XpbdPoisson, StretchingACubeOnePercentContractsItByPoissonsRatio) {
  for (Real nu : {0.3, 0.45}) {
    TissueModel model;
    const TissueState state = load_uniaxially(Material{10e3, nu}, 0, 0.01, model);
    const Real axial = strain_along(model, state, 0);
    const Real measured_y = -strain_along(model, state, 1) / axial;
    const Real measured_z = -strain_along(model, state, 2) / axial;
    std::printf("Poisson: nu = %.2f, axial strain %.4f%%, measured nu %.4f (y), %.4f (z)\n", nu,
                100 * axial, measured_y, measured_z);
    EXPECT_NEAR(axial, 0.01, 1e-9);
    EXPECT_NEAR(measured_y, nu, 0.05 * nu);
    EXPECT_NEAR(measured_z, nu, 0.05 * nu);
  }
}

TEST(XpbdPoisson, NearlyIncompressibleTissueKeepsItsVolumeWhenSqueezed) {
  TissueModel model;
  const TissueState state = load_uniaxially(Material{10e3, 0.49}, 2, -0.10, model);
  const Real v0 = rest_volume(model);
  const Real change = (tissue_test::current_volume(model, state) - v0) / v0;
  const Real lateral = strain_along(model, state, 0);
  std::printf("volume: nu = 0.49 squeezed 10%%: lateral strain %+.3f%%, volume change %+.3f%%\n",
              100 * lateral, 100 * change);
  EXPECT_NEAR(strain_along(model, state, 2), -0.10, 1e-9);
  EXPECT_LT(std::abs(change), 0.01);
  EXPECT_GT(lateral, 0.04) << "it bulges sideways instead";
}

}  // namespace
}  // namespace medvision::sim
