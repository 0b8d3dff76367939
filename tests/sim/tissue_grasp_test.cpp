// Grasping volumetric tissue: the force read from the grasp's attachment
// multipliers against statics worked out by hand.

#include "sim/tissue_grasp.h"

#include <gtest/gtest.h>

#include "modules/laparoscopy/dissection_anatomy.h"
#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

using namespace laparoscopy;  // the task scenes the engine is tested on

using tissue_test::run_for;

Transform jaws_at(const Vec3& hinge, const Quat& rotation = Quat::Identity()) {
  Transform t;
  t.translation = hinge;
  t.rotation = rotation;
  return t;
}

TEST(TissueGrasp, HangingOrganPullsOnTheJawsWithItsWeight) {
  OrganSpec spec;
  TissueModel organ = make_ellipsoid_organ(spec);
  TissueState state = initial_state(organ);
  // Jaws along +X through the organ's top.
  const Vec3 top = spec.centre + Vec3(-0.008, 0, spec.semi_axes.z() - 0.002);
  const Transform jaws = jaws_at(top, Quat(Eigen::AngleAxisd(EIGEN_PI / 2, Vec3::UnitY())));
  const TissueGrasp grasp = grasp_tissue(organ, state, jaws, {0.016, 0.005, 1e-6});
  ASSERT_TRUE(grasp.holding());
  EXPECT_EQ(organ.attachments.size(), grasp.particles.size());
  SolverSettings settings;
  settings.substeps = kDissectionSubsteps;
  settings.damping_per_s = 8;
  XpbdSolver solver(settings);
  run_for(solver, organ, state, 2.0, 0.01);
  const Real h = 0.01 / settings.substeps;
  const Vec3 force = tissue_grasp_force(organ, state, grasp, h);
  const Real weight = total_mass(organ) * 9.81;
  EXPECT_NEAR(force.z(), weight, 0.01 * weight);
  EXPECT_NEAR(force.x(), 0, 0.01 * weight);
  EXPECT_NEAR(force.y(), 0, 0.01 * weight);
}

// A bar with nu = 0 pulled along its axis is in uniaxial stress, exactly:
// F = E A d / L for small strain (no lateral contraction, so the fixed and
// the held ends add no constraint), and linear tets reproduce uniform strain.
TEST(TissueGrasp, PulledBarResistsWithEAdOverL) {
  const Real length = 0.05, side = 0.01, d = 0.0005;
  const Material material{10e3, 0.0};
  TissueModel bar = make_tet_block(10, 2, 2, Vec3(length, side, side), material, 1000);
  pin_particles(bar, [](const Vec3& p) { return p.x() < 1e-9; });
  TissueState state = initial_state(bar);
  // Jaws along +Y, 3 mm beyond the end face: they reach its 9 particles only.
  const Quat along_y(Eigen::AngleAxisd(-EIGEN_PI / 2, Vec3::UnitX()));
  const Vec3 hinge(length + 0.003, -0.001, side / 2);
  const TissueGrasp grasp =
      grasp_tissue(bar, state, jaws_at(hinge, along_y), {0.012, 0.0065, 1e-6});
  ASSERT_EQ(grasp.particles.size(), 9u);
  SolverSettings settings;
  settings.substeps = 40;  // mu h^2 / (rho l^2) = 0.0125: see kDissectionSubsteps
  settings.gravity = Vec3::Zero();
  settings.damping_per_s = 20;
  XpbdSolver solver(settings);
  // Pull slowly to d, then hold until it settles.
  const int ramp = 50;
  for (int i = 1; i <= ramp; ++i) {
    carry_tissue_grasp(bar, grasp, jaws_at(hinge + Vec3(d * i / ramp, 0, 0), along_y));
    solver.step(bar, state, 0.01, {});
  }
  run_for(solver, bar, state, 2.0, 0.01);
  const Vec3 force = tissue_grasp_force(bar, state, grasp, 0.01 / settings.substeps);
  const Real expected = material.youngs_modulus_Pa * side * side * d / length;
  EXPECT_NEAR(force.x(), expected, 0.03 * expected);
  EXPECT_NEAR(force.y(), 0, 0.03 * expected);
  EXPECT_NEAR(force.z(), 0, 0.03 * expected);
}

TEST(TissueGrasp, ReleaseDropsTheAttachmentsAndAnatomyIsNeverTaken) {
  DissectionAnatomy a = make_dissection_anatomy();
  TissueState state = initial_state(a.model);
  const std::size_t anatomy_attachments = a.model.attachments.size();
  // Jaws along -Y through the organ's back, where it is fixed to its bed.
  const Vec3 back = Vec3(0, 0.018, 0.02);
  const Quat along_minus_y(Eigen::AngleAxisd(EIGEN_PI / 2, Vec3::UnitX()));
  TissueGrasp grasp = grasp_tissue(a.model, state, jaws_at(back, along_minus_y), {});
  ASSERT_TRUE(grasp.holding());
  for (std::int32_t p : grasp.particles) {
    int ties = 0;
    for (std::int32_t q : a.model.attachments.particle) ties += q == p;
    EXPECT_EQ(ties, 1) << "particle " << p << " was attached before the grasp";
  }
  EXPECT_EQ(a.model.attachments.size(), anatomy_attachments + grasp.particles.size());
  EXPECT_EQ(state.lambda_attachment.size(), a.model.attachments.size());
  release_tissue_grasp(a.model, state, grasp);
  EXPECT_FALSE(grasp.holding());
  EXPECT_EQ(a.model.attachments.size(), anatomy_attachments);
  EXPECT_EQ(state.lambda_attachment.size(), anatomy_attachments);
}

TEST(TissueGrasp, EligibleMaskLimitsWhatTheJawsTake) {
  DissectionAnatomy a = make_dissection_anatomy();
  TissueState state = initial_state(a.model);
  std::vector<bool> duct_only(a.model.particles());
  for (std::size_t i = 0; i < duct_only.size(); ++i)
    duct_only[i] = a.is_duct(static_cast<std::int32_t>(i));
  const Vec3 mid = (a.duct_start + a.duct_end) / 2;
  const Quat along_y(Eigen::AngleAxisd(-EIGEN_PI / 2, Vec3::UnitX()));
  const TissueGrasp grasp = grasp_tissue(a.model, state, jaws_at(mid - Vec3(0, 0.006, 0), along_y),
                                         {0.016, 0.01, 1e-6}, duct_only);
  ASSERT_TRUE(grasp.holding());
  for (std::int32_t p : grasp.particles) EXPECT_TRUE(a.is_duct(p));
}

}  // namespace
}  // namespace medvision::sim
