// A clip closed on the duct pinches it shut where it sits and nowhere else.

#include "sim/duct_clip.h"

#include <gtest/gtest.h>

#include "modules/laparoscopy/dissection_anatomy.h"
#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

using namespace laparoscopy;  // the task scenes the engine is tested on

using tissue_test::run_for;

// Jaws reaching across the duct horizontally (+Z local = world +Y) and
// closing vertically (local X = world Z).
Transform clip_jaws(const Vec3& duct_point) {
  Mat3 r;
  r.col(0) = Vec3::UnitZ();
  r.col(1) = Vec3::UnitX();
  r.col(2) = Vec3::UnitY();
  Transform t;
  t.rotation = Quat(r);
  t.translation = duct_point - Vec3(0, 0.004, 0);
  return t;
}

struct DuctScene {
  DissectionAnatomy anatomy = make_dissection_anatomy();
  TissueState state = initial_state(anatomy.model);
  std::vector<bool> duct;
  DuctScene() {
    duct.resize(anatomy.model.particles());
    for (std::size_t i = 0; i < duct.size(); ++i)
      duct[i] = anatomy.is_duct(static_cast<std::int32_t>(i));
  }
  Vec3 at(Real fraction) const {
    return anatomy.duct_start + fraction * (anatomy.duct_end - anatomy.duct_start);
  }
  // Vertical extent of the duct's particles whose rest x lies within 0.5 mm of x.
  Real height_at(Real x) const {
    Real lo = 1, hi = -1;
    for (std::size_t i = static_cast<std::size_t>(anatomy.duct_first); i < duct.size(); ++i) {
      if (std::abs(anatomy.model.rest_position[i].x() - x) > 0.0005) continue;
      lo = std::min(lo, state.position[i].z());
      hi = std::max(hi, state.position[i].z());
    }
    return hi - lo;
  }
};

TEST(DuctClip, ClosedClipPinchesTheDuctShutWhereItSitsOnly) {
  DuctScene s;
  const Vec3 where = s.at(0.5);  // a cross-section of particles lies here
  const ClipSpec spec;
  const auto clip = apply_clip(s.anatomy.model, s.state, clip_jaws(where), spec, s.duct);
  ASSERT_TRUE(clip.has_value());
  EXPECT_EQ(clip->pinched.size(), 2u);  // the section's two upper corners meet the lower two
  EXPECT_LT((clip->rest_centre - where).norm(), 1e-9);
  EXPECT_NEAR(fraction_along_duct(s.anatomy, clip->world_centre), 0.5, 1e-9);
  EXPECT_EQ(s.state.lambda_distance.size(), s.anatomy.model.distances.size());

  SolverSettings settings;
  settings.substeps = kDissectionSubsteps;
  settings.gravity = Vec3::Zero();
  settings.damping_per_s = 5;
  XpbdSolver solver(settings);
  const StepOutputs out = run_for(solver, s.anatomy.model, s.state, 1.0, 0.01);
  EXPECT_TRUE(tissue_test::all_finite(s.state));
  EXPECT_EQ(out.inverted_tets, 0);
  // Each pinched pair is as far apart as the closed limbs (the flattened
  // duct may turn with the clip, so this is measured in the clip, not in z).
  for (const auto& [i, j] : clip->pinched) {
    const Real gap = (s.state.position[static_cast<std::size_t>(i)] -
                      s.state.position[static_cast<std::size_t>(j)])
                         .norm();
    EXPECT_NEAR(gap, spec.closed_gap_m, 1e-4);
  }
  // A centimetre away the duct is still open (most of its 3 mm).
  EXPECT_GT(s.height_at(where.x() + 0.012), 0.8 * s.anatomy.duct_width_m);
}

TEST(DuctClip, JawsClosingBesideTheDuctPlaceNoClip) {
  DuctScene s;
  const Transform far = clip_jaws(s.at(0.5) + Vec3(0, -0.03, 0));
  EXPECT_FALSE(apply_clip(s.anatomy.model, s.state, far, {}, s.duct).has_value());
  EXPECT_EQ(s.anatomy.model.distances.size(), 0u);
}

}  // namespace
}  // namespace medvision::sim
