// Scissors cutting a sheet: the triangles the closing blades sweep are
// removed and the sheet's constraints follow its remaining triangles.

#include "sim/sheet_cut.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "sim/sheet_grip.h"
#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

using Triangle = std::array<std::int32_t, 3>;

// A 10 x 2 cm strip, 5 mm squares.
TissueModel strip() {
  ClothSpec spec;
  spec.nx = 20;
  spec.ny = 4;
  spec.size = Vec3(0.10, 0.02, 0);
  return make_cloth(spec);
}

// Blades opening in the plane x = x0 (across = z, through the sheet), the
// hinge `before` short of the strip's edge y = 0 and pointing along +y.
BladeSector blades_across_strip(Real x0, Real before, Real length) {
  BladeSector b;
  b.hinge = Vec3(x0, -before, 0);
  b.along = Vec3::UnitY();
  b.across = Vec3::UnitZ();
  b.half_angle_rad = 0.5;
  b.length_m = length;
  return b;
}

std::set<Triangle> triangles(const TissueModel& m) { return {m.surface.begin(), m.surface.end()}; }

TEST(SheetCut, AStraightCutThroughAStripSeparatesItIntoTwoPieces) {
  TissueModel model = strip();
  TissueState state = initial_state(model);
  const Real mass_before = total_mass(model);
  const auto positions_before = state.position;

  const SheetCut cut = cut_sheet(model, state, blades_across_strip(0.0512, 0.005, 0.04));
  // One square per row spans x = 51.2 mm: both its triangles go, four rows.
  EXPECT_EQ(cut.triangles_removed, 8);
  EXPECT_EQ(cut.particles_freed, 0);
  ASSERT_EQ(cut.rest_segments.size(), 8u);
  for (const auto& s : cut.rest_segments) {
    EXPECT_NEAR(s[0].x(), 0.0512, 1e-12);
    EXPECT_NEAR(s[1].x(), 0.0512, 1e-12);
  }
  const auto pieces = sheet_pieces(model);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_NEAR(rest_area(model, pieces[0]), 0.050 * 0.02, 1e-12);
  EXPECT_NEAR(rest_area(model, pieces[1]), 0.045 * 0.02, 1e-12);
  EXPECT_NEAR(total_mass(model), mass_before * 0.095 / 0.100, 1e-12);
  EXPECT_EQ(state.position, positions_before) << "a cut moves nothing";
  EXPECT_EQ(state.lambda_distance.size(), model.distances.size());
  EXPECT_EQ(state.lambda_bending.size(), model.bending.size());
  for (const auto& [i, j] : model.distances.particles) {
    // No constraint bridges the kerf.
    EXPECT_EQ(model.rest_position[i].x() < 0.0512, model.rest_position[j].x() < 0.0512);
  }

  // Physically apart: with the left end clamped, the right piece falls away.
  pin_particles(model, [](const Vec3& p) { return p.x() == 0; });
  XpbdSolver solver(SolverSettings{20, Vec3(0, 0, -9.81), 1, 1, 128});
  tissue_test::run_for(solver, model, state, 0.5, 0.01);
  EXPECT_TRUE(tissue_test::all_finite(state));
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (model.rest_position[i].x() > 0.0512) {
      EXPECT_LT(state.position[i].z(), -0.5) << i;
    }
    if (model.rest_position[i].x() < 0.0512) {
      EXPECT_GT(state.position[i].z(), -0.06) << i;
    }
  }
}

TEST(SheetCut, NothingOutsideTheBladesIsTouched) {
  ClothSpec spec;
  spec.nx = spec.ny = 20;
  spec.size = Vec3(0.10, 0.10, 0);
  TissueModel model = make_cloth(spec);
  TissueState state = initial_state(model);
  const TissueModel before = model;
  // Short blades whose sector starts in the middle of the sheet: a slit.
  const BladeSector blades = blades_across_strip(0.0312, -0.04, 0.012);
  const SheetCut cut = cut_sheet(model, state, blades);
  EXPECT_GT(cut.triangles_removed, 0);
  const auto kept = triangles(model);
  int removed = 0;
  for (const Triangle& t : before.surface) {
    if (kept.count(t)) continue;
    ++removed;
    // Every removed triangle straddles the plane x = 31.2 mm within the blades' reach.
    Real lo_x = 1, hi_x = -1, lo_y = 1, hi_y = -1;
    for (std::int32_t p : t) {
      lo_x = std::min(lo_x, before.rest_position[p].x());
      hi_x = std::max(hi_x, before.rest_position[p].x());
      lo_y = std::min(lo_y, before.rest_position[p].y());
      hi_y = std::max(hi_y, before.rest_position[p].y());
    }
    EXPECT_LT(lo_x, 0.0312);
    EXPECT_GT(hi_x, 0.0312);
    EXPECT_LT(lo_y, 0.04 + 0.012);
    EXPECT_GT(hi_y, 0.04);
  }
  EXPECT_EQ(removed, cut.triangles_removed);
  EXPECT_EQ(kept.size() + static_cast<std::size_t>(removed), before.surface.size());
  // The slit's line, in rest coordinates, runs from the hinge for the blades' length.
  Real lo = 1, hi = -1;
  for (const auto& s : cut.rest_segments)
    for (const Vec3& p : s) lo = std::min(lo, p.y()), hi = std::max(hi, p.y());
  EXPECT_NEAR(lo, 0.04, 1e-12);
  EXPECT_NEAR(hi, 0.04 + 0.012, 1e-12);
  EXPECT_EQ(sheet_pieces(model).size(), 1u) << "a slit does not separate";
  EXPECT_EQ(state.position, before.rest_position);
  // Masses change only at the removed triangles' corners.
  std::set<std::int32_t> corners;
  for (const Triangle& t : before.surface)
    if (!kept.count(t)) corners.insert(t.begin(), t.end());
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (!corners.count(static_cast<std::int32_t>(i))) {
      EXPECT_EQ(model.mass[i], before.mass[i]);
    }
  }
  // Blades that miss the sheet (it lies beyond their reach) cut nothing.
  const SheetCut miss = cut_sheet(model, state, blades_across_strip(0.0712, 0.02, 0.015));
  EXPECT_EQ(miss.triangles_removed, 0);
}

struct Snipped {
  std::uint64_t hash = 0;
  std::size_t triangles = 0;
  Real max_stretch = 0;
  bool finite = false;
};

// A gauze square hanging from its corners, snipped 60 times at pseudo-random
// places and directions while it moves, and held and pulled by a grasper.
Snipped snip_hanging_gauze() {
  ClothSpec spec;
  spec.nx = spec.ny = 24;
  spec.size = Vec3(0.10, 0.10, 0);
  TissueModel model = make_cloth(spec);
  attach_particles(
      model,
      [](const Vec3& p) {
        // Clips hold a patch at each corner: a single corner particle would
        // carry a quarter of the sheet through its few edges.
        const Real dx = std::min(p.x(), 0.10 - p.x()), dy = std::min(p.y(), 0.10 - p.y());
        return std::hypot(dx, dy) < 0.009;
      },
      0);
  TissueState state = initial_state(model);
  XpbdSolver solver(SolverSettings{20, Vec3(0, 0, -9.81), 2, 1, 128});
  std::uint64_t seed = 12345;
  const auto next = [&seed] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<Real>(seed >> 11) / static_cast<Real>(1ull << 53);
  };
  Transform jaws{Vec3(0.05, 0.05, 0), Quat::Identity()};
  SheetGrip grip = grip_sheet(model, state, jaws, 0.01, 0.003);
  Snipped out;
  for (int k = 0; k < 300; ++k) {
    jaws.translation.z() = 0.01 * std::sin(0.05 * k);
    carry_grip(grip, state, jaws);
    const StepOutputs& o = solver.step(model, state, 0.01, {});
    // After the first half second, in which the sheet falls onto its holds.
    if (k >= 50) out.max_stretch = std::max(out.max_stretch, o.max_edge_stretch);
    if (k % 5 == 0) {
      const Real angle = 6.283185307179586 * next();
      BladeSector b;
      b.hinge = Vec3(0.1 * next(), 0.1 * next(), 0.01);
      b.along = Vec3(std::cos(angle), std::sin(angle), -0.8).normalized();
      b.across = b.along.cross(Vec3(-std::sin(angle), std::cos(angle), 0)).normalized();
      cut_sheet(model, state, b);
    }
    if (k == 200) release_grip(model, grip);
  }
  out.finite = tissue_test::all_finite(state);
  out.hash = state_hash(state);
  out.triangles = model.surface.size();
  return out;
}

TEST(SheetCut, ManyCutsWhileTheSheetMovesStayFiniteAndRepeatBitForBit) {
  const Snipped a = snip_hanging_gauze(), b = snip_hanging_gauze();
  std::printf("60 snips: %zu of 1152 triangles left, max edge stretch %.3f\n", a.triangles,
              a.max_stretch);
  EXPECT_TRUE(a.finite);
  EXPECT_LT(a.triangles, 1152u);
  EXPECT_GT(a.triangles, 500u);
  EXPECT_LT(a.max_stretch, 1.5) << "no explosion";
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.triangles, b.triangles);
}

TEST(SheetGrip, AGrasperCarriesTheParticlesBetweenItsJawsAndFeelsTheSheetsPull) {
  TissueModel model = strip();
  pin_particles(model, [](const Vec3& p) { return p.x() == 0; });
  TissueState state = initial_state(model);
  // Jaws along the strip's far end (x = 10 cm), across its width.
  const Transform jaws{Vec3(0.10, 0, 0), Quat::FromTwoVectors(Vec3::UnitZ(), Vec3::UnitY())};
  SheetGrip grip = grip_sheet(model, state, jaws, 0.02, 0.001);
  EXPECT_EQ(grip.particles.size(), 5u);  // the far column
  XpbdSolver solver(SolverSettings{20, Vec3::Zero(), 0, 1, 128});
  // Pull the held end 1 mm outward against the clamped (inextensible) strip.
  Transform pulled = jaws;
  pulled.translation.x() += 0.001;
  carry_grip(grip, state, pulled);
  solver.step(model, state, 0.01, {});
  const Vec3 load = grip_load(model, state, grip, 0.01 / 20);
  EXPECT_LT(load.x(), 0) << "the strip pulls the grasper back";
  for (std::int32_t p : grip.particles) EXPECT_NEAR(state.position[p].x(), 0.101, 1e-15);
  release_grip(model, grip);
  for (std::size_t i = 0; i < model.particles(); ++i)
    EXPECT_EQ(model.inv_mass[i] == 0, model.rest_position[i].x() == 0);
}

}  // namespace
}  // namespace medvision::sim
