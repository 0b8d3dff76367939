// A gauze sheet: distance constraints keep it from stretching, dihedral
// bending constraints make it resist folding, and attachments hold it where
// it is fixed.

#include <gtest/gtest.h>

#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

ClothSpec gauze() {
  ClothSpec spec;
  spec.nx = 8;
  spec.ny = 8;
  spec.size = Vec3(0.08, 0.08, 0);
  spec.areal_density_kg_per_m2 = 0.1;
  return spec;
}

// One projection per substep leaves every constraint with an extra,
// numerical compliance h^2 (w_i + w_j) |grad C|^2: light gauze particles
// (~0.01 g here) that carry a sheet's weight stretch their edges by that
// much. It falls as h^2, so sheets that must not stretch need small substeps.
SolverSettings sheet_settings(int substeps, Real damping_per_s) {
  SolverSettings settings;
  settings.substeps = substeps;
  settings.damping_per_s = damping_per_s;
  return settings;
}

struct Hanging {
  Real attachment_error_m = 0, lowest_m = 0, max_stretch = 0;
};

// Gauze held at its two top corners by graspers 1.6 cm closer together than
// the sheet is wide (so its top edge is slack), hanging for 1.5 s.
Hanging hang(int substeps) {
  TissueModel model = make_cloth(gauze());
  attach_particles(
      model, [](const Vec3& p) { return p.y() == 0.08 && p.x() == 0; }, 0, Vec3(0.008, 0, 0));
  attach_particles(
      model, [](const Vec3& p) { return p.y() == 0.08 && p.x() == 0.08; }, 0, Vec3(-0.008, 0, 0));
  EXPECT_EQ(model.attachments.size(), 2u);
  XpbdSolver solver(sheet_settings(substeps, 2));
  TissueState state = initial_state(model);
  const StepOutputs out = tissue_test::run_for(solver, model, state, 1.5, 0.01);
  EXPECT_TRUE(tissue_test::all_finite(state));
  Hanging h;
  for (std::size_t a = 0; a < model.attachments.size(); ++a) {
    const std::int32_t i = model.attachments.particle[a];
    h.attachment_error_m =
        std::max(h.attachment_error_m, (state.position[i] - model.attachments.target[a]).norm());
  }
  for (const Vec3& x : state.position) h.lowest_m = std::min(h.lowest_m, x.z());
  h.max_stretch = out.max_edge_stretch;
  return h;
}

TEST(XpbdCloth, AttachedCornersHoldWhileTheSheetHangs) {
  const Hanging at_1kHz = hang(10), at_4kHz = hang(40);
  std::printf("hanging gauze: lowest point %.4f m; max edge stretch %.4f at 1 kHz, %.4f at 4 kHz\n",
              at_4kHz.lowest_m, at_1kHz.max_stretch, at_4kHz.max_stretch);
  EXPECT_LT(at_1kHz.attachment_error_m, 1e-12);
  EXPECT_LT(at_4kHz.attachment_error_m, 1e-12);
  EXPECT_LT(at_4kHz.lowest_m, -0.06) << "it hangs";
  EXPECT_LT(at_4kHz.max_stretch, 1.02);
  EXPECT_LT(at_4kHz.max_stretch - 1, (at_1kHz.max_stretch - 1) / 8)
      << "the residual stretch falls as h^2";
}

// A strip clamped along one edge, sticking out horizontally under gravity:
// how far its free edge droops.
Real droop(Real bend_compliance) {
  ClothSpec spec = gauze();
  spec.nx = 10;
  spec.ny = 2;
  spec.size = Vec3(0.1, 0.02, 0);
  spec.areal_density_kg_per_m2 = 0.5;  // soaked gauze
  spec.bend_compliance_per_N_m = bend_compliance;
  TissueModel model = make_cloth(spec);
  pin_particles(model,
                [](const Vec3& p) { return p.x() <= 0.01 + 1e-12; });  // two columns: a clamp
  XpbdSolver solver(sheet_settings(40, 10));
  TissueState state = initial_state(model);
  tissue_test::run_for(solver, model, state, 1.5, 0.01);
  const auto tip = tissue_test::particles_where(model, [](const Vec3& p) { return p.x() == 0.1; });
  return -tissue_test::mean_position(state, tip).z();
}

TEST(XpbdCloth, BendingStiffnessHoldsAClampedStripUp) {
  const Real stiff = droop(100), limp = droop(1e5);
  std::printf("clamped strip: free edge droops %.4f m (bend compliance 100) vs %.4f m (1e5)\n",
              stiff, limp);
  EXPECT_GT(stiff, 0);
  EXPECT_LT(stiff, 0.2 * limp);
}

}  // namespace
}  // namespace medvision::sim
