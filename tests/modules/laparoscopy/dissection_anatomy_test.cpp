// The dissection task's anatomy: a voxelised ellipsoid organ fixed to its bed
// and a duct fixed at both ends, checked against geometry computed here.

#include "modules/laparoscopy/dissection_anatomy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numbers>
#include <random>

#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

using namespace laparoscopy;  // the task scenes the engine is tested on

using tissue_test::run_for;

Real ellipsoid_volume(const OrganSpec& s) {
  return 4.0 / 3.0 * std::numbers::pi * s.semi_axes.prod();
}

// Volume enclosed by a closed, outward-oriented triangle surface
// (divergence theorem): independent of the tets it was extracted from.
Real enclosed_volume(const TissueModel& m, const std::vector<Vec3>& x) {
  Real v = 0;
  for (const auto& t : m.surface) v += x[t[0]].dot(x[t[1]].cross(x[t[2]])) / 6;
  return v;
}

// Every undirected edge of a closed, consistently oriented surface appears
// once in each direction.
bool closed_and_oriented(const TissueModel& m) {
  std::map<std::pair<int, int>, int> directed;
  for (const auto& t : m.surface) {
    for (int k = 0; k < 3; ++k) ++directed[{t[k], t[(k + 1) % 3]}];
  }
  for (const auto& [e, n] : directed) {
    if (n != 1) return false;
    const auto twin = directed.find({e.second, e.first});
    if (twin == directed.end() || twin->second != 1) return false;
  }
  return true;
}

TEST(DissectionAnatomy, OrganVolumeConvergesToTheEllipsoidsAsTheGridRefines) {
  OrganSpec coarse;
  OrganSpec fine = coarse;
  fine.cell_m = coarse.cell_m / 2;
  const Real exact = ellipsoid_volume(coarse);
  const Real coarse_error = std::abs(rest_volume(make_ellipsoid_organ(coarse)) / exact - 1);
  const Real fine_error = std::abs(rest_volume(make_ellipsoid_organ(fine)) / exact - 1);
  EXPECT_LT(coarse_error, 0.2);
  EXPECT_LT(fine_error, 0.08);
  EXPECT_LT(fine_error, coarse_error);
}

TEST(DissectionAnatomy, OrganMassIsDensityTimesVolumeAndItsSurfaceIsClosed) {
  const OrganSpec spec;
  const TissueModel organ = make_ellipsoid_organ(spec);
  EXPECT_NEAR(total_mass(organ), spec.density_kg_per_m3 * rest_volume(organ), 1e-12);
  EXPECT_TRUE(closed_and_oriented(organ));
  EXPECT_NEAR(enclosed_volume(organ, organ.rest_position), rest_volume(organ), 1e-12);
  // Small enough for the 1 kHz solver on one core.
  EXPECT_GT(organ.tets.size(), 300u);
  EXPECT_LT(organ.tets.size(), 2500u);
}

TEST(DissectionAnatomy, DuctIsAPrismFixedAtBothEndsAndTheOrganAtItsBack) {
  const OrganSpec organ;
  const DuctSpec duct;
  const DissectionAnatomy a = make_dissection_anatomy(organ, duct);
  const auto duct_particles = a.model.particles() - static_cast<std::size_t>(a.duct_first);
  EXPECT_EQ(duct_particles, static_cast<std::size_t>(4 * (duct.segments + 1)));
  EXPECT_EQ(a.model.tets.size(), make_ellipsoid_organ(organ).tets.size() + 5u * duct.segments);
  EXPECT_TRUE(closed_and_oriented(a.model));
  int duct_ends = 0, bed = 0;
  for (std::int32_t p : a.model.attachments.particle) {
    const Vec3& x = a.model.rest_position[static_cast<std::size_t>(p)];
    if (a.is_duct(p)) {
      ++duct_ends;
      const Real f = fraction_along_duct(a, x);
      EXPECT_TRUE(f < 0.05 || f > 0.95) << f;
    } else {
      ++bed;
      EXPECT_GE(x.y(), organ.centre.y() + organ.bed_fraction * organ.semi_axes.y());
    }
  }
  EXPECT_EQ(duct_ends, 2 * 4 * 2);  // two cross-sections (3 mm apart) at each end
  EXPECT_GT(bed, 10);
  EXPECT_NEAR(fraction_along_duct(a, a.duct_start), 0, 1e-12);
  EXPECT_NEAR(fraction_along_duct(a, (a.duct_start + a.duct_end) / 2), 0.5, 1e-12);
}

TEST(DissectionAnatomy, OrganHidesTheDuctFromAboveUntilItIsMovedAway) {
  const DissectionAnatomy a = make_dissection_anatomy();
  TissueState state = initial_state(a.model);
  const Vec3 eye(0, -0.02, 0.15);  // a laparoscope above, looking down
  EXPECT_LT(duct_exposure(a, state, eye), 0.35);
  for (std::size_t i = 0; i < a.model.particles(); ++i) {
    if (!a.is_duct(static_cast<std::int32_t>(i))) state.position[i] += Vec3(0, 0.08, 0);
  }
  EXPECT_DOUBLE_EQ(duct_exposure(a, state, eye), 1.0);
}

TEST(DissectionAnatomy, SettlesUnderGravityOnItsAttachmentsWithoutInvertingOrDrifting) {
  const DissectionAnatomy a = make_dissection_anatomy();
  TissueState state = initial_state(a.model);
  // A 0.1 mm random perturbation: an unstable setting would amplify it.
  std::mt19937 rng(7);
  std::uniform_real_distribution<Real> jitter(-1e-4, 1e-4);
  for (Vec3& x : state.position) x += Vec3(jitter(rng), jitter(rng), jitter(rng));
  SolverSettings settings;
  settings.substeps = kDissectionSubsteps;
  settings.damping_per_s = 5;
  XpbdSolver solver(settings);
  StepInputs floor;  // the bed the duct lies on
  floor.planes.push_back({Vec3(0, 0, a.duct_start.z() - a.duct_width_m / 2), Vec3::UnitZ()});
  // 2 s: at 40 substeps the slowest modes decay at about the damping rate
  // (vmax 1.6e-3 m/s at 1.5 s, 3.5e-4 at 2 s).
  const StepOutputs out = run_for(solver, a.model, state, 2.0, 0.01, floor);
  EXPECT_EQ(out.inverted_tets, 0);
  EXPECT_TRUE(tissue_test::all_finite(state));
  Real organ_sag = 0, duct_sag = 0;
  for (std::size_t i = 0; i < a.model.particles(); ++i) {
    const Real drop = a.model.rest_position[i].z() - state.position[i].z();
    (a.is_duct(static_cast<std::int32_t>(i)) ? duct_sag : organ_sag) =
        std::max(a.is_duct(static_cast<std::int32_t>(i)) ? duct_sag : organ_sag, drop);
  }
  // Sag bounds: a few millimetres, the organ hanging from its bed and the
  // duct slung between its ends. Measured and printed for the record.
  std::printf("max sag: organ %.2f mm, duct %.2f mm\n", organ_sag * 1e3, duct_sag * 1e3);
  EXPECT_LT(organ_sag, 0.01);
  EXPECT_LT(duct_sag, 0.005);
  // At rest the velocities have died out.
  Real vmax = 0;
  for (const Vec3& v : state.velocity) vmax = std::max(vmax, v.norm());
  EXPECT_LT(vmax, 1e-3);
}

}  // namespace
}  // namespace medvision::sim
