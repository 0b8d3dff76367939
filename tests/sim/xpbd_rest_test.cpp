// Stable neo-Hookean tets have no forces at rest or under rigid rotation, and
// the solver must not invent any: a resting block stays put and a rotated
// block stays rotated, undeformed, for ten simulated seconds.

#include <gtest/gtest.h>

#include <cmath>

#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

using tissue_test::kLiver;

SolverSettings weightless() {
  SolverSettings s;
  s.substeps = 10;
  s.gravity = Vec3::Zero();
  return s;
}

TEST(XpbdRest, ABlockAtRestStaysPutForTenSeconds) {
  const TissueModel model = make_tet_block(3, 3, 3, Vec3(0.03, 0.03, 0.03), kLiver, 1000);
  TissueState state = initial_state(model);
  XpbdSolver solver(weightless());
  const StepOutputs out = tissue_test::run_for(solver, model, state, 10.0, 0.01);
  const Real drift = tissue_test::max_distance(state.position, model.rest_position);
  EXPECT_LT(drift, 1e-12) << "metres, on a 3 cm block";
  EXPECT_NEAR(out.max_edge_stretch, 1, 1e-12);
  EXPECT_NEAR(out.min_volume_ratio, 1, 1e-12);
  std::printf("rest: max drift after 10 s = %.2e m\n", drift);
}

TEST(XpbdRest, ARigidlyRotatedBlockStaysRotatedAndUndeformed) {
  const TissueModel model = make_tet_block(3, 3, 3, Vec3(0.03, 0.03, 0.03), kLiver, 1000);
  const Mat3 r = Eigen::AngleAxis<Real>(0.7, Vec3(1, 2, 3).normalized()).toRotationMatrix();
  const Vec3 centre(0.015, 0.015, 0.015);
  TissueState state = initial_state(model);
  for (Vec3& x : state.position) x = centre + r * (x - centre);
  const std::vector<Vec3> rotated = state.position;
  XpbdSolver solver(weightless());
  const StepOutputs out = tissue_test::run_for(solver, model, state, 10.0, 0.01);
  const Real drift = tissue_test::max_distance(state.position, rotated);
  EXPECT_LT(drift, 1e-12);
  EXPECT_NEAR(out.max_edge_stretch, 1, 1e-12);
  EXPECT_NEAR(out.min_volume_ratio, 1, 1e-12);
  std::printf("rotation: max drift after 10 s = %.2e m\n", drift);
}

}  // namespace
}  // namespace medvision::sim
