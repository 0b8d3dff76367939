// Large deformation: stable neo-Hookean tets keep a restoring volume force
// through det F = 0 and below, so tissue squashed flat, turned inside out or
// with a layer pushed through the rest recovers its shape without exploding.

#include <gtest/gtest.h>

#include <functional>

#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

constexpr Real kSide = 0.03;

struct Recovery {
  Real worst_error_m = 0;  // max distance from the rest shape after recovery
  int inverted_at_start = 0;
  int inverted_at_end = 0;
  bool finite = false;
};

// A 3 cm block resting on (pinned to) z = 0, deformed by `deform`, released.
Recovery recover(const std::function<void(const TissueModel&, TissueState&)>& deform) {
  TissueModel model = make_tet_block(3, 3, 3, Vec3::Constant(kSide), tissue_test::kLiver, 1000);
  pin_particles(model, [](const Vec3& p) { return p.z() == 0; });
  TissueState state = initial_state(model);
  deform(model, state);
  SolverSettings settings;
  settings.substeps = 10;
  settings.gravity = Vec3::Zero();
  settings.damping_per_s = 20;
  XpbdSolver solver(settings);
  Recovery r;
  r.inverted_at_start = solver.step(model, state, 1e-9, {}).inverted_tets;  // a measuring step
  const StepOutputs out = tissue_test::run_for(solver, model, state, 3.0, 0.01);
  r.finite = tissue_test::all_finite(state);
  r.worst_error_m = tissue_test::max_distance(state.position, model.rest_position);
  r.inverted_at_end = out.inverted_tets;
  return r;
}

TEST(XpbdInversion, ABlockSquashedFlatRecoversItsShape) {
  const Recovery r = recover([](const TissueModel& m, TissueState& s) {
    for (std::size_t i = 0; i < m.particles(); ++i) s.position[i].z() = 0;
  });
  std::printf("squashed flat: max error after 3 s %.2e m\n", r.worst_error_m);
  EXPECT_TRUE(r.finite);
  EXPECT_EQ(r.inverted_at_end, 0);
  EXPECT_LT(r.worst_error_m, 1e-3 * kSide);
}

TEST(XpbdInversion, ABlockTurnedInsideOutRecoversItsShape) {
  const Recovery r = recover([](const TissueModel& m, TissueState& s) {
    for (std::size_t i = 0; i < m.particles(); ++i)
      s.position[i].z() = -m.rest_position[i].z();  // mirrored
  });
  std::printf("inverted: %d tets inverted at release, max error after 3 s %.2e m\n",
              r.inverted_at_start, r.worst_error_m);
  EXPECT_GT(r.inverted_at_start, 0);
  EXPECT_TRUE(r.finite);
  EXPECT_EQ(r.inverted_at_end, 0);
  EXPECT_LT(r.worst_error_m, 1e-3 * kSide);
}

TEST(XpbdInversion, ATopLayerPushedThroughTheBlockRecovers) {
  const Recovery r = recover([](const TissueModel& m, TissueState& s) {
    for (std::size_t i = 0; i < m.particles(); ++i) {
      if (m.rest_position[i].z() == kSide) s.position[i].z() = -kSide / 3;
    }
  });
  std::printf("layer pushed through: %d tets inverted at release, max error after 3 s %.2e m\n",
              r.inverted_at_start, r.worst_error_m);
  EXPECT_GT(r.inverted_at_start, 0);
  EXPECT_TRUE(r.finite);
  EXPECT_EQ(r.inverted_at_end, 0);
  EXPECT_LT(r.worst_error_m, 1e-3 * kSide);
}

}  // namespace
}  // namespace medvision::sim
